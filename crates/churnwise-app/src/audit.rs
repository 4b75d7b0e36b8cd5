//! The audit log: who changed what in a workspace, and when. Use cases call
//! [`record`] right after a change succeeds (the erase of personal data
//! appends its entry inside its own transaction); owners read the log
//! through [`list`] (API `GET /api/v1/audit`, Settings → Audit log).
//!
//! An entry holds the actor (user id and the name shown), an [`Action`]
//! (stored as its stable key), the [`Subject`] (kind and id, and the client
//! it concerns) and a short detail. A detail never holds a secret or a
//! password; a detail about a client is blanked when that client's personal
//! data is erased.
//!
//! ```ignore
//! audit::record(store, ws, &audit::Actor::user(&user), Action::ClientCreated,
//!               Subject::Client(client.id), &client.name).await?;
//! ```

use crate::error::{AppError, AppResult};
use chrono::Utc;
use churnwise_store::{
    ApiTokenId, AuditEntry, CaseId, ClientId, ContactId, InteractionId, InvoiceId, NewAuditEntry,
    Page, Store, SubscriptionId, User, UserId, WorkEntryId, WorkspaceId,
};

/// Longest detail kept, in characters (a longer one is cut).
pub const DETAIL_MAX_CHARS: usize = 200;

/// The name churnwise itself acts under (the scheduler, retention).
pub const SYSTEM_ACTOR: &str = "churnwise";

/// Who makes a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user, if a user acts.
    pub user: Option<UserId>,
    /// The name shown: the user's display name or email, `churnwise`, or
    /// the command line's user.
    pub display: String,
}

impl Actor {
    /// A signed-in user, shown by display name (else email).
    pub fn user(user: &User) -> Self {
        Actor {
            user: Some(user.id),
            display: user
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| user.email.clone()),
        }
    }

    /// churnwise itself (the scheduler's daily pass).
    pub fn system() -> Self {
        Actor {
            user: None,
            display: SYSTEM_ACTOR.to_string(),
        }
    }

    /// Someone at the command line, shown as `NAME (command line)` with the
    /// system user's name (`$USER`), else `command line`.
    pub fn command_line() -> Self {
        let display = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .map_or_else(
                || "command line".to_string(),
                |u| format!("{u} (command line)"),
            );
        Actor {
            user: None,
            display,
        }
    }
}

