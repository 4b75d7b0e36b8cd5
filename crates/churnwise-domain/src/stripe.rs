//! Stripe objects and the rules that turn them into registry records
//! (spec/integrations.md §1): a customer becomes a client and its primary
//! contact, a subscription becomes MRR segments, an invoice becomes an
//! invoice. Pure: the HTTP client and the webhook endpoint parse Stripe's
//! JSON into these types and call these rules.
//!
//! Only the fields the rules use are read; everything else Stripe sends is
//! ignored. Dates are Unix seconds read as UTC calendar dates. Segments are
//! `[started_on, ended_on)`, `ended_on` exclusive as everywhere in the
//! registry.

use chrono::{DateTime, NaiveDate};
use serde::Deserialize;
use std::collections::HashMap;

/// A Stripe customer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Customer {
    /// `cus_…`: the client's external id.
    pub id: String,
    /// The customer's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The customer's email.
    #[serde(default)]
    pub email: Option<String>,
    /// Free key/value pairs; `owner` and `segment` are read.
    #[serde(default)]
    pub metadata: HashMap<String, String>,
    /// Set on a deleted customer (a `customer.deleted` event).
    #[serde(default)]
    pub deleted: Option<bool>,
}

/// A client as a Stripe customer describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFromStripe {
    /// The client's external id (the customer id).
    pub external_id: String,
    /// `name`, else `email`, else the id.
    pub name: String,
    /// `metadata.owner`.
    pub owner: Option<String>,
    /// `metadata.segment`.
    pub segment: Option<String>,
    /// The primary contact, when the customer has a name or an email.
    pub contact: Option<ContactFromStripe>,
}

/// The primary contact of a client from Stripe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFromStripe {
    /// The customer's name, else its email.
    pub name: String,
    /// The customer's email.
    pub email: Option<String>,
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

impl Customer {
    /// The client (and primary contact) this customer stands for.
    pub fn client(&self) -> ClientFromStripe {
        let name = non_empty(self.name.as_deref());
        let email = non_empty(self.email.as_deref());
        let contact =
            name.clone()
                .or_else(|| email.clone())
                .map(|contact_name| ContactFromStripe {
                    name: contact_name,
                    email: email.clone(),
                });
        ClientFromStripe {
            external_id: self.id.clone(),
            name: name
                .or_else(|| email.clone())
                .unwrap_or_else(|| self.id.clone()),
            owner: non_empty(self.metadata.get("owner").map(String::as_str)),
            segment: non_empty(self.metadata.get("segment").map(String::as_str)),
            contact,
        }
    }
}

/// A price's or a legacy plan's billing period.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Recurring {
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    /// How many intervals one period lasts (1 when absent).
    #[serde(default)]
    pub interval_count: Option<u32>,
}

/// A price of a subscription item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Price {
    /// The amount per unit in minor units.
    #[serde(default)]
    pub unit_amount: Option<i64>,
    /// The billing period (absent on a one-off price).
    #[serde(default)]
    pub recurring: Option<Recurring>,
    /// The price's currency.
    #[serde(default)]
    pub currency: Option<String>,
}

/// A legacy plan of a subscription item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Plan {
    /// The amount per unit in minor units.
    #[serde(default)]
    pub amount: Option<i64>,
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    /// How many intervals one period lasts.
    #[serde(default)]
    pub interval_count: Option<u32>,
    /// The plan's currency.
    #[serde(default)]
    pub currency: Option<String>,
}

/// One item of a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SubscriptionItem {
    /// How many units (1 when absent).
    #[serde(default)]
    pub quantity: Option<u64>,
    /// The item's price.
    #[serde(default)]
    pub price: Option<Price>,
    /// The item's legacy plan.
    #[serde(default)]
    pub plan: Option<Plan>,
}

/// A list as Stripe nests it (`{"data": [...]}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct List<T> {
    /// The entries.
    pub data: Vec<T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List { data: Vec::new() }
    }
}

/// A coupon of a discount.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Coupon {
    /// A percentage taken off.
    #[serde(default)]
    pub percent_off: Option<f64>,
    /// An amount taken off each invoice, in minor units.
    #[serde(default)]
    pub amount_off: Option<i64>,
}

/// A subscription-level discount.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Discount {
    /// The coupon applied.
    pub coupon: Coupon,
    /// When the discount began.
    #[serde(default)]
    pub start: Option<i64>,
    /// When the discount ends (none: forever).
    #[serde(default)]
    pub end: Option<i64>,
}

/// A Stripe subscription.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Subscription {
    /// `sub_…`: the segments' external id.
    pub id: String,
    /// The customer id.
    pub customer: String,
    /// `active`, `trialing`, `past_due`, `unpaid`, `canceled`, `incomplete`,
    /// `incomplete_expired`, `paused`.
    pub status: String,
    /// The subscription's currency (lower case ISO code).
    #[serde(default)]
    pub currency: Option<String>,
    /// When the subscription was created.
    #[serde(default)]
    pub created: Option<i64>,
    /// When the subscription began (else `created`).
    #[serde(default)]
    pub start_date: Option<i64>,
    /// The start of the trial.
    #[serde(default)]
    pub trial_start: Option<i64>,
    /// The end of the trial.
    #[serde(default)]
    pub trial_end: Option<i64>,
    /// When a canceled subscription ended.
    #[serde(default)]
    pub ended_at: Option<i64>,
    /// A cancellation to come.
    #[serde(default)]
    pub cancel_at: Option<i64>,
    /// When the subscription was canceled.
    #[serde(default)]
    pub canceled_at: Option<i64>,
    /// True when it ends at the end of the current period (a cancellation
    /// to come).
    #[serde(default)]
    pub cancel_at_period_end: bool,
    /// The end of the current period.
    #[serde(default)]
    pub current_period_end: Option<i64>,
    /// The items.
    #[serde(default)]
    pub items: List<SubscriptionItem>,
    /// The subscription-level discount.
    #[serde(default)]
    pub discount: Option<Discount>,
}

