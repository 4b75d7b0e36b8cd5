//! `churnwise generate`: writes realistic `customers.csv`,
//! `subscriptions.csv` and `invoices.csv` of any size, the same for the
//! same seed, fast (customers are made in parallel blocks, each from its own
//! seeded generator, and written in order).
//!
//! Rows go out in the order `--order` asks for: by date (the default, as
//! billing systems export them), by customer, or shuffled. The first is
//! written straight through; the others go through bucket files (by month,
//! or by a random draw) that are then sorted or shuffled one at a time, so
//! memory stays at one bucket, not the whole file.

use chrono::{Datelike, Days, NaiveDate};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `churnwise generate`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    about = "Write realistic customers.csv, subscriptions.csv and invoices.csv",
    after_help = "Example:\n  churnwise generate --customers 100000 --seed 7 --out data/\n\n\
Writes about 1.4 segments and 6 invoices per customer, with owners,\n\
segments, plans, upgrades, downgrades, free trials, gaps and\n\
reactivations, late and unpaid invoices. The same seed gives the same files.\n\
Rows are in date order by default (--order date|customer|shuffled)."
)]
pub struct GenerateArgs {
    /// Number of customers to write.
    #[arg(long, default_value_t = 1000)]
    pub customers: u64,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Directory to write the three files into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Last day of the generated history.
    #[arg(long, default_value = "2024-12-31", value_parser = parse_day)]
    pub until: NaiveDate,
    /// Order of the rows in each file.
    #[arg(long, value_enum, default_value = "date")]
    pub order: Order,
}

/// The order rows are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    /// By date, like billing exports: customers by the day they joined,
    /// subscriptions by `started_on`, invoices by `issued_on` (rows of one
    /// day by customer id).
    Date,
    /// Customers together, in id order: each customer's row, segments and
    /// invoices follow each other.
    Customer,
    /// A random order drawn from the seed, in each file.
    Shuffled,
}

/// Days of history before `--until`.
const HISTORY_DAYS: u64 = 6 * 365;

/// A `--until` day; every date written lies between `HISTORY_DAYS` before it
/// and 29 days after it, and must have a four-digit year.
fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let day = churnwise_domain::parse_date(text).map_err(|e| e.to_string())?;
    let earliest = day - Days::new(HISTORY_DAYS);
    let latest = day + Days::new(29);
    if earliest.year() < 0 || latest.year() > 9999 {
        let why = "the six years of history before it and the 29 days after it \
                   must fall in the years 0000 to 9999";
        return Err(why.to_string());
    }
    Ok(day)
}

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    /// Customer rows.
    pub customers: u64,
    /// Subscription segment rows.
    pub segments: u64,
    /// Invoice rows.
    pub invoices: u64,
}

/// Runs the command.
pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let g = generate(args)?;
    eprintln!(
        "wrote {} customers, {} segments, {} invoices to {} in {:.1} s",
        g.customers,
        g.segments,
        g.invoices,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// SplitMix64: small, fast, and the same on every platform and version.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    /// Exponentially distributed with the given mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        let u = ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        -mean * u.ln()
    }
}

const OWNERS: [&str; 12] = [
    "ana", "bob", "carla", "dmitri", "eve", "farid", "greta", "hiro", "ines", "jon", "kemal",
    "lena",
];
const SEGMENTS: [&str; 3] = ["smb", "mid-market", "enterprise"];
/// Plans by segment: (name, MRR in cents).
const PLANS: [[(&str, i64); 3]; 3] = [
    [("starter", 2_900), ("team", 4_900), ("pro", 9_900)],
    [
        ("pro", 9_900),
        ("business", 29_900),
        ("business-plus", 49_950),
    ],
    [
        ("business-plus", 49_950),
        ("enterprise", 149_000),
        ("enterprise-xl", 399_000),
    ],
];
const ADDON: (&str, i64) = ("addon-seats", 1_500);

#[expect(
    clippy::cast_possible_truncation,
    reason = "`parse_day` keeps every date written in the years 0000 to 9999, and a month or day \
              is at most 31, so each quotient is a single digit"
)]
fn push_date(out: &mut Vec<u8>, d: NaiveDate) {
    let (y, m, day) = (d.year() as u32, d.month(), d.day());
    out.extend_from_slice(&[
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ]);
}

fn push_cents(out: &mut Vec<u8>, cents: i64) {
    let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
}

