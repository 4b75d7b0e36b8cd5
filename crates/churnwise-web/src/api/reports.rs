//! `/api/v1/reports/reasons`: the reasons matrix (departure.md §4):
//! departures and lost MRR by primary reason × month, segment, owner or
//! plan, as JSON, and exported as a real Excel file or CSV (formula
//! injection neutralised by `churnwise-export`).

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use churnwise_app::reasons_usage::ReasonsUsage;
use churnwise_app::reports::{reasons_report, reasons_report_with_usage, ReasonsRequest};
use churnwise_domain::reasons_matrix::{MatrixDimension, ReasonsMatrix};
use churnwise_domain::Lang;
use churnwise_export::{csv_bytes, reasons_matrix_table, xlsx_bytes_sheets, CsvOptions};
use serde::Deserialize;
use utoipa::IntoParams;

/// The range and rows of the reasons matrix.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReasonsQuery {
    /// First month, YYYY-MM (by the client's end date; required).
    pub from: Option<String>,
    /// Last month, YYYY-MM, included (required).
    pub to: Option<String>,
    /// Rows: month (default), segment, owner or plan.
    #[param(value_type = Option<String>)]
    pub by: Option<MatrixDimension>,
    /// Language of the labels: en (default) or es.
    #[param(value_type = Option<String>)]
    pub lang: Option<Lang>,
}

impl ReasonsQuery {
    /// Checks the months, naming each bad parameter.
    pub fn parse(&self) -> Result<ReasonsRequest, ApiError> {
        Ok(ReasonsRequest::parse(
            self.from.as_deref(),
            self.to.as_deref(),
            self.by,
        )?)
    }
}

/// The reasons report: the matrix, and the usage of the clients lost for
/// each reason in their last 90 days (issue 18).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReasonsBody {
    /// The matrix: dimension, from, to, reasons[], rows[{label, cells[{departures, lost_mrr}], total}], totals[], grand_total.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub matrix: ReasonsMatrix,
    /// Per reason column and usage metric: how many of the clients lost
    /// used it in their last 90 days, stopped, never used it, and the
    /// median change against their usual level (docs/usage.md).
    pub usage: ReasonsUsage,
}

/// The reasons matrix: departures and lost MRR by primary reason and month,
/// segment, owner or plan, with totals; and the usage of the clients lost
/// for each reason in their last 90 days.
#[utoipa::path(get, path = "/reports/reasons", tag = "reports", params(ReasonsQuery),
    responses((status = 200, body = ReasonsBody),
        (status = 422, body = Problem)))]
pub async fn reasons(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<ReasonsQuery>,
) -> ApiResult<Json<ReasonsBody>> {
    let request = query.parse()?;
    let report = reasons_report_with_usage(state.store.as_ref(), auth.ws(), request).await?;
    Ok(Json(ReasonsBody {
        matrix: report.matrix,
        usage: report.usage,
    }))
}

fn download(content_type: &'static str, file_name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Runs CPU-bound work (building a workbook or a CSV file of a report) on
/// tokio's blocking threads, so a big export never stalls the requests the
/// async runtime is serving.
pub(crate) async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| anyhow::anyhow!("export task: {e}"))
}

fn file_name(request: &ReasonsRequest, ext: &str) -> String {
    format!(
        "reasons-{}-{}-by-{}.{ext}",
        request.from,
        request.to,
        request.by.as_str()
    )
}

/// The reasons matrix as an Excel workbook (header row, frozen panes,
/// number formats, totals), and on a second sheet the usage of the clients
/// lost for each reason in their last 90 days.
#[utoipa::path(get, path = "/reports/reasons.xlsx", tag = "reports", params(ReasonsQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = Problem)))]
pub async fn reasons_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<ReasonsQuery>,
) -> ApiResult<Response> {
    let request = query.parse()?;
    let report = reasons_report_with_usage(state.store.as_ref(), auth.ws(), request).await?;
    let lang = query.lang.unwrap_or_default();
    let bytes = off_runtime(move || {
        let [matrix, usage] = churnwise_app::reasons_export::reasons_tables(&report, lang);
        xlsx_bytes_sheets(&[&matrix, &usage])
    })
    .await?
    .map_err(|e| anyhow::anyhow!("xlsx export: {e}"))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name(&request, "xlsx"),
        bytes,
    ))
}

/// The reasons matrix as CSV (UTF-8 with a byte order mark).
#[utoipa::path(get, path = "/reports/reasons.csv", tag = "reports", params(ReasonsQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = Problem)))]
pub async fn reasons_csv(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<ReasonsQuery>,
) -> ApiResult<Response> {
    let request = query.parse()?;
    let matrix = reasons_report(state.store.as_ref(), auth.ws(), request).await?;
    let lang = query.lang.unwrap_or_default();
    let bytes =
        off_runtime(move || csv_bytes(&reasons_matrix_table(&matrix, lang), CsvOptions::default()))
            .await?
            .map_err(|e| anyhow::anyhow!("csv export: {e}"))?;
    Ok(download(
        "text/csv; charset=utf-8",
        file_name(&request, "csv"),
        bytes,
    ))
}
