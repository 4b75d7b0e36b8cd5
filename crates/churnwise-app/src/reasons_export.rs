//! The reasons report as export tables (issue 18): the matrix, and the
//! usage of lost clients in their last 90 days as a second table — the
//! second sheet of the `.xlsx`, a second file beside the `.csv`
//! (docs/usage.md, "Usage of lost clients").

use crate::i18n::message;
use crate::reasons_usage::ReasonsReport;
use churnwise_domain::Lang;
use churnwise_export::{reasons_matrix_table, Cell, Table};

/// The matrix's table and the usage table of `report`, labelled in `lang`.
pub fn reasons_tables(report: &ReasonsReport, lang: Lang) -> [Table; 2] {
    [
        reasons_matrix_table(&report.matrix, lang),
        usage_table(report, lang),
    ]
}

/// The usage of lost clients: one row per reason column of the matrix and
/// usage metric (the reason's departures and those with usage data
/// repeated on each), or one row for the reason alone when no lost client
/// of the range used anything; the median change as a percentage, empty
/// when no client had a usual level to compare with.
pub fn usage_table(report: &ReasonsReport, lang: Lang) -> Table {
    let t = |key: &str| message(lang, key, &[]);
    let headers = vec![
        t("reasons-usage-reason"),
        t("reasons-usage-lost"),
        t("reasons-usage-with-data"),
        t("reasons-usage-metric"),
        t("reasons-usage-used"),
        t("reasons-usage-stopped"),
        t("reasons-usage-never"),
        t("reasons-export-compared"),
        t("reasons-usage-change"),
        t("reasons-export-last-total"),
        t("reasons-export-usual-total"),
    ];
    let width = headers.len();
    let matrix = &report.matrix;
    let mut table = Table::new(
        format!(
            "{} {}..{}",
            t("reasons-export-usage-sheet"),
            matrix.from,
            matrix.to
        ),
        headers,
    );
    for (column, reason) in matrix.reasons.iter().zip(&report.usage.reasons) {
        let first = vec![
            Cell::text(column.label(lang)),
            Cell::Integer(i64::from(reason.departures)),
            Cell::Integer(i64::from(reason.with_usage_data)),
        ];
        let mut rows: Vec<Vec<Cell>> = report
            .usage
            .metrics
            .iter()
            .zip(&reason.metrics)
            .map(|(metric, figures)| {
                let mut row = first.clone();
                row.extend([
                    Cell::text(metric.label(lang)),
                    Cell::Integer(i64::from(figures.used)),
                    Cell::Integer(i64::from(figures.stopped)),
                    Cell::Integer(i64::from(figures.never)),
                    Cell::Integer(i64::from(figures.compared)),
                    figures
                        .median_change_pct
                        .map_or(Cell::Empty, |pct| Cell::Percent(pct.saturating_mul(100))),
                    Cell::Integer(figures.last_90_total),
                    Cell::Integer(figures.usual_90_total),
                ]);
                row
            })
            .collect();
        if rows.is_empty() {
            let mut row = first;
            row.resize(width, Cell::Empty);
            rows.push(row);
        }
        for row in rows {
            table.push_row(row).expect("rows are as wide as the header");
        }
    }
    table
}
