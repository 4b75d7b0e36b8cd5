//! What else we do (issue 16, docs/client-updates.md): the workspace's
//! catalogue of services, which of them each client buys, and which it has
//! never been offered (not bought, never suggested). A client update may
//! suggest at most one service never offered and not bought, and none while
//! the client has an open departure case or complained in the last 90
//! days; once the update is sent the service counts as offered, and the
//! owner records the client's answer: accepted (the client now buys it,
//! logged as an interaction note and audited) or declined.

use crate::audit::{self, Action, Actor, Subject};
use crate::bounds;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, ArgValue};
use crate::records::{self, InteractionInput};
use crate::validate::Checker;
use chrono::{Duration, NaiveDate, Utc};
use churnwise_domain::registry::{optional_text, required_text, FieldProblem, InteractionKind};
use churnwise_domain::Lang;
use churnwise_store::{ClientId, NewService, Page, Service, ServiceId, Store, WorkspaceId};
use serde::Serialize;

/// The most services a catalogue holds.
pub const MAX_SERVICES: i64 = 500;
/// Longest name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 1_000;
/// A complaint this many days back or fewer holds suggestions back.
pub const COMPLAINT_DAYS: i64 = 90;

/// A service as typed or sent, unchecked.
#[derive(Debug, Default, Clone)]
pub struct ServiceInput {
    /// Its name (required, at most 100 characters, unique in the workspace).
    pub name: String,
    /// What it is, for the client (at most 1,000 characters).
    pub description: Option<String>,
    /// Offered to clients while active (default true).
    pub active: Option<bool>,
}

impl ServiceInput {
    fn validate(self) -> AppResult<NewService> {
        let mut c = Checker::default();
        let name = c.keep(required_text("name", &self.name, MAX_NAME));
        let description = c.keep(optional_text(
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION,
        ));
        let value = name.zip(description).map(|(name, description)| NewService {
            name,
            description,
            active: self.active.unwrap_or(true),
            now_ms: Utc::now().timestamp_millis(),
        });
        c.finish(value)
    }
}

/// A service as the API and the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceView {
    /// Id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: Option<String>,
    /// Offered to clients while active.
    pub active: bool,
}

impl From<Service> for ServiceView {
    fn from(s: Service) -> Self {
        ServiceView {
            id: s.id.0,
            name: s.name,
            description: s.description,
            active: s.active,
        }
    }
}

/// Adds a service to the catalogue of `ws` (at most [`MAX_SERVICES`]); a
/// taken name is a conflict naming `name`.
pub async fn add(
    store: &dyn Store,
    ws: WorkspaceId,
    input: ServiceInput,
    actor: &Actor,
) -> AppResult<ServiceView> {
    let new = input.validate()?;
    let held = store.list_services(ws, false, 1, 1).await?.total;
    if held >= MAX_SERVICES {
        return Err(AppError::field(
            "name",
            format!("the catalogue holds {MAX_SERVICES} services already"),
        ));
    }
    let made = store.add_service(ws, &new).await?;
    audit::record(
        store,
        ws,
        actor,
        Action::ServiceAdded,
        Subject::Workspace,
        &made.name,
    )
    .await?;
    Ok(made.into())
}

/// Replaces a service's name, description and active flag.
pub async fn edit(
    store: &dyn Store,
    ws: WorkspaceId,
    id: ServiceId,
    input: ServiceInput,
    actor: &Actor,
) -> AppResult<ServiceView> {
    let new = input.validate()?;
    let changed = store
        .update_service(ws, id, &new)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        store,
        ws,
        actor,
        Action::ServiceChanged,
        Subject::Workspace,
        &format!(
            "{}{}",
            changed.name,
            if changed.active { "" } else { " (inactive)" }
        ),
    )
    .await?;
    Ok(changed.into())
}

