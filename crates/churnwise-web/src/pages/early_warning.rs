//! The early-warning pages: the due list with the new alerts (`/due`), the
//! alert actions, the warning signs on a client, and the health card of the
//! client page.

use super::forms::EmptyForm;
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Duration, NaiveDate, Utc};
use churnwise_app::digest::{due_text, signal_phrase, signal_text};
use churnwise_app::early_warning::{due_window, refresh, DueOwner};
use churnwise_domain::registry::WarningFlag;
use churnwise_domain::Lang;
use churnwise_store::{
    AlertAction, AlertFilter, AlertId, AlertStatus, ClientId, ClientPatch, HealthFilter,
    ListWindow, StoreError,
};
use minijinja::context;
use serde::{Deserialize, Serialize};

/// The most live alerts the Due page shows, newest first; the API
/// (`GET /api/v1/alerts`, paginated) lists them all.
const ALERTS_SHOWN: u32 = 200;

/// The most client updates due the Due page shows, the longest overdue
/// first; the API (`GET /api/v1/client-updates/due`, paginated) lists them
/// all.
const UPDATES_SHOWN: usize = 50;

/// The due entries per page of the Due page (issue 14: a window of the
/// list, read as far as it needs).
const DUE_PER_PAGE: usize = 50;

/// The most held-back clients the Due page shows, the first free again
/// first; the API (`GET /api/v1/due-list/held-back`, paginated) lists them
/// all.
const HELD_SHOWN: usize = 50;

/// Filters of the due page.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DueParams {
    /// `all`, or empty for the signed-in user's own work.
    #[serde(default)]
    pub show: String,
    /// A notice to show (`refreshed`).
    #[serde(default)]
    pub done: String,
    /// `1` to list former clients due for a contact too.
    #[serde(default)]
    pub former: String,
    /// The page of the due list (1 when missing or not a number).
    #[serde(default)]
    pub page: String,
}

/// An alert as the page shows it.
#[derive(Debug, Serialize)]
struct AlertRow {
    id: i64,
    client_id: i64,
    client_name: String,
    owner: Option<String>,
    status: &'static str,
    score: u32,
    raised_on: NaiveDate,
    snoozed_until: Option<NaiveDate>,
    reasons: Vec<String>,
}

/// A due entry as the page shows it.
#[derive(Debug, Serialize)]
struct DueRow {
    kind: &'static str,
    client_id: i64,
    client_name: String,
    owner: Option<String>,
    case_id: Option<i64>,
    text: String,
    due_on: NaiveDate,
    days_overdue: i64,
    /// The billing signal of a Stripe cancellation or failed payment (issue 15).
    signal_id: Option<i64>,
    /// True when the user may dismiss the cancellation.
    may_dismiss: bool,
}

/// A client held back by the maximum contact frequency, as the page shows it.
#[derive(Debug, Serialize)]
struct HeldRow {
    client_id: i64,
    owner: Option<String>,
    text: String,
    free_on: NaiveDate,
}

