//! Writing a table as a real Excel workbook: bold header row, frozen panes
//! under it, an autofilter, number formats, a totals row with `SUM`
//! formulas (their values cached, so every reader sees them) and column
//! widths fitted to the content.

use crate::{Cell, ExportError, Table, Total};
use rust_xlsxwriter::{
    utility::column_number_to_name, Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use std::path::Path;

/// Excel's number format for money.
pub const MONEY_FORMAT: &str = "#,##0.00";
/// Excel's number format for whole numbers.
pub const INTEGER_FORMAT: &str = "#,##0";
/// Excel's number format for percentages.
pub const PERCENT_FORMAT: &str = "0.00%";

const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

struct Formats {
    header: Format,
    text: Format,
    integer: Format,
    money: Format,
    percent: Format,
}

impl Formats {
    fn new(bold: bool) -> Self {
        let base = || {
            let f = Format::new();
            if bold {
                f.set_bold().set_border_top(FormatBorder::Thin)
            } else {
                f
            }
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_border_bottom(FormatBorder::Thin)
                .set_text_wrap(),
            text: base(),
            integer: base().set_num_format(INTEGER_FORMAT),
            money: base().set_num_format(MONEY_FORMAT),
            percent: base().set_num_format(PERCENT_FORMAT),
        }
    }
}

/// The table as the bytes of an .xlsx file.
pub fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    xlsx_bytes_sheets(&[table])
}

/// Writes the table as an .xlsx file at `path`.
pub fn write_xlsx(table: &Table, path: &Path) -> Result<(), ExportError> {
    write_xlsx_sheets(&[table], path)
}

/// The tables as the bytes of one .xlsx file, a sheet each, in order.
pub fn xlsx_bytes_sheets(tables: &[&Table]) -> Result<Vec<u8>, ExportError> {
    Ok(workbook(tables)?.save_to_buffer()?)
}

/// Writes the tables as one .xlsx file at `path`, a sheet each, in order.
pub fn write_xlsx_sheets(tables: &[&Table], path: &Path) -> Result<(), ExportError> {
    workbook(tables)?.save(path)?;
    Ok(())
}

fn workbook(tables: &[&Table]) -> Result<Workbook, ExportError> {
    let mut workbook = Workbook::new();
    for table in tables {
        build(&mut workbook, table)?;
    }
    Ok(workbook)
}

fn build(workbook: &mut Workbook, table: &Table) -> Result<(), ExportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(table.sheet_name()))?;
    let body = Formats::new(false);
    let totals_formats = Formats::new(true);

    for (col, header) in table.headers().iter().enumerate() {
        sheet.write_string_with_format(
            0,
            col_num(col)?,
            crate::neutralise(header),
            &body.header,
        )?;
    }
    for (r, row) in table.rows().iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            write_cell(sheet, row_num(r + 1)?, col_num(col)?, cell, &body)?;
        }
    }
    let data_rows = row_num(table.rows().len())?;
    if let (Some(totals), Some(values)) = (table.totals(), table.computed_totals()) {
        let row = data_rows + 1;
        for (col, (total, value)) in totals.iter().zip(&values).enumerate() {
            let col = col_num(col)?;
            if *total == Total::Sum && data_rows > 0 {
                let letter = column_number_to_name(col);
                let formula = Formula::new(format!("=SUM({letter}2:{letter}{})", data_rows + 1))
                    .set_result(cached_result(value));
                let format = match value {
                    Cell::Money(_) => &totals_formats.money,
                    _ => &totals_formats.integer,
                };
                sheet.write_formula_with_format(row, col, formula, format)?;
            } else {
                write_cell(sheet, row, col, value, &totals_formats)?;
            }
        }
    }

    let columns = col_num(table.headers().len())?;
    if columns > 0 {
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, data_rows, columns - 1)?;
    }
    for col in 0..table.headers().len() {
        sheet.set_column_width(col_num(col)?, column_width(table, col) as f64)?;
    }
    Ok(())
}

/// A row index as the writer's row number; one past `u32` is past Excel's
/// row limit too, so it fails like any other row beyond the sheet.
fn row_num(row: usize) -> Result<u32, ExportError> {
    u32::try_from(row).map_err(|_| XlsxError::RowColumnLimitError.into())
}

