//! The application layer of churnwise: every use case, called alike by the
//! web adapter (`churnwise-web`: API and pages) and the command line
//! (`churnwise`). It applies the domain's rules and the metrics engine and
//! stores through the [`churnwise_store::Store`] trait; it knows nothing of
//! HTTP or of command-line flags, and answers one typed error, [`AppError`],
//! that each adapter turns into its own words once.
//!
//! Where each use case lives:
//! - [`audit`]: the audit log (record and read);
//! - [`privacy`]: a client's personal data (export, erase, retention);
//! - [`cases`]: departure-case steps, the case view, the case work due;
//! - [`clients`]: creating clients and checking list filters;
//! - [`imports`]: file imports (read, check, write, win back);
//! - [`follow`]: what follows a change to a client's records (status, scores);
//! - [`early_warning`]: health scores and the due list;
//! - [`billing_signals`]: Stripe cancellations and failed payments;
//! - [`digest`]: the daily email and its transport;
//! - [`scheduler`]: the background runs of `serve`;
//! - [`reports`]: the reasons matrix; [`metrics`]: metrics from a workspace;
//! - [`reasons`]: edits of the departure reasons;
//! - [`records`]: contacts, subscriptions, invoices and interactions;
//! - [`credentials`]: password hashes and tokens;
//! - [`members`]: invitations to a workspace and roles;
//! - [`i18n`]: the product's two languages and how each writes numbers.

pub mod audit;
pub mod backup;
pub mod billing_signals;
pub mod bounds;
// --- cancel (helper) ---
pub mod cancel_flow;
pub mod cases;
pub mod clients;
pub mod credentials;
pub mod digest;
pub mod early_warning;
pub mod error;
pub mod follow;
pub mod i18n;
pub mod ideal_client;
pub mod import_jobs;
pub mod imports;
pub mod members;
pub mod metrics;
pub mod owners;
pub mod payment_reminders;
pub mod privacy;
pub mod reasons;
pub mod record_edits;
pub mod records;
pub mod reports;
// --- usage-finish ---
pub mod reasons_usage;
pub mod scheduler;
pub mod settings_parts;
pub mod status;
pub mod stripe;
pub mod throttle;
pub mod usage;
// --- outhooks (issue 17)
pub mod outgoing_webhooks;
pub mod validate;
pub mod who_leaves;
// --- worklog --- (issue 16)
pub mod final_report;
pub mod work_log;
// --- exclusivity --- (issue 16)
pub mod exclusivity;
// --- updates --- (issue 16)
pub mod client_updates;
pub mod services;
// --- frequency --- (issue 16)
pub mod contact_frequency;
pub mod exclusivity_warnings;
pub mod reasons_export;

pub use error::{AppError, AppResult};
