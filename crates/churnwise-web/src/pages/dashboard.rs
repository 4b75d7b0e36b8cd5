//! The dashboard: the churn figures of spec/metrics.md for a range of
//! months, computed by the same engine and call as `GET /api/v1/metrics`
//! (so the page and the API cannot disagree). Each chart carries its
//! numbers in a table one click away and a CSV download
//! (`/dashboard/{chart}.csv`, same range).

use super::charts::{Chart, Draw, Unit};
use super::{render, Chrome, PageAuth, PageError};
use crate::i18n;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use churnwise_app::metrics::workspace_report;
use churnwise_app::reports::{reasons_report, ReasonsRequest};
use churnwise_domain::reasons_matrix::{MatrixDimension, ReasonsMatrix};
use churnwise_domain::registry::ClientStatus;
use churnwise_domain::{parse_date, parse_month, Lang, Money, Month};
use churnwise_export::{csv_bytes, reasons_matrix_table, xlsx_bytes, Cell, CsvOptions, Table};
use churnwise_metrics::{MetricsOptions, MetricsReport};
use minijinja::context;
use serde::{Deserialize, Serialize};

/// The longest range the dashboard shows, in months.
const MAX_MONTHS: i32 = 60;

/// The range picker's query, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct RangeQuery {
    /// First month, `YYYY-MM`.
    #[serde(default)]
    pub from: String,
    /// Last month, `YYYY-MM`.
    #[serde(default)]
    pub to: String,
    /// Day the figures are computed as of, `YYYY-MM-DD` (default today).
    #[serde(default)]
    pub as_of: String,
}

