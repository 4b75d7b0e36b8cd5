//! A client's records changed after they were entered: a client's own
//! fields, a subscription segment edited or ended, an invoice marked paid
//! or unpaid, a contact edited or removed. The pages, the API and the CLI
//! change records here, so every change is checked the same way (every bad
//! field at once), audited, and followed by [`follow::records_changed`].
//!
//! A change names only the fields it changes (`None` leaves a field as it
//! is, `Some(None)` clears an optional one); it is merged with the stored
//! record and the result is checked exactly like a new record
//! ([`SubscriptionInput::validate`], [`ContactInput::validate`]), plus the
//! rule that two segments of one subscription never overlap.

use crate::audit::{self, Action, Actor, Subject};
use crate::cases::{self, CaseContext};
use crate::clients;
use crate::error::{AppError, AppResult};
use crate::follow::{self, Touched};
use crate::records::{self, ContactInput, SubscriptionInput};
use crate::validate::Checker;
use churnwise_domain::registry::{keep_in_touch_days, optional_text, required_text, FieldProblem};
use churnwise_store::{
    Client, ClientId, ClientPatch, Contact, ContactId, Invoice, InvoiceId, NewSubscription, Store,
    Subscription, SubscriptionId, WorkspaceId,
};
use serde_json::Value;

/// The reason given when a segment would overlap another segment of the
/// same subscription (on `started_on`).
pub const OVERLAP: &str = "overlaps another segment of the same subscription";

/// The reason given when a segment would end on or before its start (on
/// `ended_on`).
pub const END_BEFORE_START: &str = "must be after started_on";

/// The fields of a subscription segment to change.
#[derive(Debug, Default, Clone)]
pub struct SubscriptionChange {
    /// New subscription id.
    pub subscription_ref: Option<String>,
    /// New plan (`Some(None)` clears).
    pub plan: Option<Option<String>>,
    /// New MRR in currency units (number or text).
    pub mrr: Option<Value>,
    /// New first day (`YYYY-MM-DD`).
    pub started_on: Option<String>,
    /// New end (`Some(None)`: running again).
    pub ended_on: Option<Option<String>>,
    /// New notice period in days.
    pub notice_period_days: Option<Option<i32>>,
    /// New minimum term in months.
    pub minimum_term_months: Option<Option<i32>>,
}

impl SubscriptionChange {
    /// The whole segment as it would be after the change, unchecked.
    fn merged(self, stored: &Subscription) -> SubscriptionInput {
        SubscriptionInput {
            subscription_ref: self
                .subscription_ref
                .unwrap_or_else(|| stored.subscription_ref.clone()),
            plan: self.plan.unwrap_or_else(|| stored.plan.clone()),
            mrr: Some(
                self.mrr
                    .unwrap_or_else(|| Value::String(stored.mrr.to_string())),
            ),
            started_on: Some(
                self.started_on
                    .unwrap_or_else(|| stored.started_on.to_string()),
            ),
            ended_on: self
                .ended_on
                .unwrap_or_else(|| stored.ended_on.map(|d| d.to_string())),
            notice_period_days: self.notice_period_days.unwrap_or(stored.notice_period_days),
            minimum_term_months: self
                .minimum_term_months
                .unwrap_or(stored.minimum_term_months),
        }
    }
}

/// The fields of a contact to change.
#[derive(Debug, Default, Clone)]
pub struct ContactChange {
    /// New name.
    pub name: Option<String>,
    /// New role (`Some(None)` clears).
    pub role: Option<Option<String>>,
    /// New email (`Some(None)` clears).
    pub email: Option<Option<String>>,
    /// New phone (`Some(None)` clears).
    pub phone: Option<Option<String>>,
    /// Primary or not.
    pub is_primary: Option<bool>,
}

