//! Checks across rows of one file: duplicate ids and overlapping segments
//! of one subscription. Shared by the owned-record API and the fast path.

use chrono::NaiveDate;

/// Reason given for a repeated unique id.
pub(crate) fn duplicate_reason(first_line: u64) -> String {
    format!("the same value already appears on line {first_line}")
}

/// Reason given for a customer name another row of the file already has.
pub(crate) fn duplicate_name_reason(first_line: u64) -> String {
    format!("another customer on line {first_line} has the same name; client names must be unique")
}

/// Reason given for a segment overlapping an earlier one.
pub(crate) fn overlap_reason(other_line: u64) -> String {
    format!("the segment overlaps the one on line {other_line} of the same subscription_id")
}

/// Calls `report(line, other_line)` for each segment that overlaps an
/// earlier-starting segment of the same key, given `(key, start, end, line)`
/// sorted by key, then start, then line.
pub(crate) fn overlaps<K: PartialEq>(
    sorted: &[(K, NaiveDate, Option<NaiveDate>, u64)],
    mut report: impl FnMut(u64, u64),
) {
    // The latest end seen in the current key group (None inside = never ends).
    let mut reach: Option<(Option<NaiveDate>, u64)> = None;
    for (i, (key, start, end, line)) in sorted.iter().enumerate() {
        if i == 0 || sorted[i - 1].0 != *key {
            reach = None;
        }
        if let Some((far, far_line)) = reach {
            if far.is_none_or(|e| *start < e) {
                report(*line, far_line);
            }
        }
        let further = match reach {
            None => true,
            Some((far, _)) => match (far, end) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(f), Some(e)) => e > &f,
            },
        };
        if further {
            reach = Some((*end, *line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        churnwise_domain::parse_date(s).unwrap()
    }

    #[test]
    fn abutting_segments_do_not_overlap_but_a_later_one_inside_a_long_one_does() {
        let rows = vec![
            ("s1", d("2024-01-01"), Some(d("2024-06-01")), 2),
            ("s1", d("2024-02-01"), Some(d("2024-03-01")), 5),
            ("s1", d("2024-03-01"), Some(d("2024-04-01")), 3),
            ("s1", d("2024-06-01"), None, 4),
            ("s2", d("2024-01-01"), None, 6),
            ("s2", d("2025-01-01"), None, 7),
        ];
        let mut found = Vec::new();
        overlaps(&rows, |line, other| found.push((line, other)));
        assert_eq!(found, vec![(5, 2), (3, 2), (7, 6)]);
    }
}
