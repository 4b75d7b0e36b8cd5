//! The web adapter of churnwise: the JSON API under `/api/v1` and the HTML
//! pages (in English and Spanish). Routes, extractors, request and response
//! bodies, templates and pages; every use case is a call into
//! `churnwise_app` (plain reads of a record go to the [`Store`] directly),
//! and its `AppError` becomes problem+json (`error`) or an error page
//! (`pages`). Build the whole application with [`app`].

pub mod api;
pub mod auth;
// --- cancel (helper) ---
mod cancel_page;
pub mod error;
mod extract;
pub mod i18n;
pub mod pages;
pub mod rate_limit;
mod router;
pub mod security;
mod survey_page;

pub use router::{app, openapi};

use churnwise_store::Store;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// Whether cookies get the `Secure` flag even without an HTTPS hint
    /// (set when the server is known to be behind HTTPS).
    pub secure_cookies: bool,
    /// Whether the public endpoints' rate limit keys on the last address of
    /// `X-Forwarded-For` (set only behind a reverse proxy that appends it;
    /// anyone else can forge the header).
    pub trust_forwarded_for: bool,
    /// Sends invitation emails when the server has SMTP set up (the
    /// digest's settings); without it the inviter copies the link.
    pub mailer: Option<Arc<dyn churnwise_app::digest::SendMail>>,
    /// The address people reach the server at (`https://churn.example.com`),
    /// for links in emails; when unset, the request's `Host` is used.
    pub public_url: Option<String>,
    /// How uploads of files to import are taken (size, folder, read limits).
    pub uploads: churnwise_app::import_jobs::UploadSettings,
    /// Metrics documents already computed, keyed by each workspace's data
    /// version (shared by the dashboard and the API).
    pub metrics_cache: Arc<churnwise_app::metrics::MetricsCache>,
    /// How Stripe is reached and its secrets sealed (issue 15).
    pub stripe: churnwise_app::stripe::StripeSettings,
}

impl AppState {
    /// State over `store`.
    pub fn new(store: Arc<dyn Store>) -> Self {
        AppState {
            store,
            secure_cookies: false,
            trust_forwarded_for: false,
            mailer: None,
            public_url: None,
            uploads: Default::default(),
            metrics_cache: Default::default(),
            stripe: Default::default(),
        }
    }
}