impl RangeQuery {
    /// The day the figures are computed as of: today when the field is
    /// empty, else the date asked for, or the field's problem.
    fn as_of(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<chrono::NaiveDate, churnwise_domain::dates::DateError> {
        let text = self.as_of.trim();
        if text.is_empty() {
            return Ok(today);
        }
        parse_date(text)
    }
}

/// The months asked for: by default the twelve months up to the last
/// complete one. Returns the range and whether the query was refused.
fn range(query: &RangeQuery, today: chrono::NaiveDate) -> (Month, Month, bool) {
    let default_to = Month::of(today).plus(-1);
    let default = (default_to.plus(-11), default_to, false);
    if query.from.trim().is_empty() && query.to.trim().is_empty() {
        return default;
    }
    match (parse_month(&query.from), parse_month(&query.to)) {
        (Ok(from), Ok(to)) if from <= to && from.months_until(to) < MAX_MONTHS => (from, to, false),
        _ => (default.0, default.1, true),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

async fn report(
    state: &AppState,
    auth: &PageAuth,
    from: Month,
    to: Month,
    as_of: chrono::NaiveDate,
) -> Result<MetricsReport, PageError> {
    let mut options = MetricsOptions::new(from, to, as_of);
    options.benchmark_pct = state
        .store
        .workspace_settings(auth.ws())
        .await?
        .value
        .benchmark_pct;
    Ok(workspace_report(
        state.store.as_ref(),
        &state.metrics_cache,
        auth.ws(),
        &options,
    )
    .await?)
}

/// The reasons matrix of the range, by month: the same call as
/// `GET /api/v1/reports/reasons` (so the page and the API cannot disagree).
async fn reasons(
    state: &AppState,
    auth: &PageAuth,
    from: Month,
    to: Month,
) -> Result<ReasonsMatrix, PageError> {
    let request = ReasonsRequest {
        from,
        to,
        by: MatrixDimension::Month,
    };
    Ok(reasons_report(state.store.as_ref(), auth.ws(), request).await?)
}

/// One row of the table of lost clients' usage (issue 18): one reason and
/// one metric, the reason's cells spanning its metrics' rows.
#[derive(Debug, Serialize)]
struct ReasonUsageRow {
    reason: String,
    reason_label: String,
    /// Rows the reason's cells span (0 on the reason's later rows).
    span: usize,
    departures: u32,
    with_usage_data: u32,
    metric: String,
    metric_label: String,
    used: u32,
    stopped: u32,
    never: u32,
    compared: u32,
    median_change_pct: Option<i64>,
    change: String,
}

/// The usage of lost clients as table rows, for each reason with usage data.
fn reason_usage_rows(
    report: &churnwise_app::reasons_usage::ReasonsReport,
    lang: Lang,
) -> Vec<ReasonUsageRow> {
    let usage = &report.usage;
    let mut rows = Vec::new();
    for (column, reason) in report.matrix.reasons.iter().zip(&usage.reasons) {
        if reason.with_usage_data == 0 {
            continue;
        }
        for (i, (metric, m)) in usage.metrics.iter().zip(&reason.metrics).enumerate() {
            rows.push(ReasonUsageRow {
                reason: reason.reason.clone(),
                reason_label: column.label(lang).to_string(),
                span: if i == 0 { usage.metrics.len() } else { 0 },
                departures: reason.departures,
                with_usage_data: reason.with_usage_data,
                metric: m.key.clone(),
                metric_label: metric.label(lang).to_string(),
                used: m.used,
                stopped: m.stopped,
                never: m.never,
                compared: m.compared,
                median_change_pct: m.median_change_pct,
                change: m.median_change_pct.map_or_else(
                    || "—".to_string(),
                    |p| {
                        format!(
                            "{} % ({})",
                            churnwise_app::usage::signed_pct(lang, p),
                            i18n::message(
                                lang,
                                "reasons-usage-compared",
                                &[("count", i18n::ArgValue::Number(f64::from(m.compared)))],
                            )
                        )
                    },
                ),
            });
        }
    }
    rows
}

/// Departures by primary reason and month as stacked bars, with the
/// month's lost MRR as a line on a second axis. Without a departure in the
/// range the chart is empty (charts.js says so) rather than flat.
fn reasons_chart(m: &ReasonsMatrix, lang: Lang) -> Chart {
    let code = i18n::code(lang);
    if m.grand_total.departures == 0 {
        return Chart::xy(code, Unit::Count, Vec::new());
    }
    let months = m
        .rows
        .iter()
        .map(|r| i18n::month(lang, r.label.as_deref().unwrap_or("")))
        .collect();
    let mut chart = Chart::xy(code, Unit::Count, months);
    for (i, reason) in m.reasons.iter().enumerate() {
        chart = chart.with(
            reason.label(lang).to_string(),
            Draw::StackedBar,
            m.rows
                .iter()
                .map(|r| Some(f64::from(r.cells[i].departures)))
                .collect(),
        );
    }
    chart.with_second_axis(
        Unit::Money,
        msg(lang, "metric-lost-mrr"),
        Draw::Line,
        m.rows
            .iter()
            .map(|r| Some(units(r.total.lost_mrr.cents())))
            .collect(),
    )
}

/// The cancel page's chart (issue 17): sessions and saves per month, and
/// the saved MRR on a second axis.
fn cancel_flow_chart(r: &churnwise_app::cancel_flow::CancelFlowReport, lang: Lang) -> Chart {
    let months = r
        .months
        .iter()
        .map(|m| i18n::month(lang, &m.month))
        .collect();
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of sessions stay far below 2^52"
    )]
    let count = |f: fn(&churnwise_app::cancel_flow::CancelFlowFigures) -> u64| {
        r.months.iter().map(|m| Some(f(m) as f64)).collect()
    };
    Chart::xy(i18n::code(lang), Unit::Count, months)
        .with(
            msg(lang, "cancel-report-sessions"),
            Draw::Bar,
            count(|m| m.sessions),
        )
        .with(
            msg(lang, "cancel-report-saves"),
            Draw::Bar,
            count(|m| m.saves),
        )
        .with_second_axis(
            Unit::Money,
            msg(lang, "cancel-report-saved-mrr"),
            Draw::Line,
            r.months
                .iter()
                .map(|m| Some(units(m.saved_mrr_cents)))
                .collect(),
        )
}

fn units(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn msg(lang: Lang, key: &str) -> String {
    i18n::message(lang, key, &[])
}

/// The dashboard's charts, built from one report.
#[derive(Debug, Serialize)]
struct Charts {
    churn: Chart,
    movements: Chart,
    arpa: Chart,
    nonpayment: Chart,
    cohorts: Chart,
    survival: Chart,
    forecast: Chart,
}

/// True when no customer was active at any boundary of the range's months:
/// the dashboard then shows what to do next instead of flat charts.
fn no_customers(r: &MetricsReport) -> bool {
    r.months
        .iter()
        .all(|m| m.customers_start == 0 && m.customers_end == 0)
}

fn charts(r: &MetricsReport, lang: Lang) -> Charts {
    let mut charts = all_charts(r, lang);
    // Flat zero lines and an axis of "€0 €0 €1" say nothing: without a
    // customer the money and churn charts are drawn as empty states.
    if no_customers(r) {
        for chart in [
            &mut charts.churn,
            &mut charts.movements,
            &mut charts.arpa,
            &mut charts.forecast,
        ] {
            chart.x.clear();
            chart.series.clear();
        }
    }
    // A survival curve at 100 % "over 0 customers" is no curve.
    if r.survival.subjects == 0 {
        charts.survival.x.clear();
        charts.survival.series.clear();
    }
    charts
}

fn all_charts(r: &MetricsReport, lang: Lang) -> Charts {
    let code = i18n::code(lang);
    let months: Vec<String> = r
        .months
        .iter()
        .map(|m| i18n::month(lang, &m.month.to_string()))
        .collect();
    let churn = Chart::xy(code, Unit::Percent, months.clone())
        .with(
            msg(lang, "metric-churn-rate"),
            Draw::Line,
            r.months.iter().map(|m| m.churn_rate_pct).collect(),
        )
        .with(
            msg(lang, "metric-benchmark"),
            Draw::Dashed,
            r.months
                .iter()
                .map(|_| Some(r.benchmark_churn_pct))
                .collect(),
        );
    let series = |f: fn(&churnwise_metrics::MonthFigures) -> i64| {
        r.months.iter().map(|m| Some(units(f(m)))).collect()
    };
    let movements = Chart::xy(code, Unit::Money, months.clone())
        .with(
            msg(lang, "metric-new-mrr"),
            Draw::StackedBar,
            series(|m| m.new_mrr.cents()),
        )
        .with(
            msg(lang, "metric-expansion-mrr"),
            Draw::StackedBar,
            series(|m| m.expansion_mrr.cents()),
        )
        .with(
            msg(lang, "metric-reactivation-mrr"),
            Draw::StackedBar,
            series(|m| m.reactivation_mrr.cents()),
        )
        .with(
            msg(lang, "metric-contraction-mrr"),
            Draw::StackedBar,
            series(|m| -m.contraction_mrr.cents()),
        )
        .with(
            msg(lang, "metric-churned-mrr"),
            Draw::StackedBar,
            series(|m| -m.churned_mrr.cents()),
        )
        .with(
            msg(lang, "metric-net-new-mrr"),
            Draw::Line,
            series(|m| m.net_new_mrr.cents()),
        );
    let arpa = Chart::xy(code, Unit::Money, months.clone()).with(
        msg(lang, "metric-arpa"),
        Draw::Line,
        r.months
            .iter()
            .map(|m| m.arpa.map(|a| units(a.cents())))
            .collect(),
    );
    let nonpayment = Chart::xy(code, Unit::Percent, months.clone()).with(
        msg(lang, "metric-nonpayment-rate"),
        Draw::Line,
        r.months.iter().map(|m| m.nonpayment_rate_pct).collect(),
    );
    let width = r
        .cohorts
        .iter()
        .map(|c| c.logo_retention_pct.len())
        .max()
        .unwrap_or(0);
    let mut cohorts = Chart::xy(
        code,
        Unit::Percent,
        (0..width).map(|k| format!("+{k}")).collect(),
    );
    cohorts.kind = "heatmap";
    cohorts.y = r
        .cohorts
        .iter()
        .map(|c| i18n::month(lang, &c.cohort.to_string()))
        .collect();
    cohorts.cells = r
        .cohorts
        .iter()
        .enumerate()
        .flat_map(|(y, c)| {
            c.logo_retention_pct
                .iter()
                .enumerate()
                .map(move |(x, v)| (x, y, *v))
        })
        .collect();
    let s = &r.survival.survival_at_days;
    let survival = Chart::xy(
        code,
        Unit::Percent,
        ["0", "30", "90", "180", "365"]
            .iter()
            .map(|d| {
                i18n::message(
                    lang,
                    "days",
                    &[("count", i18n::ArgValue::Number(d.parse().unwrap_or(0.0)))],
                )
            })
            .collect(),
    )
    .with(
        msg(lang, "metric-survival"),
        Draw::Line,
        [1.0, s.d30, s.d90, s.d180, s.d365]
            .iter()
            .map(|v| Some(v * 100.0))
            .collect(),
    );
    let mut x = months;
    x.extend(
        r.forecast
            .iter()
            .map(|f| i18n::month(lang, &f.month.to_string())),
    );
    let actual: Vec<Option<f64>> = r
        .months
        .iter()
        .map(|m| Some(units(m.mrr_end.cents())))
        .chain(r.forecast.iter().map(|_| None))
        .collect();
    let pad = || r.months.iter().map(|_| None);
    let forecast = Chart::xy(code, Unit::Money, x)
        .with(msg(lang, "metric-mrr-actual"), Draw::Line, actual)
        .with(
            msg(lang, "metric-forecast-low"),
            Draw::BandLow,
            pad()
                .chain(r.forecast.iter().map(|f| Some(units(f.mrr_low.cents()))))
                .collect(),
        )
        .with(
            msg(lang, "metric-forecast-band"),
            Draw::BandHeight,
            pad()
                .chain(
                    r.forecast
                        .iter()
                        .map(|f| Some(units(f.mrr_high.cents() - f.mrr_low.cents()))),
                )
                .collect(),
        )
        .with(
            msg(lang, "metric-forecast"),
            Draw::Dashed,
            pad()
                .chain(r.forecast.iter().map(|f| Some(units(f.mrr.cents()))))
                .collect(),
        );
    Charts {
        churn,
        movements,
        arpa,
        nonpayment,
        cohorts,
        survival,
        forecast,
    }
}

/// The count of clients in one status.
#[derive(Debug, Serialize)]
struct StatusCount {
    status: &'static str,
    count: i64,
}

async fn status_counts(state: &AppState, auth: &PageAuth) -> Result<Vec<StatusCount>, PageError> {
    let stored = state.store.client_status_counts(auth.ws()).await?;
    Ok(ClientStatus::ALL
        .iter()
        .map(|status| StatusCount {
            status: status.as_str(),
            count: stored
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n),
        })
        .collect())
}

/// `GET /dashboard?from=YYYY-MM&to=YYYY-MM&as_of=YYYY-MM-DD`: the
/// dashboard. The figures are computed as of `as_of` (default today), so a
/// data set with events after today can be seen as of a past day; the
/// default range ends with the last month complete on that day. A bad
/// `as_of` is named next to its field and the page shows today's figures.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let (as_of, as_of_error) = match query.as_of(today()) {
        Ok(day) => (day, false),
        Err(_) => (today(), true),
    };
    let (from, to, refused) = range(&query, as_of);
    let report = report(&state, &auth, from, to, as_of).await?;
    let counts = status_counts(&state, &auth).await?;
    let reconciled = churnwise_app::status::reconcile_cached(
        state.store.as_ref(),
        &state.metrics_cache,
        auth.ws(),
        today(),
    )
    .await?;
    let charts = charts(&report, auth.lang);
    let no_data = no_customers(&report);
    let reasons_report = churnwise_app::reports::reasons_report_with_usage(
        state.store.as_ref(),
        auth.ws(),
        ReasonsRequest {
            from,
            to,
            by: MatrixDimension::Month,
        },
    )
    .await?;
    let reason_usage = reason_usage_rows(&reasons_report, auth.lang);
    let matrix = reasons_report.matrix;
    let reasons_chart = reasons_chart(&matrix, auth.lang);
    let reason_labels: Vec<&str> = matrix.reasons.iter().map(|r| r.label(auth.lang)).collect();
    // --- cancel (helper) (issue 17): the cancel page's section.
    let cancel_flow = churnwise_app::cancel_flow::dashboard_section(
        state.store.as_ref(),
        auth.ws(),
        from,
        to,
        auth.lang,
    )
    .await?;
    let cancel_chart = cancel_flow
        .as_ref()
        .map(|c| cancel_flow_chart(&c.report, auth.lang));
    let latest = report.months.last();
    // The latest month with mature invoices, for the non-payment figure.
    let nonpayment = report
        .months
        .iter()
        .rev()
        .find(|m| m.nonpayment_rate_pct.is_some());
    let deviation = latest.and_then(|m| m.forecast_deviation.as_ref());
    let max_cohort_width = report
        .cohorts
        .iter()
        .map(|c| c.logo_retention_pct.len())
        .max()
        .unwrap_or(0);
    let range_query = if !as_of_error && !query.as_of.trim().is_empty() {
        format!("from={from}&to={to}&as_of={as_of}")
    } else {
        format!("from={from}&to={to}")
    };
    // Through JSON, so amounts reach the template as numbers in currency units.
    let latest = latest.map(json);
    let nonpayment = nonpayment.map(json);
    let deviation = deviation.map(json);
    let report = json(&report);
    let reasons = json(&matrix);
    let chrome = Chrome::of(&auth, &state, "dashboard").await?;
    render(
        &chrome,
        "dashboard.html",
        context! {
            report,
            latest,
            nonpayment,
            deviation,
            charts,
            reasons_chart,
            reasons,
            reason_labels,
            counts,
            reconciled,
            from => from.to_string(),
            to => to.to_string(),
            refused,
            range_query,
            as_of => if as_of_error { query.as_of.trim().chars().take(40).collect() } else { as_of.to_string() },
            as_of_error,
            as_of_is_today => as_of == today(),
            no_data,
            cohort_columns => (0..max_cohort_width).collect::<Vec<_>>(),
            cancel_flow => cancel_flow.as_ref().map(json),
            reason_usage,
            cancel_chart,
        },
    )
}

