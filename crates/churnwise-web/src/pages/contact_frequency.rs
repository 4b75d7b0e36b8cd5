//! Settings → Contact frequency (issue 16): the most contacts a client gets
//! in a stretch of days, for every client and by segment, through
//! `churnwise_app::contact_frequency` like `max_contacts` of the API's
//! `PUT /api/v1/settings`.

use super::forms::FieldProblems;
use super::settings_form::{save_versioned, Refusals};
use super::{render, Chrome, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use churnwise_app::contact_frequency;
use churnwise_domain::contact_frequency::{ContactLimit, MaxContactSettings};
use minijinja::context;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct FrequencyQuery {
    /// Set after a save.
    #[serde(default)]
    pub done: String,
}

/// The form, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct FrequencyForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    default_contacts: String,
    #[serde(default)]
    default_days: String,
    #[serde(default)]
    by_segment: String,
}

fn form_of(s: &MaxContactSettings, version: i64) -> FrequencyForm {
    FrequencyForm {
        version: version.to_string(),
        default_contacts: s
            .default
            .map(|l| l.contacts.to_string())
            .unwrap_or_default(),
        default_days: s.default.map(|l| l.days.to_string()).unwrap_or_default(),
        by_segment: s
            .by_segment
            .iter()
            .map(|(segment, l)| format!("{segment} = {} / {}", l.contacts, l.days))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// One `segment = contacts / days` line (`:` also separates the segment).
fn segment_line(line: &str) -> Option<(String, ContactLimit)> {
    let (segment, limit) = line.split_once('=').or_else(|| line.split_once(':'))?;
    let (contacts, days) = limit.split_once('/')?;
    let segment = segment.trim();
    if segment.is_empty() {
        return None;
    }
    Some((
        segment.to_string(),
        ContactLimit {
            contacts: contacts.trim().parse().ok()?,
            days: days.trim().parse().ok()?,
        },
    ))
}

/// The form read into settings; what cannot be read is named by its form
/// field (the bounds are checked by the app).
fn parse(form: &FrequencyForm) -> Result<MaxContactSettings, FieldProblems> {
    let mut errors = FieldProblems::new();
    let contacts = form.default_contacts.trim();
    let days = form.default_days.trim();
    let default = if contacts.is_empty() && days.is_empty() {
        None
    } else {
        let contacts = contacts.parse::<u32>().ok();
        let days = days.parse::<u32>().ok();
        if contacts.is_none() {
            errors.insert("default_contacts".to_string(), "frequency-error-contacts");
        }
        if days.is_none() {
            errors.insert("default_days".to_string(), "frequency-error-days");
        }
        contacts
            .zip(days)
            .map(|(contacts, days)| ContactLimit { contacts, days })
    };
    let mut by_segment = BTreeMap::new();
    for line in form
        .by_segment
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match segment_line(line) {
            Some((segment, limit)) => {
                by_segment.insert(segment, limit);
            }
            None => {
                errors.insert("by_segment".to_string(), "frequency-error-segments");
            }
        }
    }
    if errors.is_empty() {
        Ok(MaxContactSettings {
            default,
            by_segment,
        })
    } else {
        Err(errors)
    }
}

/// The form field and message of a field the app refused.
fn form_error(field: &str) -> (&'static str, &'static str) {
    match field {
        "default.contacts" => ("default_contacts", "frequency-error-contacts"),
        "default.days" => ("default_days", "frequency-error-days"),
        "version" => ("version", "frequency-error-stale"),
        _ => ("by_segment", "frequency-error-segments"),
    }
}

async fn page(
    state: &AppState,
    auth: &PageAuth,
    form: FrequencyForm,
    errors: FieldProblems,
    done: bool,
) -> Result<Response, PageError> {
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "contact_frequency.html",
        context! { form, errors, done },
    )
}

/// `GET /settings/contact-frequency`: the limits.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<FrequencyQuery>,
) -> Result<Response, PageError> {
    let current = contact_frequency::limits(state.store.as_ref(), auth.ws()).await?;
    let form = form_of(&current.value, current.version);
    page(
        &state,
        &auth,
        form,
        FieldProblems::new(),
        query.done == "saved",
    )
    .await
}

/// `POST /settings/contact-frequency`: saves them (owners and managers); a
/// refused form is drawn again with each reason next to its field.
pub async fn save(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<FrequencyForm>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let actor = auth.actor();
    save_versioned(
        &form.version,
        parse(&form),
        |limits, version| {
            contact_frequency::save_limits(state.store.as_ref(), auth.ws(), &actor, limits, version)
        },
        Refusals {
            field: |p| form_error(&p.field),
            stale: "frequency-error-stale",
        },
        "/settings/contact-frequency?done=saved",
        |errors| page(&state, &auth, form.clone(), errors, false),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_line_reads_contacts_and_days() {
        let (segment, limit) = segment_line("smb = 2 / 30").unwrap();
        assert_eq!(segment, "smb");
        assert_eq!(
            limit,
            ContactLimit {
                contacts: 2,
                days: 30
            }
        );
        assert!(segment_line("smb = 2").is_none());
        assert!(segment_line(" = 2 / 30").is_none());
        assert!(segment_line("smb = two / 30").is_none());
    }
}
