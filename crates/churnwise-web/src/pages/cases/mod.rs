//! The departure case pages: the list (`/cases`, filtered by stage and
//! outcome) and one case (`/cases/{id}`), with a section per stage of
//! spec/departure.md §3 and the case's history.
//!
//! Every form of the case page posts to `/cases/{id}/{step}` with its CSRF
//! token and the version of the case it was drawn from. The handler only
//! turns the form into a [`Step`](churnwise_app::cases::Step) and runs
//! [`cases::apply`](churnwise_app::cases::apply), exactly like
//! the JSON API; the rules live in the domain. A refused step draws the page
//! again (422) with what was typed and the guard's reason, translated, next
//! to that step; a form drawn from an older version of the case is refused
//! (409) with a plain "changed since" message.
//!
//! By concern: `list` draws the list, `show` one case's page, `forms` reads
//! a posted form into a step, `explain` puts a refused step into words, and
//! `step` runs the post.

mod explain;
mod forms;
mod list;
mod show;
mod step;

pub use list::{list, ListParams};
pub use show::{show, ShowQuery};
pub use step::step;

use crate::i18n::{self, ArgValue};
use churnwise_domain::Lang;
use churnwise_store::StoredCase;
use serde::de::DeserializeOwned;

/// How many checklist items of the case are done, and how many there are.
fn checklist_progress(stored: &StoredCase) -> (usize, usize) {
    let items = stored
        .case
        .offboarding()
        .map(|c| c.items())
        .unwrap_or_default();
    (
        items.iter().filter(|i| !i.status().is_open()).count(),
        items.len(),
    )
}

/// A serde enum (stage, outcome, choice) from its name as typed.
fn enum_of<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).ok()
}

/// The message `key` in `lang` with text arguments.
fn say(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, ArgValue)> = args
        .iter()
        .map(|(k, v)| (*k, ArgValue::Text(v.clone())))
        .collect();
    i18n::message(lang, key, &args)
}

/// Reads a posted case form, as `POST /cases/{id}/{step}` does, into the
/// step of every form: the entry point of the `case_forms` fuzz target
/// (fuzz/, the `fuzzing` feature). A malformed body is refused as a 400
/// would be; nothing may panic.
#[cfg(feature = "fuzzing")]
pub fn fuzz_case_form(body: &[u8]) {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) else {
        return;
    };
    for form in forms::Form::ALL {
        let posted = forms::Posted(pairs.clone());
        let _ = posted.get("version").trim().parse::<i64>();
        let _ = posted.typed();
        for lang in [churnwise_domain::Lang::En, churnwise_domain::Lang::Es] {
            let _ = form.step(&posted, lang);
        }
    }
}
