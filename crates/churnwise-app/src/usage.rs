//! Usage (issue 18): events from the team's product or tools summed into
//! daily totals per client and metric (`POST /api/v1/usage`,
//! `churnwise import usage FILE`), and the workspace's usage metrics. A
//! batch is all or nothing: every bad event is named, and nothing is stored
//! unless every event is good. See docs/usage.md.

use crate::error::{AppError, AppResult};
use churnwise_domain::parse_date;
use churnwise_domain::registry::FieldProblem;
use churnwise_store::{
    ClientId, Date, Store, Timestamp, UsageEvent, UsageMetric, UsageRecorded, WorkspaceId,
};
use serde_json::Value;
use std::collections::HashSet;

/// How far back an event may be dated, in days; the ids of events sent
/// with one are kept as long (then pruned by the scheduler), so a replay
/// within that time counts once and an older one is refused by its date.
pub const KEEP_DAYS: u64 = 400;
/// The most events one request or file may carry.
pub const MAX_EVENTS: usize = 10_000;
/// The largest value one event may add.
pub const MAX_VALUE: i64 = 1_000_000_000;
/// The longest metric key.
pub const MAX_KEY_LEN: usize = 64;
/// The longest event id.
pub const MAX_ID_LEN: usize = 200;
/// The longest metric label.
pub const MAX_LABEL_LEN: usize = 100;
/// Most usage metrics a workspace keeps (new keys beyond it are refused),
/// so the metrics list and the per-client signal stay bounded.
pub const MAX_METRICS: usize = 100;

/// The fields an event may have.
const FIELDS: [&str; 6] = ["client", "metric", "on", "at", "value", "id"];

/// Checks a metric key: lowercase letters, digits, `_`, `.` and `-`, 1 to
/// 64 characters.
pub fn check_metric_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("is required".into());
    }
    if key.len() > MAX_KEY_LEN {
        return Err(format!("is longer than {MAX_KEY_LEN} characters"));
    }
    if !key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(format!(
            "{key:?} may hold only lowercase letters, digits, `_`, `.` and `-`"
        ));
    }
    Ok(())
}

/// One event checked for its shape, its client not yet found.
struct Shaped {
    client: String,
    metric: String,
    on: Date,
    value: i64,
    id: Option<String>,
}

fn text<'a>(event: &'a Value, field: &str) -> Result<Option<&'a str>, String> {
    match event.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim())),
        Some(other) => Err(format!("{other} is not a text")),
    }
}

/// Checks one event; each problem as (field, reason).
fn shape(event: &Value, today: Date) -> Result<Shaped, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let Some(object) = event.as_object() else {
        return Err(vec![("client".into(), "the event is not an object".into())]);
    };
    for key in object.keys() {
        if !FIELDS.contains(&key.as_str()) {
            problems.push((
                key.clone(),
                "is not a field of an event (client, metric, on or at, value, id)".into(),
            ));
        }
    }
    let required =
        |field: &'static str, problems: &mut Vec<(String, String)>| match text(event, field) {
            Ok(Some(t)) => Some(t.to_string()),
            Ok(None) => {
                problems.push((field.to_string(), "is required".into()));
                None
            }
            Err(e) => {
                problems.push((field.to_string(), e));
                None
            }
        };
    let client = required("client", &mut problems);
    let metric = required("metric", &mut problems);
    if let Some(m) = &metric {
        if let Err(e) = check_metric_key(m) {
            problems.push(("metric".to_string(), e));
        }
    }
    let on = match (text(event, "on"), text(event, "at")) {
        (Err(e), _) => {
            problems.push(("on".to_string(), e));
            None
        }
        (_, Err(e)) => {
            problems.push(("at".to_string(), e));
            None
        }
        (Ok(Some(_)), Ok(Some(_))) => {
            problems.push((
                "on".to_string(),
                "give `on` (a date) or `at` (a timestamp), not both".into(),
            ));
            None
        }
        (Ok(None), Ok(None)) => {
            problems.push((
                "on".to_string(),
                "is required (a date, or `at` with a timestamp)".into(),
            ));
            None
        }
        (Ok(Some(day)), Ok(None)) => match parse_date(day) {
            Ok(d) => Some(("on", d)),
            Err(e) => {
                problems.push(("on".to_string(), e.to_string()));
                None
            }
        },
        (Ok(None), Ok(Some(at))) => match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(t) => Some(("at", t.with_timezone(&chrono::Utc).date_naive())),
            Err(_) => {
                problems.push((
                    "at".to_string(),
                    format!("{at:?} is not an RFC 3339 timestamp (2026-11-03T09:30:00Z)"),
                ));
                None
            }
        },
    };
    let on = on.and_then(|(field, day)| {
        if day > today + chrono::Days::new(1) {
            problems.push((field.to_string(), format!("{day} is in the future")));
            None
        } else if day < today - chrono::Days::new(KEEP_DAYS) {
            problems.push((
                field.to_string(),
                format!("{day} is more than {KEEP_DAYS} days ago; usage that old is not taken"),
            ));
            None
        } else {
            Some(day)
        }
    });
    let value = match event.get("value") {
        None | Some(Value::Null) => Some(1),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(v) if (0..=MAX_VALUE).contains(&v) => Some(v),
            _ => {
                problems.push((
                    "value".to_string(),
                    format!("{n} is not a whole number from 0 to {MAX_VALUE}"),
                ));
                None
            }
        },
        Some(other) => {
            problems.push((
                "value".to_string(),
                format!("{other} is not a whole number from 0 to {MAX_VALUE}"),
            ));
            None
        }
    };
    let id = match text(event, "id") {
        Ok(Some(id)) if id.chars().count() > MAX_ID_LEN => {
            problems.push((
                "id".to_string(),
                format!("is longer than {MAX_ID_LEN} characters"),
            ));
            None
        }
        Ok(id) => id.map(str::to_string),
        Err(e) => {
            problems.push(("id".to_string(), e));
            None
        }
    };
    match (client, metric, on, value) {
        (Some(client), Some(metric), Some(on), Some(value)) if problems.is_empty() => Ok(Shaped {
            client,
            metric,
            on,
            value,
            id,
        }),
        _ => Err(problems),
    }
}

