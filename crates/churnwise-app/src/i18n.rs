//! The product's two languages: Fluent messages from `locales/{en,es}/`
//! (pages, digests and CLI share them), language codes, and numbers, money
//! and dates written the way each language writes them. Choosing the
//! language of an HTTP request is the web crate's business.
//!
//! Formatting is deliberately simple and documented here rather than
//! pulled from CLDR: English writes `€1,234.56`, `12 Mar 2024` and
//! `5.3%`; Spanish writes `1.234,56 €`, `12 mar 2024` and `5,3 %`
//! (thousands always grouped). Amounts are in the workspace's one
//! currency, shown as euros until the currency becomes a setting.

use chrono::NaiveDate;
use churnwise_domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages the interface speaks, in the order the switcher shows them.
pub const LANGS: [Lang; 2] = [Lang::En, Lang::Es];

/// The short code of a language (`en`, `es`).
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Es => "es",
    }
}

/// The language of a short code, if it is one we speak.
pub fn parse_code(text: &str) -> Option<Lang> {
    let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "en" => Some(Lang::En),
        "es" => Some(Lang::Es),
        _ => None,
    }
}

/// The first language we speak in an `Accept-Language` value, by weight.
pub fn from_accept_language(value: &str) -> Option<Lang> {
    let mut ranked: Vec<(f32, usize, Lang)> = value
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let lang = parse_code(pieces.next()?)?;
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0).then_some((q, i, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2)
}

fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::En => fluent_templates::langid!("en"),
        Lang::Es => fluent_templates::langid!("es"),
    }
}

/// The message `key` in `lang`, with `args` as Fluent variables; a missing
/// message shows its key, so it is noticed rather than hidden.
pub fn message(lang: Lang, key: &str, args: &[(&str, ArgValue)]) -> String {
    // A key may carry a limit after a colon (`form-too-long-max:200`, made by
    // the web forms), given to the message as `$max`.
    let limit = key
        .split_once(':')
        .and_then(|(k, n)| n.parse::<f64>().ok().map(|n| (k, n)));
    let key = limit.map_or(key, |(k, _)| k);
    let max = limit.map(|(_, n)| ("max", ArgValue::Number(n)));
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .chain(max.iter())
        .map(|(name, value)| {
            let value = match value {
                ArgValue::Text(t) => FluentValue::from(t.clone()),
                ArgValue::Number(n) => FluentValue::from(*n),
            };
            (Cow::Owned((*name).to_string()), value)
        })
        .collect();
    LOCALES
        .try_lookup_complete(&langid(lang), key, (!args.is_empty()).then_some(&args))
        .unwrap_or_else(|| key.to_string())
}

/// The ids of the messages a Fluent file defines (for tests that check
/// both languages and every key a template names).
pub fn message_ids(ftl: &str) -> std::collections::BTreeSet<String> {
    ftl.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

/// True when the Fluent file of `lang` defines `key` itself (no fallback).
pub fn has_message(lang: Lang, key: &str) -> bool {
    message_ids(&ftl_text(lang)).contains(key)
}

/// Every Fluent file of `lang`, one after the other.
pub fn ftl_text(lang: Lang) -> String {
    match lang {
        Lang::En => [
            include_str!("../locales/en/main.ftl"),
            include_str!("../locales/en/health.ftl"),
            include_str!("../locales/en/privacy.ftl"),
            include_str!("../locales/en/entry.ftl"),
            include_str!("../locales/en/status.ftl"),
            include_str!("../locales/en/owners.ftl"),
            include_str!("../locales/en/import.ftl"),
            include_str!("../locales/en/dashboard.ftl"),
            include_str!("../locales/en/reminders.ftl"),
            include_str!("../locales/en/stripe.ftl"),
            include_str!("../locales/en/billing_page.ftl"),
            include_str!("../locales/en/forms.ftl"),
            include_str!("../locales/en/billing_signals.ftl"),
            include_str!("../locales/en/usage.ftl"),
            include_str!("../locales/en/ideal_client.ftl"),
            include_str!("../locales/en/outhooks.ftl"),
            include_str!("../locales/en/cancel.ftl"),
            include_str!("../locales/en/survival.ftl"),
            include_str!("../locales/en/stripe_cancel.ftl"),
            include_str!("../locales/en/usage_finish.ftl"),
            include_str!("../locales/en/work_log.ftl"),
            include_str!("../locales/en/exclusivity.ftl"),
            include_str!("../locales/en/client_updates.ftl"),
            include_str!("../locales/en/frequency.ftl"),
        ]
        .as_slice(),
        Lang::Es => [
            include_str!("../locales/es/main.ftl"),
            include_str!("../locales/es/health.ftl"),
            include_str!("../locales/es/privacy.ftl"),
            include_str!("../locales/es/entry.ftl"),
            include_str!("../locales/es/status.ftl"),
            include_str!("../locales/es/owners.ftl"),
            include_str!("../locales/es/import.ftl"),
            include_str!("../locales/es/dashboard.ftl"),
            include_str!("../locales/es/reminders.ftl"),
            include_str!("../locales/es/stripe.ftl"),
            include_str!("../locales/es/billing_page.ftl"),
            include_str!("../locales/es/forms.ftl"),
            include_str!("../locales/es/billing_signals.ftl"),
            include_str!("../locales/es/usage.ftl"),
            include_str!("../locales/es/ideal_client.ftl"),
            include_str!("../locales/es/outhooks.ftl"),
            include_str!("../locales/es/cancel.ftl"),
            include_str!("../locales/es/survival.ftl"),
            include_str!("../locales/es/stripe_cancel.ftl"),
            include_str!("../locales/es/usage_finish.ftl"),
            include_str!("../locales/es/work_log.ftl"),
            include_str!("../locales/es/exclusivity.ftl"),
            include_str!("../locales/es/client_updates.ftl"),
            include_str!("../locales/es/frequency.ftl"),
        ]
        .as_slice(),
    }
    .join("\n")
}

/// A Fluent variable's value.
#[derive(Debug, Clone)]
pub enum ArgValue {
    /// Text, inserted as is.
    Text(String),
    /// A number, which also selects plural forms.
    Number(f64),
}

/// Writes an integer with the language's thousands separator.
pub fn integer(lang: Lang, n: i64) -> String {
    lang.integer(n)
}

/// Writes an amount of cents as money: `€1,234.56` or `1.234,56 €`.
pub fn money(lang: Lang, cents: i64) -> String {
    lang.money(cents)
}

/// Writes a decimal number with `decimals` places and the language's separators.
pub fn decimal(lang: Lang, value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    let mut out = format!("{sign}{}", integer(lang, whole));
    if !fraction.is_empty() {
        out.push(match lang {
            Lang::En => '.',
            Lang::Es => ',',
        });
        out.push_str(fraction);
    }
    out
}

/// Writes a percentage with one decimal: `5.3%` or `5,3 %`.
pub fn percent(lang: Lang, value: f64) -> String {
    match lang {
        Lang::En => format!("{}%", decimal(lang, value, 1)),
        Lang::Es => format!("{}\u{a0}%", decimal(lang, value, 1)),
    }
}

fn month_abbr(lang: Lang, month0: usize) -> &'static str {
    lang.month_abbr(month0)
}

