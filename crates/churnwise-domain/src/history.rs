//! The append-only history of a case: who, when, and what changed. Every
//! transition returns its [`CaseEvent`]s; storage appends them as
//! [`HistoryEntry`]s and never edits or deletes one.

use crate::departure::{DepartureCase, DepartureKind, Outcome};
use crate::reasons::{ReasonKey, ReasonList};
use crate::retention::{ActionStatus, OfferKind, RetentionOutcome};
use crate::survey::ScoreScale;
use crate::text::{ItemId, Label};
use crate::{Lang, Money};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in user of the workspace.
    User {
        /// The user's name.
        name: Label,
    },
    /// The former client, through the survey link.
    Client,
    /// churnwise itself.
    System,
}

impl Actor {
    /// A user by name.
    pub fn user(name: Label) -> Self {
        Actor::User { name }
    }

    /// The actor in words.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Actor::User { name } => name.to_string(),
            Actor::Client => lang.pick("the client", "el cliente").to_string(),
            Actor::System => "churnwise".to_string(),
        }
    }
}

/// What changed in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEvent {
    /// The case was opened with its notice.
    Opened {
        /// Who ends the relationship.
        kind: DepartureKind,
        /// The day the notice was received.
        received_on: NaiveDate,
    },
    /// The notice details were corrected.
    NoticeAmended,
    /// The exit conversation was recorded (or corrected).
    ExitConversationRecorded {
        /// The primary reason.
        primary_reason: ReasonKey,
        /// The secondary reasons.
        secondary_reasons: Vec<ReasonKey>,
    },
    /// A retention attempt started.
    RetentionStarted {
        /// The offer, if any.
        offer: Option<OfferKind>,
        /// How many actions the plan started with.
        actions: usize,
    },
    /// An action was added to the retention plan.
    RetentionActionAdded {
        /// The action's number.
        id: ItemId,
        /// What is to be done.
        description: String,
    },
    /// A retention action changed status.
    RetentionActionStatusChanged {
        /// The action's number.
        id: ItemId,
        /// What is to be done.
        description: String,
        /// The status before.
        from: ActionStatus,
        /// The status after.
        to: ActionStatus,
    },
    /// The retention offer was set or removed.
    RetentionOfferSet {
        /// The offer now.
        offer: Option<OfferKind>,
    },
    /// The retention attempt ended.
    RetentionOutcomeRecorded {
        /// Retained or leaving.
        outcome: RetentionOutcome,
    },
    /// Offboarding started with a checklist from a template.
    OffboardingStarted {
        /// The template's name.
        template: String,
        /// How many items.
        items: usize,
    },
    /// A checklist item was added.
    ChecklistItemAdded {
        /// The item's number.
        id: ItemId,
        /// Its label.
        label: String,
    },
    /// A checklist item was done.
    ChecklistItemDone {
        /// The item's number.
        id: ItemId,
        /// Its label.
        label: String,
    },
    /// A checklist item was waived with a reason.
    ChecklistItemWaived {
        /// The item's number.
        id: ItemId,
        /// Its label.
        label: String,
        /// Why.
        reason: String,
    },
    /// A checklist item was opened again.
    ChecklistItemReopened {
        /// The item's number.
        id: ItemId,
        /// Its label.
        label: String,
    },
    /// A checklist item's link or note changed.
    ChecklistItemDetailsChanged {
        /// The item's number.
        id: ItemId,
        /// Its label.
        label: String,
    },
    /// An account's credentials were handed over (never the secret).
    CredentialsHandedOver {
        /// The checklist item's number.
        id: ItemId,
        /// The account.
        account: String,
        /// Who received it.
        recipient: String,
        /// Through which channel.
        channel: String,
        /// When.
        on: NaiveDate,
    },
    /// An unpaid invoice was waived with a reason.
    InvoiceWaived {
        /// The invoice's reference.
        invoice: String,
        /// Why.
        reason: String,
    },
    /// An exit survey link was issued.
    SurveyIssued {
        /// When the link expires.
        expires_at: DateTime<Utc>,
    },
    /// The exit survey was answered.
    SurveyAnswered {
        /// The score's scale.
        scale: ScoreScale,
        /// The score.
        score: u8,
    },
    /// The case was closed.
    Closed {
        /// Lost, saved or fired.
        outcome: Outcome,
        /// The client's end date, when it left.
        end_on: Option<NaiveDate>,
        /// The monthly recurring revenue lost.
        lost_mrr: Money,
    },
    /// A corrective action was added.
    CorrectiveActionAdded {
        /// Its number.
        id: ItemId,
        /// What is to be corrected.
        what: String,
    },
    /// A corrective action was done.
    CorrectiveActionDone {
        /// Its number.
        id: ItemId,
        /// What was corrected.
        what: String,
    },
    /// The win-back follow-up date was set or cleared.
    WinBackFollowUpSet {
        /// The date, or none.
        on: Option<NaiveDate>,
    },
    /// The former client came back.
    WonBack {
        /// The day business reopened.
        on: NaiveDate,
    },
}

