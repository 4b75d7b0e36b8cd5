//! The client pages: the list (search, filters, sort, pagination), a new
//! client form, and one client's page with contacts, subscriptions and MRR
//! history, invoices (overdue highlighted), the interaction timeline with a
//! quick "log a contact" form, and its departure cases.

use super::charts::{Chart, Draw, Unit};
use super::forms::{field_errors, FieldProblems};
use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::api::clients::ClientListQuery;
use crate::api::records::{contact_from, interaction_from, CreateContact, CreateInteraction};
use crate::i18n;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use churnwise_app::cases::{self, CaseContext};
use churnwise_domain::departure::{DepartureKind, NoticeInput, RelationshipEvaluationInput, Stage};
use churnwise_domain::registry::{ClientStatus, InteractionKind};
use churnwise_store::{CaseFilter, Client, ClientId, ClientSort, StoredCase, Subscription};
use minijinja::context;
use serde::{Deserialize, Serialize};

/// Rows per page of the client list.
const PER_PAGE: u32 = 25;

/// The list's query string, kept as typed so the form shows it back.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ListParams {
    /// Name contains.
    #[serde(default)]
    pub q: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Owner.
    #[serde(default)]
    pub owner: String,
    /// Segment.
    #[serde(default)]
    pub segment: String,
    /// Order key.
    #[serde(default)]
    pub sort: String,
    /// `1` for clients at risk only.
    #[serde(default)]
    pub at_risk: String,
    /// Page, from 1.
    pub page: Option<u32>,
}

impl ListParams {
    /// The list's URL with these filters on page `page`.
    fn url(&self, page: u32) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("status", &self.status),
            ("owner", &self.owner),
            ("segment", &self.segment),
            ("sort", &self.sort),
            ("at_risk", &self.at_risk),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(key, value.trim());
            }
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            "/clients".to_string()
        } else {
            format!("/clients?{query}")
        }
    }
}

/// `GET /clients`: the client list.
pub async fn list(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let filter = ClientListQuery {
        status: Some(params.status.clone()),
        owner: Some(params.owner.clone()),
        segment: Some(params.segment.clone()),
        q: Some(params.q.clone()),
        page: params.page,
        per_page: Some(PER_PAGE),
        sort: Some(params.sort.clone()),
        at_risk: Some(!params.at_risk.trim().is_empty()),
    }
    .into_filter()
    .map_err(|_| PageError::BadRequest)?;
    let page = state.store.list_clients(auth.ws(), &filter).await?;
    let facets = state.store.client_facets(auth.ws()).await?;
    let pages = u32::try_from(page.total.max(0))
        .unwrap_or(u32::MAX)
        .div_ceil(PER_PAGE);
    let current = page.page;
    let prev_url = (current > 1).then(|| params.url(current - 1));
    let next_url = (current < pages).then(|| params.url(current + 1));
    let chrome = Chrome::of(&auth, &state, "clients").await?;
    let statuses: Vec<&str> = ClientStatus::ALL.iter().map(|s| s.as_str()).collect();
    let sorts: Vec<&str> = ClientSort::ALL.iter().map(|(_, k)| *k).collect();
    let filtered = !(params.q.is_empty()
        && params.status.is_empty()
        && params.owner.is_empty()
        && params.segment.is_empty()
        && params.at_risk.is_empty());
    render(
        &chrome,
        "clients/list.html",
        context! {
            clients => page.items,
            total => page.total,
            page => current,
            pages => pages.max(1),
            prev_url,
            next_url,
            params,
            filtered,
            statuses,
            sorts,
            owners => facets.owners,
            segments => facets.segments,
        },
    )
}

/// The new-client form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ClientForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Billing id.
    #[serde(default)]
    pub external_id: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Owner.
    #[serde(default)]
    pub owner: String,
    /// Segment.
    #[serde(default)]
    pub segment: String,
    /// Keep-in-touch days.
    #[serde(default)]
    pub keep_in_touch_days: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

fn new_client_page(
    chrome: &Chrome,
    form: &ClientForm,
    errors: &FieldProblems,
) -> Result<Response, PageError> {
    let statuses: Vec<&str> = ClientStatus::ALL.iter().map(|s| s.as_str()).collect();
    render(
        chrome,
        "clients/new.html",
        context! { form, errors, statuses },
    )
}

