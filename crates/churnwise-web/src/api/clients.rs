//! `/api/v1/clients`: list (paginated, filtered), create, show, change.

use crate::api::bodies::*;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use churnwise_app::clients::{ClientInput, ClientListQuestion};
use churnwise_app::status::StatusChoice;
use churnwise_app::validate::Checker;
use churnwise_app::AppError;
use churnwise_domain::registry::{keep_in_touch_days, optional_text, required_text, WarningFlag};
use churnwise_store::{ClientFilter, ClientId, ClientPatch};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Filters and pagination of the client list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListQuery {
    /// Only this status (prospect, active, leaving, former, paused).
    pub status: Option<String>,
    /// Only this owner; a member's email or display name means every
    /// client they own, by any owner name mapped to them ("my clients").
    pub owner: Option<String>,
    /// Only this segment.
    pub segment: Option<String>,
    /// Name contains this text (case-insensitive).
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
    /// Order: name, -name, created, -created, owner or status (default name).
    pub sort: Option<String>,
    /// Only clients whose latest health score is at risk.
    pub at_risk: Option<bool>,
}

impl ClientListQuery {
    /// Validates the query into a store filter.
    pub fn into_filter(self) -> Result<ClientFilter, ApiError> {
        Ok(ClientListQuestion {
            status: self.status,
            owner: self.owner,
            segment: self.segment,
            q: self.q,
            page: self.page,
            per_page: self.per_page,
            sort: self.sort,
            at_risk: self.at_risk,
        }
        .into_filter()?)
    }
}

/// A client to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// Display name (required).
    pub name: String,
    /// Id in the billing system.
    pub external_id: Option<String>,
    /// A status set by hand (default: the rule's; a new client has no
    /// subscription yet, so it is a prospect).
    pub status: Option<String>,
    /// Account manager.
    pub owner: Option<String>,
    /// Segment.
    pub segment: Option<String>,
    /// Keep-in-touch interval in days (default: the workspace's interval for
    /// the segment, else its default, 30 unless changed in the settings).
    pub keep_in_touch_days: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
    /// Save even when the new client falls inside another client's
    /// exclusivity (else such a client is refused with 409 naming the
    /// holders on `confirm_exclusivity`).
    #[serde(default)]
    pub confirm_exclusivity: bool,
}

impl CreateClient {
    /// The input of the app's client creation.
    pub fn into_input(self) -> ClientInput {
        ClientInput {
            name: self.name,
            external_id: self.external_id,
            status: self.status,
            owner: self.owner,
            segment: self.segment,
            keep_in_touch_days: self.keep_in_touch_days,
            notes: self.notes,
        }
    }
}

/// Fields of a client to change; absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClient {
    /// New name.
    pub name: Option<String>,
    /// A status set by hand (prospect, active, leaving, former or paused),
    /// which overrides the rule (the status follows the subscriptions and
    /// departure cases) until `automatic` returns the client to it.
    #[schema(example = "paused")]
    pub status: Option<String>,
    /// New owner (`null` clears).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub owner: Option<Option<String>>,
    /// New segment (`null` clears).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub segment: Option<Option<String>>,
    /// New interval.
    pub keep_in_touch_days: Option<i32>,
    /// Warning signs, replacing the recorded ones: any of
    /// wants_services_not_offered, does_not_value_expertise,
    /// yes_to_everything, treats_team_badly.
    pub warning_flags: Option<Vec<String>>,
    /// New notes (`null` clears).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

impl UpdateClient {
    /// Validates the given fields.
    pub fn validate(self) -> Result<ClientPatch, AppError> {
        let mut c = Checker::default();
        let mut patch = ClientPatch::default();
        if let Some(name) = &self.name {
            patch.name = c.keep(required_text("name", name, 200));
        }
        if self.status.is_some() {
            if let Some(Some(choice)) = c.keep(StatusChoice::parse(self.status.as_deref())) {
                choice.apply_to(&mut patch);
            }
        }
        if let Some(owner) = &self.owner {
            patch.owner = c.keep(optional_text("owner", owner.as_deref(), 100));
        }
        if let Some(segment) = &self.segment {
            patch.segment = c.keep(optional_text("segment", segment.as_deref(), 100));
        }
        if let Some(days) = self.keep_in_touch_days {
            patch.keep_in_touch_days = c.keep(keep_in_touch_days(days));
        }
        if let Some(notes) = &self.notes {
            patch.notes = c.keep(optional_text("notes", notes.as_deref(), 10_000));
        }
        if let Some(flags) = &self.warning_flags {
            patch.warning_flags = c.keep(WarningFlag::parse_list(&flags.join(",")));
        }
        c.finish(Some(patch))
    }
}

/// Lists the workspace's clients, filtered and paginated.
#[utoipa::path(get, path = "/clients", tag = "clients", params(ClientListQuery),
    responses((status = 200, body = PageBody<ClientBody>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<ClientListQuery>,
) -> ApiResult<Json<PageBody<ClientBody>>> {
    let filter = query.into_filter()?;
    Ok(Json(PageBody::of(
        churnwise_app::owners::list_clients(state.store.as_ref(), auth.ws(), &filter).await?,
    )))
}

/// Creates a client.
#[utoipa::path(post, path = "/clients", tag = "clients", request_body = CreateClient,
    responses((status = 201, body = ClientBody), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateClient>,
) -> ApiResult<(StatusCode, Json<ClientBody>)> {
    auth.require_write()?;
    let confirmed = body.confirm_exclusivity;
    let client = churnwise_app::exclusivity::create_client_checked(
        state.store.as_ref(),
        auth.ws(),
        body.into_input(),
        confirmed,
        chrono::Utc::now().date_naive(),
        &auth.actor(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(client.into())))
}

/// Shows one client.
#[utoipa::path(get, path = "/clients/{id}", tag = "clients", params(("id" = i64, Path, description = "Client id")),
    responses((status = 200, body = ClientBody), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClientBody>> {
    state
        .store
        .get_client(auth.ws(), ClientId(id))
        .await?
        .map(|r| Json(r.into()))
        .ok_or(ApiError::NotFound)
}

/// Changes the given fields of a client.
#[utoipa::path(patch, path = "/clients/{id}", tag = "clients", params(("id" = i64, Path, description = "Client id")),
    request_body = UpdateClient,
    responses((status = 200, body = ClientBody), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdateClient>,
) -> ApiResult<Json<ClientBody>> {
    auth.require_write()?;
    let patch = body.validate()?;
    let client = churnwise_app::clients::update_client(
        state.store.as_ref(),
        auth.ws(),
        ClientId(id),
        patch,
        &auth.actor(),
    )
    .await?;
    Ok(Json(client.into()))
}
