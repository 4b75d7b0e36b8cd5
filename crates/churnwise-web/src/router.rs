//! The whole route table. `/api/v1/openapi.json` is generated from the API
//! routes, so the document cannot drift from what is served; the HTML pages
//! (`page_routes`) are not part of it.

use crate::api::{cases, clients, health, metrics, privacy, reasons, records, reports, session};
use crate::pages;
use crate::rate_limit::{self, RateLimiter};
use crate::security;
use crate::survey_page;
use crate::AppState;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;
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
        .routes(routes!(privacy::personal_data))
        .routes(routes!(privacy::erase))
        .routes(routes!(privacy::list_audit))
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
        .merge(case_routes())
        .merge(early_warning_routes())
        .merge(record_edit_routes())
        .merge(import_routes())
        // --- stripe --- (issue 15)
        .routes(routes!(crate::api::stripe::show, crate::api::stripe::put))
        .routes(routes!(
            crate::api::stripe::sync_job,
            crate::api::stripe::start_sync
        ))
        .merge(reminder_routes())
        .merge(usage_routes())
        .merge(webhook_routes())
        .merge(cancel_routes())
        .merge(work_log_routes())
        .merge(exclusivity_routes())
        .merge(client_update_routes())
}

// --- updates --- (issue 16)
/// Client updates and the services catalogue.
fn client_update_routes() -> OpenApiRouter<AppState> {
    use crate::api::client_updates as u;
    OpenApiRouter::new()
        .routes(routes!(u::due))
        .routes(routes!(u::cadence, u::set_cadence))
        .routes(routes!(u::draft))
        .routes(routes!(u::list_sent))
        .routes(routes!(u::send))
        .routes(routes!(u::list_services, u::create_service))
        .routes(routes!(u::update_service))
        .routes(routes!(u::client_services))
        .routes(routes!(u::set_buys))
        .routes(routes!(u::answer_offer))
}

// --- exclusivity --- (issue 16)
/// A client's exclusivities and its conflicts.
fn exclusivity_routes() -> OpenApiRouter<AppState> {
    use crate::api::exclusivity;
    OpenApiRouter::new()
        .routes(routes!(exclusivity::list, exclusivity::create))
        .routes(routes!(exclusivity::delete))
        .routes(routes!(exclusivity::conflicts))
}

// --- worklog --- (issue 16)
/// A client's work log and its final report.
fn work_log_routes() -> OpenApiRouter<AppState> {
    use crate::api::work_log;
    OpenApiRouter::new()
        .routes(routes!(work_log::list, work_log::create))
        .routes(routes!(work_log::update, work_log::delete))
        .routes(routes!(work_log::final_report))
        .routes(routes!(work_log::send_final_report))
}

// --- outhooks --- (issue 17)
/// Outgoing webhook endpoints and their delivery log.
fn webhook_routes() -> OpenApiRouter<AppState> {
    use crate::api::webhooks;
    OpenApiRouter::new()
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::show, webhooks::delete))
}

// --- cancel (helper) --- (issue 17)
/// The self-service cancel page's settings: public id, secret, offers.
fn cancel_routes() -> OpenApiRouter<AppState> {
    use crate::api::cancel_page;
    OpenApiRouter::new()
        .routes(routes!(cancel_page::show))
        .routes(routes!(cancel_page::new_secret))
        .routes(routes!(cancel_page::put_offers))
        .routes(routes!(cancel_page::put_display_name))
        .routes(routes!(cancel_page::report))
}

/// The public cancel page (no login: the signed link is the key),
/// rate-limited per address like the survey.
fn public_cancel_routes(state: &AppState) -> Router<AppState> {
    let limiter = Arc::new(
        // 30 a minute: a customer's whole flow is three or four requests.
        RateLimiter::new(30, std::time::Duration::from_secs(60))
            .trusting_forwarded_for(state.trust_forwarded_for)
            .shared_through(state.store.clone(), "cancel"),
    );
    Router::new()
        .route(
            "/cancel/{public_id}",
            get(crate::cancel_page::show).post(crate::cancel_page::post),
        )
        .route("/cancel/{public_id}/logo", get(crate::cancel_page::logo))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ))
}

// --- usage --- (issue 18)
/// Usage events in, and the workspace's usage metrics. A batch of 10,000
/// events with ids is about 1 MB of JSON: the body limit is raised to 8 MB.
fn usage_routes() -> OpenApiRouter<AppState> {
    use crate::api::usage;
    OpenApiRouter::new()
        .routes(routes!(usage::post_events))
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .routes(routes!(usage::list_metrics))
        .routes(routes!(usage::put_metric))
}