/// `GET /clients/new`: the new-client form.
pub async fn new_page(
    State(state): State<AppState>,
    auth: PageAuth,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let chrome = Chrome::of(&auth, &state, "clients").await?;
    let form = ClientForm {
        status: "active".into(),
        keep_in_touch_days: "30".into(),
        ..ClientForm::default()
    };
    new_client_page(&chrome, &form, &FieldProblems::new())
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// `POST /clients`: creates a client and shows its page.
pub async fn create(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<ClientForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let settings = state.store.workspace_settings(auth.ws()).await?.value;
    let days = match form.keep_in_touch_days.trim() {
        "" => Ok(None),
        text => text.parse::<i32>().map(Some),
    };
    let validated = match days {
        Ok(days) => churnwise_app::clients::ClientInput {
            name: form.name.clone(),
            external_id: optional(&form.external_id),
            status: optional(&form.status),
            owner: optional(&form.owner),
            segment: optional(&form.segment),
            keep_in_touch_days: days,
            notes: optional(&form.notes),
        }
        .validate_with(&settings),
        Err(_) => Err(churnwise_app::AppError::field(
            "keep_in_touch_days",
            "not a number",
        )),
    };
    let result = match validated {
        Ok(new) => state
            .store
            .create_client(auth.ws(), new)
            .await
            .map_err(Into::into),
        Err(e) => Err(e),
    };
    match result {
        Ok(client) => Ok(see_other(&format!(
            "/clients/{}?done=client-created",
            client.id
        ))),
        Err(e) => {
            let errors = field_errors(e)?;
            let chrome = Chrome::of(&auth, &state, "clients").await?;
            let page = new_client_page(&chrome, &form, &errors)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Notices a page may show after a redirect (`?done=KEY`), from this list only.
const NOTICES: [&str; 5] = [
    "client-created",
    "contact-logged",
    "contact-added",
    "case-opened",
    "flags-saved",
];

/// The query of a client page.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// The notice to show.
    pub done: Option<String>,
}

/// An invoice as the client page shows it.
#[derive(Debug, Serialize)]
struct InvoiceRow {
    invoice_ref: String,
    amount_cents: i64,
    issued_on: Option<NaiveDate>,
    due_on: NaiveDate,
    paid_on: Option<NaiveDate>,
    overdue: bool,
    days_late: i64,
}

/// A subscription segment as the client page shows it.
#[derive(Debug, Serialize)]
struct SubscriptionRow {
    subscription_ref: String,
    plan: Option<String>,
    mrr_cents: i64,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    notice_period_days: Option<i32>,
    minimum_term_months: Option<i32>,
    running: bool,
}

/// A departure case as the client page lists it.
#[derive(Debug, Serialize)]
struct CaseRow {
    id: i64,
    kind: &'static str,
    stage: &'static str,
    open: bool,
    received_on: NaiveDate,
    requested_end_on: Option<NaiveDate>,
    outcome: Option<&'static str>,
    lost_mrr_cents: i64,
    checklist_done: usize,
    checklist_total: usize,
}

fn case_row(stored: &StoredCase) -> CaseRow {
    let case = &stored.case;
    let items = case.offboarding().map(|c| c.items()).unwrap_or_default();
    CaseRow {
        id: stored.id.0,
        kind: case.kind().as_str(),
        stage: case.stage().as_str(),
        open: case.is_open(),
        received_on: case.notice().received_on(),
        requested_end_on: case.notice().requested_end_on(),
        outcome: case.outcome().map(|o| o.as_str()),
        lost_mrr_cents: case.lost_mrr().cents(),
        checklist_done: items.iter().filter(|i| !i.status().is_open()).count(),
        checklist_total: items.len(),
    }
}

/// The client's MRR at the end of each month (today for the current one)
/// from its first subscription's month to `today`'s (at most 36 months, the
/// latest kept).
fn mrr_history(subs: &[Subscription], today: NaiveDate) -> Vec<(String, i64)> {
    let Some(first) = subs.iter().map(|s| s.started_on).min() else {
        return Vec::new();
    };
    let mut month = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
    let mut points = Vec::new();
    while month <= today {
        let next = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(today + chrono::Days::new(1));
        let day = (next - chrono::Days::new(1)).min(today);
        points.push((month.format("%Y-%m").to_string(), current_mrr(subs, day)));
        month = next;
    }
    let skip = points.len().saturating_sub(36);
    points.split_off(skip)
}

fn current_mrr(subs: &[Subscription], today: NaiveDate) -> i64 {
    subs.iter()
        .filter(|s| s.started_on <= today && s.ended_on.is_none_or(|end| today < end))
        .map(|s| s.mrr.cents())
        .sum()
}

async fn load_client(state: &AppState, auth: &PageAuth, id: i64) -> Result<Client, PageError> {
    state
        .store
        .get_client(auth.ws(), ClientId(id))
        .await?
        .ok_or(PageError::NotFound)
}

/// The log-a-contact form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct InteractionForm {
    /// Kind.
    #[serde(default)]
    pub kind: String,
    /// Day (`YYYY-MM-DD`).
    #[serde(default)]
    pub occurred_on: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// The add-a-contact-person form, kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ContactForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Role.
    #[serde(default)]
    pub role: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Primary (`on` when ticked).
    pub is_primary: Option<String>,
}

/// The open-a-departure-case form (the notice), kept as typed.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct CaseForm {
    /// `client_leaving` or `team_ending`.
    #[serde(default)]
    pub kind: String,
    /// Day the notice came (`YYYY-MM-DD`).
    #[serde(default)]
    pub received_on: String,
    /// email, phone, meeting, letter, chat or other.
    #[serde(default)]
    pub channel: String,
    /// Who on the team received it.
    #[serde(default)]
    pub received_by: String,
    /// End date the client asks for.
    #[serde(default)]
    pub requested_end_on: String,
    /// Notice period in days.
    #[serde(default)]
    pub notice_period_days: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub fruitful: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub history_of_stumbles: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub our_commitments_met: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub client_commitments_met: String,
    /// A note on the relationship.
    #[serde(default)]
    pub note: String,
}

impl CaseForm {
    /// The notice as the case core takes it, or the fields a person mistyped.
    pub(crate) fn notice(&self) -> Result<(DepartureKind, NoticeInput), FieldProblems> {
        let mut errors = FieldProblems::new();
        let mut date = |field: &str, text: &str| match text.trim() {
            "" => None,
            t => churnwise_domain::parse_date(t)
                .map_err(|_| errors.insert(field.to_string(), "form-date"))
                .ok(),
        };
        let received_on = date("received_on", &self.received_on);
        let requested_end_on = date("requested_end_on", &self.requested_end_on);
        let notice_period_days = match self.notice_period_days.trim() {
            "" => None,
            t => t
                .parse::<u32>()
                .map_err(|_| errors.insert("notice_period_days".into(), "form-invalid"))
                .ok(),
        };
        let kind = match self.kind.as_str() {
            "team_ending" => DepartureKind::TeamEnding,
            _ => DepartureKind::ClientLeaving,
        };
        let channel = serde_json::from_value(serde_json::Value::String(self.channel.clone())).ok();
        let yes_no = |v: &str| match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((
            kind,
            NoticeInput {
                received_on,
                channel,
                received_by: optional(&self.received_by),
                requested_end_on,
                notice_period_days,
                first_evaluation: Some(RelationshipEvaluationInput {
                    fruitful: yes_no(&self.fruitful),
                    history_of_stumbles: yes_no(&self.history_of_stumbles),
                    our_commitments_met: yes_no(&self.our_commitments_met),
                    client_commitments_met: yes_no(&self.client_commitments_met),
                    note: optional(&self.note),
                }),
                ..NoticeInput::default()
            },
        ))
    }
}

/// What a client page shows beside the stored records.
struct ClientPageForms<'a> {
    notice: Option<&'a str>,
    case: CaseForm,
    case_errors: FieldProblems,
    interaction: InteractionForm,
    interaction_errors: FieldProblems,
    contact: ContactForm,
    contact_errors: FieldProblems,
}

