//! Records read from and written to the store.

use churnwise_domain::registry::{ClientStatus, InteractionKind, Role, WarningFlag};
use churnwise_domain::Lang;
use churnwise_domain::Money;
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Id of a workspace.
    WorkspaceId
);
id_type!(
    /// Id of a user account.
    UserId
);
id_type!(
    /// Id of a client.
    ClientId
);
id_type!(
    /// Id of a contact.
    ContactId
);
id_type!(
    /// Id of a subscription segment.
    SubscriptionId
);
id_type!(
    /// Id of an invoice.
    InvoiceId
);
id_type!(
    /// Id of an interaction.
    InteractionId
);
id_type!(
    /// Id of an API token.
    ApiTokenId
);

/// A workspace: one business whose data nobody else sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    /// Id.
    pub id: WorkspaceId,
    /// Unique name.
    pub name: String,
}

/// A user account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Sign-in email, lower-case.
    pub email: String,
    /// Display name, which is also how client records name their owner.
    pub name: Option<String>,
    /// The interface and email language the user chose (else the browser's).
    pub lang: Option<Lang>,
}

impl User {
    /// True when a client's `owner` names this user: their display name or
    /// their email, ignoring case and surrounding spaces.
    pub fn owns(&self, owner: Option<&str>) -> bool {
        let Some(owner) = owner.map(str::trim).filter(|o| !o.is_empty()) else {
            return false;
        };
        owner.eq_ignore_ascii_case(&self.email)
            || self
                .name
                .as_deref()
                .is_some_and(|n| owner.to_lowercase() == n.trim().to_lowercase())
    }
}

/// A user account with its argon2 password hash, for sign-in only.
#[derive(Clone)]
pub struct UserWithHash {
    /// The account.
    pub user: User,
    /// PHC string of the argon2 hash.
    pub password_hash: String,
}

impl std::fmt::Debug for UserWithHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserWithHash")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// A user's role in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The workspace.
    pub workspace: Workspace,
    /// The role there.
    pub role: Role,
}

/// Who is acting and where: the result of authenticating a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The user.
    pub user: User,
    /// The workspace the request acts in.
    pub workspace: Workspace,
    /// The user's role there.
    pub role: Role,
}

/// A new server-side session.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie value, hex.
    pub token_hash: String,
    /// The user signed in.
    pub user: UserId,
    /// The workspace the session acts in.
    pub workspace: WorkspaceId,
    /// Token that forms must echo (CSRF protection).
    pub csrf_token: String,
    /// When the session stops being valid.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// Who and where.
    pub access: Access,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// A new API token (only its hash is kept).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Owner of the token.
    pub user: UserId,
    /// Workspace the token acts in.
    pub workspace: WorkspaceId,
    /// A label to recognise it.
    pub name: String,
}

/// A stored API token, without any secret.
#[derive(Debug, Clone, Serialize)]
pub struct ApiTokenInfo {
    /// Id.
    pub id: ApiTokenId,
    /// Label.
    pub name: String,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A client of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Client {
    /// Id.
    pub id: ClientId,
    /// Id in the billing system (the `customer_id` of imports), if any.
    pub external_id: Option<String>,
    /// Display name.
    pub name: String,
    /// Where the relationship stands (the effective status).
    pub status: ClientStatus,
    /// True when `status` was set by hand and overrides the rule of
    /// `churnwise_domain::client_status`.
    pub status_set_by_hand: bool,
    /// Account manager or salesperson.
    pub owner: Option<String>,
    /// Free-text segment.
    pub segment: Option<String>,
    /// Days between contacts before the client is due for one.
    pub keep_in_touch_days: i32,
    /// Warning signs that the relationship may not be worth keeping.
    pub warning_flags: Vec<WarningFlag>,
    /// Free notes.
    pub notes: Option<String>,
    /// When the record was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A validated new client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    /// Id in the billing system.
    pub external_id: Option<String>,
    /// Display name.
    pub name: String,
    /// Status.
    pub status: ClientStatus,
    /// Owner.
    pub owner: Option<String>,
    /// Segment.
    pub segment: Option<String>,
    /// Keep-in-touch interval in days.
    pub keep_in_touch_days: i32,
    /// Notes.
    pub notes: Option<String>,
}

/// Fields of a client to change; `None` leaves a field as it is, and
/// `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPatch {
    /// New name.
    pub name: Option<String>,
    /// A status set by hand: it overrides the rule until
    /// `status_by_rule` returns the client to it.
    pub status: Option<ClientStatus>,
    /// Forget a status set by hand (the caller then brings the status in
    /// line with the rule, `Store::refresh_client_statuses`).
    pub status_by_rule: bool,
    /// New owner.
    pub owner: Option<Option<String>>,
    /// New segment.
    pub segment: Option<Option<String>>,
    /// New interval.
    pub keep_in_touch_days: Option<i32>,
    /// New warning signs (replacing the old ones).
    pub warning_flags: Option<Vec<WarningFlag>>,
    /// New notes.
    pub notes: Option<Option<String>>,
}