/// One MRR segment of a subscription, `[started_on, ended_on)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeSegment {
    /// The first day.
    pub started_on: NaiveDate,
    /// The day after the last (none: still running).
    pub ended_on: Option<NaiveDate>,
    /// MRR in minor units.
    pub mrr_cents: i64,
}

/// Why a Stripe object cannot be read into the registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeRuleError {
    /// An item's interval is not day, week, month or year.
    #[error("item has interval {0:?} (expected day, week, month or year)")]
    UnknownInterval(String),
    /// An item has neither a recurring price nor a plan.
    #[error("item has neither a recurring price nor a plan")]
    NoPrice,
    /// A timestamp is out of range.
    #[error("timestamp {0} is out of range")]
    BadTimestamp(i64),
    /// The subscription has no start.
    #[error("has no start_date nor created")]
    NoStart,
    /// An amount overflows.
    #[error("amount is too large")]
    TooLarge,
}

/// The UTC calendar date of Unix seconds.
pub fn utc_date(seconds: i64) -> Result<NaiveDate, StripeRuleError> {
    DateTime::from_timestamp(seconds, 0)
        .map(|t| t.date_naive())
        .ok_or(StripeRuleError::BadTimestamp(seconds))
}

/// An exact fraction of minor units, kept until the one rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fraction {
    num: i128,
    den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

impl Fraction {
    const ZERO: Fraction = Fraction { num: 0, den: 1 };

    fn new(num: i128, den: i128) -> Fraction {
        let g = gcd(num, den);
        Fraction {
            num: num / g,
            den: den / g,
        }
    }

    fn add(self, other: Fraction) -> Fraction {
        Fraction::new(
            self.num * other.den + other.num * self.den,
            self.den * other.den,
        )
    }

    fn sub_floor_zero(self, other: Fraction) -> Fraction {
        let diff = Fraction::new(
            self.num * other.den - other.num * self.den,
            self.den * other.den,
        );
        if diff.num < 0 {
            Fraction::ZERO
        } else {
            diff
        }
    }

    fn mul(self, num: i128, den: i128) -> Fraction {
        Fraction::new(self.num * num, self.den * den)
    }

    /// Rounded half up to a whole minor unit.
    fn round_half_up(self) -> Result<i64, StripeRuleError> {
        let rounded = (2 * self.num + self.den).div_euclid(2 * self.den);
        i64::try_from(rounded).map_err(|_| StripeRuleError::TooLarge)
    }
}

/// The factor that turns an amount per `interval_count` `interval`s into an
/// amount per month.
fn per_month(interval: &str, count: Option<u32>) -> Result<(i128, i128), StripeRuleError> {
    let count = i128::from(count.unwrap_or(1).max(1));
    match interval {
        "month" => Ok((1, count)),
        "year" => Ok((1, 12 * count)),
        "week" => Ok((52, 12 * count)),
        "day" => Ok((365, 12 * count)),
        other => Err(StripeRuleError::UnknownInterval(other.to_string())),
    }
}

impl SubscriptionItem {
    /// The amount per unit and the factor to a month of this item.
    fn amount_and_period(&self) -> Result<(i64, (i128, i128)), StripeRuleError> {
        if let Some(Price {
            unit_amount: Some(amount),
            recurring: Some(recurring),
            ..
        }) = &self.price
        {
            return Ok((
                *amount,
                per_month(&recurring.interval, recurring.interval_count)?,
            ));
        }
        if let Some(Plan {
            amount: Some(amount),
            interval,
            interval_count,
            ..
        }) = &self.plan
        {
            return Ok((*amount, per_month(interval, *interval_count)?));
        }
        Err(StripeRuleError::NoPrice)
    }
}

impl Subscription {
    /// The subscription's currency in lower case: its own, else its first
    /// item's price or plan's (empty when none says).
    pub fn currency_code(&self) -> String {
        self.currency
            .clone()
            .or_else(|| {
                self.items.data.iter().find_map(|i| {
                    i.price
                        .as_ref()
                        .and_then(|p| p.currency.clone())
                        .or_else(|| i.plan.as_ref().and_then(|p| p.currency.clone()))
                })
            })
            .unwrap_or_default()
            .to_ascii_lowercase()
    }

    /// True when the subscription makes no segment at all (`incomplete`,
    /// `incomplete_expired`).
    pub fn makes_no_segment(&self) -> bool {
        matches!(self.status.as_str(), "incomplete" | "incomplete_expired")
    }

    /// The undiscounted MRR, exact, and the billing period of the first item
    /// (to normalise an `amount_off`).
    fn full_mrr(&self) -> Result<(Fraction, (i128, i128)), StripeRuleError> {
        let mut total = Fraction::ZERO;
        let mut first_period = None;
        for item in &self.items.data {
            let (amount, (num, den)) = item.amount_and_period()?;
            first_period.get_or_insert((num, den));
            let quantity = i128::from(item.quantity.unwrap_or(1));
            total = total.add(Fraction::new(i128::from(amount) * quantity * num, den));
        }
        Ok((total, first_period.unwrap_or((1, 1))))
    }

