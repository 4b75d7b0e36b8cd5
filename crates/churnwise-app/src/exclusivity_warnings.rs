//! Exclusivity warnings on imports (issue 16): which new clients of a
//! customers file fall inside another client's exclusivity in force. A bulk
//! file cannot be confirmed row by row, so the import still runs; the
//! warnings come with the preview and the result (CLI `import customers`,
//! the Import page, `GET /api/v1/imports/{id}`): the first
//! [`MAX_WARNINGS`] with their lines, and how many in all (docs/clients.md).
//! One client added by hand is refused until confirmed instead
//! (`exclusivity::store_new_client_checked`).

use crate::exclusivity::ExclusivityView;
use crate::imports::ParsedImport;
use crate::AppResult;
use chrono::NaiveDate;
use churnwise_store::{ExclusivityProbe, Store, WorkspaceId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The most warnings listed; the rest are counted.
pub const MAX_WARNINGS: usize = 20;

/// A new client of an import that falls inside another client's exclusivity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExclusivityWarning {
    /// Physical line of the file (the header is line 1).
    pub line: u64,
    /// The new client's name, as the file writes it.
    pub client: String,
    /// The clients holding those exclusivities, as `Name (#id)`.
    pub holders: Vec<String>,
    /// Why, naming each holder and what its exclusivity covers (English).
    pub reason: String,
}

/// The exclusivity warnings of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExclusivityWarnings {
    /// The first ones (at most 20), in line order.
    pub warnings: Vec<ExclusivityWarning>,
    /// How many new clients fall inside an exclusivity, in all.
    pub total: u64,
}

impl ExclusivityWarnings {
    /// True when no new client falls inside an exclusivity.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// One exclusivity in words: `Clinic Sol (#4): segment Dental, from
/// 2026-01-01 to 2026-12-31`.
pub fn describe(x: &ExclusivityView) -> String {
    let what = match &x.segment {
        Some(segment) => format!("segment {segment}"),
        None => format!("competitors {}", x.competitors.join(", ")),
    };
    let until = x
        .ends_on
        .map_or_else(|| ", open-ended".to_string(), |d| format!(" to {d}"));
    format!(
        "{} (#{}): {what}, from {}{until}",
        x.holder_name, x.client_id, x.starts_on
    )
}

/// The new clients (an external id the workspace does not have yet) of a
/// customers import that fall inside another client's exclusivity in force
/// on `today`; nothing for the other kinds. Looked up 500 rows per query.
pub async fn of_import(
    store: &dyn Store,
    ws: WorkspaceId,
    parsed: &ParsedImport,
    today: NaiveDate,
) -> AppResult<ExclusivityWarnings> {
    let ParsedImport::Customers(rows, lines) = parsed else {
        return Ok(ExclusivityWarnings::default());
    };
    if rows.is_empty() {
        return Ok(ExclusivityWarnings::default());
    }
    let existing: HashSet<String> = store.client_external_ids(ws).await?.into_iter().collect();
    let new: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !existing.contains(&r.external_id))
        .map(|(i, _)| i)
        .collect();
    let probes: Vec<ExclusivityProbe> = new
        .iter()
        .map(|&i| ExclusivityProbe {
            name: rows[i].name.clone(),
            segment: rows[i].segment.clone(),
            day: today,
            except: None,
        })
        .collect();
    let mut inside: BTreeMap<usize, Vec<ExclusivityView>> = BTreeMap::new();
    for (probe, x) in store.exclusivities_covering_each(ws, &probes).await? {
        let Some(&row) = new.get(probe) else {
            continue;
        };
        let r = &rows[row];
        // The exact rule, once more, on what the store found.
        if x.exclusivity.covers(&r.name, r.segment.as_deref(), today) {
            inside
                .entry(row)
                .or_default()
                .push(ExclusivityView::from(x));
        }
    }
    let total = inside.len() as u64;
    let warnings = inside
        .into_iter()
        .take(MAX_WARNINGS)
        .map(|(row, held)| ExclusivityWarning {
            line: lines
                .get(row)
                .copied()
                .unwrap_or_else(|| u64::try_from(row).unwrap_or(u64::MAX).saturating_add(2)),
            client: rows[row].name.clone(),
            holders: held.iter().fold(Vec::new(), |mut names, x| {
                let name = format!("{} (#{})", x.holder_name, x.client_id);
                if !names.contains(&name) {
                    names.push(name);
                }
                names
            }),
            reason: format!(
                "falls inside the exclusivity of {}",
                held.iter().map(describe).collect::<Vec<_>>().join("; ")
            ),
        })
        .collect();
    Ok(ExclusivityWarnings { warnings, total })
}
