//! The fast path of metrics file mode: files parsed in parallel chunks
//! straight from their bytes, no `String` per field, ids reduced to 128-bit
//! hashes and customers interned into dense indices; the same validation as
//! the owned-record API, and the result is the engine's [`MetricsInput`].
//!
//! Nothing relies on the order of the rows: the customer ids of
//! subscriptions and invoices are not looked up row by row (in a file in
//! date order each lookup would miss the caches), but kept as hashes split
//! by hash bucket and looked up bucket by bucket, each bucket's map small
//! enough to stay in cache. An unknown customer is rare: only then is the
//! file read again to report it with its id and line.

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

/// Parses every chunk of `table` in parallel with `row`, in file order;
/// `absorb` sees the items of each batch's chunks as soon as the batch is
/// parsed (to fold what need not be kept chunk by chunk).
fn par_parse<T: Send>(
    table: &Table,
    kind: FileKind,
    problems: &mut Problems,
    init: impl Fn(usize) -> T + Sync,
    row: impl Fn(&RowContext<'_>, &crate::table::Fields<'_>, u64, &mut Problems, &mut T, &mut Currencies)
        + Sync,
    mut absorb: impl FnMut(Vec<&mut T>) + Send,
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
        let mut batch: Vec<Parsed<T>> = chunks
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
        absorb(batch.iter_mut().map(|p| &mut p.items).collect());
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

/// Customers of one chunk: `(id hash, local owner index, local segment
/// label index, line)`, owners and segment labels.
#[derive(Default)]
struct CustomerChunk {
    rows: Vec<(u128, u32, u32, u64)>,
    owners: Vec<String>,
    owner_index: HashMap<String, u32>,
    labels: Labels,
}

/// Texts interned into dense indices (segment labels, plans), with a
/// one-entry cache of the last text (rows often repeat it).
#[derive(Default)]
struct Labels {
    names: Vec<String>,
    index: HashMap<String, u32>,
    last: Option<u32>,
}

impl Labels {
    /// The index of `bytes` (as UTF-8 text, lossily), interning it.
    fn intern(&mut self, bytes: &[u8]) -> u32 {
        if let Some(i) = self.last {
            if self.names[i as usize].as_bytes() == bytes {
                return i;
            }
        }
        let text = String::from_utf8_lossy(bytes);
        let i = match self.index.get(text.as_ref()) {
            Some(&i) => i,
            None => {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "label indices are u32 by design; there are no more labels than \
                              rows, each kept with a 16-byte id hash, so 2^32 would need 64 GiB first"
                )]
                let i = self.names.len() as u32;
                self.names.push(text.to_string());
                self.index.insert(text.into_owned(), i);
                i
            }
        };
        self.last = Some(i);
        i
    }

    /// Merges chunk tables into one (`""` first): the global texts and,
    /// per chunk, each local index's global index.
    fn merge(chunks: impl IntoIterator<Item = Labels>) -> (Vec<String>, Vec<Vec<u32>>) {
        let mut global = Labels::default();
        global.intern(b"");
        let maps = chunks
            .into_iter()
            .map(|chunk| {
                chunk
                    .names
                    .iter()
                    .map(|name| global.intern(name.as_bytes()))
                    .collect()
            })
            .collect();
        (global.names, maps)
    }
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
        #[expect(
            clippy::cast_possible_truncation,
            reason = "`next` is below `hashes.len()`, the number of customers, whose indices are u32 \
                      by design: 2^32 customers would need 64 GiB of 16-byte id hashes first"
        )]
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

/// A segment as parsed: customer and subscription id hashes, and the line.
#[derive(Clone, Copy)]
struct SegmentRow {
    customer: u128,
    subscription: u128,
    mrr: churnwise_domain::Money,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    /// Plan index: chunk-local while parsing, global once parsed.
    plan: u32,
    line: u64,
}

/// Invoices of one chunk (summed by due and payment day, taken out as
/// soon as the chunk is parsed), their id hashes split by bucket, and
/// (with a customers file) their customer id hashes split by bucket.
struct InvoiceChunk {
    invoices: Vec<Vec<Invoice>>,
    ids: Vec<Vec<u64>>,
    customers: Vec<Vec<u128>>,
}

