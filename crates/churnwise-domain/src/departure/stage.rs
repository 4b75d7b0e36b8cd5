//! The stages of a departure case, its kinds and outcomes, and which stage
//! may follow which.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a departure case stands (departure.md §3). Lessons and win-back are
/// recorded on a closed case and are not a stage of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The notice was received and recorded.
    Notice,
    /// The exit conversation was held: the client's words and the reasons.
    ExitConversation,
    /// An optional retention attempt is running.
    Retention,
    /// The offboarding checklist is being worked through.
    Offboarding,
    /// The exit survey was sent.
    Feedback,
    /// The case is closed with its outcome.
    Closed,
}

/// Every allowed move from one stage to another.
pub const TRANSITIONS: &[(Stage, Stage)] = &[
    (Stage::Notice, Stage::ExitConversation),
    (Stage::ExitConversation, Stage::Retention),
    (Stage::ExitConversation, Stage::Offboarding),
    (Stage::Retention, Stage::Offboarding),
    (Stage::Retention, Stage::Closed),
    (Stage::Offboarding, Stage::Feedback),
    (Stage::Offboarding, Stage::Closed),
    (Stage::Feedback, Stage::Closed),
];

impl Stage {
    /// Every stage in order.
    pub const ALL: [Stage; 6] = [
        Stage::Notice,
        Stage::ExitConversation,
        Stage::Retention,
        Stage::Offboarding,
        Stage::Feedback,
        Stage::Closed,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Notice => "notice",
            Stage::ExitConversation => "exit_conversation",
            Stage::Retention => "retention",
            Stage::Offboarding => "offboarding",
            Stage::Feedback => "feedback",
            Stage::Closed => "closed",
        }
    }

    /// True when the case is still open (not closed).
    pub fn is_open(self) -> bool {
        self != Stage::Closed
    }

    /// True when [`TRANSITIONS`] allows moving from `self` to `next`.
    pub fn can_move_to(self, next: Stage) -> bool {
        TRANSITIONS.contains(&(self, next))
    }

    /// The stages that may follow this one.
    pub fn next_stages(self) -> Vec<Stage> {
        TRANSITIONS
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|(_, to)| *to)
            .collect()
    }

    /// The label in a language.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        let (en, es) = match self {
            Stage::Notice => ("Notice", "Aviso"),
            Stage::ExitConversation => ("Exit conversation", "Conversación de salida"),
            Stage::Retention => ("Retention attempt", "Intento de retención"),
            Stage::Offboarding => ("Offboarding", "Traspaso y cierre"),
            Stage::Feedback => ("Feedback", "Opinión"),
            Stage::Closed => ("Closed", "Cerrado"),
        };
        lang.pick(en, es)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who ends the relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DepartureKind {
    /// The client announced it wants to leave.
    ClientLeaving,
    /// The team decided to end the relationship ("firing" the client).
    TeamEnding,
}

impl DepartureKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DepartureKind::ClientLeaving => "client_leaving",
            DepartureKind::TeamEnding => "team_ending",
        }
    }

    /// The outcome a case of this kind closes with when the client goes.
    pub fn departed_outcome(self) -> Outcome {
        match self {
            DepartureKind::ClientLeaving => Outcome::Lost,
            DepartureKind::TeamEnding => Outcome::Fired,
        }
    }

    /// The label in a language.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            DepartureKind::ClientLeaving => lang.pick("client leaving", "el cliente se va"),
            DepartureKind::TeamEnding => lang.pick(
                "team ends the relationship",
                "el equipo termina la relación",
            ),
        }
    }
}

impl fmt::Display for DepartureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The client left.
    Lost,
    /// The client was retained.
    Saved,
    /// The team ended the relationship.
    Fired,
}

impl Outcome {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Lost => "lost",
            Outcome::Saved => "saved",
            Outcome::Fired => "fired",
        }
    }

    /// True when the client is gone (lost or fired).
    pub fn is_departure(self) -> bool {
        matches!(self, Outcome::Lost | Outcome::Fired)
    }

    /// The label in a language.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Outcome::Lost => lang.pick("lost", "perdido"),
            Outcome::Saved => lang.pick("saved", "retenido"),
            Outcome::Fired => lang.pick("fired", "despedido"),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stages_follow_the_spec_order_with_retention_optional() {
        assert_eq!(
            Stage::ExitConversation.next_stages(),
            vec![Stage::Retention, Stage::Offboarding]
        );
        assert!(Stage::Notice.can_move_to(Stage::ExitConversation));
        assert!(!Stage::Notice.can_move_to(Stage::Offboarding));
        assert!(!Stage::Notice.can_move_to(Stage::Closed));
        assert!(Stage::Closed.next_stages().is_empty());
    }

    #[test]
    fn stages_kinds_and_outcomes_serialise_as_snake_case() {
        assert_eq!(
            serde_json::to_string(&Stage::ExitConversation).unwrap(),
            "\"exit_conversation\""
        );
        assert_eq!(
            serde_json::to_string(&DepartureKind::TeamEnding).unwrap(),
            "\"team_ending\""
        );
        assert_eq!(serde_json::to_string(&Outcome::Fired).unwrap(), "\"fired\"");
        for stage in Stage::ALL {
            assert_eq!(
                serde_json::to_string(&stage).unwrap(),
                format!("\"{}\"", stage.as_str())
            );
        }
    }

    #[test]
    fn a_team_ending_departure_is_fired_and_a_client_leaving_one_is_lost() {
        assert_eq!(DepartureKind::TeamEnding.departed_outcome(), Outcome::Fired);
        assert_eq!(
            DepartureKind::ClientLeaving.departed_outcome(),
            Outcome::Lost
        );
        assert!(!Outcome::Saved.is_departure());
    }
}
