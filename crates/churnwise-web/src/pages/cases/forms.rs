//! Reading a posted case form into a [`Step`]: the form's fields, the
//! typed values (dates, amounts, choices) and the form of each step.

use super::enum_of;
use crate::pages::forms::FieldProblems;
use chrono::NaiveDate;
use churnwise_app::cases::Step;
use churnwise_domain::departure::{CloseInput, ExitConversationInput};
use churnwise_domain::lessons::NewCorrectiveActionInput;
use churnwise_domain::offboarding::{
    CredentialHandoverInput, ItemDetailsInput, NewChecklistItemInput,
};
use churnwise_domain::retention::{
    ActionStatus, NewRetentionActionInput, Offer, OfferKind, RetentionOutcome,
};
use churnwise_domain::survey::ScoreScale;
use churnwise_domain::text::{ItemId, Text};
use churnwise_domain::{Lang, Money};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A posted case form: its fields in order (a field may repeat).
pub(super) struct Posted(pub(super) Vec<(String, String)>);

impl Posted {
    /// The first value of `key`, or "".
    pub(super) fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The value of `key` trimmed, if not blank.
    fn text(&self, key: &str) -> Option<String> {
        let t = self.get(key).trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// Every non-blank value of `key`.
    pub(super) fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A comma- or line-separated list.
    fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// A ticked checkbox.
    fn ticked(&self, key: &str) -> bool {
        !self.get(key).is_empty()
    }

    /// What was typed, without the CSRF token.
    pub(super) fn typed(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Reads typed fields, collecting the ones a person mistyped.
struct Reader<'a> {
    posted: &'a Posted,
    errors: FieldProblems,
}

impl Reader<'_> {
    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        churnwise_domain::parse_date(text)
            .map_err(|_| self.errors.insert(key.to_string(), "form-date"))
            .ok()
    }

    fn yes_no(&mut self, key: &str) -> Option<bool> {
        match self.posted.get(key) {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }

    fn number(&mut self, key: &str) -> Option<u32> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        text.parse::<u32>()
            .map_err(|_| self.errors.insert(key.to_string(), "form-invalid"))
            .ok()
    }

    fn money(&mut self, key: &str) -> Option<Money> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        Money::parse_non_negative(text)
            .map_err(|_| self.errors.insert(key.to_string(), "form-amount"))
            .ok()
    }

    fn choice<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let text = self.posted.get(key).trim();
        if text.is_empty() {
            return None;
        }
        enum_of(text)
            .ok_or_else(|| self.errors.insert(key.to_string(), "form-invalid"))
            .ok()
    }

    fn finish<T>(self, value: T) -> Result<T, FieldProblems> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// The forms of the case page: the last part of their path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Notice,
    ExitConversation,
    StartRetention,
    RetentionAction,
    RetentionActionStatus,
    RetentionOffer,
    RetentionOutcome,
    BeginOffboarding,
    AddItem,
    ItemDone,
    ItemWaive,
    ItemReopen,
    ItemDetails,
    Handover,
    InvoiceWaiver,
    Survey,
    Close,
    AddLesson,
    LessonDone,
    FollowUp,
    WonBack,
}

impl Form {
    pub(super) const ALL: [Form; 21] = [
        Form::Notice,
        Form::ExitConversation,
        Form::StartRetention,
        Form::RetentionAction,
        Form::RetentionActionStatus,
        Form::RetentionOffer,
        Form::RetentionOutcome,
        Form::BeginOffboarding,
        Form::AddItem,
        Form::ItemDone,
        Form::ItemWaive,
        Form::ItemReopen,
        Form::ItemDetails,
        Form::Handover,
        Form::InvoiceWaiver,
        Form::Survey,
        Form::Close,
        Form::AddLesson,
        Form::LessonDone,
        Form::FollowUp,
        Form::WonBack,
    ];