/// A column index as the writer's column number; one past `u16` is past
/// Excel's column limit too, so it fails like any other column beyond the
/// sheet (instead of wrapping onto column A).
fn col_num(col: usize) -> Result<u16, ExportError> {
    u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError.into())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), ExportError> {
    match cell {
        Cell::Text(t) => {
            sheet.write_string_with_format(row, col, crate::neutralise(t), &formats.text)?;
        }
        Cell::Integer(n) => {
            sheet.write_number_with_format(row, col, *n as f64, &formats.integer)?;
        }
        // Floats appear only here, where the amount is printed into the file.
        Cell::Money(m) => {
            sheet.write_number_with_format(row, col, m.cents() as f64 / 100.0, &formats.money)?;
        }
        Cell::Percent(p) => {
            sheet.write_number_with_format(row, col, *p as f64 / 10_000.0, &formats.percent)?;
        }
        Cell::Number(v) if v.is_finite() => {
            sheet.write_number_with_format(row, col, *v, &formats.text)?;
        }
        Cell::Number(_) | Cell::Empty => {}
    }
    Ok(())
}

fn cached_result(value: &Cell) -> String {
    match value {
        Cell::Integer(n) => n.to_string(),
        Cell::Money(m) => m.to_string(),
        _ => String::new(),
    }
}