/// The JSON form of a report part, for a template (null if it cannot be written).
fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// The charts drawn from the metrics report, by their download name.
const METRIC_CHARTS: [&str; 7] = [
    "churn",
    "mrr-movements",
    "arpa",
    "nonpayment",
    "cohorts",
    "survival",
    "forecast",
];

/// The numbers of one metrics chart as a table: the same cells make its CSV
/// and its XLSX, so the two downloads cannot disagree. Headers are the
/// machine names of the metrics API.
fn chart_table(r: &MetricsReport, chart: &str) -> Option<Table> {
    let money = |m: Money| Cell::Money(m);
    let opt_money = |m: Option<Money>| m.map_or(Cell::Empty, Cell::Money);
    let number = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Number);
    let count = |n: u64| Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    let month = |m: &Month| Cell::text(m.to_string());
    let (header, rows): (&[&str], Vec<Vec<Cell>>) = match chart {
        "churn" => (
            &[
                "month",
                "customers_start",
                "churned_customers",
                "churn_rate_pct",
                "benchmark_churn_pct",
                "above_benchmark",
            ],
            r.months
                .iter()
                .map(|m| {
                    vec![
                        month(&m.month),
                        count(m.customers_start),
                        count(m.churned_customers),
                        number(m.churn_rate_pct),
                        Cell::Number(r.benchmark_churn_pct),
                        Cell::text(m.above_benchmark.to_string()),
                    ]
                })
                .collect(),
        ),
        "mrr-movements" => (
            &[
                "month",
                "mrr_start",
                "new_mrr",
                "expansion_mrr",
                "reactivation_mrr",
                "contraction_mrr",
                "churned_mrr",
                "net_new_mrr",
                "mrr_end",
            ],
            r.months
                .iter()
                .map(|m| {
                    vec![
                        month(&m.month),
                        money(m.mrr_start),
                        money(m.new_mrr),
                        money(m.expansion_mrr),
                        money(m.reactivation_mrr),
                        money(m.contraction_mrr),
                        money(m.churned_mrr),
                        money(m.net_new_mrr),
                        money(m.mrr_end),
                    ]
                })
                .collect(),
        ),
        "arpa" => (
            &["month", "customers_end", "mrr_end", "arpa"],
            r.months
                .iter()
                .map(|m| {
                    vec![
                        month(&m.month),
                        count(m.customers_end),
                        money(m.mrr_end),
                        opt_money(m.arpa),
                    ]
                })
                .collect(),
        ),
        "nonpayment" => (
            &[
                "month",
                "invoices_due",
                "amount_due",
                "amount_unpaid",
                "nonpayment_rate_pct",
            ],
            r.months
                .iter()
                .map(|m| {
                    vec![
                        month(&m.month),
                        m.invoices_due.map_or(Cell::Empty, count),
                        opt_money(m.amount_due),
                        opt_money(m.amount_unpaid),
                        number(m.nonpayment_rate_pct),
                    ]
                })
                .collect(),
        ),
        "cohorts" => {
            let width = r
                .cohorts
                .iter()
                .map(|c| c.logo_retention_pct.len())
                .max()
                .unwrap_or(0);
            let mut header: Vec<String> = ["cohort", "customers", "initial_mrr"]
                .iter()
                .map(|h| h.to_string())
                .collect();
            header.extend((0..width).map(|k| format!("logo_retention_pct_{k}")));
            let mut table = Table::new("cohorts", header);
            for c in &r.cohorts {
                let mut row = vec![month(&c.cohort), count(c.customers), money(c.initial_mrr)];
                row.extend(c.logo_retention_pct.iter().map(|v| Cell::Number(*v)));
                // Younger cohorts have fewer months behind them.
                row.resize(width + 3, Cell::Empty);
                table.push_row(row).ok()?;
            }
            return Some(table);
        }
        "survival" => {
            let s = &r.survival.survival_at_days;
            (
                &["days", "survival"],
                [
                    (0, 1.0),
                    (30, s.d30),
                    (90, s.d90),
                    (180, s.d180),
                    (365, s.d365),
                ]
                .iter()
                .map(|(d, v)| vec![count(*d), Cell::Number(*v)])
                .collect(),
            )
        }
        "forecast" => (
            &[
                "month",
                "customers",
                "customers_low",
                "customers_high",
                "mrr",
                "mrr_low",
                "mrr_high",
            ],
            r.forecast
                .iter()
                .map(|f| {
                    vec![
                        month(&f.month),
                        Cell::Number(f.customers),
                        Cell::Number(f.customers_low),
                        Cell::Number(f.customers_high),
                        money(f.mrr),
                        money(f.mrr_low),
                        money(f.mrr_high),
                    ]
                })
                .collect(),
        ),
        _ => return None,
    };
    let mut table = Table::new(chart, header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        table.push_row(row).ok()?;
    }
    Some(table)
}

