//! A refused step in words: a [`CaseError`] or the fields a person
//! mistyped, turned into translated messages to show next to the step.

use super::say;
use crate::pages::forms::{field_error_key, FieldProblems};
use churnwise_domain::departure::Stage;
use churnwise_domain::{CaseError, Lang};
use serde::Serialize;

/// A close blocker, as listed next to the close step.
#[derive(Debug, Serialize)]
pub(super) struct Blocker {
    item: Option<u32>,
    text: String,
}

fn stage_label(lang: Lang, stage: Stage) -> String {
    say(lang, &format!("case-stage-{}", stage.as_str()), &[])
}

/// The close blockers of a case in offboarding or feedback, in words.
pub(super) fn blockers(e: &CaseError, lang: Lang) -> Vec<Blocker> {
    match e {
        CaseError::CannotClose {
            open_items,
            unpaid_invoices,
        } => open_items
            .iter()
            .map(|i| Blocker {
                item: Some(i.id.0),
                text: say(
                    lang,
                    "case-guard-item-open",
                    &[("item", i.label_in(lang).to_string())],
                ),
            })
            .chain(unpaid_invoices.iter().map(|r| Blocker {
                item: None,
                text: say(lang, "case-guard-invoice-unpaid", &[("invoice", r.clone())]),
            }))
            .collect(),
        _ => Vec::new(),
    }
}

/// The form field a domain field name belongs to: `first_evaluation.fruitful`
/// is `fruitful`, `secondary_reasons[1]` is `secondary_reasons`,
/// `waiver_reason` is the waiver forms' `reason`.
fn form_field(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let name = last.split('[').next().unwrap_or(last);
    match name {
        "waiver_reason" => "reason".to_string(),
        other => other.to_string(),
    }
}

