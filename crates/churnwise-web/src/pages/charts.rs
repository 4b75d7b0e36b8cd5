//! Chart documents: what a page embeds as JSON for `assets/charts.js` to
//! draw with ECharts. Labels are translated here, on the server; the
//! browser only formats axis numbers for the page's language.

use serde::Serialize;

/// How a chart's numbers are written.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Whole counts.
    Count,
    /// Money in currency units (not cents).
    Money,
    /// Percentages (5.3 means 5.3 %).
    Percent,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Draw {
    /// A line.
    Line,
    /// A dashed line (benchmarks, forecasts).
    Dashed,
    /// Bars, stacked with the chart's other stacked bars.
    StackedBar,
    /// Bars side by side.
    Bar,
    /// The lower edge of a band (drawn invisible).
    BandLow,
    /// The height of a band above its lower edge (drawn shaded).
    BandHeight,
}

/// One series of a chart.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Its name in the legend (translated).
    pub name: String,
    /// How to draw it.
    pub draw: Draw,
    /// One value per x label; `None` leaves a gap.
    pub data: Vec<Option<f64>>,
    /// 1 when drawn against the second value axis (`Chart::unit2`).
    #[serde(skip_serializing_if = "is_first_axis")]
    pub axis: u8,
}

fn is_first_axis(axis: &u8) -> bool {
    *axis == 0
}

/// A chart over categories (months, statuses).
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// `xy` for lines and bars, `heatmap` for a cohort table.
    pub kind: &'static str,
    /// `en` or `es`.
    pub lang: &'static str,
    /// Unit of the values.
    pub unit: Unit,
    /// Unit of the second value axis, at the right, if the chart has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit2: Option<Unit>,
    /// The x labels.
    pub x: Vec<String>,
    /// The y labels (heat maps only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub y: Vec<String>,
    /// The series (xy charts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<Series>,
    /// Cells `[x index, y index, value]` (heat maps).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<(usize, usize, f64)>,
    /// Vertical marks at x labels (xy charts): dates of events.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Mark>,
}

/// A vertical line at one x label, named.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Mark {
    /// The index of the x label.
    pub x: usize,
    /// What happened there (translated).
    pub label: String,
}

impl Chart {
    /// An empty lines-and-bars chart.
    pub fn xy(lang: &'static str, unit: Unit, x: Vec<String>) -> Chart {
        Chart {
            kind: "xy",
            lang,
            unit,
            unit2: None,
            x,
            y: Vec::new(),
            series: Vec::new(),
            cells: Vec::new(),
            marks: Vec::new(),
        }
    }

    /// Adds a vertical mark at the x label of index `x`.
    pub fn with_mark(mut self, x: usize, label: String) -> Chart {
        self.marks.push(Mark { x, label });
        self
    }

    /// Adds a series.
    pub fn with(mut self, name: String, draw: Draw, data: Vec<Option<f64>>) -> Chart {
        self.series.push(Series {
            name,
            draw,
            data,
            axis: 0,
        });
        self
    }

    /// Adds a series drawn against a second value axis in `unit`, at the right.
    pub fn with_second_axis(
        mut self,
        unit: Unit,
        name: String,
        draw: Draw,
        data: Vec<Option<f64>>,
    ) -> Chart {
        self.unit2 = Some(unit);
        self.series.push(Series {
            name,
            draw,
            data,
            axis: 1,
        });
        self
    }
}
