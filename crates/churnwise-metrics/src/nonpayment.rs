//! Non-payment figures: mature invoices by due month, and the unpaid share.

use crate::input::Invoice;
use crate::sweep::day;
use chrono::NaiveDate;
use churnwise_domain::Month;
use rayon::prelude::*;

/// Mature-invoice totals of one month, in cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DueTotals {
    pub invoices_due: u64,
    pub amount_due: i64,
    pub amount_unpaid: i64,
}

/// Totals per reported month from `from`, `months` long.
pub(crate) fn due_totals(
    invoices: &[Invoice],
    from: Month,
    months: usize,
    as_of: NaiveDate,
    grace_days: u32,
) -> Vec<DueTotals> {
    let as_of = day(as_of);
    let grace = grace_days as i32;
    invoices
        .par_chunks(64 * 1024)
        .fold(
            || vec![DueTotals::default(); months],
            |mut acc, chunk| {
                for inv in chunk {
                    let due = day(inv.due_on);
                    let deadline = due + grace;
                    if deadline >= as_of {
                        continue; // not mature
                    }
                    let idx = from.months_until(Month::of(inv.due_on));
                    if idx < 0 || idx as usize >= months {
                        continue;
                    }
                    let unpaid = match inv.paid_on.map(day) {
                        None => true,
                        Some(paid) => paid > as_of || paid > deadline,
                    };
                    let t = &mut acc[idx as usize];
                    t.invoices_due += u64::from(inv.count);
                    t.amount_due += inv.amount.cents();
                    if unpaid {
                        t.amount_unpaid += inv.amount.cents();
                    }
                }
                acc
            },
        )
        .reduce(
            || vec![DueTotals::default(); months],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    x.invoices_due += y.invoices_due;
                    x.amount_due += y.amount_due;
                    x.amount_unpaid += y.amount_unpaid;
                }
                a
            },
        )
}
