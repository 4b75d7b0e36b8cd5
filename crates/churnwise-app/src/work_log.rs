//! The work log of a client (issue 16, docs/work-log.md): what the team did
//! for it, entry by entry — the day, a title, what was done, an optional
//! result figure with its unit (kept exactly, in thousandths), an optional
//! http(s) link, who did it, and whether the client may see it (client
//! updates and the final report show only those) or it stays internal.
//! The API, the client page, the CLI and the import all come here.

use crate::audit::{self, Action, Actor, Subject};
use crate::bounds;
use crate::error::{AppError, AppResult};
use crate::validate::Checker;
use chrono::{NaiveDate, Utc};
use churnwise_domain::registry::{optional_text, required_text, FieldProblem};
use churnwise_store::{
    ClientId, NewWorkEntry, Page, Store, UserId, WorkEntry, WorkEntryId, WorkspaceId,
};
use serde::Serialize;

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest description, in characters.
pub const MAX_BODY: usize = 5_000;
/// Longest link, in characters.
pub const MAX_LINK: usize = 2_000;
/// Longest unit, in characters.
pub const MAX_UNIT: usize = 20;
/// Longest "who", in characters.
pub const MAX_WHO: usize = 200;
/// The largest result figure, either sign (a trillion).
pub const MAX_RESULT: i64 = 1_000_000_000_000;
/// The most entries a whole log (export, final report) holds.
pub const MAX_WHOLE_LOG: usize = 10_000;

/// `client` (the client may see it) or `internal`.
pub const VISIBILITIES: [&str; 2] = ["client", "internal"];

/// A work-log entry as typed or sent, unchecked.
#[derive(Debug, Default, Clone)]
pub struct WorkEntryInput {
    /// The day the work was done (`YYYY-MM-DD`; default today).
    pub done_on: Option<String>,
    /// What, in a line (required, at most 200 characters).
    pub title: String,
    /// What was done (at most 5,000 characters).
    pub body: Option<String>,
    /// The result figure, a decimal number with at most 3 decimals
    /// (`12.5`, `-3`, `1200`; a comma is taken as the decimal mark).
    pub result: Option<String>,
    /// The result's unit (`%`, `visits`), at most 20 characters; needs a result.
    pub unit: Option<String>,
    /// A link to the work: http or https, at most 2,000 characters.
    pub link: Option<String>,
    /// Who did it (default: the one who writes it).
    pub who: Option<String>,
    /// `client` (default) or `internal`.
    pub visibility: Option<String>,
}

/// The result figure `text` in thousandths: an optional sign, digits, and
/// at most 3 decimals after a point (or a comma), up to [`MAX_RESULT`].
pub fn parse_result(field: &str, text: &str) -> Result<i64, FieldProblem> {
    let bad = || {
        FieldProblem::new(
            field,
            "must be a number with at most 3 decimals, such as 12.5",
        )
    };
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits = if digits.contains('.') {
        digits.to_string()
    } else {
        digits.replacen(',', ".", 1)
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits.as_str(), ""),
    };
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 3
        || whole.len() > 13
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut milli_part: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| bad())?
    };
    for _ in fraction.len()..3 {
        milli_part *= 10;
    }
    if whole > MAX_RESULT || whole == MAX_RESULT && milli_part > 0 {
        return Err(FieldProblem::new(
            field,
            format!("must be at most {MAX_RESULT} either way"),
        ));
    }
    let milli = whole * 1000 + milli_part;
    Ok(if negative { -milli } else { milli })
}