/// Which clients to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFilter {
    /// Only this status.
    pub status: Option<ClientStatus>,
    /// Only this owner.
    pub owner: Option<String>,
    /// Only this segment.
    pub segment: Option<String>,
    /// Name contains this text (case-insensitive).
    pub search: Option<String>,
    /// Only clients whose latest health score is at risk.
    pub at_risk: bool,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page (1..=500).
    pub per_page: u32,
    /// Order of the rows.
    pub sort: ClientSort,
}

impl Default for ClientFilter {
    fn default() -> Self {
        ClientFilter {
            status: None,
            owner: None,
            segment: None,
            search: None,
            at_risk: false,
            page: 1,
            per_page: 50,
            sort: ClientSort::Name,
        }
    }
}

/// The order of a client listing; ties are broken by name, then id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ClientSort {
    /// By name, A to Z.
    #[default]
    Name,
    /// By name, Z to A.
    NameDesc,
    /// Newest record first.
    Newest,
    /// Oldest record first.
    Oldest,
    /// By owner (clients without one last).
    Owner,
    /// By status.
    Status,
}

impl ClientSort {
    /// Every order, with the key used in query strings.
    pub const ALL: [(ClientSort, &'static str); 6] = [
        (ClientSort::Name, "name"),
        (ClientSort::NameDesc, "-name"),
        (ClientSort::Newest, "-created"),
        (ClientSort::Oldest, "created"),
        (ClientSort::Owner, "owner"),
        (ClientSort::Status, "status"),
    ];

    /// The key of this order in query strings (`name`, `-created`, ...).
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("name", |(_, k)| k)
    }

    /// The order named by a query-string key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == key.trim())
            .map(|(s, _)| *s)
    }
}

/// The most values of each of [`ClientFacets`]' lists: a filter's choice
/// list longer than this is not one anybody reads (the filter still takes
/// any value).
pub const FACET_LIMIT: i64 = 500;

/// The distinct owners and segments of a workspace's clients, for filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientFacets {
    /// The owners named on clients, sorted, the first [`FACET_LIMIT`].
    pub owners: Vec<String>,
    /// The segments named on clients, sorted, the first [`FACET_LIMIT`].
    pub segments: Vec<String>,
}

/// A user of a workspace and their role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The account.
    pub user: User,
    /// The role in the workspace.
    #[serde(serialize_with = "serialize_display")]
    pub role: Role,
}

pub(crate) fn serialize_display<S: serde::Serializer>(
    value: &impl std::fmt::Display,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows over all pages.
    pub total: i64,
}

/// A person at a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Id.
    pub id: ContactId,
    /// The client.
    pub client_id: ClientId,
    /// Full name.
    pub name: String,
    /// Role at the client.
    pub role: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// The main contact.
    pub is_primary: bool,
}

/// A validated new contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    /// Full name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Primary contact.
    pub is_primary: bool,
}

/// A subscription segment: a stretch of time with a constant MRR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscription {
    /// Id.
    pub id: SubscriptionId,
    /// The client.
    pub client_id: ClientId,
    /// Id of the subscription in the billing system (shared by its segments).
    pub subscription_ref: String,
    /// Plan or service.
    pub plan: Option<String>,
    /// Monthly recurring revenue.
    pub mrr: Money,
    /// First day it counts.
    pub started_on: chrono::NaiveDate,
    /// First day it no longer counts; none while running.
    pub ended_on: Option<chrono::NaiveDate>,
    /// Notice period in days.
    pub notice_period_days: Option<i32>,
    /// Minimum term in months.
    pub minimum_term_months: Option<i32>,
}

/// A validated new subscription segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// Subscription id shared by its segments.
    pub subscription_ref: String,
    /// Plan.
    pub plan: Option<String>,
    /// MRR, >= 0.
    pub mrr: Money,
    /// Start.
    pub started_on: chrono::NaiveDate,
    /// End (exclusive), after the start.
    pub ended_on: Option<chrono::NaiveDate>,
    /// Notice period in days.
    pub notice_period_days: Option<i32>,
    /// Minimum term in months.
    pub minimum_term_months: Option<i32>,
}

