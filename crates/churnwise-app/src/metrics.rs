//! Metrics from a workspace's stored rows (spec/metrics.md, database
//! mode): the question checked into engine options, the rows turned into
//! the engine's input, and the document computed off the async runtime.

use crate::error::{AppError, AppResult};
use churnwise_domain::{parse_date, parse_month, FieldProblem};
use churnwise_metrics::{InputBuilder, MetricsInput, MetricsOptions, MetricsReport};
use churnwise_store::{MetricsData, Store, WorkspaceId};

/// The question: which months, as of which day, with which settings (the
/// API's query and the CLI's flags, unchecked).
#[derive(Debug, Clone, Default)]
pub struct MetricsQuestion {
    /// First month, YYYY-MM (required).
    pub from: Option<String>,
    /// Last month, YYYY-MM (required).
    pub to: Option<String>,
    /// Day the figures are computed as of, YYYY-MM-DD (default today).
    pub as_of: Option<String>,
    /// Days of grace after the due date (default 30).
    pub grace_days: Option<u32>,
    /// Monthly churn benchmark in percent (default 7).
    pub benchmark: Option<f64>,
    /// Months to forecast (default 6).
    pub forecast_months: Option<u32>,
    /// Survival by `segment`, `owner` or `plan` (default none).
    pub survival_by: Option<String>,
}

impl MetricsQuestion {
    /// Validates the query into engine options, naming every bad parameter.
    pub fn into_options(self, today: chrono::NaiveDate) -> AppResult<MetricsOptions> {
        let mut errors = Vec::new();
        let mut month = |field: &str, v: Option<&str>| match v {
            None => {
                errors.push((field.to_string(), "is required (YYYY-MM)".to_string()));
                None
            }
            Some(t) => parse_month(t)
                .map_err(|e| errors.push((field.to_string(), e.to_string())))
                .ok(),
        };
        let from = month("from", self.from.as_deref());
        let to = month("to", self.to.as_deref());
        let as_of = match self.as_of.as_deref() {
            None | Some("") => Some(today),
            Some(t) => parse_date(t)
                .map_err(|e| errors.push(("as_of".to_string(), e.to_string())))
                .ok(),
        };
        let survival_by = match self.survival_by.as_deref() {
            None | Some("") => Some(None),
            Some(t) => match churnwise_metrics::SurvivalBy::parse(t) {
                Some(by) => Some(Some(by)),
                None => {
                    errors.push((
                        "survival_by".to_string(),
                        "must be one of segment, owner, plan".to_string(),
                    ));
                    None
                }
            },
        };
        let (Some(from), Some(to), Some(as_of), Some(survival_by)) = (from, to, as_of, survival_by)
        else {
            return Err(AppError::Invalid(
                errors
                    .into_iter()
                    .map(|(field, message)| FieldProblem { field, message })
                    .collect(),
            ));
        };
        let mut options = MetricsOptions::new(from, to, as_of);
        options.survival_by = survival_by;
        if let Some(g) = self.grace_days {
            options.grace_days = g;
        }
        if let Some(b) = self.benchmark {
            options.benchmark_pct = b;
        }
        if let Some(f) = self.forecast_months {
            options.forecast_months = f;
        }
        // The question's parameters are `from` and `to` (the engine's own
        // message names the CLI's flags, which the CLI keeps).
        options.validate().map_err(|e| match e {
            churnwise_metrics::OptionsError::FromAfterTo { from, to } => {
                AppError::field("from", format!("from ({from}) is after to ({to})"))
            }
            churnwise_metrics::OptionsError::BadBenchmark => {
                AppError::field("benchmark", e.to_string())
            }
        })?;
        crate::bounds::check_metrics_options(&options)?;
        Ok(options)
    }
}

/// The engine's input from a workspace's stored rows. A workspace without
/// any invoice gets `null` non-payment figures, as file mode without an
/// invoices file does.
pub fn metrics_input(data: MetricsData) -> MetricsInput {
    let mut builder = InputBuilder::new();
    // Clients are named by index: their integer ids are never turned into
    // text and hashed (2.4M times at 1M customers).
    let mut index: std::collections::HashMap<i64, u32> =
        std::collections::HashMap::with_capacity(data.customers.len());
    for c in &data.customers {
        let i = builder.indexed_customer_in_segment(
            c.owner.as_deref().unwrap_or(""),
            c.segment.as_deref().unwrap_or(""),
        );
        index.insert(c.id.0, i);
    }
    let plans: Vec<u32> = data
        .plans
        .iter()
        .map(|plan| builder.plan_index(plan))
        .collect();
    let no_plan = builder.plan_index("");
    for s in &data.segments {
        // A segment of a client not read (none: the store keeps keys) would
        // be a customer of its own, without owner, as file mode declares it.
        let customer = match index.get(&s.client.0) {
            Some(&i) => i,
            None => builder.customer_index(&s.client.0.to_string()),
        };
        let plan = plans.get(s.plan as usize).copied().unwrap_or(no_plan);
        builder.indexed_segment(customer, plan, s.mrr, s.started_on, s.ended_on);
    }
    for i in &data.invoices {
        builder.invoice_group(
            i.amount,
            i.due_on,
            i.paid_on,
            u32::try_from(i.count).unwrap_or(u32::MAX),
        );
    }
    builder.build()
}

