//! The application's integration tests, all in one test binary: the HTTP
//! API through `app(state).oneshot(..)`, and the CLI as a real process, on
//! both backends.

mod api;
mod cases_api;
mod cases_cli;
mod cli;
mod dashboard_pages;
mod departure_settings_pages;
mod early_warning;
mod early_warning_pages;
mod import_cli;
mod members_pages;
mod metrics_cli;
mod pages;
mod support;
