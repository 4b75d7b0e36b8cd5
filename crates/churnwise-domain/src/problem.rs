//! The one "field problem" of churnwise: which input field is wrong and
//! why. Every layer speaks it: domain rules return it, the store's row
//! problems and the web's problem+json field entries convert from it, and
//! the CLI turns it into `--flag: reason`.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[error("{field} {message}")]
pub struct FieldProblem {
    /// The field's name as the API and forms call it, dotted for nested
    /// fields (`first_evaluation.fruitful`), indexed for lists
    /// (`contacts[0].email`).
    pub field: String,
    /// What is wrong, in English, without the field name.
    pub message: String,
}

impl FieldProblem {
    /// A problem with `field`, for the reason `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldProblem {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field is required and absent or blank.
    pub fn missing(field: &str) -> Self {
        Self::new(field, "is required")
    }

    /// The field is longer than `max` characters.
    pub fn too_long(field: &str, max: usize) -> Self {
        Self::new(field, format!("must be at most {max} characters"))
    }

    /// The field has a value that is not allowed, for the reason `message`.
    pub fn invalid(field: &str, message: &str) -> Self {
        Self::new(field, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_as_the_field_then_the_reason() {
        assert_eq!(
            FieldProblem::missing("name").to_string(),
            "name is required"
        );
    }
}
