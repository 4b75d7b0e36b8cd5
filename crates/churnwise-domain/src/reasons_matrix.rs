//! The reasons matrix (departure.md §4): departures and lost MRR by primary
//! reason × month, segment, owner or plan, with totals.

use crate::departure::{CaseError, FieldProblem, Outcome};
use crate::reasons::{ReasonKey, ReasonList};
use crate::{Lang, Money, Month};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most months one matrix may span (twenty years).
pub const MATRIX_MAX_MONTHS: i32 = 240;

/// A closed departure case, as the matrix needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedDeparture {
    /// The primary reason's key.
    pub primary_reason: ReasonKey,
    /// The outcome; saved cases are not departures and are left out.
    pub outcome: Outcome,
    /// The client's last day.
    pub end_on: NaiveDate,
    /// The monthly recurring revenue lost.
    pub lost_mrr: Money,
    /// The client's segment.
    pub segment: Option<String>,
    /// The client's owner.
    pub owner: Option<String>,
    /// The client's plan or service.
    pub plan: Option<String>,
}

/// What the rows of the matrix are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatrixDimension {
    /// One row per month of the range, empty months included.
    #[default]
    Month,
    /// One row per client segment.
    Segment,
    /// One row per owner.
    Owner,
    /// One row per plan or service.
    Plan,
}

impl MatrixDimension {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            MatrixDimension::Month => "month",
            MatrixDimension::Segment => "segment",
            MatrixDimension::Owner => "owner",
            MatrixDimension::Plan => "plan",
        }
    }

    /// The header of the row column in a language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MatrixDimension::Month => lang.pick("Month", "Mes"),
            MatrixDimension::Segment => lang.pick("Segment", "Segmento"),
            MatrixDimension::Owner => lang.pick("Owner", "Responsable"),
            MatrixDimension::Plan => lang.pick("Plan", "Plan"),
        }
    }
}

/// How many departures and how much MRR they took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixCell {
    /// Number of departures.
    pub departures: u32,
    /// Lost monthly recurring revenue.
    pub lost_mrr: Money,
}

impl MatrixCell {
    fn add(&mut self, lost_mrr: Money) {
        self.departures += 1;
        self.lost_mrr += lost_mrr;
    }
}

/// A reason column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonColumn {
    /// The reason's key.
    pub key: ReasonKey,
    /// The English label (the key when the reason is not in the list).
    pub label_en: String,
    /// The Spanish label (the key when the reason is not in the list).
    pub label_es: String,
    /// True when the reason is retired.
    pub retired: bool,
}

impl ReasonColumn {
    /// The label in a language.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.label_en, &self.label_es)
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    /// The month, segment, owner or plan; `None` for cases without one.
    pub label: Option<String>,
    /// One cell per reason column, in column order.
    pub cells: Vec<MatrixCell>,
    /// The row's total.
    pub total: MatrixCell,
}

impl MatrixRow {
    /// The row label, with "(none)" / "(ninguno)" for a missing value.
    pub fn label_or_none(&self, lang: Lang) -> &str {
        self.label
            .as_deref()
            .unwrap_or(lang.pick("(none)", "(ninguno)"))
    }
}

/// The reasons matrix with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonsMatrix {
    /// What the rows are.
    pub dimension: MatrixDimension,
    /// The first month (by end date).
    pub from: Month,
    /// The last month, included.
    pub to: Month,
    /// The reason columns: every reason with a departure in the range, in
    /// the list's order, then unknown keys.
    pub reasons: Vec<ReasonColumn>,
    /// The rows.
    pub rows: Vec<MatrixRow>,
    /// The total per reason column.
    pub totals: Vec<MatrixCell>,
    /// Everything.
    pub grand_total: MatrixCell,
}

