//! JSON API handlers, one file per resource; the route table is in
//! `router.rs`.

pub mod bodies;
// --- cancel (helper) ---
pub mod cancel_page;
pub mod cases;
pub mod clients;
pub mod early_warning;
pub mod health;
pub mod imports;
pub mod metrics;
pub mod owners;
pub mod privacy;
pub mod reasons;
pub mod record_edits;
pub mod records;
pub mod reminders;
pub mod reports;
pub mod session;
pub mod stripe;
pub mod usage;
pub mod webhooks;
pub mod who_leaves;
// --- worklog --- (issue 16)
pub mod work_log;
// --- exclusivity --- (issue 16)
pub mod exclusivity;
// --- updates --- (issue 16)
pub mod client_updates;
// --- frequency --- (issue 16)
pub mod contact_frequency;