macro_rules! actions {
    ($($(#[$meta:meta])* $name:ident => $key:literal,)*) => {
        /// What was done. Stored as its key; new actions are added at the
        /// end and a key never changes meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($(#[$meta])* $name,)*
        }

        impl Action {
            /// Every action, in declaration order.
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];

            /// The stable key, such as `client.created`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Action::$name => $key,)*
                }
            }

            /// The action with this key.
            pub fn from_key(key: &str) -> Option<Self> {
                match key {
                    $($key => Some(Action::$name),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    /// A client was created.
    ClientCreated => "client.created",
    /// A client's fields (or warning signs) were changed.
    ClientUpdated => "client.updated",
    /// A client's personal data was exported.
    ClientPersonalDataExported => "client.personal_data_exported",
    /// A client's personal data was erased.
    ClientErased => "client.erased",
    /// A contact was added.
    ContactCreated => "contact.created",
    /// A subscription segment was added.
    SubscriptionCreated => "subscription.created",
    /// An invoice was added.
    InvoiceCreated => "invoice.created",
    /// An invoice's payment date was set or cleared.
    InvoicePaymentRecorded => "invoice.payment_recorded",
    /// An interaction was logged.
    InteractionLogged => "interaction.logged",
    /// Customers were imported (summary).
    CustomersImported => "import.customers",
    /// Subscriptions were imported (summary).
    SubscriptionsImported => "import.subscriptions",
    /// Invoices were imported (summary).
    InvoicesImported => "import.invoices",
    /// Contacts were imported (summary).
    ContactsImported => "import.contacts",
    /// Interactions were imported (summary).
    InteractionsImported => "import.interactions",
    /// A user was added to the workspace.
    MemberAdded => "member.added",
    /// A member's role changed.
    MemberRoleChanged => "member.role_changed",
    /// A member was removed.
    MemberRemoved => "member.removed",
    /// Someone was invited to the workspace.
    MemberInvited => "member.invited",
    /// An invitation was accepted.
    InvitationAccepted => "member.invitation_accepted",
    /// An invitation was withdrawn.
    InvitationRevoked => "member.invitation_revoked",
    /// An API token was created.
    TokenCreated => "token.created",
    /// An API token was revoked.
    TokenRevoked => "token.revoked",
    /// The workspace settings were changed.
    SettingsChanged => "settings.changed",
    /// The departure reasons were changed.
    ReasonsChanged => "reasons.changed",
    /// The offboarding checklist templates were changed.
    ChecklistTemplatesChanged => "checklist_templates.changed",
    // --- entry --- (issue #12: records changed in the browser)
    /// A subscription segment's fields were changed.
    SubscriptionUpdated => "subscription.updated",
    /// A subscription segment was ended.
    SubscriptionEnded => "subscription.ended",
    /// A contact's fields were changed.
    ContactUpdated => "contact.updated",
    /// A contact was removed.
    ContactRemoved => "contact.removed",
    /// An owner name was mapped to a member, or its mapping removed.
    OwnerMapped => "owner.mapped",
    // --- stripe --- (issue #15)
    /// The Stripe API key or webhook secret was set or removed.
    StripeConnectionChanged => "stripe.connection_changed",
    /// A sync with Stripe ran (summary).
    StripeSynced => "stripe.synced",
    // --- usage --- (issue #18)
    /// A usage file was imported (summary).
    UsageImported => "import.usage",
    /// A usage metric was named or turned around.
    UsageMetricChanged => "usage.metric_changed",
    // --- worklog --- (issue 16)
    /// A work-log entry was added.
    WorkEntryAdded => "work.added",
    /// A work-log entry was changed.
    WorkEntryChanged => "work.changed",
    /// A work-log entry was deleted.
    WorkEntryDeleted => "work.deleted",
    /// Work-log entries were imported (summary).
    WorkImported => "import.work",
    /// A client's final report was downloaded or sent.
    FinalReportDelivered => "work.final_report",
    // --- exclusivity --- (issue 16)
    /// An exclusivity was added to a client.
    ExclusivityAdded => "exclusivity.added",
    /// An exclusivity of a client was removed.
    ExclusivityRemoved => "exclusivity.removed",
    // --- updates --- (issue 16)
    /// A client update was sent (or downloaded and marked sent).
    ClientUpdateSent => "update.sent",
    /// A client's own update cadence was set or cleared.
    ClientUpdateCadenceSet => "update.cadence_set",
    /// A service was added to the catalogue.
    ServiceAdded => "service.added",
    /// A service of the catalogue was changed.
    ServiceChanged => "service.changed",
    /// A client was marked as buying a service, or no longer.
    ClientServiceChanged => "service.client_changed",
    /// A client's answer to an offered service was recorded.
    ServiceOfferAnswered => "service.answered",
}

impl Action {
    /// The Fluent message naming the action (`audit-action-client-created`).
    pub fn message_key(self) -> String {
        format!("audit-action-{}", self.key().replace(['.', '_'], "-"))
    }
}

/// What a change concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A client.
    Client(ClientId),
    /// A contact of a client.
    Contact(ClientId, ContactId),
    /// A subscription segment of a client.
    Subscription(ClientId, SubscriptionId),
    /// An invoice of a client.
    Invoice(ClientId, InvoiceId),
    /// An interaction with a client.
    Interaction(ClientId, InteractionId),
    /// A departure case of a client.
    Case(ClientId, CaseId),
    /// An import (a whole file).
    Import,
    /// A member (user) of the workspace.
    Member(UserId),
    /// An invitation (by its number).
    Invitation(i64),
    /// An API token.
    Token(ApiTokenId),
    /// The workspace's settings (settings, reasons, templates).
    Workspace,
    /// A work-log entry of a client (issue 16).
    WorkEntry(ClientId, WorkEntryId),
}

impl Subject {
    /// The kind, id and client stored for the subject.
    fn parts(self) -> (&'static str, Option<i64>, Option<ClientId>) {
        match self {
            Subject::Client(c) => ("client", Some(c.0), Some(c)),
            Subject::Contact(c, id) => ("contact", Some(id.0), Some(c)),
            Subject::Subscription(c, id) => ("subscription", Some(id.0), Some(c)),
            Subject::Invoice(c, id) => ("invoice", Some(id.0), Some(c)),
            Subject::Interaction(c, id) => ("interaction", Some(id.0), Some(c)),
            Subject::Case(c, id) => ("case", Some(id.0), Some(c)),
            Subject::Import => ("import", None, None),
            Subject::Member(u) => ("member", Some(u.0), None),
            Subject::Invitation(id) => ("invitation", Some(id), None),
            Subject::Token(t) => ("token", Some(t.0), None),
            Subject::Workspace => ("workspace", None, None),
            Subject::WorkEntry(c, id) => ("work_entry", Some(id.0), Some(c)),
        }
    }
}

/// The entry [`record`] appends, for stores that append it inside their own
/// transaction.
pub fn entry(actor: &Actor, action: Action, subject: Subject, detail: &str) -> NewAuditEntry {
    let (subject_type, subject_id, client) = subject.parts();
    let detail = detail.trim();
    let detail = match detail.char_indices().nth(DETAIL_MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &detail[..cut]),
        None => detail.to_string(),
    };
    NewAuditEntry {
        at: Utc::now(),
        actor_user: actor.user,
        actor: actor.display.clone(),
        action: action.key().to_string(),
        subject_type: subject_type.to_string(),
        subject_id,
        client,
        detail,
    }
}

/// Appends an entry to the audit log of `ws`: `actor` did `action` to
/// `subject`, with a short `detail` (cut at [`DETAIL_MAX_CHARS`]; never a
/// secret).
pub async fn record(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &Actor,
    action: Action,
    subject: Subject,
    detail: &str,
) -> AppResult<()> {
    store
        .record_audit(ws, entry(actor, action, subject, detail))
        .await?;
    Ok(())
}

/// Largest page of the audit log.
pub const MAX_PER_PAGE: u32 = 500;

/// A page of the audit log of `ws`, newest first; `per_page` is 1 to
/// [`MAX_PER_PAGE`] (default 50), `page` from 1. Only owners may read it:
/// the adapters check the role.
pub async fn list(
    store: &dyn Store,
    ws: WorkspaceId,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<AuditEntry>> {
    let per_page = per_page.unwrap_or(50);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::field(
            "per_page",
            format!("must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    let page = page.unwrap_or(1);
    if page == 0 {
        return Err(AppError::field("page", "must be 1 or more"));
    }
    Ok(store.list_audit(ws, page, per_page).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_key_reads_back_and_is_unique() {
        let mut keys = std::collections::BTreeSet::new();
        for a in Action::ALL {
            assert_eq!(Action::from_key(a.key()), Some(*a));
            assert!(keys.insert(a.key()), "{} twice", a.key());
        }
        assert_eq!(
            Action::ClientCreated.message_key(),
            "audit-action-client-created"
        );
    }

    #[test]
    fn a_long_detail_is_cut() {
        let e = entry(
            &Actor::system(),
            Action::SettingsChanged,
            Subject::Workspace,
            &"x".repeat(500),
        );
        assert_eq!(e.detail.chars().count(), DETAIL_MAX_CHARS + 1);
        assert_eq!(e.actor, "churnwise");
        assert_eq!(e.subject_type, "workspace");
    }
}