impl ContactChange {
    fn merged(self, stored: &Contact) -> ContactInput {
        ContactInput {
            name: self.name.unwrap_or_else(|| stored.name.clone()),
            role: self.role.unwrap_or_else(|| stored.role.clone()),
            email: self.email.unwrap_or_else(|| stored.email.clone()),
            phone: self.phone.unwrap_or_else(|| stored.phone.clone()),
            is_primary: self.is_primary.unwrap_or(stored.is_primary),
        }
    }
}

/// A client's own fields as the edit form sends them, unchecked: every
/// field is set (blank clears an optional one).
#[derive(Debug, Default, Clone)]
pub struct ClientEdit {
    /// Name (required).
    pub name: String,
    /// Owner (blank: none).
    pub owner: String,
    /// Segment (blank: none).
    pub segment: String,
    /// Keep-in-touch interval in days, as typed (required, 1 to 3650).
    pub keep_in_touch_days: String,
    /// Notes (blank: none).
    pub notes: String,
}

impl ClientEdit {
    /// Checks every field, reporting all invalid ones at once.
    pub fn validate(self) -> AppResult<ClientPatch> {
        let mut c = Checker::default();
        let name = c.keep(required_text("name", &self.name, 200));
        let owner = c.keep(optional_text("owner", Some(&self.owner), 100));
        let segment = c.keep(optional_text("segment", Some(&self.segment), 100));
        let days = match self.keep_in_touch_days.trim() {
            "" => {
                c.errors
                    .push(FieldProblem::new("keep_in_touch_days", "is required"));
                None
            }
            t => match t.parse::<i32>() {
                Ok(days) => c.keep(keep_in_touch_days(days)),
                Err(_) => {
                    c.errors.push(FieldProblem::new(
                        "keep_in_touch_days",
                        format!("{t} is not a whole number of days"),
                    ));
                    None
                }
            },
        };
        let notes = c.keep(optional_text("notes", Some(&self.notes), 10_000));
        let value = match (name, owner, segment, days, notes) {
            (Some(name), Some(owner), Some(segment), Some(days), Some(notes)) => {
                Some(ClientPatch {
                    name: Some(name),
                    owner: Some(owner),
                    segment: Some(segment),
                    keep_in_touch_days: Some(days),
                    notes: Some(notes),
                    ..ClientPatch::default()
                })
            }
            _ => None,
        };
        c.finish(value)
    }
}

/// Changes a client's name, owner, segment, keep-in-touch interval and
/// notes at once (the edit form), every bad field reported together.
pub async fn edit_client(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ClientId,
    edit: ClientEdit,
    actor: &Actor,
) -> AppResult<Client> {
    let patch = edit.validate()?;
    clients::update_client(store, ws, id, patch, actor).await
}

/// True when a segment from `a_start` to `a_end` (exclusive; none: it runs
/// on) shares a day with segment `b`.
fn overlapping(
    a_start: chrono::NaiveDate,
    a_end: Option<chrono::NaiveDate>,
    b: &Subscription,
) -> bool {
    let a_before_b_ends = b.ended_on.is_none_or(|end| a_start < end);
    let b_before_a_ends = a_end.is_none_or(|end| b.started_on < end);
    a_before_b_ends && b_before_a_ends
}

/// Refuses `new` (on `started_on`) when it would overlap another segment of
/// the same subscription of `client`; `except` is the segment being changed.
pub async fn refuse_overlap(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    except: Option<SubscriptionId>,
    new: &NewSubscription,
) -> AppResult<()> {
    let segments = store.list_subscriptions(ws, client).await?;
    let clash = segments.iter().any(|s| {
        Some(s.id) != except
            && s.subscription_ref == new.subscription_ref
            && overlapping(new.started_on, new.ended_on, s)
    });
    if clash {
        return Err(AppError::field("started_on", OVERLAP));
    }
    Ok(())
}

async fn stored_segment(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: SubscriptionId,
) -> AppResult<Subscription> {
    store
        .list_subscriptions(ws, client)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)
}

