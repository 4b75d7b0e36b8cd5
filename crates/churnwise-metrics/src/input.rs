//! What the engine computes from: customers by dense index, their segments,
//! and optionally invoices. Callers (file mode, database mode, the API) build
//! this once; the engine never reads files or databases.

use chrono::NaiveDate;
use churnwise_domain::Money;
use std::collections::HashMap;

/// A stretch of time over which one subscription brings a constant MRR to a
/// customer: it counts on every day `started_on <= d < ended_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Dense index of the customer (`0..MetricsInput::customer_count()`).
    pub customer: u32,
    /// Monthly recurring revenue of the segment, >= 0.
    pub mrr: Money,
    /// First day the segment counts.
    pub started_on: NaiveDate,
    /// First day it no longer counts; `None` while still running.
    pub ended_on: Option<NaiveDate>,
    /// Plan index (into `MetricsInput::plans`; 0 is conventionally `""`),
    /// for survival by plan.
    pub plan: u32,
}

/// An invoice as the non-payment figures need it (the customer plays no part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invoice {
    /// Amount billed, > 0.
    pub amount: Money,
    /// Day the invoice is due.
    pub due_on: NaiveDate,
    /// Day it was paid; `None` when not paid.
    pub paid_on: Option<NaiveDate>,
    /// How many invoices this entry stands for: 1 for one invoice, more for
    /// invoices with the same due and payment days summed into one entry
    /// (the non-payment figures only sum amounts and count invoices per
    /// due and payment day, so the grouping changes no figure).
    pub count: u32,
}

/// Everything the engine computes from.
#[derive(Debug, Clone, Default)]
pub struct MetricsInput {
    /// Owner index (into `owners`) of each customer; its length is the
    /// number of customers.
    pub customer_owner: Vec<u32>,
    /// Distinct owner names; index 0 is conventionally `""` (no owner).
    pub owners: Vec<String>,
    /// Index (into `segment_names`) of each customer's `segment` column of
    /// customers.csv, for survival by segment; may be shorter than
    /// `customer_owner` (a missing entry means `""`).
    pub customer_segment: Vec<u32>,
    /// Distinct customer segment texts; index 0 is conventionally `""`.
    pub segment_names: Vec<String>,
    /// Distinct plan texts of the segments (`Segment::plan`); index 0 is
    /// conventionally `""`.
    pub plans: Vec<String>,
    /// All segments of all customers, in any order.
    pub segments: Vec<Segment>,
    /// The invoices, or `None` when none were given (non-payment figures are
    /// then `null`).
    pub invoices: Option<Vec<Invoice>>,
}

impl MetricsInput {
    /// Number of customers known to the input.
    pub fn customer_count(&self) -> usize {
        self.customer_owner.len()
    }

    /// The owner name of a customer (`""` for none).
    pub fn owner_of(&self, customer: u32) -> &str {
        &self.owners[self.customer_owner[customer as usize] as usize]
    }
}

/// Builds a [`MetricsInput`] from rows keyed by text ids, interning customer
/// ids and owners into dense indices (convenient for database mode).
#[derive(Debug, Default)]
pub struct InputBuilder {
    input: MetricsInput,
    customers: HashMap<String, u32>,
    owners: HashMap<String, u32>,
    segment_names: HashMap<String, u32>,
    plans: HashMap<String, u32>,
}

/// Interns `text` into `names` (with its index map), returning its index.
fn intern(names: &mut Vec<String>, index: &mut HashMap<String, u32>, text: &str) -> u32 {
    if let Some(&i) = index.get(text) {
        return i;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "label indices are u32 by design; each label is also a String key of the map, \
                  so 2^32 of them would need over 100 GiB first"
    )]
    let i = names.len() as u32;
    names.push(text.to_string());
    index.insert(text.to_string(), i);
    i
}

