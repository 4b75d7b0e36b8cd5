//! Contacts counted per client and day, for the maximum contact frequency
//! (issue 16, `churnwise_app::contact_frequency`).

use crate::{ClientId, Date};

/// The interactions of the counted kinds made with one client on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDay {
    /// The client.
    pub client: ClientId,
    /// The client's segment, as written on it.
    pub segment: Option<String>,
    /// The day.
    pub day: Date,
    /// How many that day.
    pub contacts: u32,
}
