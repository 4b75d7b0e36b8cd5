//! Files that would make an import read without bound are refused with an
//! error naming the limit: a workbook that inflates past its limit (a zip
//! bomb, even one whose zip lies about its sizes), too many rows, a CSV line
//! too long.

#![allow(clippy::unwrap_used, reason = "tests")]

use churnwise_ingest::{
    read_customers, read_subscriptions, IngestError, Limit, ReadError, ReadLimits,
};
use std::io::{Read, Write};
use std::path::Path;

/// A valid workbook whose first sheet holds a customers header and `rows`
/// rows of the same long, highly compressible text.
fn workbook_with_rows(path: &Path, rows: usize, filler_len: usize) {
    let base = path.with_extension("base.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "customer_id").unwrap();
    book.save(&base).unwrap();
    let mut input = zip::ZipArchive::new(std::fs::File::open(&base).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for i in 0..input.len() {
        let mut part = input.by_index(i).unwrap();
        let name = part.name().to_string();
        out.start_file(name.as_str(), options).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let filler = "x".repeat(filler_len);
            out.write_all(
                br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>customer_id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>"#,
            )
            .unwrap();
            for r in 2..rows + 2 {
                write!(
                    out,
                    r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>c{r}</t></is></c><c r="B{r}" t="inlineStr"><is><t>{r}{filler}</t></is></c></row>"#
                )
                .unwrap();
            }
            out.write_all(b"</sheetData></worksheet>").unwrap();
        } else {
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).unwrap();
            out.write_all(&bytes).unwrap();
        }
    }
    out.finish().unwrap();
}

fn too_large(result: Result<impl std::fmt::Debug, IngestError>) -> (Limit, String) {
    match result {
        Err(IngestError::Read(e @ ReadError::TooLarge { limit, .. })) => (limit, e.to_string()),
        other => panic!("expected a limit error, got {other:?}"),
    }
}

fn small(max_uncompressed_bytes: u64) -> ReadLimits {
    ReadLimits {
        max_uncompressed_bytes,
        ..ReadLimits::default()
    }
}

/// Rewrites the uncompressed size a zip declares for `part`, in its local
/// header and its central directory entry, to `declared`.
fn lie_about_size(path: &Path, part: &str, declared: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let name = part.as_bytes();
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let sig = &bytes[at..at + 4];
        let (name_len_at, size_at, name_at) = if sig == [0x50, 0x4b, 0x03, 0x04] {
            (at + 26, at + 22, at + 30)
        } else if sig == [0x50, 0x4b, 0x01, 0x02] {
            (at + 28, at + 24, at + 46)
        } else {
            continue;
        };
        let len = u16::from_le_bytes([bytes[name_len_at], bytes[name_len_at + 1]]) as usize;
        if bytes.get(name_at..name_at + len) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&declared.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local header and the central entry");
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_workbook_inflating_past_the_limit_is_refused_by_its_declared_size_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    // About 5 MB of sheet XML, a few kilobytes of zip.
    workbook_with_rows(&path, 20_000, 200);
    assert!(std::fs::metadata(&path).unwrap().len() < 500_000);
    let (limit, message) = too_large(read_customers(&path, &small(1_000_000)));
    assert_eq!(limit, Limit::UncompressedSize);
    assert!(message.contains("bomb.xlsx"), "{message}");
    assert!(
        message.contains("uncompressed size (1 MB, setting import.max_uncompressed_mb)"),
        "{message}"
    );
    assert!(message.contains("import.max_uncompressed_mb"), "{message}");
    // Under a limit it fits, the same file is read.
    let read = read_customers(&path, &small(10_000_000)).unwrap();
    assert_eq!(read.records.len(), 20_000);
}

#[test]
fn a_workbook_whose_zip_understates_its_sheet_is_still_refused_while_inflating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("liar.xlsx");
    workbook_with_rows(&path, 20_000, 200);
    lie_about_size(&path, "xl/worksheets/sheet1.xml", 1_000);
    let result = read_customers(&path, &small(1_000_000));
    match result {
        // Inflating the part goes past the limit before its end.
        Err(IngestError::Read(ReadError::TooLarge { limit, detail, .. })) => {
            assert_eq!(limit, Limit::UncompressedSize);
            assert!(detail.contains("xl/worksheets/sheet1.xml"), "{detail}");
        }
        other => panic!("expected a limit error, got {other:?}"),
    }
}

