//! The fast path of metrics file mode: files parsed in parallel chunks
//! straight from their bytes, no `String` per field, ids reduced to 128-bit
//! hashes and customers interned into dense indices; the same validation as
//! the owned-record API, and the result is the engine's [`MetricsInput`].

use crate::checks;
use crate::ids::{id_hash, IdMap};
use crate::owned::{cross_currency, missing_customer_reason, IngestError, InputFiles};
use crate::problems::Problems;
use crate::rows::{self, Currencies, FileKind, RowContext};
use crate::table::{resolve_columns, Chunk, ReadError, Table};
use chrono::NaiveDate;
use churnwise_metrics::{Invoice, MetricsInput, Segment};
use rayon::prelude::*;
use std::collections::HashMap;

/// Number of hash buckets the id checks are split into.
const BUCKETS: usize = 64;

fn bucket(h: u64) -> usize {
    (h >> 58) as usize
}

/// A 64-bit hash of an invoice id: repeats are confirmed on the bytes.
fn short_hash(id: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x1d5).hash_one(id)
}

/// What one chunk of a file yields, with its problems and currencies.
struct Parsed<T> {
    items: T,
    problems: Problems,
    currencies: Currencies,
}

/// Parses every chunk of `table` in parallel with `row`, in file order.
fn par_parse<T: Send>(
    table: &Table,
    kind: FileKind,
    problems: &mut Problems,
    init: impl Fn(usize) -> T + Sync,
    row: impl Fn(&RowContext<'_>, &crate::table::Fields<'_>, u64, &mut Problems, &mut T, &mut Currencies)
        + Sync,
) -> Result<(Vec<T>, Currencies), ReadError> {
    let rank = kind.rank();
    let columns = resolve_columns(table, kind.columns(), rank, problems);
    let required_present = kind
        .columns()
        .iter()
        .zip(&columns)
        .all(|((_, required), c)| !required || c.is_some());
    if !required_present {
        return Ok((Vec::new(), Currencies::default()));
    }
    let mut parsed: Vec<Parsed<T>> = Vec::new();
    table.for_each_batch(|chunks: &[Chunk<'_>]| {
        let batch: Vec<Parsed<T>> = chunks
            .par_iter()
            .map(|chunk| {
                let ctx = RowContext {
                    file: &table.name,
                    rank,
                    columns: &columns,
                    names: kind.columns(),
                    check_utf8: !chunk.is_utf8(),
                };
                let mut p = Parsed {
                    items: init(chunk.rows_at_most()),
                    problems: Problems::default(),
                    currencies: Currencies::default(),
                };
                chunk.each(|line, fields| {
                    row(
                        &ctx,
                        fields,
                        line,
                        &mut p.problems,
                        &mut p.items,
                        &mut p.currencies,
                    )
                });
                p
            })
            .collect();
        parsed.extend(batch);
    })?;
    let mut currencies = Currencies::default();
    let mut items = Vec::with_capacity(parsed.len());
    for p in parsed {
        problems.merge(p.problems);
        currencies.merge(p.currencies);
        items.push(p.items);
    }
    currencies.report(&table.name, rank, problems);
    Ok((items, currencies))
}

/// Customers of one chunk: `(id hash, local owner index, line)` and owners.
#[derive(Default)]
struct CustomerChunk {
    rows: Vec<(u128, u32, u64)>,
    owners: Vec<String>,
    owner_index: HashMap<String, u32>,
}

/// The customers file's ids: maps (one per hash bucket) from id hash to
/// index, and the hashes by index.
struct CustomerIds {
    maps: Vec<IdMap>,
    hashes: Vec<u128>,
}

/// The bucket of a customer id hash (its top bits; maps use the low ones).
fn customer_bucket(h: u128) -> usize {
    (h >> 122) as usize
}

/// Looks customer ids up with a one-entry cache of the last id's bytes
/// (rows of one customer often follow each other) and a guess that the
/// next customer is the next one of the customers file (files exported in
/// the same order), checked on the hash before the map is asked.
struct CustomerLookup<'m> {
    ids: &'m CustomerIds,
    last: Vec<u8>,
    last_index: Option<u32>,
}

impl<'m> CustomerLookup<'m> {
    fn new(ids: &'m CustomerIds) -> Self {
        CustomerLookup {
            ids,
            last: Vec::new(),
            last_index: None,
        }
    }

    fn get(&mut self, id: &[u8]) -> Option<u32> {
        if self.last_index.is_some() && self.last == id {
            return self.last_index;
        }
        let h = id_hash(id);
        let next = self.last_index.map_or(0, |i| i as usize + 1);
        let i = if self.ids.hashes.get(next) == Some(&h) {
            next as u32
        } else {
            *self.ids.maps[customer_bucket(h)].get(&h)?
        };
        self.last.clear();
        self.last.extend_from_slice(id);
        self.last_index = Some(i);
        Some(i)
    }
}

