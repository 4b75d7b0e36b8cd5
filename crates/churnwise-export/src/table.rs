//! A report table: a header row, typed data rows, and an optional totals row.

use crate::ExportError;
use churnwise_domain::Money;

/// A typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (neutralised when written).
    Text(String),
    /// A whole number.
    Integer(i64),
    /// An amount of money, written with two decimals (`#,##0.00` in Excel).
    Money(Money),
    /// A percentage in hundredths of a percent (725 is 7.25 %).
    Percent(i64),
    /// A measured figure that is neither money nor a count (a rate in
    /// percent as the metrics engine computes it, a forecast customer
    /// count), written exactly as computed: `5.3`, not rounded.
    Number(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }

    /// The cell as CSV text: numbers plain (`1234.50`, `7.25%`), text neutralised.
    pub(crate) fn csv_text(&self) -> String {
        match self {
            Cell::Text(t) => crate::neutralise_csv(t).into_owned(),
            Cell::Integer(n) => n.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Percent(p) => format!("{}%", Money::from_cents(*p)),
            Cell::Number(v) if v.is_finite() => v.to_string(),
            Cell::Number(_) | Cell::Empty => String::new(),
        }
    }

    /// About how many characters the cell shows in a spreadsheet.
    pub(crate) fn display_width(&self) -> usize {
        match self {
            Cell::Text(t) => crate::neutralise(t).chars().count(),
            Cell::Integer(n) => {
                n.to_string().len() + n.unsigned_abs().to_string().len().saturating_sub(1) / 3
            }
            Cell::Money(m) => {
                let units = (m.cents() / 100).unsigned_abs().to_string().len();
                m.to_string().len() + units.saturating_sub(1) / 3
            }
            Cell::Percent(p) => format!("{}%", Money::from_cents(*p)).len(),
            Cell::Number(v) => v.to_string().len().min(12),
            Cell::Empty => 0,
        }
    }
}

/// A cell of the totals row.
#[derive(Debug, Clone, PartialEq)]
pub enum Total {
    /// A label such as "Total".
    Label(String),
    /// The sum of the column (a `SUM` formula in Excel, with its value).
    Sum,
    /// A given value.
    Value(Cell),
    /// Nothing.
    Empty,
}

/// A table to export.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    sheet_name: String,
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
    totals: Option<Vec<Total>>,
}

impl Table {
    /// An empty table with a sheet name and a header row.
    pub fn new(sheet_name: impl Into<String>, headers: Vec<String>) -> Self {
        Table {
            sheet_name: sheet_name.into(),
            headers,
            rows: Vec::new(),
            totals: None,
        }
    }

    /// Adds a data row; it must be as wide as the header.
    pub fn push_row(&mut self, row: Vec<Cell>) -> Result<(), ExportError> {
        self.check_width(row.len())?;
        self.rows.push(row);
        Ok(())
    }

    /// Sets the totals row; it must be as wide as the header, and only
    /// columns of whole numbers or money can be summed.
    pub fn set_totals(&mut self, totals: Vec<Total>) -> Result<(), ExportError> {
        self.check_width(totals.len())?;
        for (col, total) in totals.iter().enumerate() {
            if *total == Total::Sum {
                self.column_sum(col)?;
            }
        }
        self.totals = Some(totals);
        Ok(())
    }

    /// The sheet's name.
    pub fn sheet_name(&self) -> &str {
        &self.sheet_name
    }
    /// The header row.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
    /// The data rows.
    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }
    /// The totals row.
    pub fn totals(&self) -> Option<&[Total]> {
        self.totals.as_deref()
    }

    /// The totals row with every sum computed.
    pub(crate) fn computed_totals(&self) -> Option<Vec<Cell>> {
        let totals = self.totals.as_ref()?;
        Some(
            totals
                .iter()
                .enumerate()
                .map(|(col, t)| match t {
                    Total::Label(l) => Cell::Text(l.clone()),
                    Total::Sum => self.column_sum(col).expect("checked in set_totals"),
                    Total::Value(c) => c.clone(),
                    Total::Empty => Cell::Empty,
                })
                .collect(),
        )
    }

    /// The sum of a column of whole numbers or money (empty cells count 0).
    pub(crate) fn column_sum(&self, col: usize) -> Result<Cell, ExportError> {
        let mut integers = 0i64;
        let mut money = Money::ZERO;
        let mut is_money = false;
        for row in &self.rows {
            match &row[col] {
                Cell::Integer(n) => integers += n,
                Cell::Money(m) => {
                    money += *m;
                    is_money = true;
                }
                Cell::Empty => {}
                Cell::Text(_) | Cell::Percent(_) | Cell::Number(_) => {
                    return Err(ExportError::CannotSum {
                        column: self.headers[col].clone(),
                    })
                }
            }
        }
        if is_money && integers != 0 {
            return Err(ExportError::CannotSum {
                column: self.headers[col].clone(),
            });
        }
        Ok(if is_money {
            Cell::Money(money)
        } else {
            Cell::Integer(integers)
        })
    }

    fn check_width(&self, got: usize) -> Result<(), ExportError> {
        if got == self.headers.len() {
            Ok(())
        } else {
            Err(ExportError::RowWidth {
                row: self.rows.len(),
                expected: self.headers.len(),
                got,
            })
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Table {
        let mut table = Table::new(
            "Clients",
            vec![
                "Client".into(),
                "Months".into(),
                "MRR".into(),
                "Churn".into(),
            ],
        );
        table
            .push_row(vec![
                Cell::text("Acme"),
                Cell::Integer(12),
                Cell::Money(Money::from_cents(123_456)),
                Cell::Percent(725),
            ])
            .unwrap();
        table
            .push_row(vec![
                Cell::text("=cmd|' /C calc'!A0"),
                Cell::Integer(3),
                Cell::Money(Money::from_cents(9_990)),
                Cell::Empty,
            ])
            .unwrap();
        table
            .set_totals(vec![
                Total::Label("Total".into()),
                Total::Sum,
                Total::Sum,
                Total::Empty,
            ])
            .unwrap();
        table
    }

    #[test]
    fn a_row_of_the_wrong_width_is_refused() {
        let mut table = Table::new("x", vec!["a".into(), "b".into()]);
        let err = table.push_row(vec![Cell::Empty]).unwrap_err();
        assert_eq!(err.to_string(), "row 0 has 1 cells but the header has 2");
        assert_eq!(err.code(), "row_width");
    }

    #[test]
    fn sums_are_computed_per_column_and_text_cannot_be_summed() {
        let table = sample();
        let totals = table.computed_totals().unwrap();
        assert_eq!(totals[1], Cell::Integer(15));
        assert_eq!(totals[2], Cell::Money(Money::from_cents(133_446)));
        let mut bad = sample();
        let err = bad.set_totals(vec![Total::Sum, Total::Empty, Total::Empty, Total::Sum]);
        assert_eq!(err.unwrap_err().code(), "cannot_sum");
    }

    #[test]
    fn money_shows_with_thousands_separators_in_the_width_estimate() {
        assert_eq!(
            Cell::Money(Money::from_cents(123_456)).display_width(),
            "1,234.56".len()
        );
        assert_eq!(
            Cell::Money(Money::from_cents(99)).display_width(),
            "0.99".len()
        );
        assert_eq!(Cell::Percent(725).csv_text(), "7.25%");
    }
}