impl CaseEvent {
    /// A stable key for the kind of change (`case.closed`), for translations.
    pub fn key(&self) -> &'static str {
        match self {
            CaseEvent::Opened { .. } => "case.opened",
            CaseEvent::NoticeAmended => "case.notice_amended",
            CaseEvent::ExitConversationRecorded { .. } => "case.exit_conversation_recorded",
            CaseEvent::RetentionStarted { .. } => "case.retention_started",
            CaseEvent::RetentionActionAdded { .. } => "case.retention_action_added",
            CaseEvent::RetentionActionStatusChanged { .. } => {
                "case.retention_action_status_changed"
            }
            CaseEvent::RetentionOfferSet { .. } => "case.retention_offer_set",
            CaseEvent::RetentionOutcomeRecorded { .. } => "case.retention_outcome_recorded",
            CaseEvent::OffboardingStarted { .. } => "case.offboarding_started",
            CaseEvent::ChecklistItemAdded { .. } => "case.checklist_item_added",
            CaseEvent::ChecklistItemDone { .. } => "case.checklist_item_done",
            CaseEvent::ChecklistItemWaived { .. } => "case.checklist_item_waived",
            CaseEvent::ChecklistItemReopened { .. } => "case.checklist_item_reopened",
            CaseEvent::ChecklistItemDetailsChanged { .. } => "case.checklist_item_details_changed",
            CaseEvent::CredentialsHandedOver { .. } => "case.credentials_handed_over",
            CaseEvent::InvoiceWaived { .. } => "case.invoice_waived",
            CaseEvent::SurveyIssued { .. } => "case.survey_issued",
            CaseEvent::SurveyAnswered { .. } => "case.survey_answered",
            CaseEvent::Closed { .. } => "case.closed",
            CaseEvent::CorrectiveActionAdded { .. } => "case.corrective_action_added",
            CaseEvent::CorrectiveActionDone { .. } => "case.corrective_action_done",
            CaseEvent::WinBackFollowUpSet { .. } => "case.win_back_follow_up_set",
            CaseEvent::WonBack { .. } => "case.won_back",
        }
    }

    /// The change in words, in a language; reason keys are shown with their
    /// labels from `reasons` (retired ones too).
    pub fn describe(&self, lang: Lang, reasons: &ReasonList) -> String {
        self.describe_in(lang, reasons, None)
    }

    /// The change in words, in a language, with the labels of checklist
    /// items and retention actions taken from `case` in that language when
    /// it still has them (a template item or a suggested action reads in the
    /// reader's language; what a user typed stays as typed).
    pub fn describe_in(
        &self,
        lang: Lang,
        reasons: &ReasonList,
        case: Option<&DepartureCase>,
    ) -> String {
        let item_label = |id: &ItemId, stored: &String| -> String {
            case.and_then(|c| c.offboarding())
                .and_then(|c| c.item(*id))
                .map_or_else(|| stored.clone(), |i| i.label_in(lang))
        };
        let action_text = |id: &ItemId, stored: &String| -> String {
            case.and_then(|c| c.retention())
                .and_then(|p| p.actions().iter().find(|a| a.id() == *id))
                .map_or_else(|| stored.clone(), |a| a.description_in(lang))
        };
        let date = |d: &NaiveDate| lang.date(*d);
        let es = lang == Lang::Es;
        let t = |en: String, es_text: String| if es { es_text } else { en };
        match self {
            CaseEvent::Opened { kind, received_on } => t(
                format!(
                    "Case opened ({}), notice received on {}",
                    kind.label(lang),
                    date(received_on)
                ),
                format!(
                    "Caso abierto ({}), aviso recibido el {}",
                    kind.label(lang),
                    date(received_on)
                ),
            ),
            CaseEvent::NoticeAmended => t(
                "Notice details corrected".into(),
                "Datos del aviso corregidos".into(),
            ),
            CaseEvent::ExitConversationRecorded {
                primary_reason,
                secondary_reasons,
            } => {
                let primary = reasons.label_of(primary_reason, lang);
                let secondary: Vec<&str> = secondary_reasons
                    .iter()
                    .map(|k| reasons.label_of(k, lang))
                    .collect();
                let mut en = format!("Exit conversation recorded; primary reason: {primary}");
                let mut es_text =
                    format!("Conversación de salida registrada; motivo principal: {primary}");
                if !secondary.is_empty() {
                    en += &format!("; secondary: {}", secondary.join(", "));
                    es_text += &format!("; secundarios: {}", secondary.join(", "));
                }
                t(en, es_text)
            }
            CaseEvent::RetentionStarted { offer, actions } => {
                let offer = offer
                    .map(|o| o.label(lang))
                    .unwrap_or(lang.pick("none", "ninguna"));
                t(
                    format!("Retention attempt started with {actions} action(s); offer: {offer}"),
                    format!(
                        "Intento de retención iniciado con {actions} acción(es); oferta: {offer}"
                    ),
                )
            }
            CaseEvent::RetentionActionAdded { id, description } => {
                let description = action_text(id, description);
                t(
                    format!("Retention action {id} added: {description}"),
                    format!("Acción de retención {id} añadida: {description}"),
                )
            }
            CaseEvent::RetentionActionStatusChanged {
                id,
                description,
                from,
                to,
            } => {
                let description = action_text(id, description);
                t(
                    format!(
                        "Retention action {id} ({description}): {} → {}",
                        from.as_str(),
                        to.as_str()
                    ),
                    format!(
                        "Acción de retención {id} ({description}): {} → {}",
                        from.as_str(),
                        to.as_str()
                    ),
                )
            }
            CaseEvent::RetentionOfferSet { offer } => match offer {
                Some(o) => t(
                    format!("Offer set: {}", o.label(lang)),
                    format!("Oferta fijada: {}", o.label(lang)),
                ),
                None => t("Offer removed".into(), "Oferta retirada".into()),
            },
            CaseEvent::RetentionOutcomeRecorded { outcome } => match outcome {
                RetentionOutcome::Retained => t(
                    "Retention succeeded: the client stays".into(),
                    "Retención lograda: el cliente se queda".into(),
                ),
                RetentionOutcome::Leaving => t(
                    "Retention did not succeed: the client is leaving".into(),
                    "La retención no prosperó: el cliente se va".into(),
                ),
            },
            CaseEvent::OffboardingStarted { template, items } => {
                let template = crate::offboarding::template_name_in(template, lang);
                t(
                    format!(
                        "Offboarding started from template \"{template}\" with {items} item(s)"
                    ),
                    format!(
                        "Traspaso iniciado con la plantilla \"{template}\" y {items} elemento(s)"
                    ),
                )
            }
            CaseEvent::ChecklistItemAdded { id, label } => {
                let label = item_label(id, label);
                t(
                    format!("Checklist item {id} added: {label}"),
                    format!("Elemento {id} añadido a la lista: {label}"),
                )
            }
            CaseEvent::ChecklistItemDone { id, label } => {
                let label = item_label(id, label);
                t(
                    format!("Checklist item {id} done: {label}"),
                    format!("Elemento {id} hecho: {label}"),
                )
            }
            CaseEvent::ChecklistItemWaived { id, label, reason } => {
                let label = item_label(id, label);
                t(
                    format!("Checklist item {id} waived: {label} (reason: {reason})"),
                    format!("Elemento {id} dispensado: {label} (motivo: {reason})"),
                )
            }
            CaseEvent::ChecklistItemReopened { id, label } => {
                let label = item_label(id, label);
                t(
                    format!("Checklist item {id} reopened: {label}"),
                    format!("Elemento {id} reabierto: {label}"),
                )
            }
            CaseEvent::ChecklistItemDetailsChanged { id, label } => {
                let label = item_label(id, label);
                t(
                    format!("Checklist item {id} link or note changed: {label}"),
                    format!("Enlace o nota del elemento {id} cambiados: {label}"),
                )
            }
            CaseEvent::CredentialsHandedOver {
                account,
                recipient,
                channel,
                on,
                ..
            } => {
                let channel = if channel == crate::offboarding::DEFAULT_HANDOVER_CHANNEL {
                    crate::offboarding::default_handover_channel(lang).to_string()
                } else {
                    channel.clone()
                };
                let on = date(on);
                t(
                    format!(
                        "Credentials for {account} handed over to {recipient} via {channel} on {on}"
                    ),
                    format!(
                        "Credenciales de {account} entregadas a {recipient} por {channel} el {on}"
                    ),
                )
            }
            CaseEvent::InvoiceWaived { invoice, reason } => t(
                format!("Unpaid invoice {invoice} waived (reason: {reason})"),
                format!("Factura impagada {invoice} dispensada (motivo: {reason})"),
            ),
            CaseEvent::SurveyIssued { expires_at } => t(
                format!(
                    "Exit survey link issued, expires {} {}",
                    date(&expires_at.date_naive()),
                    expires_at.format("%H:%M UTC")
                ),
                format!(
                    "Enlace de encuesta de salida emitido, caduca el {} {}",
                    date(&expires_at.date_naive()),
                    expires_at.format("%H:%M UTC")
                ),
            ),
            CaseEvent::SurveyAnswered { scale, score } => {
                let max = scale.bounds().1;
                t(
                    format!("Exit survey answered: score {score}/{max}"),
                    format!("Encuesta de salida respondida: puntuación {score}/{max}"),
                )
            }
            CaseEvent::Closed {
                outcome,
                end_on,
                lost_mrr,
            } => {
                let end = end_on.map(|d| date(&d)).unwrap_or_else(|| "—".into());
                let lost_mrr = lang.money(lost_mrr.cents());
                t(
                    format!(
                        "Case closed as {}; end date {end}; lost MRR {lost_mrr}",
                        outcome.label(lang)
                    ),
                    format!(
                        "Caso cerrado como {}; fecha de fin {end}; MRR perdido {lost_mrr}",
                        outcome.label(lang)
                    ),
                )
            }
            CaseEvent::CorrectiveActionAdded { id, what } => t(
                format!("Corrective action {id} added: {what}"),
                format!("Acción correctiva {id} añadida: {what}"),
            ),
            CaseEvent::CorrectiveActionDone { id, what } => t(
                format!("Corrective action {id} done: {what}"),
                format!("Acción correctiva {id} hecha: {what}"),
            ),
            CaseEvent::WinBackFollowUpSet { on } => match on {
                Some(on) => t(
                    format!("Win-back follow-up set for {}", date(on)),
                    format!(
                        "Seguimiento para recuperar al cliente fijado el {}",
                        date(on)
                    ),
                ),
                None => t(
                    "Win-back follow-up cleared".into(),
                    "Seguimiento para recuperar al cliente anulado".into(),
                ),
            },
            CaseEvent::WonBack { on } => t(
                format!("Client won back on {}", date(on)),
                format!("Cliente recuperado el {}", date(on)),
            ),
        }
    }
}

