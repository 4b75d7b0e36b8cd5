//! Billing signals (issue 15): what Stripe says about a client's billing
//! that asks for a person. A cancellation offers a departure case on the
//! Due page ("Acme cancelled in Stripe on …: record why?") until a case is
//! opened or the item is dismissed; a failed payment shows on the Due page
//! while its invoice is unpaid and raises the overdue-invoices health
//! signal. Recorded by the webhook endpoint (the three `record_…` /
//! `withdraw_…` entry points) and by the sync ([`SyncSignals`] and
//! [`from_sync`]); every recording ends with the follow hook
//! ([`crate::follow::records_changed`]) for the client, so its status and
//! health score are brought up to date.

use crate::early_warning::{DueEntry, DueKind};
use crate::error::{AppError, AppResult};
use crate::follow::{records_changed, Touched};
use crate::i18n::{self, ArgValue};
use chrono::{Days, NaiveDate, Utc};
use churnwise_domain::billing_signals::{
    cancellation_in, cancellation_is_due, payment_failure_in, Cancellation, PaymentFailure,
    CANCELLATION_SHOWN_DAYS,
};
use churnwise_domain::registry::Role;
use churnwise_domain::stripe::{Invoice, Subscription};
use churnwise_domain::{Lang, Money};
use churnwise_store::{
    BillingSignalId, BillingSignalKind, ClientId, NewBillingSignal, Store, StoreResult, User,
    WorkspaceId,
};
use serde::Serialize;

/// The billing signal behind a `billing_cancelled` or `payment_failed` due
/// entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingDue {
    /// The signal's id (what a dismissal names).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub signal_id: BillingSignalId,
    /// The subscription ref (a cancellation) or the invoice ref (a failed
    /// payment).
    pub reference: String,
    /// A cancellation's end (the day the subscription ends or ended), when known.
    pub ends_on: Option<NaiveDate>,
    /// A failed payment's amount, in cents.
    pub amount_cents: Option<i64>,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn required(field: &str, value: &str) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::field(field, "is required"));
    }
    Ok(value.to_string())
}

/// Records `signal` for the client whose external id is
/// `client_external_id`; none when no client has that id.
async fn record(
    store: &dyn Store,
    ws: WorkspaceId,
    client_external_id: &str,
    signal: impl FnOnce(ClientId) -> NewBillingSignal,
) -> AppResult<Option<ClientId>> {
    let Some(client) = store.find_client(ws, client_external_id.trim()).await? else {
        return Ok(None);
    };
    store.record_billing_signal(ws, &signal(client.id)).await?;
    Ok(Some(client.id))
}

/// Records that the subscription `subscription_ref` of the client with
/// `client_external_id` was cancelled on `cancelled_on` (ending on
/// `ends_on`, when known). Recording it again updates it (the earlier day
/// is kept, a dismissal too). An unknown client records nothing.
pub async fn record_cancellation(
    store: &dyn Store,
    ws: WorkspaceId,
    client_external_id: &str,
    subscription_ref: &str,
    cancelled_on: NaiveDate,
    ends_on: Option<NaiveDate>,
) -> AppResult<()> {
    let reference = required("subscription_ref", subscription_ref)?;
    let recorded = record(store, ws, client_external_id, |client| NewBillingSignal {
        client,
        kind: BillingSignalKind::Cancellation,
        reference,
        happened_on: cancelled_on,
        ends_on,
        amount_cents: None,
    })
    .await?;
    if let Some(client) = recorded {
        records_changed(store, ws, &Touched::client(client), today()).await?;
    }
    Ok(())
}

/// Forgets the cancellation of `subscription_ref` (the subscription was
/// resumed, or its `cancel_at_period_end` undone). Nothing to forget is
/// not an error.
pub async fn withdraw_cancellation(
    store: &dyn Store,
    ws: WorkspaceId,
    subscription_ref: &str,
) -> AppResult<()> {
    let reference = required("subscription_ref", subscription_ref)?;
    if let Some(client) = store
        .withdraw_billing_signal(ws, BillingSignalKind::Cancellation, &reference)
        .await?
    {
        records_changed(store, ws, &Touched::client(client), today()).await?;
    }
    Ok(())
}

