//! The reasons matrix as an export table: one row per month, segment, owner
//! or plan; per reason a departures column and a lost MRR column; row totals
//! at the right and a totals row at the bottom.

use crate::{Cell, Table, Total};
use churnwise_domain::reasons_matrix::ReasonsMatrix;
use churnwise_domain::Lang;

/// The matrix as a table, labelled in `lang`.
pub fn reasons_matrix_table(matrix: &ReasonsMatrix, lang: Lang) -> Table {
    let departures = lang.pick("departures", "bajas");
    let lost = lang.pick("lost MRR", "MRR perdido");
    let mut headers = vec![matrix.dimension.label(lang).to_string()];
    for reason in &matrix.reasons {
        headers.push(format!("{} ({departures})", reason.label(lang)));
        headers.push(format!("{} ({lost})", reason.label(lang)));
    }
    headers.push(format!("Total ({departures})"));
    headers.push(format!("Total ({lost})"));
    let sheet = lang.pick("Reasons", "Motivos");
    let mut table = Table::new(format!("{sheet} {}..{}", matrix.from, matrix.to), headers);
    for row in &matrix.rows {
        let mut cells = vec![Cell::text(row.label_or_none(lang))];
        for cell in row.cells.iter().chain([&row.total]) {
            cells.push(Cell::Integer(i64::from(cell.departures)));
            cells.push(Cell::Money(cell.lost_mrr));
        }
        table
            .push_row(cells)
            .expect("rows are as wide as the header");
    }
    let mut totals = vec![Total::Label("Total".into())];
    totals.extend((0..(matrix.reasons.len() + 1) * 2).map(|_| Total::Sum));
    table
        .set_totals(totals)
        .expect("every total column holds numbers");
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::departure::Outcome;
    use churnwise_domain::reasons::{ReasonKey, ReasonList};
    use churnwise_domain::reasons_matrix::{reasons_matrix, ClosedDeparture, MatrixDimension};
    use churnwise_domain::{parse_date, parse_month, Money};

    #[test]
    fn the_matrix_table_has_a_count_and_a_money_column_per_reason_and_totals() {
        let departures = vec![
            ClosedDeparture {
                primary_reason: ReasonKey::parse("k", "price_too_high").unwrap(),
                outcome: Outcome::Lost,
                end_on: parse_date("2024-01-15").unwrap(),
                lost_mrr: Money::from_cents(50_000),
                segment: Some("=cmd".into()),
                owner: None,
                plan: None,
            },
            ClosedDeparture {
                primary_reason: ReasonKey::parse("k", "needs_changed").unwrap(),
                outcome: Outcome::Lost,
                end_on: parse_date("2024-02-15").unwrap(),
                lost_mrr: Money::from_cents(12_345),
                segment: Some("SMB".into()),
                owner: None,
                plan: None,
            },
        ];
        let matrix = reasons_matrix(
            &departures,
            &ReasonList::default_list(),
            parse_month("2024-01").unwrap(),
            parse_month("2024-02").unwrap(),
            MatrixDimension::Segment,
        )
        .unwrap();
        let table = reasons_matrix_table(&matrix, Lang::Es);
        assert_eq!(table.headers()[0], "Segmento");
        assert_eq!(
            table.headers()[1],
            "Precio demasiado alto para el valor (bajas)"
        );
        assert_eq!(table.headers().len(), 1 + 2 * 2 + 2);
        assert_eq!(table.rows().len(), 2);
        let totals = table.computed_totals().unwrap();
        assert_eq!(totals[5], Cell::Integer(2));
        assert_eq!(totals[6], Cell::Money(Money::from_cents(62_345)));
        let csv = crate::csv_bytes(
            &table,
            crate::CsvOptions {
                byte_order_mark: false,
                ..Default::default()
            },
        )
        .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.contains("\n\"'=cmd\",1,500.00,0,0.00,1,500.00\n"),
            "{csv}"
        );
    }
}
