//! Files whose headers are not the ones of docs/metrics.md (a Stripe or
//! Holded export, a spreadsheet of one's own): a [`HeaderMap`] says which
//! of the file's headers feeds each column, the readers rename the headers
//! as they read (the file is never rewritten), and problems name the
//! file's own header again. [`peek`] gives a file's headers and first rows
//! as written, for a preview and the mapping step.

use crate::limits::ReadLimits;
use crate::problems::InputProblems;
use crate::rows::FileKind;
use crate::table::{ReadError, Table};
use std::path::Path;

/// Which header of the file feeds each column: `(column as docs/metrics.md
/// names it, header as written in the file)`. Headers are compared trimmed
/// and without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    pairs: Vec<(String, String)>,
}

fn normal(header: &str) -> String {
    header.trim().to_lowercase()
}

impl HeaderMap {
    /// A map from `(column, file header)` pairs; pairs with an empty header are left out.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        HeaderMap {
            pairs: pairs
                .into_iter()
                .filter(|(_, h)| !h.trim().is_empty())
                .collect(),
        }
    }

    /// True when no column is mapped (the file's headers are used as they are).
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pairs, `(column, file header)`.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The file header mapped to `column`, if any.
    pub fn header_for(&self, column: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, h)| h.as_str())
    }

    /// True when the map only says what the headers already say.
    pub fn is_identity(&self) -> bool {
        self.pairs.iter().all(|(c, h)| normal(h) == *c)
    }

    /// Renames normalised header names to the columns they feed; a header
    /// named like a column that is mapped to another header is set aside,
    /// so it cannot count twice.
    pub(crate) fn rename(&self, names: &mut [String]) {
        if self.is_empty() {
            return;
        }
        for name in names.iter_mut() {
            if let Some((column, _)) = self.pairs.iter().find(|(_, h)| normal(h) == *name) {
                *name = column.clone();
            } else if self.pairs.iter().any(|(c, _)| c == name) {
                *name = format!("{name} (not mapped)");
            }
        }
    }

    /// The header names a workbook reader keeps for `kind`: each column's
    /// mapped header, or the column's own name.
    pub(crate) fn wanted(&self, kind: FileKind) -> Vec<String> {
        kind.columns()
            .iter()
            .map(|(c, _)| self.header_for(c).map_or_else(|| c.to_string(), normal))
            .collect()
    }

    /// Problems naming the file's own headers instead of the columns they feed.
    pub(crate) fn name_user_headers(&self, mut problems: InputProblems) -> InputProblems {
        for p in &mut problems.shown {
            if let Some(h) = self.header_for(&p.column) {
                p.column = h.trim().to_string();
            }
        }
        problems
    }
}

/// A file's headers and first rows as written, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    /// The headers, trimmed, in file order (empty for a file without a header row).
    pub headers: Vec<String>,
    /// The first rows after the header: physical line and the fields, trimmed.
    pub rows: Vec<(u64, Vec<String>)>,
    /// Rows after the header in all.
    pub total_rows: u64,
}

