//! Exclusivities (issue 16, migration 0027): a client holds an exclusivity
//! over a segment or against named competitors, from a day to an optional
//! day; other clients may fall inside it.

use crate::{ClientId, Date};
pub use churnwise_domain::exclusivity::{Exclusivity, Scope};
use serde::Serialize;

/// Id of an exclusivity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ExclusivityId(pub i64);

/// An exclusivity as stored, with its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredExclusivity {
    /// Id.
    pub id: ExclusivityId,
    /// The client holding it.
    pub client_id: ClientId,
    /// The holder's name.
    pub holder_name: String,
    /// What it covers, from when to when.
    pub exclusivity: Exclusivity,
}

/// A client falling inside an exclusivity of a holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInside {
    /// The client inside.
    pub client_id: ClientId,
    /// Its name.
    pub name: String,
    /// The exclusivity it falls inside.
    pub exclusivity_id: ExclusivityId,
}

/// Who may fall inside: a client's name and segment on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExclusivityProbe {
    /// The client's name.
    pub name: String,
    /// The client's segment.
    pub segment: Option<String>,
    /// The day asked.
    pub day: Date,
    /// The client itself, never inside its own exclusivities.
    pub except: Option<ClientId>,
}
