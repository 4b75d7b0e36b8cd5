//! Exclusivity (issue 16, docs/clients.md): a client may hold an
//! exclusivity — over a segment, or against a list of named competitors —
//! from a day, to an optional day. Another client "falls inside" it when the
//! exclusivity is in force on the day asked and the other client's segment
//! (kind segment) or name (kind competitors) equals it, compared trimmed and
//! case-insensitively.

use crate::registry::{optional_text, required_text};
use crate::FieldProblem;
use chrono::NaiveDate;

/// Longest segment, in characters.
pub const MAX_SEGMENT: usize = 100;
/// Most competitor names in one exclusivity.
pub const MAX_NAMES: usize = 20;
/// Longest competitor name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// What an exclusivity covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every client of this segment.
    Segment(String),
    /// The clients with one of these names (1 to [`MAX_NAMES`]).
    Competitors(Vec<String>),
}

impl Scope {
    /// `segment` or `competitors`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Segment(_) => "segment",
            Scope::Competitors(_) => "competitors",
        }
    }
}

/// A checked exclusivity (its holder is kept beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusivity {
    /// What it covers.
    pub scope: Scope,
    /// First day in force.
    pub starts_on: NaiveDate,
    /// Last day in force; open-ended when `None`.
    pub ends_on: Option<NaiveDate>,
    /// A note (at most [`MAX_NOTE`] characters).
    pub note: Option<String>,
}

/// The comparison key of a name or segment: trimmed, lower-cased.
pub fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

impl Exclusivity {
    /// Checks an exclusivity: `kind` is `segment` (then `segment` is
    /// required) or `competitors` (then `competitors` holds 1 to 20 names,
    /// each at most 100 characters; blanks and repeats are dropped);
    /// `ends_on` is not before `starts_on`. Every bad field is named.
    pub fn new(
        kind: &str,
        segment: Option<&str>,
        competitors: &[String],
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
        note: Option<&str>,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut errors = Vec::new();
        let scope = match kind.trim() {
            "segment" => match required_text("segment", segment.unwrap_or(""), MAX_SEGMENT) {
                Ok(s) => Some(Scope::Segment(s)),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            "competitors" => match competitor_names(competitors) {
                Ok(n) => Some(Scope::Competitors(n)),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            _ => {
                errors.push(FieldProblem::new("kind", "must be segment or competitors"));
                None
            }
        };
        if ends_on.is_some_and(|e| e < starts_on) {
            errors.push(FieldProblem::new("ends_on", "must not be before starts_on"));
        }
        let note = match optional_text("note", note, MAX_NOTE) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match scope {
            Some(scope) if errors.is_empty() => Ok(Exclusivity {
                scope,
                starts_on,
                ends_on,
                note,
            }),
            _ => Err(errors),
        }
    }

    /// Whether it is in force on `day` (`starts_on ≤ day ≤ ends_on`).
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|e| day <= e)
    }

    /// Whether a client named `name` of segment `segment` falls inside it on
    /// `day` (the caller rules out the holder itself).
    pub fn covers(&self, name: &str, segment: Option<&str>, day: NaiveDate) -> bool {
        if !self.in_force_on(day) {
            return false;
        }
        match &self.scope {
            Scope::Segment(s) => segment.is_some_and(|seg| {
                let k = key(seg);
                !k.is_empty() && k == key(s)
            }),
            Scope::Competitors(names) => {
                let k = key(name);
                !k.is_empty() && names.iter().any(|n| key(n) == k)
            }
        }
    }
}

/// Whether client `x` falls inside the exclusivity `e` held by client
/// `holder` on `day`: never its own holder.
pub fn falls_inside<Id: PartialEq>(
    x: &Id,
    name: &str,
    segment: Option<&str>,
    holder: &Id,
    e: &Exclusivity,
    day: NaiveDate,
) -> bool {
    x != holder && e.covers(name, segment, day)
}