/// The headers and the first `first` rows of a file (CSV, or `.xlsx` first
/// sheet, by its extension), within `limits`.
pub fn peek(path: &Path, limits: &ReadLimits, first: usize) -> Result<Peek, ReadError> {
    let table = Table::open_all_columns(path, limits)?;
    let headers = table.raw_header.clone().unwrap_or_default();
    let mut rows = Vec::new();
    let mut total_rows = 0u64;
    table.for_each_batch(|chunks| {
        for chunk in chunks {
            chunk.each(|line, fields| {
                total_rows += 1;
                if rows.len() < first {
                    let values = (0..headers.len().max(1))
                        .map(|i| {
                            String::from_utf8_lossy(fields.get(i).unwrap_or_default()).into_owned()
                        })
                        .collect();
                    rows.push((line, values));
                }
            });
        }
    })?;
    Ok(Peek {
        headers,
        rows,
        total_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_headers_are_renamed_and_a_same_named_unmapped_header_is_set_aside() {
        let map = HeaderMap::new([
            ("customer_id".to_string(), "Customer ID".to_string()),
            ("name".to_string(), "Company".to_string()),
        ]);
        let mut names = vec!["customer id".into(), "company".into(), "name".into()];
        map.rename(&mut names);
        assert_eq!(names, vec!["customer_id", "name", "name (not mapped)"]);
        assert!(!map.is_identity());
    }

    #[test]
    fn a_peek_shows_headers_as_written_and_the_first_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stripe.csv");
        std::fs::write(
            &path,
            "Customer ID, Email ,Name\ncus_1,a@x.com,Ann\ncus_2,b@x.com,Bob\ncus_3,c@x.com,Cy\n",
        )
        .unwrap();
        let peek = peek(&path, &ReadLimits::default(), 2).unwrap();
        assert_eq!(peek.headers, vec!["Customer ID", "Email", "Name"]);
        assert_eq!(peek.total_rows, 3);
        assert_eq!(
            peek.rows,
            vec![
                (2, vec!["cus_1".into(), "a@x.com".into(), "Ann".into()]),
                (3, vec!["cus_2".into(), "b@x.com".into(), "Bob".into()]),
            ]
        );
    }

    #[test]
    fn a_mapped_read_takes_foreign_headers_and_names_them_in_problems() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("holded.csv");
        std::fs::write(
            &path,
            "ID,Cliente,Importe mensual,Inicio\ns1,c1,12.50,2024-01-01\ns2,c1,doce,2024-02-01\n",
        )
        .unwrap();
        let map = HeaderMap::new([
            ("subscription_id".to_string(), "ID".to_string()),
            ("customer_id".to_string(), "Cliente".to_string()),
            ("mrr".to_string(), "Importe mensual".to_string()),
            ("started_on".to_string(), "Inicio".to_string()),
        ]);
        let err =
            crate::read_subscriptions_mapped(&path, &ReadLimits::default(), &map).unwrap_err();
        let crate::IngestError::Problems(p) = err else {
            panic!("{err}")
        };
        assert_eq!(p.total, 1);
        assert_eq!(
            (p.shown[0].line, p.shown[0].column.as_str()),
            (3, "Importe mensual")
        );
        std::fs::write(
            &path,
            "ID,Cliente,Importe mensual,Inicio\ns1,c1,12.50,2024-01-01\n",
        )
        .unwrap();
        let ok = crate::read_subscriptions_mapped(&path, &ReadLimits::default(), &map).unwrap();
        assert_eq!(ok.records[0].mrr.cents(), 1250);
    }

    #[test]
    fn a_workbook_with_foreign_headers_is_peeked_whole_and_read_through_the_map() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in [(0u16, "Customer ID"), (1, "Company"), (2, "Email")] {
            sheet.write_string(0, c, h).unwrap();
        }
        sheet.write_string(1, 0, "cus_1").unwrap();
        sheet.write_string(1, 1, "Acme").unwrap();
        sheet.write_string(1, 2, "a@x.com").unwrap();
        sheet.write_string(2, 0, "cus_2").unwrap();
        sheet.write_string(2, 2, "b@x.com").unwrap();
        book.save(&path).unwrap();
        let peek = peek(&path, &ReadLimits::default(), 5).unwrap();
        assert_eq!(peek.headers, vec!["Customer ID", "Company", "Email"]);
        assert_eq!(peek.total_rows, 2);
        let map = HeaderMap::new([
            ("customer_id".to_string(), "Customer ID".to_string()),
            ("name".to_string(), "Company".to_string()),
        ]);
        let err = crate::read_customers_mapped(&path, &ReadLimits::default(), &map).unwrap_err();
        let crate::IngestError::Problems(p) = err else {
            panic!("{err}")
        };
        assert_eq!(
            (p.shown[0].line, p.shown[0].column.as_str()),
            (3, "Company")
        );
    }
}
