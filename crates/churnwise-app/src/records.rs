//! The records of one client — contacts, subscription segments, invoices,
//! interactions — checked field by field (every bad field at once) and
//! stored. The API, the client pages and the CLI add records here, so a
//! rule such as "new business wins back a former client" holds whichever
//! way the record came in.

use crate::audit::{self, Action, Actor, Subject};
use crate::cases::{self, CaseContext};
use crate::error::{AppError, AppResult};
use crate::follow::{self, Touched};
use crate::validate::Checker;
use chrono::{NaiveDate, Utc};
use churnwise_domain::registry::{
    optional_text, required_text, Email, FieldProblem, InteractionKind,
};
use churnwise_store::{
    ClientId, Contact, Interaction, Invoice, InvoiceId, NewContact, NewInteraction, NewInvoice,
    NewSubscription, Store, Subscription, WorkspaceId,
};
use serde_json::Value;

/// A contact to add, unchecked.
#[derive(Debug, Default, Clone)]
pub struct ContactInput {
    /// Full name (required).
    pub name: String,
    /// Role at the client.
    pub role: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Make this the primary contact.
    pub is_primary: bool,
}

impl ContactInput {
    /// Checks every field, reporting all invalid ones at once.
    pub fn validate(self) -> AppResult<NewContact> {
        let mut c = Checker::default();
        let name = c.keep(required_text("name", &self.name, 200));
        let role = c.keep(optional_text("role", self.role.as_deref(), 100));
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(e) => c.keep(Email::parse(e).map(|e| Some(e.to_string()))),
        };
        let phone = c.keep(optional_text("phone", self.phone.as_deref(), 50));
        let value = match (name, role, email, phone) {
            (Some(name), Some(role), Some(email), Some(phone)) => Some(NewContact {
                name,
                role,
                email,
                phone,
                is_primary: self.is_primary,
            }),
            _ => None,
        };
        c.finish(value)
    }
}

/// A subscription segment to add, unchecked (amount as typed or sent).
#[derive(Debug, Default, Clone)]
pub struct SubscriptionInput {
    /// Subscription id shared by its segments (required).
    pub subscription_ref: String,
    /// Plan or service.
    pub plan: Option<String>,
    /// MRR in currency units, >= 0, at most 2 decimals (number or text).
    pub mrr: Option<Value>,
    /// First day it counts (YYYY-MM-DD, required).
    pub started_on: Option<String>,
    /// First day it no longer counts.
    pub ended_on: Option<String>,
    /// Notice period in days.
    pub notice_period_days: Option<i32>,
    /// Minimum term in months.
    pub minimum_term_months: Option<i32>,
}

fn not_negative(field: &str, value: Option<i32>) -> Result<Option<i32>, FieldProblem> {
    match value {
        Some(v) if v < 0 => Err(FieldProblem::new(field, "must not be negative")),
        other => Ok(other),
    }
}

impl SubscriptionInput {
    /// Checks every field, reporting all invalid ones at once.
    pub fn validate(self) -> AppResult<NewSubscription> {
        let mut c = Checker::default();
        let subscription_ref = c.keep(required_text(
            "subscription_ref",
            &self.subscription_ref,
            100,
        ));
        let plan = c.keep(optional_text("plan", self.plan.as_deref(), 100));
        let mrr = c.money("mrr", self.mrr.as_ref());
        if mrr.is_some_and(|m| m.cents() < 0) {
            c.errors
                .push(FieldProblem::new("mrr", "must not be negative"));
        }
        let started_on = c.required_date("started_on", self.started_on.as_deref());
        let ended_on = c.date("ended_on", self.ended_on.as_deref());
        if let (Some(start), Some(Some(end))) = (started_on, ended_on) {
            if end <= start {
                c.errors
                    .push(FieldProblem::new("ended_on", "must be after started_on"));
            }
        }
        let notice = c.keep(not_negative("notice_period_days", self.notice_period_days));
        let term = c.keep(not_negative(
            "minimum_term_months",
            self.minimum_term_months,
        ));
        let value = match (
            subscription_ref,
            plan,
            mrr,
            started_on,
            ended_on,
            notice,
            term,
        ) {
            (
                Some(subscription_ref),
                Some(plan),
                Some(mrr),
                Some(started_on),
                Some(ended_on),
                Some(notice_period_days),
                Some(minimum_term_months),
            ) => Some(NewSubscription {
                subscription_ref,
                plan,
                mrr,
                started_on,
                ended_on,
                notice_period_days,
                minimum_term_months,
            }),
            _ => None,
        };
        c.finish(value)
    }
}

