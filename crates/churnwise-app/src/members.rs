//! Members of a workspace: invitations and roles, for the settings page and
//! `churnwise user add` alike.
//!
//! Nobody is attached to a workspace without their consent: adding someone
//! makes an **invitation** (email, role, who invited, an expiry, a random
//! token kept only as its SHA-256 hash), which the person accepts through
//! the secret link `/invitations/<token>` (signing in to an existing
//! account, or creating one there) or, with an existing account, when they
//! next sign in. Inviting answers the same whether or not the email has an
//! account, and stores the same thing, so it tells the inviter nothing about
//! other people's accounts. Role rules: owners and managers manage members;
//! only an owner makes or unmakes an owner; the last owner stays one.

use crate::audit::{self, Action, Actor, Subject};
use crate::credentials::{
    check_password_strength, hash_password, new_token, token_hash, verify_password, SESSION_DAYS,
};
use crate::digest::{MailAddress, Message, SendMail};
use crate::error::{AppError, AppResult};
use crate::i18n::{self, ArgValue};
use chrono::{DateTime, Duration, Utc};
use churnwise_domain::registry::{optional_text, Email, FieldProblem, Role};
use churnwise_domain::Lang;
use churnwise_store::{
    Accepted, Acceptor, Access, Invitation, InvitationId, Member, NewInvitation, NewSession, Store,
    StoreError, User, UserId, WorkspaceId,
};

/// Days an invitation can be accepted.
pub const INVITATION_DAYS: i64 = 14;

/// Why a members use case refused (nothing was changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    /// Only owners and managers manage members.
    #[error("only owners and managers manage members")]
    NotManager,
    /// Only an owner makes someone an owner or changes an owner's role.
    #[error("only an owner can make someone an owner or change an owner's role")]
    OwnerOnly,
    /// The last owner of a workspace stays an owner.
    #[error("the workspace needs at least one owner")]
    LastOwner,
    /// The email is already a member of the workspace.
    #[error("is already a member of this workspace")]
    AlreadyMember,
    /// The invitation does not exist, expired, was revoked or used.
    #[error("this invitation is not valid any more")]
    InvitationGone,
    /// The signed-in account is not the one invited.
    #[error("this invitation is for another email")]
    OtherAccount,
}

impl MemberError {
    /// A stable snake_case code (problem+json, CLI).
    pub fn code(self) -> &'static str {
        match self {
            MemberError::NotManager => "not_manager",
            MemberError::OwnerOnly => "owner_only",
            MemberError::LastOwner => "last_owner",
            MemberError::AlreadyMember => "already_member",
            MemberError::InvitationGone => "invitation_gone",
            MemberError::OtherAccount => "other_account",
        }
    }

    /// The Fluent message that explains it to a person.
    pub fn message_key(self) -> &'static str {
        match self {
            MemberError::NotManager => "members-not-manager",
            MemberError::OwnerOnly => "members-owner-only",
            MemberError::LastOwner => "members-last-owner",
            MemberError::AlreadyMember => "members-already-member",
            MemberError::InvitationGone => "invitation-gone",
            MemberError::OtherAccount => "invitation-other-account",
        }
    }
}

/// Who makes an invitation.
#[derive(Debug, Clone, Copy)]
pub enum Inviter<'a> {
    /// A signed-in owner or manager, in their workspace.
    Member(&'a Access),
    /// The operator, on the command line, in a workspace.
    Operator(WorkspaceId),
}

/// An invitation just made, with its secret token (shown or sent once,
/// never stored in clear).
#[derive(Debug, Clone)]
pub struct Invited {
    /// The invitation as stored.
    pub invitation: Invitation,
    /// The secret of the link `/invitations/<token>`.
    pub token: String,
}

impl Invited {
    /// The path of the invitation's link.
    pub fn path(&self) -> String {
        invitation_path(&self.token)
    }
}

/// The path of an invitation link.
pub fn invitation_path(token: &str) -> String {
    format!("/invitations/{token}")
}

