//! One client's page, `GET /clients/{id}`: contacts, subscriptions and MRR
//! history, invoices (overdue highlighted), the interaction timeline, the
//! departure cases, and the forms posted from it as typed.

use super::forms::{CaseForm, ContactForm, InteractionForm};
use crate::i18n;
use crate::pages::charts::{Chart, Draw, Unit};
use crate::pages::forms::FieldProblems;
use crate::pages::{render, Chrome, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use churnwise_domain::departure::Stage;
use churnwise_domain::registry::InteractionKind;
use churnwise_store::{CaseFilter, Client, ClientId, StoredCase, Subscription};
use minijinja::context;
use serde::{Deserialize, Serialize};

/// Notices a page may show after a redirect (`?done=KEY`), from this list only.
const NOTICES: [&str; 7] = [
    "client-created",
    "client-erased",
    "contact-logged",
    "contact-added",
    "case-opened",
    "flags-saved",
    "status-saved",
];

/// The query of a client page.
#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// The notice to show.
    pub done: Option<String>,
    /// The page of the work log (issue 16).
    pub work_page: Option<u32>,
    /// The page of the sent client updates (issue 16).
    pub updates_page: Option<u32>,
}

/// An invoice as the client page shows it.
#[derive(Debug, Serialize)]
struct InvoiceRow {
    id: i64,
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
    id: i64,
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
    /// The agreed last day of a closed case, if one was given.
    end_on: Option<NaiveDate>,
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
        end_on: case.closure().and_then(|c| c.end_on()),
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

pub(super) async fn load_client(
    state: &AppState,
    auth: &PageAuth,
    id: i64,
) -> Result<Client, PageError> {
    state
        .store
        .get_client(auth.ws(), ClientId(id))
        .await?
        .ok_or(PageError::NotFound)
}

/// What a client page shows beside the stored records.
pub(super) struct ClientPageForms<'a> {
    pub(super) notice: Option<&'a str>,
    pub(super) case: CaseForm,
    pub(super) case_errors: FieldProblems,
    pub(super) interaction: InteractionForm,
    pub(super) interaction_errors: FieldProblems,
    pub(super) contact: ContactForm,
    pub(super) contact_errors: FieldProblems,
    pub(super) entry: super::record_edits::EntryForms,
    pub(super) work: super::work_log::WorkForms,
    pub(super) exclusivity: super::exclusivity::ExclusivityForms,
    pub(super) updates_page: Option<u32>,
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
            entry: super::record_edits::EntryForms::default(),
            work: super::work_log::WorkForms::default(),
            exclusivity: super::exclusivity::ExclusivityForms::default(),
            updates_page: None,
        }
    }
}

pub(super) async fn client_page(
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
                id: i.id.0,
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
            id: s.id.0,
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
    // Contacted as often as its segment allows (issue 16): held back until free.
    let held_back =
        churnwise_app::contact_frequency::held_back(state.store.as_ref(), ws, &[client.id], today)
            .await?
            .get(&client.id)
            .map(|h| churnwise_app::contact_frequency::held_back_text(auth.lang, h, None));
    let health = crate::pages::early_warning::health_card(state, auth, &client, auth.lang).await?;
    // Whether it fits the ideal client profile (issue 16); none unwritten.
    let fit = churnwise_app::ideal_client::client_fit(
        state.store.as_ref(),
        auth.ws(),
        &client,
        today,
        auth.lang,
    )
    .await?;
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
    // The member behind the owner name (mapped, or the same name or email).
    let owner_member =
        churnwise_app::owners::member_owning(state.store.as_ref(), ws, client.owner.as_deref())
            .await?
            .map(|u| u.name.filter(|n| !n.trim().is_empty()).unwrap_or(u.email));
    // Payment reminders (issue 15): billing contact, pause, each invoice's
    // reminders sent, next one and promise.
    let reminders = churnwise_app::payment_reminders::client_reminders(
        state.store.as_ref(),
        ws,
        client.id,
        today,
    )
    .await?;
    // Usage (issue 18): a chart per metric used within the year, with the
    // dates of cases and complaints marked, and the metrics never touched.
    let usage =
        churnwise_app::usage::client_usage(state.store.as_ref(), ws, client.id, today).await?;
    let mut events: Vec<(NaiveDate, String)> = cases
        .iter()
        .map(|c| {
            (
                c.received_on,
                i18n::message(auth.lang, "usage-mark-case", &[]),
            )
        })
        .collect();
    events.extend(
        interactions
            .iter()
            .filter(|i| i.kind == InteractionKind::Complaint)
            .map(|i| {
                (
                    i.occurred_on,
                    i18n::message(auth.lang, "usage-mark-complaint", &[]),
                )
            }),
    );
    let usage_charts = usage_charts(&usage, &events, auth.lang);
    let work = super::work_log::section(state, auth, client.id, forms.work).await?;
    let exclusivity =
        super::exclusivity::section(state, auth, client.id, forms.exclusivity).await?;
    let updates =
        crate::pages::client_updates::client_section(state, auth, client.id, forms.updates_page)
            .await?;
    let chrome = Chrome::of(auth, state, "clients").await?;
    render(
        &chrome,
        "clients/show.html",
        context! {
            fit,
            updates,
            work,
            exclusivity,
            usage_charts,
            usage_never_used => usage
                .never_used
                .iter()
                .map(|m| m.label(auth.lang).to_string())
                .collect::<Vec<_>>(),
            usage_shown => !usage.is_empty(),
            reminders,
            owner_member,
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
            held_back,
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
            entry => forms.entry,
        },
    )
}

