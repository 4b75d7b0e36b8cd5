//! The settings page: language, the workspace's users and roles, its
//! settings, its departure reasons and checklist templates
//! (`departure_settings.rs`), and the signed-in user's API tokens (a new token is shown once; only its hash
//! is stored).

use super::departure_settings;
use super::forms::EmptyForm;
use super::forms::{field_error_key, FieldProblems};
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::auth;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::audit;
use churnwise_domain::health::{HealthSettings, HealthWeights};
use churnwise_domain::registry::required_text;
use churnwise_domain::workspace_settings::{WorkspaceSettings, ERASE_AFTER_MAX_MONTHS};
use churnwise_store::{ApiTokenId, NewApiToken};
use minijinja::context;
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the workspace-settings form shows: the values as typed (or stored)
/// and the refused fields.
#[derive(Debug, Default)]
pub(super) struct WorkspaceForm {
    values: BTreeMap<String, String>,
    errors: FieldProblems,
}

/// What the settings page shows besides the stored values: a new token,
/// refused forms and a notice.
#[derive(Debug, Default)]
pub(super) struct Shown {
    /// A token just created: its name and value, shown once.
    pub new_token: Option<(String, String)>,
    /// Refused fields of the profile and token forms.
    pub errors: FieldProblems,
    /// The token name as typed.
    pub token_name: String,
    /// The workspace-settings form as typed, when refused.
    pub workspace_form: Option<WorkspaceForm>,
    /// A refused reason or template form.
    pub departure: Option<departure_settings::Refused>,
    /// A notice after a redirect.
    pub done: Option<&'static str>,
    /// The invite form as typed, when refused.
    pub member: Option<super::members::MemberForm>,
    /// An invitation just made: its link, shown once.
    pub new_invitation: Option<super::members::NewInvitation>,
}

/// Draws the settings page.
pub(super) async fn settings_page(
    state: &AppState,
    auth: &PageAuth,
    shown: Shown,
) -> Result<Response, PageError> {
    let Shown {
        new_token,
        errors,
        token_name,
        workspace_form,
        departure,
        done,
        member,
        new_invitation,
    } = shown;
    let member = member.unwrap_or_default();
    let churnwise_app::members::MembersView {
        members,
        invitations,
    } = churnwise_app::members::list(state.store.as_ref(), &auth.access).await?;
    let now = chrono::Utc::now();
    let invitations: Vec<_> = invitations
        .into_iter()
        .map(|i| {
            context! {
                id => i.id.0,
                email => i.email,
                role => i.role.as_str(),
                invited_by => i.invited_by,
                expires_on => churnwise_app::i18n::date(auth.lang, i.expires_at.date_naive()),
                expired => i.expires_at <= now,
            }
        })
        .collect();
    let tokens = state
        .store
        .list_api_tokens(auth.ws(), auth.access.user.id)
        .await?;
    let workspace_form = match workspace_form {
        Some(form) => form,
        None => {
            let current = state.store.workspace_settings(auth.ws()).await?;
            WorkspaceForm {
                values: workspace_values(&current.value, current.version),
                errors: FieldProblems::new(),
            }
        }
    };
    let departure = departure_settings::context(state, auth, departure.as_ref()).await?;
    let me = &auth.access.user;
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "settings.html",
        context! {
            members,
            invitations,
            new_invitation,
            tokens,
            new_token,
            errors,
            token_name,
            ws_values => workspace_form.values,
            ws_errors => workspace_form.errors,
            weights => WEIGHTS.iter().map(|(key, _)| *key).collect::<Vec<_>>(),
            thresholds => THRESHOLDS.iter().map(|(key, low, high, _)| (*key, *low, *high)).collect::<Vec<_>>(),
            profile_name => me.name.clone().unwrap_or_default(),
            profile_lang => me.lang.map(crate::i18n::code).unwrap_or(""),
            departure,
            done,
            member_form => member,
            roles => churnwise_domain::registry::Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            my_id => me.id.0,
            smtp_set_up => state.mailer.is_some(),
        },
    )
}

/// The query of the settings page.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsQuery {
    /// A notice after a redirect.
    #[serde(default)]
    pub done: String,
}

/// `GET /settings`: the settings page.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    axum::extract::Query(query): axum::extract::Query<SettingsQuery>,
) -> Result<Response, PageError> {
    let done = [
        "workspace-saved",
        "profile-saved",
        "reasons-saved",
        "templates-saved",
        "invitation-revoked",
        "role-changed",
    ]
    .into_iter()
    .find(|d| *d == query.done);
    settings_page(
        &state,
        &auth,
        Shown {
            done,
            ..Shown::default()
        },
    )
    .await
}

/// Reaches one weight of the health score.
type WeightField = fn(&mut HealthWeights) -> &mut u32;

