//! Owners are users (issue 12): the owner names written on clients (as an
//! import or a person typed them) and the workspace member each is mapped to.

use crate::UserId;
use serde::Serialize;

/// The key an owner name is compared by: trimmed and lower-case (any
/// script), so "Carla Méndez" and " carla méndez" are one owner.
pub fn owner_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// An owner name in use on the clients of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerName {
    /// The name as written on the clients (the first spelling, trimmed).
    pub name: String,
    /// How many clients carry it (any case).
    pub clients: i64,
    /// Every spelling of it on the clients (trimmed), for exact filters.
    pub spellings: Vec<String>,
}

/// An owner name mapped to a workspace member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerMapping {
    /// The owner name as it was mapped.
    pub name: String,
    /// The member it means.
    pub user: UserId,
}
