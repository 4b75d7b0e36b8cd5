//! The storage interface of churnwise: the [`Store`] trait every backend
//! implements, the records it reads and writes, and its errors. No SQL lives
//! here; `churnwise-store-sqlite` and `churnwise-store-postgres` implement it.

mod billing_signals;
mod cancel_flow;
mod cases;
mod client_updates;
mod contact_due;
mod contact_frequency;
mod error;
mod exclusivity;
mod health;
mod import_jobs;
mod invitations;
mod owners;
mod privacy;
mod records;
mod reminders;
mod status;
mod stripe;
mod stripe_sync_job;
mod usage;
mod webhooks;
mod who_leaves;
mod work_log;

pub use billing_signals::*;
pub use cancel_flow::*;
pub use cases::*;
pub use client_updates::*;
pub use contact_due::*;
pub use contact_frequency::*;
pub use error::{RowProblem, StoreError};
pub use exclusivity::*;
pub use health::*;
pub use import_jobs::*;
pub use invitations::*;
pub use owners::*;
pub use privacy::*;
pub use records::*;
pub use reminders::*;
pub use status::*;
pub use stripe::*;
pub use stripe_sync_job::*;
pub use usage::*;
pub use webhooks::*;
pub use who_leaves::*;
pub use work_log::*;

/// A moment in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
/// A calendar date.
pub type Date = chrono::NaiveDate;

use async_trait::async_trait;
use churnwise_domain::history::HistoryEntry;
use churnwise_domain::offboarding::ChecklistTemplates;
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::reasons_matrix::ClosedDeparture;
use churnwise_domain::registry::Role;
use churnwise_domain::workspace_settings::WorkspaceSettings;
use churnwise_domain::Lang;

/// A callback told how many rows of an import are written so far.
pub type Progress = dyn Fn(u64) + Send + Sync;

