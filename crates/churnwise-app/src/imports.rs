//! Imports of the files of docs/metrics.md (customers, subscriptions,
//! invoices) and of docs/import.md (contacts, interactions); .csv or .xlsx: the whole orchestration, so the CLI and an
//! upload run the same steps. Every row is checked first (nothing is written
//! if one is invalid); the rows are then written in one transaction; after
//! subscriptions, a former client with a new running segment is won back.

use crate::audit::{self, Action, Subject};
use crate::cases::{self, CaseContext};
use crate::error::{AppError, AppResult};
use crate::follow;
use chrono::{DateTime, Utc};
use churnwise_domain::history::Actor;
use churnwise_ingest::{HeaderMap, InputProblems, Problem, ReadLimits, MAX_SHOWN};
use churnwise_store::{
    ContactImport, CustomerImport, ImportSummary, InteractionImport, InvoiceImport, Progress,
    Store, StoreError, StoredCase, SubscriptionImport, WorkspaceId,
};
use std::path::Path;

/// The kinds of file an import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// customers.csv: customer_id, name, owner, segment.
    Customers,
    /// subscriptions.csv: subscription_id, customer_id, plan, mrr, started_on, ended_on.
    Subscriptions,
    /// invoices.csv: invoice_id, customer_id, amount, issued_on, due_on, paid_on.
    Invoices,
    /// contacts.csv: customer_id, name, role, email, phone, primary.
    Contacts,
    /// interactions.csv: customer_id, kind, occurred_on, author, note.
    Interactions,
    /// usage.csv: client, metric, on, value (or at, id): events summed into
    /// the daily usage totals (docs/usage.md).
    Usage,
    /// work.csv (issue 16): customer_id, on, title, body, result, unit, link, visibility.
    Work,
}

impl ImportKind {
    /// Every kind, in the order files are best imported.
    pub const ALL: [ImportKind; 7] = [
        ImportKind::Customers,
        ImportKind::Subscriptions,
        ImportKind::Invoices,
        ImportKind::Contacts,
        ImportKind::Interactions,
        ImportKind::Usage,
        ImportKind::Work,
    ];

    /// The kind as the API and the CLI name it.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Subscriptions => "subscriptions",
            ImportKind::Invoices => "invoices",
            ImportKind::Contacts => "contacts",
            ImportKind::Interactions => "interactions",
            ImportKind::Usage => "usage",
            ImportKind::Work => "work",
        }
    }

    /// The columns of its file format (docs/metrics.md), with whether each is required.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            ImportKind::Customers => churnwise_ingest::FileKind::Customers.columns(),
            ImportKind::Subscriptions => churnwise_ingest::FileKind::Subscriptions.columns(),
            ImportKind::Invoices => churnwise_ingest::FileKind::Invoices.columns(),
            ImportKind::Contacts => churnwise_ingest::FileKind::Contacts.columns(),
            ImportKind::Interactions => churnwise_ingest::FileKind::Interactions.columns(),
            ImportKind::Usage => &crate::usage::FILE_COLUMNS,
            ImportKind::Work => churnwise_ingest::FileKind::Work.columns(),
        }
    }
}

impl std::str::FromStr for ImportKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

/// The valid rows of one file, ready to store.
#[derive(Debug)]
pub enum ParsedImport {
    /// Customers, with the physical line of each row in the file (empty when
    /// the rows come from no file, as in a Stripe sync).
    Customers(Vec<CustomerImport>, Vec<u64>),
    /// Subscription segments.
    Subscriptions(Vec<SubscriptionImport>),
    /// Invoices.
    Invoices(Vec<InvoiceImport>),
    /// Contacts.
    Contacts(Vec<ContactImport>),
    /// Interactions.
    Interactions(Vec<InteractionImport>),
    /// Usage events.
    Usage(crate::usage::UsageRows),
    /// Work-log entries (issue 16).
    Work(Vec<churnwise_store::WorkEntryImport>),
}

