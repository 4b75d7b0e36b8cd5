//! Outgoing webhooks (issue 17, spec/integrations.md §3; docs/webhooks.md):
//! the endpoints of a workspace (their signing secrets sealed like the
//! Stripe key, [`crate::stripe::secrets`]), and [`deliver_due`], which the
//! server runs every few seconds: it claims the deliveries due in the
//! outbox (each by a conditional update, so two processes never send the
//! same one), posts them signed, and keeps every attempt. A 2xx answer
//! ends a delivery; anything else is tried again after 1, 5 and 15
//! minutes, 1, 3 and 6 hours, then every 6 hours, until 24 hours after the
//! event, when it is given up as `failed`.
//!
//! The events themselves are written by the store, in the transaction of
//! the change that caused them (see `Store::emit_event`).

use crate::bounds;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, ArgValue};
use crate::stripe::secrets::SecretKeySource;
use chrono::{DateTime, Utc};
use churnwise_domain::{FieldProblem, Lang};
use churnwise_store::{
    ClaimedDelivery, DeliveryLogEntry, DeliveryNext, NewWebhookEndpoint, Page, Store,
    WebhookAttempt, WebhookEndpoint, WebhookEndpointId, WorkspaceId,
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Serialize;
use sha2::Sha256;
use std::time::Duration;

/// The event types an endpoint may receive.
pub const EVENT_TYPES: [&str; 7] = [
    "client.created",
    "client.status_changed",
    "alert.raised",
    "case.opened",
    "case.closed",
    "cancel_flow.completed",
    "invoice.overdue",
];

/// Most endpoints a workspace may have.
pub const MAX_ENDPOINTS: i64 = 20;
/// Longest URL accepted.
pub const MAX_URL_LEN: usize = 2000;
/// Most entries in `events` (before duplicates are dropped).
pub const MAX_EVENTS_LISTED: usize = 50;
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery stays with the process that claimed it.
pub const LEASE: Duration = Duration::from_secs(60);
/// How long after its event a delivery is tried.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);
/// The pauses after the first, second… failed attempt (the last repeats).
pub const RETRY_DELAYS_SECS: [i64; 6] = [60, 300, 900, 3600, 3 * 3600, 6 * 3600];
/// Deliveries claimed per run.
pub const BATCH: u32 = 50;
/// At most this much of an answer's body is read (and 200 characters of it
/// kept in the log).
const MAX_ANSWER_BYTES: usize = 4096;
/// The signature header.
pub const SIGNATURE_HEADER: &str = "Churnwise-Signature";

/// An endpoint to add, as sent.
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    /// The URL (absolute `https://` or `http://`).
    pub url: String,
    /// The event types.
    pub events: Vec<String>,
    /// `slack` or `signed`; none: Slack for a `hooks.slack.com` URL.
    pub kind: Option<String>,
    /// The language of Slack texts (`en`, `es`); none: `default_lang`.
    pub lang: Option<String>,
}

/// An endpoint as shown: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointView {
    /// Id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// `signed` (the signed envelope) or `slack` (`{"text"}`).
    pub kind: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// The language of Slack texts.
    pub lang: String,
    /// True for a plain `http://` URL (deliveries travel unencrypted).
    pub insecure: bool,
    /// When it was added (RFC 3339).
    pub created: String,
}

/// A new endpoint, with its secret (shown this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedEndpoint {
    /// Id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// `signed` or `slack`.
    pub kind: String,
    /// The language of Slack texts.
    pub lang: String,
    /// The signing secret: shown only in this answer.
    pub secret: String,
}

fn ms_to_rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

impl From<WebhookEndpoint> for EndpointView {
    fn from(e: WebhookEndpoint) -> Self {
        EndpointView {
            id: e.id.0,
            insecure: e.url.starts_with("http://"),
            url: e.url,
            kind: e.kind,
            events: e.events,
            lang: e.lang,
            created: ms_to_rfc3339(e.created_ms),
        }
    }
}