/// One page of the catalogue of `ws`, by name (`page` from 1, `per_page`
/// 1–500, 50 by default); only active services when `active_only`.
pub async fn list(
    store: &dyn Store,
    ws: WorkspaceId,
    active_only: bool,
    page: Option<u32>,
    per_page: Option<u32>,
) -> AppResult<Page<ServiceView>> {
    let mut c = Checker::default();
    let page = c.keep(bounds::page_number("page", page));
    let per_page = c.keep(bounds::page_size("per_page", per_page));
    let (page, per_page) = c.finish(page.zip(per_page))?;
    let found = store.list_services(ws, active_only, page, per_page).await?;
    Ok(Page {
        items: found.items.into_iter().map(ServiceView::from).collect(),
        page: found.page,
        per_page: found.per_page,
        total: found.total,
    })
}

/// The whole catalogue (at most [`MAX_SERVICES`]), by name.
async fn catalogue(store: &dyn Store, ws: WorkspaceId) -> AppResult<Vec<Service>> {
    Ok(store
        .list_services(ws, false, 1, bounds::MAX_PAGE_SIZE)
        .await?
        .items)
}

/// A service suggested in an update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The service.
    pub service_id: i64,
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: Option<String>,
    /// The paragraph of the update that suggests it, in its language.
    pub text: String,
}

/// Why an update suggests no service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSuggestion {
    /// The client has an open departure case.
    OpenCase,
    /// The client complained in the last [`COMPLAINT_DAYS`] days.
    RecentComplaint,
    /// Every active service is bought or was offered already.
    NoneLeft,
}

impl NoSuggestion {
    /// The stable key sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            NoSuggestion::OpenCase => "open_case",
            NoSuggestion::RecentComplaint => "recent_complaint",
            NoSuggestion::NoneLeft => "none_left",
        }
    }
}

/// Whether the client is in no state to hear of more services on
/// `today`: an open case, or a complaint in the last [`COMPLAINT_DAYS`].
async fn held_back(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    today: NaiveDate,
) -> AppResult<Option<NoSuggestion>> {
    if crate::final_report::open_case_of(store, ws, client)
        .await?
        .is_some()
    {
        return Ok(Some(NoSuggestion::OpenCase));
    }
    let since = today - Duration::days(COMPLAINT_DAYS);
    let complained = store
        .list_interactions(ws, client)
        .await?
        .iter()
        .any(|i| i.kind == InteractionKind::Complaint && i.occurred_on >= since);
    Ok(complained.then_some(NoSuggestion::RecentComplaint))
}

/// The active services `client` neither buys nor was ever offered, by name.
async fn never_offered(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
) -> AppResult<Vec<Service>> {
    let marks = store.client_services(ws, client).await?;
    Ok(catalogue(store, ws)
        .await?
        .into_iter()
        .filter(|s| {
            s.active
                && !marks
                    .iter()
                    .any(|m| m.service_id == s.id && (m.buys || m.offered_on.is_some()))
        })
        .collect())
}

/// The one service an update of `client` may suggest on `today`, with its
/// paragraph in `lang`, or why none.
pub async fn suggestion_for(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    lang: Lang,
    today: NaiveDate,
) -> AppResult<Result<Suggestion, NoSuggestion>> {
    if let Some(why) = held_back(store, ws, client, today).await? {
        return Ok(Err(why));
    }
    let Some(service) = never_offered(store, ws, client).await?.into_iter().next() else {
        return Ok(Err(NoSuggestion::NoneLeft));
    };
    let name = ArgValue::Text(service.name.clone());
    let text = match &service.description {
        Some(d) => i18n::message(
            lang,
            "client-update-suggestion-described",
            &[
                ("service", name),
                ("description", ArgValue::Text(d.clone())),
            ],
        ),
        None => i18n::message(lang, "client-update-suggestion", &[("service", name)]),
    };
    Ok(Ok(Suggestion {
        service_id: service.id.0,
        name: service.name,
        description: service.description,
        text,
    }))
}

/// `service` checked as the suggestion of an update of `client` sent on
/// `today`: refused, naming `suggested_service_id`, unless an update may
/// suggest it now (active, never offered nor bought, nothing held back).
pub async fn check_suggestion(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    service: ServiceId,
    today: NaiveDate,
) -> AppResult<Result<ServiceId, FieldProblem>> {
    let field = "suggested_service_id";
    match held_back(store, ws, client, today).await? {
        Some(NoSuggestion::OpenCase) => {
            return Ok(Err(FieldProblem::new(
                field,
                "no service is suggested while the client has an open case",
            )))
        }
        Some(_) => {
            return Ok(Err(FieldProblem::new(
                field,
                format!("no service is suggested within {COMPLAINT_DAYS} days of a complaint"),
            )))
        }
        None => {}
    }
    if never_offered(store, ws, client)
        .await?
        .iter()
        .any(|s| s.id == service)
    {
        Ok(Ok(service))
    } else {
        Ok(Err(FieldProblem::new(
            field,
            "must be an active service the client neither buys nor was offered",
        )))
    }
}

