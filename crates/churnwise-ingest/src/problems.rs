//! Problems found in input files, reported as `file:line: column: reason`:
//! the first [`MAX_SHOWN`] in file and line order, and how many in all.

use std::fmt;

/// How many problems a report shows.
pub const MAX_SHOWN: usize = 20;

/// One problem in one row (or the header) of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file name as the user gave it.
    pub file: String,
    /// Physical line in the file (the header is line 1).
    pub line: u64,
    /// The column concerned, as the spec names it.
    pub column: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.column, self.reason
        )
    }
}

/// Why input files were rejected: the first problems and the total count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputProblems {
    /// The first problems, in file then line order (at most [`MAX_SHOWN`]).
    pub shown: Vec<Problem>,
    /// The number of problems found in all.
    pub total: usize,
}

impl fmt::Display for InputProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.shown {
            writeln!(f, "{p}")?;
        }
        let s = if self.total == 1 { "" } else { "s" };
        if self.total > self.shown.len() {
            write!(
                f,
                "{} problem{s} in all (the first {} shown); nothing was read",
                self.total,
                self.shown.len()
            )
        } else {
            write!(f, "{} problem{s}; nothing was read", self.total)
        }
    }
}

/// A collector that counts every problem and keeps the first ones by
/// (file rank, line), whatever order they are found in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Problems {
    kept: Vec<(u8, Problem)>,
    total: usize,
}

impl Problems {
    /// Records a problem of the file of rank `rank` (order of reporting).
    pub fn push(&mut self, rank: u8, file: &str, line: u64, column: &str, reason: String) {
        self.total += 1;
        if self.kept.len() >= MAX_SHOWN {
            let worst = self.kept.iter().map(|(r, p)| (*r, p.line)).max();
            if worst.is_some_and(|w| w < (rank, line)) {
                return;
            }
        }
        self.kept.push((
            rank,
            Problem {
                file: file.to_string(),
                line,
                column: column.to_string(),
                reason,
            },
        ));
        if self.kept.len() >= 4 * MAX_SHOWN {
            self.trim();
        }
    }

    /// Keeps the first ones in (file, line, column, reason) order, so that
    /// the report does not depend on the order problems were found in.
    fn trim(&mut self) {
        self.kept.sort_by(|(ra, a), (rb, b)| {
            (ra, a.line, &a.column, &a.reason).cmp(&(rb, b.line, &b.column, &b.reason))
        });
        self.kept.truncate(MAX_SHOWN);
    }

    /// Counts problems that are known to come after the kept ones.
    pub fn count_unshown(&mut self, n: usize) {
        self.total += n;
    }

    /// Adds the problems of another collector.
    pub fn merge(&mut self, other: Problems) {
        self.total += other.total;
        self.kept.extend(other.kept);
        if self.kept.len() >= 4 * MAX_SHOWN {
            self.trim();
        }
    }

    /// The report, or `Ok` when there is nothing to report.
    pub fn into_result(mut self) -> Result<(), InputProblems> {
        if self.total == 0 {
            return Ok(());
        }
        self.trim();
        Err(InputProblems {
            shown: self.kept.into_iter().map(|(_, p)| p).collect(),
            total: self.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_displays_as_file_line_column_reason() {
        let p = Problem {
            file: "subscriptions.csv".into(),
            line: 1042,
            column: "mrr".into(),
            reason: "\"12,5\" is not a decimal with \".\" as separator".into(),
        };
        assert_eq!(
            p.to_string(),
            "subscriptions.csv:1042: mrr: \"12,5\" is not a decimal with \".\" as separator"
        );
    }

    #[test]
    fn only_the_first_twenty_by_file_and_line_are_kept_but_all_are_counted() {
        let mut problems = Problems::default();
        for line in (2..200).rev() {
            problems.push(1, "b.csv", line, "x", "bad".into());
        }
        problems.push(0, "a.csv", 500, "y", "bad".into());
        let report = problems.into_result().unwrap_err();
        assert_eq!(report.total, 199);
        assert_eq!(report.shown.len(), MAX_SHOWN);
        assert_eq!(report.shown[0].file, "a.csv");
        assert_eq!(report.shown[1].line, 2);
        assert_eq!(report.shown[19].line, 20);
        assert!(report
            .to_string()
            .ends_with("199 problems in all (the first 20 shown); nothing was read"));
    }
}