async fn save_segment(
    cx: &CaseContext<'_>,
    client: ClientId,
    id: SubscriptionId,
    input: SubscriptionInput,
    action: Action,
    actor: &Actor,
) -> AppResult<Subscription> {
    let new = input.validate()?;
    refuse_overlap(cx.store, cx.ws, client, Some(id), &new).await?;
    let sub = cx
        .store
        .update_subscription(cx.ws, client, id, new)
        .await?
        .ok_or(AppError::NotFound)?;
    let detail = match sub.ended_on {
        Some(end) => format!(
            "{} from {} to {end}, {}",
            sub.subscription_ref, sub.started_on, sub.mrr
        ),
        None => format!(
            "{} from {}, {}",
            sub.subscription_ref, sub.started_on, sub.mrr
        ),
    };
    let subject = Subject::Subscription(client, sub.id);
    audit::record(cx.store, cx.ws, actor, action, subject, &detail).await?;
    // A segment that runs again for a former client is new business, as
    // when it is added.
    cases::win_back_on_new_business(cx, &sub).await?;
    follow::records_changed(cx.store, cx.ws, &Touched::client(client), cx.today()).await?;
    Ok(sub)
}

/// Changes the given fields of segment `id` of `client`; the result is
/// checked like a new segment and must not overlap another segment of the
/// same subscription. A segment made to run again for a former client wins
/// it back, as [`records::add_subscription`] does.
pub async fn update_subscription(
    cx: &CaseContext<'_>,
    client: ClientId,
    id: SubscriptionId,
    change: SubscriptionChange,
    actor: &Actor,
) -> AppResult<Subscription> {
    let stored = stored_segment(cx.store, cx.ws, client, id).await?;
    let input = change.merged(&stored);
    save_segment(cx, client, id, input, Action::SubscriptionUpdated, actor).await
}

/// Ends segment `id` of `client`: `ended_on` (required, after its start) is
/// the first day it no longer counts.
pub async fn end_subscription(
    cx: &CaseContext<'_>,
    client: ClientId,
    id: SubscriptionId,
    ended_on: Option<&str>,
    actor: &Actor,
) -> AppResult<Subscription> {
    let mut c = Checker::default();
    let day = c.required_date("ended_on", ended_on);
    let day = c.finish(day)?;
    let stored = stored_segment(cx.store, cx.ws, client, id).await?;
    let input = SubscriptionChange {
        ended_on: Some(Some(day.to_string())),
        ..SubscriptionChange::default()
    }
    .merged(&stored);
    save_segment(cx, client, id, input, Action::SubscriptionEnded, actor).await
}

async fn invoice_of(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: InvoiceId,
) -> AppResult<Invoice> {
    store
        .list_invoices(ws, client)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(AppError::NotFound)
}

/// Marks invoice `id` of `client` paid on `paid_on` (required).
pub async fn mark_paid(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: InvoiceId,
    paid_on: Option<&str>,
    actor: &Actor,
) -> AppResult<Invoice> {
    let mut c = Checker::default();
    let day = c.required_date("paid_on", paid_on);
    c.finish(day)?;
    invoice_of(store, ws, client, id).await?;
    records::record_payment(store, ws, id, paid_on, actor).await
}

/// Marks invoice `id` of `client` unpaid again.
pub async fn mark_unpaid(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: InvoiceId,
    actor: &Actor,
) -> AppResult<Invoice> {
    invoice_of(store, ws, client, id).await?;
    records::record_payment(store, ws, id, None, actor).await
}

/// Changes the given fields of contact `id` of `client`, checked like a new
/// contact.
pub async fn update_contact(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: ContactId,
    change: ContactChange,
    actor: &Actor,
) -> AppResult<Contact> {
    let stored = store
        .list_contacts(ws, client)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    let new = change.merged(&stored).validate()?;
    let contact = store
        .update_contact(ws, client, id, new)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = Subject::Contact(client, contact.id);
    audit::record(store, ws, actor, Action::ContactUpdated, subject, "").await?;
    let today = chrono::Utc::now().date_naive();
    follow::records_changed(store, ws, &Touched::client(client), today).await?;
    Ok(contact)
}