/// A service offered to a client, with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferView {
    /// The service.
    pub service: ServiceView,
    /// The day an update suggested it.
    pub offered_on: NaiveDate,
    /// `accepted` or `declined`; none while unanswered.
    pub answer: Option<String>,
    /// The day of the answer.
    pub answered_on: Option<NaiveDate>,
}

/// Where a client stands with the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientServices {
    /// The services it buys, by name.
    pub buys: Vec<ServiceView>,
    /// The services an update suggested, by name.
    pub offered: Vec<OfferView>,
    /// The active services it neither buys nor was ever offered, by name.
    pub never_offered: Vec<ServiceView>,
}

/// Where a client of `ws` stands with the catalogue.
pub async fn of_client(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
) -> AppResult<ClientServices> {
    store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let marks = store.client_services(ws, client).await?;
    let mut out = ClientServices {
        buys: Vec::new(),
        offered: Vec::new(),
        never_offered: Vec::new(),
    };
    for s in catalogue(store, ws).await? {
        let mark = marks.iter().find(|m| m.service_id == s.id);
        if mark.is_some_and(|m| m.buys) {
            out.buys.push(s.clone().into());
        }
        match mark.and_then(|m| m.offered_on.map(|on| (m, on))) {
            Some((m, on)) => out.offered.push(OfferView {
                service: s.into(),
                offered_on: on,
                answer: m.answer.clone(),
                answered_on: m.answered_on,
            }),
            None if s.active && !mark.is_some_and(|m| m.buys) => out.never_offered.push(s.into()),
            None => {}
        }
    }
    Ok(out)
}

/// Marks whether a client buys a service of the catalogue.
pub async fn set_buys(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    service: ServiceId,
    buys: bool,
    actor: &Actor,
) -> AppResult<ClientServices> {
    let found = store
        .get_service(ws, service)
        .await?
        .ok_or(AppError::NotFound)?;
    store.set_client_buys(ws, client, service, buys).await?;
    audit::record(
        store,
        ws,
        actor,
        Action::ClientServiceChanged,
        Subject::Client(client),
        &format!(
            "{} {}",
            if buys { "buys" } else { "no longer buys" },
            found.name
        ),
    )
    .await?;
    of_client(store, ws, client).await
}

/// Records the client's answer to a service an update offered: `accepted`
/// (it now buys it; logged as an interaction note and audited) or
/// `declined`. Refused naming `answer` for another word, and naming
/// `service_id` when the service was not offered or the offer was answered.
pub async fn answer(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    service: ServiceId,
    answer: &str,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<ClientServices> {
    let accepted = match answer.trim() {
        "accepted" => true,
        "declined" => false,
        _ => return Err(AppError::field("answer", "must be accepted or declined")),
    };
    store
        .get_client(ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let found = store
        .get_service(ws, service)
        .await?
        .ok_or(AppError::NotFound)?;
    store
        .answer_service_offer(ws, client, service, accepted, today)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "service_id",
                "was not offered to this client, or its offer was answered already",
            )
        })?;
    audit::record(
        store,
        ws,
        actor,
        Action::ServiceOfferAnswered,
        Subject::Client(client),
        &format!(
            "{} {}",
            if accepted { "accepted" } else { "declined" },
            found.name
        ),
    )
    .await?;
    if accepted {
        records::log_interaction(
            store,
            ws,
            client,
            InteractionInput {
                kind: "note".into(),
                occurred_on: Some(today.to_string()),
                author: Some(actor.display.clone()),
                note: Some(format!("Accepted the offer of {}", found.name)),
            },
            today,
            None,
            actor,
        )
        .await?;
    }
    of_client(store, ws, client).await
}