/// An invoice to add, unchecked (amount as typed or sent).
#[derive(Debug, Default, Clone)]
pub struct InvoiceInput {
    /// Id in the billing system (required).
    pub invoice_ref: String,
    /// Amount, > 0 (number or text).
    pub amount: Option<Value>,
    /// Issue date.
    pub issued_on: Option<String>,
    /// Due date (required).
    pub due_on: Option<String>,
    /// Payment date.
    pub paid_on: Option<String>,
}

impl InvoiceInput {
    /// Checks every field, reporting all invalid ones at once.
    pub fn validate(self) -> AppResult<NewInvoice> {
        let mut c = Checker::default();
        let invoice_ref = c.keep(required_text("invoice_ref", &self.invoice_ref, 100));
        let amount = c.money("amount", self.amount.as_ref());
        if amount.is_some_and(|m| m.cents() <= 0) {
            c.errors
                .push(FieldProblem::new("amount", "must be more than 0"));
        }
        let issued_on = c.date("issued_on", self.issued_on.as_deref());
        let due_on = c.required_date("due_on", self.due_on.as_deref());
        let paid_on = c.date("paid_on", self.paid_on.as_deref());
        let value = match (invoice_ref, amount, issued_on, due_on, paid_on) {
            (Some(invoice_ref), Some(amount), Some(issued_on), Some(due_on), Some(paid_on)) => {
                Some(NewInvoice {
                    invoice_ref,
                    amount,
                    issued_on,
                    due_on,
                    paid_on,
                })
            }
            _ => None,
        };
        c.finish(value)
    }
}

/// An interaction to log, unchecked.
#[derive(Debug, Default, Clone)]
pub struct InteractionInput {
    /// call, meeting, email, newsletter, complaint, incident, praise or note.
    pub kind: String,
    /// Day it happened (default: the day given to [`InteractionInput::validate`]).
    pub occurred_on: Option<String>,
    /// Who (default: the author given to [`InteractionInput::validate`]).
    pub author: Option<String>,
    /// What was said or done.
    pub note: Option<String>,
}

impl InteractionInput {
    /// Checks every field, reporting all invalid ones at once; a missing day
    /// is `today`, a missing author `default_author`.
    pub fn validate(
        self,
        today: NaiveDate,
        default_author: Option<&str>,
    ) -> AppResult<NewInteraction> {
        let mut c = Checker::default();
        let kind = c.keep(
            self.kind
                .parse::<InteractionKind>()
                .map_err(|e| FieldProblem::new("kind", e)),
        );
        let occurred_on = c.date("occurred_on", self.occurred_on.as_deref());
        let author = c.keep(optional_text("author", self.author.as_deref(), 200));
        let note = c.keep(optional_text("note", self.note.as_deref(), 10_000));
        let value = match (kind, occurred_on, author, note) {
            (Some(kind), Some(occurred_on), Some(author), Some(note)) => Some(NewInteraction {
                kind,
                occurred_on: occurred_on.unwrap_or(today),
                author: author.or_else(|| default_author.map(str::to_string)),
                note,
            }),
            _ => None,
        };
        c.finish(value)
    }
}

/// Adds a contact to a client of `ws`.
pub async fn add_contact(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    input: ContactInput,
    actor: &Actor,
) -> AppResult<Contact> {
    let new = input.validate()?;
    let contact = store.add_contact(ws, client, new).await?;
    let subject = Subject::Contact(client, contact.id);
    audit::record(store, ws, actor, Action::ContactCreated, subject, "").await?;
    Ok(contact)
}

/// Adds a subscription segment to a client (refused on `started_on` when it
/// would overlap another segment of the same subscription); a running segment of a former
/// client wins back its latest lost or fired departure (the client is
/// active again), recorded as done by the context's actor.
pub async fn add_subscription(
    cx: &CaseContext<'_>,
    client: ClientId,
    input: SubscriptionInput,
    actor: &Actor,
) -> AppResult<Subscription> {
    let new = input.validate()?;
    crate::record_edits::refuse_overlap(cx.store, cx.ws, client, None, &new).await?;
    let sub = cx.store.add_subscription(cx.ws, client, new).await?;
    let subject = Subject::Subscription(client, sub.id);
    let detail = format!("{} from {}", sub.subscription_ref, sub.started_on);
    audit::record(
        cx.store,
        cx.ws,
        actor,
        Action::SubscriptionCreated,
        subject,
        &detail,
    )
    .await?;
    cases::win_back_on_new_business(cx, &sub).await?;
    follow::records_changed(cx.store, cx.ws, &Touched::client(client), cx.today()).await?;
    Ok(sub)
}