/// Adds a batch of usage events sent through the API (`events` as sent):
/// at most [`MAX_EVENTS`]; each needs `client` (the client's external id),
/// `metric` (a key), `on` (a date) or `at` (an RFC 3339 timestamp, its UTC
/// date taken), and may have `value` (a whole number, 1 when absent) and
/// `id` (an event sent again with the same id counts once). Every bad event
/// is named as `events[3].on`; then nothing is stored.
pub async fn ingest(
    store: &dyn Store,
    ws: WorkspaceId,
    events: &[Value],
    now: Timestamp,
) -> AppResult<UsageRecorded> {
    ingest_named(store, ws, events, MAX_EVENTS, now, |index, field| {
        format!("events[{index}].{field}")
    })
    .await
}

/// [`ingest`] with at most `max_events` and problems named by
/// `name(index, field)` (the command line names them `FILE:LINE: column`
/// and takes a whole file at once).
pub async fn ingest_named(
    store: &dyn Store,
    ws: WorkspaceId,
    events: &[Value],
    max_events: usize,
    now: Timestamp,
    name: impl Fn(usize, &str) -> String,
) -> AppResult<UsageRecorded> {
    match check_events(store, ws, events, max_events, now.date_naive()).await? {
        Ok(checked) => Ok(store.record_usage(ws, &checked).await?),
        Err(problems) => Err(AppError::Invalid(
            problems
                .into_iter()
                .map(|(index, field, reason)| FieldProblem::new(name(index, &field), reason))
                .collect(),
        )),
    }
}

