//! Imports of an uploaded file (the browser and `POST /api/v1/imports`):
//! the columns recognised (the formats of docs/metrics.md, else a mapping
//! guessed from usual headers, or the one saved for the same headers), a
//! preview of what will be created or updated, and the import itself as a
//! job whose state and progress live in the database, so any server process
//! can show them. The rows go through [`imports::import`], as from the CLI:
//! all or nothing.

use crate::audit;
use crate::error::{AppError, AppResult};
use crate::exclusivity_warnings::ExclusivityWarnings;
use crate::imports::{self, ImportKind, ImportReport, ParsedImport};
use chrono::{DateTime, Utc};
use churnwise_domain::FieldProblem;
use churnwise_ingest::{HeaderMap, IngestError, ReadLimits};
use churnwise_store::{ImportJob, ImportJobId, ImportJobUpdate, NewImportJob, Store, WorkspaceId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Default of [`UploadSettings::max_upload_bytes`]: 50 MB.
pub const DEFAULT_MAX_UPLOAD_MB: u64 = 50;

/// How uploads are taken: their size, where they wait, how much they may make us read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSettings {
    /// Bytes an uploaded file may have (`[import] max_upload_mb`).
    pub max_upload_bytes: u64,
    /// The folder uploads wait in until their import ends.
    pub dir: PathBuf,
    /// The bounds of reading the file.
    pub limits: ReadLimits,
}

impl Default for UploadSettings {
    fn default() -> Self {
        UploadSettings {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_MB * 1_000_000,
            dir: std::env::temp_dir().join("churnwise-imports"),
            limits: ReadLimits::default(),
        }
    }
}

/// The states of an import job.
pub mod state {
    /// Uploaded; waits for the mapping and the go-ahead (the browser's preview).
    pub const UPLOADED: &str = "uploaded";
    /// Will start at once.
    pub const QUEUED: &str = "queued";
    /// The file is being read and checked.
    pub const READING: &str = "reading";
    /// The rows are being written.
    pub const WRITING: &str = "writing";
    /// Written.
    pub const DONE: &str = "done";
    /// Refused: nothing was written.
    pub const FAILED: &str = "failed";
}

/// One problem of an uploaded file, in the file's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowProblem {
    /// Physical line of the file (the header is line 1; 0 for the file as a whole).
    pub line: u64,
    /// The column, as the file's header names it.
    pub column: String,
    /// What is wrong (English; pages translate it).
    pub reason: String,
}

/// Why an import wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblems {
    /// The first problems, in line order.
    pub problems: Vec<RowProblem>,
    /// How many in all.
    pub total: u64,
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    /// customers, subscriptions, invoices, contacts, interactions or usage.
    pub kind: String,
    /// The file name as uploaded.
    pub file: String,
    /// Rows read.
    pub rows: u64,
    /// New records (usage: events added to the totals).
    pub created: u64,
    /// Records that existed and were updated (or were already equal; usage:
    /// events skipped as sent before, by their id).
    pub updated: u64,
    /// Former clients won back by a new running subscription.
    pub won_back: u64,
    /// New clients that fall inside another client's exclusivity (issue
    /// 16): imported all the same, listed to look at.
    #[serde(default)]
    pub exclusivity: ExclusivityWarnings,
}

/// An import job as shown by the API and the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobView {
    /// Its id.
    pub id: i64,
    /// customers, subscriptions, invoices, contacts, interactions or usage.
    pub kind: String,
    /// The file name as uploaded.
    pub file: String,
    /// uploaded, queued, reading, writing, done or failed.
    pub state: String,
    /// Rows written so far.
    pub rows_done: i64,
    /// Rows to write (0 until the file is read).
    pub rows_total: i64,
    /// The column mapping in use: column → the file's header.
    pub mapping: BTreeMap<String, String>,
    /// What was written, once done.
    pub summary: Option<ImportOutcome>,
    /// Why nothing was written, once failed.
    pub problems: Option<ImportProblems>,
    /// Who uploaded it.
    pub created_by: String,
    /// When.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: DateTime<Utc>,
}

/// A file just received: its kind, the name it was sent with and where it waits.
#[derive(Debug, Clone)]
pub struct Upload {
    /// What the file holds.
    pub kind: ImportKind,
    /// The name it was sent with.
    pub file_name: String,
    /// Where the server keeps it.
    pub path: PathBuf,
    /// The mapping sent with it, as JSON (`{"column": "header"}`), if any.
    pub mapping: Option<String>,
}

