//! The application's integration tests, all in one test binary: the HTTP
//! API through `app(state).oneshot(..)`, and the CLI as a real process, on
//! both backends.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a failed unwrap is a failed test with its message, and test data is small"
)]

mod api;
mod api_document;
mod billing_page;
mod billing_signals;
mod bounded_inputs;
mod cancel;
mod cases_api;
mod cases_cli;
mod cli;
mod client_created;
mod contact_frequency;
mod dashboard_pages;
// --- due-fast (issue 14) ---
mod departure_settings_pages;
mod due_window;
mod early_warning;
mod early_warning_pages;
mod entry_api;
mod entry_cli;
mod entry_pages;
mod exclusivity;
mod exclusivity_imports;
mod filemode;
mod first_hour_dashboard;
mod first_hour_forms;
mod ideal_client;
mod import_cli;
mod imports_api;
mod imports_pages;
mod members_pages;
mod metrics_cache;
mod metrics_cli;
mod outhooks;
mod owners;
mod pages;
mod payment_reminders;
mod privacy;
mod reasons_export;
mod reasons_usage;
mod server_ops;
mod shared_limits;
mod status;
mod stripe_api;
mod stripe_cancel;
mod stripe_sync;
mod stripe_webhooks;
mod support;
mod survival;
mod usage;
mod usage_import;
mod usage_pages;
mod webhooks_cli;
mod websec;
mod who_leaves;
mod words;
mod words_lang;
mod work_final_report;
mod work_log;
// --- updates --- (issue 16)
mod client_updates;
mod work_log_edit;
