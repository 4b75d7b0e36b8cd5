//! The self-service cancel page's settings (issue 17, spec §2):
//! `GET /api/v1/cancel-page` (public id and offers, never the secret),
//! `POST /api/v1/cancel-page/secret` (owners: a new secret, shown once),
//! `PUT /api/v1/cancel-page/offers`, `PUT /api/v1/cancel-page/display-name`
//! and the report `GET /api/v1/reports/cancel-flow`,
//! through `churnwise_app::cancel_flow`.

use crate::auth::Auth;
use crate::error::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use churnwise_app::cancel_flow::{self, CancelFlowReport, CancelPageView, CancelSecret};
use churnwise_domain::cancel_offer::CancelOfferInput;
use serde::Deserialize;
use utoipa::ToSchema;

/// The offers of the cancel page, all at once (a reason without an offer
/// has none; at most one offer per reason and variant, `b` beside an `a`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOffersBody {
    /// The offers; `[]` for none at all.
    pub offers: Vec<CancelOfferInput>,
}

/// The business's name shown on the cancel page.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayNameBody {
    /// At most 200 characters; `null` or blank shows the workspace's name.
    pub display_name: Option<String>,
}

/// The cancel page (owners and managers): the workspace's public id, the
/// page's path, whether a secret is set, the name shown and the offers.
/// Never the secret.
#[utoipa::path(get, path = "/cancel-page", tag = "cancel page",
    responses((status = 200, body = CancelPageView), (status = 403, body = Problem)))]
pub async fn show(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<CancelPageView>> {
    auth.require_manage()?;
    Ok(Json(
        cancel_flow::page_view(state.store.as_ref(), auth.ws()).await?,
    ))
}

/// Makes a new cancel secret (owners only): links signed with the old one
/// stop working. The secret is answered this once and stored sealed.
#[utoipa::path(post, path = "/cancel-page/secret", tag = "cancel page",
    responses((status = 200, body = CancelSecret), (status = 403, body = Problem)))]
pub async fn new_secret(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<CancelSecret>> {
    auth.require_owner()?;
    Ok(Json(
        cancel_flow::new_secret(
            state.store.as_ref(),
            &state.stripe.secrets,
            auth.ws(),
            &auth.actor(),
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Replaces the offers (owners and managers). 422 naming each bad field
/// (`offers[2].months`); nothing changed then.
#[utoipa::path(put, path = "/cancel-page/offers", tag = "cancel page",
    request_body = CancelOffersBody,
    responses((status = 200, body = CancelPageView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_offers(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CancelOffersBody>,
) -> ApiResult<Json<CancelPageView>> {
    auth.require_manage()?;
    Ok(Json(
        cancel_flow::set_offers(
            state.store.as_ref(),
            auth.ws(),
            &body.offers,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// Sets the business's name shown on the page (owners and managers).
#[utoipa::path(put, path = "/cancel-page/display-name", tag = "cancel page",
    request_body = DisplayNameBody,
    responses((status = 200, body = CancelPageView), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_display_name(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<DisplayNameBody>,
) -> ApiResult<Json<CancelPageView>> {
    auth.require_manage()?;
    Ok(Json(
        cancel_flow::set_display_name(
            state.store.as_ref(),
            auth.ws(),
            body.display_name.as_deref(),
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// The months of the cancel-flow report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CancelReportQuery {
    /// First month, YYYY-MM (required).
    pub from: Option<String>,
    /// Last month, YYYY-MM, included (required; at most 24 months).
    pub to: Option<String>,
}

/// The cancel page's report by month: sessions (links opened with a valid
/// signature), cancellations, saves, saved MRR, reasons, and the accept
/// rate per offer kind and variant. 422 naming `from` or `to`.
#[utoipa::path(get, path = "/reports/cancel-flow", tag = "reports", params(CancelReportQuery),
    responses((status = 200, body = CancelFlowReport), (status = 422, body = Problem)))]
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    crate::extract::ApiQuery(query): crate::extract::ApiQuery<CancelReportQuery>,
) -> ApiResult<Json<CancelFlowReport>> {
    Ok(Json(
        cancel_flow::report(
            state.store.as_ref(),
            auth.ws(),
            query.from.as_deref(),
            query.to.as_deref(),
        )
        .await?,
    ))
}
