//! The owned-record API for the import command: every row as a record with
//! `String` ids and its line number, after all checks of "Bad input".

use crate::checks;
use crate::limits::ReadLimits;
use crate::mapping::HeaderMap;
use crate::problems::{InputProblems, Problems};
use crate::rows::{self, Currencies, FileKind, RowContext};
use crate::table::{resolve_columns, ReadError, Table};
use chrono::NaiveDate;
use churnwise_domain::Money;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Why input files could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A file could not be read at all.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Files were read but some rows are invalid: nothing is taken.
    #[error("{0}")]
    Problems(#[from] InputProblems),
}

/// A valid row of `customers.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    /// Physical line in the file.
    pub line: u64,
    /// Unique id.
    pub customer_id: String,
    /// Display name.
    pub name: String,
    /// Salesperson or account manager (`""` for none).
    pub owner: String,
    /// Free-text segment (`""` for none).
    pub segment: String,
}

/// A valid row of `subscriptions.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    /// Physical line in the file.
    pub line: u64,
    /// Id of the subscription (shared by its segments).
    pub subscription_id: String,
    /// The customer it belongs to.
    pub customer_id: String,
    /// Plan or service name (`""` for none).
    pub plan: String,
    /// MRR of this segment, >= 0.
    pub mrr: Money,
    /// First day the segment counts.
    pub started_on: NaiveDate,
    /// First day it no longer counts; `None` while running.
    pub ended_on: Option<NaiveDate>,
}

/// A valid row of `invoices.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    /// Physical line in the file.
    pub line: u64,
    /// Unique id.
    pub invoice_id: String,
    /// The customer billed.
    pub customer_id: String,
    /// Amount, > 0.
    pub amount: Money,
    /// Day issued, if given.
    pub issued_on: Option<NaiveDate>,
    /// Day due.
    pub due_on: NaiveDate,
    /// Day paid; `None` when not paid.
    pub paid_on: Option<NaiveDate>,
}

/// A valid row of `contacts.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    /// Physical line in the file.
    pub line: u64,
    /// The customer the person works at.
    pub customer_id: String,
    /// Full name.
    pub name: String,
    /// Role at the client (`""` for none).
    pub role: String,
    /// Email (`""` for none).
    pub email: String,
    /// Phone (`""` for none).
    pub phone: String,
    /// The client's primary contact.
    pub primary: bool,
}

/// A valid row of `interactions.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionRecord {
    /// Physical line in the file.
    pub line: u64,
    /// The customer concerned.
    pub customer_id: String,
    /// call, meeting, email, newsletter, complaint, incident, praise or note.
    pub kind: churnwise_domain::registry::InteractionKind,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// Who (`""` for unknown).
    pub author: String,
    /// What was said or done (`""` for nothing).
    pub note: String,
}

/// A row of `work.csv` (issue 16), its texts as read (`""` for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkRecord {
    /// Physical line in the file.
    pub line: u64,
    /// The customer concerned.
    pub customer_id: String,
    /// The day the work was done.
    pub on: NaiveDate,
    /// What, in a line.
    pub title: String,
    /// Details.
    pub body: String,
    /// The result figure, as written.
    pub result: String,
    /// Its unit.
    pub unit: String,
    /// A link.
    pub link: String,
    /// `client` or `internal` (`""`: client).
    pub visibility: String,
}

/// The valid records of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecords<T> {
    /// The file name as given.
    pub file: String,
    /// The rows, in file order.
    pub records: Vec<T>,
    /// The file's single currency, when it has a `currency` column with values.
    pub currency: Option<String>,
}

/// The input files of an import or a metrics run (customers and invoices
/// are optional).
#[derive(Debug, Clone, Copy)]
pub struct InputFiles<'a> {
    /// `customers.csv` (or `.xlsx`).
    pub customers: Option<&'a Path>,
    /// `subscriptions.csv` (or `.xlsx`).
    pub subscriptions: Option<&'a Path>,
    /// `invoices.csv` (or `.xlsx`).
    pub invoices: Option<&'a Path>,
    /// How much each file may make us read.
    pub limits: ReadLimits,
}