    /// The MRR in minor units with the discount applied or not, rounded
    /// half up once, at the end.
    pub fn mrr_cents(&self, discounted: bool) -> Result<i64, StripeRuleError> {
        let (full, (num, den)) = self.full_mrr()?;
        let Some(discount) = self.discount.as_ref().filter(|_| discounted) else {
            return full.round_half_up();
        };
        let mut mrr = full;
        if let Some(percent) = discount.coupon.percent_off {
            // Hundredths of a percent, exactly as Stripe shows them; the
            // clamp keeps the value within 0..=10000, so nothing truncates.
            #[expect(clippy::cast_possible_truncation)]
            let hundredths = (percent * 100.0).round().clamp(0.0, 10_000.0) as i128;
            mrr = mrr.mul(10_000 - hundredths, 10_000);
        }
        if let Some(amount_off) = discount.coupon.amount_off {
            mrr = mrr.sub_floor_zero(Fraction::new(i128::from(amount_off) * num, den));
        }
        mrr.round_half_up()
    }

    /// The day the subscription ends (exclusive), when known: `ended_at`
    /// of a canceled one, else a `cancel_at` still to come.
    pub fn ends_on(&self, today: NaiveDate) -> Result<Option<NaiveDate>, StripeRuleError> {
        if self.status == "canceled" {
            if let Some(ended) = self.ended_at.or(self.canceled_at) {
                return Ok(Some(utc_date(ended)?));
            }
        }
        if let Some(at) = self.cancel_at {
            let day = utc_date(at)?;
            if day > today {
                return Ok(Some(day));
            }
        }
        Ok(None)
    }

    /// The MRR segments of this subscription as known on `today`: a trial
    /// at MRR 0, then the paid MRR (discounted while the discount runs),
    /// ending when the subscription ends. A boundary still to come (the
    /// end of a trial or a discount) splits nothing yet: the next sync or
    /// event writes it when it has happened, as history. No segment for an
    /// `incomplete` or `incomplete_expired` subscription, and none that
    /// would last no day.
    pub fn segments(&self, today: NaiveDate) -> Result<Vec<StripeSegment>, StripeRuleError> {
        if self.makes_no_segment() {
            return Ok(Vec::new());
        }
        let start = utc_date(
            self.start_date
                .or(self.created)
                .ok_or(StripeRuleError::NoStart)?,
        )?;
        let end = self.ends_on(today)?;
        // A `paused` subscription (its trial ended without a payment
        // method) bills nothing: MRR 0 while paused.
        let paused = self.status == "paused";
        let full = if paused { 0 } else { self.mrr_cents(false)? };
        let discounted = if paused { 0 } else { self.mrr_cents(true)? };
        // (from, mrr) change points, in order.
        let mut points: Vec<(NaiveDate, i64)> = Vec::new();
        let trial = match (self.trial_start, self.trial_end) {
            (Some(from), Some(to)) => Some((utc_date(from)?, utc_date(to)?)),
            _ => None,
        };
        let discount = match &self.discount {
            Some(d) => Some((
                d.start.map(utc_date).transpose()?.unwrap_or(start),
                d.end.map(utc_date).transpose()?,
            )),
            None => None,
        };
        let paid_mrr_on = |day: NaiveDate| -> i64 {
            match discount {
                Some((from, to)) if day >= from && to.is_none_or(|to| day < to) => discounted,
                _ => full,
            }
        };
        let mut paid_from = start;
        if let Some((trial_from, trial_to)) = trial {
            points.push((trial_from.min(start), 0));
            paid_from = trial_to;
        }
        let known = |day: NaiveDate| day <= today && end.is_none_or(|end| day < end);
        if trial.is_none() || known(paid_from) {
            points.push((paid_from, paid_mrr_on(paid_from)));
            if let Some((from, to)) = discount {
                for day in [Some(from), to].into_iter().flatten() {
                    if day > paid_from && known(day) {
                        points.push((day, paid_mrr_on(day)));
                    }
                }
            }
        }
        points.sort_by_key(|(day, _)| *day);
        let mut segments: Vec<StripeSegment> = Vec::new();
        for (i, (from, mrr)) in points.iter().enumerate() {
            let next = points.get(i + 1).map(|(day, _)| *day);
            let to = match (next, end) {
                (Some(n), Some(e)) => Some(n.min(e)),
                (n, e) => n.or(e),
            };
            if to.is_some_and(|to| to <= *from) {
                continue;
            }
            // Two neighbours at the same MRR are one segment.
            if let Some(last) = segments.last_mut() {
                if last.mrr_cents == *mrr && last.ended_on == Some(*from) {
                    last.ended_on = to;
                    continue;
                }
            }
            segments.push(StripeSegment {
                started_on: *from,
                ended_on: to,
                mrr_cents: *mrr,
            });
        }
        Ok(segments)
    }
}

/// When an invoice was paid.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct StatusTransitions {
    /// Unix seconds of the payment.
    #[serde(default)]
    pub paid_at: Option<i64>,
    /// Unix seconds of the finalisation (when it could first be charged).
    #[serde(default)]
    pub finalized_at: Option<i64>,
}