/// The URL checked: absolute http(s) with a host, no user or password,
/// at most [`MAX_URL_LEN`].
fn checked_url(text: &str) -> Result<reqwest::Url, FieldProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldProblem::new("url", "is required"));
    }
    if text.len() > MAX_URL_LEN {
        return Err(FieldProblem::new(
            "url",
            format!("is longer than {MAX_URL_LEN} characters"),
        ));
    }
    let url = reqwest::Url::parse(text)
        .map_err(|_| FieldProblem::new("url", "must be an absolute https:// or http:// URL"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none_or(str::is_empty) {
        return Err(FieldProblem::new(
            "url",
            "must be an absolute https:// or http:// URL",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldProblem::new(
            "url",
            "must not hold a user name or password",
        ));
    }
    Ok(url)
}

/// The endpoint checked, every problem at once: url, kind, events, lang.
fn checked(
    input: &EndpointInput,
    default_lang: Lang,
) -> Result<(String, String, Vec<String>, Lang), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let url = checked_url(&input.url).map_err(|p| problems.push(p)).ok();
    let slack_host = url
        .as_ref()
        .is_some_and(|u| u.host_str() == Some("hooks.slack.com"));
    let kind = match input.kind.as_deref().map(str::trim) {
        None | Some("") => Some(if slack_host { "slack" } else { "signed" }),
        Some("slack") => Some("slack"),
        Some("signed") => Some("signed"),
        Some(_) => {
            problems.push(FieldProblem::new("kind", "must be slack or signed"));
            None
        }
    };
    let mut events: Vec<String> = Vec::new();
    if input.events.is_empty() {
        problems.push(FieldProblem::new(
            "events",
            format!("must list at least one of {}", EVENT_TYPES.join(", ")),
        ));
    } else if input.events.len() > MAX_EVENTS_LISTED {
        problems.push(FieldProblem::new(
            "events",
            format!("lists more than {MAX_EVENTS_LISTED} events"),
        ));
    } else {
        for (i, e) in input.events.iter().enumerate() {
            let e = e.trim();
            if !EVENT_TYPES.contains(&e) {
                problems.push(FieldProblem::new(
                    format!("events[{i}]"),
                    format!("is not an event; one of {}", EVENT_TYPES.join(", ")),
                ));
            } else if !events.iter().any(|x| x == e) {
                events.push(e.to_string());
            }
        }
    }
    let lang = match input.lang.as_deref().map(str::trim) {
        None | Some("") => Some(default_lang),
        Some(code) => i18n::parse_code(code).or_else(|| {
            problems.push(FieldProblem::new("lang", "must be en or es"));
            None
        }),
    };
    match (url, kind, lang) {
        (Some(url), Some(kind), Some(lang)) if problems.is_empty() => {
            Ok((url.to_string(), kind.to_string(), events, lang))
        }
        _ => Err(problems),
    }
}

/// Adds an endpoint to `ws` (owners and managers; the adapter checks the
/// role): checked, its new secret sealed with the key of `secrets`; the
/// answer holds the secret, which is never shown again.
pub async fn create_endpoint(
    store: &dyn Store,
    secrets: &SecretKeySource,
    ws: WorkspaceId,
    input: &EndpointInput,
    default_lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<CreatedEndpoint> {
    let (url, kind, events, lang) = checked(input, default_lang).map_err(AppError::Invalid)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("whsec_{}", hex::encode(bytes));
    let key = secrets
        .key(true)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no key to seal secrets")))?;
    let made = store
        .create_webhook_endpoint(
            ws,
            &NewWebhookEndpoint {
                url,
                kind,
                events,
                lang: i18n::code(lang).to_string(),
                secret_sealed: key.seal(&secret)?,
                created_ms: now.timestamp_millis(),
            },
            MAX_ENDPOINTS,
        )
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(p) => AppError::Invalid(vec![p]),
            other => other,
        })?;
    Ok(CreatedEndpoint {
        id: made.id.0,
        url: made.url,
        events: made.events,
        kind: made.kind,
        lang: made.lang,
        secret,
    })
}