/// Checks a batch without storing it: the events ready to store, or every
/// problem as (index of the event, field, reason), in the order of the
/// events.
async fn check_events(
    store: &dyn Store,
    ws: WorkspaceId,
    events: &[Value],
    max_events: usize,
    today: Date,
) -> AppResult<Result<Vec<UsageEvent>, Vec<(usize, String, String)>>> {
    if events.len() > max_events {
        return Err(AppError::field(
            "events",
            format!(
                "holds {} events; send at most {max_events} at a time",
                events.len()
            ),
        ));
    }
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    let mut shaped = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        match shape(event, today) {
            Ok(s) => shaped.push((index, s)),
            Err(found) => problems.extend(
                found
                    .into_iter()
                    .map(|(field, reason)| (index, field, reason)),
            ),
        }
    }
    let external: Vec<String> = shaped
        .iter()
        .map(|(_, s)| s.client.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let clients = store.clients_by_external_id(ws, &external).await?;
    let mut known: HashSet<String> = store
        .usage_metrics(ws)
        .await?
        .into_iter()
        .map(|m| m.key)
        .collect();
    let mut checked = Vec::with_capacity(shaped.len());
    for (index, s) in shaped {
        if !known.contains(&s.metric) {
            if known.len() >= MAX_METRICS {
                problems.push((
                    index,
                    "metric".into(),
                    format!(
                        "{:?} would be a new metric, and the workspace already has \
                         {MAX_METRICS}, the most it keeps",
                        s.metric
                    ),
                ));
                continue;
            }
            known.insert(s.metric.clone());
        }
        let Some(client) = clients.get(&s.client).copied() else {
            problems.push((
                index,
                "client".into(),
                format!("no client has the external id {:?}", s.client),
            ));
            continue;
        };
        checked.push(UsageEvent {
            client,
            metric: s.metric,
            on: s.on,
            value: s.value,
            id: s.id,
        });
    }
    if problems.is_empty() {
        Ok(Ok(checked))
    } else {
        // In the order of the events (a stable sort keeps each event's own order).
        problems.sort_by_key(|(index, ..)| *index);
        Ok(Err(problems))
    }
}

/// The most rows one usage file may hold (one transaction).
pub const MAX_FILE_ROWS: usize = 1_000_000;

/// The columns of a usage file, with whether each is required (`on` or
/// `at` is: one of them must be there), in the order the import page shows them.
pub const FILE_COLUMNS: [(&str, bool); 6] = [
    ("client", true),
    ("metric", true),
    ("on", false),
    ("value", false),
    ("at", false),
    ("id", false),
];

/// The rows of a usage file as events (as the API takes them), with the
/// line of each and the file's own header feeding each column.
#[derive(Debug, Clone, Default)]
pub struct UsageRows {
    /// The file name as the user gave it.
    pub file: String,
    /// One event per row.
    pub events: Vec<Value>,
    /// The physical line of each row (the header is line 1).
    pub lines: Vec<u64>,
    /// `(column, header as written)` for each column the file has.
    headers: Vec<(String, String)>,
}

impl UsageRows {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when the file has no row.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The file's header feeding `column`, or the column's own name.
    pub fn header_of<'a>(&'a self, column: &'a str) -> &'a str {
        self.headers
            .iter()
            .find(|(c, _)| c == column)
            .map_or(column, |(_, h)| h.as_str())
    }
}

fn file_problems(file: &str, mut found: Vec<(u64, String, String)>) -> AppError {
    found.sort_by_key(|(line, ..)| *line);
    let total = found.len();
    AppError::File(churnwise_ingest::IngestError::Problems(
        churnwise_ingest::InputProblems {
            shown: found
                .into_iter()
                .take(churnwise_ingest::MAX_SHOWN)
                .map(|(line, column, reason)| churnwise_ingest::Problem {
                    file: file.to_string(),
                    line,
                    column,
                    reason,
                })
                .collect(),
            total,
        },
    ))
}

