//! The dashboard. Until the metrics engine serves `GET /api/v1/metrics`,
//! it shows the registry's own figures (clients by status) through the same
//! chart plumbing the churn charts will use: a JSON document embedded in
//! the page that `assets/charts.js` draws with ECharts, with its numbers in
//! a table one click away and a CSV download.

use super::charts::{Chart, Draw, Unit};
use super::{render, Chrome, PageAuth, PageError};
use crate::i18n;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use churnwise_domain::registry::ClientStatus;
use churnwise_store::ClientFilter;
use minijinja::context;
use serde::Serialize;

/// The count of clients in one status.
#[derive(Debug, Serialize)]
struct StatusCount {
    status: &'static str,
    count: i64,
}

async fn status_counts(state: &AppState, auth: &PageAuth) -> Result<Vec<StatusCount>, PageError> {
    let mut counts = Vec::new();
    for status in ClientStatus::ALL {
        let filter = ClientFilter {
            status: Some(*status),
            per_page: 1,
            ..ClientFilter::default()
        };
        let page = state.store.list_clients(auth.ws(), &filter).await?;
        counts.push(StatusCount {
            status: status.as_str(),
            count: page.total,
        });
    }
    Ok(counts)
}

/// `GET /dashboard`: the dashboard.
pub async fn show(State(state): State<AppState>, auth: PageAuth) -> Result<Response, PageError> {
    let counts = status_counts(&state, &auth).await?;
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let lang = auth.lang;
    let chart = Chart::xy(
        i18n::code(lang),
        Unit::Count,
        counts
            .iter()
            .map(|c| i18n::message(lang, &format!("status-{}", c.status), &[]))
            .collect(),
    )
    .with(
        i18n::message(lang, "dashboard-clients", &[]),
        Draw::Bar,
        counts.iter().map(|c| Some(c.count as f64)).collect(),
    );
    let chrome = Chrome::of(&auth, &state, "dashboard").await?;
    render(&chrome, "dashboard.html", context! { counts, total, chart })
}

/// `GET /dashboard/clients-by-status.csv`: the numbers of the status chart.
pub async fn clients_by_status_csv(
    State(state): State<AppState>,
    auth: PageAuth,
) -> Result<Response, PageError> {
    let counts = status_counts(&state, &auth).await?;
    let mut csv = String::from("status,clients\n");
    for c in counts {
        csv.push_str(&format!("{},{}\n", c.status, c.count));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"clients-by-status.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}