/// A figure in thousandths as its shortest decimal text (`12500` is `12.5`).
pub fn format_result(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let (whole, fraction) = (abs / 1000, abs % 1000);
    if fraction == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{fraction:03}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

/// The link checked: an absolute http or https URL with a host, no spaces.
fn checked_link(field: &str, text: Option<&str>) -> Result<Option<String>, FieldProblem> {
    let Some(t) = optional_text(field, text, MAX_LINK)? else {
        return Ok(None);
    };
    let bad = || FieldProblem::new(field, "must be an absolute https:// or http:// link");
    let url = reqwest::Url::parse(&t).map_err(|_| bad())?;
    if !matches!(url.scheme(), "https" | "http")
        || url.host_str().is_none_or(str::is_empty)
        || t.chars().any(char::is_whitespace)
    {
        return Err(bad());
    }
    Ok(Some(t))
}

/// Whether the client may see it, from `client` or `internal`.
fn checked_visibility(field: &str, text: Option<&str>) -> Result<bool, FieldProblem> {
    match text.map(str::trim) {
        None | Some("") | Some("client") => Ok(true),
        Some("internal") => Ok(false),
        Some(_) => Err(FieldProblem::new(field, "must be client or internal")),
    }
}

/// Who writes an entry: the default "who" and the member behind it.
#[derive(Debug, Clone, Default)]
pub struct Writer {
    /// The name written when "who" is left out.
    pub name: Option<String>,
    /// The member, when a signed-in user writes.
    pub user: Option<UserId>,
}

impl Writer {
    /// The actor of a change as the writer of an entry.
    pub fn of(actor: &Actor) -> Self {
        Writer {
            name: Some(actor.display.clone()),
            user: actor.user,
        }
    }
}

impl WorkEntryInput {
    /// Checks every field, naming every bad one at once; a missing day is
    /// `today`, a missing "who" the writer's name (and member).
    pub fn validate(self, today: NaiveDate, writer: &Writer) -> AppResult<NewWorkEntry> {
        let mut c = Checker::default();
        let done_on = c.date("done_on", self.done_on.as_deref());
        let title = c.keep(required_text("title", &self.title, MAX_TITLE));
        let body = c.keep(optional_text("body", self.body.as_deref(), MAX_BODY));
        let result = match self.result.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(t) => c.keep(parse_result("result", t).map(Some)),
        };
        let unit = c.keep(optional_text("unit", self.unit.as_deref(), MAX_UNIT));
        if matches!((&result, &unit), (Some(None), Some(Some(_)))) {
            c.errors
                .push(FieldProblem::new("unit", "needs a result figure"));
        }
        let link = c.keep(checked_link("link", self.link.as_deref()));
        let who = c.keep(optional_text("who", self.who.as_deref(), MAX_WHO));
        let visible = c.keep(checked_visibility("visibility", self.visibility.as_deref()));
        let value = match (done_on, title, body, result, unit, link, who, visible) {
            (
                Some(done_on),
                Some(title),
                Some(body),
                Some(result_milli),
                Some(result_unit),
                Some(link),
                Some(who),
                Some(client_visible),
            ) => {
                let (who, who_user) = match who {
                    Some(name) => {
                        // The writer's own name keeps the member.
                        let same = writer.name.as_deref() == Some(name.as_str());
                        (Some(name), writer.user.filter(|_| same))
                    }
                    None => (writer.name.clone(), writer.user),
                };
                Some(NewWorkEntry {
                    done_on: done_on.unwrap_or(today),
                    title,
                    body,
                    result_milli,
                    result_unit,
                    link,
                    who,
                    who_user,
                    client_visible,
                    now_ms: Utc::now().timestamp_millis(),
                })
            }
            _ => None,
        };
        c.finish(value)
    }
}

/// The fields of an entry to change: left out keeps the value; for the
/// optional ones, `Some(None)` clears it. The result is checked whole, as
/// a new entry.
#[derive(Debug, Default, Clone)]
pub struct WorkEntryChange {
    /// The day.
    pub done_on: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// What was done.
    pub body: Option<Option<String>>,
    /// The result figure.
    pub result: Option<Option<String>>,
    /// Its unit.
    pub unit: Option<Option<String>>,
    /// The link.
    pub link: Option<Option<String>>,
    /// Who did it.
    pub who: Option<Option<String>>,
    /// `client` or `internal`.
    pub visibility: Option<String>,
}

