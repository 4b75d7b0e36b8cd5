//! The first sheet of an `.xlsx` workbook as rows of text, so that it goes
//! through exactly the same column matching and validation as a CSV file.
//!
//! A workbook is a zip archive, and a few megabytes of zip can inflate into
//! gigabytes of XML (a "zip bomb"). So before calamine reads anything, every
//! part of the archive is checked against [`ReadLimits::max_uncompressed_bytes`]
//! twice: by the sizes the zip declares (cheap, refuses honest bombs at once)
//! and by inflating each part into nothing while counting (a declared size
//! can lie), which stops at the limit and holds one buffer in memory. The
//! sheet is then read cell by cell with calamine's streaming cell reader,
//! counting rows against [`ReadLimits::max_rows`], and only the columns the
//! file kind uses are kept, so a row costs memory for those alone.

use crate::limits::{Limit, ReadLimits, MAX_SHEET_COLUMNS};
use crate::table::ReadError;
use calamine::{Data, Reader, Xlsx};
use csv::ByteRecord;
use std::io::{BufReader, Read, Seek, SeekFrom};
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

/// The header and rows of the first sheet with their 1-based sheet row
/// numbers, keeping only the columns named in `wanted` (header names are
/// compared trimmed and lower-cased; every column when `wanted` is empty). Rows before the header that hold no
/// text are left out, as in a CSV file.
pub(crate) fn first_sheet_rows(
    path: &Path,
    file: &str,
    wanted: &[&str],
    limits: &ReadLimits,
) -> Result<Vec<(u64, ByteRecord)>, ReadError> {
    let workbook = |reason: String| ReadError::Workbook {
        file: file.to_string(),
        reason,
    };
    let io = |source| ReadError::Io {
        file: file.to_string(),
        source,
    };
    let mut handle = std::fs::File::open(path).map_err(io)?;
    check_uncompressed_size(&mut handle, file, limits)?;
    handle.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut book: Xlsx<_> =
        Xlsx::new(BufReader::new(handle)).map_err(|e| workbook(e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| workbook("the workbook has no sheet".to_string()))?;
    // calamine 0.26 indexes some tables without a check (a cell naming a
    // shared string that does not exist panics: found by fuzzing, see
    // tests/limits.rs): a panic while reading the sheet is a malformed
    // workbook, refused like any other.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet(&mut book, &sheet, file, wanted, limits)
    }));
    match read {
        Ok(rows) => rows,
        Err(_) => Err(workbook(
            "the workbook is malformed (its sheet names a shared string or style it does not hold)"
                .to_string(),
        )),
    }
}

/// The rows of `sheet`, streamed cell by cell (see [`first_sheet_rows`]).
fn read_sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    sheet: &str,
    file: &str,
    wanted: &[&str],
    limits: &ReadLimits,
) -> Result<Vec<(u64, ByteRecord)>, ReadError> {
    let workbook = |reason: String| ReadError::Workbook {
        file: file.to_string(),
        reason,
    };
    let mut cells = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| workbook(e.to_string()))?;

    let mut rows: Vec<(u64, ByteRecord)> = Vec::new();
    // The header row's kept columns: (sheet column, index in the record).
    let mut keep: Option<Vec<(u32, usize)>> = None;
    let mut current: Option<(u32, Vec<(u32, String)>)> = None;
    let mut finish = |row: u32, cells: Vec<(u32, String)>, keep: &mut Option<Vec<(u32, usize)>>| {
        match keep {
            None => {
                if cells.iter().all(|(_, t)| t.trim().is_empty()) {
                    return;
                }
                let mut kept = Vec::new();
                let mut header = ByteRecord::new();
                for (col, text) in &cells {
                    let name = text.trim().to_lowercase();
                    if wanted.is_empty() || wanted.contains(&name.as_str()) {
                        kept.push((*col, kept.len()));
                        header.push_field(text.as_bytes());
                    }
                }
                // A header without any wanted column still counts as the
                // header (the missing columns are reported on its line).
                if kept.is_empty() {
                    let first = cells.iter().find(|(_, t)| !t.trim().is_empty());
                    header.push_field(first.map_or(&b"?"[..], |(_, t)| t.as_bytes()));
                }
                rows.push((u64::from(row) + 1, header));
                *keep = Some(kept);
            }
            Some(kept) => {
                let mut fields = vec![String::new(); kept.len()];
                let mut text_elsewhere = false;
                for (col, text) in cells {
                    match kept.iter().find(|(c, _)| *c == col) {
                        Some(&(_, i)) => fields[i] = text,
                        None => text_elsewhere |= !text.trim().is_empty(),
                    }
                }
                let mut record = ByteRecord::new();
                for f in &fields {
                    record.push_field(f.as_bytes());
                }
                // A row with text only in other columns is still a row (its
                // required fields are reported missing), as in a CSV file:
                // one field past the header's keeps it from looking empty.
                if text_elsewhere {
                    record.push_field(b"-");
                }
                rows.push((u64::from(row) + 1, record));
            }
        }
    };
    let mut seen_rows: u64 = 0;
    while let Some(cell) = cells.next_cell().map_err(|e| workbook(e.to_string()))? {
        let (row, col) = cell.get_position();
        if col >= MAX_SHEET_COLUMNS {
            return Err(ReadError::TooLarge {
                file: file.to_string(),
                limit: Limit::Columns,
                max: u64::from(MAX_SHEET_COLUMNS),
                detail: format!(
                    "the first sheet has a cell in column {}",
                    u64::from(col) + 1
                ),
            });
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        match &mut current {
            Some((r, cells)) if *r == row => cells.push((col, text)),
            _ => {
                seen_rows += 1;
                if seen_rows > limits.max_rows {
                    return Err(ReadError::TooLarge {
                        file: file.to_string(),
                        limit: Limit::Rows,
                        max: limits.max_rows,
                        detail: "the first sheet has more rows".to_string(),
                    });
                }
                if let Some((r, cells)) = current.replace((row, vec![(col, text)])) {
                    finish(r, cells, &mut keep);
                }
            }
        }
    }
    if let Some((r, cells)) = current.take() {
        finish(r, cells, &mut keep);
    }
    Ok(rows)
}

/// Refuses a workbook whose parts inflate, all together, to more than the
/// limit: first by the sizes the archive declares, then by inflating every
/// part into nothing and counting, since a declared size can lie.
fn check_uncompressed_size(
    handle: &mut std::fs::File,
    file: &str,
    limits: &ReadLimits,
) -> Result<(), ReadError> {
    let max = limits.max_uncompressed_bytes;
    let too_large = |detail: String| ReadError::TooLarge {
        file: file.to_string(),
        limit: Limit::UncompressedSize,
        max,
        detail,
    };
    let workbook = |reason: String| ReadError::Workbook {
        file: file.to_string(),
        reason,
    };
    let mut archive =
        zip::ZipArchive::new(BufReader::new(&mut *handle)).map_err(|e| workbook(e.to_string()))?;
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| workbook(e.to_string()))?;
        declared = declared.saturating_add(part.size());
        if declared > max {
            return Err(too_large(format!(
                "its parts up to {} declare {} MB once inflated",
                part.name(),
                declared / 1_000_000
            )));
        }
    }
    let mut inflated: u64 = 0;
    let mut sink = [0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| workbook(e.to_string()))?;
        loop {
            let n = match part.read(&mut sink) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(workbook(format!("{}: {e}", part.name()))),
            };
            inflated += n as u64;
            if inflated > max {
                return Err(too_large(format!(
                    "its parts up to {} inflate to more (the zip declared less)",
                    part.name()
                )));
            }
        }
    }
    Ok(())
}