/// The metrics documents last computed, kept per process and keyed by the
/// workspace's data version (`Store::data_version`, moved by triggers on
/// every write to clients, subscriptions or invoices, from any process): a
/// repeated question costs one small query, and a write is seen on the next
/// one. One entry per workspace and question, replaced when the version
/// moves; at most `capacity` entries (the oldest used goes first).
pub struct MetricsCache {
    entries: std::sync::Mutex<Vec<CacheEntry>>,
    capacity: usize,
    /// The statuses reconciled with the customers on a day (the
    /// dashboard's, issue 14), read from the same rows and kept with the
    /// same key: (workspace, day, data version, answer), the newest last.
    reconciled: std::sync::Mutex<Vec<Reconciled>>,
}

/// A reconciliation kept by [`MetricsCache`].
type Reconciled = (
    WorkspaceId,
    chrono::NaiveDate,
    String,
    crate::status::StatusReconciliation,
);

struct CacheEntry {
    ws: WorkspaceId,
    question: String,
    version: String,
    report: std::sync::Arc<MetricsReport>,
}

impl MetricsCache {
    /// A cache of at most `capacity` documents (0 keeps none).
    pub fn new(capacity: usize) -> Self {
        MetricsCache {
            entries: std::sync::Mutex::new(Vec::new()),
            capacity,
            reconciled: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The reconciliation of `ws` on `day` kept at data `version`.
    pub(crate) fn reconciled(
        &self,
        ws: WorkspaceId,
        day: chrono::NaiveDate,
        version: &str,
    ) -> Option<crate::status::StatusReconciliation> {
        let kept = self.reconciled.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .find(|(w, d, v, _)| *w == ws && *d == day && v == version)
            .map(|(_, _, _, r)| *r)
    }

    /// Keeps the reconciliation of `ws` on `day` at data `version`, in
    /// place of the workspace's older ones.
    pub(crate) fn keep_reconciled(
        &self,
        ws: WorkspaceId,
        day: chrono::NaiveDate,
        version: String,
        answer: crate::status::StatusReconciliation,
    ) {
        if self.capacity == 0 {
            return;
        }
        let mut kept = self.reconciled.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|(w, d, _, _)| !(*w == ws && *d == day));
        if kept.len() >= self.capacity {
            kept.remove(0);
        }
        kept.push((ws, day, version, answer));
    }

    fn get(&self, ws: WorkspaceId, question: &str, version: &str) -> Option<MetricsReport> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let at = entries
            .iter()
            .position(|e| e.ws == ws && e.question == question && e.version == version)?;
        // Most recently used last.
        let entry = entries.remove(at);
        let report = MetricsReport::clone(&entry.report);
        entries.push(entry);
        Some(report)
    }

    fn put(&self, ws: WorkspaceId, question: String, version: String, report: &MetricsReport) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|e| !(e.ws == ws && e.question == question));
        if entries.len() >= self.capacity {
            entries.remove(0);
        }
        entries.push(CacheEntry {
            ws,
            question,
            version,
            report: std::sync::Arc::new(report.clone()),
        });
    }
}

impl Default for MetricsCache {
    /// Room for 32 documents.
    fn default() -> Self {
        MetricsCache::new(32)
    }
}

/// Computes the metrics document of a workspace, or takes it from `cache`
/// when the workspace's data has not changed since it was computed for the
/// same question.
pub async fn workspace_report(
    store: &dyn Store,
    cache: &MetricsCache,
    ws: WorkspaceId,
    options: &MetricsOptions,
) -> AppResult<MetricsReport> {
    // The version is read before the rows: a write landing in between makes
    // the entry look older than its data, so it is recomputed, never stale.
    let version = store.data_version(ws).await?;
    let question = format!("{options:?}");
    if let Some(report) = cache.get(ws, &question, &version) {
        return Ok(report);
    }
    let report = compute_report(store, ws, options).await?;
    cache.put(ws, question, version, &report);
    Ok(report)
}

/// Computes the metrics document of a workspace from its stored rows.
pub async fn compute_report(
    store: &dyn Store,
    ws: WorkspaceId,
    options: &MetricsOptions,
) -> AppResult<MetricsReport> {
    let data = store.metrics_data(ws).await?;
    let options = options.clone();
    tokio::task::spawn_blocking(move || {
        churnwise_metrics::compute(&metrics_input(data), &options)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("metrics task failed: {e}")))?
}