/// A column wide enough for its widest cell (headers wrap past the limit).
fn column_width(table: &Table, col: usize) -> usize {
    let header = table.headers()[col].chars().count().min(24);
    let cells = table
        .rows()
        .iter()
        .map(|r| r[col].display_width())
        .chain(table.computed_totals().map(|t| t[col].display_width()))
        .max()
        .unwrap_or(0);
    (header.max(cells) + 2).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// A valid sheet name: at most 31 characters, none of `[]:*?/\`, not blank.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').to_string();
    if cleaned.is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::tests::sample;
    use std::io::{Cursor, Read};

    /// The xlsx read back just enough to check it: cell values (shared
    /// strings resolved), formulas and raw parts.
    struct Unzipped {
        bytes: Vec<u8>,
    }

    impl Unzipped {
        fn part(&self, name: &str) -> String {
            let mut zip = zip::ZipArchive::new(Cursor::new(&self.bytes)).unwrap();
            let mut text = String::new();
            zip.by_name(name)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        }

        /// The `<c>` element of a cell such as `B2`.
        fn cell_xml(&self, reference: &str) -> Option<String> {
            let sheet = self.part("xl/worksheets/sheet1.xml");
            let start = sheet.find(&format!("<c r=\"{reference}\""))?;
            let rest = &sheet[start..];
            let end = rest
                .find("</c>")
                .map(|e| e + 4)
                .or_else(|| rest.find("/>").map(|e| e + 2))?;
            Some(rest[..end].to_string())
        }

        fn value(&self, reference: &str) -> Option<String> {
            let cell = self.cell_xml(reference)?;
            let v = between(&cell, "<v>", "</v>")?;
            if cell.contains("t=\"s\"") {
                let strings = self.part("xl/sharedStrings.xml");
                let index: usize = v.parse().unwrap();
                let si = strings.split("<si>").nth(index + 1)?;
                let t = &si[si.find("<t")?..];
                let t = &t[t.find('>')? + 1..];
                Some(
                    t[..t.find("</t>")?]
                        .replace("&apos;", "'")
                        .replace("&amp;", "&"),
                )
            } else {
                Some(v)
            }
        }

        fn formula(&self, reference: &str) -> Option<String> {
            between(&self.cell_xml(reference)?, "<f>", "</f>")
        }
    }

    fn between(text: &str, open: &str, close: &str) -> Option<String> {
        let start = text.find(open)? + open.len();
        let end = text[start..].find(close)? + start;
        Some(text[start..end].to_string())
    }

    fn unzipped(table: &Table) -> Unzipped {
        Unzipped {
            bytes: xlsx_bytes(table).unwrap(),
        }
    }

    #[test]
    fn the_workbook_holds_the_header_numbers_totals_and_a_neutralised_formula() {
        let book = unzipped(&sample());
        assert_eq!(book.value("A1").as_deref(), Some("Client"));
        assert_eq!(book.value("B2").as_deref(), Some("12"));
        assert_eq!(book.value("C2").as_deref(), Some("1234.56"));
        assert_eq!(book.value("D2").as_deref(), Some("0.0725"));
        assert_eq!(book.value("A3").as_deref(), Some("'=cmd|' /C calc'!A0"));
        assert!(book.formula("A3").is_none());
        assert_eq!(book.value("A4").as_deref(), Some("Total"));
    }

    #[test]
    fn the_totals_are_sum_formulas_with_their_values_cached() {
        let book = unzipped(&sample());
        assert_eq!(book.formula("B4").as_deref(), Some("SUM(B2:B3)"));
        assert_eq!(book.value("B4").as_deref(), Some("15"));
        assert_eq!(book.formula("C4").as_deref(), Some("SUM(C2:C3)"));
        assert_eq!(book.value("C4").as_deref(), Some("1334.46"));
    }

    #[test]
    fn the_header_is_frozen_and_numbers_have_their_formats() {
        let book = unzipped(&sample());
        let sheet = book.part("xl/worksheets/sheet1.xml");
        assert!(sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ));
        assert!(sheet.contains(r#"<autoFilter ref="A1:D3"/>"#));
        let styles = book.part("xl/styles.xml");
        assert!(styles.contains(r##"formatCode="#,##0.00""##));
        assert!(styles.contains(r##"formatCode="#,##0""##));
        assert!(styles.contains(r#"formatCode="0.00%""#));
        assert!(styles.contains("<b/>"));
    }

    #[test]
    fn a_table_without_rows_still_writes_a_valid_workbook() {
        let mut table = Table::new("Clients", vec!["Client".into(), "MRR".into()]);
        table
            .set_totals(vec![Total::Label("Total".into()), Total::Sum])
            .unwrap();
        let book = unzipped(&table);
        assert_eq!(book.value("B2").as_deref(), Some("0"));
        assert!(book.formula("B2").is_none());
    }

    #[test]
    fn measured_numbers_are_written_as_computed_and_in_the_csv_alike() {
        let mut table = Table::new("Rates", vec!["Month".into(), "Churn %".into()]);
        for (month, rate) in [("2024-01", 5.333333333333333), ("2024-02", f64::NAN)] {
            table
                .push_row(vec![Cell::text(month), Cell::Number(rate)])
                .unwrap();
        }
        let book = unzipped(&table);
        assert_eq!(book.value("B2").as_deref(), Some("5.333333333333333"));
        assert!(book.cell_xml("B3").is_none_or(|c| !c.contains("<v>")));
        let csv = crate::csv_bytes(
            &table,
            crate::CsvOptions {
                byte_order_mark: false,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "\"Month\",\"Churn %\"\n\"2024-01\",5.333333333333333\n\"2024-02\",\n"
        );
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_name("Reasons [2024/01]"), "Reasons _2024_01_");
        assert_eq!(sheet_name(" "), "Sheet1");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
    }

    #[test]
    fn columns_are_wide_enough_for_their_content_within_limits() {
        let table = sample();
        assert_eq!(column_width(&table, 0), "'=cmd|' /C calc'!A0".len() + 2);
        assert_eq!(column_width(&table, 1), MIN_WIDTH);
    }

    #[test]
    fn several_tables_become_one_sheet_each_in_order() {
        let mut usage = Table::new("Usage 2024", vec!["Reason".into(), "Lost".into()]);
        usage
            .push_row(vec![Cell::text("Price too high"), Cell::Integer(3)])
            .unwrap();
        let x = Unzipped {
            bytes: xlsx_bytes_sheets(&[&sample(), &usage]).unwrap(),
        };
        let book = x.part("xl/workbook.xml");
        let clients = book.find("name=\"Clients\"").expect("first sheet");
        let second = book.find("name=\"Usage 2024\"").expect("second sheet");
        assert!(clients < second, "{book}");
        let sheet2 = x.part("xl/worksheets/sheet2.xml");
        assert!(sheet2.contains("<c r=\"B2\""), "{sheet2}");
        assert!(x.part("xl/sharedStrings.xml").contains("Price too high"));
    }
}
