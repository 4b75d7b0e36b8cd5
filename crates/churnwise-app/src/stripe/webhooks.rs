//! `POST /webhooks/stripe/<id>` (spec/integrations.md §1): an event from
//! Stripe, signed with the endpoint's webhook secret, applied once, never
//! over a newer one about the same object, with the same rules as the sync
//! (a client created in Stripe appears without a sync; a subscription whose
//! MRR changes gets a new segment from the event's date).

use super::history::{self, Seen};
use super::sync::{customer_rows, workspace_currency};
use super::StripeSettings;
use crate::audit;
use crate::billing_signals;
use crate::error::{AppError, AppResult};
use crate::imports::{self, ParsedImport};
use chrono::{DateTime, Utc};
use churnwise_domain::billing_signals::cancellation_in;
use churnwise_domain::stripe::{utc_date, Customer, Invoice, Subscription};
use churnwise_domain::Money;
use churnwise_store::{InvoiceImport, Store, StripeEventCheck, WorkspaceId};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// How far the signature's timestamp may be from now, in seconds.
pub const TOLERANCE_SECS: i64 = 300;
/// The largest event body accepted (Stripe's events are far smaller).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What became of an event that was accepted (every one answers 200).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Applied to the registry.
    Applied,
    /// Applied before: nothing changed.
    Replay,
    /// Older than the last event applied to the same object: nothing changed.
    Stale,
    /// A type churnwise does not handle, or an object it leaves out (another
    /// currency): nothing changed.
    Ignored,
}

impl Outcome {
    /// The stable word for the answer's body and the log.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Replay => "replay",
            Outcome::Stale => "stale",
            Outcome::Ignored => "ignored",
        }
    }
}

/// Why an event was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// No workspace has this endpoint id (404).
    #[error("no such webhook endpoint")]
    UnknownEndpoint,
    /// A missing, malformed, wrong or old signature, no secret set, or a
    /// body that is not an event (400): nothing changed.
    #[error("{0}")]
    Refused(String),
    /// The use case failed (busy database, a customer unknown yet…).
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<churnwise_store::StoreError> for WebhookError {
    fn from(e: churnwise_store::StoreError) -> Self {
        WebhookError::App(e.into())
    }
}

/// The event types applied (the ones Settings → Billing asks to enable);
/// any other answers 200 and changes nothing.
pub const HANDLED: &[&str] = &super::setup::WEBHOOK_EVENTS;

/// Checks a `Stripe-Signature` header (`t=TIMESTAMP,v1=HEX[,v1=HEX…]`)
/// over `body` with `secret` at `now` (Unix seconds): one `v1` must be
/// `hex(HMAC-SHA256(secret, "TIMESTAMP." + body))` and the timestamp
/// within [`TOLERANCE_SECS`] of now. The reason when not.
pub fn verify_signature(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), String> {
    let header = header.ok_or("no Stripe-Signature header")?;
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", hex_sig)) => {
                if let Ok(bytes) = hex::decode(hex_sig) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("the Stripe-Signature header has no timestamp (t=)")?;
    let at: i64 = timestamp
        .parse()
        .map_err(|_| "the Stripe-Signature timestamp is not a number")?;
    if signatures.is_empty() {
        return Err("the Stripe-Signature header has no v1 signature".into());
    }
    let verified = signatures.iter().any(|sig| {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(sig).is_ok()
    });
    if !verified {
        return Err("the signature does not match the webhook signing secret".into());
    }
    if (now - at).abs() > TOLERANCE_SECS {
        return Err(format!(
            "the signature's timestamp is more than {TOLERANCE_SECS} s from now"
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

/// Receives one event posted to the endpoint `endpoint_id` at `now`:
/// verified, then applied once (see [`Outcome`]).
pub async fn receive(
    store: &dyn Store,
    settings: &StripeSettings,
    endpoint_id: &str,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let connection = store
        .stripe_connection_by_endpoint(endpoint_id)
        .await?
        .ok_or(WebhookError::UnknownEndpoint)?;
    let ws = connection.ws;
    let sealed = connection.webhook_secret_sealed.ok_or_else(|| {
        WebhookError::Refused("no webhook signing secret is set for this endpoint".into())
    })?;
    let key = settings.secrets.key(false)?.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "the secret key that sealed the webhook secret is missing"
        ))
    })?;
    let secret = key.open(&sealed)?;
    verify_signature(&secret, signature, body, now.timestamp()).map_err(WebhookError::Refused)?;
    let event: Event = serde_json::from_slice(body)
        .map_err(|e| WebhookError::Refused(format!("not a Stripe event: {e}")))?;
    if !HANDLED.contains(&event.kind.as_str()) {
        return Ok(Outcome::Ignored);
    }
    let object_id = event
        .data
        .object
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    match store
        .check_stripe_event(ws, &event.id, &object_id, event.created)
        .await?
    {
        StripeEventCheck::Replay => return Ok(Outcome::Replay),
        StripeEventCheck::Stale => {
            store
                .record_stripe_event(ws, &event.id, &object_id, event.created, now)
                .await?;
            return Ok(Outcome::Stale);
        }
        StripeEventCheck::Fresh => {}
    }
    let outcome = apply(store, settings, ws, &event, now).await?;
    store
        .record_stripe_event(ws, &event.id, &object_id, event.created, now)
        .await?;
    Ok(outcome)
}