/// Computes the matrix of lost and fired `departures` whose end date falls in
/// `from..=to`, by primary reason and `dimension`.
pub fn reasons_matrix(
    departures: &[ClosedDeparture],
    reasons: &ReasonList,
    from: Month,
    to: Month,
    dimension: MatrixDimension,
) -> Result<ReasonsMatrix, CaseError> {
    let span = from.months_until(to);
    if span < 0 {
        return Err(FieldProblem::invalid("to", "must not be before from").into());
    }
    if span >= MATRIX_MAX_MONTHS {
        return Err(FieldProblem::invalid(
            "to",
            &format!("the range must span at most {MATRIX_MAX_MONTHS} months"),
        )
        .into());
    }
    let included: Vec<&ClosedDeparture> = departures
        .iter()
        .filter(|d| d.outcome.is_departure())
        .filter(|d| (from..=to).contains(&Month::of(d.end_on)))
        .collect();

    let mut columns: Vec<ReasonColumn> = reasons
        .all()
        .iter()
        .filter(|r| included.iter().any(|d| &d.primary_reason == r.key()))
        .map(|r| ReasonColumn {
            key: r.key().clone(),
            label_en: r.label_en().to_string(),
            label_es: r.label_es().to_string(),
            retired: r.retired(),
        })
        .collect();
    let mut unknown: Vec<&ReasonKey> = included
        .iter()
        .map(|d| &d.primary_reason)
        .filter(|k| reasons.get(k).is_none())
        .collect();
    unknown.sort();
    unknown.dedup();
    columns.extend(unknown.into_iter().map(|k| ReasonColumn {
        key: k.clone(),
        label_en: k.to_string(),
        label_es: k.to_string(),
        retired: false,
    }));

    let row_key = |d: &ClosedDeparture| -> Option<String> {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match dimension {
            MatrixDimension::Month => Some(Month::of(d.end_on).to_string()),
            MatrixDimension::Segment => clean(&d.segment),
            MatrixDimension::Owner => clean(&d.owner),
            MatrixDimension::Plan => clean(&d.plan),
        }
    };
    let mut rows: BTreeMap<(bool, String), MatrixRow> = BTreeMap::new();
    let empty_row = |label: Option<String>| MatrixRow {
        label,
        cells: vec![MatrixCell::default(); columns.len()],
        total: MatrixCell::default(),
    };
    if dimension == MatrixDimension::Month {
        for month in Month::range_inclusive(from, to) {
            let label = month.to_string();
            rows.insert((false, label.clone()), empty_row(Some(label)));
        }
    }
    let mut totals = vec![MatrixCell::default(); columns.len()];
    let mut grand_total = MatrixCell::default();
    for d in included {
        let column = columns
            .iter()
            .position(|c| c.key == d.primary_reason)
            .expect("every included reason has a column");
        let label = row_key(d);
        // Rows sort by label ignoring case; the row without a value comes last.
        let sort_key = (
            label.is_none(),
            label.as_deref().unwrap_or("").to_lowercase(),
        );
        let row = rows
            .entry(sort_key)
            .or_insert_with(|| empty_row(label.clone()));
        row.cells[column].add(d.lost_mrr);
        row.total.add(d.lost_mrr);
        totals[column].add(d.lost_mrr);
        grand_total.add(d.lost_mrr);
    }
    Ok(ReasonsMatrix {
        dimension,
        from,
        to,
        reasons: columns,
        rows: rows.into_values().collect(),
        totals,
        grand_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn departure(reason: &str, end: &str, mrr: i64, segment: Option<&str>) -> ClosedDeparture {
        ClosedDeparture {
            primary_reason: ReasonKey::parse("k", reason).unwrap(),
            outcome: Outcome::Lost,
            end_on: crate::parse_date(end).unwrap(),
            lost_mrr: Money::from_cents(mrr),
            segment: segment.map(str::to_string),
            owner: Some("Ana".into()),
            plan: Some("Pro".into()),
        }
    }

    fn month(s: &str) -> Month {
        crate::parse_month(s).unwrap()
    }

    fn sample() -> Vec<ClosedDeparture> {
        vec![
            departure("price_too_high", "2024-01-15", 50_000, Some("SMB")),
            departure("price_too_high", "2024-03-31", 25_050, Some("smb")),
            departure("needs_changed", "2024-03-02", 100_000, None),
            departure("legacy_reason", "2024-03-20", 1_000, Some("Enterprise")),
            departure("needs_changed", "2023-12-31", 99_999, Some("SMB")),
            ClosedDeparture {
                outcome: Outcome::Saved,
                ..departure("price_too_high", "2024-02-10", 70_000, Some("SMB"))
            },
        ]
    }

    #[test]
    fn the_month_matrix_counts_departures_and_lost_mrr_per_reason_with_totals() {
        let m = reasons_matrix(
            &sample(),
            &ReasonList::default_list(),
            month("2024-01"),
            month("2024-03"),
            MatrixDimension::Month,
        )
        .unwrap();
        let keys: Vec<&str> = m.reasons.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            vec!["price_too_high", "needs_changed", "legacy_reason"]
        );
        let labels: Vec<&str> = m.rows.iter().map(|r| r.label.as_deref().unwrap()).collect();
        assert_eq!(labels, vec!["2024-01", "2024-02", "2024-03"]);
        assert_eq!(m.rows[1].total, MatrixCell::default());
        assert_eq!(m.rows[2].cells[0].departures, 1);
        assert_eq!(m.rows[2].total.departures, 3);
        assert_eq!(m.rows[2].total.lost_mrr, Money::from_cents(126_050));
        assert_eq!(m.totals[0].departures, 2);
        assert_eq!(m.totals[0].lost_mrr, Money::from_cents(75_050));
        assert_eq!(m.grand_total.departures, 4);
        assert_eq!(m.grand_total.lost_mrr, Money::from_cents(176_050));
        assert_eq!(m.reasons[2].label(Lang::En), "legacy_reason");
    }

    #[test]
    fn saved_cases_and_cases_outside_the_range_are_left_out() {
        let m = reasons_matrix(
            &sample(),
            &ReasonList::default_list(),
            month("2024-02"),
            month("2024-02"),
            MatrixDimension::Month,
        )
        .unwrap();
        assert_eq!(m.grand_total, MatrixCell::default());
        assert!(m.reasons.is_empty());
        assert_eq!(m.rows.len(), 1);
    }

    #[test]
    fn the_segment_matrix_groups_ignoring_case_and_puts_missing_segments_last() {
        let m = reasons_matrix(
            &sample(),
            &ReasonList::default_list(),
            month("2024-01"),
            month("2024-03"),
            MatrixDimension::Segment,
        )
        .unwrap();
        let labels: Vec<&str> = m.rows.iter().map(|r| r.label_or_none(Lang::En)).collect();
        assert_eq!(labels, vec!["Enterprise", "SMB", "(none)"]);
        assert_eq!(m.rows[1].total.departures, 2);
        assert_eq!(m.rows[2].label_or_none(Lang::Es), "(ninguno)");
    }

    #[test]
    fn the_owner_and_plan_matrices_have_one_row_per_value() {
        for dimension in [MatrixDimension::Owner, MatrixDimension::Plan] {
            let m = reasons_matrix(
                &sample(),
                &ReasonList::default_list(),
                month("2024-01"),
                month("2024-03"),
                dimension,
            )
            .unwrap();
            assert_eq!(m.rows.len(), 1);
            assert_eq!(m.rows[0].total, m.grand_total);
        }
    }

    #[test]
    fn a_range_that_ends_before_it_starts_or_is_too_long_is_refused() {
        let reasons = ReasonList::default_list();
        let err = reasons_matrix(
            &[],
            &reasons,
            month("2024-03"),
            month("2024-01"),
            MatrixDimension::Month,
        )
        .unwrap_err();
        assert_eq!(err.fields(), vec!["to"]);
        assert!(reasons_matrix(
            &[],
            &reasons,
            month("2000-01"),
            month("2024-01"),
            MatrixDimension::Month
        )
        .is_err());
    }

    #[test]
    fn the_matrix_serialises_as_simple_json() {
        let m = reasons_matrix(
            &sample()[..1],
            &ReasonList::default_list(),
            month("2024-01"),
            month("2024-01"),
            MatrixDimension::Month,
        )
        .unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"dimension":"month","from":"2024-01","to":"2024-01","reasons":[{"key":"price_too_high","label_en":"Price too high for the value","label_es":"Precio demasiado alto para el valor","retired":false}],"rows":[{"label":"2024-01","cells":[{"departures":1,"lost_mrr":500.00}],"total":{"departures":1,"lost_mrr":500.00}}],"totals":[{"departures":1,"lost_mrr":500.00}],"grand_total":{"departures":1,"lost_mrr":500.00}}"#
        );
    }
}
