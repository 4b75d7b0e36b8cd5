//! Writing a table as CSV: the header, the rows, then the totals row.

use crate::{ExportError, Table};
use std::io::Write;

/// How the CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte order mark, so Excel reads accents right.
    pub byte_order_mark: bool,
    /// The field separator (`,` by default; `;` suits Spanish-locale Excel).
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            byte_order_mark: true,
            delimiter: b',',
        }
    }
}

/// Writes `table` as CSV to `out`; text cells and headers are neutralised
/// for readers splitting on `,` or `;` alike ([`crate::neutralise_csv`]),
/// and every field but a plain number is quoted, so a reader honouring
/// quotes sees each text cell whole whatever separator it splits on.
pub fn write_csv<W: Write>(table: &Table, out: W, options: CsvOptions) -> Result<(), ExportError> {
    let mut out = std::io::BufWriter::new(out);
    if options.byte_order_mark {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let header: Vec<Field> = table
        .headers()
        .iter()
        .map(|h| Field::Text(crate::neutralise_csv(h).into_owned()))
        .collect();
    write_record(&mut out, &header, options.delimiter)?;
    for row in table.rows() {
        let fields: Vec<Field> = row.iter().map(Field::of).collect();
        write_record(&mut out, &fields, options.delimiter)?;
    }
    if let Some(totals) = table.computed_totals() {
        let fields: Vec<Field> = totals.iter().map(Field::of).collect();
        write_record(&mut out, &fields, options.delimiter)?;
    }
    out.flush()?;
    Ok(())
}

/// One field as written: text always quoted, a figure or nothing bare.
enum Field {
    Text(String),
    Bare(String),
}

impl Field {
    fn of(cell: &crate::Cell) -> Field {
        match cell {
            crate::Cell::Text(_) => Field::Text(cell.csv_text()),
            _ => Field::Bare(cell.csv_text()),
        }
    }
}

/// Writes one record: text fields in double quotes (a quote doubled),
/// figures as they are, then a line end.
fn write_record<W: Write>(out: &mut W, fields: &[Field], delimiter: u8) -> std::io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(&[delimiter])?;
        }
        match field {
            Field::Text(t) => {
                out.write_all(b"\"")?;
                out.write_all(t.replace('"', "\"\"").as_bytes())?;
                out.write_all(b"\"")?;
            }
            Field::Bare(t) => out.write_all(t.as_bytes())?,
        }
    }
    out.write_all(b"\n")
}

/// The table as CSV bytes.
pub fn csv_bytes(table: &Table, options: CsvOptions) -> Result<Vec<u8>, ExportError> {
    let mut bytes = Vec::new();
    write_csv(table, &mut bytes, options)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::tests::sample;

    #[test]
    fn a_table_is_written_with_header_rows_totals_and_plain_numbers() {
        let bytes = csv_bytes(
            &sample(),
            CsvOptions {
                byte_order_mark: false,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"Client\",\"Months\",\"MRR\",\"Churn\"\n\"Acme\",12,1234.56,7.25%\n\"'=cmd|' /C calc'!A0\",3,99.90,\n\"Total\",15,1334.46,\n"
        );
    }

    #[test]
    fn the_csv_starts_with_a_byte_order_mark_by_default_and_can_use_semicolons() {
        let bytes = csv_bytes(
            &sample(),
            CsvOptions {
                byte_order_mark: true,
                delimiter: b';',
            },
        )
        .unwrap();
        assert!(bytes.starts_with("\u{feff}\"Client\";\"Months\";\"MRR\";\"Churn\"\n".as_bytes()));
    }

    #[test]
    fn headers_and_cells_starting_with_formula_characters_are_neutralised() {
        let mut table = Table::new("x", vec!["@header".into()]);
        for text in ["+1", "-1", "@x", "\tx", "\rx", "=1+1"] {
            table.push_row(vec![crate::Cell::text(text)]).unwrap();
        }
        let bytes = csv_bytes(
            &table,
            CsvOptions {
                byte_order_mark: false,
                ..Default::default()
            },
        )
        .unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let cells: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert!(cells.iter().all(|c| c.starts_with('\'')), "{cells:?}");
    }

    /// Every cell of `bytes` read as CSV split on `delimiter`, honouring quotes.
    fn cells_split_on(bytes: &[u8], delimiter: u8) -> Vec<String> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes)
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect()
    }

    /// Every cell of `bytes` for a careless reader: split on `,`, `;`, tabs
    /// and line ends, quotes ignored (only stripped at a cell's ends).
    fn cells_split_carelessly(bytes: &[u8]) -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .split([',', ';', '\t', '\n', '\r'])
            .map(|c| c.trim_start_matches('"').to_string())
            .collect()
    }

    #[test]
    fn no_cell_starts_with_a_formula_character_for_comma_and_semicolon_readers_alike() {
        let dangerous = [
            "y;=3+4;",
            "y,=3+4,",
            "=1+1",
            "a;+SUM(A1);b",
            "x,-2",
            "n;@cmd",
            "line\n=HYPERLINK(\"http://evil.test\")",
            "q\";=1;\"",
            "t;\t=1",
        ];
        let mut table = Table::new("x", vec!["Segment".into(), "x;=header".into()]);
        for text in dangerous {
            table
                .push_row(vec![crate::Cell::text(text), crate::Cell::text(text)])
                .unwrap();
        }
        for written_with in [b',', b';'] {
            let bytes = csv_bytes(
                &table,
                CsvOptions {
                    byte_order_mark: false,
                    delimiter: written_with,
                },
            )
            .unwrap();
            for read_with in [b',', b';'] {
                let cells = cells_split_on(&bytes, read_with);
                assert!(cells.len() >= dangerous.len());
                for cell in &cells {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "written with {:?}, read with {:?}: {cell:?}",
                        written_with as char,
                        read_with as char
                    );
                }
            }
            for cell in cells_split_carelessly(&bytes) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "written with {:?}, split carelessly: {cell:?}",
                    written_with as char
                );
            }
        }
    }
}