/// Whether a file name is one an import takes (`.csv` or `.xlsx`), and its extension.
pub fn upload_extension(file_name: &str) -> AppResult<&'static str> {
    let lower = file_name.trim().to_lowercase();
    if lower.ends_with(".xlsx") {
        Ok("xlsx")
    } else if lower.ends_with(".csv") {
        Ok("csv")
    } else {
        Err(AppError::Invalid(vec![FieldProblem::new(
            "file",
            "must be a .csv or .xlsx file",
        )]))
    }
}

/// How long an upload may wait for its import (a preview never confirmed)
/// before the next upload sweeps it away.
pub const STALE_UPLOAD_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Deletes the uploads in `dir` last written more than `max_age` ago (an
/// upload whose import ran is deleted at once; these are previews never
/// confirmed), so the folder cannot grow without bound. Returns how many
/// went; a file that cannot be read or deleted is left alone.
pub fn sweep_stale_uploads(dir: &std::path::Path, max_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("upload-"))
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > max_age)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// A new, unused place for an upload of `ws` with the given extension; the
/// uploads left waiting longer than [`STALE_UPLOAD_AGE`] are swept first.
pub fn new_upload_path(
    settings: &UploadSettings,
    ws: WorkspaceId,
    ext: &str,
) -> AppResult<PathBuf> {
    std::fs::create_dir_all(&settings.dir)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot create the upload folder: {e}")))?;
    sweep_stale_uploads(&settings.dir, STALE_UPLOAD_AGE);
    let token: u64 = rand::random();
    Ok(settings
        .dir
        .join(format!("upload-{}-{token:016x}.{ext}", ws.0)))
}

// --- column recognition ----------------------------------------------------

