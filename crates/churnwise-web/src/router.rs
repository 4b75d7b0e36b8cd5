//! The whole route table. `/api/v1/openapi.json` is generated from the API
//! routes, so the document cannot drift from what is served; the HTML pages
//! (`page_routes`) are not part of it.

use crate::api::{clients, health, metrics, records, session};
use crate::pages;
use crate::AppState;
use axum::routing::{get, post};
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

fn page_routes() -> Router<AppState> {
    use pages::{clients, dashboard, session, settings};
    Router::new()
        .route("/", get(session::home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/setup", get(session::setup_page).post(session::setup))
        .route("/workspace", post(session::switch_workspace))
        .route("/lang", post(session::set_lang))
        .route("/dashboard", get(dashboard::show))
        .route("/dashboard/{file}", get(dashboard::chart_csv))
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/new", get(clients::new_page))
        .route("/clients/{id}", get(clients::show))
        .route("/clients/{id}/interactions", post(clients::log_interaction))
        .route("/clients/{id}/contacts", post(clients::add_contact))
        .route("/settings", get(settings::show))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/delete", post(settings::delete_token))
        .route("/assets/{*path}", get(pages::assets::asset))
        .layer(axum::middleware::from_fn(pages::error_pages))
}

/// The whole application over `state`.
pub fn app(state: AppState) -> Router {
    let (router, doc) = split();
    router
        .merge(page_routes())
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(doc) }),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