/// Reads a usage file (CSV, or the first sheet of an `.xlsx` workbook)
/// within `limits`, at most [`MAX_FILE_ROWS`] rows, into events; `file` is
/// the name problems give it. With an empty `map` the headers must be the
/// columns of [`FILE_COLUMNS`] (another header is refused); with one, each
/// column is read from its mapped header (or a header named like it) and
/// the other headers are left alone. A header problem is
/// [`AppError::File`] naming line 1; the rows themselves are checked by
/// [`import_rows`]. CPU-bound: call it off the async runtime.
pub fn read_rows(
    path: &std::path::Path,
    file: &str,
    limits: &churnwise_ingest::ReadLimits,
    map: &churnwise_ingest::HeaderMap,
) -> AppResult<UsageRows> {
    let peeked = churnwise_ingest::peek(path, limits, MAX_FILE_ROWS)
        .map_err(|e| AppError::File(churnwise_ingest::IngestError::Read(e)))?;
    if peeked.total_rows > MAX_FILE_ROWS as u64 {
        return Err(file_problems(
            file,
            vec![(
                0,
                String::new(),
                format!("holds more than {MAX_FILE_ROWS} rows; split it into smaller files"),
            )],
        ));
    }
    let normal = |h: &str| h.trim().to_lowercase();
    let mut problems = Vec::new();
    // The column each header feeds, if any.
    let columns: Vec<Option<String>> = peeked
        .headers
        .iter()
        .map(|h| {
            if map.is_empty() {
                let h = normal(h);
                if FIELDS.contains(&h.as_str()) {
                    Some(h)
                } else {
                    problems.push((
                        1,
                        h,
                        "is not a column of a usage file (client, metric, on, value, id, at)"
                            .into(),
                    ));
                    None
                }
            } else if let Some((column, _)) = map
                .pairs()
                .iter()
                .find(|(_, mapped)| normal(mapped) == normal(h))
            {
                Some(column.clone())
            } else {
                let h = normal(h);
                (FIELDS.contains(&h.as_str()) && map.header_for(&h).is_none()).then_some(h)
            }
        })
        .collect();
    let has = |c: &str| columns.iter().any(|x| x.as_deref() == Some(c));
    for required in ["client", "metric"] {
        if !has(required) {
            problems.push((1, required.to_string(), "the column is missing".into()));
        }
    }
    if !has("on") && !has("at") {
        problems.push((1, "on".to_string(), "the column is missing".into()));
    }
    if !problems.is_empty() {
        return Err(file_problems(file, problems));
    }
    let headers = columns
        .iter()
        .zip(&peeked.headers)
        .filter_map(|(c, h)| c.as_ref().map(|c| (c.clone(), h.trim().to_string())))
        .collect();
    let mut events = Vec::with_capacity(peeked.rows.len());
    let mut lines = Vec::with_capacity(peeked.rows.len());
    for (line, values) in peeked.rows {
        let mut event = serde_json::Map::new();
        for (column, cell) in columns.iter().zip(values) {
            let Some(column) = column else { continue };
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let value = if column == "value" {
                cell.parse::<i64>()
                    .map_or_else(|_| Value::String(cell.into()), Value::from)
            } else {
                Value::String(cell.into())
            };
            event.insert(column.clone(), value);
        }
        events.push(Value::Object(event));
        lines.push(line);
    }
    Ok(UsageRows {
        file: file.to_string(),
        events,
        lines,
        headers,
    })
}

/// Checks the rows of a usage file without storing them: the events ready
/// to store, or [`AppError::File`] naming every bad row by its line and the
/// file's own header.
pub async fn check_rows(
    store: &dyn Store,
    ws: WorkspaceId,
    rows: &UsageRows,
    today: Date,
) -> AppResult<Vec<UsageEvent>> {
    match check_events(store, ws, &rows.events, MAX_FILE_ROWS, today).await? {
        Ok(events) => Ok(events),
        Err(problems) => Err(file_problems(
            &rows.file,
            problems
                .into_iter()
                .map(|(index, field, reason)| {
                    (
                        rows.lines.get(index).copied().unwrap_or(0),
                        rows.header_of(&field).to_string(),
                        reason,
                    )
                })
                .collect(),
        )),
    }
}

/// Stores the rows of a usage file, all or nothing (every bad row named as
/// [`check_rows`] does, and then nothing is stored); an accepted file is
/// written to the audit log as `import.usage` by `actor`. The command line
/// and the browser import both come here.
pub async fn import_rows(
    store: &dyn Store,
    ws: WorkspaceId,
    rows: &UsageRows,
    now: Timestamp,
    actor: &crate::audit::Actor,
) -> AppResult<UsageRecorded> {
    let checked = check_rows(store, ws, rows, now.date_naive()).await?;
    let done = store.record_usage(ws, &checked).await?;
    let name = std::path::Path::new(&rows.file)
        .file_name()
        .map_or_else(|| rows.file.clone(), |n| n.to_string_lossy().into_owned());
    let detail = format!(
        "{name}: {} events, {} duplicates skipped, {} new metrics",
        done.accepted, done.duplicates, done.new_metrics
    );
    crate::audit::record(
        store,
        ws,
        actor,
        crate::audit::Action::UsageImported,
        crate::audit::Subject::Import,
        &detail,
    )
    .await?;
    Ok(done)
}

