//! Stripe kept in step with the registry (issue 15, spec/integrations.md
//! §1): the workspace's connection (secrets sealed, [`secrets`]), the sync
//! that reads customers, subscriptions and invoices page by page
//! ([`sync`]), and the rules of `churnwise_domain::stripe` that turn them
//! into clients, contacts, MRR segments and invoices.

pub mod api;
mod history;
pub mod secrets;
pub mod sync;
pub mod webhooks;
// --- billing page (issue 15) ---
pub mod setup;
pub mod sync_job;
// --- stripe-cancel ---
pub mod cancel;

use crate::audit::{self, Action, Subject};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use churnwise_domain::FieldProblem;
use churnwise_store::{Store, StripeConnection, WorkspaceId};
use rand::RngCore;
use serde::{Deserialize, Serialize};

pub use secrets::{SealingKey, SecretKeySource};
pub use sync::{sync, SyncProgress, SyncReport};

/// Stripe's public API, the default base URL.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// How the server and the CLI reach Stripe and keep its secrets.
#[derive(Debug, Clone)]
pub struct StripeSettings {
    /// The API's base URL (`--stripe-api-base`, `CHURNWISE_STRIPE_API_BASE`).
    pub api_base: String,
    /// Where the key that seals the stored secrets comes from.
    pub secrets: SecretKeySource,
}

impl Default for StripeSettings {
    fn default() -> Self {
        StripeSettings {
            api_base: DEFAULT_API_BASE.to_string(),
            secrets: SecretKeySource::default(),
        }
    }
}

/// The connection as `GET /api/v1/integrations/stripe` shows it: never the
/// key or the secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionView {
    /// True when an API key is set.
    pub connected: bool,
    /// Where Stripe sends events: `/webhooks/stripe/<id>`.
    pub webhook_path: String,
    /// True when a webhook signing secret is set.
    pub webhook_secret_set: bool,
    /// The report of the last sync, if one ran.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub last_sync: Option<serde_json::Value>,
}

/// A change of the connection: each field absent keeps its value, `null`
/// removes it, a text sets it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConnectionChange {
    /// The restricted (`rk_…`) or secret (`sk_…`) API key.
    #[serde(default, deserialize_with = "present")]
    pub api_key: Option<Option<String>>,
    /// The webhook signing secret (`whsec_…`).
    #[serde(default, deserialize_with = "present")]
    pub webhook_secret: Option<Option<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The path Stripe posts events to for the endpoint `id`.
pub fn webhook_path(endpoint_id: &str) -> String {
    format!("/webhooks/stripe/{endpoint_id}")
}

/// The connection of `ws`, made (with a new endpoint id, no secret) when
/// it does not exist yet, so the webhook path can be shown before anything
/// is set.
async fn ensure_connection(
    store: &dyn Store,
    ws: WorkspaceId,
    now: DateTime<Utc>,
) -> AppResult<StripeConnection> {
    if let Some(c) = store.stripe_connection(ws).await? {
        return Ok(c);
    }
    let c = StripeConnection {
        ws,
        endpoint_id: new_endpoint_id(),
        api_key_sealed: None,
        webhook_secret_sealed: None,
        last_sync: None,
        updated_at: now,
    };
    store.save_stripe_connection(&c).await?;
    Ok(c)
}

/// The connection of `ws` as shown (no secret); its endpoint id is made on
/// first need.
pub async fn connection_view(store: &dyn Store, ws: WorkspaceId) -> AppResult<ConnectionView> {
    let c = ensure_connection(store, ws, Utc::now()).await?;
    Ok(ConnectionView {
        connected: c.api_key_sealed.is_some(),
        webhook_path: webhook_path(&c.endpoint_id),
        webhook_secret_set: c.webhook_secret_sealed.is_some(),
        last_sync: c
            .last_sync
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
    })
}

/// Longest key or secret accepted.
const MAX_SECRET_LEN: usize = 500;

fn checked_secret(
    field: &str,
    value: Option<&str>,
    prefixes: &[&str],
) -> Result<Option<String>, FieldProblem> {
    let Some(text) = value.map(str::trim) else {
        return Ok(None);
    };
    if text.is_empty() {
        return Err(FieldProblem::new(
            field,
            "is empty (send null to remove it)",
        ));
    }
    if text.len() > MAX_SECRET_LEN {
        return Err(FieldProblem::new(
            field,
            format!("is longer than {MAX_SECRET_LEN} characters"),
        ));
    }
    if !prefixes.iter().any(|p| text.starts_with(p)) {
        return Err(FieldProblem::new(
            field,
            format!("must start with {}", prefixes.join(" or ")),
        ));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldProblem::new(field, "must not contain spaces"));
    }
    Ok(Some(text.to_string()))
}

/// A new public endpoint id: 128 random bits, hex.
fn new_endpoint_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Sets or removes the API key and webhook secret of `ws` (sealed with the
/// key of `settings`), making the endpoint id on first use; every problem
/// at once, nothing changed on error.
pub async fn change_connection(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    change: ConnectionChange,
    actor: &audit::Actor,
    now: DateTime<Utc>,
) -> AppResult<ConnectionView> {
    let mut problems = Vec::new();
    let api_key = change.api_key.map(|v| {
        checked_secret("api_key", v.as_deref(), &["rk_", "sk_"]).unwrap_or_else(|p| {
            problems.push(p);
            None
        })
    });
    let webhook_secret = change.webhook_secret.map(|v| {
        checked_secret("webhook_secret", v.as_deref(), &["whsec_"]).unwrap_or_else(|p| {
            problems.push(p);
            None
        })
    });
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let needs_key = matches!(api_key, Some(Some(_))) || matches!(webhook_secret, Some(Some(_)));
    let key = if needs_key {
        settings.secrets.key(true)?
    } else {
        None
    };
    let seal = |plain: &str| -> AppResult<String> {
        key.as_ref()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no key to seal secrets")))?
            .seal(plain)
    };
    let mut connection = ensure_connection(store, ws, now).await?;
    if let Some(v) = api_key {
        connection.api_key_sealed = v.as_deref().map(seal).transpose()?;
    }
    if let Some(v) = webhook_secret {
        connection.webhook_secret_sealed = v.as_deref().map(seal).transpose()?;
    }
    connection.updated_at = now;
    store.save_stripe_connection(&connection).await?;
    let detail = format!(
        "api key {}, webhook secret {}",
        if connection.api_key_sealed.is_some() {
            "set"
        } else {
            "unset"
        },
        if connection.webhook_secret_sealed.is_some() {
            "set"
        } else {
            "unset"
        },
    );
    audit::record(
        store,
        ws,
        actor,
        Action::StripeConnectionChanged,
        Subject::Workspace,
        &detail,
    )
    .await?;
    connection_view(store, ws).await
}

/// The API key of `ws`, opened; `Invalid` naming `api_key` when none is set.
pub async fn api_key(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
) -> AppResult<String> {
    let sealed = store
        .stripe_connection(ws)
        .await?
        .and_then(|c| c.api_key_sealed)
        .ok_or_else(|| {
            AppError::Invalid(vec![FieldProblem::new(
                "api_key",
                "no Stripe API key is set (Settings → Billing, or PUT /api/v1/integrations/stripe)",
            )])
        })?;
    let key = settings.secrets.key(false)?.ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "the secret key that sealed the Stripe API key is missing"
        ))
    })?;
    key.open(&sealed)
}