/// The three files' bytes for one block of customers, and the date of
/// each row (days after the first day of the history) to order them by.
#[derive(Default)]
struct Block {
    customers: Vec<u8>,
    subscriptions: Vec<u8>,
    invoices: Vec<u8>,
    customer_days: Vec<u32>,
    subscription_days: Vec<u32>,
    invoice_days: Vec<u32>,
    counts: Generated,
}

/// Days from `start` to `d` (never negative here: every date written lies
/// on or after the first day of the history).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "every date ordered by lies between the first day of the history and 29 days after \
              `--until`, so the difference is between 0 and 2219 days"
)]
fn days_after(start: NaiveDate, d: NaiveDate) -> u32 {
    (d - start).num_days().max(0) as u32
}

/// One segment about to be written.
struct Seg {
    sub: u64,
    plan: &'static str,
    mrr: i64,
    start: NaiveDate,
    end: Option<NaiveDate>,
}

fn customer_block(seed: u64, first: u64, count: u64, until: NaiveDate) -> Block {
    let mut b = Block::default();
    let mut r = Rng::new(seed, first);
    let history_start = until - Days::new(HISTORY_DAYS);
    let span = (until - history_start).num_days() as u64;
    let mut segs: Vec<Seg> = Vec::with_capacity(8);
    for id in first..first + count {
        let c = id + 1;
        // More customers join recently: the square root skews towards `until`.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "`span` (2190 days) times the square root of a number in [0, 1) lies in \
                      [0, span], so its floor fits u64"
        )]
        let at = (span as f64 * ((r.next() >> 11) as f64 / (1u64 << 53) as f64).sqrt()) as u64;
        let joined = history_start + Days::new(at.min(span - 1));
        #[expect(
            clippy::cast_possible_truncation,
            reason = "`below(n)` is less than n, here OWNERS.len() (12)"
        )]
        let owner = if r.chance(0.1) {
            ""
        } else {
            OWNERS[r.below(OWNERS.len() as u64) as usize]
        };
        let tier = match r.below(100) {
            0..=69 => 0,
            70..=92 => 1,
            _ => 2,
        };
        b.customers.extend_from_slice(
            format!("C{c:07},Company {c} Ltd,{owner},{}\n", SEGMENTS[tier]).as_bytes(),
        );
        b.customer_days.push(days_after(history_start, joined));
        b.counts.customers += 1;

        // The main subscription: maybe a free trial, then paid segments with
        // plan changes, until churn (exponential lifetime) or still running.
        segs.clear();
        let sub = c * 10;
        let mut start = joined;
        if r.chance(0.08) {
            let trial_end = start + Days::new(14 + r.below(17));
            segs.push(Seg {
                sub,
                plan: "trial",
                mrr: 0,
                start,
                end: Some(trial_end),
            });
            start = trial_end;
        }
        #[expect(
            clippy::cast_possible_truncation,
            reason = "`exponential` draws u in (0, 1), no smaller than 2^-54, so its value is positive \
                      and at most 38 times the mean, far inside u64; `as` takes its floor on purpose"
        )]
        let life = r.exponential(1400.0) as u64 + 1;
        let end = start
            .checked_add_days(Days::new(life))
            .filter(|e| *e <= until);
        #[expect(clippy::cast_possible_truncation, reason = "`below(3)` is less than 3")]
        let mut plan = r.below(3) as usize;
        if r.chance(0.25) {
            // One upgrade or downgrade somewhere in the life.
            let change = start + Days::new(1 + r.below(life.min(900)));
            if end.is_none_or(|e| change < e) && change <= until {
                segs.push(Seg {
                    sub,
                    plan: PLANS[tier][plan].0,
                    mrr: PLANS[tier][plan].1,
                    start,
                    end: Some(change),
                });
                plan = if plan == 2 || (plan > 0 && r.chance(0.35)) {
                    plan - 1
                } else {
                    plan + 1
                };
                start = change;
            }
        }
        segs.push(Seg {
            sub,
            plan: PLANS[tier][plan].0,
            mrr: PLANS[tier][plan].1,
            start,
            end,
        });
        // A gap, then a reactivation on a new subscription.
        if let Some(e) = end {
            if r.chance(0.25) {
                let back = e + Days::new(20 + r.below(300));
                if back < until {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "`exponential` draws u in (0, 1), no smaller than 2^-54, so its value is \
                                  positive and at most 38 times the mean, far inside u64; `as` takes \
                                  its floor on purpose"
                    )]
                    let again = back
                        .checked_add_days(Days::new(r.exponential(900.0) as u64 + 1))
                        .filter(|x| *x <= until);
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "`below(3)` is less than 3"
                    )]
                    let p = r.below(3) as usize;
                    segs.push(Seg {
                        sub: sub + 1,
                        plan: PLANS[tier][p].0,
                        mrr: PLANS[tier][p].1,
                        start: back,
                        end: again,
                    });
                }
            }
        }
        // An add-on overlapping the main subscription.
        if r.chance(0.06) {
            let from = segs[0].start + Days::new(r.below(200));
            if from < until && end.is_none_or(|e| from < e) {
                segs.push(Seg {
                    sub: sub + 2,
                    plan: ADDON.0,
                    mrr: ADDON.1,
                    start: from,
                    end,
                });
            }
        }
        for s in &segs {
            let _ = write!(b.subscriptions, "S{:08},C{c:07},{},", s.sub, s.plan);
            push_cents(&mut b.subscriptions, s.mrr);
            b.subscriptions.push(b',');
            push_date(&mut b.subscriptions, s.start);
            b.subscriptions.push(b',');
            if let Some(e) = s.end {
                push_date(&mut b.subscriptions, e);
            }
            b.subscriptions.extend_from_slice(b",EUR\n");
            b.subscription_days.push(days_after(history_start, s.start));
            b.counts.segments += 1;
        }

        // Invoices: the last paid months of each paid segment, monthly.
        let mut n = 0u64;
        let wanted = 2 + r.below(11);
        for s in segs.iter().rev().filter(|s| s.mrr > 0) {
            let last = s.end.unwrap_or(until).min(until);
            let mut issued = s.start;
            let mut months: Vec<NaiveDate> = Vec::new();
            while issued < last {
                months.push(issued);
                issued = issued + chrono::Months::new(1);
            }
            for &issued in months.iter().rev() {
                if n >= wanted {
                    break;
                }
                n += 1;
                let due = issued + Days::new(if tier == 2 { 30 } else { 14 });
                let _ = write!(b.invoices, "I{c:07}{n:02},C{c:07},");
                push_cents(&mut b.invoices, s.mrr);
                b.invoices.push(b',');
                push_date(&mut b.invoices, issued);
                b.invoices.push(b',');
                push_date(&mut b.invoices, due);
                b.invoices.push(b',');
                let roll = r.below(100);
                let paid = if roll < 84 {
                    Some(due - Days::new(r.below(12)))
                } else if roll < 93 {
                    Some(due + Days::new(1 + r.below(75)))
                } else {
                    None
                };
                if let Some(p) = paid.filter(|p| *p <= until) {
                    push_date(&mut b.invoices, p);
                }
                b.invoices.extend_from_slice(b",EUR\n");
                b.invoice_days.push(days_after(history_start, issued));
                b.counts.invoices += 1;
            }
        }
    }
    b
}