/// An entry as the API, the pages and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkEntryView {
    /// Id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// The day the work was done.
    pub done_on: NaiveDate,
    /// What, in a line.
    pub title: String,
    /// What was done.
    pub body: Option<String>,
    /// The result figure as a decimal text (`12.5`), exact.
    pub result: Option<String>,
    /// Its unit.
    pub unit: Option<String>,
    /// A link to the work.
    pub link: Option<String>,
    /// Who did it.
    pub who: Option<String>,
    /// The member who did it, when it is one.
    pub who_user: Option<i64>,
    /// `client` (the client may see it) or `internal`.
    pub visibility: &'static str,
}

impl From<WorkEntry> for WorkEntryView {
    fn from(e: WorkEntry) -> Self {
        WorkEntryView {
            id: e.id.0,
            client_id: e.client_id.0,
            done_on: e.done_on,
            title: e.title,
            body: e.body,
            result: e.result_milli.map(format_result),
            unit: e.result_unit,
            link: e.link,
            who: e.who,
            who_user: e.who_user.map(|u| u.0),
            visibility: if e.client_visible {
                "client"
            } else {
                "internal"
            },
        }
    }
}

fn detail(e: &WorkEntry) -> String {
    format!("{} on {}", e.title, e.done_on)
}

/// Adds an entry to the work log of a client of `ws`.
pub async fn add(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    input: WorkEntryInput,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<WorkEntryView> {
    let new = input.validate(today, &Writer::of(actor))?;
    let entry = store.add_work_entry(ws, client, &new).await?;
    let subject = Subject::WorkEntry(client, entry.id);
    audit::record(
        store,
        ws,
        actor,
        Action::WorkEntryAdded,
        subject,
        &detail(&entry),
    )
    .await?;
    Ok(entry.into())
}

/// Changes an entry of a client's work log; the whole entry is checked
/// again, and a refused change stores nothing.
pub async fn edit(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: WorkEntryId,
    change: WorkEntryChange,
    actor: &Actor,
) -> AppResult<WorkEntryView> {
    let old = store
        .get_work_entry(ws, client, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kept_who = change.who.is_none();
    let input = WorkEntryInput {
        done_on: Some(change.done_on.unwrap_or_else(|| old.done_on.to_string())),
        title: change.title.unwrap_or_else(|| old.title.clone()),
        body: change.body.unwrap_or_else(|| old.body.clone()),
        result: change
            .result
            .unwrap_or_else(|| old.result_milli.map(format_result)),
        unit: change.unit.unwrap_or_else(|| old.result_unit.clone()),
        link: change.link.unwrap_or_else(|| old.link.clone()),
        who: change.who.unwrap_or_else(|| old.who.clone()),
        visibility: Some(change.visibility.unwrap_or_else(|| {
            if old.client_visible {
                "client".into()
            } else {
                "internal".into()
            }
        })),
    };
    let writer = if kept_who {
        Writer {
            name: old.who.clone(),
            user: old.who_user,
        }
    } else {
        Writer::of(actor)
    };
    let today = Utc::now().date_naive();
    let mut new = input.validate(today, &writer)?;
    if kept_who {
        new.who_user = old.who_user;
    }
    let entry = store
        .update_work_entry(ws, client, id, &new)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        store,
        ws,
        actor,
        Action::WorkEntryChanged,
        Subject::WorkEntry(client, id),
        &detail(&entry),
    )
    .await?;
    Ok(entry.into())
}

/// Deletes an entry of a client's work log.
pub async fn delete(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: WorkEntryId,
    actor: &Actor,
) -> AppResult<()> {
    let old = store
        .get_work_entry(ws, client, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !store.delete_work_entry(ws, client, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        store,
        ws,
        actor,
        Action::WorkEntryDeleted,
        Subject::WorkEntry(client, id),
        &detail(&old),
    )
    .await?;
    Ok(())
}

/// One page of a client's work log, newest first (`page` from 1,
/// `per_page` 1–500, 50 by default); only what the client may see when
/// `client_visible_only`.
pub async fn list(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    client_visible_only: bool,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<WorkEntryView>> {
    let mut c = Checker::default();
    let page = c.keep(bounds::page_number("page", page));
    let per_page = c.keep(bounds::page_size("per_page", per_page));
    let (page, per_page) = c.finish(page.zip(per_page))?;
    let found = store
        .list_work_entries(ws, client, client_visible_only, page, per_page)
        .await?;
    Ok(Page {
        items: found.items.into_iter().map(WorkEntryView::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// A client's whole work log (at most [`MAX_WHOLE_LOG`] entries, the
/// newest), newest first: for the personal-data export and the final report.
pub async fn whole_log(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    client_visible_only: bool,
) -> AppResult<Vec<WorkEntry>> {
    let per_page = bounds::MAX_PAGE_SIZE;
    let mut all = Vec::new();
    let mut page = 1;
    loop {
        let found = store
            .list_work_entries(ws, client, client_visible_only, page, per_page)
            .await?;
        let len = found.items.len();
        all.extend(found.items);
        if len < per_page as usize || all.len() >= MAX_WHOLE_LOG {
            break;
        }
        page += 1;
    }
    all.truncate(MAX_WHOLE_LOG);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Invalid(p) => p.into_iter().map(|p| p.field).collect(),
            other => panic!("expected invalid fields, got {other:?}"),
        }
    }

    #[test]
    fn a_result_figure_is_kept_exactly_in_thousandths() {
        assert_eq!(parse_result("result", "12.5"), Ok(12_500));
        assert_eq!(parse_result("result", "12,5"), Ok(12_500));
        assert_eq!(parse_result("result", "-0.125"), Ok(-125));
        assert_eq!(parse_result("result", "1200"), Ok(1_200_000));
        assert_eq!(parse_result("result", ".5"), Ok(500));
        for bad in [
            "",
            "-",
            "1.2345",
            "12%",
            "1e3",
            "1.2.3",
            "abc",
            "10000000000000",
        ] {
            assert!(parse_result("result", bad).is_err(), "{bad}");
        }
        assert_eq!(format_result(12_500), "12.5");
        assert_eq!(format_result(-125), "-0.125");
        assert_eq!(format_result(1_200_000), "1200");
    }

    #[test]
    fn every_bad_field_of_an_entry_is_named_at_once() {
        let today = NaiveDate::from_ymd_opt(2024, 5, 6).unwrap();
        let input = WorkEntryInput {
            done_on: Some("yesterday".into()),
            title: "x".repeat(201),
            body: Some("y".repeat(5001)),
            result: Some("12%".into()),
            unit: Some("%".into()),
            link: Some("javascript:alert(1)".into()),
            who: None,
            visibility: Some("public".into()),
        };
        assert_eq!(
            fields(input.validate(today, &Writer::default()).unwrap_err()),
            ["done_on", "title", "body", "result", "link", "visibility"]
        );
        let unit_alone = WorkEntryInput {
            title: "SEO audit".into(),
            unit: Some("%".into()),
            ..WorkEntryInput::default()
        };
        assert_eq!(
            fields(unit_alone.validate(today, &Writer::default()).unwrap_err()),
            ["unit"]
        );
    }

    #[test]
    fn an_entry_takes_today_and_its_writer_when_left_out() {
        let today = NaiveDate::from_ymd_opt(2024, 5, 6).unwrap();
        let writer = Writer {
            name: Some("Ana".into()),
            user: Some(UserId(7)),
        };
        let e = WorkEntryInput {
            title: "Monthly SEO report".into(),
            link: Some("https://example.com/r/1".into()),
            visibility: Some("internal".into()),
            ..WorkEntryInput::default()
        }
        .validate(today, &writer)
        .unwrap();
        assert_eq!(e.done_on, today);
        assert_eq!(e.who.as_deref(), Some("Ana"));
        assert_eq!(e.who_user, Some(UserId(7)));
        assert!(!e.client_visible);
        let other = WorkEntryInput {
            title: "Call".into(),
            who: Some("Luis (freelance)".into()),
            ..WorkEntryInput::default()
        }
        .validate(today, &writer)
        .unwrap();
        assert_eq!(other.who_user, None);
        assert!(other.client_visible);
    }
}
