//! Exclusivities (issue 16, docs/clients.md): a client (the holder) holds an
//! exclusivity over a segment or against named competitors, from a day to
//! an optional day. A client whose segment (or name) falls inside another
//! client's exclusivity in force today is shown on both clients' pages, and
//! adding such a client warns first. The API, the pages and the CLI come
//! here.

use crate::audit::{self, Action, Actor, Subject};
use crate::bounds;
use crate::error::{AppError, AppResult};
use crate::validate::Checker;
use chrono::{NaiveDate, Utc};
use churnwise_domain::exclusivity::{Exclusivity, Scope};
use churnwise_store::{
    ClientId, ExclusivityId, ExclusivityProbe, Page, Store, StoredExclusivity, WorkspaceId,
};
use serde::Serialize;

/// The most conflicts (exclusivities a client falls inside) listed.
pub const MAX_CONFLICTS: u32 = 50;
/// The most clients listed inside a holder's exclusivities.
pub const MAX_INSIDE: u32 = 50;

/// An exclusivity as typed or sent, unchecked.
#[derive(Debug, Default, Clone)]
pub struct ExclusivityInput {
    /// `segment` or `competitors`.
    pub kind: String,
    /// The segment (kind `segment`).
    pub segment: Option<String>,
    /// The competitors' names (kind `competitors`), 1 to 20.
    pub competitors: Vec<String>,
    /// First day in force (`YYYY-MM-DD`, required).
    pub starts_on: Option<String>,
    /// Last day in force (`YYYY-MM-DD`), open-ended when absent.
    pub ends_on: Option<String>,
    /// A note, at most 500 characters.
    pub note: Option<String>,
}

impl ExclusivityInput {
    /// Checks every field, naming every bad one at once.
    pub fn validate(self) -> AppResult<Exclusivity> {
        let mut c = Checker::default();
        let starts_on = c.required_date("starts_on", self.starts_on.as_deref());
        let ends_on = c.date("ends_on", self.ends_on.as_deref());
        let checked = Exclusivity::new(
            &self.kind,
            self.segment.as_deref(),
            &self.competitors,
            starts_on.unwrap_or(NaiveDate::MIN),
            ends_on.flatten(),
            self.note.as_deref(),
        );
        let value = match checked {
            Ok(x) => Some(x),
            Err(problems) => {
                c.errors.extend(
                    problems
                        .into_iter()
                        .filter(|p| starts_on.is_some() || p.field != "ends_on"),
                );
                None
            }
        };
        c.finish(value.filter(|_| starts_on.is_some() && ends_on.is_some()))
    }
}

/// An exclusivity as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExclusivityView {
    /// Id.
    pub id: i64,
    /// The client holding it.
    pub client_id: i64,
    /// The holder's name.
    pub holder_name: String,
    /// `segment` or `competitors`.
    pub kind: &'static str,
    /// The segment (kind `segment`).
    pub segment: Option<String>,
    /// The competitors' names (kind `competitors`).
    pub competitors: Vec<String>,
    /// First day in force.
    pub starts_on: NaiveDate,
    /// Last day in force; open-ended when absent.
    pub ends_on: Option<NaiveDate>,
    /// A note.
    pub note: Option<String>,
}

impl From<StoredExclusivity> for ExclusivityView {
    fn from(s: StoredExclusivity) -> Self {
        let x = s.exclusivity;
        let kind = x.scope.kind();
        let (segment, competitors) = match x.scope {
            Scope::Segment(seg) => (Some(seg), Vec::new()),
            Scope::Competitors(names) => (None, names),
        };
        ExclusivityView {
            id: s.id.0,
            client_id: s.client_id.0,
            holder_name: s.holder_name,
            kind,
            segment,
            competitors,
            starts_on: x.starts_on,
            ends_on: x.ends_on,
            note: x.note,
        }
    }
}

