//! The client registry: validated values for clients, contacts, subscriptions,
//! invoices and interactions (departure.md section 1).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

pub use crate::problem::FieldProblem;

/// Trims `text` and checks it is non-empty and at most `max` characters.
pub fn required_text(field: &str, text: &str, max: usize) -> Result<String, FieldProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldProblem::new(field, "is required"));
    }
    if t.chars().count() > max {
        return Err(FieldProblem::new(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// Trims `text`; empty becomes `None`; longer than `max` characters is an error.
pub fn optional_text(
    field: &str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldProblem> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > max => Err(FieldProblem::new(
            field,
            format!("is longer than {max} characters"),
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case key stored and sent over the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim().to_ascii_lowercase();
                $(if t == $text { return Ok($name::$variant); })+
                let all: Vec<&str> = vec![$($text),+];
                Err(format!("{:?} is not one of {}", s, all.join(", ")))
            }
        }
    };
}

string_enum! {
    /// Where a client stands in the relationship.
    ClientStatus {
        /// Not a paying client yet.
        Prospect => "prospect",
        /// A current client.
        Active => "active",
        /// A client with an open departure case.
        Leaving => "leaving",
        /// A client that left.
        Former => "former",
        /// Set by hand only (never by the rule of [`crate::client_status`]):
        /// a client whose work is on hold.
        Paused => "paused",
    }
}

string_enum! {
    /// What a user may do in a workspace.
    Role {
        /// Everything, including users and settings.
        Owner => "owner",
        /// Everything but ownership.
        Manager => "manager",
        /// Reads and writes clients and cases.
        Member => "member",
        /// Reads only.
        Viewer => "viewer",
    }
}

impl Role {
    /// True when the role may create and change records.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Viewer)
    }

    /// True when the role may manage users, tokens and settings.
    pub fn can_manage(self) -> bool {
        matches!(self, Role::Owner | Role::Manager)
    }
}

string_enum! {
    /// The kind of a logged interaction with a client.
    InteractionKind {
        /// A phone or video call.
        Call => "call",
        /// A meeting.
        Meeting => "meeting",
        /// An email.
        Email => "email",
        /// A newsletter or periodic update.
        Newsletter => "newsletter",
        /// A complaint from the client.
        Complaint => "complaint",
        /// An incident on our side.
        Incident => "incident",
        /// Praise from the client.
        Praise => "praise",
        /// A note that fits no other kind.
        Note => "note",
    }
}

string_enum! {
    /// A warning sign that a relationship may not be worth keeping
    /// (departure.md section 2), recorded on the client by the team.
    WarningFlag {
        /// The client keeps asking for services we do not offer.
        WantsServicesNotOffered => "wants_services_not_offered",
        /// The client does not value the team's expertise.
        DoesNotValueExpertise => "does_not_value_expertise",
        /// The team says yes to everything this client asks.
        YesToEverything => "yes_to_everything",
        /// The client treats the team badly.
        TreatsTeamBadly => "treats_team_badly",
    }
}

impl WarningFlag {
    /// Parses a comma-separated list of flag keys (blank parts ignored),
    /// without duplicates, in [`WarningFlag::ALL`] order.
    pub fn parse_list(text: &str) -> Result<Vec<WarningFlag>, FieldProblem> {
        let mut flags = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let flag = part
                .parse::<WarningFlag>()
                .map_err(|e| FieldProblem::new("warning_flags", e))?;
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
        flags.sort_by_key(|f| WarningFlag::ALL.iter().position(|a| a == f));
        Ok(flags)
    }

    /// The flags as the comma-separated text that is stored.
    pub fn join(flags: &[WarningFlag]) -> String {
        flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A syntactically plausible email address, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a dotted domain.
    pub fn parse(text: &str) -> Result<Self, FieldProblem> {
        let t = text.trim().to_lowercase();
        let bad = || FieldProblem::new("email", format!("{text:?} is not an email address"));
        let (local, domain) = t.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || t.chars().any(char::is_whitespace)
            || t.len() > 254
        {
            return Err(bad());
        }
        Ok(Email(t))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = FieldProblem;
    fn try_from(value: String) -> Result<Self, FieldProblem> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The default keep-in-touch interval in days (departure.md section 1).
pub const DEFAULT_KEEP_IN_TOUCH_DAYS: i32 = 30;

/// Checks a keep-in-touch interval: 1 to 3650 days.
pub fn keep_in_touch_days(days: i32) -> Result<i32, FieldProblem> {
    if (1..=3650).contains(&days) {
        Ok(days)
    } else {
        Err(FieldProblem::new(
            "keep_in_touch_days",
            format!("{days} is not between 1 and 3650"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_flags_parse_from_a_list_in_a_stable_order_without_duplicates() {
        let flags =
            WarningFlag::parse_list("treats_team_badly, yes_to_everything,,treats_team_badly")
                .unwrap();
        assert_eq!(
            flags,
            vec![WarningFlag::YesToEverything, WarningFlag::TreatsTeamBadly]
        );
        assert_eq!(
            WarningFlag::join(&flags),
            "yes_to_everything,treats_team_badly"
        );
        assert_eq!(WarningFlag::parse_list("").unwrap(), vec![]);
        let err = WarningFlag::parse_list("rude").unwrap_err();
        assert_eq!(err.field, "warning_flags");
    }

    #[test]
    fn statuses_and_roles_parse_from_their_keys_case_insensitively() {
        assert_eq!(
            "Active".parse::<ClientStatus>().unwrap(),
            ClientStatus::Active
        );
        assert_eq!("viewer".parse::<Role>().unwrap(), Role::Viewer);
        let err = "boss".parse::<Role>().unwrap_err();
        assert!(err.contains("owner, manager, member, viewer"), "{err}");
    }

    #[test]
    fn only_viewers_cannot_write_and_only_owners_and_managers_manage() {
        assert!(!Role::Viewer.can_write());
        assert!(Role::Member.can_write());
        assert!(!Role::Member.can_manage());
        assert!(Role::Manager.can_manage());
    }

    #[test]
    fn an_email_is_lower_cased_and_a_bad_one_names_the_field() {
        assert_eq!(
            Email::parse(" Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        for bad in ["ana", "@x.com", "ana@", "ana@com", "a b@x.com", "a@@x.com"] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad}");
        }
    }

    #[test]
    fn required_text_is_trimmed_and_empty_is_rejected() {
        assert_eq!(required_text("name", "  Acme ", 10).unwrap(), "Acme");
        assert_eq!(
            required_text("name", "   ", 10).unwrap_err().message,
            "is required"
        );
        assert!(required_text("name", "abcdefghijk", 10).is_err());
        assert_eq!(optional_text("owner", Some(" "), 10).unwrap(), None);
    }

    #[test]
    fn keep_in_touch_interval_must_be_positive_and_bounded() {
        assert_eq!(keep_in_touch_days(30).unwrap(), 30);
        assert_eq!(
            keep_in_touch_days(0).unwrap_err().field,
            "keep_in_touch_days"
        );
        assert!(keep_in_touch_days(4000).is_err());
    }
}
