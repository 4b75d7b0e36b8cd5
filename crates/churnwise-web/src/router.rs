//! The whole route table. `/api/v1/openapi.json` is generated from these
//! same routes, so the document cannot drift from what is served.

use crate::api::{clients, health, metrics, records, session};
use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "churnwise API",
        description = "Client registry, departure cases and churn metrics. Authenticate with `Authorization: Bearer TOKEN` (from `churnwise token create`) or a session cookie. Errors are RFC 9457 problem+json."
    ),
    components(schemas(crate::error::Problem, crate::error::ProblemField))
)]
struct ApiDoc;

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            session::sign_in,
            session::whoami,
            session::sign_out
        ))
        .routes(routes!(session::switch_workspace))
        .routes(routes!(clients::list, clients::create))
        .routes(routes!(clients::show, clients::update))
        .routes(routes!(records::list_contacts, records::create_contact))
        .routes(routes!(
            records::list_subscriptions,
            records::create_subscription
        ))
        .routes(routes!(records::list_invoices, records::create_invoice))
        .routes(routes!(records::update_invoice))
        .routes(routes!(
            records::list_interactions,
            records::create_interaction
        ))
        .routes(routes!(metrics::metrics))
}

fn split() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .nest("/api/v1", api_routes())
        .split_for_parts()
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    split().1
}

/// The whole application over `state`.
pub fn app(state: AppState) -> Router {
    let (router, doc) = split();
    router
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(doc) }),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
