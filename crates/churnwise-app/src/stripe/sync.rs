//! `churnwise stripe sync` and "Sync now": customers, subscriptions and
//! invoices read from Stripe page by page and written through the import
//! use case (one code path with file imports: one transaction per object
//! kind, audit, win-back, then the status rule and health scores of the
//! touched clients).
//!
//! Each page is parsed and turned into compact registry rows at once; only
//! those rows (not Stripe's JSON) are kept until their kind is written, so
//! memory grows with the rows, about a hundred bytes each.

use super::api::{failure, StripeApi};
use super::history::{self, Seen};
use super::StripeSettings;
use crate::audit::{self, Action, Subject};
use crate::error::AppResult;
use crate::imports::{self, ParsedImport};
use chrono::{DateTime, Utc};
use churnwise_domain::stripe::{
    segments_from_invoices, BilledPeriod, Customer, Invoice, Subscription,
};
use churnwise_domain::Money;
use churnwise_store::{
    ContactImport, CustomerImport, ImportSummary, InvoiceImport, Store, WorkspaceId,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// At most this many skipped objects are listed in a report (all are counted).
pub const MAX_SKIPPED_LISTED: usize = 100;

/// Rows written of one kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Rows read from Stripe and written.
    pub written: u64,
    /// New rows.
    pub created: u64,
    /// Rows that existed (changed or already equal).
    pub updated: u64,
    /// Rows removed (invoices voided in Stripe since they were written).
    #[serde(default)]
    pub removed: u64,
}

impl From<&ImportSummary> for Counts {
    fn from(s: &ImportSummary) -> Self {
        Counts {
            written: s.rows,
            created: s.inserted,
            updated: s.updated,
            removed: 0,
        }
    }
}

/// An object left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The Stripe id.
    pub object: String,
    /// Why it was left out.
    pub reason: String,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// When it ended.
    pub when: DateTime<Utc>,
    /// The workspace's currency (lower case ISO code), if any was seen.
    pub currency: Option<String>,
    /// Clients (customers).
    pub clients: Counts,
    /// Primary contacts.
    pub contacts: Counts,
    /// MRR segments (subscriptions).
    pub segments: Counts,
    /// Invoices.
    pub invoices: Counts,
    /// Objects left out (the first [`MAX_SKIPPED_LISTED`]).
    pub skipped: Vec<Skipped>,
    /// How many objects were left out.
    pub skipped_total: u64,
}

/// How far a sync is: objects of `kind` read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncProgress {
    /// `customers`, `subscriptions` or `invoices`.
    pub kind: &'static str,
    /// Objects of that kind read so far.
    pub read: u64,
}

struct SkipList {
    listed: Vec<Skipped>,
    total: u64,
}

impl SkipList {
    fn push(&mut self, object: &str, reason: String) {
        self.total += 1;
        if self.listed.len() < MAX_SKIPPED_LISTED {
            self.listed.push(Skipped {
                object: object.to_string(),
                reason,
            });
        }
    }
}

/// Reads every page of `kind`, handing each object to `each`.
async fn each_object<T: serde::de::DeserializeOwned>(
    api: &StripeApi,
    kind: &'static str,
    extra: &[(&str, &str)],
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
    mut each: impl FnMut(T) -> AppResult<()>,
) -> AppResult<()> {
    let mut after: Option<String> = None;
    let mut read = 0u64;
    loop {
        let page = api.page::<T>(kind, extra, after.as_deref()).await?;
        read += page.objects.len() as u64;
        for object in page.objects {
            each(object)?;
        }
        progress(SyncProgress { kind, read });
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}

/// The client row of a Stripe customer, and its primary contact's row (at
/// `line`) when it has a name or an email.
pub(crate) fn customer_rows(c: &Customer, line: u64) -> (CustomerImport, Option<ContactImport>) {
    let client = c.client();
    let contact = client.contact.as_ref().map(|contact| ContactImport {
        line,
        customer_ref: client.external_id.clone(),
        name: contact.name.clone(),
        role: None,
        email: contact.email.clone(),
        phone: None,
        is_primary: true,
    });
    (
        CustomerImport {
            external_id: client.external_id,
            name: client.name,
            owner: client.owner,
            segment: client.segment,
        },
        contact,
    )
}

/// The workspace's currency as earlier syncs chose it, if one ran.
pub(crate) async fn workspace_currency(
    store: &dyn Store,
    ws: WorkspaceId,
) -> AppResult<Option<String>> {
    Ok(store
        .stripe_connection(ws)
        .await?
        .and_then(|c| c.last_sync)
        .and_then(|s| serde_json::from_str::<SyncReport>(&s).ok())
        .and_then(|r| r.currency))
}

/// The workspace's currency: the one of earlier syncs, else the one most
/// subscriptions use (ties: the first by code).
fn choose_currency(earlier: Option<String>, seen: &BTreeMap<String, u64>) -> Option<String> {
    earlier.or_else(|| {
        seen.iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(c, _)| c.clone())
    })
}