/// The weights of the health score, by form field, with their setter.
const WEIGHTS: [(&str, WeightField); 8] = [
    ("contact", |w| &mut w.contact),
    ("overdue_invoices", |w| &mut w.overdue_invoices),
    ("complaints", |w| &mut w.complaints),
    ("contraction", |w| &mut w.contraction),
    ("survey", |w| &mut w.survey),
    ("renewal", |w| &mut w.renewal),
    ("warning_signs", |w| &mut w.warning_signs),
    ("usage", |w| &mut w.usage),
];

/// Reaches one threshold of the health score.
type ThresholdField = fn(&mut HealthSettings) -> &mut u32;

/// The thresholds of the health score: form field, allowed range, accessor.
const THRESHOLDS: [(&str, u32, u32, ThresholdField); 9] = [
    ("at_risk_below", 1, 100, |h| &mut h.at_risk_below),
    ("overdue_invoices_for_full", 1, 100, |h| {
        &mut h.overdue_invoices_for_full
    }),
    ("overdue_days_for_full", 1, 365, |h| {
        &mut h.overdue_days_for_full
    }),
    ("complaints_for_full", 1, 100, |h| {
        &mut h.complaints_for_full
    }),
    ("contraction_pct_for_full", 1, 100, |h| {
        &mut h.contraction_pct_for_full
    }),
    ("lookback_days", 7, 730, |h| &mut h.lookback_days),
    ("renewal_within_days", 1, 365, |h| {
        &mut h.renewal_within_days
    }),
    // The usage signal (issue 18).
    ("usage_drop_pct", 1, 100, |h| &mut h.usage_drop_pct),
    ("usage_silent_days", 1, 365, |h| &mut h.usage_silent_days),
];

/// The form values of stored settings.
fn workspace_values(s: &WorkspaceSettings, version: i64) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    v.insert("version".into(), version.to_string());
    v.insert("benchmark_pct".into(), s.benchmark_pct.to_string());
    v.insert(
        "keep_in_touch_days".into(),
        s.keep_in_touch_days.to_string(),
    );
    v.insert(
        "keep_in_touch_by_segment".into(),
        s.keep_in_touch_by_segment
            .iter()
            .map(|(seg, days)| format!("{seg} = {days}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let mut health = s.health;
    for (key, get) in WEIGHTS {
        v.insert(
            format!("weight_{key}"),
            get(&mut health.weights).to_string(),
        );
    }
    for (key, _, _, get) in THRESHOLDS {
        v.insert(key.to_string(), get(&mut health).to_string());
    }
    if s.digest.enabled {
        v.insert("digest_enabled".into(), "1".into());
    }
    v.insert("digest_hour_utc".into(), s.digest.hour_utc.to_string());
    v.insert(
        "erase_former_after_months".into(),
        s.erase_former_after_months
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    v
}

/// Reads the workspace-settings form; every refused field is named.
fn parse_workspace(values: &BTreeMap<String, String>) -> Result<WorkspaceSettings, FieldProblems> {
    let mut errors = FieldProblems::new();
    let get = |key: &str| values.get(key).map(|v| v.trim()).unwrap_or("");
    let mut s = WorkspaceSettings::default();
    match get("benchmark_pct").replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => s.benchmark_pct = v,
        _ => {
            errors.insert("benchmark_pct".into(), "form-setting-range");
        }
    }
    let int = |key: &str, low: i64, high: i64, errors: &mut FieldProblems| -> i64 {
        match get(key).parse::<i64>() {
            Ok(v) if (low..=high).contains(&v) => v,
            _ => {
                errors.insert(key.to_string(), "form-setting-range");
                low
            }
        }
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`int` refuses (and replaces by `low`) any value outside 1..=3650, so it fits i32"
    )]
    let keep_in_touch_days = int("keep_in_touch_days", 1, 3650, &mut errors) as i32;
    s.keep_in_touch_days = keep_in_touch_days;
    for line in get("keep_in_touch_by_segment").lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.split_once('=').or_else(|| line.split_once(':')) {
            Some((seg, days)) if !seg.trim().is_empty() => match days.trim().parse::<i32>() {
                Ok(d) if (1..=3650).contains(&d) => {
                    s.keep_in_touch_by_segment.insert(seg.trim().to_string(), d);
                }
                _ => {
                    errors.insert("keep_in_touch_by_segment".into(), "form-segment-lines");
                }
            },
            _ => {
                errors.insert("keep_in_touch_by_segment".into(), "form-segment-lines");
            }
        }
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`int` refuses (and replaces by `low`) any weight outside 0..=100, so it fits u32"
    )]
    for (key, set) in WEIGHTS {
        *set(&mut s.health.weights) = int(&format!("weight_{key}"), 0, 100, &mut errors) as u32;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`int` refuses (and replaces by `low`) any value outside low..=high, which are u32"
    )]
    for (key, low, high, set) in THRESHOLDS {
        *set(&mut s.health) = int(key, i64::from(low), i64::from(high), &mut errors) as u32;
    }
    s.digest.enabled = values.contains_key("digest_enabled");
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`int` refuses (and replaces by `low`) any hour outside 0..=23, so it fits u32"
    )]
    let hour_utc = int("digest_hour_utc", 0, 23, &mut errors) as u32;
    s.digest.hour_utc = hour_utc;
    // Blank: former clients' personal data is kept.
    if !get("erase_former_after_months").is_empty() {
        let max = i64::from(ERASE_AFTER_MAX_MONTHS);
        let months = int("erase_former_after_months", 1, max, &mut errors);
        s.erase_former_after_months = u32::try_from(months).ok();
    }
    if errors.is_empty() {
        Ok(s)
    } else {
        Err(errors)
    }
}