/// The input files of a metrics run, each opened when it was given.
struct Tables {
    customers: Option<Table>,
    subscriptions: Option<Table>,
    invoices: Option<Table>,
}

impl Tables {
    /// Opens the given files side by side.
    fn open(files: &InputFiles<'_>) -> Result<Self, ReadError> {
        let open = |p: Option<&std::path::Path>, kind| {
            p.map(|p| Table::open(p, kind, &files.limits)).transpose()
        };
        let (customers, (subscriptions, invoices)) = rayon::join(
            || open(files.customers, FileKind::Customers),
            || {
                rayon::join(
                    || open(files.subscriptions, FileKind::Subscriptions),
                    || open(files.invoices, FileKind::Invoices),
                )
            },
        );
        Ok(Tables {
            customers: customers?,
            subscriptions: subscriptions?,
            invoices: invoices?,
        })
    }
}

/// The name of a file, or "" when it was not given.
fn name_of(table: Option<&Table>) -> &str {
    table.map_or("", |t| t.name.as_str())
}

/// The customers file, interned: owners ("" first), each customer's owner
/// index, the id maps (when the file was given) and its first currency.
struct Customers {
    owners: Vec<String>,
    customer_owner: Vec<u32>,
    segment_names: Vec<String>,
    customer_segment: Vec<u32>,
    ids: Option<CustomerIds>,
    currency: Option<(String, u64)>,
}

/// Customers are interned in file order, owners with "" first.
fn load_customers(table: Option<&Table>, problems: &mut Problems) -> Result<Customers, ReadError> {
    let mut customers = Customers {
        owners: vec![String::new()],
        customer_owner: Vec::new(),
        segment_names: vec![String::new()],
        customer_segment: Vec::new(),
        ids: None,
        currency: None,
    };
    let Some(table) = table else {
        return Ok(customers);
    };
    let (mut chunks, currencies) = par_parse(
        table,
        FileKind::Customers,
        problems,
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
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "owner indices are u32 by design; a chunk has no more owners than \
                                  rows, each kept with a 16-byte id hash, so 2^32 would need 64 GiB first"
                    )]
                    let o = out.owners.len() as u32;
                    out.owners.push(owner_name.to_string());
                    out.owner_index.insert(owner_name.to_string(), o);
                    o
                }
            };
            let label = out.labels.intern(r.segment);
            out.rows.push((id_hash(r.id), owner, label, line));
        },
        |_| {},
    )?;
    customers.currency = currencies.first();
    let mut owner_index: HashMap<String, u32> = HashMap::from([(String::new(), 0)]);
    let total: usize = chunks.iter().map(|c| c.rows.len()).sum();
    let mut lines: Vec<u64> = Vec::with_capacity(total);
    let mut hashes: Vec<u128> = Vec::with_capacity(total);
    customers.customer_owner.reserve(total);
    customers.customer_segment.reserve(total);
    let (segment_names, label_maps) =
        Labels::merge(chunks.iter_mut().map(|c| std::mem::take(&mut c.labels)));
    customers.segment_names = segment_names;
    for (chunk, labels) in chunks.into_iter().zip(label_maps) {
        let global: Vec<u32> = chunk
            .owners
            .into_iter()
            .map(|name| match owner_index.get(&name) {
                Some(&o) => o,
                None => {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "owner indices are u32 by design; there are no more owners than \
                                  customer rows, each kept as a 16-byte id hash, so 2^32 would need 64 GiB first"
                    )]
                    let o = customers.owners.len() as u32;
                    customers.owners.push(name.clone());
                    owner_index.insert(name, o);
                    o
                }
            })
            .collect();
        for (h, owner, label, line) in chunk.rows {
            hashes.push(h);
            customers.customer_owner.push(global[owner as usize]);
            customers.customer_segment.push(labels[label as usize]);
            lines.push(line);
        }
    }
    let maps = customer_id_maps(table, &hashes, &lines, problems);
    customers.ids = Some(CustomerIds { maps, hashes });
    Ok(customers)
}

