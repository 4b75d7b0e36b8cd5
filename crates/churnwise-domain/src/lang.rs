//! The two languages the product speaks.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A language of the user interface and of human descriptions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Picks the English or the Spanish text.
    pub fn pick<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }

    /// Writes an integer with the language's thousands separator
    /// (`1,234` or `1.234`).
    pub fn integer(self, n: i64) -> String {
        let sep = self.pick(",", ".");
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(ch);
        }
        out
    }

    /// Writes an amount of cents as money: `€1,234.56` or `1.234,56 €`.
    pub fn money(self, cents: i64) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        #[expect(
            clippy::cast_possible_wrap,
            reason = "abs / 100 of an i64's magnitude is below i64::MAX"
        )]
        let units = self.integer((abs / 100) as i64);
        let fraction = abs % 100;
        match self {
            Lang::En => format!("{sign}€{units}.{fraction:02}"),
            Lang::Es => format!("{sign}{units},{fraction:02}\u{a0}€"),
        }
    }

    /// The abbreviated name of a month (0-based): `Mar` or `mar`.
    pub fn month_abbr(self, month0: usize) -> &'static str {
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        const ES: [&str; 12] = [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ];
        match self {
            Lang::En => EN[month0 % 12],
            Lang::Es => ES[month0 % 12],
        }
    }

    /// Writes a date the way the pages do: `12 Mar 2024` or `12 mar 2024`.
    pub fn date(self, d: NaiveDate) -> String {
        format!(
            "{} {} {}",
            d.day(),
            self.month_abbr(d.month0() as usize),
            d.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_money_are_written_the_way_each_language_writes_them() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(Lang::En.date(d), "5 Dec 2026");
        assert_eq!(Lang::Es.date(d), "5 dic 2026");
        assert_eq!(Lang::En.money(123_456), "€1,234.56");
        assert_eq!(Lang::Es.money(-123_456), "-1.234,56\u{a0}€");
    }
}