fn may_grant(by: Role, role: Role) -> bool {
    role != Role::Owner || by == Role::Owner
}

/// Invites `email` to the inviter's workspace with `role` (form values as
/// typed: every invalid field is named). Makes (or replaces) a pending
/// invitation valid for [`INVITATION_DAYS`]; attaches nobody. The answer and
/// what is stored are the same whether or not the email has an account.
pub async fn invite(
    store: &dyn Store,
    by: Inviter<'_>,
    email: &str,
    role: &str,
    now: DateTime<Utc>,
) -> AppResult<Invited> {
    let (workspace, invited_by) = match by {
        Inviter::Member(access) => {
            if !access.role.can_manage() {
                return Err(MemberError::NotManager.into());
            }
            (access.workspace.id, Some(access.user.id))
        }
        Inviter::Operator(ws) => (ws, None),
    };
    let mut problems = Vec::new();
    let email = Email::parse(email)
        .map_err(|e| problems.push(FieldProblem::new("email", e.message)))
        .ok();
    let role = role
        .trim()
        .parse::<Role>()
        .map_err(|e| problems.push(FieldProblem::new("role", e)))
        .ok();
    let (Some(email), Some(role)) = (email, role) else {
        return Err(AppError::Invalid(problems));
    };
    if let Inviter::Member(access) = by {
        if !may_grant(access.role, role) {
            return Err(MemberError::OwnerOnly.into());
        }
    }
    // The inviter sees the member list anyway, so this tells nothing new.
    let members = store.workspace_members(workspace).await?;
    if members.iter().any(|m| m.user.email == email.as_str()) {
        return Err(MemberError::AlreadyMember.into());
    }
    let token = new_token();
    let invitation = store
        .create_invitation(NewInvitation {
            workspace,
            email: email.as_str().to_string(),
            role,
            token_hash: token_hash(&token),
            invited_by,
            created_at: now,
            expires_at: now + Duration::days(INVITATION_DAYS),
        })
        .await?;
    let actor = match by {
        Inviter::Member(access) => Actor::user(&access.user),
        Inviter::Operator(_) => Actor::command_line(),
    };
    audit::record(
        store,
        workspace,
        &actor,
        Action::MemberInvited,
        Subject::Invitation(invitation.id.0),
        &format!("{} as {role}", invitation.email),
    )
    .await?;
    Ok(Invited { invitation, token })
}

/// The members of the caller's workspace and, for owners and managers, its
/// pending invitations (expired ones too, until revoked or replaced).
#[derive(Debug, Clone)]
pub struct MembersView {
    /// Accounts with their role, by email.
    pub members: Vec<Member>,
    /// Pending invitations, newest first (empty for members and viewers).
    pub invitations: Vec<Invitation>,
}

/// Lists the workspace's members (and invitations for managers).
pub async fn list(store: &dyn Store, access: &Access) -> AppResult<MembersView> {
    let members = store.workspace_members(access.workspace.id).await?;
    let invitations = if access.role.can_manage() {
        store.list_invitations(access.workspace.id).await?
    } else {
        Vec::new()
    };
    Ok(MembersView {
        members,
        invitations,
    })
}

/// Revokes a pending invitation of the caller's workspace (its link stops
/// working); `NotFound` when there is none.
pub async fn revoke(store: &dyn Store, access: &Access, id: InvitationId) -> AppResult<()> {
    if !access.role.can_manage() {
        return Err(MemberError::NotManager.into());
    }
    if !store.revoke_invitation(access.workspace.id, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        store,
        access.workspace.id,
        &Actor::user(&access.user),
        Action::InvitationRevoked,
        Subject::Invitation(id.0),
        "",
    )
    .await
}