/// Adds an invoice to a client of `ws`.
pub async fn add_invoice(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    input: InvoiceInput,
    actor: &Actor,
) -> AppResult<Invoice> {
    let new = input.validate()?;
    let invoice = store.add_invoice(ws, client, new).await?;
    let subject = Subject::Invoice(client, invoice.id);
    let detail = invoice.invoice_ref.clone();
    audit::record(store, ws, actor, Action::InvoiceCreated, subject, &detail).await?;
    follow::records_changed(store, ws, &Touched::client(client), Utc::now().date_naive()).await?;
    Ok(invoice)
}

/// Records (or, with none, clears) the payment date of an invoice of `ws`.
pub async fn record_payment(
    store: &dyn Store,
    ws: WorkspaceId,
    invoice: InvoiceId,
    paid_on: Option<&str>,
    actor: &Actor,
) -> AppResult<Invoice> {
    let mut c = Checker::default();
    let paid_on = c.date("paid_on", paid_on);
    let paid_on = c.finish(paid_on)?;
    let invoice = store
        .set_invoice_paid(ws, invoice, paid_on)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = Subject::Invoice(invoice.client_id, invoice.id);
    let detail = match invoice.paid_on {
        Some(day) => format!("{} paid on {day}", invoice.invoice_ref),
        None => format!("{} unpaid", invoice.invoice_ref),
    };
    audit::record(
        store,
        ws,
        actor,
        Action::InvoicePaymentRecorded,
        subject,
        &detail,
    )
    .await?;
    let touched = Touched::client(invoice.client_id);
    follow::records_changed(store, ws, &touched, Utc::now().date_naive()).await?;
    Ok(invoice)
}

/// Logs an interaction with a client of `ws`; a missing day is `today`, a
/// missing author `default_author`.
pub async fn log_interaction(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    input: InteractionInput,
    today: NaiveDate,
    default_author: Option<&str>,
    actor: &Actor,
) -> AppResult<Interaction> {
    let new = input.validate(today, default_author)?;
    let logged = store.log_interaction(ws, client, new).await?;
    let subject = Subject::Interaction(client, logged.id);
    let detail = format!("{} on {}", logged.kind, logged.occurred_on);
    audit::record(
        store,
        ws,
        actor,
        Action::InteractionLogged,
        subject,
        &detail,
    )
    .await?;
    follow::records_changed(store, ws, &Touched::client(client), today).await?;
    Ok(logged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(e: AppError) -> Vec<String> {
        match e {
            AppError::Invalid(p) => p.into_iter().map(|p| p.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_field_of_a_subscription_is_named_at_once() {
        let input = SubscriptionInput {
            subscription_ref: " ".into(),
            mrr: Some(Value::String("-5".into())),
            started_on: Some("2024-03-01".into()),
            ended_on: Some("2024-02-01".into()),
            notice_period_days: Some(-1),
            ..SubscriptionInput::default()
        };
        assert_eq!(
            problems(input.validate().unwrap_err()),
            ["subscription_ref", "mrr", "ended_on", "notice_period_days"]
        );
    }

    #[test]
    fn an_invoice_of_nothing_is_refused() {
        let input = InvoiceInput {
            invoice_ref: "F-1".into(),
            amount: Some(Value::from(0)),
            due_on: Some("2024-03-01".into()),
            ..InvoiceInput::default()
        };
        assert_eq!(problems(input.validate().unwrap_err()), ["amount"]);
    }

    #[test]
    fn an_interaction_takes_the_day_and_author_it_is_given_when_left_out() {
        let today = NaiveDate::from_ymd_opt(2024, 5, 6).unwrap();
        let logged = InteractionInput {
            kind: "call".into(),
            ..InteractionInput::default()
        }
        .validate(today, Some("ana@example.com"))
        .unwrap();
        assert_eq!(logged.occurred_on, today);
        assert_eq!(logged.author.as_deref(), Some("ana@example.com"));
        let refused = InteractionInput {
            kind: "fax".into(),
            occurred_on: Some("yesterday".into()),
            ..InteractionInput::default()
        }
        .validate(today, None)
        .unwrap_err();
        assert_eq!(problems(refused), ["kind", "occurred_on"]);
    }
}