fn object<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, WebhookError> {
    serde_json::from_value(event.data.object.clone())
        .map_err(|e| WebhookError::Refused(format!("the {} event's object: {e}", event.kind)))
}

/// The name the audit log and import reports give what an event wrote.
const SOURCE: &str = "stripe webhook";

async fn apply(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Outcome, WebhookError> {
    let actor = audit::Actor::system();
    let day = utc_date(event.created).map_err(|e| WebhookError::Refused(e.to_string()))?;
    let kind = event.kind.as_str();
    if kind == "customer.deleted" {
        // The client stays, with its history; its subscriptions end by
        // their own events.
        return Ok(Outcome::Ignored);
    }
    if kind.starts_with("customer.subscription.") {
        let sub: Subscription = object(event)?;
        if !same_currency(store, ws, sub.currency.as_deref()).await? {
            return Ok(Outcome::Ignored);
        }
        ensure_customer(store, settings, ws, &sub.customer, now).await?;
        let current = sub
            .segments(day)
            .map_err(|e| WebhookError::Refused(format!("subscription {}: {e}", sub.id)))?;
        history::write(
            store,
            ws,
            SOURCE,
            vec![Seen {
                id: sub.id.clone(),
                customer: sub.customer.clone(),
                current,
                billed: Vec::new(),
            }],
            day,
            now,
            &actor,
        )
        .await?;
        // A cancellation asks "record why?" on the Due page; one undone
        // (resumed, cancel_at_period_end turned off) no longer does.
        match cancellation_in(&sub, day) {
            Ok(Some(c)) => {
                billing_signals::record_cancellation(
                    store,
                    ws,
                    &c.customer,
                    &c.subscription_ref,
                    c.cancelled_on,
                    c.ends_on,
                )
                .await?;
            }
            Ok(None) if sub.status != "canceled" => {
                billing_signals::withdraw_cancellation(store, ws, &sub.id).await?;
            }
            Ok(None) => {}
            Err(e) => {
                return Err(WebhookError::Refused(format!(
                    "subscription {}: {e}",
                    sub.id
                )));
            }
        }
        return Ok(Outcome::Applied);
    }
    if kind.starts_with("customer.") {
        let customer: Customer = object(event)?;
        if customer.deleted == Some(true) {
            return Ok(Outcome::Ignored);
        }
        write_customer(store, ws, &customer, now).await?;
        return Ok(Outcome::Applied);
    }
    // invoice.*
    let invoice: Invoice = object(event)?;
    if !same_currency(store, ws, invoice.currency.as_deref()).await? {
        return Ok(Outcome::Ignored);
    }
    let row = invoice
        .to_registry()
        .map_err(|e| WebhookError::Refused(format!("invoice {}: {e}", invoice.id)))?;
    let Some(row) = row else {
        if invoice.status.as_deref() == Some("void")
            && store
                .remove_invoices_by_ref(ws, std::slice::from_ref(&invoice.id))
                .await?
                > 0
        {
            let touched = crate::follow::Touched::ExternalIds(vec![invoice.customer.clone()]);
            crate::follow::records_changed(store, ws, &touched, now.date_naive()).await?;
        }
        return Ok(Outcome::Applied);
    };
    ensure_customer(store, settings, ws, &invoice.customer, now).await?;
    let failed = kind == "invoice.payment_failed" && row.paid_on.is_none();
    let amount_due = row.amount_cents;
    let rows = vec![InvoiceImport {
        line: 1,
        invoice_ref: row.external_id,
        customer_ref: row.customer,
        amount: Money::from_cents(row.amount_cents),
        issued_on: Some(row.issued_on),
        due_on: row.due_on,
        paid_on: row.paid_on,
    }];
    imports::import(
        store,
        ws,
        SOURCE,
        ParsedImport::Invoices(rows),
        now,
        &|_| {},
        &actor,
    )
    .await?;
    if failed && amount_due > 0 {
        // The event says the payment failed, on its day.
        billing_signals::record_payment_failed(
            store,
            ws,
            &invoice.customer,
            &invoice.id,
            day,
            Money::from_cents(amount_due),
        )
        .await?;
    }
    Ok(Outcome::Applied)
}

/// False when the workspace's currency is known (a sync chose it) and
/// `code` is another one.
async fn same_currency(store: &dyn Store, ws: WorkspaceId, code: Option<&str>) -> AppResult<bool> {
    let Some(code) = code.map(str::to_ascii_lowercase) else {
        return Ok(true);
    };
    Ok(workspace_currency(store, ws)
        .await?
        .is_none_or(|c| c == code))
}

async fn write_customer(
    store: &dyn Store,
    ws: WorkspaceId,
    customer: &Customer,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let actor = audit::Actor::system();
    let (row, contact) = customer_rows(customer, 1);
    imports::import(
        store,
        ws,
        SOURCE,
        ParsedImport::Customers(vec![row], Vec::new()),
        now,
        &|_| {},
        &actor,
    )
    .await?;
    if let Some(contact) = contact {
        imports::import(
            store,
            ws,
            SOURCE,
            ParsedImport::Contacts(vec![contact]),
            now,
            &|_| {},
            &actor,
        )
        .await?;
    }
    Ok(())
}

/// Makes sure the client of Stripe customer `id` exists: an event about a
/// subscription or an invoice may come before the customer's own (Stripe
/// does not keep order). With an API key the customer is read from Stripe;
/// without one the event is refused with 409 and Stripe sends it again.
async fn ensure_customer(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !store
        .client_ids_by_external(ws, &[id.to_string()])
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let has_key = store
        .stripe_connection(ws)
        .await?
        .is_some_and(|c| c.api_key_sealed.is_some());
    if !has_key {
        return Err(AppError::Conflict(churnwise_domain::FieldProblem::new(
            "customer",
            format!("customer {id} is not known yet (no API key to read it); send the event again after its customer.created"),
        )));
    }
    let key = super::api_key(store, settings, ws).await?;
    let api = super::api::StripeApi::new(&settings.api_base, key)?;
    let customer: Customer = api.one("customers", id).await?;
    write_customer(store, ws, &customer, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn a_signature_made_with_the_secret_within_five_minutes_passes() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={}", sign("whsec_a", 1000, body));
        assert_eq!(
            verify_signature("whsec_a", Some(&header), body, 1200),
            Ok(())
        );
        // Any one of several v1 signatures (Stripe sends two while a
        // secret is rolled).
        let header = format!("t=1000,v1=00ff,v1={}", sign("whsec_a", 1000, body));
        assert_eq!(
            verify_signature("whsec_a", Some(&header), body, 1000),
            Ok(())
        );
    }

    #[test]
    fn a_wrong_missing_or_old_signature_is_refused_with_its_reason() {
        let body = br#"{"id":"evt_1"}"#;
        let good = format!("t=1000,v1={}", sign("whsec_a", 1000, body));
        assert!(verify_signature("whsec_b", Some(&good), body, 1000)
            .unwrap_err()
            .contains("does not match"));
        assert!(verify_signature("whsec_a", Some(&good), b"{}", 1000)
            .unwrap_err()
            .contains("does not match"));
        assert!(verify_signature("whsec_a", None, body, 1000)
            .unwrap_err()
            .contains("no Stripe-Signature"));
        assert!(verify_signature("whsec_a", Some(&good), body, 1301)
            .unwrap_err()
            .contains("300 s"));
        let no_t = format!("v1={}", sign("whsec_a", 1000, body));
        assert!(verify_signature("whsec_a", Some(&no_t), body, 1000)
            .unwrap_err()
            .contains("timestamp"));
        assert!(verify_signature("whsec_a", Some("t=1000"), body, 1000)
            .unwrap_err()
            .contains("no v1"));
    }
}