/// One map per hash bucket, built in parallel; rows go in file order so
/// that a repeated id is reported against its first line.
fn customer_id_maps(
    table: &Table,
    hashes: &[u128],
    lines: &[u64],
    problems: &mut Problems,
) -> Vec<IdMap> {
    let mut by_bucket: Vec<Vec<u32>> = vec![Vec::new(); BUCKETS];
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`i` indexes `hashes`, one per customer, whose indices are u32 by design: \
                  2^32 customers would need 64 GiB of 16-byte id hashes first"
    )]
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
    maps
}

/// What a parsed file yields: its chunks and its first currency.
type ParsedFile<T> = (Vec<T>, Option<(String, u64)>);

/// The subscriptions file in parallel chunks, customers as id hashes.
fn parse_subscriptions(
    table: &Table,
    problems: &mut Problems,
) -> Result<ParsedSubscriptions, ReadError> {
    let (chunks, currencies) = par_parse(
        table,
        FileKind::Subscriptions,
        problems,
        |rows| (Vec::<SegmentRow>::with_capacity(rows), Labels::default()),
        |ctx, f, line, p, (out, plans), cur| {
            let Some(r) = rows::subscription(ctx, f, line, p) else {
                return;
            };
            cur.note(r.currency, line);
            out.push(SegmentRow {
                plan: plans.intern(r.plan),
                customer: id_hash(r.customer_id),
                subscription: id_hash(r.id),
                mrr: r.mrr,
                started_on: r.started_on,
                ended_on: r.ended_on,
                line,
            });
        },
        |_| {},
    )?;
    let (rows, plan_tables): (Vec<Vec<SegmentRow>>, Vec<Labels>) = chunks.into_iter().unzip();
    let (plans, maps) = Labels::merge(plan_tables);
    let rows = rows
        .into_par_iter()
        .zip(maps)
        .map(|(mut rows, map)| {
            for r in &mut rows {
                r.plan = map[r.plan as usize];
            }
            rows
        })
        .collect();
    Ok(((rows, currencies.first()), plans))
}

/// What the subscriptions file yields: its chunks and first currency, and
/// the plan texts its rows' plan indices point into (`""` first).
type ParsedSubscriptions = (ParsedFile<Vec<SegmentRow>>, Vec<String>);

/// The invoices file in parallel chunks, with their id hashes by bucket
/// and, with a customers file, their customer id hashes by bucket; the
/// invoices themselves summed by due and payment day as batches are parsed.
fn parse_invoices(
    table: &Table,
    with_customers: bool,
    problems: &mut Problems,
) -> Result<ParsedInvoices, ReadError> {
    let mut shards: Vec<InvoiceGroups> = (0..GROUP_SHARDS)
        .map(|_| InvoiceGroups::default())
        .collect();
    let (chunks, currencies) = par_parse(
        table,
        FileKind::Invoices,
        problems,
        |rows| {
            // Ids spread evenly over the buckets.
            let per_bucket = rows / BUCKETS * 5 / 4 + 16;
            InvoiceChunk {
                invoices: (0..GROUP_SHARDS)
                    .map(|_| Vec::with_capacity(rows / GROUP_SHARDS / 2 + 16))
                    .collect(),
                ids: (0..BUCKETS)
                    .map(|_| Vec::with_capacity(per_bucket))
                    .collect(),
                customers: if with_customers {
                    (0..BUCKETS)
                        .map(|_| Vec::with_capacity(per_bucket))
                        .collect()
                } else {
                    Vec::new()
                },
            }
        },
        |ctx, f, line, p, out, cur| {
            let Some(r) = rows::invoice(ctx, f, line, p) else {
                return;
            };
            cur.note(r.currency, line);
            let h = short_hash(r.id);
            out.ids[bucket(h)].push(h);
            if with_customers {
                let c = id_hash(r.customer_id);
                out.customers[customer_bucket(c)].push(c);
            }
            out.invoices[group_shard(r.due_on, r.paid_on)].push(Invoice {
                amount: r.amount,
                due_on: r.due_on,
                paid_on: r.paid_on,
                count: 1,
            });
        },
        |chunks| {
            // Each shard of the groups takes its invoices from every chunk
            // of the batch, the shards on all cores.
            let taken: Vec<Vec<Vec<Invoice>>> = chunks
                .into_iter()
                .map(|c| std::mem::take(&mut c.invoices))
                .collect();
            shards.par_iter_mut().enumerate().for_each(|(k, shard)| {
                for chunk in &taken {
                    for invoice in &chunk[k] {
                        shard.add(*invoice);
                    }
                }
            });
        },
    )?;
    let mut groups = InvoiceGroups::default();
    for shard in shards {
        groups.sums.extend(shard.sums);
        groups.apart.extend(shard.apart);
    }
    Ok(((chunks, currencies.first()), groups))
}