/// A client inside a holder's exclusivity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientInsideView {
    /// The client inside.
    pub client_id: i64,
    /// Its name.
    pub name: String,
    /// The exclusivity it falls inside.
    pub exclusivity_id: i64,
}

fn detail(x: &StoredExclusivity) -> String {
    let what = match &x.exclusivity.scope {
        Scope::Segment(s) => format!("segment {s}"),
        Scope::Competitors(n) => format!("competitors {}", n.join(", ")),
    };
    let to = x
        .exclusivity
        .ends_on
        .map_or_else(String::new, |d| format!(" to {d}"));
    format!("{what} from {}{to}", x.exclusivity.starts_on)
}

/// Adds an exclusivity held by a client of `ws`; a refused one stores
/// nothing.
pub async fn add(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    input: ExclusivityInput,
    actor: &Actor,
) -> AppResult<ExclusivityView> {
    let x = input.validate()?;
    let made = store
        .add_exclusivity(ws, client, &x, Utc::now().timestamp_millis())
        .await?;
    audit::record(
        store,
        ws,
        actor,
        Action::ExclusivityAdded,
        Subject::Client(client),
        &detail(&made),
    )
    .await?;
    Ok(made.into())
}

/// One page of the exclusivities a client holds, latest start first
/// (`page` from 1, `per_page` 1–500, 50 by default).
pub async fn list(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<ExclusivityView>> {
    let mut c = Checker::default();
    let page = c.keep(bounds::page_number("page", page));
    let per_page = c.keep(bounds::page_size("per_page", per_page));
    let (page, per_page) = c.finish(page.zip(per_page))?;
    let found = store.list_exclusivities(ws, client, page, per_page).await?;
    Ok(Page {
        items: found.items.into_iter().map(ExclusivityView::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// Removes an exclusivity a client holds.
pub async fn remove(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    id: ExclusivityId,
    actor: &Actor,
) -> AppResult<()> {
    let old = store
        .get_exclusivity(ws, client, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !store.delete_exclusivity(ws, client, id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        store,
        ws,
        actor,
        Action::ExclusivityRemoved,
        Subject::Client(client),
        &detail(&old),
    )
    .await?;
    Ok(())
}

/// The exclusivities in force on `today` that a client named `name` of
/// segment `segment` would fall inside (at most [`MAX_CONFLICTS`]): what
/// adding or importing such a client warns about.
pub async fn conflicts_for(
    store: &dyn Store,
    ws: WorkspaceId,
    name: &str,
    segment: Option<&str>,
    today: NaiveDate,
) -> AppResult<Vec<ExclusivityView>> {
    probe(store, ws, name, segment, today, None).await
}

async fn probe(
    store: &dyn Store,
    ws: WorkspaceId,
    name: &str,
    segment: Option<&str>,
    today: NaiveDate,
    except: Option<ClientId>,
) -> AppResult<Vec<ExclusivityView>> {
    let probe = ExclusivityProbe {
        name: name.to_string(),
        segment: segment.map(str::to_string),
        day: today,
        except,
    };
    let found = store
        .exclusivities_covering(ws, &probe, MAX_CONFLICTS)
        .await?;
    Ok(found
        .into_iter()
        // The exact rule, once more, on what the store found.
        .filter(|x| x.exclusivity.covers(name, segment, today))
        .map(ExclusivityView::from)
        .collect())
}

/// The exclusivities of other clients that client `client` falls inside on
/// `today` (at most [`MAX_CONFLICTS`]).
pub async fn conflicts_of_client(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    today: NaiveDate,
) -> AppResult<Vec<ExclusivityView>> {
    let found = store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    if store.client_erased_at(ws, client).await?.is_some() {
        return Ok(Vec::new());
    }
    probe(
        store,
        ws,
        &found.name,
        found.segment.as_deref(),
        today,
        Some(client),
    )
    .await
}

/// The clients falling inside the exclusivities `holder` holds in force on
/// `today` (at most [`MAX_INSIDE`], by name).
pub async fn clients_inside(
    store: &dyn Store,
    ws: WorkspaceId,
    holder: ClientId,
    today: NaiveDate,
) -> AppResult<Vec<ClientInsideView>> {
    store
        .get_client(ws, holder)
        .await?
        .ok_or(AppError::NotFound)?;
    let found = store
        .clients_inside_exclusivities(ws, holder, today, MAX_INSIDE)
        .await?;
    Ok(found
        .into_iter()
        .map(|c| ClientInsideView {
            client_id: c.client_id.0,
            name: c.name,
            exclusivity_id: c.exclusivity_id.0,
        })
        .collect())
}

/// The field a conflict names, and the flag that saves anyway.
pub const CONFIRM_FIELD: &str = "confirm_exclusivity";

/// The message of a new client inside other clients' exclusivities,
/// naming the holders (`Name (#id)`).
pub fn conflict_message(conflicts: &[ExclusivityView]) -> String {
    let mut holders: Vec<String> = Vec::new();
    for c in conflicts {
        let h = format!("{} (#{})", c.holder_name, c.client_id);
        if !holders.contains(&h) {
            holders.push(h);
        }
    }
    format!(
        "falls inside the exclusivity of {}; confirm to save anyway",
        holders.join(", ")
    )
}

/// Stores a validated new client unless it falls inside another client's
/// exclusivity in force on `today` and `confirmed` is false: then nothing
/// is stored and the holders' exclusivities are answered (`Err`), for the
/// caller to show.
pub async fn store_new_client_checked(
    store: &dyn Store,
    ws: WorkspaceId,
    new: churnwise_store::NewClient,
    confirmed: bool,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<Result<churnwise_store::Client, Vec<ExclusivityView>>> {
    if !confirmed {
        let conflicts = conflicts_for(store, ws, &new.name, new.segment.as_deref(), today).await?;
        if !conflicts.is_empty() {
            return Ok(Err(conflicts));
        }
    }
    Ok(Ok(
        crate::clients::store_new_client(store, ws, new, actor).await?
    ))
}

/// Creates a client like [`crate::clients::create_client`], but when the
/// new client (its name or segment) falls inside another client's
/// exclusivity in force on `today` and `confirmed` is false, refuses it with
/// a `Conflict` on `confirm_exclusivity` naming the holders; nothing is
/// stored. Bad fields are reported first.
pub async fn create_client_checked(
    store: &dyn Store,
    ws: WorkspaceId,
    input: crate::clients::ClientInput,
    confirmed: bool,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<churnwise_store::Client> {
    let settings = store.workspace_settings(ws).await?.value;
    let new = input.validate_with(&settings)?;
    store_new_client_checked(store, ws, new, confirmed, today, actor)
        .await?
        .map_err(|conflicts| {
            AppError::Conflict(churnwise_domain::FieldProblem::new(
                CONFIRM_FIELD,
                conflict_message(&conflicts),
            ))
        })
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
    fn every_bad_field_of_an_exclusivity_is_named_at_once() {
        let input = ExclusivityInput {
            kind: "segment".into(),
            segment: None,
            starts_on: Some("soon".into()),
            ends_on: Some("2024-13-01".into()),
            note: Some("n".repeat(501)),
            ..ExclusivityInput::default()
        };
        assert_eq!(
            fields(input.validate().unwrap_err()),
            ["starts_on", "ends_on", "segment", "note"]
        );
        let missing = ExclusivityInput {
            kind: "competitors".into(),
            ..ExclusivityInput::default()
        };
        assert_eq!(
            fields(missing.validate().unwrap_err()),
            ["starts_on", "competitors"]
        );
        let ok = ExclusivityInput {
            kind: "competitors".into(),
            competitors: vec!["Acme".into()],
            starts_on: Some("2024-01-01".into()),
            ..ExclusivityInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.ends_on, None);
    }
}
