//! The client list, `GET /clients`: search, filters, sort and pagination.

use crate::pages::{render, Chrome, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use churnwise_app::clients::ClientListQuestion;
use churnwise_domain::registry::ClientStatus;
use churnwise_store::ClientSort;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// Rows per page of the client list.
const PER_PAGE: u32 = 25;

/// The list's query string, kept as typed so the form shows it back.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ListParams {
    /// Name contains.
    #[serde(default)]
    pub q: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Owner.
    #[serde(default)]
    pub owner: String,
    /// Segment.
    #[serde(default)]
    pub segment: String,
    /// Order key.
    #[serde(default)]
    pub sort: String,
    /// `1` for clients at risk only.
    #[serde(default)]
    pub at_risk: String,
    /// Page, from 1.
    pub page: Option<u32>,
}

impl ListParams {
    /// The list's URL with these filters on page `page`.
    fn url(&self, page: u32) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("status", &self.status),
            ("owner", &self.owner),
            ("segment", &self.segment),
            ("sort", &self.sort),
            ("at_risk", &self.at_risk),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(key, value.trim());
            }
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/clients".to_string()
        } else {
            format!("/clients?{query}")
        }
    }
}

/// `GET /clients`: the client list.
pub async fn list(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let filter = ClientListQuestion {
        status: Some(params.status.clone()),
        owner: Some(params.owner.clone()),
        segment: Some(params.segment.clone()),
        q: Some(params.q.clone()),
        page: params.page,
        per_page: Some(PER_PAGE),
        sort: Some(params.sort.clone()),
        at_risk: Some(!params.at_risk.trim().is_empty()),
    }
    .into_filter()
    .map_err(|_| PageError::BadRequest)?;
    let today = chrono::Local::now().date_naive();
    let page =
        churnwise_app::owners::list_client_rows(state.store.as_ref(), auth.ws(), &filter, today)
            .await?;
    let mut facets = state.store.client_facets(auth.ws()).await?;
    // The choice lists hold the first values only: the one chosen stays
    // shown as chosen.
    for (chosen, list) in [
        (&params.owner, &mut facets.owners),
        (&params.segment, &mut facets.segments),
    ] {
        if !chosen.is_empty() && !list.contains(chosen) {
            list.push(chosen.clone());
        }
    }
    // Usage (issue 18): the metric moving most the wrong way, per client of the page.
    let ids: Vec<churnwise_store::ClientId> = page.items.iter().map(|r| r.client.id).collect();
    let usage =
        churnwise_app::usage::list_cells(state.store.as_ref(), auth.ws(), &ids, today).await?;
    let usage: std::collections::HashMap<i64, serde_json::Value> = usage
        .into_iter()
        .map(|(id, cell)| {
            let label = cell.label(auth.lang).to_string();
            let change = cell.change(auth.lang);
            (
                id.0,
                serde_json::json!({"label": label, "change": change, "last_28": cell.last_28,
                    "change_pct": cell.change_pct, "fading": cell.fading}),
            )
        })
        .collect();
    let pages = u32::try_from(page.total.max(0))
        .unwrap_or(u32::MAX)
        .div_ceil(PER_PAGE);
    let current = page.page;
    let prev_url = (current > 1).then(|| params.url(current - 1));
    let next_url = (current < pages).then(|| params.url(current + 1));
    let chrome = Chrome::of(&auth, &state, "clients").await?;
    let statuses: Vec<&str> = ClientStatus::ALL.iter().map(|s| s.as_str()).collect();
    let sorts: Vec<&str> = ClientSort::ALL.iter().map(|(_, k)| *k).collect();
    let filtered = !(params.q.is_empty()
        && params.status.is_empty()
        && params.owner.is_empty()
        && params.segment.is_empty()
        && params.at_risk.is_empty());
    render(
        &chrome,
        "clients/list.html",
        context! {
            clients => page.items,
            usage,
            total => page.total,
            page => current,
            pages => pages.max(1),
            prev_url,
            next_url,
            params,
            filtered,
            statuses,
            sorts,
            owners => facets.owners,
            segments => facets.segments,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_links_keep_the_filters_and_drop_empty_ones() {
        let params = ListParams {
            q: "acme & co".into(),
            status: "active".into(),
            ..ListParams::default()
        };
        assert_eq!(params.url(2), "/clients?q=acme+%26+co&status=active&page=2");
        assert_eq!(ListParams::default().url(1), "/clients");
    }
}