/// A header as compared: trimmed, lower-case, `_`/`-` as spaces, spaces single.
fn normal(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Usual headers of each column (English and Spanish, Stripe, Holded and
/// spreadsheet exports), best first; the column's own name always wins.
fn synonyms(kind: ImportKind, column: &str) -> &'static [&'static str] {
    use ImportKind as K;
    const CUSTOMER_REF: &[&str] = &[
        "customer id",
        "client id",
        "customer",
        "cliente id",
        "id cliente",
        "cliente",
        "client",
        "customer ref",
        "account id",
        "contacto id",
    ];
    match (kind, column) {
        (K::Customers, "customer_id") => &[
            "customer id",
            "client id",
            "id",
            "id cliente",
            "cliente id",
            "código",
            "codigo",
            "code",
            "account id",
            "nif",
            "cif",
        ],
        (K::Customers, "name") => &[
            "customer name",
            "client name",
            "company",
            "company name",
            "nombre",
            "razón social",
            "razon social",
            "empresa",
            "cliente",
            "client",
            "customer",
            "description",
            "full name",
        ],
        (K::Customers, "owner") => &[
            "account manager",
            "account owner",
            "salesperson",
            "sales rep",
            "manager",
            "responsable",
            "comercial",
            "gestor",
            "propietario",
        ],
        (K::Customers, "segment") => &[
            "segmento",
            "tier",
            "category",
            "categoría",
            "categoria",
            "sector",
            "type",
            "tipo",
        ],
        (K::Subscriptions, "subscription_id") => &[
            "subscription id",
            "id",
            "subscription",
            "id suscripción",
            "id suscripcion",
            "suscripción",
            "suscripcion",
            "contract id",
            "contrato",
        ],
        (K::Subscriptions, "plan") => &[
            "plan name",
            "product",
            "product name",
            "service",
            "producto",
            "servicio",
            "tarifa",
        ],
        (K::Subscriptions, "mrr") => &[
            "monthly recurring revenue",
            "monthly amount",
            "monthly revenue",
            "importe mensual",
            "cuota mensual",
            "cuota",
            "amount",
            "importe",
            "price",
            "precio",
        ],
        (K::Subscriptions, "started_on") => &[
            "start",
            "start date",
            "start (utc)",
            "started at",
            "started",
            "inicio",
            "fecha inicio",
            "fecha de inicio",
            "fecha alta",
            "alta",
        ],
        (K::Subscriptions, "ended_on") => &[
            "end",
            "end date",
            "ended at (utc)",
            "ended at",
            "ended",
            "canceled at (utc)",
            "cancelled at",
            "canceled at",
            "fin",
            "fecha fin",
            "fecha de fin",
            "fecha baja",
            "baja",
        ],
        (K::Invoices, "invoice_id") => &[
            "invoice id",
            "invoice number",
            "id",
            "invoice",
            "number",
            "número",
            "numero",
            "nº factura",
            "num factura",
            "factura",
        ],
        (K::Invoices, "amount") => &[
            "total",
            "amount due",
            "amount paid",
            "importe",
            "importe total",
            "total factura",
        ],
        (K::Invoices, "issued_on") => &[
            "date",
            "issue date",
            "invoice date",
            "date (utc)",
            "created (utc)",
            "fecha",
            "fecha factura",
            "fecha emisión",
            "fecha emision",
        ],
        (K::Invoices, "due_on") => &[
            "due date",
            "due",
            "due date (utc)",
            "vencimiento",
            "fecha vencimiento",
            "fecha de vencimiento",
        ],
        (K::Invoices, "paid_on") => &[
            "paid at",
            "paid date",
            "payment date",
            "paid at (utc)",
            "fecha pago",
            "fecha de pago",
            "cobrada",
            "pagada",
        ],
        (K::Contacts, "name") => &[
            "full name",
            "contact",
            "contact name",
            "nombre",
            "persona",
            "contacto",
        ],
        (K::Contacts, "role") => &["title", "job title", "position", "cargo", "puesto", "rol"],
        (K::Contacts, "email") => &[
            "e-mail",
            "email address",
            "mail",
            "correo",
            "correo electrónico",
        ],
        (K::Contacts, "phone") => &[
            "telephone",
            "phone number",
            "mobile",
            "teléfono",
            "telefono",
            "móvil",
            "movil",
        ],
        (K::Contacts, "primary") => &["main", "is primary", "principal"],
        (K::Interactions, "kind") => &["type", "tipo", "channel", "canal"],
        (K::Interactions, "occurred_on") => &["date", "fecha", "when", "day", "día", "dia"],
        (K::Interactions, "author") => {
            &["by", "user", "owner", "autor", "usuario", "quién", "quien"]
        }
        (K::Interactions, "note") => &[
            "notes",
            "comment",
            "comments",
            "summary",
            "nota",
            "notas",
            "comentario",
            "resumen",
        ],
        (K::Usage, "client") => CUSTOMER_REF,
        (K::Usage, "metric") => &[
            "metric key",
            "event",
            "event name",
            "feature",
            "métrica",
            "metrica",
            "evento",
            "funcionalidad",
        ],
        (K::Usage, "on") => &["date", "day", "fecha", "día", "dia"],
        (K::Usage, "value") => &["count", "quantity", "amount", "valor", "cantidad", "total"],
        (K::Usage, "at") => &["timestamp", "time", "occurred at", "hora", "momento"],
        (K::Usage, "id") => &["event id", "id evento"],
        // --- worklog --- (issue 16)
        (K::Work, "on") => &["date", "fecha", "day", "día", "dia", "done_on"],
        (K::Work, "title") => &["what", "task", "título", "titulo", "tarea"],
        (K::Work, "body") => &[
            "details",
            "description",
            "detalles",
            "descripción",
            "descripcion",
        ],
        (K::Work, "result") => &["figure", "value", "resultado", "cifra", "valor"],
        (K::Work, "unit") => &["unidad"],
        (K::Work, "link") => &["url", "enlace"],
        (K::Work, "visibility") => &["visible", "visibilidad"],
        (_, "customer_id") => CUSTOMER_REF,
        (_, "currency") => &["moneda", "divisa"],
        _ => &[],
    }
}

/// The mapping guessed for a file of `kind` with these headers: each column
/// takes the header named like it, else the first usual header present;
/// a header feeds one column at most.
pub fn guess_mapping(kind: ImportKind, headers: &[String]) -> HeaderMap {
    let normals: Vec<String> = headers.iter().map(|h| normal(h)).collect();
    let mut used = vec![false; headers.len()];
    let mut pairs = Vec::new();
    let columns = kind.columns();
    // Exact names first, so that a synonym never takes a column's own header.
    let mut chosen: Vec<Option<usize>> = columns
        .iter()
        .map(|(c, _)| {
            let i = normals.iter().position(|n| *n == normal(c))?;
            used[i] = true;
            Some(i)
        })
        .collect();
    for (k, (column, _)) in columns.iter().enumerate() {
        if chosen[k].is_some() {
            continue;
        }
        for s in synonyms(kind, column) {
            if let Some(i) = normals.iter().position(|n| n == s) {
                if !used[i] {
                    used[i] = true;
                    chosen[k] = Some(i);
                    break;
                }
            }
        }
    }
    for (k, (column, _)) in columns.iter().enumerate() {
        if let Some(i) = chosen[k] {
            pairs.push((column.to_string(), headers[i].clone()));
        }
    }
    HeaderMap::new(pairs)
}

/// The key a mapping is saved under: the file's headers, normalised, in order.
pub fn headers_key(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| normal(h))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// A mapping as JSON (`{"column": "header"}`).
pub fn mapping_json(map: &HeaderMap) -> String {
    let m: BTreeMap<&str, &str> = map
        .pairs()
        .iter()
        .map(|(c, h)| (c.as_str(), h.as_str()))
        .collect();
    serde_json::to_string(&m).unwrap_or_else(|_| "{}".into())
}

/// A mapping given as `{"column": "header"}`, checked against the kind's
/// columns and, when known, the file's headers: every wrong entry is named.
pub fn parse_mapping(
    kind: ImportKind,
    json: &str,
    headers: Option<&[String]>,
) -> AppResult<HeaderMap> {
    let raw: BTreeMap<String, String> = serde_json::from_str(json).map_err(|e| {
        AppError::Invalid(vec![FieldProblem::new(
            "mapping",
            format!("is not a JSON object of column names to headers: {e}"),
        )])
    })?;
    mapping_from_pairs(kind, raw, headers)
}

/// A mapping from `(column, header)` pairs (an empty header leaves the
/// column unmapped), checked as [`parse_mapping`] does.
pub fn mapping_from_pairs(
    kind: ImportKind,
    pairs: impl IntoIterator<Item = (String, String)>,
    headers: Option<&[String]>,
) -> AppResult<HeaderMap> {
    let mut problems = Vec::new();
    let mut kept = Vec::new();
    for (column, header) in pairs {
        if !kind.columns().iter().any(|(c, _)| *c == column) {
            problems.push(FieldProblem::new(
                format!("mapping.{column}"),
                format!("is not a column of {} files", kind.as_str()),
            ));
            continue;
        }
        if header.trim().is_empty() {
            continue;
        }
        if let Some(headers) = headers {
            if !headers.iter().any(|h| normal(h) == normal(&header)) {
                problems.push(FieldProblem::new(
                    format!("mapping.{column}"),
                    format!("{header:?} is not a header of the file"),
                ));
                continue;
            }
        }
        kept.push((column, header));
    }
    if problems.is_empty() {
        Ok(HeaderMap::new(kept))
    } else {
        Err(AppError::Invalid(problems))
    }
}

fn json_map(json: Option<&str>) -> BTreeMap<String, String> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// The mapping to use for a file: the one given, else the one saved for the
/// same headers, else the guess.
pub async fn mapping_for(
    store: &dyn Store,
    ws: WorkspaceId,
    kind: ImportKind,
    headers: &[String],
    given: Option<HeaderMap>,
) -> AppResult<HeaderMap> {
    if let Some(map) = given {
        return Ok(map);
    }
    let saved = store
        .saved_import_mapping(ws, kind.as_str(), &headers_key(headers))
        .await?;
    if let Some(json) = saved {
        if let Ok(map) = parse_mapping(kind, &json, Some(headers)) {
            return Ok(map);
        }
    }
    Ok(guess_mapping(kind, headers))
}

fn peek(path: &Path, limits: &ReadLimits, rows: usize) -> AppResult<churnwise_ingest::Peek> {
    churnwise_ingest::peek(path, limits, rows).map_err(|e| AppError::File(IngestError::Read(e)))
}

// --- jobs --------------------------------------------------------------------

/// Creates the job of an upload, with the mapping to use (given, saved or
/// guessed); `state` is [`state::UPLOADED`] (a preview first) or [`state::QUEUED`].
pub async fn create_job(
    store: &dyn Store,
    ws: WorkspaceId,
    upload: &Upload,
    job_state: &str,
    settings: &UploadSettings,
    actor: &audit::Actor,
    now: DateTime<Utc>,
) -> AppResult<ImportJob> {
    let kind = upload.kind;
    let path = upload.path.clone();
    let limits = settings.limits;
    let headers = tokio::task::spawn_blocking(move || peek(&path, &limits, 0))
        .await
        .map_err(|e| AppError::Internal(e.into()))
        .and_then(|r| r)
        .map(|p| p.headers);
    // A file that cannot be read at all still gets a job: it fails when run.
    let mapping = match &headers {
        Ok(headers) => {
            let given = upload
                .mapping
                .as_deref()
                .map(|json| parse_mapping(kind, json, Some(headers)))
                .transpose()?;
            Some(mapping_json(
                &mapping_for(store, ws, kind, headers, given).await?,
            ))
        }
        Err(_) => None,
    };
    Ok(store
        .create_import_job(
            ws,
            NewImportJob {
                kind: kind.as_str().to_string(),
                file_name: upload.file_name.clone(),
                upload_path: upload.path.to_string_lossy().into_owned(),
                state: job_state.to_string(),
                mapping,
                created_by: actor.display.clone(),
                created_at: now,
            },
        )
        .await?)
}

/// Changes the mapping of a job still waiting for its go-ahead.
pub async fn set_job_mapping(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ImportJobId,
    pairs: Vec<(String, String)>,
    settings: &UploadSettings,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let job = store.import_job(ws, id).await?;
    let kind = kind_of(&job)?;
    if job.state != state::UPLOADED {
        return Err(AppError::Invalid(vec![FieldProblem::new(
            "mapping",
            "the import has already started",
        )]));
    }
    let path = PathBuf::from(&job.upload_path);
    let limits = settings.limits;
    let headers = tokio::task::spawn_blocking(move || peek(&path, &limits, 0))
        .await
        .map_err(|e| AppError::Internal(e.into()))??
        .headers;
    let map = mapping_from_pairs(kind, pairs, Some(&headers))?;
    store
        .update_import_job(
            ws,
            id,
            ImportJobUpdate {
                mapping: Some(mapping_json(&map)),
                ..ImportJobUpdate::default()
            },
            now,
        )
        .await?;
    Ok(())
}

fn kind_of(job: &ImportJob) -> AppResult<ImportKind> {
    job.kind
        .parse()
        .map_err(|e: String| AppError::Internal(anyhow::anyhow!("stored import kind: {e}")))
}

fn map_of(kind: ImportKind, job: &ImportJob) -> HeaderMap {
    job.mapping
        .as_deref()
        .and_then(|j| parse_mapping(kind, j, None).ok())
        .unwrap_or_default()
}

/// The problems of a refused file in the file's own words (its upload name, not where it waits).
pub fn problems_of(e: &AppError, upload_path: &str, file_name: &str) -> Option<ImportProblems> {
    match e {
        AppError::File(IngestError::Problems(p)) => Some(ImportProblems {
            problems: p
                .shown
                .iter()
                .map(|p| RowProblem {
                    line: p.line,
                    column: p.column.clone(),
                    reason: p.reason.clone(),
                })
                .collect(),
            total: p.total as u64,
        }),
        AppError::File(IngestError::Read(r)) => Some(ImportProblems {
            problems: vec![RowProblem {
                line: 0,
                column: String::new(),
                reason: r
                    .to_string()
                    .replace(&format!("{upload_path}: "), "")
                    .replace(upload_path, file_name),
            }],
            total: 1,
        }),
        AppError::Invalid(fields) => Some(ImportProblems {
            problems: fields
                .iter()
                .map(|f| RowProblem {
                    line: 0,
                    column: f.field.clone(),
                    reason: f.message.clone(),
                })
                .collect(),
            total: fields.len() as u64,
        }),
        _ => None,
    }
}

/// Marks a waiting job queued (the go-ahead of the preview); `Invalid` when
/// it already started.
pub async fn queue_job(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ImportJobId,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let job = store.import_job(ws, id).await?;
    if job.state != state::UPLOADED {
        return Err(AppError::Invalid(vec![FieldProblem::new(
            "state",
            "the import has already started",
        )]));
    }
    store
        .update_import_job(
            ws,
            id,
            ImportJobUpdate {
                state: Some(state::QUEUED.into()),
                ..ImportJobUpdate::default()
            },
            now,
        )
        .await?;
    Ok(())
}

/// Runs a queued job to its end: reads and checks the file with its
/// mapping (off the async runtime), writes every row through
/// [`imports::import`] (all or nothing) while the job's `rows_done` follows,
/// saves a mapping that renamed headers for the next file with the same
/// headers, and records the outcome (summary, or problems) on the job. The
/// upload is deleted at the end either way. The error is also returned, for
/// an answer that waits for the import.
pub async fn run_job(
    store: Arc<dyn Store>,
    ws: WorkspaceId,
    id: ImportJobId,
    settings: UploadSettings,
    actor: audit::Actor,
) -> AppResult<ImportOutcome> {
    let job = store.import_job(ws, id).await?;
    let result = run(store.clone(), &job, &settings, &actor).await;
    let _ = std::fs::remove_file(&job.upload_path);
    let now = Utc::now();
    let update = match &result {
        Ok(outcome) => ImportJobUpdate {
            state: Some(state::DONE.into()),
            rows_done: Some(to_i64(outcome.rows)),
            summary: serde_json::to_string(outcome).ok(),
            ..ImportJobUpdate::default()
        },
        Err(e) => {
            let problems = problems_of(e, &job.upload_path, &job.file_name).unwrap_or_else(|| {
                tracing::error!(error = ?e, job = id.0, "import failed");
                ImportProblems {
                    problems: vec![RowProblem {
                        line: 0,
                        column: String::new(),
                        reason: match e {
                            AppError::Busy => {
                                "the database was busy with another write; try again".into()
                            }
                            _ => "something went wrong on our side; it has been logged".into(),
                        },
                    }],
                    total: 1,
                }
            });
            ImportJobUpdate {
                state: Some(state::FAILED.into()),
                rows_done: Some(0),
                problems: serde_json::to_string(&problems).ok(),
                ..ImportJobUpdate::default()
            }
        }
    };
    store.update_import_job(ws, id, update, now).await?;
    result
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

async fn run(
    store: Arc<dyn Store>,
    job: &ImportJob,
    settings: &UploadSettings,
    actor: &audit::Actor,
) -> AppResult<ImportOutcome> {
    let (ws, id) = (job.workspace, job.id);
    let kind = kind_of(job)?;
    let map = map_of(kind, job);
    let set_state = |s: &'static str, total: Option<i64>| ImportJobUpdate {
        state: Some(s.into()),
        rows_total: total,
        ..ImportJobUpdate::default()
    };
    store
        .update_import_job(ws, id, set_state(state::READING, None), Utc::now())
        .await?;
    let path = PathBuf::from(&job.upload_path);
    let limits = settings.limits;
    let read_map = map.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        imports::read_file_mapped(kind, &path, &limits, &read_map)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let total = parsed.len() as u64;
    // Before writing: afterwards the new clients are no longer new.
    let exclusivity = crate::exclusivity_warnings::of_import(
        store.as_ref(),
        ws,
        &parsed,
        Utc::now().date_naive(),
    )
    .await?;
    store
        .update_import_job(
            ws,
            id,
            set_state(state::WRITING, Some(to_i64(total))),
            Utc::now(),
        )
        .await?;
    // The store reports rows written through a plain callback; a ticker
    // copies the count to the job row while the import runs.
    let written = Arc::new(AtomicU64::new(0));
    let ticker = {
        let (store, written) = (store.clone(), written.clone());
        tokio::spawn(async move {
            let mut last = 0;
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                let now = written.load(Ordering::Relaxed);
                if now != last {
                    last = now;
                    let change = ImportJobUpdate {
                        rows_done: Some(to_i64(now)),
                        ..ImportJobUpdate::default()
                    };
                    let _ = store.update_import_job(ws, id, change, Utc::now()).await;
                }
            }
        })
    };
    let tick = {
        let written = written.clone();
        move |n: u64| written.store(n, Ordering::Relaxed)
    };
    let report = imports::import(
        store.as_ref(),
        ws,
        &job.file_name,
        parsed,
        Utc::now(),
        &tick,
        actor,
    )
    .await;
    ticker.abort();
    let ImportReport { summary, won_back } = report?;
    if !map.is_empty() && !map.is_identity() {
        let path = PathBuf::from(&job.upload_path);
        if let Ok(p) = peek(&path, &settings.limits, 0) {
            store
                .save_import_mapping(
                    ws,
                    kind.as_str(),
                    &headers_key(&p.headers),
                    &mapping_json(&map),
                    Utc::now(),
                )
                .await?;
        }
    }
    Ok(ImportOutcome {
        kind: kind.as_str().into(),
        file: job.file_name.clone(),
        rows: summary.rows,
        created: summary.inserted,
        updated: summary.updated,
        won_back: won_back.len() as u64,
        exclusivity,
    })
}

