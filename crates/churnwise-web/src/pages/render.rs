//! Templates: the minijinja environment over the embedded `templates/`
//! folder, with `t(key, **vars)` for Fluent messages and filters that write
//! money, numbers, percentages and dates in the page's language. HTML is
//! escaped automatically in every `.html` template.

use super::{PageAuth, PageError};
use crate::i18n::{self, ArgValue};
use crate::AppState;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use churnwise_domain::Lang;
use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};
use rust_embed::RustEmbed;
use serde::Serialize;
use std::sync::OnceLock;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(i18n::parse_code))
        .unwrap_or_default()
}

fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match value.kind() {
            ValueKind::Number => ArgValue::Number(f64::try_from(value.clone()).unwrap_or(0.0)),
            _ => ArgValue::Text(value.to_string()),
        };
        args.push((name, arg));
    }
    Ok(i18n::message(lang_of(state), key, &args))
}

fn cents_of(value: &Value) -> Result<i64, Error> {
    i64::try_from(value.clone())
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, "money needs whole cents"))
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_loader(|name| {
            Ok(TemplateFiles::get(name)
                .map(|file| String::from_utf8_lossy(&file.data).into_owned()))
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        env.add_function("t", translate);
        env.add_filter("money", |state: &State, cents: Value| {
            Ok::<_, Error>(i18n::money(lang_of(state), cents_of(&cents)?))
        });
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the amount is rounded to whole cents first, and `as` saturates beyond \
                      ±9.2e18 cents (NaN to 0), the clamp wanted for display"
        )]
        env.add_filter("money_units", |state: &State, units: f64| {
            i18n::money(lang_of(state), (units * 100.0).round() as i64)
        });
        env.add_filter("num", |state: &State, n: Value| {
            let text = match i64::try_from(n.clone()) {
                Ok(i) => i18n::integer(lang_of(state), i),
                Err(_) => i18n::decimal(lang_of(state), f64::try_from(n).unwrap_or(0.0), 2),
            };
            Ok::<_, Error>(text)
        });
        env.add_filter("dec", |state: &State, n: f64, places: Option<usize>| {
            i18n::decimal(lang_of(state), n, places.unwrap_or(2))
        });
        env.add_filter("pct", |state: &State, n: f64| {
            i18n::percent(lang_of(state), n)
        });
        env.add_filter(
            "date",
            |state: &State, text: String| match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            {
                Ok(d) => i18n::date(lang_of(state), d),
                Err(_) => text,
            },
        );
        env.add_filter("month", |state: &State, text: String| {
            i18n::month(lang_of(state), &text)
        });
        env
    })
}

/// Renders the template `name` with `ctx` (which must hold `lang`).
pub fn render_template(name: &str, ctx: Value) -> Result<String, PageError> {
    environment()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| PageError::Internal(anyhow::anyhow!("template {name}: {e:#}")))
}

/// Renders a page: `ctx` is merged with the layout's [`Chrome`].
pub fn render(chrome: &Chrome, name: &str, ctx: Value) -> Result<Response, PageError> {
    let merged = minijinja::context! { ..ctx, ..Value::from_serialize(chrome) };
    let html = render_template(name, merged)?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        [(header::CONTENT_LANGUAGE, i18n::code(chrome.lang_value()))],
        Html(html),
    )
        .into_response())
}

/// What the layout needs on every page: language, user, workspaces, the
/// CSRF token for its forms and which navigation entry is current.
#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    /// `en` or `es`.
    pub lang: &'static str,
    /// The languages to switch to: (code, native name).
    pub langs: Vec<(&'static str, &'static str)>,
    /// The CSRF token for the layout's forms.
    pub csrf: String,
    /// The current path with its query, for the language form to come back to.
    pub path: String,
    /// Which navigation entry is current.
    pub nav: &'static str,
    /// The signed-in user, if any.
    pub user: Option<ChromeUser>,
}

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone, Serialize)]
pub struct ChromeUser {
    /// Email.
    pub email: String,
    /// The name to show and to default owners to: the display name, or the
    /// email when there is none.
    pub name: String,
    /// Current workspace.
    pub workspace: String,
    /// Role there.
    pub role: String,
    /// Every workspace of the user, by name.
    pub workspaces: Vec<String>,
    /// True when the role may change records.
    pub can_write: bool,
    /// True when the role may manage settings.
    pub can_manage: bool,
    /// True for an owner (the audit log, erasing personal data).
    pub is_owner: bool,
}

const LANG_NAMES: [(&str, &str); 2] = [("en", "English"), ("es", "Español")];

impl Chrome {
    /// The chrome of a page shown before sign-in.
    pub fn anonymous(lang: Lang, csrf: String, path: &str) -> Chrome {
        Chrome {
            lang: i18n::code(lang),
            langs: LANG_NAMES.to_vec(),
            csrf,
            path: path.to_string(),
            nav: "",
            user: None,
        }
    }

    /// The chrome of a signed-in page, with `nav` current.
    pub async fn of(
        auth: &PageAuth,
        state: &AppState,
        nav: &'static str,
    ) -> Result<Chrome, PageError> {
        let memberships = state.store.memberships(auth.access.user.id).await?;
        Ok(Chrome {
            lang: i18n::code(auth.lang),
            langs: LANG_NAMES.to_vec(),
            csrf: auth.csrf.clone(),
            path: auth.path.clone(),
            nav,
            user: Some(ChromeUser {
                email: auth.access.user.email.clone(),
                name: auth.actor().display,
                workspace: auth.access.workspace.name.clone(),
                role: auth.access.role.to_string(),
                workspaces: memberships.into_iter().map(|m| m.workspace.name).collect(),
                can_write: auth.access.role.can_write(),
                can_manage: auth.access.role.can_manage(),
                is_owner: auth.access.role == churnwise_domain::registry::Role::Owner,
            }),
        })
    }

    fn lang_value(&self) -> Lang {
        i18n::parse_code(self.lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let env = environment();
        for name in TemplateFiles::iter() {
            env.get_template(&name)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn every_message_a_template_names_exists_in_both_languages() {
        let mut missing = Vec::new();
        for name in TemplateFiles::iter() {
            let file = TemplateFiles::get(&name).unwrap();
            let text = String::from_utf8_lossy(&file.data).into_owned();
            for key in message_keys(&text) {
                for lang in i18n::LANGS {
                    if !i18n::has_message(lang, &key) {
                        missing.push(format!("{name}: {key} ({})", i18n::code(lang)));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing messages: {missing:#?}");
    }

    /// The literal keys of `t("key"...)` calls in a template.
    fn message_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for quote in ['"', '\''] {
            let open = format!("t({quote}");
            let mut rest = text;
            while let Some(i) = rest.find(&open) {
                let before = rest[..i].chars().last();
                rest = &rest[i + open.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                if let Some(end) = rest.find(quote) {
                    // `t("status-" ~ s)` builds its key; only whole keys are checked.
                    let after = rest[end + 1..].trim_start();
                    if after.starts_with(')') || after.starts_with(',') {
                        keys.push(rest[..end].to_string());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn text_from_data_is_escaped() {
        let html = render_template(
            "error.html",
            minijinja::context! { lang => "en", message_key => "<script>", status => 404 },
        )
        .unwrap();
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>alert"), "{html}");
    }
}
