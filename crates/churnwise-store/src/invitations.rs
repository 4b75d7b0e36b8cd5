//! Invitations to a workspace: what the store keeps of them (never the token
//! itself, only its hash).

use crate::{Timestamp, User, UserId, Workspace};
use churnwise_domain::registry::Role;

/// Id of an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct InvitationId(pub i64);

impl std::fmt::Display for InvitationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A new invitation: who is invited where, with which role, until when.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// The workspace the person is invited to.
    pub workspace: crate::WorkspaceId,
    /// The invited email, lower-case.
    pub email: String,
    /// The role the person gets on accepting.
    pub role: Role,
    /// SHA-256 hash (hex) of the link's secret token.
    pub token_hash: String,
    /// Who invited (`None`: the operator, from the command line).
    pub invited_by: Option<UserId>,
    /// When it was made.
    pub created_at: Timestamp,
    /// After this moment it can no longer be accepted.
    pub expires_at: Timestamp,
}

/// A pending invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Invitation {
    /// Id.
    pub id: InvitationId,
    /// The workspace.
    pub workspace: Workspace,
    /// The invited email.
    pub email: String,
    /// The role on accepting.
    #[serde(serialize_with = "crate::records::serialize_display")]
    pub role: Role,
    /// The inviter's email (`None`: the operator, or an account since deleted).
    pub invited_by: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
}

/// Who accepts an invitation.
#[derive(Debug, Clone)]
pub enum Acceptor {
    /// An existing account (whose email the caller checked is the invited one).
    Existing(UserId),
    /// A new account for the invited email, created in the same transaction.
    NewAccount {
        /// argon2 hash of the password chosen on the invitation page.
        password_hash: String,
        /// Display name.
        name: Option<String>,
    },
}

/// What accepting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The account now a member.
    pub user: User,
    /// The workspace joined.
    pub workspace: Workspace,
    /// The role there (an earlier membership keeps its role).
    pub role: Role,
}