impl Default for ClientPageForms<'_> {
    fn default() -> Self {
        ClientPageForms {
            notice: None,
            interaction: InteractionForm {
                kind: "call".into(),
                occurred_on: chrono::Utc::now().date_naive().to_string(),
                note: String::new(),
            },
            interaction_errors: FieldProblems::new(),
            contact: ContactForm::default(),
            contact_errors: FieldProblems::new(),
            case: CaseForm {
                kind: "client_leaving".into(),
                received_on: chrono::Utc::now().date_naive().to_string(),
                channel: "email".into(),
                ..CaseForm::default()
            },
            case_errors: FieldProblems::new(),
        }
    }
}

async fn client_page(
    state: &AppState,
    auth: &PageAuth,
    client: Client,
    forms: ClientPageForms<'_>,
) -> Result<Response, PageError> {
    let ws = auth.ws();
    let contacts = state.store.list_contacts(ws, client.id).await?;
    let subs = state.store.list_subscriptions(ws, client.id).await?;
    let invoices = state.store.list_invoices(ws, client.id).await?;
    let interactions = state.store.list_interactions(ws, client.id).await?;
    let cases: Vec<CaseRow> = state
        .store
        .list_cases(
            ws,
            &CaseFilter {
                client: Some(client.id),
                ..CaseFilter::default()
            },
        )
        .await?
        .iter()
        .map(case_row)
        .collect();
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let today = chrono::Utc::now().date_naive();
    let history = mrr_history(&subs, today);
    let mrr_now = current_mrr(&subs, today);
    let invoice_rows: Vec<InvoiceRow> = invoices
        .iter()
        .map(|i| {
            let overdue = i.paid_on.is_none() && i.due_on < today;
            InvoiceRow {
                invoice_ref: i.invoice_ref.clone(),
                amount_cents: i.amount.cents(),
                issued_on: i.issued_on,
                due_on: i.due_on,
                paid_on: i.paid_on,
                overdue,
                days_late: if overdue {
                    (today - i.due_on).num_days()
                } else {
                    0
                },
            }
        })
        .collect();
    let overdue_cents: i64 = invoice_rows
        .iter()
        .filter(|i| i.overdue)
        .map(|i| i.amount_cents)
        .sum();
    let sub_rows: Vec<SubscriptionRow> = subs
        .iter()
        .map(|s| SubscriptionRow {
            subscription_ref: s.subscription_ref.clone(),
            plan: s.plan.clone(),
            mrr_cents: s.mrr.cents(),
            started_on: s.started_on,
            ended_on: s.ended_on,
            notice_period_days: s.notice_period_days,
            minimum_term_months: s.minimum_term_months,
            running: s.started_on <= today && s.ended_on.is_none_or(|end| today < end),
        })
        .collect();
    // Newsletters and internal notes do not count as a contact (as in the due list).
    let last_contact = interactions
        .iter()
        .filter(|i| churnwise_domain::health::counts_as_contact(i.kind))
        .map(|i| i.occurred_on)
        .max();
    let contact_due = churnwise_domain::health::contact_overdue_days(
        last_contact,
        client.created_at.date_naive(),
        client.keep_in_touch_days,
        today,
    )
    .is_some();
    let health = super::early_warning::health_card(state, auth, &client, auth.lang).await?;
    let chart = Chart::xy(
        i18n::code(auth.lang),
        Unit::Money,
        history
            .iter()
            .map(|(m, _)| i18n::month(auth.lang, m))
            .collect(),
    )
    .with(
        i18n::message(auth.lang, "client-mrr", &[]),
        Draw::Line,
        history
            .iter()
            .map(|(_, c)| Some(*c as f64 / 100.0))
            .collect(),
    );
    let kinds: Vec<&str> = InteractionKind::ALL.iter().map(|k| k.as_str()).collect();
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "clients/show.html",
        context! {
            client,
            contacts,
            subscriptions => sub_rows,
            invoices => invoice_rows,
            overdue_cents,
            interactions,
            history,
            chart,
            mrr_now,
            last_contact,
            contact_due,
            kinds,
            notice => forms.notice,
            interaction => forms.interaction,
            interaction_errors => forms.interaction_errors,
            contact => forms.contact,
            contact_errors => forms.contact_errors,
            has_open_case => cases.iter().any(|c| c.open),
            cases,
            stages,
            case_form => forms.case,
            case_errors => forms.case_errors,
            channels => ["email", "phone", "meeting", "letter", "chat", "other"],
            today,
            health,
        },
    )
}

