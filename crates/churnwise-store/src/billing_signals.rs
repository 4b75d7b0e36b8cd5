//! Billing signals (issue 15): a cancellation or a failed payment seen in
//! Stripe, kept per workspace, one per subscription or invoice reference.

use crate::{ClientId, Date};
use serde::{Deserialize, Serialize};

/// Id of one billing signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BillingSignalId(pub i64);

/// What a billing signal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingSignalKind {
    /// A subscription was cancelled (its reference is the subscription's).
    Cancellation,
    /// A payment failed (its reference is the invoice's).
    PaymentFailed,
}

impl BillingSignalKind {
    /// The stable key, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            BillingSignalKind::Cancellation => "cancellation",
            BillingSignalKind::PaymentFailed => "payment_failed",
        }
    }
}

impl std::str::FromStr for BillingSignalKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cancellation" => Ok(BillingSignalKind::Cancellation),
            "payment_failed" => Ok(BillingSignalKind::PaymentFailed),
            other => Err(format!("unknown billing signal kind {other:?}")),
        }
    }
}

/// A billing signal to record (or update, by kind and reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBillingSignal {
    /// The client.
    pub client: ClientId,
    /// What it says.
    pub kind: BillingSignalKind,
    /// The subscription ref (cancellation) or invoice ref (failed payment).
    pub reference: String,
    /// The day it was cancelled, or the day the payment failed. When the
    /// signal is recorded again, the earlier day is kept.
    pub happened_on: Date,
    /// For a cancellation: the day the subscription ends or ended.
    pub ends_on: Option<Date>,
    /// For a failed payment: the amount, in cents.
    pub amount_cents: Option<i64>,
}

/// A billing signal as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillingSignal {
    /// Id.
    pub id: BillingSignalId,
    /// The client.
    pub client: ClientId,
    /// What it says.
    pub kind: BillingSignalKind,
    /// The subscription or invoice ref.
    pub reference: String,
    /// The day it was cancelled, or the day the payment failed.
    pub happened_on: Date,
    /// For a cancellation: the day it ends or ended.
    pub ends_on: Option<Date>,
    /// For a failed payment: the amount, in cents.
    pub amount_cents: Option<i64>,
    /// The day it was dismissed from the Due page, if it was.
    pub dismissed_on: Option<Date>,
}

/// A billing signal that may belong on the due list, with what the list
/// needs to decide and show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingSignalDue {
    /// The signal.
    pub signal: BillingSignal,
    /// The client's name.
    pub client_name: String,
    /// The client's owner.
    pub owner: Option<String>,
    /// The day the client's latest departure case was opened, if any.
    pub last_case_opened_on: Option<Date>,
}