/// `GET /due`: the signed-in user's due list and alerts (or everyone's).
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(params): Query<DueParams>,
) -> Result<Response, PageError> {
    let ws = auth.ws();
    let user = &auth.access.user;
    let all = params.show == "all";
    let today = Utc::now().date_naive();
    let lang = auth.lang;
    let former = params.former == "1";
    let page = params
        .page
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    // The user's clients: by email, display name or a mapped owner name.
    let names = churnwise_app::owners::names_of(state.store.as_ref(), ws, user).await?;
    // One page of the list, read as far as it needs (issue 14).
    let owner = if all {
        DueOwner::Everyone
    } else {
        DueOwner::Of(&names)
    };
    let lists = due_window(
        state.store.as_ref(),
        ws,
        today,
        owner,
        former,
        (page - 1) * DUE_PER_PAGE,
        Some(DUE_PER_PAGE),
    )
    .await?;
    let due_more = lists.more;
    let due: Vec<DueRow> = lists
        .due
        .iter()
        .map(|e| DueRow {
            kind: e.kind.as_str(),
            client_id: e.client_id.0,
            client_name: e.client_name.clone(),
            owner: e.assignee.clone().or_else(|| e.owner.clone()),
            case_id: e.case_id.map(|c| c.0),
            text: due_text(lang, e),
            due_on: e.due_on,
            days_overdue: e.days_overdue,
            signal_id: e.billing.as_ref().map(|b| b.signal_id.0),
            may_dismiss: e.kind == churnwise_app::early_warning::DueKind::BillingCancelled
                && (auth.access.role.can_manage()
                    || (auth.access.role.can_write() && names.owns(e.owner.as_deref()))),
        })
        .collect();
    // Clients due for a contact but contacted as often as their segment
    // allows (issue 16): apart, with the day they are free again.
    let held: Vec<HeldRow> = lists
        .held_back
        .iter()
        .take(HELD_SHOWN)
        .map(|h| HeldRow {
            client_id: h.entry.client_id.0,
            owner: h.entry.owner.clone(),
            text: churnwise_app::contact_frequency::held_back_text(
                lang,
                &h.held_back,
                Some(h.entry.client_name.as_str()),
            ),
            free_on: h.held_back.free_on,
        })
        .collect();
    let held_capped = lists.held_back.len() > HELD_SHOWN;
    // The newest live alerts of the user's clients (or everyone's), read by
    // the database: at most ALERTS_SHOWN, the API lists the rest.
    let spellings = if all {
        vec![]
    } else {
        churnwise_app::owners::spellings_of(state.store.as_ref(), ws, &names).await?
    };
    let live = if !all && spellings.is_empty() {
        vec![]
    } else {
        state
            .store
            .list_alerts(
                ws,
                &AlertFilter {
                    statuses: AlertStatus::LIVE.to_vec(),
                    owner_spellings: spellings,
                    window: Some(ListWindow {
                        limit: ALERTS_SHOWN,
                        offset: 0,
                    }),
                    ..AlertFilter::default()
                },
            )
            .await?
    };
    let alerts_capped = live.len() >= ALERTS_SHOWN as usize;
    let alerts: Vec<AlertRow> = live
        .into_iter()
        .map(|a| AlertRow {
            id: a.id.0,
            client_id: a.client.id.0,
            client_name: a.client.name.clone(),
            owner: a.client.owner.clone(),
            status: a.status.as_str(),
            score: a.score,
            raised_on: a.raised_on,
            snoozed_until: a.snoozed_until,
            reasons: a.reasons.iter().map(|s| signal_text(lang, s)).collect(),
        })
        .collect();
    // Payment reminders going out and promises to pay falling due in the
    // next week (issue 15), for the same clients as the list.
    let reminders: Vec<churnwise_app::payment_reminders::Upcoming> =
        churnwise_app::payment_reminders::upcoming(state.store.as_ref(), ws, today, 7)
            .await?
            .into_iter()
            .filter(|u| all || names.owns(u.owner.as_deref()))
            .collect();
    // Client updates due (issue 16), for the same clients, as drafts to
    // open: at most UPDATES_SHOWN, the API lists the rest.
    let mut updates_due = churnwise_app::client_updates::due(
        state.store.as_ref(),
        ws,
        today,
        (!all).then_some(&names),
    )
    .await?;
    let updates_capped = updates_due.len() > UPDATES_SHOWN;
    updates_due.truncate(UPDATES_SHOWN);
    let chrome = Chrome::of(&auth, &state, "due").await?;
    render(
        &chrome,
        "due.html",
        context! {
            updates_due,
            updates_capped,
            updates_shown => UPDATES_SHOWN,
            reminders,
            due,
            due_page => page,
            due_more,
            held,
            held_capped,
            held_shown => HELD_SHOWN,
            alerts,
            alerts_capped,
            alerts_shown => ALERTS_SHOWN,
            all,
            former,
            owner_name => user.name.clone(),
            done => (params.done == "refreshed").then_some("refreshed"),
            snooze_default => today + Duration::days(7),
            tomorrow => today + Duration::days(1),
        },
    )
}

/// `POST /due/refresh`: recomputes every score now.
pub async fn refresh_scores(
    State(state): State<AppState>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    refresh(state.store.as_ref(), auth.ws(), Utc::now().date_naive()).await?;
    Ok(see_other("/due?done=refreshed"))
}

async fn act(
    state: &AppState,
    auth: &PageAuth,
    id: i64,
    action: AlertAction,
) -> Result<Response, PageError> {
    auth.require_write()?;
    match state
        .store
        .update_alert(auth.ws(), AlertId(id), action, &auth.access.user.email)
        .await
    {
        Ok(Some(_)) => Ok(see_other("/due#alerts")),
        Ok(None) => Err(PageError::NotFound),
        // Closed in the meantime (recovered or turned into a case): the list shows where it is.
        Err(StoreError::Conflict { .. }) => Ok(see_other("/due#alerts")),
        Err(e) => Err(e.into()),
    }
}