/// A job as shown.
pub async fn job_view(store: &dyn Store, ws: WorkspaceId, id: ImportJobId) -> AppResult<JobView> {
    let job = store.import_job(ws, id).await?;
    Ok(JobView {
        id: job.id.0,
        kind: job.kind.clone(),
        file: job.file_name.clone(),
        state: job.state.clone(),
        rows_done: job.rows_done,
        rows_total: job.rows_total,
        mapping: json_map(job.mapping.as_deref()),
        summary: job
            .summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        problems: job
            .problems
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        created_by: job.created_by,
        created_at: job.created_at,
    })
}

// --- preview -----------------------------------------------------------------

/// One column of the mapping step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChoice {
    /// The column as docs/metrics.md names it.
    pub column: &'static str,
    /// Whether the file must have it.
    pub required: bool,
    /// The file's header chosen for it, if any.
    pub header: Option<String>,
}

/// What an upload will do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The job.
    pub job: JobView,
    /// The file's headers as written.
    pub headers: Vec<String>,
    /// Each column of the kind and the header feeding it.
    pub fields: Vec<FieldChoice>,
    /// True when the headers are those of docs/metrics.md (no mapping needed).
    pub standard: bool,
    /// The first rows as they will be read: line and one value per mapped column (in `fields` order).
    pub sample: Vec<(u64, Vec<String>)>,
    /// Rows in the file.
    pub rows: u64,
    /// Rows that will create a record (when the file is valid).
    pub new: u64,
    /// Rows that will update a record (when the file is valid).
    pub updated: u64,
    /// What is wrong with the file, if anything (nothing would be written).
    pub problems: Option<ImportProblems>,
    /// New clients that would fall inside another client's exclusivity
    /// (issue 16; the import runs all the same).
    pub exclusivity: ExclusivityWarnings,
}