/// A segment as parsed: customer (index when the customers file was given,
/// else id hash), subscription id hash, and the line.
#[derive(Clone, Copy)]
struct SegmentRow {
    customer: u128,
    subscription: u128,
    mrr: churnwise_domain::Money,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    line: u64,
}

/// Invoices of one chunk and their id hashes split by bucket.
struct InvoiceChunk {
    invoices: Vec<Invoice>,
    ids: Vec<Vec<u64>>,
}

/// Loads the files of a metrics run into the engine's input, or reports
/// every problem of "Bad input" (first 20) and computes nothing.
pub fn load_metrics_input(files: &InputFiles<'_>) -> Result<MetricsInput, IngestError> {
    // CHURNWISE_TRACE=1 prints the time of each phase to stderr.
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("CHURNWISE_TRACE").is_some();
    let lap = |what: &str| {
        if trace {
            eprintln!("{what}: {:?}", t0.elapsed())
        }
    };
    let open = |p: Option<&std::path::Path>| p.map(Table::open).transpose();
    let (customers, (subscriptions, invoices)) = rayon::join(
        || open(files.customers),
        || rayon::join(|| open(files.subscriptions), || open(files.invoices)),
    );
    let (customers, subscriptions, invoices) = (customers?, subscriptions?, invoices?);
    lap("read");
    let mut problems = Problems::default();

    // Customers: interned in file order, owners interned with "" first.
    let mut owners: Vec<String> = vec![String::new()];
    let mut owner_index: HashMap<String, u32> = HashMap::from([(String::new(), 0)]);
    let mut customer_owner: Vec<u32> = Vec::new();
    let mut customer_map: Option<CustomerIds> = None;
    let mut customers_currency = None;
    if let Some(table) = &customers {
        let (chunks, currencies) = par_parse(
            table,
            FileKind::Customers,
            &mut problems,
            |rows| CustomerChunk {
                rows: Vec::with_capacity(rows),
                ..CustomerChunk::default()
            },
            |ctx, f, line, p, out, cur| {
                let Some(r) = rows::customer(ctx, f, line, p) else {
                    return;
                };
                cur.note(r.currency, line);
                let owner_name = String::from_utf8_lossy(r.owner);
                let owner = match out.owner_index.get(owner_name.as_ref()) {
                    Some(&o) => o,
                    None => {
                        let o = out.owners.len() as u32;
                        out.owners.push(owner_name.to_string());
                        out.owner_index.insert(owner_name.to_string(), o);
                        o
                    }
                };
                out.rows.push((id_hash(r.id), owner, line));
            },
        )?;
        customers_currency = currencies.first();
        let total: usize = chunks.iter().map(|c| c.rows.len()).sum();
        let mut lines: Vec<u64> = Vec::with_capacity(total);
        let mut hashes: Vec<u128> = Vec::with_capacity(total);
        customer_owner.reserve(total);
        for chunk in chunks {
            let global: Vec<u32> = chunk
                .owners
                .into_iter()
                .map(|name| match owner_index.get(&name) {
                    Some(&o) => o,
                    None => {
                        let o = owners.len() as u32;
                        owners.push(name.clone());
                        owner_index.insert(name, o);
                        o
                    }
                })
                .collect();
            for (h, owner, line) in chunk.rows {
                hashes.push(h);
                customer_owner.push(global[owner as usize]);
                lines.push(line);
            }
        }
        // One map per hash bucket, built in parallel; rows go in file order
        // so that a repeated id is reported against its first line.
        let mut by_bucket: Vec<Vec<u32>> = vec![Vec::new(); BUCKETS];
        for (i, h) in hashes.iter().enumerate() {
            by_bucket[customer_bucket(*h)].push(i as u32);
        }
        let built: Vec<(IdMap, Vec<(u64, u64)>)> = by_bucket
            .into_par_iter()
            .map(|rows| {
                let mut map = IdMap::with_capacity_and_hasher(rows.len(), Default::default());
                let mut repeats = Vec::new();
                for i in rows {
                    match map.entry(hashes[i as usize]) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            repeats.push((lines[i as usize], lines[*e.get() as usize]));
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(i);
                        }
                    }
                }
                (map, repeats)
            })
            .collect();
        let mut maps = Vec::with_capacity(BUCKETS);
        for (map, repeats) in built {
            for (line, first) in repeats {
                let reason = checks::duplicate_reason(first);
                problems.push(0, &table.name, line, "customer_id", reason);
            }
            maps.push(map);
        }
        customer_map = Some(CustomerIds { maps, hashes });
    }
    lap("customers");
    let customers_name = customers.as_ref().map(|t| t.name.as_str()).unwrap_or("");

    // Subscriptions and invoices, each in parallel chunks, side by side.
    let map = customer_map.as_ref();
    let mut sub_problems = Problems::default();
    let mut inv_problems = Problems::default();
    let (segments, invoice_part) = rayon::join(
        || {
            subscriptions.as_ref().map(|table| {
                par_parse(
                    table,
                    FileKind::Subscriptions,
                    &mut sub_problems,
                    |rows| {
                        (
                            Vec::<SegmentRow>::with_capacity(rows),
                            map.map(CustomerLookup::new),
                        )
                    },
                    |ctx, f, line, p, (out, lookup), cur| {
                        let Some(r) = rows::subscription(ctx, f, line, p) else {
                            return;
                        };
                        cur.note(r.currency, line);
                        let customer = match lookup {
                            Some(l) => match l.get(r.customer_id) {
                                Some(i) => u128::from(i),
                                None => {
                                    let reason = missing_customer_reason(
                                        &String::from_utf8_lossy(r.customer_id),
                                        customers_name,
                                    );
                                    p.push(1, ctx.file, line, "customer_id", reason);
                                    0 // still checked for overlaps; nothing is computed
                                }
                            },
                            None => id_hash(r.customer_id),
                        };
                        out.push(SegmentRow {
                            customer,
                            subscription: id_hash(r.id),
                            mrr: r.mrr,
                            started_on: r.started_on,
                            ended_on: r.ended_on,
                            line,
                        });
                    },
                )
            })
        },
        || {
            invoices.as_ref().map(|table| {
                par_parse(
                    table,
                    FileKind::Invoices,
                    &mut inv_problems,
                    |rows| {
                        (
                            InvoiceChunk {
                                invoices: Vec::with_capacity(rows),
                                // Ids spread evenly over the buckets.
                                ids: (0..BUCKETS)
                                    .map(|_| Vec::with_capacity(rows / BUCKETS * 5 / 4 + 16))
                                    .collect(),
                            },
                            map.map(CustomerLookup::new),
                        )
                    },
                    |ctx, f, line, p, (out, lookup), cur| {
                        let Some(r) = rows::invoice(ctx, f, line, p) else {
                            return;
                        };
                        cur.note(r.currency, line);
                        let h = short_hash(r.id);
                        out.ids[bucket(h)].push(h);
                        if let Some(l) = lookup {
                            if l.get(r.customer_id).is_none() {
                                let reason = missing_customer_reason(
                                    &String::from_utf8_lossy(r.customer_id),
                                    customers_name,
                                );
                                p.push(2, ctx.file, line, "customer_id", reason);
                                return;
                            }
                        }
                        out.invoices.push(Invoice {
                            amount: r.amount,
                            due_on: r.due_on,
                            paid_on: r.paid_on,
                            count: 1,
                        });
                    },
                )
            })
        },
    );
    let segments = segments.transpose()?;
    let invoice_part = invoice_part.transpose()?;
    problems.merge(sub_problems);
    problems.merge(inv_problems);
    lap("subscriptions and invoices");

    // Overlapping segments of one subscription and repeated invoice ids,
    // checked side by side, each by hash bucket on all cores.
    let mut subscriptions_currency = None;
    let sub_chunks: Vec<Vec<SegmentRow>> = match segments {
        Some((chunks, currencies)) => {
            subscriptions_currency = currencies.first();
            chunks.into_iter().map(|(rows, _)| rows).collect()
        }
        None => Vec::new(),
    };
    let mut invoices_currency = None;
    let inv_chunks: Vec<InvoiceChunk> = match invoice_part {
        Some((chunks, currencies)) => {
            invoices_currency = currencies.first();
            chunks.into_iter().map(|(c, _)| c).collect()
        }
        None => Vec::new(),
    };
    let ((segment_rows, overlapping), (all_invoices, repeated)) = rayon::join(
        || {
            let rows: Vec<SegmentRow> = sub_chunks.into_iter().flatten().collect();
            let found = overlapping_segments(&rows);
            (rows, found)
        },
        || {
            rayon::join(
                || {
                    let total = inv_chunks.iter().map(|c| c.invoices.len()).sum();
                    let mut all: Vec<Invoice> = Vec::with_capacity(total);
                    for c in &inv_chunks {
                        all.extend_from_slice(&c.invoices);
                    }
                    all
                },
                || repeated_ids(&inv_chunks),
            )
        },
    );
    drop(inv_chunks);
    if let Some(table) = &subscriptions {
        for (line, other) in overlapping {
            let reason = checks::overlap_reason(other);
            problems.push(1, &table.name, line, "started_on", reason);
        }
    }
    lap("overlaps");
    if let (Some(table), false) = (&invoices, repeated.is_empty()) {
        report_duplicate_invoices(table, &repeated, &mut problems)?;
    }

    cross_currency(
        &[
            (customers_currency, customers_name, 0),
            (
                subscriptions_currency,
                subscriptions.as_ref().map_or("", |t| t.name.as_str()),
                1,
            ),
            (
                invoices_currency,
                invoices.as_ref().map_or("", |t| t.name.as_str()),
                2,
            ),
        ],
        &mut problems,
    );
    lap("duplicates");
    problems.into_result()?;

    // Without a customers file, customers are interned from subscriptions.
    let segments: Vec<Segment> = match customer_map {
        Some(_) => segment_rows
            .iter()
            .map(|s| Segment {
                customer: s.customer as u32,
                mrr: s.mrr,
                started_on: s.started_on,
                ended_on: s.ended_on,
            })
            .collect(),
        None => {
            let mut map = IdMap::default();
            let mut last: Option<(u128, u32)> = None;
            let segments = segment_rows
                .iter()
                .map(|s| {
                    let customer = match last {
                        Some((h, i)) if h == s.customer => i,
                        _ => {
                            let next = map.len() as u32;
                            let i = *map.entry(s.customer).or_insert(next);
                            last = Some((s.customer, i));
                            i
                        }
                    };
                    Segment {
                        customer,
                        mrr: s.mrr,
                        started_on: s.started_on,
                        ended_on: s.ended_on,
                    }
                })
                .collect();
            customer_owner = vec![0; map.len()];
            segments
        }
    };
    Ok(MetricsInput {
        customer_owner,
        owners,
        segments,
        invoices: invoices.is_some().then_some(all_invoices),
    })
}

