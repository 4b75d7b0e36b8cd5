//! The workspace's departure settings: `/api/v1/reasons` (the reason list:
//! add, rename, retire, reinstate, playbooks; never deleted, so history stays
//! readable) and `/api/v1/checklist-templates` (offboarding templates per
//! service type). Both start as the built-in defaults and are saved whole,
//! at the version that was read.

use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::reasons::{change_reasons, ReasonChange, ReasonsView};
use churnwise_domain::offboarding::{ChecklistTemplate, ChecklistTemplates};
use churnwise_domain::reasons::{NewReasonInput, Playbook, ReasonScope};

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// Lists the workspace's departure reasons, retired ones included.
#[utoipa::path(get, path = "/reasons", tag = "settings",
    responses((status = 200, body = ReasonsView)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<ReasonsView>> {
    let current = state.store.reason_list(auth.ws()).await?;
    Ok(Json(ReasonsView {
        version: current.version,
        reasons: current.value.all().to_vec(),
    }))
}

/// A reason to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReason {
    /// Stable key: lower-case letters, digits and _ (required).
    pub key: Option<String>,
    /// English label (required).
    pub label_en: Option<String>,
    /// Spanish label (required).
    pub label_es: Option<String>,
    /// About the quality of the work (then no testimonial is asked for).
    #[serde(default)]
    pub about_quality_of_work: bool,
    /// client_leaving (default), team_ending or both.
    pub applies_to: Option<ReasonScope>,
    /// The suggested retention playbook.
    pub playbook: Option<Playbook>,
}

/// Adds a reason to the workspace's list.
#[utoipa::path(post, path = "/reasons", tag = "settings", request_body = CreateReason,
    responses((status = 201, body = ReasonsView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateReason>,
) -> ApiResult<(StatusCode, Json<ReasonsView>)> {
    auth.require_manage()?;
    let input = NewReasonInput {
        key: body.key,
        label_en: body.label_en,
        label_es: body.label_es,
        about_quality_of_work: body.about_quality_of_work,
        applies_to: body.applies_to.unwrap_or_default(),
        playbook: body.playbook,
    };
    let view = change_reasons(
        state.store.as_ref(),
        auth.ws(),
        None,
        vec![ReasonChange::Add(input)],
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Changes to one reason; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReason {
    /// New English label.
    pub label_en: Option<String>,
    /// New Spanish label.
    pub label_es: Option<String>,
    /// true retires the reason (readable, no longer choosable); false reinstates it.
    pub retired: Option<bool>,
    /// About the quality of the work.
    pub about_quality_of_work: Option<bool>,
    /// The new playbook, or null to remove it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Playbook>)]
    pub playbook: Option<Option<Playbook>>,
}

/// Renames, retires, reinstates a reason or changes its playbook; its key,
/// and so the history of past cases, never changes.
#[utoipa::path(patch, path = "/reasons/{key}", tag = "settings", params(("key" = String, Path)), request_body = UpdateReason,
    responses((status = 200, body = ReasonsView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<UpdateReason>,
) -> ApiResult<Json<ReasonsView>> {
    auth.require_manage()?;
    let mut changes = Vec::new();
    if body.label_en.is_some() || body.label_es.is_some() {
        changes.push(ReasonChange::Rename {
            label_en: body.label_en,
            label_es: body.label_es,
        });
    }
    if let Some(retired) = body.retired {
        changes.push(ReasonChange::Retired(retired));
    }
    if let Some(q) = body.about_quality_of_work {
        changes.push(ReasonChange::AboutQualityOfWork(q));
    }
    if let Some(p) = body.playbook {
        changes.push(ReasonChange::Playbook(p));
    }
    Ok(Json(
        change_reasons(
            state.store.as_ref(),
            auth.ws(),
            Some(&key),
            changes,
            &auth.actor(),
        )
        .await?,
    ))
}

/// The checklist templates with their version.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplatesView {
    /// 0 while the built-in default is in use.
    pub version: i64,
    /// `{name, service_type, items: [{key, label_en, label_es, required}]}`;
    /// the one without a service type is the workspace's default.
    pub templates: Vec<ChecklistTemplate>,
}

/// Lists the offboarding checklist templates.
#[utoipa::path(get, path = "/checklist-templates", tag = "settings",
    responses((status = 200, body = TemplatesView)))]
pub async fn templates(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<TemplatesView>> {
    let current = state.store.checklist_templates(auth.ws()).await?;
    Ok(Json(TemplatesView {
        version: current.version,
        templates: current.value.all().to_vec(),
    }))
}

/// The whole set of templates to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutTemplates {
    /// The version read (0 for the built-in default).
    pub version: i64,
    /// The templates, at most one per service type.
    pub templates: Vec<ChecklistTemplate>,
}

/// Replaces the offboarding checklist templates (one per service type).
#[utoipa::path(put, path = "/checklist-templates", tag = "settings", request_body = PutTemplates,
    responses((status = 200, body = TemplatesView), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn put_templates(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PutTemplates>,
) -> ApiResult<Json<TemplatesView>> {
    auth.require_manage()?;
    for (i, t) in body.templates.iter().enumerate() {
        if t.items.is_empty() {
            return Err(crate::error::ApiError::field(
                format!("templates[{i}].items"),
                "must hold at least one item",
            ));
        }
    }
    let templates = ChecklistTemplates::new(body.templates);
    let saved = state
        .store
        .save_checklist_templates(auth.ws(), &templates, body.version)
        .await?;
    let detail = format!("version {}", saved.version);
    churnwise_app::audit::record(
        state.store.as_ref(),
        auth.ws(),
        &auth.actor(),
        churnwise_app::audit::Action::ChecklistTemplatesChanged,
        churnwise_app::audit::Subject::Workspace,
        &detail,
    )
    .await?;
    Ok(Json(TemplatesView {
        version: saved.version,
        templates: saved.value.all().to_vec(),
    }))
}