/// Changes a member's role within the rules: owners and managers only;
/// only an owner makes or unmakes an owner; the last owner stays one.
/// `NotFound` when `user` is not a member of the workspace.
pub async fn change_role(
    store: &dyn Store,
    access: &Access,
    user: UserId,
    role: Role,
) -> AppResult<()> {
    if !access.role.can_manage() {
        return Err(MemberError::NotManager.into());
    }
    if !may_grant(access.role, role) {
        return Err(MemberError::OwnerOnly.into());
    }
    let actor = Actor::user(&access.user);
    set_role_checked(
        store,
        access.workspace.id,
        user,
        role,
        Some(access.role),
        &actor,
    )
    .await
}

/// Sets a member's role, refusing to leave the workspace without an owner
/// and, when `by` is given, an owner's change by a non-owner.
async fn set_role_checked(
    store: &dyn Store,
    ws: WorkspaceId,
    user: UserId,
    role: Role,
    by: Option<Role>,
    actor: &Actor,
) -> AppResult<()> {
    let members = store.workspace_members(ws).await?;
    let member = members
        .iter()
        .find(|m| m.user.id == user)
        .ok_or(AppError::NotFound)?;
    if let Some(by) = by {
        if !may_grant(by, member.role) {
            return Err(MemberError::OwnerOnly.into());
        }
    }
    let owners = members.iter().filter(|m| m.role == Role::Owner).count();
    if member.role == Role::Owner && role != Role::Owner && owners == 1 {
        return Err(MemberError::LastOwner.into());
    }
    store.set_membership(user, ws, role).await?;
    audit::record(
        store,
        ws,
        actor,
        Action::MemberRoleChanged,
        Subject::Member(user),
        &format!("{}: {} → {role}", member.user.email, member.role),
    )
    .await
}