/// One line of a case's append-only history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When the change was made.
    pub at: DateTime<Utc>,
    /// Who made it.
    pub actor: Actor,
    /// What changed.
    pub event: CaseEvent,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_event_is_described_in_english_and_spanish_with_reason_labels() {
        let event = CaseEvent::ExitConversationRecorded {
            primary_reason: ReasonKey::parse("k", "price_too_high").unwrap(),
            secondary_reasons: vec![ReasonKey::parse("k", "budget_cut").unwrap()],
        };
        let reasons = ReasonList::default_list();
        assert_eq!(
            event.describe(Lang::En, &reasons),
            "Exit conversation recorded; primary reason: Price too high for the value; secondary: Budget cut"
        );
        assert!(event
            .describe(Lang::Es, &reasons)
            .starts_with("Conversación de salida"));
        assert_eq!(event.key(), "case.exit_conversation_recorded");
    }

    #[test]
    fn a_history_entry_serialises_as_simple_snake_case_json() {
        let entry = HistoryEntry {
            at: Utc.with_ymd_and_hms(2024, 4, 1, 10, 0, 0).unwrap(),
            actor: Actor::user(Label::parse("name", "Ana").unwrap()),
            event: CaseEvent::Closed {
                outcome: Outcome::Lost,
                end_on: Some(crate::parse_date("2024-03-31").unwrap()),
                lost_mrr: Money::from_cents(120_000),
            },
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            json,
            r#"{"at":"2024-04-01T10:00:00Z","actor":{"kind":"user","name":"Ana"},"event":{"type":"closed","outcome":"lost","end_on":"2024-03-31","lost_mrr":1200.00}}"#
        );
        let back: HistoryEntry = serde_json::from_str(&json).unwrap();
        assert_eq!(back, entry);
    }
}
