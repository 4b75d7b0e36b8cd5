//! The ideal client profile (issue 16): the team writes it (Settings →
//! Ideal client, or the `ideal_client` part of `PUT /api/v1/settings`), each
//! client page marks whether the client fits it, and "Who leaves" compares
//! the churn of fitting and not-fitting clients (`who_leaves::period`).

use crate::audit::Actor;
use crate::AppResult;
use chrono::NaiveDate;
use churnwise_domain::ideal_client::{FitFacts, IdealClientProfile, Miss};
use churnwise_domain::Lang;
use churnwise_store::{Client, Store, Versioned, WorkspaceId};
use serde::Serialize;

/// The workspace's profile and the settings version to save it at.
pub async fn profile(
    store: &dyn Store,
    ws: WorkspaceId,
) -> AppResult<Versioned<IdealClientProfile>> {
    let current = store.workspace_settings(ws).await?;
    Ok(Versioned {
        value: current.value.ideal_client,
        version: current.version,
    })
}

/// Replaces the profile if the workspace settings are still at `version`;
/// every invalid value named (`segments[1]`, `max_mrr_cents`).
pub async fn save(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    profile: IdealClientProfile,
    version: i64,
) -> AppResult<Versioned<IdealClientProfile>> {
    profile
        .validate()
        .map_err(|problems| crate::settings_parts::refused(problems, "ideal_client"))?;
    let saved = crate::settings_parts::save_part(
        store,
        ws,
        actor,
        version,
        "ideal client profile",
        |all| all.ideal_client = profile,
    )
    .await?;
    Ok(Versioned {
        value: saved.value.ideal_client,
        version: saved.version,
    })
}

/// Whether a client fits the profile, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientFit {
    /// True when it meets every criterion set.
    pub fits: bool,
    /// The criteria it misses.
    pub misses: Vec<Miss>,
    /// The same in the reader's words.
    pub texts: Vec<String>,
}

/// Whether `client` fits the workspace's profile on `today`, from its
/// segment, owner and running subscriptions (MRR, and the plan of the
/// largest); `None` when no profile is written.
pub async fn client_fit(
    store: &dyn Store,
    ws: WorkspaceId,
    client: &Client,
    today: NaiveDate,
    lang: Lang,
) -> AppResult<Option<ClientFit>> {
    let profile = store.workspace_settings(ws).await?.value.ideal_client;
    if !profile.is_written() {
        return Ok(None);
    }
    let running: Vec<_> = store
        .list_subscriptions(ws, client.id)
        .await?
        .into_iter()
        .filter(|s| s.started_on <= today && s.ended_on.is_none_or(|e| e > today))
        .collect();
    let mrr_cents = running.iter().map(|s| s.mrr.cents()).sum();
    let plan = running
        .iter()
        .filter(|s| s.mrr.cents() > 0)
        .max_by_key(|s| (s.mrr.cents(), std::cmp::Reverse(s.started_on)))
        .and_then(|s| s.plan.as_deref());
    let Some(misses) = profile.misses(&FitFacts {
        segment: client.segment.as_deref(),
        plan,
        owner: client.owner.as_deref(),
        mrr_cents,
    }) else {
        return Ok(None);
    };
    let texts = misses
        .iter()
        .map(|m| {
            crate::i18n::message(
                lang,
                &format!("ideal-client-miss-{}", m.as_str().replace('_', "-")),
                &[],
            )
        })
        .collect();
    Ok(Some(ClientFit {
        fits: misses.is_empty(),
        misses,
        texts,
    }))
}