fn competitor_names(names: &[String]) -> Result<Vec<String>, FieldProblem> {
    let mut kept: Vec<String> = Vec::new();
    for n in names {
        let t = n.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > MAX_NAME {
            return Err(FieldProblem::new(
                "competitors",
                format!("each name must be at most {MAX_NAME} characters"),
            ));
        }
        if !kept.iter().any(|k| key(k) == key(t)) {
            kept.push(t.to_string());
        }
    }
    if kept.is_empty() {
        return Err(FieldProblem::new("competitors", "needs at least one name"));
    }
    if kept.len() > MAX_NAMES {
        return Err(FieldProblem::new(
            "competitors",
            format!("may hold at most {MAX_NAMES} names"),
        ));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fields(r: Result<Exclusivity, Vec<FieldProblem>>) -> Vec<String> {
        r.unwrap_err().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_segment_exclusivity_covers_that_segment_while_in_force() {
        let e = Exclusivity::new(
            "segment",
            Some(" Dental "),
            &[],
            d("2024-01-01"),
            Some(d("2024-12-31")),
            None,
        )
        .unwrap();
        assert!(e.covers("Any", Some("dental"), d("2024-01-01")));
        assert!(e.covers("Any", Some("  DENTAL"), d("2024-12-31")));
        assert!(!e.covers("Any", Some("dental"), d("2023-12-31")));
        assert!(!e.covers("Any", Some("dental"), d("2025-01-01")));
        assert!(!e.covers("Any", Some("dentistry"), d("2024-06-01")));
        assert!(!e.covers("Any", None, d("2024-06-01")));
        assert!(!e.covers("Dental", None, d("2024-06-01")));
    }

    #[test]
    fn a_competitor_exclusivity_covers_the_named_clients_never_its_holder() {
        let names = vec![
            "Acme S.L.".to_string(),
            " Bravo ".into(),
            "bravo".into(),
            "".into(),
        ];
        let e = Exclusivity::new(
            "competitors",
            None,
            &names,
            d("2024-01-01"),
            None,
            Some(" note "),
        )
        .unwrap();
        assert_eq!(
            e.scope,
            Scope::Competitors(vec!["Acme S.L.".into(), "Bravo".into()])
        );
        assert_eq!(e.note.as_deref(), Some("note"));
        assert!(e.covers(" acme s.l. ", Some("x"), d("2030-01-01")));
        assert!(e.covers("BRAVO", None, d("2024-01-01")));
        assert!(!e.covers("Acme", None, d("2024-06-01")));
        assert!(!e.covers("Bravo", None, d("2023-06-01")));
        assert!(falls_inside(&1, "Bravo", None, &2, &e, d("2024-06-01")));
        assert!(!falls_inside(&2, "Bravo", None, &2, &e, d("2024-06-01")));
    }

    #[test]
    fn every_bad_field_is_named() {
        assert_eq!(
            fields(Exclusivity::new(
                "both",
                None,
                &[],
                d("2024-01-01"),
                None,
                None
            )),
            ["kind"]
        );
        assert_eq!(
            fields(Exclusivity::new(
                "segment",
                Some(" "),
                &[],
                d("2024-02-01"),
                Some(d("2024-01-31")),
                Some(&"n".repeat(501))
            )),
            ["segment", "ends_on", "note"]
        );
        assert_eq!(
            fields(Exclusivity::new(
                "competitors",
                None,
                &[" ".into()],
                d("2024-01-01"),
                None,
                None
            )),
            ["competitors"]
        );
        let many: Vec<String> = (0..21).map(|i| format!("C{i}")).collect();
        assert_eq!(
            fields(Exclusivity::new(
                "competitors",
                None,
                &many,
                d("2024-01-01"),
                None,
                None
            )),
            ["competitors"]
        );
        let long = vec!["x".repeat(101)];
        assert_eq!(
            fields(Exclusivity::new(
                "competitors",
                None,
                &long,
                d("2024-01-01"),
                None,
                None
            )),
            ["competitors"]
        );
        let twenty: Vec<String> = (0..20).map(|i| format!("C{i}")).collect();
        assert!(Exclusivity::new(
            "competitors",
            None,
            &twenty,
            d("2024-01-01"),
            Some(d("2024-01-01")),
            None
        )
        .is_ok());
    }
}
