//! The language of an HTTP request: the `lang` cookie, else the browser's
//! `Accept-Language`. The languages themselves, their messages and the way
//! each writes numbers, money and dates are `churnwise_app::i18n`,
//! re-exported here so templates and pages name one module.

pub use churnwise_app::i18n::*;

use axum::http::{header, HeaderMap};
use axum_extra::extract::cookie::CookieJar;
use churnwise_domain::Lang;

/// Name of the cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The language of a request: the `lang` cookie, else the best match of
/// `Accept-Language`, else English.
pub fn negotiate(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    if let Some(lang) = jar.get(LANG_COOKIE).and_then(|c| parse_code(c.value())) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lang_cookie_wins_over_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, "es".parse().unwrap());
        assert_eq!(negotiate(&headers), Lang::Es);
        headers.insert(header::COOKIE, "lang=en".parse().unwrap());
        assert_eq!(negotiate(&headers), Lang::En);
    }
}