/// Number of shards the invoice groups are split into (by a hash of the
/// due and payment days), each summed on its own core.
const GROUP_SHARDS: usize = 16;

/// The shard of the group of invoices due and paid on these days.
fn group_shard(due_on: NaiveDate, paid_on: Option<NaiveDate>) -> usize {
    use std::hash::BuildHasher;
    let h = foldhash::fast::FixedState::with_seed(0x5a4d).hash_one((due_on, paid_on));
    (h >> 60) as usize
}

/// Invoices summed by due and payment day: the non-payment figures only
/// sum amounts and count invoices per due and payment day (see
/// [`Invoice::count`]), so the sums change no figure, and a file of
/// millions of invoices needs a few hundred thousand entries whatever the
/// order of its rows.
#[derive(Default)]
struct InvoiceGroups {
    sums: HashMap<(NaiveDate, Option<NaiveDate>), (i64, u32), foldhash::fast::FixedState>,
    /// Invoices whose group's sums would overflow, kept as they are (the
    /// engine then meets the overflow as it would without grouping).
    apart: Vec<Invoice>,
}

impl InvoiceGroups {
    /// Adds an invoice (or a group of them) to its group.
    fn add(&mut self, invoice: Invoice) {
        use std::collections::hash_map::Entry;
        match self.sums.entry((invoice.due_on, invoice.paid_on)) {
            Entry::Vacant(e) => {
                e.insert((invoice.amount.cents(), invoice.count));
            }
            Entry::Occupied(mut e) => {
                let sums = e.get_mut();
                match (
                    sums.0.checked_add(invoice.amount.cents()),
                    sums.1.checked_add(invoice.count),
                ) {
                    (Some(amount), Some(count)) => *sums = (amount, count),
                    _ => self.apart.push(invoice),
                }
            }
        }
    }

    /// The engine's invoices: one entry per group, then those kept apart.
    fn into_invoices(self) -> Vec<Invoice> {
        let mut all: Vec<Invoice> = self
            .sums
            .into_iter()
            .map(|((due_on, paid_on), (amount, count))| Invoice {
                amount: churnwise_domain::Money::from_cents(amount),
                due_on,
                paid_on,
                count,
            })
            .collect();
        all.extend(self.apart);
        all
    }
}

/// What the invoices file yields: its chunks, first currency and groups.
type ParsedInvoices = (ParsedFile<InvoiceChunk>, InvoiceGroups);

/// Subscriptions and invoices, each in parallel chunks, side by side; their
/// problems follow those of the customers.
fn parse_subscriptions_and_invoices(
    tables: &Tables,
    with_customers: bool,
    problems: &mut Problems,
) -> Result<(ParsedSubscriptions, ParsedInvoices), ReadError> {
    let mut sub_problems = Problems::default();
    let mut inv_problems = Problems::default();
    let (segments, invoices) = rayon::join(
        || {
            tables
                .subscriptions
                .as_ref()
                .map(|table| parse_subscriptions(table, &mut sub_problems))
        },
        || {
            tables
                .invoices
                .as_ref()
                .map(|table| parse_invoices(table, with_customers, &mut inv_problems))
        },
    );
    let segments = segments.transpose()?.unwrap_or_default();
    let invoices = invoices.transpose()?.unwrap_or_default();
    problems.merge(sub_problems);
    problems.merge(inv_problems);
    Ok((segments, invoices))
}