/// One usage metric as the client page shows it.
#[derive(Debug, Serialize)]
struct UsageChartView {
    /// The chart's element id.
    id: String,
    /// The metric's name in the reader's language.
    title: String,
    /// The weekly chart.
    chart: Chart,
    /// Each week's first day and total (the table under the chart).
    weeks: Vec<(NaiveDate, i64)>,
    /// The last 28 days against the 28 before, in words.
    description: String,
}

/// A chart per used metric, week by week, with `events` (day, label)
/// marked at their week when the chart covers it.
fn usage_charts(
    usage: &churnwise_app::usage::ClientUsage,
    events: &[(NaiveDate, String)],
    lang: churnwise_domain::Lang,
) -> Vec<UsageChartView> {
    let x: Vec<String> = usage.weeks.iter().map(|w| i18n::date(lang, *w)).collect();
    let mut marks: Vec<(usize, &str)> = events
        .iter()
        .filter_map(|(on, label)| usage.week_of(*on).map(|w| (w, label.as_str())))
        .collect();
    marks.sort_unstable();
    marks.dedup();
    usage
        .used
        .iter()
        .enumerate()
        .map(|(index, m)| {
            let title = m.label(lang).to_string();
            let mut chart = Chart::xy(i18n::code(lang), Unit::Count, x.clone()).with(
                title.clone(),
                Draw::Bar,
                m.totals.iter().map(|t| Some(*t as f64)).collect(),
            );
            for (week, label) in &marks {
                chart = chart.with_mark(*week, (*label).to_string());
            }
            UsageChartView {
                id: format!("chart-usage-{index}"),
                title,
                chart,
                weeks: usage
                    .weeks
                    .iter()
                    .copied()
                    .zip(m.totals.iter().copied())
                    .collect(),
                description: m.describe_recent(lang),
            }
        })
        .collect()
}

/// `GET /clients/{id}`: one client's page.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let client = load_client(&state, &auth, id).await?;
    let notice = query.done.as_deref().and_then(|d| {
        NOTICES
            .iter()
            .chain(super::record_edits::NOTICES.iter())
            .chain(crate::pages::reminders::NOTICES.iter())
            .chain(super::work_log::NOTICES.iter())
            .chain(super::exclusivity::NOTICES.iter())
            .chain(crate::pages::client_updates::NOTICES.iter())
            .find(|n| **n == d)
            .copied()
    });
    let forms = ClientPageForms {
        notice,
        work: super::work_log::WorkForms {
            page: query.work_page,
            ..super::work_log::WorkForms::default()
        },
        updates_page: query.updates_page,
        ..ClientPageForms::default()
    };
    client_page(&state, &auth, client, forms).await
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
}
