//! The keep-in-touch due day kept per client (issue 14, migration 0031):
//! what the due list reads instead of every client's contacts.

use crate::{ClientRef, Date};

/// Which clients due for a contact a due-list read asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueContactFilter {
    /// The day the list is for: clients whose contact fell due on or before it.
    pub today: Date,
    /// Former clients too (else active and leaving clients only).
    pub include_former: bool,
    /// Only the clients whose owner (trimmed) is exactly one of these
    /// spellings; `None` for every owner.
    pub owner_spellings: Option<Vec<String>>,
}

/// A client due for a contact, by its stored due day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueContact {
    /// The client.
    pub client: ClientRef,
    /// The day its contact fell due.
    pub due_on: Date,
}
