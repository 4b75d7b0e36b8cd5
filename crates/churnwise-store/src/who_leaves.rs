//! Records of the "Who leaves" review (issue #16): the closed departures of
//! a period with their client, for reasons and fired clients per group.

use crate::ClientId;
use churnwise_domain::departure::Outcome;
use churnwise_domain::reasons::ReasonKey;
use churnwise_domain::registry::WarningFlag;

/// A closed lost or fired departure case of a period, with its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodDeparture {
    /// The client.
    pub client: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The primary reason's key.
    pub primary_reason: ReasonKey,
    /// Lost or fired.
    pub outcome: Outcome,
    /// The client's last day.
    pub end_on: chrono::NaiveDate,
    /// The client's warning signs as they are now.
    pub warning_flags: Vec<WarningFlag>,
}