/// What the checks of the parsed rows leave: the segment rows (chunk by
/// chunk, in file order), the invoices, and (with a customers file) each
/// segment's customer index.
type Checked = (Vec<Vec<SegmentRow>>, Vec<Invoice>, Option<Vec<u32>>);

/// The segments and invoices gathered from their chunks, checked for
/// overlapping segments of one subscription, repeated invoice ids and (with
/// a customers file) unknown customers, side by side, each by hash bucket
/// on all cores; all are reported.
fn check_rows(
    tables: &Tables,
    sub_chunks: Vec<Vec<SegmentRow>>,
    inv_chunks: Vec<InvoiceChunk>,
    invoice_groups: InvoiceGroups,
    customers: Option<&CustomerIds>,
    problems: &mut Problems,
) -> Result<Checked, ReadError> {
    let ((segment_rows, (overlapping, resolved)), (all_invoices, (repeated, unknown_in_invoices))) =
        rayon::join(
            || {
                let rows = sub_chunks;
                let found = rayon::join(
                    || overlapping_segments(&rows),
                    || customers.map(|ids| segment_customers(&rows, ids)),
                );
                (rows, found)
            },
            || {
                rayon::join(
                    || invoice_groups.into_invoices(),
                    || {
                        rayon::join(
                            || repeated_ids(&inv_chunks),
                            || customers.is_some_and(|ids| any_unknown_customer(&inv_chunks, ids)),
                        )
                    },
                )
            },
        );
    drop(inv_chunks);
    let customers_name = name_of(tables.customers.as_ref());
    if let Some(table) = &tables.subscriptions {
        for (line, other) in overlapping {
            let reason = checks::overlap_reason(other);
            problems.push(1, &table.name, line, "started_on", reason);
        }
        if let (Some(ids), Some((_, true))) = (customers, &resolved) {
            report_unknown_customers(
                table,
                FileKind::Subscriptions,
                ids,
                customers_name,
                problems,
            )?;
        }
    }
    if let Some(table) = &tables.invoices {
        if !repeated.is_empty() {
            report_duplicate_invoices(table, &repeated, problems)?;
        }
        if let (Some(ids), true) = (customers, unknown_in_invoices) {
            report_unknown_customers(table, FileKind::Invoices, ids, customers_name, problems)?;
        }
    }
    Ok((segment_rows, all_invoices, resolved.map(|(c, _)| c)))
}

/// Each segment's customer index in the customers file (0 for an unknown
/// customer), and whether any was unknown: looked up bucket by bucket so
/// that each lookup stays within one small map, whatever the row order.
fn segment_customers(rows: &[Vec<SegmentRow>], ids: &CustomerIds) -> (Vec<u32>, bool) {
    let total: usize = rows.iter().map(Vec::len).sum();
    let mut by_bucket: Vec<Vec<(u128, u32)>> = (0..BUCKETS)
        .map(|_| Vec::with_capacity(total / BUCKETS * 5 / 4 + 16))
        .collect();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "segment indices are u32 by design; each row keeps two 16-byte id hashes, \
                  so 2^32 rows would need 128 GiB first"
    )]
    for (i, r) in rows.iter().flatten().enumerate() {
        by_bucket[customer_bucket(r.customer)].push((r.customer, i as u32));
    }
    let found: Vec<Vec<(u32, Option<u32>)>> = by_bucket
        .into_par_iter()
        .enumerate()
        .map(|(b, entries)| {
            let map = &ids.maps[b];
            entries
                .into_iter()
                .map(|(h, i)| (i, map.get(&h).copied()))
                .collect()
        })
        .collect();
    let mut customer = vec![0u32; total];
    let mut unknown = false;
    for (i, c) in found.into_iter().flatten() {
        match c {
            Some(c) => customer[i as usize] = c,
            None => unknown = true,
        }
    }
    (customer, unknown)
}

