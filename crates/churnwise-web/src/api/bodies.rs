//! The bodies the API answers with: its own types, documented in the
//! OpenAPI document, made from the store's records at the edge. The store's
//! records are not the public API; a body keeps the JSON the API has always
//! answered (ids as numbers, statuses and kinds as their keys, money as
//! decimal numbers) whatever the store does inside.

use chrono::{DateTime, NaiveDate, Utc};
use churnwise_domain::health::{HealthScore, Signal};
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role, WarningFlag};
use churnwise_domain::{Lang, Money};
use churnwise_store as store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceBody {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub name: String,
}

impl From<store::Workspace> for WorkspaceBody {
    fn from(w: store::Workspace) -> Self {
        WorkspaceBody {
            id: w.id.0,
            name: w.name,
        }
    }
}

/// A user account (never its password).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    /// Id.
    pub id: i64,
    /// Sign-in email, lower-case.
    pub email: String,
    /// Display name, which is also how client records name their owner.
    pub name: Option<String>,
    /// The interface and email language the user chose (else the browser's).
    #[schema(value_type = Option<String>)]
    pub lang: Option<Lang>,
}

impl From<store::User> for UserBody {
    fn from(u: store::User) -> Self {
        UserBody {
            id: u.id.0,
            email: u.email,
            name: u.name,
            lang: u.lang,
        }
    }
}

/// A user's role in one workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipBody {
    /// The workspace.
    pub workspace: WorkspaceBody,
    /// The role there: owner, manager, member or viewer.
    #[schema(value_type = String)]
    pub role: Role,
}

impl From<store::Membership> for MembershipBody {
    fn from(m: store::Membership) -> Self {
        MembershipBody {
            workspace: m.workspace.into(),
            role: m.role,
        }
    }
}

/// A client of the workspace.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientBody {
    /// Id.
    pub id: i64,
    /// Id in the billing system (the `customer_id` of imports), if any.
    pub external_id: Option<String>,
    /// Display name.
    pub name: String,
    /// Where the relationship stands: prospect, active, leaving or former
    /// by the rule (the client's subscriptions and departure cases), or a
    /// status set by hand (also paused).
    #[schema(value_type = String, example = "active")]
    pub status: ClientStatus,
    /// True when `status` was set by hand; `PATCH` with `"status":
    /// "automatic"` returns the client to the rule.
    pub status_set_by_hand: bool,
    /// Account manager or salesperson.
    pub owner: Option<String>,
    /// Free-text segment.
    pub segment: Option<String>,
    /// Days between contacts before the client is due for one.
    pub keep_in_touch_days: i32,
    /// Warning signs that the relationship may not be worth keeping.
    #[schema(value_type = Vec<String>)]
    pub warning_flags: Vec<WarningFlag>,
    /// Free notes.
    pub notes: Option<String>,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
}

impl From<store::Client> for ClientBody {
    fn from(c: store::Client) -> Self {
        ClientBody {
            id: c.id.0,
            external_id: c.external_id,
            name: c.name,
            status: c.status,
            status_set_by_hand: c.status_set_by_hand,
            owner: c.owner,
            segment: c.segment,
            keep_in_touch_days: c.keep_in_touch_days,
            warning_flags: c.warning_flags,
            notes: c.notes,
            created_at: c.created_at,
        }
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageBody<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows over all pages.
    pub total: i64,
}

impl<T> PageBody<T> {
    /// The page of bodies made from a page of records.
    pub fn of<R>(page: store::Page<R>) -> Self
    where
        T: From<R>,
    {
        PageBody {
            items: page.items.into_iter().map(T::from).collect(),
            page: page.page,
            per_page: page.per_page,
            total: page.total,
        }
    }
}

/// Which page of a listing: the query of the paginated `GET`s (a bad page
/// number or size is a 422 naming `page` or `per_page`, checked by the
/// application).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// A person at a client.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactBody {
    /// Id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
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

impl From<store::Contact> for ContactBody {
    fn from(c: store::Contact) -> Self {
        ContactBody {
            id: c.id.0,
            client_id: c.client_id.0,
            name: c.name,
            role: c.role,
            email: c.email,
            phone: c.phone,
            is_primary: c.is_primary,
        }
    }
}

/// A subscription segment: a stretch of time with a constant MRR.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionBody {
    /// Id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// Id of the subscription in the billing system (shared by its segments).
    pub subscription_ref: String,
    /// Plan or service.
    pub plan: Option<String>,
    /// Monthly recurring revenue.
    #[schema(value_type = f64, example = 49.90)]
    pub mrr: Money,
    /// First day it counts.
    pub started_on: NaiveDate,
    /// First day it no longer counts; none while running.
    pub ended_on: Option<NaiveDate>,
    /// Notice period in days.
    pub notice_period_days: Option<i32>,
    /// Minimum term in months.
    pub minimum_term_months: Option<i32>,
}

