//! The first sheet of an `.xlsx` workbook as rows of text, so that it goes
//! through exactly the same column matching and validation as a CSV file.

use calamine::{open_workbook_auto, Data, Reader};
use csv::ByteRecord;
use std::path::Path;

/// Text of one cell as a CSV file would hold it: dates as `YYYY-MM-DD`,
/// whole numbers without decimals, other numbers in their shortest form.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the guard lets through only whole numbers under 1e15 in magnitude, which i64 holds exactly"
        )]
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date().format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| dt.as_f64().to_string()),
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The rows of the first sheet with their 1-based sheet row numbers.
pub(crate) fn first_sheet_rows(path: &Path) -> Result<Vec<(u64, ByteRecord)>, String> {
    let mut workbook = open_workbook_auto(path).map_err(|e| e.to_string())?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no sheet".to_string())?
        .map_err(|e| e.to_string())?;
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut record = ByteRecord::new();
            for cell in cells {
                record.push_field(cell_text(cell).as_bytes());
            }
            (first_row + i as u64 + 1, record)
        })
        .collect())
}