/// A Stripe invoice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Invoice {
    /// `in_…`: the invoice's external id.
    pub id: String,
    /// The customer id.
    pub customer: String,
    /// `draft`, `open`, `paid`, `uncollectible` or `void`.
    #[serde(default)]
    pub status: Option<String>,
    /// The invoice's currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// The amount due, in minor units.
    pub amount_due: i64,
    /// When the invoice was created.
    pub created: i64,
    /// When the invoice falls due.
    #[serde(default)]
    pub due_date: Option<i64>,
    /// Status changes.
    #[serde(default)]
    pub status_transitions: StatusTransitions,
    /// How many times payment was attempted.
    #[serde(default)]
    pub attempt_count: Option<u64>,
    /// True when it is paid.
    #[serde(default)]
    pub paid: Option<bool>,
    /// The invoice's lines (the first page Stripe embeds).
    #[serde(default)]
    pub lines: List<InvoiceLine>,
}

/// A line's billing period.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Period {
    /// Unix seconds of the first moment.
    pub start: i64,
    /// Unix seconds of the end.
    #[serde(default)]
    pub end: Option<i64>,
}

/// An amount a discount took off a line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DiscountAmount {
    /// In minor units.
    pub amount: i64,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InvoiceLine {
    /// `subscription` or `invoiceitem`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The subscription billed, for a subscription line.
    #[serde(default)]
    pub subscription: Option<String>,
    /// True for a proration (a part period after a change).
    #[serde(default)]
    pub proration: bool,
    /// The period billed.
    #[serde(default)]
    pub period: Option<Period>,
    /// The price billed.
    #[serde(default)]
    pub price: Option<Price>,
    /// The legacy plan billed.
    #[serde(default)]
    pub plan: Option<Plan>,
    /// How many units.
    #[serde(default)]
    pub quantity: Option<u64>,
    /// What discounts took off the line.
    #[serde(default)]
    pub discount_amounts: Vec<DiscountAmount>,
}

/// The MRR one invoice billed for one subscription from a day: what the
/// invoice's lines tell of the subscription's past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BilledPeriod {
    /// The subscription.
    pub subscription: String,
    /// The first day billed.
    pub started_on: NaiveDate,
    /// The invoice's creation (orders invoices billing the same day).
    pub invoiced_at: i64,
    /// The MRR billed, in minor units: the lines' amounts per unit times
    /// their quantities, less their discounts, normalised to a month like
    /// a subscription's items.
    pub mrr_cents: i64,
}

/// An invoice as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFromStripe {
    /// The invoice id.
    pub external_id: String,
    /// The customer id.
    pub customer: String,
    /// `amount_due`, in minor units.
    pub amount_cents: i64,
    /// `created`, as a UTC date.
    pub issued_on: NaiveDate,
    /// `due_date`, else the issued date.
    pub due_on: NaiveDate,
    /// `status_transitions.paid_at`, as a UTC date.
    pub paid_on: Option<NaiveDate>,
}

impl Invoice {
    /// The registry's invoice, or none for a `draft` or `void` invoice.
    pub fn to_registry(&self) -> Result<Option<InvoiceFromStripe>, StripeRuleError> {
        if matches!(self.status.as_deref(), Some("draft" | "void")) {
            return Ok(None);
        }
        let issued_on = utc_date(self.created)?;
        Ok(Some(InvoiceFromStripe {
            external_id: self.id.clone(),
            customer: self.customer.clone(),
            amount_cents: self.amount_due,
            issued_on,
            due_on: self
                .due_date
                .map(utc_date)
                .transpose()?
                .unwrap_or(issued_on),
            paid_on: self.status_transitions.paid_at.map(utc_date).transpose()?,
        }))
    }
}

impl Invoice {
    /// What this invoice billed per subscription, from its subscription
    /// lines that are not prorations (none for a draft or void invoice, or
    /// a line without a period or a recurring price).
    pub fn billed_periods(&self) -> Vec<BilledPeriod> {
        if matches!(self.status.as_deref(), Some("draft" | "void")) {
            return Vec::new();
        }
        let mut out: Vec<(String, NaiveDate, Fraction)> = Vec::new();
        for line in &self.lines.data {
            if line.kind.as_deref() != Some("subscription") || line.proration {
                continue;
            }
            let (Some(sub), Some(period)) = (&line.subscription, &line.period) else {
                continue;
            };
            let Ok(start) = utc_date(period.start) else {
                continue;
            };
            let item = SubscriptionItem {
                quantity: line.quantity,
                price: line.price.clone(),
                plan: line.plan.clone(),
            };
            let Ok((amount, (num, den))) = item.amount_and_period() else {
                continue;
            };
            let quantity = i128::from(line.quantity.unwrap_or(1));
            let off: i128 = line
                .discount_amounts
                .iter()
                .map(|d| i128::from(d.amount))
                .sum();
            let mrr = Fraction::new(i128::from(amount) * quantity * num, den)
                .sub_floor_zero(Fraction::new(off * num, den));
            match out.iter_mut().find(|(s, _, _)| s == sub) {
                Some((_, day, total)) => {
                    *day = (*day).min(start);
                    *total = total.add(mrr);
                }
                None => out.push((sub.clone(), start, mrr)),
            }
        }
        out.into_iter()
            .filter_map(|(subscription, started_on, mrr)| {
                Some(BilledPeriod {
                    subscription,
                    started_on,
                    invoiced_at: self.created,
                    mrr_cents: mrr.round_half_up().ok()?,
                })
            })
            .collect()
    }
}