/// One page of the endpoints of `ws` (page from 1; 1–500 rows).
pub async fn list_endpoints(
    store: &dyn Store,
    ws: WorkspaceId,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<EndpointView>> {
    let (page, per_page) = page_bounds(page, per_page)?;
    let found = store.list_webhook_endpoints(ws, page, per_page).await?;
    Ok(Page {
        items: found.items.into_iter().map(EndpointView::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

fn page_bounds(page: Option<u32>, per_page: Option<u32>) -> AppResult<(u32, u32)> {
    let mut problems = Vec::new();
    let page = bounds::page_number("page", page)
        .map_err(|p| problems.push(p))
        .ok();
    let per_page = bounds::page_size("per_page", per_page)
        .map_err(|p| problems.push(p))
        .ok();
    match (page, per_page) {
        (Some(p), Some(n)) => Ok((p, n)),
        _ => Err(AppError::Invalid(problems)),
    }
}

/// One endpoint of `ws`; `NotFound` for another workspace's.
pub async fn endpoint(store: &dyn Store, ws: WorkspaceId, id: i64) -> AppResult<EndpointView> {
    store
        .get_webhook_endpoint(ws, WebhookEndpointId(id))
        .await?
        .map(EndpointView::from)
        .ok_or(AppError::NotFound)
}

/// Deletes an endpoint of `ws` and its pending deliveries; `NotFound` for
/// another workspace's.
pub async fn delete_endpoint(store: &dyn Store, ws: WorkspaceId, id: i64) -> AppResult<()> {
    if store
        .delete_webhook_endpoint(ws, WebhookEndpointId(id))
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// One attempt of the delivery log, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogEntryView {
    /// The endpoint's URL.
    pub url: String,
    /// The event's id.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// When the attempt was made (RFC 3339).
    pub attempted: String,
    /// The HTTP status answered, if any.
    pub status_code: Option<i32>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// The delivery now: `pending` (to be tried again), `delivered` or `failed`.
    pub state: String,
    /// The next attempt (RFC 3339), while pending.
    pub next_attempt: Option<String>,
}

impl From<DeliveryLogEntry> for LogEntryView {
    fn from(e: DeliveryLogEntry) -> Self {
        LogEntryView {
            url: e.url,
            event_id: e.event_id,
            event_type: e.event_type,
            attempted: ms_to_rfc3339(e.attempted_ms),
            status_code: e.status_code,
            error: e.error,
            duration_ms: e.duration_ms,
            state: e.state,
            next_attempt: e.next_attempt_ms.map(ms_to_rfc3339),
        }
    }
}

/// One page of the delivery log of `ws`, newest attempt first.
pub async fn delivery_log(
    store: &dyn Store,
    ws: WorkspaceId,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<LogEntryView>> {
    let (page, per_page) = page_bounds(page, per_page)?;
    let found = store.webhook_delivery_log(ws, page, per_page).await?;
    Ok(Page {
        items: found.items.into_iter().map(LogEntryView::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// Writes an event for a change that shares no transaction with the store
/// (the event is lost if the process dies between the change and this
/// call; prefer the store's in-transaction helper).
pub async fn emit(
    store: &dyn Store,
    ws: WorkspaceId,
    event_type: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    Ok(store
        .emit_event(ws, event_type, data, now.timestamp_millis())
        .await?)
}

/// What one delivery run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryRun {
    /// Deliveries claimed and tried.
    pub attempted: u32,
    /// Answered with 2xx.
    pub delivered: u32,
    /// Failed, to be tried again.
    pub retrying: u32,
    /// Failed for the last time (24 h after the event).
    pub failed: u32,
}

/// The signature header's value for `body` sent at `timestamp` (Unix
/// seconds): `t=TIMESTAMP,v1=hex(HMAC-SHA256(secret, "TIMESTAMP." + body))`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// What becomes of a delivery that failed at `now` after `attempts`
/// attempts (this one included), for an event made at `created_ms`.
pub fn after_failure(attempts: i32, created_ms: i64, now_ms: i64) -> DeliveryNext {
    let deadline = created_ms.saturating_add(i64::try_from(RETRY_FOR.as_millis()).unwrap_or(0));
    if now_ms >= deadline {
        return DeliveryNext::Failed;
    }
    let index = usize::try_from(attempts.max(1) - 1)
        .unwrap_or(0)
        .min(RETRY_DELAYS_SECS.len() - 1);
    let next = now_ms.saturating_add(RETRY_DELAYS_SECS[index] * 1000);
    DeliveryNext::RetryAt(next.min(deadline))
}

/// The request a delivery makes: its body and, for a signed endpoint, the
/// signature.
fn request_of(
    d: &ClaimedDelivery,
    secret: Option<&str>,
    now: DateTime<Utc>,
) -> (String, Option<String>) {
    let data: serde_json::Value = serde_json::from_str(&d.data).unwrap_or(serde_json::Value::Null);
    if d.kind == "slack" {
        let lang = i18n::parse_code(&d.lang).unwrap_or(Lang::En);
        let body = serde_json::json!({ "text": slack_text(lang, &d.event_type, &data) });
        return (body.to_string(), None);
    }
    let body = serde_json::json!({
        "id": d.event_id,
        "type": d.event_type,
        "created": d.event_created_ms.div_euclid(1000),
        "workspace": d.ws.0,
        "data": data,
    })
    .to_string();
    let sig = secret.map(|s| signature(s, now.timestamp(), &body));
    (body, sig)
}

/// Claims the deliveries due at `now` and makes one attempt of each (at
/// most [`BATCH`], sent side by side), recording every attempt. Safe to
/// run in several processes at once.
pub async fn deliver_due(
    store: &dyn Store,
    secrets: &SecretKeySource,
    now: DateTime<Utc>,
) -> AppResult<DeliveryRun> {
    let now_ms = now.timestamp_millis();
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap_or(60_000);
    let claimed = store
        .claim_webhook_deliveries(now_ms, now_ms + lease_ms, BATCH)
        .await?;
    let mut run = DeliveryRun::default();
    if claimed.is_empty() {
        return Ok(run);
    }
    let key = if claimed.iter().any(|d| d.kind != "slack") {
        secrets.key(false)?
    } else {
        None
    };
    let client = reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("churnwise-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let mut sends = tokio::task::JoinSet::new();
    for (index, d) in claimed.iter().enumerate() {
        let secret = if d.kind == "slack" {
            None
        } else {
            match key.as_ref().map(|k| k.open(&d.secret_sealed)) {
                Some(Ok(s)) => Some(s),
                _ => {
                    sends.spawn(async move {
                        (
                            index,
                            Err::<u16, String>(
                                "the endpoint's secret cannot be opened (secret key missing or changed)"
                                    .to_string(),
                            ),
                            0,
                        )
                    });
                    continue;
                }
            }
        };
        let (body, sig) = request_of(d, secret.as_deref(), now);
        let mut request = client
            .post(d.url.as_str())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(sig) = sig {
            request = request.header(SIGNATURE_HEADER, sig);
        }
        sends.spawn(async move {
            let started = std::time::Instant::now();
            let result = send(request).await;
            let took = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            (index, result, took)
        });
    }
    while let Some(joined) = sends.join_next().await {
        let (index, result, took) =
            joined.map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        let Some(d) = claimed.get(index) else {
            continue;
        };
        let attempts = d.attempts.saturating_add(1);
        let (status_code, error, next) = match result {
            Ok(code) if (200..300).contains(&code) => {
                (Some(i32::from(code)), None, DeliveryNext::Delivered)
            }
            Ok(code) => (
                Some(i32::from(code)),
                Some(format!("answered HTTP {code}")),
                after_failure(attempts, d.event_created_ms, now_ms),
            ),
            Err(e) => (
                None,
                Some(e),
                after_failure(attempts, d.event_created_ms, now_ms),
            ),
        };
        match next {
            DeliveryNext::Delivered => run.delivered += 1,
            DeliveryNext::RetryAt(_) => run.retrying += 1,
            DeliveryNext::Failed => run.failed += 1,
        }
        run.attempted += 1;
        store
            .finish_webhook_attempt(
                d.id,
                &WebhookAttempt {
                    attempted_ms: now_ms,
                    status_code,
                    error,
                    duration_ms: took,
                },
                next,
            )
            .await?;
    }
    Ok(run)
}

/// How many days after its due date an invoice first seen overdue is
/// still news (an `invoice.overdue` event); older ones, such as a history
/// imported at once, are only marked.
pub const OVERDUE_NEWS_DAYS: u64 = 30;

/// Marks the invoices of `ws` first seen overdue at `now` (unpaid, due
/// before today), each once, with an `invoice.overdue` event for those due
/// in the last [`OVERDUE_NEWS_DAYS`] days; how many were marked.
pub async fn mark_overdue(
    store: &dyn Store,
    ws: WorkspaceId,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let today = now.date_naive();
    let since = today
        .checked_sub_days(chrono::Days::new(OVERDUE_NEWS_DAYS))
        .unwrap_or(today);
    Ok(store
        .mark_overdue_invoices(ws, today, since, now.timestamp_millis())
        .await?)
}

/// Runs [`deliver_due`] now and then every `every` until `stop` completes
/// (an attempt under way is finished first); errors are logged and the
/// next run tries again. `churnwise serve` runs it beside its scheduler.
pub async fn run_deliveries_until(
    store: std::sync::Arc<dyn Store>,
    secrets: SecretKeySource,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = ticks.tick() => {}
        }
        match deliver_due(store.as_ref(), &secrets, Utc::now()).await {
            Ok(run) if run.attempted > 0 => tracing::info!(
                attempted = run.attempted,
                delivered = run.delivered,
                retrying = run.retrying,
                failed = run.failed,
                "webhook deliveries"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "webhook deliveries failed"),
        }
    }
}

/// Sends one request: the status, or why there is none. At most
/// [`MAX_ANSWER_BYTES`] of the answer are read.
async fn send(request: reqwest::RequestBuilder) -> Result<u16, String> {
    let mut response = request.send().await.map_err(|e| {
        if e.is_timeout() {
            format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs())
        } else if e.is_connect() {
            "connection refused or unreachable".to_string()
        } else {
            let text = e.to_string();
            text.chars().take(200).collect()
        }
    })?;
    let status = response.status().as_u16();
    let mut read = 0usize;
    while read < MAX_ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
    Ok(status)
}

/// The readable text a Slack endpoint receives for an event.
pub fn slack_text(lang: Lang, event_type: &str, data: &serde_json::Value) -> String {
    let text = |v: &serde_json::Value| -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    };
    let client = {
        let c = data.get("client").or_else(|| data.get("customer"));
        match c {
            Some(serde_json::Value::Object(o)) => o.get("name").map(text).unwrap_or_default(),
            Some(v) => text(v),
            None => String::new(),
        }
    };
    let word = |prefix: &str, value: &str| -> String {
        let key = format!("{prefix}-{}", value.replace('_', "-"));
        if i18n::has_message(lang, &key) {
            i18n::message(lang, &key, &[])
        } else {
            value.to_string()
        }
    };
    let arg = |s: String| ArgValue::Text(s);
    let field = |path: &[&str]| -> String {
        let mut v = data;
        for p in path {
            match v.get(p) {
                Some(next) => v = next,
                None => return String::new(),
            }
        }
        text(v)
    };
    match event_type {
        "client.created" => i18n::message(
            lang,
            "hooks-slack-client-created",
            &[("client", arg(client))],
        ),
        "client.status_changed" => i18n::message(
            lang,
            "hooks-slack-client-status-changed",
            &[
                ("client", arg(client)),
                ("old", arg(word("status", &field(&["old_status"])))),
                ("new", arg(word("status", &field(&["new_status"])))),
            ],
        ),
        "alert.raised" => i18n::message(
            lang,
            "hooks-slack-alert-raised",
            &[
                ("client", arg(client)),
                ("score", arg(field(&["alert", "score"]))),
            ],
        ),
        "case.opened" => i18n::message(lang, "hooks-slack-case-opened", &[("client", arg(client))]),
        "case.closed" => i18n::message(
            lang,
            "hooks-slack-case-closed",
            &[
                ("client", arg(client)),
                (
                    "outcome",
                    arg(word("hooks-outcome", &field(&["case", "outcome"]))),
                ),
            ],
        ),
        "cancel_flow.completed" => i18n::message(
            lang,
            "hooks-slack-cancel-flow-completed",
            &[
                ("client", arg(client)),
                (
                    "decision",
                    arg(word("hooks-decision", &field(&["decision"]))),
                ),
            ],
        ),
        "invoice.overdue" => {
            let cents = data
                .get("invoice")
                .and_then(|i| i.get("amount_cents"))
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0);
            i18n::message(
                lang,
                "hooks-slack-invoice-overdue",
                &[
                    ("client", arg(client)),
                    ("ref", arg(field(&["invoice", "ref"]))),
                    ("amount", arg(i18n::money(lang, cents))),
                    ("due", arg(field(&["invoice", "due_on"]))),
                ],
            )
        }
        other => i18n::message(
            lang,
            "hooks-slack-other",
            &[("type", arg(other.to_string()))],
        ),
    }
}

// --- stripe-cancel: the delivery log by limit and offset (CLI) ---

/// A window of the delivery log walked by `offset`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogWindow {
    /// The attempts, newest first.
    pub items: Vec<LogEntryView>,
    /// Lines in the whole log (of the endpoint, when one was given).
    pub total: u64,
    /// The `limit` applied.
    pub limit: u32,
    /// The `offset` applied.
    pub offset: u32,
}

/// The delivery log of `ws` as `churnwise webhooks deliveries` walks it:
/// `limit` 1–500 (500 when not given), `offset` (0 when not given), only
/// the attempts of `endpoint` when given (`NotFound` when it is not an
/// endpoint of `ws`); a bad `limit` is named.
pub async fn delivery_log_window(
    store: &dyn Store,
    ws: WorkspaceId,
    endpoint: Option<i64>,
    limit: Option<u32>,
    offset: Option<u32>,
) -> AppResult<LogWindow> {
    let limit = bounds::page_size("limit", Some(limit.unwrap_or(bounds::MAX_PAGE_SIZE)))
        .map_err(|p| AppError::Invalid(vec![p]))?;
    let offset = offset.unwrap_or(0);
    if let Some(id) = endpoint {
        self::endpoint(store, ws, id).await?;
    }
    let (items, total) = store
        .webhook_delivery_log_window(
            ws,
            endpoint.map(WebhookEndpointId),
            i64::from(limit),
            i64::from(offset),
        )
        .await?;
    Ok(LogWindow {
        items: items.into_iter().map(LogEntryView::from).collect(),
        total,
        limit,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_the_hmac_of_the_timestamp_and_the_body() {
        // Known answer: HMAC-SHA256("key", "1.body").
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").expect("key");
        mac.update(b"1.body");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(signature("key", 1, "body"), format!("t=1,v1={expected}"));
    }

    #[test]
    fn retries_grow_and_stop_24_hours_after_the_event() {
        let t0 = 1_000_000_000_000;
        assert_eq!(after_failure(1, t0, t0), DeliveryNext::RetryAt(t0 + 60_000));
        assert_eq!(
            after_failure(2, t0, t0 + 60_000),
            DeliveryNext::RetryAt(t0 + 60_000 + 300_000)
        );
        assert_eq!(
            after_failure(9, t0, t0 + 3_600_000),
            DeliveryNext::RetryAt(t0 + 3_600_000 + 6 * 3_600_000)
        );
        // Never past the deadline, and failed once it is reached.
        let day = 24 * 3_600_000;
        assert_eq!(
            after_failure(9, t0, t0 + day - 1000),
            DeliveryNext::RetryAt(t0 + day)
        );
        assert_eq!(after_failure(10, t0, t0 + day), DeliveryNext::Failed);
    }

    #[test]
    fn an_endpoint_is_checked_field_by_field() {
        let bad = EndpointInput {
            url: "ftp://example.com".into(),
            events: vec!["case.opened".into(), "nope".into(), "case.closd".into()],
            kind: Some("teams".into()),
            lang: Some("fr".into()),
        };
        let problems = checked(&bad, Lang::En).expect_err("refused");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["url", "kind", "events[1]", "events[2]", "lang"]);
        let empty = EndpointInput {
            url: "https://user:pw@example.com/x".into(),
            ..Default::default()
        };
        let fields: Vec<String> = checked(&empty, Lang::En)
            .expect_err("refused")
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["url", "events"]);
    }

    #[test]
    fn a_slack_url_is_a_slack_endpoint_and_events_are_kept_once() {
        let input = EndpointInput {
            url: "https://hooks.slack.com/services/T0/B0/x".into(),
            events: vec!["case.opened".into(), "case.opened".into()],
            ..Default::default()
        };
        let (_, kind, events, lang) = checked(&input, Lang::Es).expect("ok");
        assert_eq!(kind, "slack");
        assert_eq!(events, ["case.opened"]);
        assert_eq!(lang, Lang::Es);
    }

    #[test]
    fn slack_texts_speak_the_endpoint_language() {
        let data = serde_json::json!({"client": {"name": "Acme"}, "old_status": "active", "new_status": "leaving"});
        let es = slack_text(Lang::Es, "client.status_changed", &data);
        assert!(es.contains("Acme") && es.contains("De salida"), "{es}");
        let en = slack_text(Lang::En, "client.status_changed", &data);
        assert!(en.contains("Acme") && en.contains("Leaving"), "{en}");
    }
}