/// Everything read from a set of input files, checked within and across files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFiles {
    /// Customers, when the file was given.
    pub customers: Option<FileRecords<CustomerRecord>>,
    /// Subscription segments, when the file was given.
    pub subscriptions: Option<FileRecords<SubscriptionRecord>>,
    /// Invoices, when the file was given.
    pub invoices: Option<FileRecords<InvoiceRecord>>,
}

/// Bytes already checked to be UTF-8 as a `String`.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn parse_table<T: Send>(
    table: &Table,
    kind: FileKind,
    problems: &mut Problems,
    mut row: impl FnMut(
            &RowContext<'_>,
            &crate::table::Fields<'_>,
            u64,
            &mut Problems,
            &mut Currencies,
        ) -> Option<T>
        + Send,
) -> Result<(Vec<T>, Currencies), ReadError> {
    let rank = kind.rank();
    let columns = resolve_columns(table, kind.columns(), rank, problems);
    let mut currencies = Currencies::default();
    let mut out = Vec::new();
    let required_present = kind
        .columns()
        .iter()
        .zip(&columns)
        .all(|((_, required), c)| !required || c.is_some());
    if required_present {
        let ctx = RowContext {
            file: &table.name,
            rank,
            columns: &columns,
            names: kind.columns(),
            check_utf8: true,
        };
        table.for_each_batch(|chunks| {
            for chunk in chunks {
                chunk.each(|line, fields| {
                    if let Some(r) = row(&ctx, fields, line, problems, &mut currencies) {
                        out.push(r);
                    }
                });
            }
        })?;
    }
    currencies.report(&table.name, rank, problems);
    Ok((out, currencies))
}

fn customers_of(
    table: &Table,
    problems: &mut Problems,
) -> Result<FileRecords<CustomerRecord>, ReadError> {
    let (records, currencies) = parse_table(
        table,
        FileKind::Customers,
        problems,
        |ctx, f, line, p, cur| {
            let r = rows::customer(ctx, f, line, p)?;
            cur.note(r.currency, line);
            Some(CustomerRecord {
                line,
                customer_id: text(r.id),
                name: text(r.name),
                owner: text(r.owner),
                segment: text(r.segment),
            })
        },
    )?;
    let mut first: HashMap<&str, u64> = HashMap::new();
    // Clients are found by name (the CLI), so two customers of one file may
    // not share a name (trimmed, case-insensitive); a repeated id is
    // reported as such, not again as a repeated name.
    let mut first_name: HashMap<String, u64> = HashMap::new();
    for r in &records {
        if let Some(&at) = first.get(r.customer_id.as_str()) {
            let reason = checks::duplicate_reason(at);
            problems.push(0, &table.name, r.line, "customer_id", reason);
            continue;
        }
        first.insert(&r.customer_id, r.line);
        let name = r.name.trim().to_lowercase();
        if name.is_empty() {
            continue;
        }
        if let Some(&at) = first_name.get(&name) {
            let reason = checks::duplicate_name_reason(at);
            problems.push(0, &table.name, r.line, "name", reason);
        } else {
            first_name.insert(name, r.line);
        }
    }
    Ok(FileRecords {
        file: table.name.clone(),
        records,
        currency: currencies.first().map(|c| c.0),
    })
}

fn subscriptions_of(
    table: &Table,
    problems: &mut Problems,
) -> Result<FileRecords<SubscriptionRecord>, ReadError> {
    let rank = FileKind::Subscriptions.rank();
    let (records, currencies) = parse_table(
        table,
        FileKind::Subscriptions,
        problems,
        |ctx, f, line, p, cur| {
            let r = rows::subscription(ctx, f, line, p)?;
            cur.note(r.currency, line);
            Some(SubscriptionRecord {
                line,
                subscription_id: text(r.id),
                customer_id: text(r.customer_id),
                plan: text(r.plan),
                mrr: r.mrr,
                started_on: r.started_on,
                ended_on: r.ended_on,
            })
        },
    )?;
    let mut spans: Vec<_> = records
        .iter()
        .map(|r| (r.subscription_id.as_str(), r.started_on, r.ended_on, r.line))
        .collect();
    spans.sort_unstable();
    checks::overlaps(&spans, |line, other| {
        problems.push(
            rank,
            &table.name,
            line,
            "started_on",
            checks::overlap_reason(other),
        )
    });
    Ok(FileRecords {
        file: table.name.clone(),
        records,
        currency: currencies.first().map(|c| c.0),
    })
}