/// The valid invitation behind a link's token; `InvitationGone` when it is
/// unknown, revoked, used or expired.
pub async fn find_by_token(
    store: &dyn Store,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<Invitation> {
    match store.find_invitation(&token_hash(token)).await? {
        Some(i) if i.expires_at > now => Ok(i),
        _ => Err(MemberError::InvitationGone.into()),
    }
}

/// A session opened by accepting an invitation (the person lands in the
/// workspace they just joined).
#[derive(Debug)]
pub struct JoinedSession {
    /// What accepting did.
    pub accepted: Accepted,
    /// The session cookie's value (stored only as its hash).
    pub token: String,
}

/// Accepts the invitation of `token` as the signed-in `user`, whose email
/// must be the invited one (`OtherAccount` otherwise).
pub async fn accept_signed_in(
    store: &dyn Store,
    token: &str,
    user: &User,
    now: DateTime<Utc>,
) -> AppResult<Accepted> {
    let invitation = find_by_token(store, token, now).await?;
    if invitation.email != user.email {
        return Err(MemberError::OtherAccount.into());
    }
    accept(store, invitation.id, Acceptor::Existing(user.id), now).await
}

/// Accepts the invitation of `token` for an existing account, proven by its
/// password; opens a session in the joined workspace. A wrong password (or
/// no account for that email) is one answer on `password`. The password
/// check counts against the sign-in throttle of the invited email and of
/// `client` ([`crate::throttle::guard`]): an invitation link is no way
/// round it.
pub async fn accept_with_password(
    store: &dyn Store,
    token: &str,
    password: &str,
    client: Option<std::net::IpAddr>,
    now: DateTime<Utc>,
) -> AppResult<JoinedSession> {
    let invitation = find_by_token(store, token, now).await?;
    let email = invitation.email.clone();
    crate::throttle::guard(
        store,
        &email,
        client,
        now,
        accept_with_checked_password(store, invitation, password, now),
    )
    .await
}

async fn accept_with_checked_password(
    store: &dyn Store,
    invitation: Invitation,
    password: &str,
    now: DateTime<Utc>,
) -> AppResult<JoinedSession> {
    let found = store.find_user_by_email(&invitation.email).await?;
    let (user, hash) = match found {
        Some(u) => (Some(u.user), u.password_hash),
        None => (None, dummy_hash()),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let Some(user) = user.filter(|_| ok) else {
        return Err(AppError::field("password", "email or password is wrong"));
    };
    let accepted = accept(store, invitation.id, Acceptor::Existing(user.id), now).await?;
    let token = open_session(store, &accepted, now).await?;
    Ok(JoinedSession { accepted, token })
}

/// Accepts the invitation of `token` by creating the invited email's
/// account with `name` and `password` (argon2); opens a session in the
/// joined workspace. `Conflict` on `email` when that email has an account
/// (the person signs in instead).
pub async fn accept_as_new_account(
    store: &dyn Store,
    token: &str,
    name: &str,
    password: &str,
    now: DateTime<Utc>,
) -> AppResult<JoinedSession> {
    let invitation = find_by_token(store, token, now).await?;
    let mut problems = Vec::new();
    let name = optional_text("name", Some(name), 100)
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    if let Err(reason) = check_password_strength(password) {
        problems.push(FieldProblem::new("password", reason));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let password = password.to_string();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let accepted = accept(
        store,
        invitation.id,
        Acceptor::NewAccount {
            password_hash,
            name,
        },
        now,
    )
    .await?;
    let token = open_session(store, &accepted, now).await?;
    Ok(JoinedSession { accepted, token })
}

/// The invitations waiting for a signed-in user (asked at sign-in).
pub async fn pending_for(
    store: &dyn Store,
    email: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<Invitation>> {
    Ok(store.invitations_for_email(email, now).await?)
}

/// Accepts one of the invitations waiting for `user`.
pub async fn accept_pending(
    store: &dyn Store,
    user: &User,
    id: InvitationId,
    now: DateTime<Utc>,
) -> AppResult<Accepted> {
    let pending = pending_for(store, &user.email, now).await?;
    if !pending.iter().any(|i| i.id == id) {
        return Err(MemberError::InvitationGone.into());
    }
    accept(store, id, Acceptor::Existing(user.id), now).await
}

/// Declines one of the invitations waiting for `user` (it is deleted).
pub async fn decline_pending(store: &dyn Store, user: &User, id: InvitationId) -> AppResult<()> {
    if !store.decline_invitation(id, &user.email).await? {
        return Err(MemberError::InvitationGone.into());
    }
    // A declined invitation is simply gone: the inviter sees it leave the
    // pending list; the audit log keeps its making.
    Ok(())
}

async fn accept(
    store: &dyn Store,
    id: InvitationId,
    by: Acceptor,
    now: DateTime<Utc>,
) -> AppResult<Accepted> {
    match store.accept_invitation(id, by, now).await {
        Ok(accepted) => {
            audit::record(
                store,
                accepted.workspace.id,
                &Actor::user(&accepted.user),
                Action::InvitationAccepted,
                Subject::Member(accepted.user.id),
                &format!("{} as {}", accepted.user.email, accepted.role),
            )
            .await?;
            Ok(accepted)
        }
        Err(StoreError::NotFound) => Err(MemberError::InvitationGone.into()),
        Err(StoreError::Conflict { .. }) => Err(AppError::Conflict(FieldProblem::new(
            "email",
            "has an account already: sign in with its password to accept",
        ))),
        Err(e) => Err(e.into()),
    }
}

async fn open_session(
    store: &dyn Store,
    accepted: &Accepted,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = new_token();
    store
        .create_session(NewSession {
            token_hash: token_hash(&token),
            user: accepted.user.id,
            workspace: accepted.workspace.id,
            csrf_token: new_token(),
            expires_at: now + Duration::days(SESSION_DAYS),
        })
        .await?;
    Ok(token)
}

/// An argon2 hash of a random password, verified when the email is unknown
/// so both answers take as long.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
        .clone()
}

/// The invitation email in `lang`: who invites, to which workspace, with
/// which role, the link and its expiry.
pub fn invitation_message(
    from: &MailAddress,
    invited: &Invited,
    link: &str,
    inviter: Option<&str>,
    lang: Lang,
) -> Result<Message, String> {
    let inv = &invited.invitation;
    let to: MailAddress = inv
        .email
        .parse()
        .map_err(|e| format!("{} is not an address: {e}", inv.email))?;
    let text = |s: &str| ArgValue::Text(s.to_string());
    let role = i18n::message(lang, &format!("role-{}", inv.role.as_str()), &[]);
    let subject = i18n::message(
        lang,
        "invitation-email-subject",
        &[("workspace", text(&inv.workspace.name))],
    );
    let body = i18n::message(
        lang,
        "invitation-email-body",
        &[
            ("workspace", text(&inv.workspace.name)),
            ("inviter", text(inviter.unwrap_or("churnwise"))),
            ("role", text(&role)),
            ("link", text(link)),
            (
                "expires",
                text(&i18n::date(lang, inv.expires_at.date_naive())),
            ),
        ],
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}

/// Emails the invitation's link through `mailer`; `Err` with the reason
/// when the server did not take it (the link is still shown to the inviter).
pub async fn send_invitation(
    mailer: &dyn SendMail,
    invited: &Invited,
    link: &str,
    inviter: Option<&str>,
    lang: Lang,
) -> Result<(), String> {
    let message = invitation_message(mailer.from(), invited, link, inviter, lang)?;
    mailer.send(message).await
}

/// What `churnwise user add` does for an email and a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorPath {
    /// The workspace is new or has no member yet: the operator sets it up
    /// directly (an existing account keeps its password unless a reset is
    /// asked for explicitly).
    FirstMember {
        /// Whether the email already has an account.
        account_exists: bool,
    },
    /// The email is already a member: its role is set (within the
    /// last-owner rule); its password only changes on an explicit reset.
    AlreadyMember,
    /// The workspace has members and the email is not one: an invitation,
    /// like the settings page.
    Invitation,
}

/// Decides what `churnwise user add` does for `email` in `workspace`.
pub async fn operator_path(
    store: &dyn Store,
    workspace: &str,
    email: &Email,
) -> AppResult<OperatorPath> {
    let Some(ws) = store.find_workspace(workspace).await? else {
        let account_exists = store.find_user_by_email(email.as_str()).await?.is_some();
        return Ok(OperatorPath::FirstMember { account_exists });
    };
    let members = store.workspace_members(ws.id).await?;
    if members.iter().any(|m| m.user.email == email.as_str()) {
        return Ok(OperatorPath::AlreadyMember);
    }
    if members.is_empty() {
        let account_exists = store.find_user_by_email(email.as_str()).await?.is_some();
        return Ok(OperatorPath::FirstMember { account_exists });
    }
    Ok(OperatorPath::Invitation)
}

/// The operator's direct path (first members of a workspace, or a role
/// change of an existing member): creates the workspace when needed, the
/// account when it has none (`password_hash` required then), resets an
/// existing account's password only when `password_hash` is given for it,
/// and sets the role (the last owner stays one).
pub async fn operator_attach(
    store: &dyn Store,
    workspace: &str,
    email: &Email,
    role: Role,
    password_hash: Option<String>,
) -> AppResult<User> {
    let ws = store.ensure_workspace(workspace).await?;
    let user = match (
        store.find_user_by_email(email.as_str()).await?,
        password_hash,
    ) {
        (Some(found), None) => found.user,
        (_, Some(hash)) => store.upsert_user(email.as_str(), &hash).await?,
        (None, None) => {
            return Err(AppError::field(
                "password",
                "a new account needs a password",
            ))
        }
    };
    let members = store.workspace_members(ws.id).await?;
    if members.iter().any(|m| m.user.id == user.id) {
        set_role_checked(store, ws.id, user.id, role, None, &Actor::command_line()).await?;
    } else {
        store.set_membership(user.id, ws.id, role).await?;
        audit::record(
            store,
            ws.id,
            &Actor::command_line(),
            Action::MemberAdded,
            Subject::Member(user.id),
            &format!("{} as {role}", user.email),
        )
        .await?;
    }
    Ok(user)
}
