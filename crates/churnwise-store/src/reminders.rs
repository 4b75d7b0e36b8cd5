//! Payment reminders (issue 15): a client's billing preferences, promises
//! to pay, and the reminders claimed and sent (one row per invoice and step).

use crate::{ClientId, ContactId, Date, DeliveryStatus, InvoiceId};
use churnwise_domain::{Lang, Money};
use serde::{Deserialize, Serialize};

/// Id of one reminder claimed (an invoice and a step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReminderSendId(pub i64);

/// A client's billing preferences (the defaults when never set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientBilling {
    /// The contact reminders go to; none: the primary contact.
    pub billing_contact: Option<ContactId>,
    /// True stops the client's reminders.
    pub reminders_paused: bool,
    /// The client's language; none: the workspace's reminder language.
    pub lang: Option<Lang>,
}

/// An unpaid invoice past its due date, with what the reminder rule and
/// the email need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderCandidate {
    /// The invoice.
    pub invoice: InvoiceId,
    /// Its reference.
    pub invoice_ref: String,
    /// Its amount.
    pub amount: Money,
    /// Its due date.
    pub due_on: Date,
    /// A promise-to-pay date, if recorded.
    pub promised_on: Option<Date>,
    /// The client.
    pub client: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The client's owner (for the digest).
    pub owner: Option<String>,
    /// The client's reminders are paused.
    pub paused: bool,
    /// The client's language, if set.
    pub lang: Option<Lang>,
    /// The highest step (0-based) sent, being sent, or out of attempts.
    pub last_step: Option<i32>,
    /// The billing contact's name and email, if marked and it has an email.
    pub billing: Option<(String, String)>,
    /// The primary contact's name and email, if it has an email.
    pub primary: Option<(String, String)>,
}

impl ReminderCandidate {
    /// Whom the reminder goes to: the billing contact, else the primary
    /// contact (name, email).
    pub fn recipient(&self) -> Option<&(String, String)> {
        self.billing.as_ref().or(self.primary.as_ref())
    }
}

/// A reminder claimed or sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderSend {
    /// Id.
    pub id: ReminderSendId,
    /// The client.
    pub client: ClientId,
    /// The client's name.
    pub client_name: String,
    /// The client's owner.
    pub owner: Option<String>,
    /// The invoice.
    pub invoice: InvoiceId,
    /// Its reference.
    pub invoice_ref: String,
    /// The step (0-based).
    pub step: i32,
    /// The day of the run that claimed it.
    pub run_on: Date,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts so far.
    pub attempts: i32,
    /// The SMTP server's refusal, if any.
    pub error: Option<String>,
}

/// Which reminders to list (newest first, at most `limit`, held to 1–500).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderSendFilter {
    /// Only this client's.
    pub client: Option<ClientId>,
    /// Only those claimed on or after this day.
    pub since: Option<Date>,
    /// Only sent ones.
    pub sent_only: bool,
    /// At most this many.
    pub limit: u32,
}

/// A promise to pay recorded on an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InvoicePromise {
    /// The invoice.
    pub invoice: InvoiceId,
    /// The promised day.
    pub promised_on: Date,
}