/// True when an invoice's customer id is not in the customers file,
/// checked bucket by bucket on all cores.
fn any_unknown_customer(chunks: &[InvoiceChunk], ids: &CustomerIds) -> bool {
    (0..BUCKETS).into_par_iter().any(|b| {
        let map = &ids.maps[b];
        chunks
            .iter()
            .any(|c| c.customers[b].iter().any(|h| !map.contains_key(h)))
    })
}

/// Reads a subscriptions or invoices file again to report each valid row
/// whose customer is not in the customers file, with its id and line (only
/// when one was found: the rows keep no line nor id text).
fn report_unknown_customers(
    table: &Table,
    kind: FileKind,
    ids: &CustomerIds,
    customers_name: &str,
    problems: &mut Problems,
) -> Result<(), ReadError> {
    let mut scratch = Problems::default();
    let columns = resolve_columns(table, kind.columns(), kind.rank(), &mut scratch);
    let ctx = RowContext {
        file: &table.name,
        rank: kind.rank(),
        columns: &columns,
        names: kind.columns(),
        check_utf8: true,
    };
    let mut lookup = CustomerLookup::new(ids);
    table.for_each_batch(|chunks| {
        for chunk in chunks {
            chunk.each(|line, fields| {
                let id = match kind {
                    FileKind::Subscriptions => {
                        rows::subscription(&ctx, fields, line, &mut scratch).map(|r| r.customer_id)
                    }
                    _ => rows::invoice(&ctx, fields, line, &mut scratch).map(|r| r.customer_id),
                };
                let Some(id) = id else {
                    return;
                };
                if lookup.get(id).is_none() {
                    let reason =
                        missing_customer_reason(&String::from_utf8_lossy(id), customers_name);
                    problems.push(kind.rank(), &table.name, line, "customer_id", reason);
                }
            });
        }
    })
}

/// The engine's segments, with customers as indices of the customers file
/// (`count` of them), in customer order (then file order): the engine then
/// reads each customer's segments together whatever the order of the rows.
fn segments_of_known_customers(
    rows: &[Vec<SegmentRow>],
    customers: &[u32],
    count: usize,
) -> Vec<Segment> {
    let mut next = vec![0u32; count + 1];
    for &c in customers {
        next[c as usize + 1] += 1;
    }
    for i in 1..next.len() {
        next[i] += next[i - 1];
    }
    let empty = Segment {
        customer: 0,
        mrr: churnwise_domain::Money::from_cents(0),
        started_on: NaiveDate::MIN,
        ended_on: None,
        plan: 0,
    };
    let mut segments = vec![empty; customers.len()];
    for (s, &customer) in rows.iter().flatten().zip(customers) {
        let slot = &mut next[customer as usize];
        segments[*slot as usize] = Segment {
            customer,
            mrr: s.mrr,
            started_on: s.started_on,
            ended_on: s.ended_on,
            plan: s.plan,
        };
        *slot += 1;
    }
    segments
}

/// Without a customers file, customers are interned from subscriptions in
/// file order: the segments and the number of customers.
fn segments_interning_customers(rows: &[Vec<SegmentRow>]) -> (Vec<Segment>, usize) {
    let mut map = IdMap::default();
    let mut last: Option<(u128, u32)> = None;
    let segments = rows
        .iter()
        .flatten()
        .map(|s| {
            let customer = match last {
                Some((h, i)) if h == s.customer => i,
                _ => {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "customer indices are u32 by design; `map` holds a 16-byte id hash per \
                                  customer, so 2^32 customers would need 64 GiB first"
                    )]
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
                plan: s.plan,
            }
        })
        .collect();
    (segments, map.len())
}