/// `POST /settings/workspace`: saves the workspace's settings (managers and owners).
pub async fn save_workspace(
    State(state): State<AppState>,
    CsrfForm(auth, mut values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    // A form sent without a weight (made before the weight existed, like
    // `usage` of issue 18) leaves it at its default.
    let mut defaults = HealthWeights::default();
    for (key, get) in WEIGHTS {
        values
            .entry(format!("weight_{key}"))
            .or_insert_with(|| get(&mut defaults).to_string());
    }
    let version: i64 = values
        .get("version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(PageError::BadRequest)?;
    let refused = match parse_workspace(&values) {
        Err(errors) => errors,
        Ok(mut settings) => {
            // What other settings pages keep (payment reminders, the ideal
            // client profile) stays as stored.
            let stored = state.store.workspace_settings(auth.ws()).await?.value;
            settings.payment_reminders = stored.payment_reminders;
            settings.ideal_client = stored.ideal_client;
            settings.max_contacts = stored.max_contacts;
            match state
                .store
                .save_workspace_settings(auth.ws(), &settings, version)
                .await
            {
                Ok(saved) => {
                    let detail = format!("version {}", saved.version);
                    audit::record(
                        state.store.as_ref(),
                        auth.ws(),
                        &auth.actor(),
                        audit::Action::SettingsChanged,
                        audit::Subject::Workspace,
                        &detail,
                    )
                    .await?;
                    return Ok(see_other("/settings?done=workspace-saved#workspace"));
                }
                Err(churnwise_store::StoreError::StaleVersion(_)) => {
                    [("version".to_string(), "form-stale")]
                        .into_iter()
                        .collect()
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let form = WorkspaceForm {
        values,
        errors: refused,
    };
    let page = settings_page(
        &state,
        &auth,
        Shown {
            workspace_form: Some(form),
            ..Shown::default()
        },
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The profile form.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// `en`, `es`, or empty to follow the browser.
    #[serde(default)]
    pub lang: String,
}

/// `POST /settings/profile`: the signed-in user's name and language.
pub async fn save_profile(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<ProfileForm>,
) -> Result<Response, PageError> {
    let name = match churnwise_domain::registry::optional_text("name", Some(&form.name), 100) {
        Ok(name) => name,
        Err(e) => {
            let errors = [(
                "profile_name".to_string(),
                field_error_key(&e.field, &e.message),
            )]
            .into_iter()
            .collect();
            let page = settings_page(
                &state,
                &auth,
                Shown {
                    errors,
                    ..Shown::default()
                },
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let lang = match form.lang.trim() {
        "" => None,
        code => Some(crate::i18n::parse_code(code).ok_or(PageError::BadRequest)?),
    };
    state
        .store
        .update_user_profile(auth.access.user.id, Some(name), Some(lang))
        .await?;
    Ok(see_other("/settings?done=profile-saved#profile"))
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    /// A label to recognise the token by.
    #[serde(default)]
    pub name: String,
}

/// `POST /settings/tokens`: creates an API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let name = match required_text("name", &form.name, 100) {
        Ok(name) => name,
        Err(e) => {
            let errors = [(e.field.clone(), field_error_key(&e.field, &e.message))]
                .into_iter()
                .collect();
            let page = settings_page(
                &state,
                &auth,
                Shown {
                    errors,
                    token_name: form.name.clone(),
                    ..Shown::default()
                },
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let token = auth::new_token();
    let created = state
        .store
        .create_api_token(NewApiToken {
            token_hash: auth::token_hash(&token),
            user: auth.access.user.id,
            workspace: auth.ws(),
            name: name.clone(),
        })
        .await?;
    // The token's name only, never its value.
    audit::record(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        audit::Action::TokenCreated,
        audit::Subject::Token(created.id),
        &name,
    )
    .await?;
    settings_page(
        &state,
        &auth,
        Shown {
            new_token: Some((name, token)),
            ..Shown::default()
        },
    )
    .await
}

/// `POST /settings/tokens/{id}/delete`: revokes one of the user's tokens.
pub async fn delete_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, _): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    if !state
        .store
        .delete_api_token(auth.ws(), auth.access.user.id, ApiTokenId(id))
        .await?
    {
        return Err(PageError::NotFound);
    }
    audit::record(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        audit::Action::TokenRevoked,
        audit::Subject::Token(ApiTokenId(id)),
        "",
    )
    .await?;
    Ok(see_other("/settings#tokens"))
}
