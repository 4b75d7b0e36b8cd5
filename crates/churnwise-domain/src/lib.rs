//! Domain types and pure rules of churnwise. Nothing here does I/O: adapters
//! (HTTP, CLI, file readers, storage) parse their input into these types and
//! call these rules.

pub mod billing_signals;
pub mod cancel_offer;
pub mod client_status;
pub mod client_updates;
pub mod contact_frequency;
pub mod dates;
pub mod departure;
pub mod exclusivity;
pub mod health;
pub mod history;
pub mod ideal_client;
pub mod lang;
pub mod lessons;
pub mod money;
pub mod offboarding;
pub mod payment_reminders;
pub mod privacy;
pub mod problem;
pub mod reasons;
pub mod reasons_matrix;
pub mod registry;
pub mod retention;
pub mod stripe;
pub mod survey;
pub mod text;
pub mod workspace_settings;

pub use dates::{parse_date, parse_month, Month};
pub use departure::CaseError;
pub use lang::Lang;
pub use money::Money;
pub use problem::FieldProblem;
