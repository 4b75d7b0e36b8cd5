//! Clients: a new client's fields checked all at once (defaults from the
//! workspace's settings), and the client list's filters checked into a
//! store filter. The API, the pages and the CLI all create clients here.

use crate::audit::{self, Action, Actor, Subject};
use crate::error::{AppError, AppResult};
use crate::validate::Checker;
use churnwise_domain::registry::{
    keep_in_touch_days, optional_text, required_text, ClientStatus, FieldProblem,
};
use churnwise_domain::workspace_settings::WorkspaceSettings;
use churnwise_store::{Client, ClientFilter, ClientSort, NewClient, Store, WorkspaceId};
use serde::Deserialize;

/// Filters and pagination of the client list, unchecked.
#[derive(Debug, Default, Clone)]
pub struct ClientListQuestion {
    /// Only this status (prospect, active, leaving, former, paused).
    pub status: Option<String>,
    /// Only this owner.
    pub owner: Option<String>,
    /// Only this segment.
    pub segment: Option<String>,
    /// Name contains this text (case-insensitive).
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
    /// Order: name, -name, created, -created, owner or status (default name).
    pub sort: Option<String>,
    /// Only clients whose latest health score is at risk.
    pub at_risk: Option<bool>,
}

impl ClientListQuestion {
    /// Validates the query into a store filter.
    pub fn into_filter(self) -> AppResult<ClientFilter> {
        let status = parse_status(self.status.as_deref()).map_err(AppError::from)?;
        let per_page = crate::bounds::page_size("per_page", self.per_page)?;
        let page = crate::bounds::page_number("page", self.page)?;
        let sort = match self.sort.as_deref().map(str::trim) {
            None | Some("") => ClientSort::default(),
            Some(key) => ClientSort::from_key(key).ok_or_else(|| {
                AppError::field(
                    "sort",
                    "must be one of name, -name, created, -created, owner, status",
                )
            })?,
        };
        let nonempty =
            |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(ClientFilter {
            status,
            owner: nonempty(self.owner),
            segment: nonempty(self.segment),
            search: nonempty(self.q),
            at_risk: self.at_risk.unwrap_or(false),
            page,
            per_page,
            sort,
        })
    }
}

/// A status filter or field: blank is none.
pub fn parse_status(text: Option<&str>) -> Result<Option<ClientStatus>, FieldProblem> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t
            .parse::<ClientStatus>()
            .map(Some)
            .map_err(|e| FieldProblem::new("status", e)),
    }
}

/// A client to create, unchecked.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ClientInput {
    /// Display name (required).
    pub name: String,
    /// Id in the billing system.
    pub external_id: Option<String>,
    /// A status set by hand (default: the rule's, see `crate::status`).
    pub status: Option<String>,
    /// Account manager.
    pub owner: Option<String>,
    /// Segment.
    pub segment: Option<String>,
    /// Keep-in-touch interval in days (default: the workspace's interval for
    /// the segment, else its default).
    pub keep_in_touch_days: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
}

impl ClientInput {
    /// Validates every field with the built-in defaults.
    pub fn validate(self) -> AppResult<NewClient> {
        self.validate_with(&WorkspaceSettings::default())
    }

    /// Validates every field, reporting all invalid ones at once; a missing
    /// keep-in-touch interval comes from the workspace's settings.
    pub fn validate_with(self, settings: &WorkspaceSettings) -> AppResult<NewClient> {
        let mut c = Checker::default();
        let name = c.keep(required_text("name", &self.name, 200));
        let external_id = c.keep(optional_text(
            "external_id",
            self.external_id.as_deref(),
            100,
        ));
        let status = c.keep(parse_status(self.status.as_deref()));
        let owner = c.keep(optional_text("owner", self.owner.as_deref(), 100));
        let segment = c.keep(optional_text("segment", self.segment.as_deref(), 100));
        let days = c
            .keep(keep_in_touch_days(self.keep_in_touch_days.unwrap_or_else(
                || settings.keep_in_touch_for(self.segment.as_deref()),
            )));
        let notes = c.keep(optional_text("notes", self.notes.as_deref(), 10_000));
        let value = match (name, external_id, status, owner, segment, days, notes) {
            (
                Some(name),
                Some(external_id),
                Some(status),
                Some(owner),
                Some(segment),
                Some(days),
                Some(notes),
            ) => Some(NewClient {
                external_id,
                name,
                status: status.unwrap_or(ClientStatus::Prospect),
                owner,
                segment,
                keep_in_touch_days: days,
                notes,
            }),
            _ => None,
        };
        c.finish(value)
    }
}