/// Imports the usage file at `path` (columns client, metric, on, value;
/// optional id and at), all or nothing: every bad row is named
/// `FILE:LINE: column: reason`, and then nothing is stored. An accepted
/// file is written to the audit log as `import.usage` by `actor`.
pub async fn import_file(
    store: &dyn Store,
    ws: WorkspaceId,
    path: &std::path::Path,
    file: &str,
    now: Timestamp,
    actor: &crate::audit::Actor,
) -> AppResult<UsageRecorded> {
    let rows = {
        let (path, name) = (path.to_path_buf(), file.to_string());
        tokio::task::spawn_blocking(move || {
            read_rows(
                &path,
                &name,
                &churnwise_ingest::ReadLimits::default(),
                &churnwise_ingest::HeaderMap::default(),
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))??
    };
    import_rows(store, ws, &rows, now, actor).await
}

/// Forgets the ids of events dated more than [`KEEP_DAYS`] before `today`
/// (events that old are refused, so no replay can count twice); returns
/// how many went.
pub async fn prune_event_ids(store: &dyn Store, today: Date) -> AppResult<u64> {
    Ok(store
        .prune_usage_event_ids(today - chrono::Days::new(KEEP_DAYS))
        .await?)
}

/// How long daily usage totals are kept, in days (two years): the health
/// signal reads one year, the reasons report a lost client's last 180 days.
pub const TOTALS_KEEP_DAYS: u64 = 730;

/// Deletes the daily usage totals (of every workspace) dated more than
/// [`TOTALS_KEEP_DAYS`] before `today`; returns how many went. The
/// scheduler runs it on every tick.
pub async fn prune_days(store: &dyn Store, today: Date) -> AppResult<u64> {
    Ok(store
        .prune_usage_days(today - chrono::Days::new(TOTALS_KEEP_DAYS))
        .await?)
}

/// The usage metrics of the workspace, by key.
pub async fn metrics(store: &dyn Store, ws: WorkspaceId) -> AppResult<Vec<UsageMetric>> {
    Ok(store.usage_metrics(ws).await?)
}

/// Names one metric in English and Spanish and says which way is better;
/// creates it when its key is new. Every bad value is named.
pub async fn put_metric(
    store: &dyn Store,
    ws: WorkspaceId,
    key: &str,
    label_en: &str,
    label_es: &str,
    higher_is_better: bool,
    actor: &crate::audit::Actor,
) -> AppResult<UsageMetric> {
    let mut problems = Vec::new();
    if let Err(e) = check_metric_key(key) {
        problems.push(FieldProblem::new("key", e));
    }
    for (field, label) in [("label_en", label_en), ("label_es", label_es)] {
        let label = label.trim();
        if label.is_empty() {
            problems.push(FieldProblem::new(field, "is required"));
        } else if label.chars().count() > MAX_LABEL_LEN {
            problems.push(FieldProblem::new(
                field,
                format!("is longer than {MAX_LABEL_LEN} characters"),
            ));
        }
    }
    if problems.is_empty() {
        let metrics = store.usage_metrics(ws).await?;
        if metrics.len() >= MAX_METRICS && !metrics.iter().any(|m| m.key == key) {
            problems.push(FieldProblem::new(
                "key",
                format!("would be a new metric, and the workspace already has {MAX_METRICS}, the most it keeps"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let metric = UsageMetric {
        key: key.to_string(),
        label_en: label_en.trim().to_string(),
        label_es: label_es.trim().to_string(),
        higher_is_better,
    };
    store.put_usage_metric(ws, &metric).await?;
    let way = if higher_is_better {
        "higher is better"
    } else {
        "lower is better"
    };
    crate::audit::record(
        store,
        ws,
        actor,
        crate::audit::Action::UsageMetricChanged,
        crate::audit::Subject::Workspace,
        &format!("{key}: {} / {} ({way})", metric.label_en, metric.label_es),
    )
    .await?;
    Ok(metric)
}

/// The daily totals of one client between two days (both included).
pub async fn days(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    from: Date,
    to: Date,
) -> AppResult<Vec<churnwise_store::UsageDay>> {
    Ok(store.usage_days(ws, client, from, to).await?)
}

/// A whole percent with its sign, in `lang`'s digits: `+12`, `−80`
/// (a true minus sign), `0`.
pub fn signed_pct(lang: churnwise_domain::Lang, pct: i64) -> String {
    if pct > 0 {
        format!("+{}", crate::i18n::integer(lang, pct))
    } else {
        crate::i18n::integer(lang, pct).replace('-', "−")
    }
}

/// Weeks a client's usage chart covers (a year back).
pub const CHART_WEEKS: usize = 53;

/// One metric of a client's usage, week by week.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MetricWeeks {
    /// The metric's key.
    pub key: String,
    /// Its name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// True when more use is better.
    pub higher_is_better: bool,
    /// The total of each week of [`ClientUsage::weeks`].
    pub totals: Vec<i64>,
    /// The total of the last 28 days (today included).
    pub last_28: i64,
    /// The total of the 28 days before those.
    pub previous_28: i64,
    /// The last day of use within the year, if any.
    pub last_used_on: Option<Date>,
}

impl MetricWeeks {
    /// Its name in `lang`.
    pub fn label(&self, lang: churnwise_domain::Lang) -> &str {
        lang.pick(&self.label_en, &self.label_es)
    }

    /// "Last 28 days: 56 (28 days before: 280) · −80 %", in `lang`.
    pub fn describe_recent(&self, lang: churnwise_domain::Lang) -> String {
        use crate::i18n::{self, ArgValue};
        let mut text = i18n::message(
            lang,
            "usage-last-28",
            &[
                ("now", ArgValue::Text(i18n::integer(lang, self.last_28))),
                (
                    "before",
                    ArgValue::Text(i18n::integer(lang, self.previous_28)),
                ),
            ],
        );
        if self.previous_28 > 0 {
            let pct = (self.last_28 - self.previous_28) * 100 / self.previous_28;
            let signed = signed_pct(lang, pct);
            text.push_str(" · ");
            text.push_str(&i18n::message(
                lang,
                "usage-change",
                &[
                    ("pct", ArgValue::Number(pct as f64)),
                    ("signed", ArgValue::Text(signed)),
                ],
            ));
        }
        text
    }
}

/// What a client uses, for its page and its retention plan: each metric it
/// used within the year, week by week, and the workspace's metrics it never
/// touched in that year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClientUsage {
    /// The Mondays starting each week, oldest first; the last is this week's.
    pub weeks: Vec<Date>,
    /// The metrics used within the year, by key.
    pub used: Vec<MetricWeeks>,
    /// The workspace's metrics the client did not use within the year.
    pub never_used: Vec<UsageMetric>,
}

impl ClientUsage {
    /// True when the workspace has no usage metrics at all (nothing to show).
    pub fn is_empty(&self) -> bool {
        self.used.is_empty() && self.never_used.is_empty()
    }

    /// The index of the week holding `day`, if the chart covers it.
    pub fn week_of(&self, day: Date) -> Option<usize> {
        let first = *self.weeks.first()?;
        let index = usize::try_from((day - first).num_days().div_euclid(7)).ok()?;
        (index < self.weeks.len()).then_some(index)
    }
}

/// One client's usage over the last [`CHART_WEEKS`] weeks (Monday to
/// Sunday, the last one this week, as of `today`), from the daily totals.
pub async fn client_usage(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    today: Date,
) -> AppResult<ClientUsage> {
    use chrono::Datelike;
    let monday = today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()));
    let first = monday - chrono::Days::new(7 * (CHART_WEEKS as u64 - 1));
    let weeks: Vec<Date> = (0..CHART_WEEKS as u64)
        .map(|w| first + chrono::Days::new(7 * w))
        .collect();
    let metrics = store.usage_metrics(ws).await?;
    if metrics.is_empty() {
        return Ok(ClientUsage {
            weeks,
            used: Vec::new(),
            never_used: Vec::new(),
        });
    }
    let days = store.usage_days(ws, client, first, today).await?;
    let window = chrono::Days::new(u64::from(churnwise_domain::health::USAGE_WINDOW_DAYS));
    let recent_after = today - window;
    let previous_after = recent_after - window;
    let mut used = Vec::new();
    let mut never_used = Vec::new();
    for m in metrics {
        let mut row = MetricWeeks {
            key: m.key.clone(),
            label_en: m.label_en.clone(),
            label_es: m.label_es.clone(),
            higher_is_better: m.higher_is_better,
            totals: vec![0; CHART_WEEKS],
            last_28: 0,
            previous_28: 0,
            last_used_on: None,
        };
        let mut any = false;
        for d in days.iter().filter(|d| d.metric == m.key) {
            let Ok(index) = usize::try_from((d.on - first).num_days() / 7) else {
                continue;
            };
            if let Some(total) = row.totals.get_mut(index) {
                *total = total.saturating_add(d.total);
            }
            if d.on > recent_after {
                row.last_28 = row.last_28.saturating_add(d.total);
            } else if d.on > previous_after {
                row.previous_28 = row.previous_28.saturating_add(d.total);
            }
            if d.total > 0 {
                any = true;
                row.last_used_on = row.last_used_on.max(Some(d.on));
            }
        }
        if any {
            used.push(row);
        } else {
            never_used.push(m);
        }
    }
    Ok(ClientUsage {
        weeks,
        used,
        never_used,
    })
}

/// A client's usage as the client list shows it: the metric that moved
/// most the wrong way in the last 28 days against the 28 before.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsageCell {
    /// The metric's name in English.
    pub label_en: String,
    /// Its name in Spanish.
    pub label_es: String,
    /// The total of the last 28 days.
    pub last_28: i64,
    /// The change against the 28 days before, in percent (signed; none
    /// without use in those days).
    pub change_pct: Option<i64>,
    /// True when the change goes the wrong way by at least the workspace's
    /// `usage_drop_pct` (a drop, or a rise of a lower-is-better metric).
    pub fading: bool,
}

impl UsageCell {
    /// The metric's name in `lang`.
    pub fn label(&self, lang: churnwise_domain::Lang) -> &str {
        lang.pick(&self.label_en, &self.label_es)
    }

    /// The change as shown, `−80 %` or `+12 %`, in `lang`; none without
    /// use in the 28 days before.
    pub fn change(&self, lang: churnwise_domain::Lang) -> Option<String> {
        self.change_pct
            .map(|p| format!("{} %", signed_pct(lang, p)))
    }
}

/// The usage cell of each of `clients` that has usage data, as of `today`:
/// of its metrics, the one whose change against the 28 days before goes
/// most the wrong way (a metric without those days counts as no change; the
/// first by key on a tie). One grouped query for the whole page.
pub async fn list_cells(
    store: &dyn Store,
    ws: WorkspaceId,
    clients: &[ClientId],
    today: Date,
) -> AppResult<std::collections::HashMap<ClientId, UsageCell>> {
    let trends = store.usage_trends_of(ws, today, clients).await?;
    if trends.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let drop_pct = i64::from(
        store
            .workspace_settings(ws)
            .await?
            .value
            .health
            .usage_drop_pct,
    );
    Ok(trends
        .into_iter()
        .filter_map(|(client, mut metrics)| {
            metrics.sort_by(|a, b| a.metric.cmp(&b.metric));
            let wrong_way = |t: &churnwise_domain::health::UsageTrend| -> (i64, Option<i64>) {
                let pct = (t.previous_28 > 0)
                    .then(|| (t.last_28 - t.previous_28).saturating_mul(100) / t.previous_28);
                let worse = pct.map_or(0, |p| if t.higher_is_better { -p } else { p });
                (worse, pct)
            };
            let mut best: Option<(i64, Option<i64>, &churnwise_domain::health::UsageTrend)> = None;
            for t in &metrics {
                let (worse, pct) = wrong_way(t);
                if best.is_none_or(|(b, ..)| worse > b) {
                    best = Some((worse, pct, t));
                }
            }
            best.map(|(worse, pct, t)| {
                (
                    client,
                    UsageCell {
                        label_en: t.label_en.clone(),
                        label_es: t.label_es.clone(),
                        last_28: t.last_28,
                        change_pct: pct,
                        fading: worse >= drop_pct,
                    },
                )
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::Lang;

    #[test]
    fn a_signed_percent_has_a_plus_or_a_true_minus() {
        assert_eq!(signed_pct(Lang::En, 12), "+12");
        assert_eq!(signed_pct(Lang::En, -80), "−80");
        assert_eq!(signed_pct(Lang::Es, 0), "0");
        assert_eq!(signed_pct(Lang::Es, -12), "−12");
    }

    #[test]
    fn a_list_cell_names_its_metric_and_change_in_each_language() {
        let cell = UsageCell {
            label_en: "Logins".into(),
            label_es: "Accesos".into(),
            last_28: 56,
            change_pct: Some(-80),
            fading: true,
        };
        assert_eq!(cell.label(Lang::Es), "Accesos");
        assert_eq!(cell.change(Lang::En).as_deref(), Some("−80 %"));
        let none = UsageCell {
            change_pct: None,
            ..cell
        };
        assert_eq!(none.change(Lang::En), None);
    }
}