/// Loads the files of a metrics run into the engine's input, or reports
/// every problem of "Bad input" (first 20) and computes nothing.
pub fn load_metrics_input(files: &InputFiles<'_>) -> Result<MetricsInput, IngestError> {
    let tables = Tables::open(files)?;
    let mut problems = Problems::default();
    // The customers file and the other two are parsed side by side: the
    // customer ids of the others are only looked up once all are parsed.
    let mut customer_problems = Problems::default();
    let (customers, parsed) = rayon::join(
        || load_customers(tables.customers.as_ref(), &mut customer_problems),
        || parse_subscriptions_and_invoices(&tables, tables.customers.is_some(), &mut problems),
    );
    let customers = customers?;
    let (
        ((sub_chunks, subscriptions_currency), plans),
        ((inv_chunks, invoices_currency), invoice_groups),
    ) = parsed?;
    problems.merge(customer_problems);
    let (segment_rows, all_invoices, segment_customers) = check_rows(
        &tables,
        sub_chunks,
        inv_chunks,
        invoice_groups,
        customers.ids.as_ref(),
        &mut problems,
    )?;
    cross_currency(
        &[
            (customers.currency, name_of(tables.customers.as_ref()), 0),
            (
                subscriptions_currency,
                name_of(tables.subscriptions.as_ref()),
                1,
            ),
            (invoices_currency, name_of(tables.invoices.as_ref()), 2),
        ],
        &mut problems,
    );
    problems.into_result()?;

    let (segments, customer_owner) = match segment_customers {
        Some(indices) => (
            segments_of_known_customers(&segment_rows, &indices, customers.customer_owner.len()),
            customers.customer_owner,
        ),
        None => {
            let (segments, count) = segments_interning_customers(&segment_rows);
            (segments, vec![0; count])
        }
    };
    Ok(MetricsInput {
        customer_owner,
        owners: customers.owners,
        customer_segment: customers.customer_segment,
        segment_names: customers.segment_names,
        plans,
        segments,
        invoices: tables.invoices.is_some().then_some(all_invoices),
    })
}

/// A segment as the overlap check sees it: subscription id hash, start,
/// end and line.
type SubscriptionSpan = (u128, NaiveDate, Option<NaiveDate>, u64);

/// `(line, earlier line)` of each segment overlapping an earlier-starting
/// one of the same subscription.
fn overlapping_segments(rows: &[Vec<SegmentRow>]) -> Vec<(u64, u64)> {
    let total: usize = rows.iter().map(Vec::len).sum();
    let mut by_bucket: Vec<Vec<SubscriptionSpan>> = (0..BUCKETS)
        .map(|_| Vec::with_capacity(total / BUCKETS * 5 / 4 + 16))
        .collect();
    for r in rows.iter().flatten() {
        by_bucket[customer_bucket(r.subscription)].push((
            r.subscription,
            r.started_on,
            r.ended_on,
            r.line,
        ));
    }
    by_bucket
        .into_par_iter()
        .flat_map_iter(|mut spans| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::Money;

    fn invoice(cents: i64, due: &str, paid: Option<&str>) -> Invoice {
        let day = |t: &str| churnwise_domain::parse_date(t).unwrap();
        Invoice {
            amount: Money::from_cents(cents),
            due_on: day(due),
            paid_on: paid.map(day),
            count: 1,
        }
    }

    #[test]
    fn invoices_are_summed_by_due_and_payment_day_and_an_overflowing_one_is_kept_apart() {
        let mut a = InvoiceGroups::default();
        a.add(invoice(100, "2024-01-31", None));
        a.add(invoice(250, "2024-01-31", None));
        a.add(invoice(70, "2024-01-31", Some("2024-01-30")));
        a.add(invoice(5, "2024-01-31", None));
        a.add(invoice(i64::MAX - 10, "2024-02-29", None));
        a.add(invoice(20, "2024-02-29", None));
        let mut all = a.into_invoices();
        all.sort_by_key(|i| (i.due_on, i.paid_on, i.amount.cents()));
        let got: Vec<(i64, u32)> = all.iter().map(|i| (i.amount.cents(), i.count)).collect();
        assert_eq!(got, vec![(355, 3), (70, 1), (20, 1), (i64::MAX - 10, 1)]);
    }
}