/// Creates a client of `ws` from `input`, every invalid field reported at
/// once; a missing keep-in-touch interval comes from the workspace's settings.
/// Recorded in the audit log.
pub async fn create_client(
    store: &dyn Store,
    ws: WorkspaceId,
    input: ClientInput,
    actor: &Actor,
) -> AppResult<Client> {
    let settings = store.workspace_settings(ws).await?.value;
    let new = input.validate_with(&settings)?;
    store_new_client(store, ws, new, actor).await
}

/// The message of a client name another client of the workspace has.
pub const NAME_TAKEN: &str = "is already the name of another client";

/// Refuses `name` when another client of `ws` (not `except`) has it, compared
/// trimmed and case-insensitively: the CLI finds clients by name, so two
/// clients must not share one.
pub async fn ensure_name_free(
    store: &dyn Store,
    ws: WorkspaceId,
    name: &str,
    except: Option<churnwise_store::ClientId>,
) -> AppResult<()> {
    let wanted = name.trim().to_lowercase();
    if wanted.is_empty() {
        return Ok(());
    }
    let mut filter = ClientFilter {
        search: Some(name.trim().to_string()),
        per_page: 500,
        ..ClientFilter::default()
    };
    loop {
        let page = store.list_clients(ws, &filter).await?;
        let taken = page
            .items
            .iter()
            .any(|c| Some(c.id) != except && c.name.trim().to_lowercase() == wanted);
        if taken {
            return Err(AppError::Invalid(vec![FieldProblem {
                field: "name".into(),
                message: NAME_TAKEN.into(),
            }]));
        }
        if page.items.len() < filter.per_page as usize {
            return Ok(());
        }
        filter.page += 1;
    }
}

/// Stores a client already checked (the new-client page checks its own
/// form) and records it in the audit log. A new client has no segment, so
/// the rule makes it a prospect; any other status asked for is set by hand.
pub async fn store_new_client(
    store: &dyn Store,
    ws: WorkspaceId,
    new: NewClient,
    actor: &Actor,
) -> AppResult<Client> {
    ensure_name_free(store, ws, &new.name, None).await?;
    let by_hand = (new.status != ClientStatus::Prospect).then_some(new.status);
    let mut client = store.create_client(ws, new).await?;
    if let Some(status) = by_hand {
        client = store
            .update_client(
                ws,
                client.id,
                churnwise_store::ClientPatch {
                    status: Some(status),
                    ..Default::default()
                },
            )
            .await?
            .ok_or(AppError::NotFound)?;
    }
    audit::record(
        store,
        ws,
        actor,
        Action::ClientCreated,
        Subject::Client(client.id),
        &client.name,
    )
    .await?;
    Ok(client)
}

/// Changes the given fields of client `id` of `ws` and records which fields
/// in the audit log (their names, not their values).
pub async fn update_client(
    store: &dyn Store,
    ws: WorkspaceId,
    id: churnwise_store::ClientId,
    patch: churnwise_store::ClientPatch,
    actor: &Actor,
) -> AppResult<Client> {
    if let Some(name) = &patch.name {
        ensure_name_free(store, ws, name, Some(id)).await?;
    }
    let mut fields = Vec::new();
    for (set, name) in [
        (patch.name.is_some(), "name"),
        (patch.status.is_some() || patch.status_by_rule, "status"),
        (patch.owner.is_some(), "owner"),
        (patch.segment.is_some(), "segment"),
        (patch.keep_in_touch_days.is_some(), "keep_in_touch_days"),
        (patch.warning_flags.is_some(), "warning_flags"),
        (patch.notes.is_some(), "notes"),
    ] {
        if set {
            fields.push(name);
        }
    }
    store
        .update_client(ws, id, patch)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        store,
        ws,
        actor,
        Action::ClientUpdated,
        Subject::Client(id),
        &fields.join(", "),
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    crate::follow::records_changed(store, ws, &crate::follow::Touched::client(id), today).await?;
    // The rule may have changed the status: answer the client as stored.
    let client = store.get_client(ws, id).await?.ok_or(AppError::NotFound)?;
    Ok(client)
}