/// Number of bucket files a shuffled file is spread over.
const SHUFFLE_BUCKETS: usize = 64;
/// Days per bucket file of a file in date order (the history spans about
/// 75 such stretches).
const DAYS_PER_BUCKET: u32 = 30;

/// Where the rows of one file go: straight to the file, or into bucket
/// files (each row prefixed by its day as four bytes) that `finish` sorts
/// or shuffles one at a time into the file.
struct Sink {
    out: std::io::BufWriter<std::fs::File>,
    order: Order,
    buckets: Vec<(PathBuf, std::io::BufWriter<std::fs::File>)>,
    dir: PathBuf,
    name: &'static str,
    rng: Rng,
}

impl Sink {
    fn new(
        out: std::io::BufWriter<std::fs::File>,
        order: Order,
        dir: PathBuf,
        name: &'static str,
        rng: Rng,
    ) -> Self {
        Sink {
            out,
            order,
            buckets: Vec::new(),
            dir,
            name,
            rng,
        }
    }

    /// The bucket file `k`, created when first needed.
    fn bucket(&mut self, k: usize) -> anyhow::Result<&mut std::io::BufWriter<std::fs::File>> {
        use anyhow::Context;
        while self.buckets.len() <= k {
            let path = self
                .dir
                .join(format!("{}.{}.part", self.name, self.buckets.len()));
            let f = std::fs::File::create(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            self.buckets
                .push((path, std::io::BufWriter::with_capacity(64 << 10, f)));
        }
        Ok(&mut self.buckets[k].1)
    }

    /// Takes the rows of `bytes` (one per line), with the day of each.
    fn rows(&mut self, bytes: &[u8], days: &[u32]) -> anyhow::Result<()> {
        if self.order == Order::Customer {
            self.out.write_all(bytes)?;
            return Ok(());
        }
        let lines = bytes.split_inclusive(|&b| b == b'\n');
        for (line, &day) in lines.zip(days) {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "`below(n)` is less than n, here SHUFFLE_BUCKETS (64)"
            )]
            let k = match self.order {
                Order::Date => (day / DAYS_PER_BUCKET) as usize,
                _ => self.rng.below(SHUFFLE_BUCKETS as u64) as usize,
            };
            let bucket = self.bucket(k)?;
            bucket.write_all(&day.to_le_bytes())?;
            bucket.write_all(line)?;
        }
        Ok(())
    }

    /// Writes the buckets in order, each sorted by day (stably, so rows of
    /// one day stay in customer order) or shuffled, and removes them.
    fn finish(mut self) -> anyhow::Result<()> {
        use anyhow::Context;
        for (path, writer) in std::mem::take(&mut self.buckets) {
            drop(
                writer
                    .into_inner()
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
            );
            let data =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut rows: Vec<(u32, &[u8])> = Vec::new();
            let mut at = 0;
            while at + 4 <= data.len() {
                let day = u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
                let end = data[at + 4..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(data.len(), |i| at + 5 + i);
                rows.push((day, &data[at + 4..end]));
                at = end;
            }
            match self.order {
                Order::Date => rows.sort_by_key(|r| r.0),
                _ => {
                    // Fisher-Yates, drawn from the seed.
                    for i in (1..rows.len()).rev() {
                        #[expect(
                            clippy::cast_possible_truncation,
                            reason = "`below(i + 1)` is at most `i`, a usize"
                        )]
                        let j = self.rng.below(i as u64 + 1) as usize;
                        rows.swap(i, j);
                    }
                }
            }
            for (_, line) in rows {
                self.out.write_all(line)?;
            }
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Writes the three files and returns how many rows of each.
pub fn generate(args: &GenerateArgs) -> anyhow::Result<Generated> {
    use anyhow::Context;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let create = |name: &str| -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
        let path = args.out.join(name);
        let f = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(std::io::BufWriter::with_capacity(1 << 20, f))
    };
    let mut customers = create("customers.csv")?;
    let mut subscriptions = create("subscriptions.csv")?;
    let mut invoices = create("invoices.csv")?;
    customers.write_all(b"customer_id,name,owner,segment\n")?;
    subscriptions
        .write_all(b"subscription_id,customer_id,plan,mrr,started_on,ended_on,currency\n")?;
    invoices.write_all(b"invoice_id,customer_id,amount,issued_on,due_on,paid_on,currency\n")?;
    let sink = |out, name, stream| {
        // Each file draws from its own generator, apart from the rows'.
        let rng = Rng::new(args.seed, u64::MAX - stream);
        Sink::new(out, args.order, args.out.clone(), name, rng)
    };
    let mut customers = sink(customers, "customers.csv", 0);
    let mut subscriptions = sink(subscriptions, "subscriptions.csv", 1);
    let mut invoices = sink(invoices, "invoices.csv", 2);

    const BLOCK: u64 = 8192;
    const BATCH: u64 = 32;
    let blocks = args.customers.div_ceil(BLOCK);
    let mut total = Generated::default();
    #[expect(clippy::cast_possible_truncation, reason = "BATCH is the constant 32")]
    for batch in (0..blocks).step_by(BATCH as usize) {
        let made: Vec<Block> = (batch..(batch + BATCH).min(blocks))
            .into_par_iter()
            .map(|k| {
                let first = k * BLOCK;
                let count = BLOCK.min(args.customers - first);
                customer_block(args.seed, first, count, args.until)
            })
            .collect();
        for b in made {
            customers.rows(&b.customers, &b.customer_days)?;
            subscriptions.rows(&b.subscriptions, &b.subscription_days)?;
            invoices.rows(&b.invoices, &b.invoice_days)?;
            total.customers += b.counts.customers;
            total.segments += b.counts.segments;
            total.invoices += b.counts.invoices;
        }
    }
    customers.finish()?;
    subscriptions.finish()?;
    invoices.finish()?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::parse_day;

    #[test]
    fn until_keeps_every_written_date_in_four_digit_years() {
        assert!(parse_day("2024-12-31").is_ok());
        // Six years of history reach back to 0000-01-01 and no further.
        assert!(parse_day("0005-12-30").is_ok());
        assert!(parse_day("0005-12-29").is_err());
        assert!(parse_day("0001-06-01").is_err());
        // 29 days after it reach 9999-12-31 and no further.
        assert!(parse_day("9999-12-02").is_ok());
        assert!(parse_day("9999-12-03").is_err());
    }
}