impl ParsedImport {
    /// The number of rows.
    pub fn len(&self) -> usize {
        match self {
            ParsedImport::Customers(r, _) => r.len(),
            ParsedImport::Subscriptions(r) => r.len(),
            ParsedImport::Invoices(r) => r.len(),
            ParsedImport::Contacts(r) => r.len(),
            ParsedImport::Interactions(r) => r.len(),
            ParsedImport::Usage(r) => r.len(),
            ParsedImport::Work(r) => r.len(),
        }
    }

    /// True when the file has no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    /// Rows written, new and updated.
    pub summary: ImportSummary,
    /// The departure cases won back by a new running subscription.
    pub won_back: Vec<StoredCase>,
}

fn none_if_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Reads and checks every row of the file at `path` (CPU-bound: call it off
/// the async runtime). Refused with [`AppError::File`]: the file's problems
/// as `file:line: column: reason`.
/// The file may make us read only as much as `limits` allows (a zip bomb
/// or an endless file is [`AppError::File`] naming the limit).
pub fn read_file(kind: ImportKind, path: &Path, limits: &ReadLimits) -> AppResult<ParsedImport> {
    read_file_mapped(kind, path, limits, &HeaderMap::default())
}

/// Like [`read_file`], the file's headers renamed by `map` to the columns
/// they feed; problems name the file's own headers.
pub fn read_file_mapped(
    kind: ImportKind,
    path: &Path,
    limits: &ReadLimits,
    map: &HeaderMap,
) -> AppResult<ParsedImport> {
    Ok(match kind {
        ImportKind::Customers => {
            let (lines, rows): (Vec<u64>, Vec<CustomerImport>) =
                churnwise_ingest::read_customers_mapped(path, limits, map)?
                    .records
                    .into_iter()
                    .map(|r| {
                        (
                            r.line,
                            CustomerImport {
                                external_id: r.customer_id,
                                name: r.name,
                                owner: none_if_empty(r.owner),
                                segment: none_if_empty(r.segment),
                            },
                        )
                    })
                    .unzip();
            ParsedImport::Customers(rows, lines)
        }
        ImportKind::Subscriptions => ParsedImport::Subscriptions(
            churnwise_ingest::read_subscriptions_mapped(path, limits, map)?
                .records
                .into_iter()
                .map(|r| SubscriptionImport {
                    line: r.line,
                    subscription_ref: r.subscription_id,
                    customer_ref: r.customer_id,
                    plan: none_if_empty(r.plan),
                    mrr: r.mrr,
                    started_on: r.started_on,
                    ended_on: r.ended_on,
                })
                .collect(),
        ),
        ImportKind::Invoices => ParsedImport::Invoices(
            churnwise_ingest::read_invoices_mapped(path, limits, map)?
                .records
                .into_iter()
                .map(|r| InvoiceImport {
                    line: r.line,
                    invoice_ref: r.invoice_id,
                    customer_ref: r.customer_id,
                    amount: r.amount,
                    issued_on: r.issued_on,
                    due_on: r.due_on,
                    paid_on: r.paid_on,
                })
                .collect(),
        ),
        ImportKind::Contacts => ParsedImport::Contacts(
            churnwise_ingest::read_contacts_mapped(path, limits, map)?
                .records
                .into_iter()
                .map(|r| ContactImport {
                    line: r.line,
                    customer_ref: r.customer_id,
                    name: r.name,
                    role: none_if_empty(r.role),
                    email: none_if_empty(r.email),
                    phone: none_if_empty(r.phone),
                    is_primary: r.primary,
                })
                .collect(),
        ),
        ImportKind::Usage => ParsedImport::Usage(crate::usage::read_rows(
            path,
            &path.display().to_string(),
            limits,
            map,
        )?),
        ImportKind::Interactions => ParsedImport::Interactions(
            churnwise_ingest::read_interactions_mapped(path, limits, map)?
                .records
                .into_iter()
                .map(|r| InteractionImport {
                    line: r.line,
                    customer_ref: r.customer_id,
                    kind: r.kind.as_str().to_string(),
                    occurred_on: r.occurred_on,
                    author: none_if_empty(r.author),
                    note: none_if_empty(r.note),
                })
                .collect(),
        ),
        ImportKind::Work => ParsedImport::Work(work_rows(
            churnwise_ingest::read_work_mapped(path, limits, map)?,
            map,
        )?),
    })
}

/// The rows of a work file checked by the work log's own rules
/// ([`crate::work_log::WorkEntryInput::validate`]): every problem as
/// `file:line: column: reason`, the column as the file names it.
fn work_rows(
    read: churnwise_ingest::FileRecords<churnwise_ingest::WorkRecord>,
    map: &HeaderMap,
) -> AppResult<Vec<churnwise_store::WorkEntryImport>> {
    let mut rows = Vec::with_capacity(read.records.len());
    let mut problems = Vec::new();
    let writer = crate::work_log::Writer::default();
    for r in read.records {
        let input = crate::work_log::WorkEntryInput {
            done_on: Some(r.on.to_string()),
            title: r.title,
            body: none_if_empty(r.body),
            result: none_if_empty(r.result),
            unit: none_if_empty(r.unit),
            link: none_if_empty(r.link),
            who: None,
            visibility: none_if_empty(r.visibility),
        };
        match input.validate(r.on, &writer) {
            Ok(entry) => rows.push(churnwise_store::WorkEntryImport {
                line: r.line,
                customer_id: r.customer_id,
                entry,
            }),
            Err(AppError::Invalid(fields)) => {
                for f in fields {
                    let column = if f.field == "done_on" {
                        "on"
                    } else {
                        f.field.as_str()
                    };
                    problems.push(Problem {
                        file: read.file.clone(),
                        line: r.line,
                        column: map.header_for(column).unwrap_or(column).to_string(),
                        reason: f.message,
                    });
                }
            }
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        let total = problems.len();
        problems.truncate(MAX_SHOWN);
        Err(AppError::File(
            InputProblems {
                shown: problems,
                total,
            }
            .into(),
        ))
    }
}

/// Rows the database refused (naming unknown customers) in the file's
/// wording, `file:line: column: reason`.
fn row_problems(file: &str, e: StoreError) -> AppError {
    match e {
        StoreError::Invalid(problems) => {
            let total = problems.len();
            let shown = problems
                .into_iter()
                .take(MAX_SHOWN)
                .map(|p| Problem {
                    file: file.to_string(),
                    line: p.line,
                    column: p.column,
                    reason: p.reason,
                })
                .collect();
            AppError::File(InputProblems { shown, total }.into())
        }
        other => other.into(),
    }
}

/// Writes the checked rows of `file` into `ws` in one transaction (all or
/// nothing), reporting progress in rows; after subscriptions, wins back the
/// former clients that now have a running segment, acting as the system at
/// `now`.
pub async fn import(
    store: &dyn Store,
    ws: WorkspaceId,
    file: &str,
    parsed: ParsedImport,
    now: DateTime<Utc>,
    progress: &Progress,
    actor: &audit::Actor,
) -> AppResult<ImportReport> {
    if let ParsedImport::Usage(mut rows) = parsed {
        rows.file = file.to_string();
        let done = crate::usage::import_rows(store, ws, &rows, now, actor).await?;
        progress(done.accepted + done.duplicates);
        return Ok(ImportReport {
            summary: ImportSummary {
                rows: rows.len() as u64,
                inserted: done.accepted,
                updated: done.duplicates,
            },
            won_back: Vec::new(),
        });
    }
    let mut formers = Vec::new();
    let action = match &parsed {
        ParsedImport::Customers(..) => Action::CustomersImported,
        ParsedImport::Subscriptions(_) => Action::SubscriptionsImported,
        ParsedImport::Invoices(_) => Action::InvoicesImported,
        ParsedImport::Contacts(_) => Action::ContactsImported,
        ParsedImport::Interactions(_) => Action::InteractionsImported,
        ParsedImport::Usage(_) => Action::UsageImported,
        ParsedImport::Work(_) => Action::WorkImported,
    };
    let touched = follow::Touched::ExternalIds(match &parsed {
        ParsedImport::Customers(rows, _) => rows.iter().map(|r| r.external_id.clone()).collect(),
        ParsedImport::Subscriptions(rows) => rows.iter().map(|r| r.customer_ref.clone()).collect(),
        ParsedImport::Invoices(rows) => rows.iter().map(|r| r.customer_ref.clone()).collect(),
        ParsedImport::Contacts(rows) => rows.iter().map(|r| r.customer_ref.clone()).collect(),
        ParsedImport::Interactions(rows) => rows.iter().map(|r| r.customer_ref.clone()).collect(),
        ParsedImport::Usage(_) => Vec::new(),
        ParsedImport::Work(rows) => rows.iter().map(|r| r.customer_id.clone()).collect(),
    });
    let summary = match parsed {
        ParsedImport::Customers(rows, _) => store.import_customers(ws, rows, progress).await,
        ParsedImport::Subscriptions(rows) => {
            formers =
                cases::former_clients_before_import(store, ws, &rows, now.date_naive()).await?;
            store.import_subscriptions(ws, rows, progress).await
        }
        ParsedImport::Invoices(rows) => store.import_invoices(ws, rows, progress).await,
        ParsedImport::Contacts(rows) => store.import_contacts(ws, rows, progress).await,
        ParsedImport::Interactions(rows) => store.import_interactions(ws, rows, progress).await,
        ParsedImport::Usage(_) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "usage rows are imported before this point"
            )))
        }
        ParsedImport::Work(rows) => store.import_work_entries(ws, rows).await,
    }
    .map_err(|e| row_problems(file, e))?;
    after_import(
        store, ws, file, action, summary, formers, &touched, now, actor,
    )
    .await
}