/// `(line, earlier line)` of each segment overlapping an earlier-starting
/// one of the same subscription.
fn overlapping_segments(rows: &[SegmentRow]) -> Vec<(u64, u64)> {
    let mut by_bucket: Vec<Vec<u32>> = vec![Vec::new(); BUCKETS];
    for (i, r) in rows.iter().enumerate() {
        by_bucket[customer_bucket(r.subscription)].push(i as u32);
    }
    by_bucket
        .into_par_iter()
        .flat_map_iter(|indices| {
            let mut spans: Vec<(u128, NaiveDate, Option<NaiveDate>, u64)> = indices
                .iter()
                .map(|&i| {
                    let r = &rows[i as usize];
                    (r.subscription, r.started_on, r.ended_on, r.line)
                })
                .collect();
            spans.sort_unstable();
            let mut found = Vec::new();
            checks::overlaps(&spans, |line, other| found.push((line, other)));
            found
        })
        .collect()
}

/// The invoice id hashes that occur more than once.
fn repeated_ids(chunks: &[InvoiceChunk]) -> Vec<u64> {
    (0..BUCKETS)
        .into_par_iter()
        .flat_map_iter(|b| {
            let total = chunks.iter().map(|c| c.ids[b].len()).sum();
            let mut ids: Vec<u64> = Vec::with_capacity(total);
            for c in chunks {
                ids.extend_from_slice(&c.ids[b]);
            }
            ids.sort_unstable();
            let mut repeats: Vec<u64> = ids
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            repeats.dedup();
            repeats
        })
        .collect()
}