impl From<store::Subscription> for SubscriptionBody {
    fn from(s: store::Subscription) -> Self {
        SubscriptionBody {
            id: s.id.0,
            client_id: s.client_id.0,
            subscription_ref: s.subscription_ref,
            plan: s.plan,
            mrr: s.mrr,
            started_on: s.started_on,
            ended_on: s.ended_on,
            notice_period_days: s.notice_period_days,
            minimum_term_months: s.minimum_term_months,
        }
    }
}

/// An invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceBody {
    /// Id.
    pub id: i64,
    /// The client billed.
    pub client_id: i64,
    /// Id in the billing system.
    pub invoice_ref: String,
    /// Amount, > 0.
    #[schema(value_type = f64, example = 120.00)]
    pub amount: Money,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Due date.
    pub due_on: NaiveDate,
    /// Payment date; none while unpaid.
    pub paid_on: Option<NaiveDate>,
}

impl From<store::Invoice> for InvoiceBody {
    fn from(i: store::Invoice) -> Self {
        InvoiceBody {
            id: i.id.0,
            client_id: i.client_id.0,
            invoice_ref: i.invoice_ref,
            amount: i.amount,
            issued_on: i.issued_on,
            due_on: i.due_on,
            paid_on: i.paid_on,
        }
    }
}

/// A logged interaction with a client.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionBody {
    /// Id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// Kind: call, email, meeting, …
    #[schema(value_type = String, example = "call")]
    pub kind: InteractionKind,
    /// Day it happened.
    pub occurred_on: NaiveDate,
    /// Who logged it.
    pub author: Option<String>,
    /// What was said or done.
    pub note: Option<String>,
}

impl From<store::Interaction> for InteractionBody {
    fn from(i: store::Interaction) -> Self {
        InteractionBody {
            id: i.id.0,
            client_id: i.client_id.0,
            kind: i.kind,
            occurred_on: i.occurred_on,
            author: i.author,
            note: i.note,
        }
    }
}

/// The client a score or an alert is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientRefBody {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Owner (account manager).
    pub owner: Option<String>,
    /// Status.
    #[schema(value_type = String)]
    pub status: ClientStatus,
}

impl From<store::ClientRef> for ClientRefBody {
    fn from(c: store::ClientRef) -> Self {
        ClientRefBody {
            id: c.id.0,
            name: c.name,
            owner: c.owner,
            status: c.status,
        }
    }
}

/// A client's latest health score with its signals.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    /// The client.
    pub client: ClientRefBody,
    /// The score and its signals.
    #[serde(flatten)]
    #[schema(inline)]
    pub health: HealthScore,
    /// The day it was computed for.
    pub computed_on: NaiveDate,
}

impl From<store::StoredHealth> for HealthBody {
    fn from(h: store::StoredHealth) -> Self {
        HealthBody {
            client: h.client.into(),
            health: h.health,
            computed_on: h.computed_on,
        }
    }
}