/// Writes whole Stripe subscriptions as their segment history (`rows`
/// replace the segments of `refs`, in one transaction), then does what
/// every import does after writing.
pub(crate) async fn replace_subscriptions(
    store: &dyn Store,
    ws: WorkspaceId,
    file: &str,
    refs: &[String],
    rows: Vec<churnwise_store::SubscriptionImport>,
    now: DateTime<Utc>,
    actor: &audit::Actor,
) -> AppResult<ImportReport> {
    let touched =
        follow::Touched::ExternalIds(rows.iter().map(|r| r.customer_ref.clone()).collect());
    let formers = cases::former_clients_before_import(store, ws, &rows, now.date_naive()).await?;
    let summary = store
        .replace_subscription_segments(ws, refs, rows)
        .await
        .map_err(|e| row_problems(file, e))?;
    after_import(
        store,
        ws,
        file,
        Action::SubscriptionsImported,
        summary,
        formers,
        &touched,
        now,
        actor,
    )
    .await
}

/// What follows a written import: the audit entry, win-back of former
/// clients that came back, then the status rule and health of the touched
/// clients.
#[expect(clippy::too_many_arguments)]
async fn after_import(
    store: &dyn Store,
    ws: WorkspaceId,
    file: &str,
    action: Action,
    summary: churnwise_store::ImportSummary,
    formers: Vec<cases::FormerClient>,
    touched: &follow::Touched,
    now: DateTime<Utc>,
    actor: &audit::Actor,
) -> AppResult<ImportReport> {
    let name = std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    let detail = format!(
        "{name}: {} rows, {} new, {} updated",
        summary.rows, summary.inserted, summary.updated
    );
    audit::record(store, ws, actor, action, Subject::Import, &detail).await?;
    let won_back = if formers.is_empty() {
        Vec::new()
    } else {
        let cx = CaseContext {
            store,
            ws,
            actor: Actor::System,
            now,
        };
        cases::win_back_after_import(&cx, &formers).await?
    };
    follow::records_changed(store, ws, touched, now.date_naive()).await?;
    // An import leaves a change mark per statement it wrote (thousands for
    // a large file); every list and the metrics read their sum, so they are
    // folded now rather than at the scheduler's next tick (issue 14).
    store.prune_data_versions().await?;
    Ok(ImportReport { summary, won_back })
}