/// `POST /alerts/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    act(&state, &auth, id, AlertAction::Acknowledge).await
}

/// The snooze form.
#[derive(Debug, Deserialize)]
pub struct SnoozeForm {
    /// The day the alert opens again.
    #[serde(default)]
    pub until: String,
}

/// `POST /alerts/{id}/snooze`: a day that is not after today snoozes a week.
pub async fn snooze(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<SnoozeForm>,
) -> Result<Response, PageError> {
    let today = Utc::now().date_naive();
    let until = churnwise_domain::parse_date(form.until.trim())
        .ok()
        .filter(|d| *d > today)
        .unwrap_or(today + Duration::days(7));
    act(&state, &auth, id, AlertAction::Snooze(until)).await
}

/// `POST /due/billing-signals/{id}/dismiss`: hides a Stripe cancellation
/// from the Due page (owners, managers and the client's owner; issue 15).
pub async fn dismiss_billing_signal(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    use churnwise_app::billing_signals::{dismiss_cancellation, Dismissal};
    match dismiss_cancellation(
        state.store.as_ref(),
        auth.ws(),
        churnwise_store::BillingSignalId(id),
        &auth.access.user,
        auth.access.role,
        Utc::now().date_naive(),
    )
    .await?
    {
        Dismissal::Dismissed => Ok(see_other("/due#due-list")),
        Dismissal::NotAllowed => Err(PageError::Forbidden),
    }
}

/// The warning-signs form: one checkbox per flag.
#[derive(Debug, Default, Deserialize)]
pub struct FlagsForm {
    /// Checked flags.
    #[serde(default)]
    pub wants_services_not_offered: Option<String>,
    /// Checked flags.
    #[serde(default)]
    pub does_not_value_expertise: Option<String>,
    /// Checked flags.
    #[serde(default)]
    pub yes_to_everything: Option<String>,
    /// Checked flags.
    #[serde(default)]
    pub treats_team_badly: Option<String>,
}

/// `POST /clients/{id}/flags`: records the warning signs of a client.
pub async fn set_flags(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<FlagsForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let flags: Vec<WarningFlag> = [
        (
            WarningFlag::WantsServicesNotOffered,
            &form.wants_services_not_offered,
        ),
        (
            WarningFlag::DoesNotValueExpertise,
            &form.does_not_value_expertise,
        ),
        (WarningFlag::YesToEverything, &form.yes_to_everything),
        (WarningFlag::TreatsTeamBadly, &form.treats_team_badly),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_some())
    .map(|(f, _)| f)
    .collect();
    let patch = ClientPatch {
        warning_flags: Some(flags),
        ..ClientPatch::default()
    };
    churnwise_app::clients::update_client(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        patch,
        &auth.actor(),
    )
    .await?;
    // The score follows the new signs at once: `update_client` rescored
    // this client (and only it).
    Ok(see_other(&format!("/clients/{id}?done=flags-saved#health")))
}

/// The health card of a client page.
#[derive(Debug, Serialize)]
pub struct HealthCard {
    score: Option<u32>,
    at_risk: bool,
    computed_on: Option<NaiveDate>,
    /// Every signal: (points, weight, text).
    signals: Vec<(u32, u32, String)>,
    /// Every flag: (key, checked).
    flags: Vec<(&'static str, bool)>,
}

/// The health card of client `id` in `lang`: its stored score and signals,
/// and its warning signs.
pub async fn health_card(
    state: &AppState,
    auth: &PageAuth,
    client: &churnwise_store::Client,
    lang: Lang,
) -> Result<HealthCard, PageError> {
    let stored = state
        .store
        .list_health(
            auth.ws(),
            &HealthFilter {
                client: Some(client.id),
                ..HealthFilter::default()
            },
        )
        .await?
        .into_iter()
        .next();
    let flags = WarningFlag::ALL
        .iter()
        .map(|f| (f.as_str(), client.warning_flags.contains(f)))
        .collect();
    Ok(match stored {
        None => HealthCard {
            score: None,
            at_risk: false,
            computed_on: None,
            signals: vec![],
            flags,
        },
        Some(h) => HealthCard {
            score: Some(h.health.score),
            at_risk: h.health.at_risk,
            computed_on: Some(h.computed_on),
            signals: h
                .health
                .signals
                .iter()
                .map(|s| (s.points, s.weight, signal_phrase(lang, s)))
                .collect(),
            flags,
        },
    })
}