/// Removes contact `id` of `client`.
pub async fn remove_contact(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: ContactId,
    actor: &Actor,
) -> AppResult<()> {
    if !store.remove_contact(ws, client, id).await? {
        return Err(AppError::NotFound);
    }
    let subject = Subject::Contact(client, id);
    audit::record(store, ws, actor, Action::ContactRemoved, subject, "").await?;
    let today = chrono::Utc::now().date_naive();
    follow::records_changed(store, ws, &Touched::client(client), today).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::Money;

    fn segment(start: &str, end: Option<&str>) -> Subscription {
        Subscription {
            id: SubscriptionId(1),
            client_id: ClientId(1),
            subscription_ref: "S-1".into(),
            plan: Some("Care".into()),
            mrr: Money::from_cents(4990),
            started_on: start.parse().unwrap(),
            ended_on: end.map(|e| e.parse().unwrap()),
            notice_period_days: Some(30),
            minimum_term_months: None,
        }
    }

    fn day(text: &str) -> chrono::NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn segments_that_only_touch_do_not_overlap_but_one_inside_another_does() {
        let earlier = segment("2024-01-01", Some("2024-03-01"));
        assert!(!overlapping(day("2024-03-01"), None, &earlier));
        assert!(!overlapping(
            day("2023-06-01"),
            Some(day("2024-01-01")),
            &earlier
        ));
        assert!(overlapping(
            day("2024-02-01"),
            Some(day("2024-02-10")),
            &earlier
        ));
        let running = segment("2024-01-01", None);
        assert!(overlapping(day("2030-01-01"), None, &running));
        assert!(overlapping(day("2023-01-01"), None, &running));
    }

    #[test]
    fn a_change_keeps_the_fields_it_does_not_name_and_clears_the_ones_it_nulls() {
        let stored = segment("2024-01-01", Some("2024-03-01"));
        let merged = SubscriptionChange {
            mrr: Some(Value::from(59)),
            ended_on: Some(None),
            plan: Some(None),
            ..SubscriptionChange::default()
        }
        .merged(&stored)
        .validate()
        .unwrap();
        assert_eq!(merged.subscription_ref, "S-1");
        assert_eq!(merged.mrr, Money::from_cents(5900));
        assert_eq!(merged.started_on, day("2024-01-01"));
        assert_eq!(merged.ended_on, None);
        assert_eq!(merged.plan, None);
        assert_eq!(merged.notice_period_days, Some(30));
        let unchanged = SubscriptionChange::default()
            .merged(&stored)
            .validate()
            .unwrap();
        assert_eq!(unchanged.mrr, stored.mrr);
        assert_eq!(unchanged.ended_on, stored.ended_on);
    }

    #[test]
    fn every_bad_field_of_a_client_edit_is_named_at_once() {
        let refused = ClientEdit {
            name: "  ".into(),
            owner: "o".repeat(101),
            segment: "Retail".into(),
            keep_in_touch_days: "often".into(),
            notes: String::new(),
        }
        .validate()
        .unwrap_err();
        let AppError::Invalid(problems) = refused else {
            panic!("expected invalid fields");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "owner", "keep_in_touch_days"]);
        let patch = ClientEdit {
            name: "Acme".into(),
            owner: " ".into(),
            segment: "Retail".into(),
            keep_in_touch_days: "45".into(),
            notes: String::new(),
        }
        .validate()
        .unwrap();
        assert_eq!(patch.owner, Some(None));
        assert_eq!(patch.notes, Some(None));
        assert_eq!(patch.keep_in_touch_days, Some(45));
        assert_eq!(patch.status, None);
    }
}