// --- reminders --- (issue 15)
/// Payment reminders: the sequence, a client's billing preferences and
/// promises to pay.
fn reminder_routes() -> OpenApiRouter<AppState> {
    use crate::api::reminders;
    OpenApiRouter::new()
        .routes(routes!(reminders::get_settings, reminders::put_settings))
        .routes(routes!(reminders::show_client, reminders::patch_client))
        .routes(routes!(reminders::put_promise))
}

/// Changes to a client's records after they were entered.
fn record_edit_routes() -> OpenApiRouter<AppState> {
    use crate::api::record_edits as edits;
    OpenApiRouter::new()
        .routes(routes!(edits::update_subscription))
        .routes(routes!(edits::end_subscription))
        .routes(routes!(edits::update_contact, edits::remove_contact))
}

/// Imports of uploaded files: the upload bounds its own size
/// (`import.max_upload_mb`), so the default body limit is off there.
fn import_routes() -> OpenApiRouter<AppState> {
    use crate::api::imports;
    OpenApiRouter::new()
        .routes(routes!(imports::create))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .routes(routes!(imports::show))
}

/// Health scores, alerts, the due list, settings and the caller's profile.
fn early_warning_routes() -> OpenApiRouter<AppState> {
    use crate::api::early_warning as ew;
    OpenApiRouter::new()
        .routes(routes!(ew::list_scores))
        .routes(routes!(ew::refresh_scores))
        .routes(routes!(ew::list_alerts))
        .routes(routes!(ew::acknowledge))
        .routes(routes!(ew::snooze))
        .routes(routes!(ew::open_case_from_alert))
        .routes(routes!(ew::due))
        .routes(routes!(crate::api::contact_frequency::held_back))
        .routes(routes!(ew::dismiss_billing_signal))
        .routes(routes!(ew::get_settings, ew::put_settings))
        .routes(routes!(ew::me, ew::update_me))
        .routes(routes!(crate::api::owners::list, crate::api::owners::put))
}

/// Departure cases, their settings and the reasons report.
fn case_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cases::list, cases::open))
        .routes(routes!(cases::due))
        .routes(routes!(cases::show))
        .routes(routes!(cases::amend_notice))
        .routes(routes!(cases::exit_conversation))
        .routes(routes!(cases::start_retention))
        .routes(routes!(cases::add_retention_action))
        .routes(routes!(cases::set_retention_action_status))
        .routes(routes!(cases::set_retention_offer))
        .routes(routes!(cases::record_retention_outcome))
        .routes(routes!(cases::begin_offboarding))
        .routes(routes!(cases::add_checklist_item))
        .routes(routes!(cases::set_checklist_item_details))
        .routes(routes!(cases::complete_checklist_item))
        .routes(routes!(cases::waive_checklist_item))
        .routes(routes!(cases::reopen_checklist_item))
        .routes(routes!(cases::record_credential_handover))
        .routes(routes!(cases::waive_invoice))
        .routes(routes!(cases::issue_survey))
        .routes(routes!(cases::close))
        .routes(routes!(cases::add_corrective_action))
        .routes(routes!(cases::complete_corrective_action))
        .routes(routes!(cases::set_win_back_follow_up))
        .routes(routes!(cases::mark_won_back))
        .routes(routes!(cases::win_back_client))
        .routes(routes!(reasons::list, reasons::create))
        .routes(routes!(reasons::update))
        .routes(routes!(reasons::templates, reasons::put_templates))
        .routes(routes!(reports::reasons))
        .routes(routes!(reports::reasons_xlsx))
        .routes(routes!(reports::reasons_csv))
        .routes(routes!(crate::api::who_leaves::who_leaves))
}

/// The public exit survey (no login), rate-limited per address.
fn public_survey_routes(state: &AppState) -> Router<AppState> {
    let limiter = Arc::new(
        RateLimiter::for_public_survey()
            .trusting_forwarded_for(state.trust_forwarded_for)
            .shared_through(state.store.clone(), "survey"),
    );
    Router::new()
        .route(
            "/s/{token}",
            get(survey_page::show).post(survey_page::answer),
        )
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::limit,
        ))
}

fn split() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .nest("/api/v1", api_routes())
        .split_for_parts();
    crate::error::document_problems(&mut doc);
    let router = router.layer(axum::middleware::from_fn(crate::error::problem_bodies));
    (router, doc)
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    split().1
}

