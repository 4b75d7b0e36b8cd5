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

/// Writes `table` as CSV to `out`; text cells and headers are neutralised.
pub fn write_csv<W: Write>(table: &Table, out: W, options: CsvOptions) -> Result<(), ExportError> {
    let mut out = out;
    if options.byte_order_mark {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(options.delimiter)
        .from_writer(out);
    writer.write_record(
        table
            .headers()
            .iter()
            .map(|h| crate::neutralise(h).into_owned()),
    )?;
    for row in table.rows() {
        writer.write_record(row.iter().map(|c| c.csv_text()))?;
    }
    if let Some(totals) = table.computed_totals() {
        writer.write_record(totals.iter().map(|c| c.csv_text()))?;
    }
    writer.flush()?;
    Ok(())
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
            "Client,Months,MRR,Churn\nAcme,12,1234.56,7.25%\n'=cmd|' /C calc'!A0,3,99.90,\nTotal,15,1334.46,\n"
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
        assert!(bytes.starts_with("\u{feff}Client;Months;MRR;Churn\n".as_bytes()));
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
}