/// A refused step in words: the fields concerned and the guard's reasons,
/// translated into `lang`.
pub(super) fn explain(e: &CaseError, lang: Lang) -> (FieldProblems, Vec<String>) {
    let mut errors = FieldProblems::new();
    let mut messages = Vec::new();
    match e {
        CaseError::InvalidInput(problems) => {
            for p in problems {
                let field = form_field(&p.field);
                let key = field_error_key(&field, &p.message);
                errors.insert(field, key);
            }
        }
        CaseError::UnknownReason { field, .. } => {
            errors.insert(form_field(field), "case-guard-reason-unknown");
        }
        CaseError::RetiredReason { field, .. } => {
            errors.insert(form_field(field), "case-guard-reason-retired");
        }
        CaseError::ReasonNotForKind { field, .. } => {
            errors.insert(form_field(field), "case-guard-reason-kind");
        }
        CaseError::SecondaryRepeatsPrimary { .. } => {
            errors.insert("secondary_reasons".into(), "case-guard-secondary-repeats");
        }
        CaseError::DuplicateSecondaryReason { .. } => {
            errors.insert("secondary_reasons".into(), "case-guard-secondary-twice");
        }
        CaseError::WaiverNeedsReason { field } => {
            errors.insert(form_field(field), "case-guard-waiver-reason");
        }
        CaseError::OutcomeMismatch { .. } => {
            errors.insert("outcome".into(), "case-guard-outcome-mismatch");
        }
        CaseError::WrongStage { stage, allowed, .. } => {
            let allowed: Vec<String> = allowed.iter().map(|s| stage_label(lang, *s)).collect();
            messages.push(say(
                lang,
                "case-guard-wrong-stage",
                &[
                    ("stage", stage_label(lang, *stage)),
                    ("allowed", allowed.join(", ")),
                ],
            ));
        }
        CaseError::CannotClose { .. } => {
            messages.push(say(lang, "case-guard-cannot-close", &[]));
            messages.extend(blockers(e, lang).into_iter().map(|b| b.text));
        }
        CaseError::UnknownItem { id, .. } => {
            messages.push(say(
                lang,
                "case-guard-unknown-item",
                &[("id", id.to_string())],
            ));
        }
        CaseError::NoSurvey => messages.push(say(lang, "case-guard-no-survey", &[])),
        CaseError::SurveyAlreadyAnswered => {
            messages.push(say(lang, "case-guard-survey-answered", &[]));
        }
        CaseError::SurveyExpired { .. } => {
            messages.push(say(lang, "case-guard-survey-expired", &[]));
        }
        CaseError::RetentionNotForKind { .. } => {
            messages.push(say(lang, "case-guard-retention-kind", &[]));
        }
        CaseError::RetentionUndecided => {
            messages.push(say(lang, "case-guard-retention-undecided", &[]));
        }
        CaseError::RetentionDecided { outcome } => messages.push(say(
            lang,
            "case-guard-retention-decided",
            &[(
                "outcome",
                say(lang, &format!("case-retention-{outcome}"), &[]),
            )],
        )),
        CaseError::CannotWinBack { why } => {
            let key = if why.contains("saved") {
                "case-guard-saved-never-left"
            } else {
                "case-guard-already-won-back"
            };
            messages.push(say(lang, key, &[]));
        }
        CaseError::CaseAlreadyOpen { .. }
        | CaseError::ReasonKeyTaken { .. }
        | CaseError::TestimonialNotOffered
        | CaseError::TestimonialNeedsConsent => {
            messages.push(say(lang, "error-conflict", &[]));
        }
    }
    (errors, messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n;
    use churnwise_domain::departure::{DepartureKind, Outcome};
    use churnwise_domain::text::ItemId;

    #[test]
    fn a_close_guard_is_told_item_by_item_in_spanish() {
        let e = CaseError::CannotClose {
            open_items: vec![churnwise_domain::departure::OpenItem {
                id: ItemId(4),
                label: "Final report".into(),
                label_es: "Informe final".into(),
            }],
            unpaid_invoices: vec!["INV-7".into()],
        };
        let (errors, messages) = explain(&e, Lang::Es);
        assert!(errors.is_empty());
        assert_eq!(messages.len(), 3);
        assert!(messages[1].contains("Informe final"), "{messages:?}");
        assert!(messages[2].contains("INV-7"), "{messages:?}");
        assert!(!messages.iter().any(|m| m.contains("case-guard")));
    }

    #[test]
    fn domain_field_names_become_the_form_fields() {
        assert_eq!(form_field("first_evaluation.fruitful"), "fruitful");
        assert_eq!(form_field("secondary_reasons[1]"), "secondary_reasons");
        assert_eq!(form_field("waiver_reason"), "reason");
        assert_eq!(form_field("end_on"), "end_on");
    }

    #[test]
    fn every_guard_message_exists_in_both_languages() {
        let kinds = [DepartureKind::ClientLeaving, DepartureKind::TeamEnding];
        let errors = [
            CaseError::UnknownReason {
                field: "primary_reason".into(),
                key: "x".into(),
            },
            CaseError::RetiredReason {
                field: "primary_reason".into(),
                key: "x".into(),
            },
            CaseError::ReasonNotForKind {
                field: "primary_reason".into(),
                key: "x".into(),
                kind: kinds[0],
            },
            CaseError::SecondaryRepeatsPrimary { key: "x".into() },
            CaseError::DuplicateSecondaryReason { key: "x".into() },
            CaseError::WaiverNeedsReason {
                field: "waiver_reason".into(),
            },
            CaseError::OutcomeMismatch {
                kind: kinds[1],
                outcome: Outcome::Lost,
                expected: Outcome::Fired,
            },
            CaseError::WrongStage {
                action: "close",
                stage: Stage::Notice,
                allowed: vec![Stage::Offboarding],
            },
            CaseError::UnknownItem {
                what: "checklist item",
                id: ItemId(9),
            },
            CaseError::NoSurvey,
            CaseError::SurveyAlreadyAnswered,
            CaseError::RetentionNotForKind { kind: kinds[1] },
            CaseError::RetentionUndecided,
            CaseError::RetentionDecided {
                outcome: "retained",
            },
            CaseError::CannotWinBack {
                why: "a saved client never left",
            },
            CaseError::CannotWinBack {
                why: "the client was already won back",
            },
        ];
        for e in &errors {
            for lang in i18n::LANGS {
                let (fields, messages) = explain(e, lang);
                assert!(!fields.is_empty() || !messages.is_empty(), "{e:?}");
                for key in fields.values() {
                    assert!(i18n::has_message(lang, key), "{key} ({lang:?})");
                }
                for m in &messages {
                    assert!(!m.contains("case-"), "{m} ({lang:?})");
                }
            }
        }
    }
}