// --- reminders --- (issue 15)
/// Settings → Payment reminders and the client page's reminder forms.
fn reminder_page_routes() -> Router<AppState> {
    use pages::reminders;
    Router::new()
        .route(
            "/settings/reminders",
            get(reminders::show).post(reminders::save),
        )
        .route("/clients/{id}/reminders", post(reminders::save_billing))
        .route(
            "/clients/{id}/invoices/{invoice}/promise",
            post(reminders::save_promise),
        )
}

// --- billing page --- (issue 15)
/// Settings → Billing: the Stripe connection, the last sync and "Sync now".
fn billing_page_routes() -> Router<AppState> {
    use pages::billing;
    Router::new()
        .route("/settings/billing", get(billing::show).post(billing::save))
        .route("/settings/billing/sync", post(billing::sync_now))
        // --- outhooks (issue 17)
        .route(
            "/settings/webhooks",
            get(pages::webhooks::show).post(pages::webhooks::add),
        )
        .route(
            "/settings/webhooks/{id}/delete",
            post(pages::webhooks::delete),
        )
        // --- cancel (helper) (issue 17): Settings → Cancel page
        .route("/settings/cancel-page", get(pages::cancel_settings::show))
        .route(
            "/settings/cancel-page/secret",
            post(pages::cancel_settings::new_secret),
        )
        .route(
            "/settings/cancel-page/display-name",
            post(pages::cancel_settings::save_display_name),
        )
        .route(
            "/settings/cancel-page/offers",
            post(pages::cancel_settings::save_offers),
        )
        .route(
            "/settings/cancel-page/logo",
            post(pages::cancel_settings::save_logo),
        )
        .route(
            "/settings/cancel-page/logo/delete",
            post(pages::cancel_settings::remove_logo),
        )
}