/// Records that a payment of the invoice `invoice_ref` (of `amount`) of the
/// client with `client_external_id` failed on `failed_on`. Recording it
/// again updates the amount and keeps the earlier day. An unknown client
/// records nothing.
pub async fn record_payment_failed(
    store: &dyn Store,
    ws: WorkspaceId,
    client_external_id: &str,
    invoice_ref: &str,
    failed_on: NaiveDate,
    amount: Money,
) -> AppResult<()> {
    let reference = required("invoice_ref", invoice_ref)?;
    if amount.cents() <= 0 {
        return Err(AppError::field(
            "amount",
            format!("{} must be more than 0", amount.cents()),
        ));
    }
    let recorded = record(store, ws, client_external_id, |client| NewBillingSignal {
        client,
        kind: BillingSignalKind::PaymentFailed,
        reference,
        happened_on: failed_on,
        ends_on: None,
        amount_cents: Some(amount.cents()),
    })
    .await?;
    if let Some(client) = recorded {
        records_changed(store, ws, &Touched::client(client), today()).await?;
    }
    Ok(())
}

/// The signals a sync found in Stripe's current state, collected while its
/// pages are read (a few rows; Stripe's JSON is not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSignals {
    today: NaiveDate,
    cancellations: Vec<Cancellation>,
    failures: Vec<PaymentFailure>,
}

impl SyncSignals {
    /// An empty collection for a sync on `today`.
    pub fn new(today: NaiveDate) -> Self {
        SyncSignals {
            today,
            ..SyncSignals::default()
        }
    }

    /// Notes the cancellation `sub` shows, if any
    /// ([`churnwise_domain::billing_signals::cancellation_in`]). A
    /// timestamp out of range notes nothing.
    pub fn subscription(&mut self, sub: &Subscription) {
        if let Ok(Some(c)) = cancellation_in(sub, self.today) {
            self.cancellations.push(c);
        }
    }

    /// Notes the failed payment `invoice` shows, if any
    /// ([`churnwise_domain::billing_signals::payment_failure_in`]).
    pub fn invoice(&mut self, invoice: &Invoice) {
        if let Ok(Some(f)) = payment_failure_in(invoice) {
            self.failures.push(f);
        }
    }

    /// How many signals were noted.
    pub fn len(&self) -> usize {
        self.cancellations.len() + self.failures.len()
    }

    /// True when none was noted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Records what a sync of `ws` found (after its objects are written, so
/// the clients exist), then brings the touched clients' status and scores
/// up to date once.
pub async fn from_sync(store: &dyn Store, ws: WorkspaceId, signals: &SyncSignals) -> AppResult<()> {
    let mut touched = Vec::new();
    for c in &signals.cancellations {
        let found = record(store, ws, &c.customer, |client| NewBillingSignal {
            client,
            kind: BillingSignalKind::Cancellation,
            reference: c.subscription_ref.clone(),
            happened_on: c.cancelled_on,
            ends_on: c.ends_on,
            amount_cents: None,
        })
        .await?;
        touched.extend(found);
    }
    for f in &signals.failures {
        let found = record(store, ws, &f.customer, |client| NewBillingSignal {
            client,
            kind: BillingSignalKind::PaymentFailed,
            reference: f.invoice_ref.clone(),
            happened_on: f.failed_on,
            ends_on: None,
            amount_cents: Some(f.amount_cents),
        })
        .await?;
        touched.extend(found);
    }
    records_changed(store, ws, &Touched::Clients(touched), signals.today).await
}

/// The billing entries of the due list of `ws` on `today`: cancellations of
/// the last [`CANCELLATION_SHOWN_DAYS`] days not dismissed and not covered
/// by a departure case, and failed payments whose invoice is still unpaid.
pub async fn due_entries(
    store: &dyn Store,
    ws: WorkspaceId,
    today: NaiveDate,
) -> StoreResult<Vec<DueEntry>> {
    let since = today - Days::new(CANCELLATION_SHOWN_DAYS);
    let mut entries = Vec::new();
    for due in store.billing_signals_due(ws, since).await? {
        let s = due.signal;
        let kind = match s.kind {
            BillingSignalKind::Cancellation => {
                let dismissed = s.dismissed_on.is_some();
                if !cancellation_is_due(s.happened_on, due.last_case_opened_on, dismissed, today) {
                    continue;
                }
                DueKind::BillingCancelled
            }
            BillingSignalKind::PaymentFailed => DueKind::PaymentFailed,
        };
        entries.push(DueEntry {
            kind,
            client_id: s.client,
            client_name: due.client_name,
            owner: due.owner,
            assignee: None,
            case_id: None,
            item: None,
            what: s.reference.clone(),
            what_es: None,
            due_on: s.happened_on,
            days_overdue: (today - s.happened_on).num_days().max(0),
            billing: Some(BillingDue {
                signal_id: s.id,
                reference: s.reference,
                ends_on: s.ends_on,
                amount_cents: s.amount_cents,
            }),
        });
    }
    Ok(entries)
}

/// One billing due entry as a sentence in `lang`, or none for another kind.
pub fn due_text(lang: Lang, e: &DueEntry) -> Option<String> {
    let billing = e.billing.as_ref()?;
    let text = |s: &str| ArgValue::Text(s.to_string());
    let date = |d: NaiveDate| text(&i18n::date(lang, d));
    let client = ("client", text(&e.client_name));
    match e.kind {
        DueKind::BillingCancelled => {
            // The day the list is for: the cancellation plus its days.
            let today = e.due_on + Days::new(e.days_overdue.unsigned_abs());
            let (key, args) = match billing.ends_on {
                Some(end) if end <= today => (
                    "due-billing-cancelled-ended",
                    vec![client, ("date", date(e.due_on)), ("ends", date(end))],
                ),
                Some(end) => (
                    "due-billing-cancelled-ends",
                    vec![client, ("date", date(e.due_on)), ("ends", date(end))],
                ),
                None => (
                    "due-billing-cancelled",
                    vec![client, ("date", date(e.due_on))],
                ),
            };
            Some(i18n::message(lang, key, &args))
        }
        DueKind::PaymentFailed => Some(i18n::message(
            lang,
            "due-payment-failed",
            &[
                client,
                ("date", date(e.due_on)),
                ("invoice", text(&billing.reference)),
                (
                    "amount",
                    text(&i18n::money(lang, billing.amount_cents.unwrap_or(0))),
                ),
            ],
        )),
        _ => None,
    }
}

/// What a dismissal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dismissal {
    /// The cancellation no longer shows on the Due page.
    Dismissed,
    /// The user may not dismiss it: only owners, managers and the client's
    /// owner may (a viewer never).
    NotAllowed,
}