/// Finds the lines of invoices whose id hash repeats and reports each
/// invoice whose id bytes repeat against the first line.
fn report_duplicate_invoices(
    table: &Table,
    repeated: &[u64],
    problems: &mut Problems,
) -> Result<(), ReadError> {
    let kind = FileKind::Invoices;
    let mut scratch = Problems::default();
    let columns = resolve_columns(table, kind.columns(), kind.rank(), &mut scratch);
    let ctx = RowContext {
        file: &table.name,
        rank: kind.rank(),
        columns: &columns,
        names: kind.columns(),
        check_utf8: true,
    };
    let wanted: std::collections::HashSet<u64> = repeated.iter().copied().collect();
    let mut first: HashMap<Vec<u8>, u64> = HashMap::new();
    table.for_each_batch(|chunks| {
        for chunk in chunks {
            chunk.each(|line, fields| {
                let Some(r) = rows::invoice(&ctx, fields, line, &mut scratch) else {
                    return;
                };
                if !wanted.contains(&short_hash(r.id)) {
                    return;
                }
                match first.get(r.id) {
                    Some(&at) => problems.push(
                        kind.rank(),
                        &table.name,
                        line,
                        "invoice_id",
                        checks::duplicate_reason(at),
                    ),
                    None => {
                        first.insert(r.id.to_vec(), line);
                    }
                }
            });
        }
    })
}