/// An alert raised when a client's score crossed into risk.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertBody {
    /// Id.
    pub id: i64,
    /// The client.
    pub client: ClientRefBody,
    /// open, acknowledged, snoozed, case_opened or resolved.
    #[schema(value_type = String, example = "open")]
    pub status: store::AlertStatus,
    /// The score when it was raised.
    pub score: u32,
    /// The signals that took points then, largest first.
    pub reasons: Vec<Signal>,
    /// The day it was raised.
    pub raised_on: NaiveDate,
    /// Snoozed until this day.
    pub snoozed_until: Option<NaiveDate>,
    /// The case it was turned into.
    pub case_id: Option<i64>,
    /// Who last handled it.
    pub handled_by: Option<String>,
}

impl From<store::Alert> for AlertBody {
    fn from(a: store::Alert) -> Self {
        AlertBody {
            id: a.id.0,
            client: a.client.into(),
            status: a.status,
            score: a.score,
            reasons: a.reasons,
            raised_on: a.raised_on,
            snoozed_until: a.snoozed_until,
            case_id: a.case_id.map(|c| c.0),
            handled_by: a.handled_by,
        }
    }
}

/// What one recomputation of the scores changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthRunBody {
    /// Clients scored.
    pub scored: u64,
    /// Ids of the alerts raised by this run.
    pub raised: Vec<i64>,
    /// Alerts resolved because the client recovered.
    pub resolved: u64,
    /// Snoozed alerts whose day came, open again.
    pub reopened: u64,
}

impl From<store::HealthRunSummary> for HealthRunBody {
    fn from(r: store::HealthRunSummary) -> Self {
        HealthRunBody {
            scored: r.scored,
            raised: r.raised.into_iter().map(|a| a.0).collect(),
            resolved: r.resolved,
            reopened: r.reopened,
        }
    }
}

/// Bodies made from a list of records.
pub fn all<R, T: From<R>>(records: Vec<R>) -> Vec<T> {
    records.into_iter().map(T::from).collect()
}

/// A departure case as the case list shows it (`GET /cases`): its row's
/// facts, without the whole document and history (see `GET /cases/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummaryBody {
    /// Id.
    pub id: i64,
    /// The client leaving.
    pub client_id: i64,
    /// The client's name.
    pub client_name: String,
    /// client_leaving or we_let_go.
    #[schema(value_type = String, example = "client_leaving")]
    pub kind: churnwise_domain::departure::DepartureKind,
    /// notice, exit_conversation, retention, offboarding, feedback or closed.
    #[schema(value_type = String, example = "notice")]
    pub stage: churnwise_domain::departure::Stage,
    /// lost, saved or fired, once closed.
    #[schema(value_type = Option<String>)]
    pub outcome: Option<churnwise_domain::departure::Outcome>,
    /// Key of the primary reason, once known.
    pub primary_reason: Option<String>,
    /// The day the notice came.
    pub opened_on: chrono::NaiveDate,
    /// The day it was closed.
    pub closed_on: Option<chrono::NaiveDate>,
    /// The client's end date.
    pub end_on: Option<chrono::NaiveDate>,
    /// Monthly revenue lost.
    #[schema(value_type = f64, example = 450.00)]
    pub lost_mrr: Money,
    /// The version a change must name.
    pub version: i64,
}

impl From<store::CaseSummary> for CaseSummaryBody {
    fn from(c: store::CaseSummary) -> Self {
        CaseSummaryBody {
            id: c.id.0,
            client_id: c.client_id.0,
            client_name: c.client_name,
            kind: c.kind,
            stage: c.stage,
            outcome: c.outcome,
            primary_reason: c.primary_reason,
            opened_on: c.opened_on,
            closed_on: c.closed_on,
            end_on: c.end_on,
            lost_mrr: Money::from_cents(c.lost_mrr_cents),
            version: c.version,
        }
    }
}