    /// The form's path segment, also its name in the template.
    pub(super) fn slug(self) -> &'static str {
        match self {
            Form::Notice => "notice",
            Form::ExitConversation => "exit-conversation",
            Form::StartRetention => "retention",
            Form::RetentionAction => "retention-action",
            Form::RetentionActionStatus => "retention-action-status",
            Form::RetentionOffer => "retention-offer",
            Form::RetentionOutcome => "retention-outcome",
            Form::BeginOffboarding => "offboarding",
            Form::AddItem => "item",
            Form::ItemDone => "item-done",
            Form::ItemWaive => "item-waive",
            Form::ItemReopen => "item-reopen",
            Form::ItemDetails => "item-details",
            Form::Handover => "handover",
            Form::InvoiceWaiver => "invoice-waiver",
            Form::Survey => "survey",
            Form::Close => "close",
            Form::AddLesson => "lesson",
            Form::LessonDone => "lesson-done",
            Form::FollowUp => "follow-up",
            Form::WonBack => "won-back",
        }
    }

    pub(super) fn of(slug: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.slug() == slug)
    }

    /// The section of the page the form sits in (its anchor).
    pub(super) fn section(self) -> &'static str {
        match self {
            Form::Notice => "notice",
            Form::ExitConversation => "exit",
            Form::StartRetention
            | Form::RetentionAction
            | Form::RetentionActionStatus
            | Form::RetentionOffer
            | Form::RetentionOutcome => "retention",
            Form::BeginOffboarding
            | Form::AddItem
            | Form::ItemDone
            | Form::ItemWaive
            | Form::ItemReopen
            | Form::ItemDetails
            | Form::Handover
            | Form::InvoiceWaiver => "offboarding",
            Form::Survey => "feedback",
            Form::Close => "close",
            Form::AddLesson | Form::LessonDone | Form::FollowUp | Form::WonBack => "lessons",
        }
    }

    /// The step the form asks for, or the fields a person mistyped.
    pub(super) fn step(self, p: &Posted, lang: Lang) -> Result<Step, FieldProblems> {
        let mut r = Reader {
            posted: p,
            errors: FieldProblems::new(),
        };
        let item = |r: &mut Reader| -> ItemId {
            match p.get("item").trim().parse::<u32>() {
                Ok(n) => ItemId(n),
                Err(_) => {
                    r.errors.insert("item".into(), "form-invalid");
                    ItemId(0)
                }
            }
        };
        match self {
            Form::Notice => {
                let form: crate::pages::clients::CaseForm = serde_urlencoded::from_str(
                    &form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(p.0.iter().filter(|(k, _)| k != "csrf" && k != "version"))
                        .finish(),
                )
                .map_err(|_| FieldProblems::from([("notice".to_string(), "form-invalid")]))?;
                let mut notice = form.notice()?.1;
                notice.minimum_term_ends_on = r.date("minimum_term_ends_on");
                notice.penalties = p.text("penalties");
                notice.penalty_amount = r.money("penalty_amount");
                r.finish(Step::AmendNotice { notice })
            }
            Form::ExitConversation => {
                let conversation = ExitConversationInput {
                    held_on: r.date("held_on"),
                    clients_words: p.text("clients_words"),
                    primary_reason: p.text("primary_reason"),
                    secondary_reasons: p.all("secondary_reasons"),
                    controllable: r.yes_no("controllable"),
                    renegotiable: r.yes_no("renegotiable"),
                    departments: p.list("departments"),
                    processes: p.list("processes"),
                    roles: p.list("roles"),
                };
                r.finish(Step::ExitConversation { conversation })
            }
            Form::StartRetention => {
                let suggested = p.ticked("suggested");
                let owner = p.text("owner");
                let due_on = r.date("due_on");
                r.finish(Step::StartRetention {
                    suggested,
                    owner,
                    due_on,
                })
            }
            Form::RetentionAction => {
                let action = NewRetentionActionInput {
                    description: p.text("description"),
                    side: r.choice("side"),
                    owner: p.text("owner"),
                    due_on: r.date("due_on"),
                };
                r.finish(Step::AddRetentionAction { action })
            }
            Form::RetentionActionStatus => {
                let id = item(&mut r);
                let status: Option<ActionStatus> = r.choice("status");
                match status {
                    Some(status) => r.finish(Step::SetRetentionActionStatus { id, status }),
                    None => Err(FieldProblems::from([(
                        "status".to_string(),
                        "form-required",
                    )])),
                }
            }
            Form::RetentionOffer => {
                let kind: Option<OfferKind> = r.choice("offer_kind");
                let description = match p.text("offer_description") {
                    None => None,
                    Some(t) => Text::parse("offer_description", &t)
                        .map_err(|_| {
                            r.errors.insert(
                                "offer_description".into(),
                                crate::pages::forms::too_long_key(
                                    churnwise_domain::text::TEXT_MAX_CHARS,
                                ),
                            )
                        })
                        .ok(),
                };
                let offer = kind.map(|kind| Offer { kind, description });
                r.finish(Step::SetRetentionOffer { offer })
            }
            Form::RetentionOutcome => {
                let outcome: Option<RetentionOutcome> = r.choice("outcome");
                let on = r.date("on");
                match outcome {
                    Some(outcome) => r.finish(Step::RecordRetentionOutcome { outcome, on }),
                    None => {
                        r.errors.insert("outcome".into(), "form-required");
                        Err(r.errors)
                    }
                }
            }
            Form::BeginOffboarding => r.finish(Step::BeginOffboarding {
                service_type: p.text("service_type"),
                lang: Some(lang),
            }),
            Form::AddItem => {
                let item = NewChecklistItemInput {
                    label: p.text("label"),
                    required: Some(p.ticked("required")),
                    link: p.text("link"),
                    note: p.text("note"),
                };
                r.finish(Step::AddChecklistItem { item })
            }
            Form::ItemDone => {
                let id = item(&mut r);
                let on = r.date("on");
                r.finish(Step::CompleteChecklistItem { id, on })
            }
            Form::ItemWaive => {
                let id = item(&mut r);
                r.finish(Step::WaiveChecklistItem {
                    id,
                    reason: p.get("reason").to_string(),
                })
            }
            Form::ItemReopen => {
                let id = item(&mut r);
                r.finish(Step::ReopenChecklistItem { id })
            }
            Form::ItemDetails => {
                let id = item(&mut r);
                // Blank clears: the form always sends both fields.
                let details = ItemDetailsInput {
                    link: Some(p.get("link").trim().to_string()),
                    note: Some(p.get("note").trim().to_string()),
                };
                r.finish(Step::SetChecklistItemDetails { id, details })
            }
            Form::Handover => {
                let handover = CredentialHandoverInput {
                    account: p.text("account"),
                    recipient: p.text("recipient"),
                    channel: p.text("channel"),
                    handed_over_on: r.date("handed_over_on"),
                };
                r.finish(Step::RecordCredentialHandover { handover })
            }
            Form::InvoiceWaiver => {
                let on = r.date("on");
                r.finish(Step::WaiveInvoice {
                    invoice: p.get("invoice").trim().to_string(),
                    reason: p.get("reason").to_string(),
                    on,
                })
            }
            Form::Survey => {
                let scale: Option<ScoreScale> = r.choice("scale");
                let expires_in_days = r.number("expires_in_days");
                r.finish(Step::IssueSurvey {
                    scale,
                    expires_in_days,
                })
            }
            Form::Close => {
                let close = CloseInput {
                    outcome: r.choice("outcome"),
                    closed_on: r.date("closed_on"),
                    end_on: r.date("end_on"),
                    lost_mrr: r.money("lost_mrr"),
                };
                r.finish(Step::Close { close })
            }
            Form::AddLesson => {
                let action = NewCorrectiveActionInput {
                    what: p.text("what"),
                    owner: p.text("owner"),
                    due_on: r.date("due_on"),
                };
                r.finish(Step::AddCorrectiveAction { action })
            }
            Form::LessonDone => {
                let id = item(&mut r);
                let on = r.date("on");
                r.finish(Step::CompleteCorrectiveAction { id, on })
            }
            Form::FollowUp => {
                let on = r.date("on");
                r.finish(Step::SetWinBackFollowUp { on })
            }
            Form::WonBack => {
                let on = r.date("on");
                r.finish(Step::MarkWonBack { on })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Posted {
        Posted(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn every_form_has_its_own_path_and_a_section() {
        for form in Form::ALL {
            assert_eq!(Form::of(form.slug()), Some(form));
            assert!(!form.section().is_empty());
        }
        assert_eq!(Form::of("delete-everything"), None);
    }

    #[test]
    fn the_exit_conversation_form_reads_repeated_reasons_and_lists() {
        let p = posted(&[
            ("clients_words", " We are moving it in-house "),
            ("primary_reason", "needs_changed"),
            ("secondary_reasons", "budget_cut"),
            ("secondary_reasons", ""),
            ("secondary_reasons", "price_too_high"),
            ("controllable", "no"),
            ("renegotiable", "yes"),
            ("departments", "Sales, Support\nBilling"),
        ]);
        let Ok(Step::ExitConversation { conversation }) = Form::ExitConversation.step(&p, Lang::En)
        else {
            panic!("an exit conversation step");
        };
        assert_eq!(
            conversation.clients_words.as_deref(),
            Some("We are moving it in-house")
        );
        assert_eq!(
            conversation.secondary_reasons,
            ["budget_cut", "price_too_high"]
        );
        assert_eq!(conversation.controllable, Some(false));
        assert_eq!(conversation.departments, ["Sales", "Support", "Billing"]);
    }

    #[test]
    fn mistyped_dates_and_amounts_are_named_before_any_step_runs() {
        let p = posted(&[
            ("outcome", "lost"),
            ("end_on", "2024-02-30"),
            ("lost_mrr", "lots"),
        ]);
        let errors = Form::Close.step(&p, Lang::En).unwrap_err();
        assert_eq!(errors.get("end_on"), Some(&"form-date"));
        assert_eq!(errors.get("lost_mrr"), Some(&"form-amount"));
    }
}