fn invoices_of(
    table: &Table,
    problems: &mut Problems,
) -> Result<FileRecords<InvoiceRecord>, ReadError> {
    let rank = FileKind::Invoices.rank();
    let (records, currencies) = parse_table(
        table,
        FileKind::Invoices,
        problems,
        |ctx, f, line, p, cur| {
            let r = rows::invoice(ctx, f, line, p)?;
            cur.note(r.currency, line);
            Some(InvoiceRecord {
                line,
                invoice_id: text(r.id),
                customer_id: text(r.customer_id),
                amount: r.amount,
                issued_on: r.issued_on,
                due_on: r.due_on,
                paid_on: r.paid_on,
            })
        },
    )?;
    let mut first: HashMap<&str, u64> = HashMap::new();
    for r in &records {
        if let Some(&at) = first.get(r.invoice_id.as_str()) {
            let reason = checks::duplicate_reason(at);
            problems.push(rank, &table.name, r.line, "invoice_id", reason);
        } else {
            first.insert(&r.invoice_id, r.line);
        }
    }
    Ok(FileRecords {
        file: table.name.clone(),
        records,
        currency: currencies.first().map(|c| c.0),
    })
}

fn contacts_of(
    table: &Table,
    problems: &mut Problems,
) -> Result<FileRecords<ContactRecord>, ReadError> {
    let (records, _) = parse_table(table, FileKind::Contacts, problems, |ctx, f, line, p, _| {
        let r = rows::contact(ctx, f, line, p)?;
        Some(ContactRecord {
            line,
            customer_id: text(r.customer_id),
            name: text(r.name),
            role: text(r.role),
            email: text(r.email),
            phone: text(r.phone),
            primary: r.primary,
        })
    })?;
    Ok(FileRecords {
        file: table.name.clone(),
        records,
        currency: None,
    })
}

fn interactions_of(
    table: &Table,
    problems: &mut Problems,
) -> Result<FileRecords<InteractionRecord>, ReadError> {
    let (records, _) = parse_table(
        table,
        FileKind::Interactions,
        problems,
        |ctx, f, line, p, _| {
            let r = rows::interaction(ctx, f, line, p)?;
            Some(InteractionRecord {
                line,
                customer_id: text(r.customer_id),
                kind: r.kind,
                occurred_on: r.occurred_on,
                author: text(r.author),
                note: text(r.note),
            })
        },
    )?;
    Ok(FileRecords {
        file: table.name.clone(),
        records,
        currency: None,
    })
}

fn work_of(table: &Table, problems: &mut Problems) -> Result<FileRecords<WorkRecord>, ReadError> {
    let (records, _) = parse_table(table, FileKind::Work, problems, |ctx, f, line, p, _| {
        let r = rows::work(ctx, f, line, p)?;
        Some(WorkRecord {
            line,
            customer_id: text(r.customer_id),
            on: r.on,
            title: text(r.texts[0]),
            body: text(r.texts[1]),
            result: text(r.texts[2]),
            unit: text(r.texts[3]),
            link: text(r.texts[4]),
            visibility: text(r.texts[5]),
        })
    })?;
    Ok(FileRecords {
        file: table.name.clone(),
        records,
        currency: None,
    })
}