/// The past of one subscription as its invoices tell it: from each billed
/// period's first day, the MRR billed, until the next (the last runs on).
/// Invoices billing the same day: the latest counts.
pub fn segments_from_invoices(periods: &[BilledPeriod]) -> Vec<StripeSegment> {
    let mut sorted: Vec<&BilledPeriod> = periods.iter().collect();
    sorted.sort_by_key(|p| (p.started_on, p.invoiced_at));
    let mut points: Vec<(NaiveDate, i64)> = Vec::new();
    for p in sorted {
        match points.last_mut() {
            Some(last) if last.0 == p.started_on => last.1 = p.mrr_cents,
            _ => points.push((p.started_on, p.mrr_cents)),
        }
    }
    let mut out: Vec<StripeSegment> = Vec::new();
    for (i, (from, mrr)) in points.iter().enumerate() {
        let to = points.get(i + 1).map(|(d, _)| *d);
        if let Some(last) = out.last_mut() {
            if last.mrr_cents == *mrr {
                last.ended_on = to;
                continue;
            }
        }
        out.push(StripeSegment {
            started_on: *from,
            ended_on: to,
            mrr_cents: *mrr,
        });
    }
    out
}

/// The segments one subscription keeps when its current state is learnt on
/// `change_on` (a webhook event's date, or a sync's day), given the
/// segments already `recorded` and those its current state gives
/// (`current`, from [`Subscription::segments`]). History is kept, never
/// rewritten:
/// - the dates a subscription knows of itself (its start, trial, discount
///   and end) come from `current`: no day is covered that `current` does
///   not cover;
/// - before `change_on` a day keeps its recorded MRR (a plan changed
///   earlier stays changed on the day it was seen); a day no recorded
///   segment covers takes the current MRR;
/// - from `change_on` on, the current MRR.
///
/// Neighbours at the same MRR are one segment. With nothing recorded the
/// answer is `current`; with `current` unchanged since the recorded
/// segments were written, it is `recorded`.
pub fn follow_segments(
    recorded: &[StripeSegment],
    current: &[StripeSegment],
    change_on: NaiveDate,
) -> Vec<StripeSegment> {
    let covering = |segs: &[StripeSegment], day: NaiveDate| -> Option<i64> {
        segs.iter()
            .find(|s| s.started_on <= day && s.ended_on.is_none_or(|e| day < e))
            .map(|s| s.mrr_cents)
    };
    let mut bounds: Vec<NaiveDate> = recorded
        .iter()
        .chain(current)
        .flat_map(|s| [Some(s.started_on), s.ended_on])
        .flatten()
        .chain([change_on])
        .collect();
    bounds.sort();
    bounds.dedup();
    let mut out: Vec<StripeSegment> = Vec::new();
    for (i, from) in bounds.iter().enumerate() {
        let to = bounds.get(i + 1).copied();
        let Some(now_mrr) = covering(current, *from) else {
            continue;
        };
        let mrr = if *from < change_on {
            covering(recorded, *from).unwrap_or(now_mrr)
        } else {
            now_mrr
        };
        if let Some(last) = out.last_mut() {
            if last.mrr_cents == mrr && last.ended_on == Some(*from) {
                last.ended_on = to;
                continue;
            }
        }
        out.push(StripeSegment {
            started_on: *from,
            ended_on: to,
            mrr_cents: mrr,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn ts(text: &str) -> i64 {
        day(text)
            .and_hms_opt(12, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp()
    }

    fn sub(value: serde_json::Value) -> Subscription {
        serde_json::from_value(value).expect("subscription")
    }

    fn monthly(amount: i64) -> serde_json::Value {
        json!({"price": {"unit_amount": amount, "recurring": {"interval": "month", "interval_count": 1}}, "quantity": 1})
    }

    #[test]
    fn a_customer_is_named_by_name_else_email_else_id() {
        let named: Customer =
            serde_json::from_value(json!({"id": "cus_1", "name": "Acme", "email": "a@acme.test"}))
                .expect("customer");
        assert_eq!(named.client().name, "Acme");
        let emailed: Customer =
            serde_json::from_value(json!({"id": "cus_2", "email": "b@beta.test"}))
                .expect("customer");
        assert_eq!(emailed.client().name, "b@beta.test");
        let bare: Customer =
            serde_json::from_value(json!({"id": "cus_3", "name": ""})).expect("customer");
        assert_eq!(bare.client().name, "cus_3");
        assert_eq!(bare.client().contact, None);
    }

    #[test]
    fn a_customer_gives_its_primary_contact_owner_and_segment() {
        let c: Customer = serde_json::from_value(json!({
            "id": "cus_1", "name": "Ana Ruiz", "email": "ana@acme.test",
            "metadata": {"owner": "maria", "segment": "smb"}
        }))
        .expect("customer");
        let client = c.client();
        assert_eq!(client.owner.as_deref(), Some("maria"));
        assert_eq!(client.segment.as_deref(), Some("smb"));
        assert_eq!(
            client.contact,
            Some(ContactFromStripe {
                name: "Ana Ruiz".into(),
                email: Some("ana@acme.test".into())
            })
        );
    }

    #[test]
    fn mrr_sums_unit_amount_times_quantity_over_items() {
        // 2 seats at 10.00 a month + 1 add-on at 5.00 a month = 25.00.
        let s = sub(
            json!({"id": "sub_1", "customer": "cus_1", "status": "active",
            "start_date": ts("2026-01-10"),
            "items": {"data": [
                {"price": {"unit_amount": 1000, "recurring": {"interval": "month"}}, "quantity": 2},
                monthly(500)
            ]}}),
        );
        assert_eq!(s.mrr_cents(true), Ok(2500));
    }

    #[test]
    fn intervals_are_normalised_to_a_month_and_rounded_half_up_once_at_the_end() {
        // Worked example: 100.00 a year (833.33…) + 10.00 a week (4333.33…)
        // + 1.00 a day × 3 (9125) + 30.00 every 3 months (1000):
        // exact sum 15291.666… cents, rounded once: 15292 (rounding each
        // item first would give 833 + 4333 + 9125 + 1000 = 15291).
        let s = sub(
            json!({"id": "sub_1", "customer": "cus_1", "status": "active",
            "start_date": ts("2026-01-10"),
            "items": {"data": [
                {"price": {"unit_amount": 10000, "recurring": {"interval": "year", "interval_count": 1}}},
                {"price": {"unit_amount": 1000, "recurring": {"interval": "week", "interval_count": 1}}},
                {"price": {"unit_amount": 100, "recurring": {"interval": "day", "interval_count": 1}}, "quantity": 3},
                {"price": {"unit_amount": 3000, "recurring": {"interval": "month", "interval_count": 3}}}
            ]}}),
        );
        assert_eq!(s.mrr_cents(true), Ok(15292));
    }

    #[test]
    fn half_a_cent_rounds_up() {
        // 0.18 every 12 months = 1.5 cents a month -> 2.
        let s = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "items": {"data": [{"price": {"unit_amount": 18, "recurring": {"interval": "month", "interval_count": 12}}}]}}),
        );
        assert_eq!(s.mrr_cents(true), Ok(2));
    }

    #[test]
    fn an_item_on_a_legacy_plan_uses_the_plan_amount_and_interval() {
        let s = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "items": {"data": [{"plan": {"amount": 24000, "interval": "year", "interval_count": 2}, "quantity": 1}]}}),
        );
        // 240.00 every 2 years = 10.00 a month.
        assert_eq!(s.mrr_cents(true), Ok(1000));
    }

    #[test]
    fn the_currency_is_the_subscriptions_else_its_first_items() {
        let s = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "items": {"data": [{"plan": {"amount": 1, "interval": "month", "currency": "EUR"}}]}}),
        );
        assert_eq!(s.currency_code(), "eur");
        let own = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "currency": "usd", "items": {"data": []}}),
        );
        assert_eq!(own.currency_code(), "usd");
    }

    #[test]
    fn an_unknown_interval_is_an_error_naming_it() {
        let s = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "items": {"data": [{"plan": {"amount": 1, "interval": "fortnight"}}]}}),
        );
        assert_eq!(
            s.mrr_cents(true),
            Err(StripeRuleError::UnknownInterval("fortnight".into()))
        );
    }

    #[test]
    fn a_percent_off_discount_multiplies_the_mrr_while_it_runs() {
        // 99.00 a month, 25 % off from Feb 1 to Apr 1; today Jun 1.
        let s = sub(json!({"id": "s", "customer": "c", "status": "active",
            "start_date": ts("2026-01-01"),
            "items": {"data": [monthly(9900)]},
            "discount": {"coupon": {"percent_off": 25.0}, "start": ts("2026-02-01"), "end": ts("2026-04-01")}}));
        assert_eq!(
            s.segments(day("2026-06-01")).expect("segments"),
            vec![
                StripeSegment {
                    started_on: day("2026-01-01"),
                    ended_on: Some(day("2026-02-01")),
                    mrr_cents: 9900
                },
                StripeSegment {
                    started_on: day("2026-02-01"),
                    ended_on: Some(day("2026-04-01")),
                    mrr_cents: 7425
                },
                StripeSegment {
                    started_on: day("2026-04-01"),
                    ended_on: None,
                    mrr_cents: 9900
                },
            ]
        );
    }

    #[test]
    fn a_discount_ending_later_leaves_one_discounted_segment_for_now() {
        let s = sub(json!({"id": "s", "customer": "c", "status": "active",
            "start_date": ts("2026-01-01"),
            "items": {"data": [monthly(9900)]},
            "discount": {"coupon": {"percent_off": 50}, "start": ts("2026-01-01"), "end": ts("2027-01-01")}}));
        assert_eq!(
            s.segments(day("2026-06-01")).expect("segments"),
            vec![StripeSegment {
                started_on: day("2026-01-01"),
                ended_on: None,
                mrr_cents: 4950
            }]
        );
    }

    #[test]
    fn an_amount_off_is_normalised_like_the_price_and_never_goes_below_zero() {
        // 120.00 a year (10.00 a month) with 60.00 off each yearly invoice:
        // 5.00 a month.
        let yearly = json!({"price": {"unit_amount": 12000, "recurring": {"interval": "year"}}});
        let s = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "items": {"data": [yearly]},
            "discount": {"coupon": {"amount_off": 6000}}}),
        );
        assert_eq!(s.mrr_cents(true), Ok(500));
        let more = sub(
            json!({"id": "s", "customer": "c", "status": "active", "start_date": 0,
            "items": {"data": [monthly(1000)]},
            "discount": {"coupon": {"amount_off": 5000}}}),
        );
        assert_eq!(more.mrr_cents(true), Ok(0));
    }

    #[test]
    fn a_trial_is_a_segment_at_mrr_zero_followed_by_the_paid_mrr() {
        let s = sub(json!({"id": "s", "customer": "c", "status": "active",
            "start_date": ts("2026-01-01"),
            "trial_start": ts("2026-01-01"), "trial_end": ts("2026-01-15"),
            "items": {"data": [monthly(5000)]}}));
        assert_eq!(
            s.segments(day("2026-03-01")).expect("segments"),
            vec![
                StripeSegment {
                    started_on: day("2026-01-01"),
                    ended_on: Some(day("2026-01-15")),
                    mrr_cents: 0
                },
                StripeSegment {
                    started_on: day("2026-01-15"),
                    ended_on: None,
                    mrr_cents: 5000
                },
            ]
        );
    }

    #[test]
    fn a_trial_still_running_is_one_open_segment_at_zero() {
        let s = sub(json!({"id": "s", "customer": "c", "status": "trialing",
            "start_date": ts("2026-01-01"),
            "trial_start": ts("2026-01-01"), "trial_end": ts("2026-02-01"),
            "items": {"data": [monthly(5000)]}}));
        assert_eq!(
            s.segments(day("2026-01-10")).expect("segments"),
            vec![StripeSegment {
                started_on: day("2026-01-01"),
                ended_on: None,
                mrr_cents: 0
            }]
        );
    }

    #[test]
    fn incomplete_subscriptions_make_no_segment() {
        for status in ["incomplete", "incomplete_expired"] {
            let s = sub(json!({"id": "s", "customer": "c", "status": status,
                "start_date": ts("2026-01-01"), "items": {"data": [monthly(5000)]}}));
            assert_eq!(s.segments(day("2026-03-01")), Ok(Vec::new()), "{status}");
        }
    }

    #[test]
    fn a_canceled_subscription_ends_on_its_ended_at_date() {
        let s = sub(json!({"id": "s", "customer": "c", "status": "canceled",
            "start_date": ts("2026-01-01"), "ended_at": ts("2026-03-20"),
            "items": {"data": [monthly(5000)]}}));
        assert_eq!(
            s.segments(day("2026-06-01")).expect("segments"),
            vec![StripeSegment {
                started_on: day("2026-01-01"),
                ended_on: Some(day("2026-03-20")),
                mrr_cents: 5000
            }]
        );
    }

    #[test]
    fn a_cancel_at_in_the_future_ends_the_segment_then() {
        let s = sub(json!({"id": "s", "customer": "c", "status": "active",
            "start_date": ts("2026-01-01"), "cancel_at": ts("2026-07-01"),
            "items": {"data": [monthly(5000)]}}));
        assert_eq!(
            s.segments(day("2026-06-01")).expect("segments")[0].ended_on,
            Some(day("2026-07-01"))
        );
    }

    #[test]
    fn past_due_and_unpaid_subscriptions_still_count() {
        for status in ["past_due", "unpaid"] {
            let s = sub(json!({"id": "s", "customer": "c", "status": status,
                "start_date": ts("2026-01-01"), "items": {"data": [monthly(5000)]}}));
            assert_eq!(
                s.segments(day("2026-03-01")).expect("segments")[0].mrr_cents,
                5000
            );
        }
    }

    #[test]
    fn an_invoice_is_issued_on_its_utc_creation_date_and_due_then_without_a_due_date() {
        // 23:30 UTC on Jan 31 is still Jan 31.
        let created = ts("2026-01-31") + 11 * 3600 + 30 * 60;
        let inv: Invoice = serde_json::from_value(json!({"id": "in_1", "customer": "cus_1",
            "status": "open", "amount_due": 4900, "created": created}))
        .expect("invoice");
        let got = inv.to_registry().expect("ok").expect("kept");
        assert_eq!(got.issued_on, day("2026-01-31"));
        assert_eq!(got.due_on, day("2026-01-31"));
        assert_eq!(got.paid_on, None);
        assert_eq!(got.amount_cents, 4900);
    }

    #[test]
    fn a_paid_invoice_has_its_due_date_and_paid_date() {
        let inv: Invoice = serde_json::from_value(json!({"id": "in_1", "customer": "cus_1",
            "status": "paid", "amount_due": 4900, "created": ts("2026-02-01"),
            "due_date": ts("2026-02-15"), "status_transitions": {"paid_at": ts("2026-02-10")}}))
        .expect("invoice");
        let got = inv.to_registry().expect("ok").expect("kept");
        assert_eq!(got.due_on, day("2026-02-15"));
        assert_eq!(got.paid_on, Some(day("2026-02-10")));
    }

    #[test]
    fn draft_and_void_invoices_are_left_out() {
        for status in ["draft", "void"] {
            let inv: Invoice = serde_json::from_value(json!({"id": "in_1", "customer": "c",
                "status": status, "amount_due": 1, "created": 0}))
            .expect("invoice");
            assert_eq!(inv.to_registry(), Ok(None), "{status}");
        }
    }
    fn seg(from: &str, to: Option<&str>, mrr: i64) -> StripeSegment {
        StripeSegment {
            started_on: day(from),
            ended_on: to.map(day),
            mrr_cents: mrr,
        }
    }

    #[test]
    fn with_nothing_recorded_the_current_segments_are_kept() {
        let current = vec![
            seg("2026-01-01", Some("2026-01-15"), 0),
            seg("2026-01-15", None, 4900),
        ];
        assert_eq!(follow_segments(&[], &current, day("2026-03-01")), current);
    }

    #[test]
    fn a_plan_change_starts_a_new_segment_on_the_day_it_is_seen() {
        let recorded = vec![seg("2026-01-01", None, 4900)];
        let current = vec![seg("2026-01-01", None, 9900)];
        assert_eq!(
            follow_segments(&recorded, &current, day("2026-03-10")),
            vec![
                seg("2026-01-01", Some("2026-03-10"), 4900),
                seg("2026-03-10", None, 9900)
            ]
        );
    }

    #[test]
    fn an_unchanged_subscription_seen_again_changes_nothing() {
        let recorded = vec![
            seg("2026-01-01", Some("2026-03-10"), 4900),
            seg("2026-03-10", None, 9900),
        ];
        let current = vec![seg("2026-01-01", None, 9900)];
        for seen in ["2026-03-10", "2026-04-01", "2027-01-01"] {
            assert_eq!(
                follow_segments(&recorded, &current, day(seen)),
                recorded,
                "{seen}"
            );
        }
    }

    #[test]
    fn a_cancellation_ends_the_open_segment_on_its_own_date() {
        let recorded = vec![
            seg("2026-01-01", Some("2026-03-10"), 4900),
            seg("2026-03-10", None, 9900),
        ];
        // Seen days after it ended: the end date is the subscription's own.
        let current = vec![seg("2026-01-01", Some("2026-05-20"), 9900)];
        assert_eq!(
            follow_segments(&recorded, &current, day("2026-06-02")),
            vec![
                seg("2026-01-01", Some("2026-03-10"), 4900),
                seg("2026-03-10", Some("2026-05-20"), 9900)
            ]
        );
    }

    #[test]
    fn a_trial_that_ends_is_followed_by_the_paid_segment() {
        let recorded = vec![seg("2026-01-01", None, 0)];
        let current = vec![
            seg("2026-01-01", Some("2026-01-15"), 0),
            seg("2026-01-15", None, 4900),
        ];
        assert_eq!(
            follow_segments(&recorded, &current, day("2026-01-15")),
            current
        );
    }

    #[test]
    fn days_only_the_current_state_covers_take_its_mrr() {
        // Recorded from a later start (an earlier start became known).
        let recorded = vec![seg("2026-02-01", None, 4900)];
        let current = vec![seg("2026-01-01", None, 4900)];
        assert_eq!(
            follow_segments(&recorded, &current, day("2026-03-01")),
            current
        );
        // An incomplete subscription has no segment: nothing is kept.
        assert_eq!(follow_segments(&recorded, &[], day("2026-03-01")), vec![]);
    }

    #[test]
    fn an_event_dated_before_a_recorded_change_moves_it_to_the_event_date() {
        // A sync saw the change on 10 March; an event of 1 March, delivered
        // late, tells the day it really happened.
        let recorded = vec![
            seg("2026-01-01", Some("2026-03-10"), 4900),
            seg("2026-03-10", None, 9900),
        ];
        let current = vec![seg("2026-01-01", None, 9900)];
        assert_eq!(
            follow_segments(&recorded, &current, day("2026-03-01")),
            vec![
                seg("2026-01-01", Some("2026-03-01"), 4900),
                seg("2026-03-01", None, 9900)
            ]
        );
    }
    #[test]
    fn invoices_tell_a_plan_change_made_before_the_first_sync() {
        let line = |start: &str, amount: i64, proration: bool| {
            json!({"type": "subscription", "subscription": "sub_1", "proration": proration,
                "period": {"start": ts(start), "end": ts(start) + 86_400 * 30},
                "price": {"unit_amount": amount, "recurring": {"interval": "month"}},
                "quantity": 2})
        };
        let invoice = |id: &str, start: &str, lines: Vec<Value>| -> Invoice {
            serde_json::from_value(json!({"id": id, "customer": "c", "status": "paid",
                "amount_due": 1, "created": ts(start), "lines": {"data": lines}}))
            .expect("invoice")
        };
        let invoices = [
            invoice("in_1", "2026-01-01", vec![line("2026-01-01", 2500, false)]),
            invoice("in_2", "2026-02-01", vec![line("2026-02-01", 2500, false)]),
            // Upgraded on 20 Feb: a proration line, then the new price.
            invoice(
                "in_3",
                "2026-03-01",
                vec![
                    line("2026-02-20", 9000, true),
                    line("2026-03-01", 4000, false),
                ],
            ),
        ];
        let periods: Vec<BilledPeriod> =
            invoices.iter().flat_map(Invoice::billed_periods).collect();
        assert_eq!(periods.len(), 3);
        assert_eq!(
            segments_from_invoices(&periods),
            vec![
                seg("2026-01-01", Some("2026-03-01"), 5000),
                seg("2026-03-01", None, 8000)
            ]
        );
        // With today's state (8000 since the start, as Stripe shows it),
        // the first sync keeps what the invoices tell.
        let current = vec![seg("2026-01-01", None, 8000)];
        assert_eq!(
            follow_segments(
                &segments_from_invoices(&periods),
                &current,
                day("2026-03-15")
            ),
            vec![
                seg("2026-01-01", Some("2026-03-01"), 5000),
                seg("2026-03-01", None, 8000)
            ]
        );
    }

    #[test]
    fn a_line_discount_and_a_yearly_price_are_normalised_to_a_month() {
        let inv: Invoice = serde_json::from_value(json!({"id": "in_1", "customer": "c",
            "status": "open", "amount_due": 1, "created": ts("2026-01-01"),
            "lines": {"data": [{"type": "subscription", "subscription": "sub_1",
                "period": {"start": ts("2026-01-01")},
                "plan": {"amount": 120_000, "interval": "year"}, "quantity": 1,
                "discount_amounts": [{"amount": 12_000}]}]}}))
        .expect("invoice");
        let got = inv.billed_periods();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].mrr_cents, 9000);
        // Draft and void invoices tell nothing.
        let mut void = inv.clone();
        void.status = Some("void".into());
        assert!(void.billed_periods().is_empty());
    }
}