/// The kinds of download every chart offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn of(file: &str) -> Option<(&str, Format)> {
        file.strip_suffix(".csv")
            .map(|chart| (chart, Format::Csv))
            .or_else(|| {
                file.strip_suffix(".xlsx")
                    .map(|chart| (chart, Format::Xlsx))
            })
    }
}

/// `GET /dashboard/{chart}.csv|.xlsx?from=&to=`: one chart's numbers as
/// CSV (machine-readable: `.` decimals, amounts in currency units) or as an
/// Excel workbook with the same cells. The reasons chart's file is the
/// reasons matrix export of `GET /api/v1/reports/reasons.csv|.xlsx`
/// (headers in the page's language, a totals row).
pub async fn download(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(file): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let (chart, format) = Format::of(&file).ok_or(PageError::NotFound)?;
    let as_of = query.as_of(today()).map_err(|_| PageError::BadRequest)?;
    let (from, to, _) = range(&query, as_of);
    let (table, csv_options) = if chart == "reasons" {
        let matrix = reasons(&state, &auth, from, to).await?;
        (
            reasons_matrix_table(&matrix, auth.lang),
            CsvOptions::default(),
        )
    } else {
        if !METRIC_CHARTS.contains(&chart) {
            return Err(PageError::NotFound);
        }
        let report = report(&state, &auth, from, to, as_of).await?;
        let table = chart_table(&report, chart).ok_or(PageError::NotFound)?;
        (
            table,
            CsvOptions {
                byte_order_mark: false,
                ..CsvOptions::default()
            },
        )
    };
    let internal = |e: churnwise_export::ExportError| PageError::Internal(e.into());
    // Built on a blocking thread: a workbook is CPU work.
    let (content_type, bytes) = crate::api::reports::off_runtime(move || match format {
        Format::Csv => ("text/csv; charset=utf-8", csv_bytes(&table, csv_options)),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_bytes(&table),
        ),
    })
    .await
    .map_err(PageError::Internal)?;
    let bytes = bytes.map_err(internal)?;
    let ext = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let disposition = format!("attachment; filename=\"churnwise-{chart}-{from}-{to}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_range_is_the_twelve_months_up_to_the_last_complete_one() {
        let today = "2024-03-15".parse().unwrap();
        let (from, to, refused) = range(&RangeQuery::default(), today);
        assert_eq!(
            (from.to_string(), to.to_string(), refused),
            ("2023-03".into(), "2024-02".into(), false)
        );
        let asked = RangeQuery {
            from: "2023-01".into(),
            to: "2023-06".into(),
            ..RangeQuery::default()
        };
        assert_eq!(range(&asked, today).0.to_string(), "2023-01");
        let backwards = RangeQuery {
            from: "2023-06".into(),
            to: "2023-01".into(),
            ..RangeQuery::default()
        };
        assert!(range(&backwards, today).2);
        let too_long = RangeQuery {
            from: "2000-01".into(),
            to: "2023-01".into(),
            ..RangeQuery::default()
        };
        assert!(range(&too_long, today).2);
    }
}