/// Reads a waiting upload with its mapping, without writing: the first
/// rows, the rows that will create or update records (by their natural
/// keys), or the problems that would refuse it.
pub async fn preview(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ImportJobId,
    settings: &UploadSettings,
) -> AppResult<Preview> {
    const SAMPLE: usize = 5;
    let view = job_view(store, ws, id).await?;
    let job = store.import_job(ws, id).await?;
    let kind = kind_of(&job)?;
    let map = map_of(kind, &job);
    let path = PathBuf::from(&job.upload_path);
    let limits = settings.limits;
    let read_map = map.clone();
    let (peeked, parsed) = tokio::task::spawn_blocking(move || {
        let peeked = peek(&path, &limits, SAMPLE);
        let parsed = imports::read_file_mapped(kind, &path, &limits, &read_map);
        (peeked, parsed)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let peeked = match peeked {
        Ok(p) => p,
        Err(e) => {
            return Ok(Preview {
                problems: problems_of(&e, &job.upload_path, &job.file_name),
                job: view,
                headers: Vec::new(),
                fields: Vec::new(),
                standard: false,
                sample: Vec::new(),
                rows: 0,
                new: 0,
                updated: 0,
                exclusivity: ExclusivityWarnings::default(),
            })
        }
    };
    let normals: Vec<String> = peeked.headers.iter().map(|h| normal(h)).collect();
    let fields: Vec<FieldChoice> = kind
        .columns()
        .iter()
        .map(|&(column, required)| FieldChoice {
            column,
            required,
            header: map.header_for(column).map(str::to_string).or_else(|| {
                map.is_empty()
                    .then(|| normals.iter().position(|n| *n == normal(column)))
                    .flatten()
                    .map(|i| peeked.headers[i].clone())
            }),
        })
        .collect();
    let standard = kind
        .columns()
        .iter()
        .filter(|(_, required)| *required)
        .all(|(c, _)| normals.contains(&normal(c)));
    let index: Vec<Option<usize>> = fields
        .iter()
        .map(|f| {
            let h = normal(f.header.as_deref()?);
            normals.iter().position(|n| *n == h)
        })
        .collect();
    let sample = peeked
        .rows
        .iter()
        .map(|(line, values)| {
            let shown = index
                .iter()
                .map(|i| i.and_then(|i| values.get(i).cloned()).unwrap_or_default())
                .collect();
            (*line, shown)
        })
        .collect();
    let (mut new, mut updated, mut problems) = (0, 0, None);
    let mut exclusivity = ExclusivityWarnings::default();
    match parsed {
        // Usage rows add to totals: every valid row is new; the whole check
        // (days, values, clients, metrics) runs now, as the import will.
        Ok(ParsedImport::Usage(rows)) => {
            match crate::usage::check_rows(store, ws, &rows, Utc::now().date_naive()).await {
                Ok(events) => new = events.len() as u64,
                Err(e) => match problems_of(&e, &job.upload_path, &job.file_name) {
                    Some(p) => problems = Some(p),
                    None => return Err(e),
                },
            }
        }
        Ok(parsed) => {
            let existing: HashSet<String> = store
                .import_keys(ws, kind.as_str())
                .await?
                .into_iter()
                .collect();
            let missing = unknown_customers(store, ws, &parsed).await?;
            exclusivity =
                crate::exclusivity_warnings::of_import(store, ws, &parsed, Utc::now().date_naive())
                    .await?;
            if missing.is_empty() {
                for key in keys(&parsed) {
                    if existing.contains(&key) {
                        updated += 1;
                    } else {
                        new += 1;
                    }
                }
            } else {
                let total = missing.len() as u64;
                problems = Some(ImportProblems {
                    problems: missing
                        .into_iter()
                        .take(churnwise_ingest::MAX_SHOWN)
                        .map(|(line, customer)| RowProblem {
                            line,
                            column: map
                                .header_for("customer_id")
                                .unwrap_or("customer_id")
                                .to_string(),
                            reason: format!(
                                "{customer:?} is not a known customer (import customers first)"
                            ),
                        })
                        .collect(),
                    total,
                });
            }
        }
        Err(e) => problems = problems_of(&e, &job.upload_path, &job.file_name),
    }
    Ok(Preview {
        job: view,
        headers: peeked.headers,
        fields,
        standard,
        sample,
        rows: peeked.total_rows,
        new,
        updated,
        problems,
        exclusivity,
    })
}

/// The natural key of each row, as [`Store::import_keys`] gives them.
fn keys(parsed: &ParsedImport) -> Vec<String> {
    match parsed {
        ParsedImport::Customers(rows, _) => rows.iter().map(|r| r.external_id.clone()).collect(),
        ParsedImport::Subscriptions(rows) => rows
            .iter()
            .map(|r| format!("{}\u{1f}{}", r.subscription_ref, r.started_on))
            .collect(),
        ParsedImport::Invoices(rows) => rows.iter().map(|r| r.invoice_ref.clone()).collect(),
        ParsedImport::Contacts(rows) => rows
            .iter()
            .map(|r| churnwise_store::contact_key(&r.customer_ref, &r.name, r.email.as_deref()))
            .collect(),
        // A work entry has no key of its own: every row counts as new.
        ParsedImport::Work(rows) => rows
            .iter()
            .map(|r| format!("work\u{1f}{}", r.line))
            .collect(),
        ParsedImport::Interactions(rows) => rows
            .iter()
            .map(|r| {
                churnwise_store::interaction_key(
                    &r.customer_ref,
                    &r.kind,
                    r.occurred_on,
                    r.author.as_deref(),
                    r.note.as_deref(),
                )
            })
            .collect(),
        ParsedImport::Usage(_) => Vec::new(),
    }
}

/// Rows naming a customer the workspace does not have: `(line, customer)`.
async fn unknown_customers(
    store: &dyn Store,
    ws: WorkspaceId,
    parsed: &ParsedImport,
) -> AppResult<Vec<(u64, String)>> {
    let refs: Vec<(u64, &str)> = match parsed {
        ParsedImport::Customers(..) | ParsedImport::Usage(_) => return Ok(Vec::new()),
        ParsedImport::Subscriptions(rows) => rows
            .iter()
            .map(|r| (r.line, r.customer_ref.as_str()))
            .collect(),
        ParsedImport::Invoices(rows) => rows
            .iter()
            .map(|r| (r.line, r.customer_ref.as_str()))
            .collect(),
        ParsedImport::Contacts(rows) => rows
            .iter()
            .map(|r| (r.line, r.customer_ref.as_str()))
            .collect(),
        ParsedImport::Interactions(rows) => rows
            .iter()
            .map(|r| (r.line, r.customer_ref.as_str()))
            .collect(),
        ParsedImport::Work(rows) => rows
            .iter()
            .map(|r| (r.line, r.customer_id.as_str()))
            .collect(),
    };
    let known: HashSet<String> = store
        .import_keys(ws, "customers")
        .await?
        .into_iter()
        .collect();
    Ok(refs
        .into_iter()
        .filter(|(_, c)| !known.contains(*c))
        .map(|(l, c)| (l, c.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_left_waiting_a_day_are_swept_and_recent_ones_kept() {
        let dir =
            std::env::temp_dir().join(format!("churnwise-sweep-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let old = dir.join("upload-1-aa.csv");
        let recent = dir.join("upload-1-bb.csv");
        let other = dir.join("notes.txt");
        for path in [&old, &recent, &other] {
            std::fs::write(path, "customer_id,name\n").unwrap();
        }
        let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(48 * 3600);
        for path in [&old, &other] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(two_days_ago)
                .unwrap();
        }
        assert_eq!(sweep_stale_uploads(&dir, STALE_UPLOAD_AGE), 1);
        assert!(!old.exists());
        assert!(recent.exists());
        assert!(other.exists(), "only uploads are swept");
        assert_eq!(sweep_stale_uploads(&dir, STALE_UPLOAD_AGE), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