/// Reads a work-log file (CSV, or `.xlsx` first sheet), the file's headers named by `map`.
pub fn read_work_mapped(
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> Result<FileRecords<WorkRecord>, IngestError> {
    let table = Table::open_mapped(path, FileKind::Work, limits, map)?;
    let mut problems = Problems::default();
    let records = work_of(&table, &mut problems)?;
    problems
        .into_result()
        .map_err(|p| map.name_user_headers(p))?;
    Ok(records)
}

/// Reads a contacts file (CSV, or `.xlsx` first sheet), the file's headers named by `map`.
pub fn read_contacts_mapped(
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> Result<FileRecords<ContactRecord>, IngestError> {
    let table = Table::open_mapped(path, FileKind::Contacts, limits, map)?;
    let mut problems = Problems::default();
    let records = contacts_of(&table, &mut problems)?;
    problems
        .into_result()
        .map_err(|p| map.name_user_headers(p))?;
    Ok(records)
}

/// Reads an interactions file (CSV, or `.xlsx` first sheet), the file's headers named by `map`.
pub fn read_interactions_mapped(
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> Result<FileRecords<InteractionRecord>, IngestError> {
    let table = Table::open_mapped(path, FileKind::Interactions, limits, map)?;
    let mut problems = Problems::default();
    let records = interactions_of(&table, &mut problems)?;
    problems
        .into_result()
        .map_err(|p| map.name_user_headers(p))?;
    Ok(records)
}

/// Reason given for a row naming a customer missing from the customers file.
pub(crate) fn missing_customer_reason(id: &str, customers_file: &str) -> String {
    format!("{id:?} is not in {customers_file}")
}

/// Records a problem when two files' currencies differ (the later file is blamed).
/// A file's currency (and the line it was first seen on), its name and rank.
pub(crate) type FileCurrency<'a> = (Option<(String, u64)>, &'a str, u8);

pub(crate) fn cross_currency(files: &[FileCurrency<'_>], problems: &mut Problems) {
    let mut first: Option<(&str, &str)> = None;
    for (currency, file, rank) in files {
        let Some((value, line)) = currency else {
            continue;
        };
        match first {
            None => first = Some((value, file)),
            Some((v, f)) if v != value => {
                let reason = format!("{value:?} differs from the currency {v:?} of {f}");
                problems.push(*rank, file, *line, "currency", reason);
            }
            Some(_) => {}
        }
    }
}

/// Records a problem for each subscription or invoice naming a customer
/// missing from the customers file.
pub fn check_customer_references(
    customers: &FileRecords<CustomerRecord>,
    subscriptions: Option<&FileRecords<SubscriptionRecord>>,
    invoices: Option<&FileRecords<InvoiceRecord>>,
) -> Result<(), InputProblems> {
    let mut problems = Problems::default();
    references(customers, subscriptions, invoices, &mut problems);
    problems.into_result()
}

fn references(
    customers: &FileRecords<CustomerRecord>,
    subscriptions: Option<&FileRecords<SubscriptionRecord>>,
    invoices: Option<&FileRecords<InvoiceRecord>>,
    problems: &mut Problems,
) {
    let known: HashSet<&str> = customers
        .records
        .iter()
        .map(|c| c.customer_id.as_str())
        .collect();
    if let Some(s) = subscriptions {
        for r in s
            .records
            .iter()
            .filter(|r| !known.contains(r.customer_id.as_str()))
        {
            let reason = missing_customer_reason(&r.customer_id, &customers.file);
            problems.push(1, &s.file, r.line, "customer_id", reason);
        }
    }
    if let Some(i) = invoices {
        for r in i
            .records
            .iter()
            .filter(|r| !known.contains(r.customer_id.as_str()))
        {
            let reason = missing_customer_reason(&r.customer_id, &customers.file);
            problems.push(2, &i.file, r.line, "customer_id", reason);
        }
    }
}

/// Reads a customers file (CSV, or `.xlsx` first sheet).
pub fn read_customers(
    path: &Path,
    limits: &ReadLimits,
) -> Result<FileRecords<CustomerRecord>, IngestError> {
    read_customers_mapped(path, limits, &HeaderMap::default())
}

/// Like [`read_customers`], the file's headers named by `map`; problems name the file's own headers.
pub fn read_customers_mapped(
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> Result<FileRecords<CustomerRecord>, IngestError> {
    let table = Table::open_mapped(path, FileKind::Customers, limits, map)?;
    let mut problems = Problems::default();
    let records = customers_of(&table, &mut problems)?;
    problems
        .into_result()
        .map_err(|p| map.name_user_headers(p))?;
    Ok(records)
}

/// Reads a subscriptions file (CSV, or `.xlsx` first sheet).
pub fn read_subscriptions(
    path: &Path,
    limits: &ReadLimits,
) -> Result<FileRecords<SubscriptionRecord>, IngestError> {
    read_subscriptions_mapped(path, limits, &HeaderMap::default())
}

/// Like [`read_subscriptions`], the file's headers named by `map`; problems name the file's own headers.
pub fn read_subscriptions_mapped(
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> Result<FileRecords<SubscriptionRecord>, IngestError> {
    let table = Table::open_mapped(path, FileKind::Subscriptions, limits, map)?;
    let mut problems = Problems::default();
    let records = subscriptions_of(&table, &mut problems)?;
    problems
        .into_result()
        .map_err(|p| map.name_user_headers(p))?;
    Ok(records)
}

/// Reads an invoices file (CSV, or `.xlsx` first sheet).
pub fn read_invoices(
    path: &Path,
    limits: &ReadLimits,
) -> Result<FileRecords<InvoiceRecord>, IngestError> {
    read_invoices_mapped(path, limits, &HeaderMap::default())
}

/// Like [`read_invoices`], the file's headers named by `map`; problems name the file's own headers.
pub fn read_invoices_mapped(
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> Result<FileRecords<InvoiceRecord>, IngestError> {
    let table = Table::open_mapped(path, FileKind::Invoices, limits, map)?;
    let mut problems = Problems::default();
    let records = invoices_of(&table, &mut problems)?;
    problems
        .into_result()
        .map_err(|p| map.name_user_headers(p))?;
    Ok(records)
}

/// Parses CSV bytes (for example an HTTP upload) of the given kind; `name`
/// is the file name used in problems.
pub fn parse_csv_bytes(
    kind: FileKind,
    name: &str,
    bytes: Vec<u8>,
) -> Result<ImportedFiles, IngestError> {
    let table = Table::from_csv_within(name.to_string(), bytes, &ReadLimits::default())?;
    let mut problems = Problems::default();
    let mut out = ImportedFiles {
        customers: None,
        subscriptions: None,
        invoices: None,
    };
    match kind {
        FileKind::Customers => out.customers = Some(customers_of(&table, &mut problems)?),
        FileKind::Subscriptions => {
            out.subscriptions = Some(subscriptions_of(&table, &mut problems)?)
        }
        FileKind::Invoices => out.invoices = Some(invoices_of(&table, &mut problems)?),
        // Not files of the metrics engine: their rows are checked and not kept here.
        FileKind::Contacts => drop(contacts_of(&table, &mut problems)?),
        FileKind::Interactions => drop(interactions_of(&table, &mut problems)?),
        FileKind::Work => drop(work_of(&table, &mut problems)?),
    }
    problems.into_result()?;
    Ok(out)
}

/// Reads every given file and checks rows, files and references across
/// them: either all records, or all problems (first 20) and nothing else.
pub fn read_all(files: &InputFiles<'_>) -> Result<ImportedFiles, IngestError> {
    let open = |p: Option<&Path>, kind| p.map(|p| Table::open(p, kind, &files.limits)).transpose();
    let customers = open(files.customers, FileKind::Customers)?;
    let subscriptions = open(files.subscriptions, FileKind::Subscriptions)?;
    let invoices = open(files.invoices, FileKind::Invoices)?;
    let mut problems = Problems::default();
    let customers = customers
        .map(|t| customers_of(&t, &mut problems))
        .transpose()?;
    let subscriptions = subscriptions
        .map(|t| subscriptions_of(&t, &mut problems))
        .transpose()?;
    let invoices = invoices
        .map(|t| invoices_of(&t, &mut problems))
        .transpose()?;
    if let Some(c) = &customers {
        references(c, subscriptions.as_ref(), invoices.as_ref(), &mut problems);
    }
    fn currency<T>(f: &Option<FileRecords<T>>) -> Option<(String, u64)> {
        f.as_ref()?.currency.clone().map(|c| (c, 1))
    }
    fn name<T>(f: &Option<FileRecords<T>>) -> &str {
        f.as_ref().map_or("", |f| f.file.as_str())
    }
    let currencies = [
        (currency(&customers), name(&customers), 0),
        (currency(&subscriptions), name(&subscriptions), 1),
        (currency(&invoices), name(&invoices), 2),
    ];
    cross_currency(&currencies, &mut problems);
    problems.into_result()?;
    Ok(ImportedFiles {
        customers,
        subscriptions,
        invoices,
    })
}