/// Writes a date: `12 Mar 2024` or `12 mar 2024`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    lang.date(d)
}

/// Writes a month given as `YYYY-MM`: `Mar 2024` or `mar 2024`; other text
/// is returned unchanged.
pub fn month(lang: Lang, text: &str) -> String {
    let parsed = text.split_once('-').and_then(|(y, m)| {
        let m: usize = m.parse().ok()?;
        (1..=12).contains(&m).then_some((y, m))
    });
    match parsed {
        Some((y, m)) => format!("{} {y}", month_abbr(lang, m - 1)),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_placed_the_way_each_language_writes_it() {
        assert_eq!(money(Lang::En, 123_456), "€1,234.56");
        assert_eq!(money(Lang::Es, 123_456), "1.234,56\u{a0}€");
        assert_eq!(money(Lang::En, -5), "-€0.05");
        assert_eq!(money(Lang::Es, 100_000_000), "1.000.000,00\u{a0}€");
    }

    #[test]
    fn percentages_and_decimals_use_the_language_separator() {
        assert_eq!(percent(Lang::En, 5.26), "5.3%");
        assert_eq!(percent(Lang::Es, 5.26), "5,3\u{a0}%");
        assert_eq!(decimal(Lang::Es, 1234.5, 2), "1.234,50");
        assert_eq!(decimal(Lang::En, -0.001, 1), "0.0");
    }

    #[test]
    fn dates_and_months_use_the_language_month_names() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 12).unwrap();
        assert_eq!(date(Lang::En, d), "12 Mar 2024");
        assert_eq!(date(Lang::Es, d), "12 mar 2024");
        assert_eq!(month(Lang::Es, "2024-08"), "ago 2024");
        assert_eq!(month(Lang::En, "total"), "total");
    }

    #[test]
    fn accept_language_picks_the_heaviest_language_we_speak() {
        assert_eq!(
            from_accept_language("es-ES,es;q=0.9,en;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            from_accept_language("fr-FR, en;q=0.5, es;q=0.7"),
            Some(Lang::Es)
        );
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language("es;q=0, en"), Some(Lang::En));
    }

    #[test]
    fn english_and_spanish_define_the_same_messages() {
        let en = message_ids(&ftl_text(Lang::En));
        let es = message_ids(&ftl_text(Lang::Es));
        let only_en: Vec<_> = en.difference(&es).collect();
        let only_es: Vec<_> = es.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_es.is_empty(),
            "only en: {only_en:?}, only es: {only_es:?}"
        );
        assert!(en.len() > 100);
    }

    #[test]
    fn messages_take_variables_and_a_missing_one_shows_its_key() {
        assert_eq!(message(Lang::Es, "nav-clients", &[]), "Clientes");
        assert_eq!(message(Lang::En, "no-such-message", &[]), "no-such-message");
        let text = message(
            Lang::En,
            "clients-count",
            &[("count", ArgValue::Number(1.0))],
        );
        assert_eq!(text, "1 client");
    }
}