impl InputBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        let mut builder = InputBuilder::default();
        builder.intern_owner("");
        intern(
            &mut builder.input.segment_names,
            &mut builder.segment_names,
            "",
        );
        intern(&mut builder.input.plans, &mut builder.plans, "");
        builder
    }

    fn intern_owner(&mut self, owner: &str) -> u32 {
        if let Some(&i) = self.owners.get(owner) {
            return i;
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "owner indices are u32 by design; each owner is also a String key of \
                      `owners`, so 2^32 of them would need over 100 GiB first"
        )]
        let i = self.input.owners.len() as u32;
        self.input.owners.push(owner.to_string());
        self.owners.insert(owner.to_string(), i);
        i
    }

    /// Declares a customer with its owner (`""` for none) and returns its
    /// index; declaring it again updates the owner.
    pub fn customer(&mut self, id: &str, owner: &str) -> u32 {
        let owner = self.intern_owner(owner);
        match self.customers.get(id) {
            Some(&i) => {
                self.input.customer_owner[i as usize] = owner;
                i
            }
            None => {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "customer indices are u32 by design; each customer is also a String \
                              key of `customers`, so 2^32 of them would need over 100 GiB first"
                )]
                let i = self.input.customer_owner.len() as u32;
                self.input.customer_owner.push(owner);
                self.customers.insert(id.to_string(), i);
                i
            }
        }
    }

    /// Declares a customer with its owner and its `segment` (customers.csv's
    /// column; `""` for none) and returns its index.
    pub fn customer_in_segment(&mut self, id: &str, owner: &str, segment: &str) -> u32 {
        let i = self.customer(id, owner);
        self.set_customer_segment(i, segment);
        i
    }

    /// Declares a customer that rows name by its index only (database mode,
    /// whose ids are the store's own integers: no id text is made or
    /// hashed), with its owner and segment, and returns its index. No id
    /// given to [`Self::customer`] ever names it.
    pub fn indexed_customer_in_segment(&mut self, owner: &str, segment: &str) -> u32 {
        let owner = self.intern_owner(owner);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "customer indices are u32 by design; 2^32 customers would need over \
                      100 GiB of segments first"
        )]
        let i = self.input.customer_owner.len() as u32;
        self.input.customer_owner.push(owner);
        self.set_customer_segment(i, segment);
        i
    }

    fn set_customer_segment(&mut self, i: u32, segment: &str) {
        let label = intern(
            &mut self.input.segment_names,
            &mut self.segment_names,
            segment,
        );
        let slot = i as usize;
        if self.input.customer_segment.len() <= slot {
            self.input.customer_segment.resize(slot + 1, 0);
        }
        self.input.customer_segment[slot] = label;
    }

    /// The index of a plan name (`""` for none), interned on first sight.
    pub fn plan_index(&mut self, plan: &str) -> u32 {
        intern(&mut self.input.plans, &mut self.plans, plan)
    }

    /// The index of a customer id, declaring it without owner when unknown.
    pub fn customer_index(&mut self, id: &str) -> u32 {
        match self.customers.get(id) {
            Some(&i) => i,
            None => self.customer(id, ""),
        }
    }

    /// Adds a segment of the customer with id `customer_id`.
    pub fn segment(
        &mut self,
        customer_id: &str,
        mrr: Money,
        started_on: NaiveDate,
        ended_on: Option<NaiveDate>,
    ) {
        self.segment_on_plan(customer_id, "", mrr, started_on, ended_on);
    }

    /// Adds a segment of the customer with id `customer_id` on `plan`
    /// (`""` for none).
    pub fn segment_on_plan(
        &mut self,
        customer_id: &str,
        plan: &str,
        mrr: Money,
        started_on: NaiveDate,
        ended_on: Option<NaiveDate>,
    ) {
        let customer = self.customer_index(customer_id);
        let plan = self.plan_index(plan);
        self.indexed_segment(customer, plan, mrr, started_on, ended_on);
    }

    /// Adds a segment of the customer at index `customer` on the plan at
    /// index `plan` (both as this builder returned them).
    pub fn indexed_segment(
        &mut self,
        customer: u32,
        plan: u32,
        mrr: Money,
        started_on: NaiveDate,
        ended_on: Option<NaiveDate>,
    ) {
        self.input.segments.push(Segment {
            customer,
            mrr,
            started_on,
            ended_on,
            plan,
        });
    }

    /// Adds an invoice (and turns the non-payment figures on).
    pub fn invoice(&mut self, amount: Money, due_on: NaiveDate, paid_on: Option<NaiveDate>) {
        self.input
            .invoices
            .get_or_insert_with(Vec::new)
            .push(Invoice {
                amount,
                due_on,
                paid_on,
                count: 1,
            });
    }

    /// Adds `count` invoices with the same due and payment days and
    /// `amount` in all (a group summed by the database).
    pub fn invoice_group(
        &mut self,
        amount: Money,
        due_on: NaiveDate,
        paid_on: Option<NaiveDate>,
        count: u32,
    ) {
        self.input
            .invoices
            .get_or_insert_with(Vec::new)
            .push(Invoice {
                amount,
                due_on,
                paid_on,
                count,
            });
    }

    /// Says invoices were given even if there are none, so that non-payment
    /// figures are zeros rather than `null`.
    pub fn with_invoices(&mut self) {
        self.input.invoices.get_or_insert_with(Vec::new);
    }

    /// The input built so far.
    pub fn peek(&self) -> &MetricsInput {
        &self.input
    }

    /// The finished input.
    pub fn build(self) -> MetricsInput {
        self.input
    }
}