/// `GET /clients/{id}`: one client's page.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let client = load_client(&state, &auth, id).await?;
    let notice = query
        .done
        .as_deref()
        .and_then(|d| NOTICES.iter().find(|n| **n == d).copied());
    let forms = ClientPageForms {
        notice,
        ..ClientPageForms::default()
    };
    client_page(&state, &auth, client, forms).await
}

/// `POST /clients/{id}/interactions`: logs a contact with the client.
pub async fn log_interaction(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<InteractionForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let body = CreateInteraction {
        kind: form.kind.clone(),
        occurred_on: optional(&form.occurred_on),
        author: None,
        note: optional(&form.note),
    };
    let result = match interaction_from(body, &auth.access.user.email) {
        Ok(new) => state
            .store
            .log_interaction(auth.ws(), client.id, new)
            .await
            .map_err(Into::into),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=contact-logged#timeline",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                interaction: form,
                interaction_errors: field_errors(e)?,
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /clients/{id}/contacts`: adds a person at the client.
pub async fn add_contact(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<ContactForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let body = CreateContact {
        name: form.name.clone(),
        role: optional(&form.role),
        email: optional(&form.email),
        phone: optional(&form.phone),
        is_primary: form.is_primary.is_some(),
    };
    let result = match contact_from(body) {
        Ok(new) => state
            .store
            .add_contact(auth.ws(), client.id, new)
            .await
            .map_err(Into::into),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/clients/{}?done=contact-added#contacts",
            client.id
        ))),
        Err(e) => {
            let forms = ClientPageForms {
                contact: form,
                contact_errors: field_errors(e)?,
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /clients/{id}/cases`: opens a departure case from its notice.
pub async fn open_case(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm(auth, form): CsrfForm<CaseForm>,
) -> Result<Response, PageError> {
    auth.require_write()?;
    let client = load_client(&state, &auth, id).await?;
    let result = match form.notice() {
        Err(errors) => Err(errors),
        Ok((kind, notice)) => {
            let cx =
                CaseContext::for_user(state.store.as_ref(), auth.ws(), &auth.access.user.email)?;
            match cases::open_case(&cx, client.id, kind, notice).await {
                Ok(_) => Ok(()),
                Err(e) => Err(field_errors(e)?),
            }
        }
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/clients/{}?done=case-opened#cases",
            client.id
        ))),
        Err(errors) => {
            let forms = ClientPageForms {
                case: form,
                case_errors: errors,
                ..ClientPageForms::default()
            };
            let page = client_page(&state, &auth, client, forms).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use churnwise_domain::Money;
    use churnwise_store::SubscriptionId;

    fn sub(start: &str, end: Option<&str>, cents: i64) -> Subscription {
        Subscription {
            id: SubscriptionId(1),
            client_id: ClientId(1),
            subscription_ref: "S".into(),
            plan: None,
            mrr: Money::from_cents(cents),
            started_on: start.parse().unwrap(),
            ended_on: end.map(|e| e.parse().unwrap()),
            notice_period_days: None,
            minimum_term_months: None,
        }
    }

    #[test]
    fn mrr_history_sums_the_segments_running_at_each_month_end() {
        let subs = [
            sub("2024-01-15", Some("2024-03-01"), 1000),
            sub("2024-03-01", Some("2024-04-05"), 1500),
            sub("2024-04-05", None, 1200),
        ];
        let today: NaiveDate = "2024-04-10".parse().unwrap();
        let history = mrr_history(&subs, today);
        assert_eq!(
            history,
            [
                ("2024-01".to_string(), 1000),
                ("2024-02".to_string(), 1000),
                ("2024-03".to_string(), 1500),
                ("2024-04".to_string(), 1200),
            ]
        );
        assert_eq!(current_mrr(&subs, today), 1200);
        assert!(mrr_history(&[], today).is_empty());
    }

    #[test]
    fn list_links_keep_the_filters_and_drop_empty_ones() {
        let params = ListParams {
            q: "acme & co".into(),
            status: "active".into(),
            ..ListParams::default()
        };
        assert_eq!(params.url(2), "/clients?q=acme+%26+co&status=active&page=2");
        assert_eq!(ListParams::default().url(1), "/clients");
    }
}