/// Dismisses the cancellation `id` of `ws` from the Due page as `user`
/// (with `role`) on `today`. `NotFound` for another workspace's signal or a
/// failed payment (it goes away when its invoice is paid).
pub async fn dismiss_cancellation(
    store: &dyn Store,
    ws: WorkspaceId,
    id: BillingSignalId,
    user: &User,
    role: Role,
    today: NaiveDate,
) -> AppResult<Dismissal> {
    let signal = store
        .billing_signal(ws, id)
        .await?
        .filter(|s| s.kind == BillingSignalKind::Cancellation)
        .ok_or(AppError::NotFound)?;
    let allowed = role.can_manage()
        || (role.can_write() && {
            let owner = store
                .get_client(ws, signal.client)
                .await?
                .and_then(|c| c.owner);
            crate::owners::names_of(store, ws, user)
                .await?
                .owns(owner.as_deref())
        });
    if !allowed {
        return Ok(Dismissal::NotAllowed);
    }
    store
        .dismiss_billing_signal(ws, id, &user.email, today)
        .await?;
    Ok(Dismissal::Dismissed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_store::{BillingSignalId, ClientId};

    fn entry(kind: DueKind, ends_on: Option<NaiveDate>, amount: Option<i64>) -> DueEntry {
        let on = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        DueEntry {
            kind,
            client_id: ClientId(1),
            client_name: "Acme".into(),
            owner: None,
            assignee: None,
            case_id: None,
            item: None,
            what: "ref".into(),
            what_es: None,
            due_on: on,
            days_overdue: 7,
            billing: Some(BillingDue {
                signal_id: BillingSignalId(1),
                reference: "in_123".into(),
                ends_on,
                amount_cents: amount,
            }),
        }
    }

    #[test]
    fn a_cancellation_reads_as_a_question_in_both_languages() {
        let end = NaiveDate::from_ymd_opt(2026, 11, 30);
        let e = entry(DueKind::BillingCancelled, end, None);
        assert_eq!(
            due_text(Lang::En, &e).unwrap(),
            "Acme cancelled in Stripe on 3 Nov 2026 (ends 30 Nov 2026): record why?"
        );
        assert_eq!(
            due_text(Lang::Es, &e).unwrap(),
            "Acme canceló en Stripe el 3 nov 2026 (termina el 30 nov 2026): ¿registrar el motivo?"
        );
        let ended = entry(
            DueKind::BillingCancelled,
            NaiveDate::from_ymd_opt(2026, 11, 5),
            None,
        );
        assert_eq!(
            due_text(Lang::En, &ended).unwrap(),
            "Acme cancelled in Stripe on 3 Nov 2026 (ended 5 Nov 2026): record why?"
        );
    }

    #[test]
    fn a_failed_payment_names_the_invoice_and_the_amount() {
        let e = entry(DueKind::PaymentFailed, None, Some(12000));
        assert_eq!(
            due_text(Lang::En, &e).unwrap(),
            "Payment failed for Acme on 3 Nov 2026: invoice in_123, €120.00"
        );
        assert_eq!(
            due_text(Lang::Es, &e).unwrap(),
            "Falló el pago de Acme el 3 nov 2026: factura in_123, 120,00\u{a0}€"
        );
    }
}