/// An invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    /// Id.
    pub id: InvoiceId,
    /// The client billed.
    pub client_id: ClientId,
    /// Id in the billing system.
    pub invoice_ref: String,
    /// Amount, > 0.
    pub amount: Money,
    /// Issue date.
    pub issued_on: Option<chrono::NaiveDate>,
    /// Due date.
    pub due_on: chrono::NaiveDate,
    /// Payment date; none while unpaid.
    pub paid_on: Option<chrono::NaiveDate>,
}

/// A validated new invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoice {
    /// Id in the billing system.
    pub invoice_ref: String,
    /// Amount, > 0.
    pub amount: Money,
    /// Issue date.
    pub issued_on: Option<chrono::NaiveDate>,
    /// Due date.
    pub due_on: chrono::NaiveDate,
    /// Payment date.
    pub paid_on: Option<chrono::NaiveDate>,
}

/// A logged interaction with a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interaction {
    /// Id.
    pub id: InteractionId,
    /// The client.
    pub client_id: ClientId,
    /// Kind.
    pub kind: InteractionKind,
    /// Day it happened.
    pub occurred_on: chrono::NaiveDate,
    /// Who logged it.
    pub author: Option<String>,
    /// What was said or done.
    pub note: Option<String>,
}

/// A validated new interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInteraction {
    /// Kind.
    pub kind: InteractionKind,
    /// Day.
    pub occurred_on: chrono::NaiveDate,
    /// Author.
    pub author: Option<String>,
    /// Note.
    pub note: Option<String>,
}

/// One customer row of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerImport {
    /// `customer_id`.
    pub external_id: String,
    /// `name`.
    pub name: String,
    /// `owner`.
    pub owner: Option<String>,
    /// `segment`.
    pub segment: Option<String>,
}

/// One subscription-segment row of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionImport {
    /// Physical line in the file, to report problems.
    pub line: u64,
    /// `subscription_id`.
    pub subscription_ref: String,
    /// `customer_id`.
    pub customer_ref: String,
    /// `plan`.
    pub plan: Option<String>,
    /// `mrr`.
    pub mrr: Money,
    /// `started_on`.
    pub started_on: chrono::NaiveDate,
    /// `ended_on`.
    pub ended_on: Option<chrono::NaiveDate>,
}

/// One invoice row of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceImport {
    /// Physical line in the file, to report problems.
    pub line: u64,
    /// `invoice_id`.
    pub invoice_ref: String,
    /// `customer_id`.
    pub customer_ref: String,
    /// `amount`.
    pub amount: Money,
    /// `issued_on`.
    pub issued_on: Option<chrono::NaiveDate>,
    /// `due_on`.
    pub due_on: chrono::NaiveDate,
    /// `paid_on`.
    pub paid_on: Option<chrono::NaiveDate>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Rows read.
    pub rows: u64,
    /// New records.
    pub inserted: u64,
    /// Records that existed and were updated (or were already equal).
    pub updated: u64,
}

/// A customer as the metrics engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsCustomer {
    /// Client id.
    pub id: ClientId,
    /// Owner.
    pub owner: Option<String>,
    /// The client's segment (survival by segment).
    pub segment: Option<String>,
}

/// A subscription segment as the metrics engine sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsSegment {
    /// The client.
    pub client: ClientId,
    /// MRR.
    pub mrr: Money,
    /// Start.
    pub started_on: chrono::NaiveDate,
    /// End.
    pub ended_on: Option<chrono::NaiveDate>,
    /// The subscription's plan: an index into [`MetricsData::plans`].
    pub plan: u32,
}

/// The invoices of a workspace with the same due and payment days, summed:
/// all the non-payment figures need (an amount total and a count per day
/// pair), in far fewer rows than one per invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsInvoice {
    /// Total amount of the group.
    pub amount: Money,
    /// Due date.
    pub due_on: chrono::NaiveDate,
    /// Payment date.
    pub paid_on: Option<chrono::NaiveDate>,
    /// Invoices in the group.
    pub count: i64,
}

/// A workspace's whole analytic data set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsData {
    /// Every client.
    pub customers: Vec<MetricsCustomer>,
    /// Every segment.
    pub segments: Vec<MetricsSegment>,
    /// Every invoice.
    pub invoices: Vec<MetricsInvoice>,
    /// The distinct plan texts of the segments (`""` for none, first).
    pub plans: Vec<String>,
}

// --- dash ---

/// A client of the client list with the figures shown beside it, computed
/// in the same query as the page ([`crate::Store::list_client_rows`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRow {
    /// The client.
    #[serde(flatten)]
    pub client: Client,
    /// Score of its latest health computation (0–100), if it has one.
    pub health_score: Option<i64>,
    /// Whether that latest score is at risk.
    pub at_risk: bool,
    /// The sum of its subscriptions' MRR on the day asked, in cents.
    pub mrr_cents: i64,
}