fn page_routes() -> Router<AppState> {
    use pages::{
        cases, clients, dashboard, departure_settings, early_warning, invitations, members,
        privacy, session, settings,
    };
    Router::new()
        .route("/", get(session::home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/setup", get(session::setup_page).post(session::setup))
        .route("/workspace", post(session::switch_workspace))
        .route("/lang", post(session::set_lang))
        .route("/dashboard", get(dashboard::show))
        .route("/dashboard/who-leaves", get(pages::who_leaves::show))
        .route("/dashboard/{file}", get(dashboard::download))
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/new", get(clients::new_page))
        .route("/clients/{id}", get(clients::show))
        .route("/clients/{id}/interactions", post(clients::log_interaction))
        .route("/clients/{id}/contacts", post(clients::add_contact))
        .route("/clients/{id}/cases", post(clients::open_case))
        .route(
            "/clients/{id}/erase",
            get(privacy::erase_confirmation).post(privacy::erase),
        )
        .route(
            "/import",
            get(pages::imports::new_page)
                .post(pages::imports::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/import/{id}", get(pages::imports::show))
        .route("/import/{id}/mapping", post(pages::imports::save_mapping))
        .route("/import/{id}/start", post(pages::imports::start))
        .route("/due", get(early_warning::show))
        .route("/due/refresh", post(early_warning::refresh_scores))
        .route("/alerts/{id}/acknowledge", post(early_warning::acknowledge))
        .route("/alerts/{id}/snooze", post(early_warning::snooze))
        .route(
            "/due/billing-signals/{id}/dismiss",
            post(early_warning::dismiss_billing_signal),
        )
        .route("/clients/{id}/flags", post(early_warning::set_flags))
        .route("/clients/{id}/status", post(clients::set_status))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/{step}", post(cases::step))
        .route("/settings", get(settings::show))
        .route(
            "/settings/ideal-client",
            get(pages::ideal_client::show).post(pages::ideal_client::save),
        )
        .route(
            "/settings/contact-frequency",
            get(pages::contact_frequency::show).post(pages::contact_frequency::save),
        )
        .route("/settings/audit", get(privacy::audit_log))
        .route(
            "/settings/owners",
            get(pages::owners::show).post(pages::owners::save),
        )
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/workspace", post(settings::save_workspace))
        .route("/settings/profile", post(settings::save_profile))
        .route("/settings/members", post(members::add))
        .route("/settings/members/{id}/role", post(members::change_role))
        .route("/settings/invitations/{id}/revoke", post(members::revoke))
        .route("/invitations", get(invitations::pending))
        .route(
            "/invitations/{token}",
            get(invitations::show).post(invitations::accept),
        )
        .route(
            "/invitations/pending/{id}/accept",
            post(invitations::accept_pending),
        )
        .route(
            "/invitations/pending/{id}/decline",
            post(invitations::decline_pending),
        )
        .route("/settings/tokens/{id}/delete", post(settings::delete_token))
        .route("/settings/reasons", post(departure_settings::add_reason))
        .route(
            "/settings/reasons/{key}",
            post(departure_settings::change_reason),
        )
        .route(
            "/settings/templates",
            post(departure_settings::add_template),
        )
        .route(
            "/settings/templates/{index}",
            post(departure_settings::save_template),
        )
        .route(
            "/settings/templates/{index}/delete",
            post(departure_settings::delete_template),
        )
        .route("/assets/{*path}", get(pages::assets::asset))
        .merge(record_edit_page_routes())
        .merge(reminder_page_routes())
        .merge(billing_page_routes())
        .merge(work_log_page_routes())
        .merge(exclusivity_page_routes())
        .merge(client_update_page_routes())
        .layer(axum::middleware::from_fn(pages::error_pages))
}

// --- worklog --- (issue 16)
/// The client page's work log section.
fn work_log_page_routes() -> Router<AppState> {
    use pages::clients;
    Router::new()
        .route("/clients/{id}/work", post(clients::add_work))
        .route("/clients/{id}/work/{entry}", post(clients::edit_work))
        .route(
            "/clients/{id}/work/{entry}/delete",
            post(clients::delete_work),
        )
        .route("/clients/{id}/final-report", get(pages::final_report::show))
        .route(
            "/clients/{id}/final-report/download",
            post(pages::final_report::download),
        )
        .route(
            "/clients/{id}/final-report/send",
            post(pages::final_report::send),
        )
}

/// The data-entry forms of a client's page (helper "entry").
fn record_edit_page_routes() -> Router<AppState> {
    use pages::clients;
    Router::new()
        .route(
            "/clients/{id}/edit",
            get(clients::edit_client_form).post(clients::edit_client),
        )
        .route(
            "/clients/{id}/subscriptions",
            post(clients::add_subscription),
        )
        .route(
            "/clients/{id}/subscriptions/{sub}",
            get(clients::subscription_form).post(clients::save_subscription),
        )
        .route(
            "/clients/{id}/subscriptions/{sub}/end",
            post(clients::end_subscription),
        )
        .route("/clients/{id}/invoices", post(clients::add_invoice))
        .route(
            "/clients/{id}/invoices/{invoice}/paid",
            post(clients::mark_paid),
        )
        .route(
            "/clients/{id}/invoices/{invoice}/unpaid",
            post(clients::mark_unpaid),
        )
        .route(
            "/clients/{id}/contacts/{contact}",
            get(clients::contact_form).post(clients::save_contact),
        )
        .route(
            "/clients/{id}/contacts/{contact}/remove",
            post(clients::remove_contact),
        )
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
        .merge(public_survey_routes(&state))
        .merge(public_cancel_routes(&state))
        // Stripe's events (issue 15): signed, no session; bounded body.
        .route(
            "/webhooks/stripe/{endpoint}",
            post(crate::api::stripe::webhook).layer(axum::extract::DefaultBodyLimit::max(
                churnwise_app::stripe::webhooks::MAX_BODY_BYTES,
            )),
        )
        .layer(TraceLayer::new_for_http())
        // Security headers on every answer: pages, API, errors and assets.
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

// --- exclusivity --- (issue 16)
/// The client page's exclusivity section.
fn exclusivity_page_routes() -> Router<AppState> {
    use pages::clients;
    Router::new()
        .route(
            "/clients/{id}/exclusivities",
            post(clients::add_exclusivity),
        )
        .route(
            "/clients/{id}/exclusivities/{eid}/delete",
            post(clients::delete_exclusivity),
        )
}

// --- updates --- (issue 16)
/// The draft page of a client update, the client page's updates section,
/// and Settings → Client updates.
fn client_update_page_routes() -> Router<AppState> {
    use pages::client_updates as u;
    Router::new()
        .route("/clients/{id}/update", get(u::show_draft))
        .route("/clients/{id}/update/send", post(u::send))
        .route("/clients/{id}/update/printable", post(u::printable))
        .route("/clients/{id}/update-cadence", post(u::set_cadence))
        .route("/clients/{id}/services/{service}/buys", post(u::set_buys))
        .route("/clients/{id}/services/{service}/answer", post(u::answer))
        .route(
            "/settings/client-updates",
            get(u::show_settings).post(u::save_settings),
        )
        .route("/settings/services", post(u::add_service))
        .route("/settings/services/{id}", post(u::save_service))
}
