//! Domain types and pure rules of churnwise. Nothing here does I/O: adapters
//! (HTTP, CLI, file readers, storage) parse their input into these types and
//! call these rules.

pub mod dates;
pub mod money;
pub mod registry;

pub use dates::{parse_date, parse_month, Month};
pub use money::Money;
