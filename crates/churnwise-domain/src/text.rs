//! Validated free texts: short labels (names, owners, accounts) and longer
//! texts (the client's words, notes), plus links and item numbers.

use crate::departure::CaseError;
use crate::problem::FieldProblem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest label, in characters.
pub const LABEL_MAX_CHARS: usize = 200;
/// Longest text, in characters.
pub const TEXT_MAX_CHARS: usize = 10_000;
/// Longest link, in characters.
pub const LINK_MAX_CHARS: usize = 2_000;

/// A short single-line text such as a person's name, an owner or an account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(String);

impl Label {
    /// Trims `text` and accepts it when non-empty, single-line and at most
    /// [`LABEL_MAX_CHARS`] characters; `field` names it in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldProblem> {
        let t = text.trim();
        if t.is_empty() {
            return Err(FieldProblem::missing(field));
        }
        if t.contains(['\n', '\r']) {
            return Err(FieldProblem::invalid(field, "must be a single line"));
        }
        if t.chars().count() > LABEL_MAX_CHARS {
            return Err(FieldProblem::too_long(field, LABEL_MAX_CHARS));
        }
        Ok(Label(t.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A longer free text such as the client's own words or a note.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    /// Trims `text` and accepts it when non-empty and at most
    /// [`TEXT_MAX_CHARS`] characters; `field` names it in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldProblem> {
        let t = text.trim();
        if t.is_empty() {
            return Err(FieldProblem::missing(field));
        }
        if t.chars().count() > TEXT_MAX_CHARS {
            return Err(FieldProblem::too_long(field, TEXT_MAX_CHARS));
        }
        Ok(Text(t.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A web link (`http://` or `https://`), e.g. to a handed-over deliverable.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Link(String);

impl Link {
    /// Accepts an `http(s)://` address without spaces, at most
    /// [`LINK_MAX_CHARS`] characters, so no `javascript:` link can be stored.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldProblem> {
        let t = text.trim();
        if t.is_empty() {
            return Err(FieldProblem::missing(field));
        }
        let lower = t.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !t.contains(char::is_whitespace) => {}
            _ => {
                return Err(FieldProblem::invalid(
                    field,
                    "must be an http:// or https:// address without spaces",
                ))
            }
        }
        if t.chars().count() > LINK_MAX_CHARS {
            return Err(FieldProblem::too_long(field, LINK_MAX_CHARS));
        }
        Ok(Link(t.to_string()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($($ty:ident),*) => {$(
        impl TryFrom<String> for $ty {
            type Error = CaseError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $ty::parse("value", &value).map_err(CaseError::from)
            }
        }
        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}
string_conversions!(Label, Text, Link);

/// The number of an item inside one case (an action, a checklist item, a
/// corrective action); stable for the life of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub u32);

impl ItemId {
    /// The id after the largest of `ids` (1 when there is none).
    pub fn next_after(ids: impl IntoIterator<Item = ItemId>) -> ItemId {
        ItemId(ids.into_iter().map(|i| i.0).max().unwrap_or(0) + 1)
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Collects every problem of an input so one error can name all of them.
#[derive(Debug, Default)]
pub(crate) struct Check {
    problems: Vec<FieldProblem>,
}

impl Check {
    /// Records a problem.
    pub(crate) fn push(&mut self, problem: FieldProblem) {
        self.problems.push(problem);
    }

    /// A required value: `None` is recorded as missing.
    pub(crate) fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(FieldProblem::missing(field));
        }
        value
    }

    /// Keeps the value of `result`, or records its problem.
    pub(crate) fn take<T>(&mut self, result: Result<T, FieldProblem>) -> Option<T> {
        result.map_err(|p| self.push(p)).ok()
    }

    /// A required label.
    pub(crate) fn label(&mut self, field: &str, value: Option<&str>) -> Option<Label> {
        self.take(Label::parse(field, value.unwrap_or("")))
    }

    /// An optional label: absent or blank is `None`.
    pub(crate) fn opt_label(&mut self, field: &str, value: Option<&str>) -> Option<Label> {
        match value {
            Some(v) if !v.trim().is_empty() => self.take(Label::parse(field, v)),
            _ => None,
        }
    }

    /// A required text.
    pub(crate) fn text(&mut self, field: &str, value: Option<&str>) -> Option<Text> {
        self.take(Text::parse(field, value.unwrap_or("")))
    }

    /// An optional text: absent or blank is `None`.
    pub(crate) fn opt_text(&mut self, field: &str, value: Option<&str>) -> Option<Text> {
        match value {
            Some(v) if !v.trim().is_empty() => self.take(Text::parse(field, v)),
            _ => None,
        }
    }

    /// An optional link: absent or blank is `None`.
    pub(crate) fn opt_link(&mut self, field: &str, value: Option<&str>) -> Option<Link> {
        match value {
            Some(v) if !v.trim().is_empty() => self.take(Link::parse(field, v)),
            _ => None,
        }
    }

    /// A list of labels: blanks are skipped, repeats (ignoring case) kept once.
    pub(crate) fn labels(&mut self, field: &str, values: &[String]) -> Vec<Label> {
        let mut out: Vec<Label> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if v.trim().is_empty() {
                continue;
            }
            if let Some(label) = self.take(Label::parse(&format!("{field}[{i}]"), v)) {
                if !out
                    .iter()
                    .any(|l| l.as_str().eq_ignore_ascii_case(label.as_str()))
                {
                    out.push(label);
                }
            }
        }
        out
    }

    /// `Ok` when nothing was recorded, else the error naming every problem.
    pub(crate) fn finish(self) -> Result<(), CaseError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(CaseError::InvalidInput(self.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_trimmed_and_a_blank_one_is_missing() {
        assert_eq!(Label::parse("owner", "  Ana ").unwrap().as_str(), "Ana");
        let problem = Label::parse("owner", "   ").unwrap_err();
        assert_eq!(problem.to_string(), "owner is required");
    }

    #[test]
    fn a_label_longer_than_the_limit_or_on_two_lines_is_rejected() {
        let long = "x".repeat(LABEL_MAX_CHARS + 1);
        assert!(Label::parse("owner", &long).is_err());
        assert!(Label::parse("owner", "a\nb").is_err());
        assert!(Text::parse("note", "a\nb").is_ok());
    }

    #[test]
    fn only_http_and_https_links_are_accepted() {
        assert!(Link::parse("link", "https://drive.example.com/x").is_ok());
        assert!(Link::parse("link", "HTTP://example.com").is_ok());
        assert!(Link::parse("link", "javascript:alert(1)").is_err());
        assert!(Link::parse("link", "https://").is_err());
        assert!(Link::parse("link", "https://a b").is_err());
    }

    #[test]
    fn a_label_deserialises_only_when_valid() {
        assert!(serde_json::from_str::<Label>("\"Ana\"").is_ok());
        assert!(serde_json::from_str::<Label>("\"  \"").is_err());
    }

    #[test]
    fn the_next_item_id_follows_the_largest() {
        assert_eq!(ItemId::next_after([]), ItemId(1));
        assert_eq!(ItemId::next_after([ItemId(3), ItemId(1)]), ItemId(4));
    }
}