/// Syncs `ws` with its Stripe account as of `now`, reporting progress;
/// stores and answers the report. A failed call names the object and why;
/// the kinds already written stay (each kind is one transaction), the
/// others are untouched.
pub async fn sync(
    store: &dyn Store,
    settings: &StripeSettings,
    ws: WorkspaceId,
    now: DateTime<Utc>,
    progress: &(dyn Fn(SyncProgress) + Send + Sync),
    actor: &audit::Actor,
) -> AppResult<SyncReport> {
    let key = super::api_key(store, settings, ws).await?;
    let api = StripeApi::new(&settings.api_base, key)?;
    let today = now.date_naive();
    let earlier_currency = workspace_currency(store, ws).await?;
    let mut skipped = SkipList {
        listed: Vec::new(),
        total: 0,
    };
    let quiet: &churnwise_store::Progress = &|_| {};
    // Billing signals (issue 15): noted while reading, recorded after writing.
    let mut signals = crate::billing_signals::SyncSignals::new(today);

    // Customers and their primary contacts.
    let mut customers = Vec::new();
    let mut contacts = Vec::new();
    each_object::<Customer>(&api, "customers", &[], progress, |c| {
        if c.deleted == Some(true) {
            return Ok(());
        }
        let (customer, contact) = customer_rows(&c, contacts.len() as u64 + 1);
        contacts.extend(contact);
        customers.push(customer);
        Ok(())
    })
    .await?;
    let known: HashSet<String> = customers.iter().map(|c| c.external_id.clone()).collect();

    // Subscriptions, every status (canceled ones end segments).
    let mut by_currency: BTreeMap<String, Vec<Seen>> = BTreeMap::new();
    let mut seen_currencies: BTreeMap<String, u64> = BTreeMap::new();
    each_object::<Subscription>(&api, "subscriptions", &[("status", "all")], progress, |s| {
        signals.subscription(&s);
        if !known.contains(&s.customer) {
            skipped.push(
                &s.id,
                format!("customer {} is not in Stripe's list", s.customer),
            );
            return Ok(());
        }
        let current = s
            .segments(today)
            .map_err(|e| failure(&format!("subscription {}", s.id), e))?;
        if current.is_empty() && s.makes_no_segment() {
            return Ok(());
        }
        let currency = s.currency_code();
        *seen_currencies.entry(currency.clone()).or_default() += 1;
        by_currency.entry(currency).or_default().push(Seen {
            id: s.id,
            customer: s.customer,
            current,
            billed: Vec::new(),
        });
        Ok(())
    })
    .await?;
    let currency = choose_currency(earlier_currency, &seen_currencies);
    let mut subscriptions = Vec::new();
    for (code, subs) in by_currency {
        if Some(&code) == currency.as_ref() {
            subscriptions.extend(subs);
        } else {
            for s in subs {
                skipped.push(&s.id, format!("currency {code:?} is not the workspace's"));
            }
        }
    }

    // Invoices.
    let mut invoices = Vec::new();
    let mut voided = Vec::new();
    let mut billed: HashMap<String, Vec<BilledPeriod>> = HashMap::new();
    each_object::<Invoice>(&api, "invoices", &[], progress, |inv| {
        signals.invoice(&inv);
        let code = inv
            .currency
            .clone()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !code.is_empty() && currency.as_ref().is_some_and(|c| *c != code) {
            skipped.push(&inv.id, format!("currency {code:?} is not the workspace's"));
            return Ok(());
        }
        if !known.contains(&inv.customer) {
            skipped.push(
                &inv.id,
                format!("customer {} is not in Stripe's list", inv.customer),
            );
            return Ok(());
        }
        for period in inv.billed_periods() {
            billed
                .entry(period.subscription.clone())
                .or_default()
                .push(period);
        }
        let Some(row) = inv
            .to_registry()
            .map_err(|e| failure(&format!("invoice {}", inv.id), e))?
        else {
            if inv.status.as_deref() == Some("void") {
                voided.push((inv.id, inv.customer));
            }
            return Ok(());
        };
        invoices.push(InvoiceImport {
            line: invoices.len() as u64 + 1,
            invoice_ref: row.external_id,
            customer_ref: row.customer,
            amount: Money::from_cents(row.amount_cents),
            issued_on: Some(row.issued_on),
            due_on: row.due_on,
            paid_on: row.paid_on,
        });
        Ok(())
    })
    .await?;

    // Written kind by kind, each in one transaction, through the import.
    let write = |parsed: ParsedImport, name: &'static str| async move {
        imports::import(store, ws, name, parsed, now, quiet, actor)
            .await
            .map(|r| Counts::from(&r.summary))
    };
    let clients = write(
        ParsedImport::Customers(customers, Vec::new()),
        "stripe customers",
    )
    .await?;
    let contacts = write(ParsedImport::Contacts(contacts), "stripe contacts").await?;
    // Subscriptions as history: a change since the last look is dated today;
    // one seen for the first time keeps the past its invoices tell.
    for s in &mut subscriptions {
        if let Some(periods) = billed.get(&s.id) {
            s.billed = segments_from_invoices(periods);
        }
    }
    drop(billed);
    let segments = Counts::from(
        &history::write(
            store,
            ws,
            "stripe subscriptions",
            subscriptions,
            today,
            now,
            actor,
        )
        .await?
        .summary,
    );
    let mut invoices = write(ParsedImport::Invoices(invoices), "stripe invoices").await?;
    let (voided, voided_customers): (Vec<String>, Vec<String>) = voided.into_iter().unzip();
    invoices.removed = store.remove_invoices_by_ref(ws, &voided).await?;
    if invoices.removed > 0 {
        let touched = crate::follow::Touched::ExternalIds(voided_customers);
        crate::follow::records_changed(store, ws, &touched, today).await?;
    }
    crate::billing_signals::from_sync(store, ws, &signals).await?;
    let report = SyncReport {
        when: Utc::now(),
        currency,
        clients,
        contacts,
        segments,
        invoices,
        skipped: skipped.listed,
        skipped_total: skipped.total,
    };
    let json = serde_json::to_string(&report)
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("report: {e}")))?;
    store.set_stripe_last_sync(ws, &json).await?;
    let detail = format!(
        "{} clients, {} segments, {} invoices, {} skipped",
        report.clients.written,
        report.segments.written,
        report.invoices.written,
        report.skipped_total
    );
    audit::record(
        store,
        ws,
        actor,
        Action::StripeSynced,
        Subject::Workspace,
        &detail,
    )
    .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_currency_is_kept_else_the_most_used_one() {
        let seen: BTreeMap<String, u64> = [("eur".to_string(), 3), ("usd".to_string(), 5)]
            .into_iter()
            .collect();
        assert_eq!(choose_currency(None, &seen).as_deref(), Some("usd"));
        assert_eq!(
            choose_currency(Some("eur".into()), &seen).as_deref(),
            Some("eur")
        );
        let tie: BTreeMap<String, u64> = [("eur".to_string(), 2), ("usd".to_string(), 2)]
            .into_iter()
            .collect();
        assert_eq!(choose_currency(None, &tie).as_deref(), Some("eur"));
    }
}