#[test]
fn a_sheet_with_more_rows_than_the_limit_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.xlsx");
    workbook_with_rows(&path, 101, 3);
    let limits = ReadLimits {
        max_rows: 100,
        ..ReadLimits::default()
    };
    let (limit, message) = too_large(read_customers(&path, &limits));
    assert_eq!(limit, Limit::Rows);
    assert!(
        message.contains("rows (100, setting import.max_rows)"),
        "{message}"
    );
    let limits = ReadLimits {
        max_rows: 102,
        ..ReadLimits::default()
    };
    assert_eq!(read_customers(&path, &limits).unwrap().records.len(), 101);
}

#[test]
fn a_csv_file_with_more_lines_than_the_limit_is_refused_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.csv");
    let mut text = String::from("customer_id,name\n");
    for i in 0..11 {
        text.push_str(&format!("c{i},N{i}\n"));
    }
    std::fs::write(&path, &text).unwrap();
    let limits = ReadLimits {
        max_rows: 10,
        ..ReadLimits::default()
    };
    let (limit, message) = too_large(read_customers(&path, &limits));
    assert_eq!(limit, Limit::Rows);
    assert!(
        message.starts_with(&format!("{}: ", path.display())),
        "{message}"
    );
    assert!(message.contains("import.max_rows"), "{message}");
    let limits = ReadLimits {
        max_rows: 11,
        ..ReadLimits::default()
    };
    assert_eq!(read_customers(&path, &limits).unwrap().records.len(), 11);
}

#[test]
fn a_csv_line_longer_than_the_limit_is_refused_naming_the_line_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.csv");
    let text = format!(
        "subscription_id,customer_id,mrr,started_on\ns1,c1,10,2024-01-01\ns2,{},10,2024-01-01\n",
        "y".repeat(5000)
    );
    std::fs::write(&path, &text).unwrap();
    let limits = ReadLimits {
        max_line_bytes: 4096,
        ..ReadLimits::default()
    };
    let (limit, message) = too_large(read_subscriptions(&path, &limits));
    assert_eq!(limit, Limit::LineLength);
    assert!(message.contains("line 2 after the header"), "{message}");
    assert!(
        message.contains("line length (4 KiB, setting import.max_line_kb)"),
        "{message}"
    );
}

#[test]
fn only_the_columns_of_the_file_kind_are_kept_from_a_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 1, "Name").unwrap();
    sheet.write_string(0, 3, "customer_id").unwrap();
    sheet.write_string(0, 9000, "notes").unwrap();
    sheet.write_string(1, 1, "Ann").unwrap();
    sheet.write_string(1, 3, "c1").unwrap();
    sheet.write_string(1, 9000, "ignored").unwrap();
    // A row with text only in a column nobody reads is still a row, with
    // its required fields missing, as in a CSV file.
    sheet.write_string(2, 9000, "stray").unwrap();
    book.save(&path).unwrap();
    match read_customers(&path, &ReadLimits::default()) {
        Err(IngestError::Problems(p)) => {
            let text = p.to_string();
            assert!(text.contains("wide.xlsx:3: customer_id"), "{text}");
        }
        other => panic!("expected problems on line 3, got {other:?}"),
    }
}

/// Found by `scripts/fuzz.sh` (xlsx_reader): a workbook whose cells name
/// shared strings it does not hold (its sharedStrings part renamed) made
/// calamine panic on an index; it is now refused as malformed.
#[test]
fn a_workbook_naming_shared_strings_it_does_not_hold_is_refused_not_a_panic() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/missing-shared-strings.xlsx");
    for result in [
        read_customers(&path, &ReadLimits::default()).map(|_| ()),
        read_subscriptions(&path, &ReadLimits::default()).map(|_| ()),
    ] {
        match result {
            Err(IngestError::Read(ReadError::Workbook { reason, .. })) => {
                assert!(reason.contains("malformed"), "{reason}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
