//! Reports over the closed departures: the reasons matrix (departure.md
//! §4), departures and lost MRR by primary reason × month, segment, owner
//! or plan.

use crate::error::{AppError, AppResult};
use churnwise_domain::reasons_matrix::{reasons_matrix, MatrixDimension, ReasonsMatrix};
use churnwise_domain::{parse_month, FieldProblem, Month};
use churnwise_store::{Store, WorkspaceId};

/// A checked matrix request.
#[derive(Debug, Clone, Copy)]
pub struct ReasonsRequest {
    /// First month.
    pub from: Month,
    /// Last month, included.
    pub to: Month,
    /// What the rows are.
    pub by: MatrixDimension,
}

impl ReasonsRequest {
    /// Checks the months (`YYYY-MM`, both required), naming each bad field.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        by: Option<MatrixDimension>,
    ) -> AppResult<ReasonsRequest> {
        let mut errors = Vec::new();
        let mut month = |field: &str, text: Option<&str>| match text.map(str::trim) {
            None | Some("") => {
                errors.push(FieldProblem::new(field, "is required (YYYY-MM)"));
                None
            }
            Some(t) => parse_month(t)
                .map_err(|e| errors.push(FieldProblem::new(field, e.to_string())))
                .ok(),
        };
        let from = month("from", from);
        let to = month("to", to);
        match (from, to) {
            (Some(from), Some(to)) if errors.is_empty() => {
                if from <= to {
                    crate::bounds::month_range("to", from, to)?;
                }
                Ok(ReasonsRequest {
                    from,
                    to,
                    by: by.unwrap_or_default(),
                })
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

/// Computes the reasons matrix of a workspace from its closed cases.
pub async fn reasons_report(
    store: &dyn Store,
    ws: WorkspaceId,
    request: ReasonsRequest,
) -> AppResult<ReasonsMatrix> {
    let departures = store.closed_departures(ws).await?;
    let reasons = store.reason_list(ws).await?.value;
    Ok(reasons_matrix(
        &departures,
        &reasons,
        request.from,
        request.to,
        request.by,
    )?)
}

/// The reasons matrix with the usage of the clients lost for each reason
/// in their last 90 days (issue 18, [`crate::reasons_usage`]): what the API
/// and the dashboard show.
pub async fn reasons_report_with_usage(
    store: &dyn Store,
    ws: WorkspaceId,
    request: ReasonsRequest,
) -> AppResult<crate::reasons_usage::ReasonsReport> {
    let matrix = reasons_report(store, ws, request).await?;
    let usage = crate::reasons_usage::reasons_usage(store, ws, request, &matrix).await?;
    Ok(crate::reasons_usage::ReasonsReport { matrix, usage })
}