/// A progress callback that ignores the count.
pub fn no_progress(_rows: u64) {}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything churnwise keeps, scoped by workspace. Every method that takes a
/// [`WorkspaceId`] reads and writes only that workspace's rows: a record of
/// another workspace is reported as absent (`None` / `NotFound`), never shown.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// Short name of the backend (`sqlite` or `postgres`).
    fn backend(&self) -> &'static str;

    // --- workspaces, users, sessions, tokens ---------------------------------

    /// Creates a workspace, or returns the existing one with that name.
    async fn ensure_workspace(&self, name: &str) -> StoreResult<Workspace>;
    /// Finds a workspace by its name.
    async fn find_workspace(&self, name: &str) -> StoreResult<Option<Workspace>>;
    /// Every workspace, by name.
    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>>;
    /// Number of user accounts.
    async fn count_users(&self) -> StoreResult<i64>;
    /// Creates a user, or updates the password hash of the existing one with that email.
    async fn upsert_user(&self, email: &str, password_hash: &str) -> StoreResult<User>;
    /// Finds a user by email, with the password hash.
    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserWithHash>>;
    /// Gives `user` `role` in `workspace` (replacing an earlier role).
    async fn set_membership(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        role: Role,
    ) -> StoreResult<()>;
    /// The workspaces a user belongs to, with the role in each.
    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>>;
    /// Records a session whose cookie hashes to `token_hash`.
    async fn create_session(&self, session: NewSession) -> StoreResult<()>;
    /// The live session whose cookie hashes to `token_hash`.
    async fn find_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<SessionInfo>>;
    /// Moves a session to another workspace the user belongs to.
    async fn switch_session_workspace(
        &self,
        token_hash: &str,
        workspace: WorkspaceId,
    ) -> StoreResult<()>;
    /// Deletes a session (sign-out).
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Records an API token (only its hash).
    async fn create_api_token(&self, token: NewApiToken) -> StoreResult<ApiTokenInfo>;
    /// The access an API token hashing to `token_hash` grants.
    async fn find_api_token(&self, token_hash: &str) -> StoreResult<Option<Access>>;
    /// The API tokens `user` holds for `workspace`, newest first (no secrets).
    async fn list_api_tokens(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<Vec<ApiTokenInfo>>;
    /// Deletes one of `user`'s tokens for `workspace`; false when there was none.
    async fn delete_api_token(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        id: ApiTokenId,
    ) -> StoreResult<bool>;
    /// The users of a workspace with their roles, by email.
    async fn workspace_members(&self, workspace: WorkspaceId) -> StoreResult<Vec<Member>>;

    // --- the client registry ---------------------------------------------------

    /// Creates a client.
    async fn create_client(&self, ws: WorkspaceId, client: NewClient) -> StoreResult<Client>;
    /// One client.
    async fn get_client(&self, ws: WorkspaceId, id: ClientId) -> StoreResult<Option<Client>>;
    /// Finds a client by its id, its external (billing) id or its exact name.
    async fn find_client(&self, ws: WorkspaceId, reference: &str) -> StoreResult<Option<Client>>;
    /// The distinct owners and segments named on the workspace's clients.
    async fn client_facets(&self, ws: WorkspaceId) -> StoreResult<ClientFacets>;
    /// How many clients of the workspace are in each status (statuses with
    /// none are left out), in one grouped count.
    async fn client_status_counts(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<(churnwise_domain::registry::ClientStatus, i64)>>;
    /// A page of clients matching `filter`.
    async fn list_clients(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
    ) -> StoreResult<Page<Client>>;
    /// Changes the given fields of a client.
    async fn update_client(
        &self,
        ws: WorkspaceId,
        id: ClientId,
        patch: ClientPatch,
    ) -> StoreResult<Option<Client>>;
    /// Adds a contact to a client.
    async fn add_contact(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        contact: NewContact,
    ) -> StoreResult<Contact>;
    /// The contacts of a client, primary first.
    async fn list_contacts(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Contact>>;
    /// Adds a subscription segment to a client.
    async fn add_subscription(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        sub: NewSubscription,
    ) -> StoreResult<Subscription>;
    /// The subscription segments of a client, oldest first.
    async fn list_subscriptions(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Subscription>>;
    /// Adds an invoice to a client.
    async fn add_invoice(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        invoice: NewInvoice,
    ) -> StoreResult<Invoice>;
    /// The invoices of a client, by due date.
    async fn list_invoices(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Invoice>>;
    /// Records the payment date of an invoice (or clears it with `None`).
    async fn set_invoice_paid(
        &self,
        ws: WorkspaceId,
        id: InvoiceId,
        paid_on: Option<Date>,
    ) -> StoreResult<Option<Invoice>>;
    /// Logs an interaction with a client.
    async fn log_interaction(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        interaction: NewInteraction,
    ) -> StoreResult<Interaction>;
    /// The interactions of a client, newest first.
    async fn list_interactions(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Interaction>>;

    // --- imports and analytics -------------------------------------------------

    /// Upserts customers by external id, all or nothing.
    async fn import_customers(
        &self,
        ws: WorkspaceId,
        rows: Vec<CustomerImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary>;
    /// Upserts subscription segments by (subscription id, start), all or nothing.
    async fn import_subscriptions(
        &self,
        ws: WorkspaceId,
        rows: Vec<SubscriptionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary>;
    /// Upserts invoices by external id, all or nothing.
    async fn import_invoices(
        &self,
        ws: WorkspaceId,
        rows: Vec<InvoiceImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary>;
    /// The external id of every client of the workspace that has one.
    async fn client_external_ids(&self, ws: WorkspaceId) -> StoreResult<Vec<String>>;
    /// The id of every client of the workspace, whatever its status, in id
    /// order (a whole health run goes through them in chunks).
    async fn all_client_ids(&self, ws: WorkspaceId) -> StoreResult<Vec<ClientId>>;
    /// The ids of the clients of `ws` whose external id is one of
    /// `external_ids` (unknown ones are left out), in no set order.
    async fn client_ids_by_external(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<Vec<ClientId>>;
    /// Everything the metrics engine needs for a workspace.
    async fn metrics_data(&self, ws: WorkspaceId) -> StoreResult<MetricsData>;
    /// A token that changes whenever a client, subscription or invoice of
    /// the workspace is written (kept by triggers in the database, so every
    /// write path counts, in every process): the metrics cache's key.
    async fn data_version(&self, ws: WorkspaceId) -> StoreResult<String>;
    /// Forgets change marks no longer needed to tell versions apart (the
    /// scheduler calls it; a no-op where the version is one counter).
    async fn prune_data_versions(&self) -> StoreResult<()>;
    /// Counts one request against `key` in the fixed window starting at
    /// `window_start` (Unix seconds) and answers the window's count so far,
    /// this one included: the rate limits every server process shares.
    async fn count_request(&self, key: &str, window_start: i64) -> StoreResult<i64>;
    /// Deletes the request counts of windows that started before `before`.
    async fn forget_request_counts(&self, before: i64) -> StoreResult<u64>;

    // --- departure cases -------------------------------------------------------

    /// Stores a newly opened case and its first history entries, in one
    /// transaction; `Conflict` on `client_id` when the client already has an
    /// open case, `NotFound` when the client is not in the workspace. The
    /// client's status becomes `leaving` when it was `active`.
    async fn create_case(&self, ws: WorkspaceId, case: NewCase) -> StoreResult<StoredCase>;
    /// One case.
    async fn get_case(&self, ws: WorkspaceId, id: CaseId) -> StoreResult<Option<StoredCase>>;
    /// The cases matching `filter`, newest notice first.
    async fn list_cases(
        &self,
        ws: WorkspaceId,
        filter: &CaseFilter,
    ) -> StoreResult<Vec<StoredCase>>;
    /// Saves a transition: the new case and its history entries together, in
    /// one transaction, only if the case is still at `expected_version`
    /// (`Conflict` on `version` otherwise). In the same transaction, the
    /// events appended have their effect on the registry: closing as lost or
    /// fired ends the client's running subscription segments after the end
    /// date and makes the client `former`; closing as saved makes a
    /// `leaving` client `active` again; won back makes the client `active`.
    async fn save_case(&self, ws: WorkspaceId, update: CaseUpdate) -> StoreResult<StoredCase>;
    /// The append-only history of a case, oldest first (`NotFound` when the
    /// case is not in the workspace). There is no way to change or remove an
    /// entry.
    async fn case_history(&self, ws: WorkspaceId, id: CaseId) -> StoreResult<Vec<HistoryEntry>>;
    /// The survey link whose token hashes to `token_hash`, in any workspace
    /// (the public survey page has no login).
    async fn find_survey_link(&self, token_hash: &str) -> StoreResult<Option<SurveyLink>>;
    /// Cases with follow-up work due on or before `until`: a win-back
    /// follow-up, an open retention promise or an open corrective action.
    async fn cases_with_due_work(
        &self,
        ws: WorkspaceId,
        until: Date,
    ) -> StoreResult<Vec<StoredCase>>;
    /// Every closed lost or fired case as the reasons matrix needs it (with
    /// the client's segment, owner and plan at the end date).
    async fn closed_departures(&self, ws: WorkspaceId) -> StoreResult<Vec<ClosedDeparture>>;
    /// The workspace's reason list (the built-in default, version 0, until
    /// it is first saved).
    async fn reason_list(&self, ws: WorkspaceId) -> StoreResult<Versioned<ReasonList>>;
    /// Saves the reason list if it is still at `expected_version`.
    async fn save_reason_list(
        &self,
        ws: WorkspaceId,
        list: &ReasonList,
        expected_version: i64,
    ) -> StoreResult<Versioned<ReasonList>>;
    /// The workspace's checklist templates (the built-in default, version 0,
    /// until first saved).
    async fn checklist_templates(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Versioned<ChecklistTemplates>>;
    /// Saves the checklist templates if they are still at `expected_version`.
    async fn save_checklist_templates(
        &self,
        ws: WorkspaceId,
        templates: &ChecklistTemplates,
        expected_version: i64,
    ) -> StoreResult<Versioned<ChecklistTemplates>>;
    // --- settings and profiles -------------------------------------------------

    /// The workspace's settings (the defaults, version 0, until first saved).
    async fn workspace_settings(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Versioned<WorkspaceSettings>>;
    /// Saves the workspace's settings if they are still at `expected_version`.
    async fn save_workspace_settings(
        &self,
        ws: WorkspaceId,
        settings: &WorkspaceSettings,
        expected_version: i64,
    ) -> StoreResult<Versioned<WorkspaceSettings>>;
    /// Changes a user's display name and language (`None` leaves a field,
    /// `Some(None)` clears it).
    async fn update_user_profile(
        &self,
        user: UserId,
        name: Option<Option<String>>,
        lang: Option<Option<Lang>>,
    ) -> StoreResult<User>;

    // --- health, alerts and digests --------------------------------------------

    /// The facts behind the health score of every active or leaving client,
    /// as of `today`, with complaints and incidents counted over the
    /// `lookback_days` before it.
    async fn health_facts(
        &self,
        ws: WorkspaceId,
        today: Date,
        lookback_days: u32,
    ) -> StoreResult<Vec<ClientHealthFacts>>;
    /// Stores freshly computed scores and applies the alert rule in one
    /// transaction: a client at risk without a live alert (open,
    /// acknowledged or snoozed) raises one (a partial unique index keeps it
    /// to one even under concurrent runs), a recovered client's live alert
    /// is resolved, snoozed alerts whose day has
    /// come are open again, and scores of clients not in `scores` are removed.
    async fn record_health(
        &self,
        ws: WorkspaceId,
        today: Date,
        scores: Vec<NewHealth>,
    ) -> StoreResult<HealthRunSummary>;
    /// The latest stored scores, lowest first.
    async fn list_health(
        &self,
        ws: WorkspaceId,
        filter: &HealthFilter,
    ) -> StoreResult<Vec<StoredHealth>>;
    /// Alerts matching `filter`, newest first.
    async fn list_alerts(&self, ws: WorkspaceId, filter: &AlertFilter) -> StoreResult<Vec<Alert>>;
    /// One alert.
    async fn get_alert(&self, ws: WorkspaceId, id: AlertId) -> StoreResult<Option<Alert>>;
    /// Takes (and forgets) at most `limit` of the clients whose health facts
    /// changed through a write that did not rescore them (usage events,
    /// marked in the same transaction); the scheduler rescores them.
    async fn take_health_stale(&self, ws: WorkspaceId, limit: i64) -> StoreResult<Vec<ClientId>>;
    /// Acknowledges, snoozes or links an alert to a case (`Conflict` on
    /// `status` when it is no longer live: resolved or turned into a case).
    async fn update_alert(
        &self,
        ws: WorkspaceId,
        id: AlertId,
        action: AlertAction,
        by: &str,
    ) -> StoreResult<Option<Alert>>;
    /// Takes or renews the lease on `job` for `holder` until `now + ttl`;
    /// false while another holder's lease has not expired.
    async fn try_lease(
        &self,
        job: &str,
        holder: &str,
        now: Timestamp,
        ttl: std::time::Duration,
    ) -> StoreResult<bool>;
    /// Gives up `holder`'s lease on `job`.
    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()>;
    /// Claims the digest of `user` for `run_on`: true when this caller may
    /// send it (no delivery yet, or a failed one with attempts left); false
    /// when it was sent, is being sent, or ran out of attempts.
    async fn claim_delivery(
        &self,
        ws: WorkspaceId,
        user: UserId,
        run_on: Date,
        items: i32,
    ) -> StoreResult<Option<DeliveryId>>;
    /// Records how a claimed delivery ended: `Ok` sent, `Err` failed with
    /// the reason.
    async fn finish_delivery(&self, id: DeliveryId, result: Result<(), String>) -> StoreResult<()>;
    /// The deliveries of a day in a workspace.
    async fn list_deliveries(&self, ws: WorkspaceId, run_on: Date) -> StoreResult<Vec<Delivery>>;

    // --- Backups (issue #11, operating the server: the "writes" part)

    /// Writes a consistent copy of the whole database into the new file
    /// `path` while others keep reading and writing (SQLite: `VACUUM INTO`
    /// from one read snapshot), then checks the copy's integrity. `path`
    /// must not exist. `Ok(false)` when this backend has no file copy
    /// (PostgreSQL: `pg_dump` does that job).
    async fn backup_to_file(&self, path: &std::path::Path) -> StoreResult<bool>;

    // --- sign-in throttling (issue #11, websec): shared by every server
    // process on the database; the rule lives in churnwise_app::throttle.

    /// The throttle state of each of `keys` that has one.
    async fn sign_in_throttle(&self, keys: &[String]) -> StoreResult<Vec<ThrottleState>>;
    /// Counts one failed sign-in against `key` at `now`, atomically (two
    /// processes counting at once both count): the count restarts at 1
    /// when the current count began before `window_start`. Returns the
    /// state after counting.
    async fn record_sign_in_failure(
        &self,
        key: &str,
        now: Timestamp,
        window_start: Timestamp,
    ) -> StoreResult<ThrottleState>;
    /// Locks `key` until `until` as its `locks`-th lock, and restarts its
    /// count of failures at `now`.
    async fn lock_sign_in(
        &self,
        key: &str,
        now: Timestamp,
        until: Timestamp,
        locks: i64,
    ) -> StoreResult<()>;
    /// Forgets the failures and locks of `key` (after a good sign-in).
    async fn clear_sign_in_throttle(&self, key: &str) -> StoreResult<()>;
    /// Forgets every key whose count began and whose lock ended before
    /// `before`; returns how many were forgotten.
    async fn purge_sign_in_throttle(&self, before: Timestamp) -> StoreResult<u64>;

    // --- invitations (issue 11: members are invited, not attached) -------------

    /// Records an invitation, replacing a pending one for the same email in
    /// the same workspace (its old link stops working).
    async fn create_invitation(&self, invitation: NewInvitation) -> StoreResult<Invitation>;
    /// The workspace's pending invitations, expired ones included, newest first.
    async fn list_invitations(&self, ws: WorkspaceId) -> StoreResult<Vec<Invitation>>;
    /// The invitation whose token hashes to `token_hash`, in any workspace
    /// (the invitation page needs no login), expired or not.
    async fn find_invitation(&self, token_hash: &str) -> StoreResult<Option<Invitation>>;
    /// The invitations for `email` still valid at `now`, in every workspace.
    async fn invitations_for_email(
        &self,
        email: &str,
        now: Timestamp,
    ) -> StoreResult<Vec<Invitation>>;
    /// Deletes an invitation of the workspace; false when there was none.
    async fn revoke_invitation(&self, ws: WorkspaceId, id: InvitationId) -> StoreResult<bool>;
    /// Deletes the invitation `id` made for `email` (declined by that
    /// person); false when there was none.
    async fn decline_invitation(&self, id: InvitationId, email: &str) -> StoreResult<bool>;
    /// Accepts invitation `id` in one transaction: deletes it (only while it
    /// is valid at `now`, else `NotFound`), creates the account when
    /// `by` is a new one (`Conflict` on `email` when that email has an
    /// account) and gives the account the invitation's role (an existing
    /// membership keeps its role).
    async fn accept_invitation(
        &self,
        id: InvitationId,
        by: Acceptor,
        now: Timestamp,
    ) -> StoreResult<Accepted>;

    // --- audit log and personal data (issue #11, part "privacy") ------------

    /// Appends an entry to the workspace's audit log.
    async fn record_audit(&self, ws: WorkspaceId, entry: NewAuditEntry) -> StoreResult<()>;
    /// A page of the workspace's audit log, newest first.
    async fn list_audit(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<AuditEntry>>;
    /// The audit entries about one client, oldest first.
    async fn client_audit(&self, ws: WorkspaceId, client: ClientId)
        -> StoreResult<Vec<AuditEntry>>;
    /// Erases the personal data of a client in one transaction: its name
    /// becomes `erased-ID`, its notes, its contacts (name, role, email,
    /// phone), its interactions' notes, the free texts of its cases and of
    /// their history, and the details of the audit entries about it are
    /// replaced; amounts, dates, statuses and reasons stay. `audit` is
    /// appended in the same transaction. `NotFound` when the client is not
    /// in the workspace. The SQLite backend then checkpoints its WAL, so the
    /// old texts are not left in the files (with `secure_delete` on, freed
    /// space is zeroed).
    async fn erase_client(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        audit: NewAuditEntry,
    ) -> StoreResult<ErasureSummary>;
    /// When a client's personal data was erased, if it was.
    async fn client_erased_at(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Timestamp>>;
    /// Former clients not yet erased, with no running subscription, whose
    /// last segment ended (or, without segments, whose last case ended)
    /// before `before`.
    async fn former_clients_left_before(
        &self,
        ws: WorkspaceId,
        before: Date,
    ) -> StoreResult<Vec<ClientId>>;

    // --- bounded inputs (issue #11, helper "inputs"): paged case
    // summaries and the purge of expired sessions.

    /// One page of case summaries matching `filter` (no documents), newest
    /// notice first; `page` from 1, `per_page` 1 to 500.
    async fn case_summaries(
        &self,
        ws: WorkspaceId,
        filter: &CaseFilter,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<CaseSummary>>;
    /// Deletes the sessions that expired at or before `now`; how many went.
    async fn purge_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;

    // --- entry --- (issue #12, helper "entry"): a client's records changed
    // or removed from the pages, the API and the CLI.

    /// Replaces every field of subscription segment `id` of `client`; `None`
    /// when there is no such segment of that client in `ws`; `Conflict` on
    /// `started_on` when another segment of the subscription starts that day.
    async fn update_subscription(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: SubscriptionId,
        sub: NewSubscription,
    ) -> StoreResult<Option<Subscription>>;
    /// Replaces every field of contact `id` of `client` (a primary contact
    /// makes the client's others not primary); `None` when there is none.
    async fn update_contact(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ContactId,
        contact: NewContact,
    ) -> StoreResult<Option<Contact>>;
    /// Removes contact `id` of `client`; false when there was none.
    async fn remove_contact(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ContactId,
    ) -> StoreResult<bool>;

    // --- status ---

    /// Brings the stored status of the `clients` of `ws` (every client when
    /// `None`) in line with the rule of `churnwise_domain::client_status` as
    /// of `today`, in one statement; a status set by hand stays. How many
    /// clients changed.
    async fn refresh_client_statuses(
        &self,
        ws: WorkspaceId,
        clients: Option<&[ClientId]>,
        today: Date,
    ) -> StoreResult<u64>;
    /// The contact facts of every former client of `ws` as of `today`, for
    /// a due list that includes former clients.
    async fn former_contact_facts(
        &self,
        ws: WorkspaceId,
        today: Date,
    ) -> StoreResult<Vec<ContactFacts>>;
    /// The contact facts of every active or leaving client of `ws` as of
    /// `today` (the due list's clients due for a contact), ordered by id.
    async fn current_contact_facts(
        &self,
        ws: WorkspaceId,
        today: Date,
    ) -> StoreResult<Vec<ContactFacts>>;
    /// For each stored status of the clients of `ws`, how many have a
    /// segment running on `day`, paying or free only (the dashboard's
    /// reconciliation of statuses with the metrics' customers).
    async fn running_by_status(
        &self,
        ws: WorkspaceId,
        day: Date,
    ) -> StoreResult<Vec<RunningByStatus>>;

    // --- owners ---
    // (issue 12: scores right after data changes; owners are users)

    /// [`Store::health_facts`] for the active or leaving clients among
    /// `clients` only (others, and ids of other workspaces, are skipped).
    /// Each id is a bound parameter: callers pass at most a few thousand.
    async fn health_facts_of(
        &self,
        ws: WorkspaceId,
        today: Date,
        lookback_days: u32,
        clients: &[ClientId],
    ) -> StoreResult<Vec<ClientHealthFacts>>;
    /// [`Store::record_health`] for `clients` only: their scores are written
    /// (or removed when not in `scores`) and the alert rule is applied to
    /// them; no other client's score or alert is touched.
    async fn record_health_of(
        &self,
        ws: WorkspaceId,
        today: Date,
        clients: &[ClientId],
        scores: Vec<NewHealth>,
    ) -> StoreResult<HealthRunSummary>;
    /// The owner names written on the clients of `ws` (blank ones left out),
    /// one per [`owner_key`], with how many clients carry each, by name.
    async fn owner_names(&self, ws: WorkspaceId) -> StoreResult<Vec<OwnerName>>;
    /// The owner names of `ws` mapped to a member, by name.
    async fn owner_mappings(&self, ws: WorkspaceId) -> StoreResult<Vec<OwnerMapping>>;
    /// Maps the owner `name` (compared by [`owner_key`]) to `user`, replacing
    /// an earlier mapping, or removes its mapping (`None`).
    async fn map_owner(&self, ws: WorkspaceId, name: &str, user: Option<UserId>)
        -> StoreResult<()>;
    /// [`Store::list_clients`] with the owner filter replaced by a set of
    /// owner spellings (as [`Store::owner_names`] gives them): a member's
    /// clients by every name that means them.
    async fn list_clients_owned_by(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: &[String],
    ) -> StoreResult<Page<Client>>;

    // --- import ---
    // Imports from the browser and the API (issue 12): jobs and saved
    // column mappings.

    /// Creates the job of an uploaded file.
    async fn create_import_job(&self, ws: WorkspaceId, job: NewImportJob)
        -> StoreResult<ImportJob>;
    /// One job of the workspace; `NotFound` when absent.
    async fn import_job(&self, ws: WorkspaceId, id: ImportJobId) -> StoreResult<ImportJob>;
    /// Changes a job's state and counts at `now`; `NotFound` when absent.
    async fn update_import_job(
        &self,
        ws: WorkspaceId,
        id: ImportJobId,
        change: ImportJobUpdate,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// The mapping saved for files of `kind` with exactly these `headers`
    /// (a key made of the file's normalised headers), as JSON.
    async fn saved_import_mapping(
        &self,
        ws: WorkspaceId,
        kind: &str,
        headers: &str,
    ) -> StoreResult<Option<String>>;
    /// Saves (or replaces) the mapping for files of `kind` with these `headers`.
    async fn save_import_mapping(
        &self,
        ws: WorkspaceId,
        kind: &str,
        headers: &str,
        mapping: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// The natural keys already stored for an import of `kind`, to tell new
    /// rows from updates before writing: customers by external id,
    /// subscriptions by `subscription_ref` + `\u{1f}` + `started_on`,
    /// invoices by `invoice_ref`.
    async fn import_keys(&self, ws: WorkspaceId, kind: &str) -> StoreResult<Vec<String>>;
    /// Writes contacts in one transaction: a row naming an unknown client
    /// refuses them all (`Invalid` with the lines); a contact of the same
    /// client with the same email (else name) is updated, others added.
    async fn import_contacts(
        &self,
        ws: WorkspaceId,
        rows: Vec<ContactImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary>;
    /// Writes interactions in one transaction (unknown clients refuse them
    /// all); a row equal to a stored interaction is skipped, so importing
    /// the same file again changes nothing (counted as `updated`).
    async fn import_interactions(
        &self,
        ws: WorkspaceId,
        rows: Vec<InteractionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary>;

    // --- dash ---
    /// [`Store::list_clients`] (with `owners`, [`Store::list_clients_owned_by`])
    /// with each client's latest health score and its MRR on `day`, computed
    /// in the same query: one round trip per page, whatever the page size.
    async fn list_client_rows(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: Option<&[String]>,
        day: Date,
    ) -> StoreResult<Page<ClientRow>>;
    // --- reminders ---
    /// A client's billing preferences (the defaults when never set);
    /// `NotFound` for a client of another workspace.
    async fn client_billing(&self, ws: WorkspaceId, client: ClientId)
        -> StoreResult<ClientBilling>;
    /// Saves a client's billing preferences; `NotFound` when the client, or
    /// the billing contact among the client's contacts, is not there.
    async fn set_client_billing(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        billing: &ClientBilling,
    ) -> StoreResult<()>;
    /// Records (or with `None` clears) a promise to pay on an invoice;
    /// `NotFound` for an invoice of another workspace.
    async fn set_invoice_promise(
        &self,
        ws: WorkspaceId,
        invoice: InvoiceId,
        promised_on: Option<Date>,
    ) -> StoreResult<()>;
    /// The promises recorded on a client's invoices.
    async fn invoice_promises(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<InvoicePromise>>;
    /// Unpaid invoices due on or before `due_by` of clients whose reminders
    /// are not paused, by id after `after`, at most `limit` (1–1000).
    async fn reminder_candidates(
        &self,
        ws: WorkspaceId,
        due_by: Date,
        after: Option<InvoiceId>,
        limit: u32,
    ) -> StoreResult<Vec<ReminderCandidate>>;
    /// Claims the reminder of `step` for `invoice` before sending it: `None`
    /// when it is already claimed (sent, being sent, or failed three times);
    /// a failed one is claimed again.
    async fn claim_reminder(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        invoice: InvoiceId,
        step: i32,
        run_on: Date,
    ) -> StoreResult<Option<ReminderSendId>>;
    /// Marks a claimed reminder sent, or failed with the reason.
    async fn finish_reminder(
        &self,
        id: ReminderSendId,
        result: Result<(), String>,
    ) -> StoreResult<()>;
    /// Reminders claimed, newest first.
    async fn list_reminder_sends(
        &self,
        ws: WorkspaceId,
        filter: &ReminderSendFilter,
    ) -> StoreResult<Vec<ReminderSend>>;
    // --- stripe ---
    // Stripe sync and webhooks (issue 15).

    /// The Stripe connection of `ws`, if one was ever set.
    async fn stripe_connection(&self, ws: WorkspaceId) -> StoreResult<Option<StripeConnection>>;
    /// The connection whose webhook endpoint id is `endpoint_id`.
    async fn stripe_connection_by_endpoint(
        &self,
        endpoint_id: &str,
    ) -> StoreResult<Option<StripeConnection>>;
    /// Writes the connection of `connection.ws` (created or replaced, the
    /// last sync report kept as given).
    async fn save_stripe_connection(&self, connection: &StripeConnection) -> StoreResult<()>;
    /// Sets the last sync report (JSON) of `ws`'s connection.
    async fn set_stripe_last_sync(&self, ws: WorkspaceId, report: &str) -> StoreResult<()>;
    /// Whether the event `event_id` (made at `created`, Unix seconds, about
    /// `object_id`) was applied, is older than the last applied to the same
    /// object, or is fresh.
    async fn check_stripe_event(
        &self,
        ws: WorkspaceId,
        event_id: &str,
        object_id: &str,
        created: i64,
    ) -> StoreResult<StripeEventCheck>;
    /// Records the event as applied (once) and `created` as the last event
    /// time of `object_id` (never moved back), at `now`.
    async fn record_stripe_event(
        &self,
        ws: WorkspaceId,
        event_id: &str,
        object_id: &str,
        created: i64,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// The segments recorded for the subscriptions `refs` (every one with an
    /// external id when `None`), by ref then start.
    async fn recorded_segments(
        &self,
        ws: WorkspaceId,
        refs: Option<&[String]>,
    ) -> StoreResult<Vec<RecordedSegment>>;
    /// Writes whole subscriptions, in one transaction: for each ref of
    /// `refs`, its segments whose start is not among `rows` are removed,
    /// then `rows` are upserted by (ref, start) as an import does (other
    /// columns, such as a notice period set by hand, are kept).
    async fn replace_subscription_segments(
        &self,
        ws: WorkspaceId,
        refs: &[String],
        rows: Vec<SubscriptionImport>,
    ) -> StoreResult<ImportSummary>;
    /// Removes the invoices with these external ids (voided in the billing
    /// system, with their reminders and promises); how many there were.
    async fn remove_invoices_by_ref(&self, ws: WorkspaceId, refs: &[String]) -> StoreResult<u64>;

    // --- billing page (issue 15) ---
    // "Sync now" on Settings → Billing and `churnwise stripe sync`: one
    // Stripe sync per workspace at a time across processes, its progress
    // and end visible to every process.

    /// Claims the Stripe sync of `ws` for `claim` (a random token), in one
    /// conditional write: true when no sync of `ws` is running, or the
    /// running one gave no sign of life since `dead_before`; false (nothing
    /// changed) when another runs.
    async fn claim_stripe_sync(
        &self,
        ws: WorkspaceId,
        claim: &str,
        started_by: &str,
        now: Timestamp,
        dead_before: Timestamp,
    ) -> StoreResult<bool>;
    /// Records how far the sync held by `claim` is (objects of `kind` read),
    /// as a sign of life at `now`; false when `claim` no longer holds it.
    async fn stripe_sync_progress(
        &self,
        ws: WorkspaceId,
        claim: &str,
        kind: &str,
        read: i64,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Ends the sync held by `claim`: finished, or failed with `error`;
    /// false when `claim` no longer holds it.
    async fn finish_stripe_sync(
        &self,
        ws: WorkspaceId,
        claim: &str,
        error: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// The sync of `ws` that runs or ran last, if any ever ran.
    async fn stripe_sync_job(&self, ws: WorkspaceId) -> StoreResult<Option<StripeSyncJob>>;

    // --- billing signals (issue 15) ---
    // Stripe cancellations and failed payments (helper "signals").

    /// Records a billing signal, or updates the one of the same kind and
    /// reference (client, ends_on and amount replaced; the earlier day
    /// kept; a dismissal kept).
    async fn record_billing_signal(
        &self,
        ws: WorkspaceId,
        signal: &NewBillingSignal,
    ) -> StoreResult<BillingSignalId>;
    /// Removes the signal of `kind` and `reference` (a cancellation undone);
    /// answers its client, or none when there was none.
    async fn withdraw_billing_signal(
        &self,
        ws: WorkspaceId,
        kind: BillingSignalKind,
        reference: &str,
    ) -> StoreResult<Option<ClientId>>;
    /// One billing signal of `ws`.
    async fn billing_signal(
        &self,
        ws: WorkspaceId,
        id: BillingSignalId,
    ) -> StoreResult<Option<BillingSignal>>;
    /// Marks a signal dismissed on `on` by `by`; `NotFound` when it is not
    /// a signal of `ws`.
    async fn dismiss_billing_signal(
        &self,
        ws: WorkspaceId,
        id: BillingSignalId,
        by: &str,
        on: Date,
    ) -> StoreResult<()>;
    /// The signals that may be due: cancellations of `cancelled_since` or
    /// later not dismissed, and failed payments whose invoice (by its ref)
    /// is recorded and unpaid.
    async fn billing_signals_due(
        &self,
        ws: WorkspaceId,
        cancelled_since: Date,
    ) -> StoreResult<Vec<BillingSignalDue>>;

    // --- usage (issue 18) ---
    // Usage events summed into daily totals, and the usage metrics.

    /// The clients of `ws` among `external_ids`, by external id (absent
    /// ids are left out).
    async fn clients_by_external_id(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ClientId>>;
    /// The former clients of `ws` among `external_ids`, by external id.
    async fn former_clients_by_external_id(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ClientId>>;
    /// Adds `events` to the daily totals in one transaction: an event whose
    /// id was seen before (or earlier in `events`) is a duplicate and adds
    /// nothing; a metric key not seen before is created (label = key,
    /// higher is better).
    async fn record_usage(
        &self,
        ws: WorkspaceId,
        events: &[UsageEvent],
    ) -> StoreResult<UsageRecorded>;
    /// The usage metrics of `ws`, by key.
    async fn usage_metrics(&self, ws: WorkspaceId) -> StoreResult<Vec<UsageMetric>>;
    /// Creates or replaces one usage metric.
    async fn put_usage_metric(&self, ws: WorkspaceId, metric: &UsageMetric) -> StoreResult<()>;
    /// The daily totals of one client from `from` to `to` (both included),
    /// by metric and day.
    async fn usage_days(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<UsageDay>>;
    // --- usage in the pages (issue 18) ---
    /// Each of `clients`' use of each metric as of `today`, as the usage
    /// health signal reads it (clients without usage data are absent).
    async fn usage_trends_of(
        &self,
        ws: WorkspaceId,
        today: Date,
        clients: &[ClientId],
    ) -> StoreResult<std::collections::HashMap<ClientId, Vec<churnwise_domain::health::UsageTrend>>>;
    /// Deletes the kept usage event ids (of every workspace) dated before
    /// `before`; returns how many went.
    async fn prune_usage_event_ids(&self, before: Date) -> StoreResult<u64>;

    // --- outhooks (helper) ---
    // Outgoing webhooks (issue 17, spec/integrations.md §3): endpoints, the
    // outbox and its deliveries. Events are written by the store methods
    // that make the change (create_client, refresh_client_statuses,
    // create_case, save_case, record_health, mark_overdue_invoices), in
    // their own transaction; `emit_event` is for a change with no
    // transaction to share.

    /// Adds an endpoint, unless `ws` already has `max` of them
    /// (`Conflict` on `url` then).
    async fn create_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        endpoint: &NewWebhookEndpoint,
        max: i64,
    ) -> StoreResult<WebhookEndpoint>;
    /// One page of the endpoints of `ws`, oldest first.
    async fn list_webhook_endpoints(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<WebhookEndpoint>>;
    /// One endpoint of `ws`.
    async fn get_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> StoreResult<Option<WebhookEndpoint>>;
    /// Deletes an endpoint of `ws` with its deliveries; false when absent.
    async fn delete_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> StoreResult<bool>;
    /// Writes an event of `event_type` with `data` to the outbox, with one
    /// delivery per endpoint of `ws` that receives it (nothing at all when
    /// none does); its public id, if written.
    async fn emit_event(
        &self,
        ws: WorkspaceId,
        event_type: &str,
        data: &serde_json::Value,
        now_ms: i64,
    ) -> StoreResult<Option<String>>;
    /// Claims up to `limit` deliveries due at `now_ms` (pending, next
    /// attempt passed, no live lease) until `lease_until_ms`, each by a
    /// conditional update, so two processes never claim the same one.
    async fn claim_webhook_deliveries(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Records an attempt of a claimed delivery and what becomes of it, in
    /// one transaction (the lease ends).
    async fn finish_webhook_attempt(
        &self,
        id: WebhookDeliveryId,
        attempt: &WebhookAttempt,
        next: DeliveryNext,
    ) -> StoreResult<()>;
    /// One page of the attempts of `ws`, newest first.
    async fn webhook_delivery_log(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<DeliveryLogEntry>>;
    /// Marks the unpaid invoices of `ws` due before `today` as seen overdue,
    /// once each, and writes an `invoice.overdue` event for those due on or
    /// after `events_since` (older ones are history, not news); how many
    /// were marked.
    async fn mark_overdue_invoices(
        &self,
        ws: WorkspaceId,
        today: Date,
        events_since: Date,
        now_ms: i64,
    ) -> StoreResult<u64>;

    // --- cancel (helper) ---
    // The self-service cancel page (issue 17, migration 0022).

    /// The cancel page of `ws`, if one was made.
    async fn cancel_page(&self, ws: WorkspaceId) -> StoreResult<Option<CancelPage>>;
    /// The cancel page whose public id is `public_id`, of any workspace.
    async fn cancel_page_by_public_id(&self, public_id: &str) -> StoreResult<Option<CancelPage>>;
    /// Creates or replaces the cancel page of `page.ws`.
    async fn save_cancel_page(&self, page: &CancelPage) -> StoreResult<()>;
    /// Records that the link (`customer`, `link_ts`) was opened (once: a
    /// second opening keeps the first) and answers its session.
    async fn open_cancel_session(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        customer: &str,
        link_ts: i64,
        at: Timestamp,
    ) -> StoreResult<CancelSession>;
    /// Marks the session of the link decided with `completion`, unless it
    /// already was: true when this call decided it.
    async fn claim_cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
        completion: &CancelCompletion,
    ) -> StoreResult<bool>;
    /// Undoes a claim whose recording failed, so the customer may try again.
    async fn release_cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
    ) -> StoreResult<()>;
    /// Sets the case a decided session was recorded on and any Stripe error.
    async fn finish_cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
        case: Option<CaseId>,
        stripe_error: Option<&str>,
    ) -> StoreResult<()>;
    /// The variant of `reason` given to `customer`: the stored one, else
    /// `proposed`, stored now.
    async fn cancel_variant(
        &self,
        ws: WorkspaceId,
        customer: &str,
        reason: &str,
        proposed: &str,
    ) -> StoreResult<String>;
    /// The sessions of `ws` opened from `from` (included) to `to` (excluded).
    async fn cancel_sessions_between(
        &self,
        ws: WorkspaceId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<CancelSession>>;

    // --- survival (helper) ---
    /// The closed lost or fired departure cases of `ws` whose last day is
    /// from `from` to `to` (both included), with the client's name and
    /// warning signs, by last day; at most `limit`.
    async fn departures_between(
        &self,
        ws: WorkspaceId,
        from: Date,
        to: Date,
        limit: i64,
    ) -> StoreResult<Vec<PeriodDeparture>>;

    // --- stripe-cancel ---
    /// The cancel page sessions of `ws` recorded on the departure case
    /// `case`, newest first; at most `limit`.
    async fn cancel_sessions_of_case(
        &self,
        ws: WorkspaceId,
        case: CaseId,
        limit: i64,
    ) -> StoreResult<Vec<CancelSession>>;
    /// The delivery log of `ws` (of one endpoint when given), newest
    /// attempt first: the window `offset..offset + limit` (limit at most
    /// 500) and how many lines there are in all.
    async fn webhook_delivery_log_window(
        &self,
        ws: WorkspaceId,
        endpoint: Option<WebhookEndpointId>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<DeliveryLogEntry>, u64)>;
    // --- usage-finish ---
    /// Each metric's totals within each of `windows` (at most 1,000, all
    /// of clients of `ws`), in one grouped query; metrics without a row
    /// in a window are left out.
    async fn usage_window_totals(
        &self,
        ws: WorkspaceId,
        windows: &[UsageWindow],
    ) -> StoreResult<Vec<UsageWindowTotal>>;
    /// Deletes the daily usage totals (of every workspace) dated before
    /// `before`; returns how many went.
    async fn prune_usage_days(&self, before: Date) -> StoreResult<u64>;
    // --- worklog ---
    // The work log of a client (issue 16, migration 0025).

    /// Adds a work-log entry to a client of `ws` (`NotFound` when absent).
    async fn add_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        entry: &NewWorkEntry,
    ) -> StoreResult<WorkEntry>;
    /// One work-log entry of a client of `ws`.
    async fn get_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
    ) -> StoreResult<Option<WorkEntry>>;
    /// Replaces the fields of a work-log entry; `None` when absent.
    async fn update_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
        entry: &NewWorkEntry,
    ) -> StoreResult<Option<WorkEntry>>;
    /// Deletes a work-log entry; false when absent.
    async fn delete_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
    ) -> StoreResult<bool>;
    /// One page of a client's work log (only what the client may see when
    /// `client_visible_only`), newest first (`NotFound` when no client).
    async fn list_work_entries(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        client_visible_only: bool,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<WorkEntry>>;
    /// Writes imported entries in one transaction; a row naming an unknown
    /// customer refuses them all (`Invalid` with the lines); a row equal to
    /// a stored entry (same client, day and title) is skipped (counted as
    /// `updated`), so importing a file again adds nothing.
    async fn import_work_entries(
        &self,
        ws: WorkspaceId,
        rows: Vec<WorkEntryImport>,
    ) -> StoreResult<ImportSummary>;
    // --- exclusivity ---
    // Exclusivities of clients (issue 16, migration 0027).

    /// Adds an exclusivity held by a client of `ws` (`NotFound` when absent).
    async fn add_exclusivity(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        exclusivity: &Exclusivity,
        now_ms: i64,
    ) -> StoreResult<StoredExclusivity>;
    /// One exclusivity held by a client of `ws`.
    async fn get_exclusivity(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ExclusivityId,
    ) -> StoreResult<Option<StoredExclusivity>>;
    /// One page of the exclusivities a client holds, latest start first
    /// (`NotFound` when no client).
    async fn list_exclusivities(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<StoredExclusivity>>;
    /// Deletes an exclusivity of a client; false when absent.
    async fn delete_exclusivity(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ExclusivityId,
    ) -> StoreResult<bool>;
    /// The exclusivities of `ws` in force on `probe.day` that a client of
    /// that name and segment falls inside (never one held by
    /// `probe.except`), at most `limit`, oldest first.
    async fn exclusivities_covering(
        &self,
        ws: WorkspaceId,
        probe: &ExclusivityProbe,
        limit: u32,
    ) -> StoreResult<Vec<StoredExclusivity>>;
    /// The clients of `ws` (not erased) falling inside an exclusivity held
    /// by `holder` in force on `day`, at most `limit`, by name.
    async fn clients_inside_exclusivities(
        &self,
        ws: WorkspaceId,
        holder: ClientId,
        day: Date,
        limit: u32,
    ) -> StoreResult<Vec<ClientInside>>;
    // --- updates (issue 16) ---
    // Client updates and the services catalogue (migration 0028).

    /// A client's own update cadence, if set.
    async fn client_update_cadence(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Cadence>>;
    /// Sets (or with `None` clears) a client's own update cadence
    /// (`NotFound` when no client).
    async fn set_client_update_cadence(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        cadence: Option<Cadence>,
    ) -> StoreResult<()>;
    /// The active clients of `ws` (not erased) with an id above `after`,
    /// at most `limit` (1–1,000), by id, with what the due list of updates
    /// needs.
    async fn update_candidates(
        &self,
        ws: WorkspaceId,
        after: ClientId,
        limit: u32,
    ) -> StoreResult<Vec<UpdateCandidate>>;
    /// The day of a client's last sent update.
    async fn last_client_update_on(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Date>>;
    /// Stores an update as sent and, in the same transaction, records its
    /// suggested service as offered to the client (`NotFound` when no
    /// client or no such service).
    async fn add_client_update(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        update: &NewClientUpdate,
    ) -> StoreResult<ClientUpdate>;
    /// One page of a client's sent updates, newest first (`NotFound` when
    /// no client).
    async fn list_client_updates(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<ClientUpdate>>;
    /// Adds a service to the catalogue (`Conflict` on `name` when taken).
    async fn add_service(&self, ws: WorkspaceId, service: &NewService) -> StoreResult<Service>;
    /// Replaces a service's fields; `None` when absent.
    async fn update_service(
        &self,
        ws: WorkspaceId,
        id: ServiceId,
        service: &NewService,
    ) -> StoreResult<Option<Service>>;
    /// One service of the catalogue.
    async fn get_service(&self, ws: WorkspaceId, id: ServiceId) -> StoreResult<Option<Service>>;
    /// One page of the catalogue (only active services when `active_only`),
    /// by name.
    async fn list_services(
        &self,
        ws: WorkspaceId,
        active_only: bool,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<Service>>;
    /// Where a client stands with each service it buys or was offered (at
    /// most 1,000), by service id.
    async fn client_services(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<ClientService>>;
    /// Marks whether a client buys a service (`NotFound` when no client or
    /// no such service).
    async fn set_client_buys(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        service: ServiceId,
        buys: bool,
    ) -> StoreResult<ClientService>;
    /// Records the client's answer to an offer not yet answered (accepted:
    /// it now buys the service); `None` when the service was not offered
    /// to the client or the offer was answered already.
    async fn answer_service_offer(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        service: ServiceId,
        accepted: bool,
        on: Date,
    ) -> StoreResult<Option<ClientService>>;

    // --- frequency (issue 16) ---
    /// The interactions of `kinds` made with each of `clients` of `ws`, per
    /// day from `from` to `to` (both included), with the client's segment;
    /// a day without one is absent. Read in chunks of 1,000 clients.
    async fn contact_days(
        &self,
        ws: WorkspaceId,
        clients: &[ClientId],
        kinds: &[churnwise_domain::registry::InteractionKind],
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<ContactDay>>;
    /// For each of `probes` (a would-be client's name and segment on a
    /// day), the exclusivities of `ws` in force that day that it may fall
    /// inside (the first cut on trimmed, lower-cased keys; the caller
    /// applies `Exclusivity::covers`), as (index of the probe, exclusivity),
    /// by index. Read 500 probes per statement.
    async fn exclusivities_covering_each(
        &self,
        ws: WorkspaceId,
        probes: &[ExclusivityProbe],
    ) -> StoreResult<Vec<(usize, StoredExclusivity)>>;

    // --- due-fast (issue 14): the due list read by the stored due day ---
    /// The clients of `ws` due for a contact on `filter.today` by their
    /// stored due day (migration 0031), most overdue first (then by name in
    /// byte order, current clients before former ones, then by id), from
    /// `offset`, at most `limit`. Clients with a contact after
    /// `filter.today` are left out: [`Store::contact_facts_after`] reads them.
    async fn due_contacts(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<DueContact>>;
    /// The clients [`Store::due_contacts`] lists that have an interaction
    /// of `kinds` from `from` to `filter.today` (the ones the maximum
    /// contact frequency may hold back), in the same order.
    async fn due_contacts_contacted_since(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
        kinds: &[churnwise_domain::registry::InteractionKind],
        from: Date,
    ) -> StoreResult<Vec<DueContact>>;
    /// The contact facts as of `filter.today` of the clients of `ws` (of
    /// the filter's statuses and owners) that have a contact after that
    /// day: the due list computes their due day from these facts.
    async fn contact_facts_after(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
    ) -> StoreResult<Vec<ContactFacts>>;
    /// The candidates of [`Store::update_candidates`] that have a cadence
    /// of their own, or (when `or_segment`) a segment: the only clients
    /// whose update can be due when the workspace's default cadence is off.
    async fn update_candidates_narrowed(
        &self,
        ws: WorkspaceId,
        after: ClientId,
        limit: u32,
        or_segment: bool,
    ) -> StoreResult<Vec<UpdateCandidate>>;
}

/// Failed sign-ins counted against one key (`email:…` for an account,
/// `ip:…` for a client address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleState {
    /// The key counted against.
    pub key: String,
    /// Failed sign-ins since `window_start`.
    pub failures: i64,
    /// When the current count began.
    pub window_start: Timestamp,
    /// How many times the key has been locked (each lock lasts longer).
    pub locks: i64,
    /// Until when sign-in is refused, if it ever was locked.
    pub locked_until: Option<Timestamp>,
}
