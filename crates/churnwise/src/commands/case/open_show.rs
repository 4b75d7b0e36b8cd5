//! `case open`, `case show`, `case list` and `case due`: opening a case
//! with its notice, and looking at cases.

use super::flags::{choice, cli_error, date, lang, money, yes_no};
use super::output::{print_case, CaseRow};
use super::{OpenArgs, Session};
use crate::output::{self, Format};
use churnwise_app::cases::{self, due_items, CaseView};
use churnwise_domain::departure::{DepartureKind, NoticeInput, RelationshipEvaluationInput, Stage};
use churnwise_domain::Lang;
use churnwise_store::{CaseFilter, CaseId, Store, Workspace};

/// A client of the workspace by id, external id or exact name.
async fn find_client(
    store: &dyn Store,
    ws: &Workspace,
    reference: &str,
) -> anyhow::Result<churnwise_store::Client> {
    store
        .find_client(ws.id, reference)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no client {reference:?} in workspace {:?}", ws.name))
}

/// `case open`: opens a case for a client with the notice.
pub(super) async fn open(s: &Session<'_>, a: OpenArgs) -> anyhow::Result<()> {
    let (store, ws, cx, format) = (s.store, s.ws, &s.cx, s.format);
    let client = find_client(store, ws, &a.client).await?;
    let kind = match a.kind.trim() {
        "leaving" | "client_leaving" | "client-leaving" => DepartureKind::ClientLeaving,
        "ending" | "team_ending" | "team-ending" => DepartureKind::TeamEnding,
        other => anyhow::bail!("--kind: {other:?} is not leaving or ending"),
    };
    let notice = NoticeInput {
        received_on: Some(
            date("--received-on", a.received_on.as_deref())?.unwrap_or_else(|| cx.today()),
        ),
        channel: Some(choice(
            "--channel",
            &a.channel,
            &["email", "phone", "meeting", "letter", "chat", "other"],
        )?),
        received_by: Some(a.received_by),
        requested_end_on: date("--requested-end-on", a.requested_end_on.as_deref())?,
        notice_period_days: a.notice_period_days,
        minimum_term_ends_on: date("--minimum-term-ends-on", a.minimum_term_ends_on.as_deref())?,
        penalties: a.penalties,
        penalty_amount: money("--penalty-amount", a.penalty_amount.as_deref())?,
        first_evaluation: Some(RelationshipEvaluationInput {
            fruitful: Some(yes_no("--fruitful", &a.fruitful)?),
            history_of_stumbles: Some(yes_no("--stumbles", &a.stumbles)?),
            our_commitments_met: Some(yes_no("--our-commitments-met", &a.our_commitments_met)?),
            client_commitments_met: Some(yes_no(
                "--client-commitments-met",
                &a.client_commitments_met,
            )?),
            note: a.evaluation_note,
        }),
    };
    let stored = cases::open_case(cx, client.id, kind, notice)
        .await
        .map_err(cli_error)?;
    print_case(&stored, format)?;
    Ok(())
}

/// `case show`: one case with its checklist, actions and history.
pub(super) async fn show(s: &Session<'_>, id: i64, l: &str) -> anyhow::Result<()> {
    let l = lang(l)?;
    let stored = cases::load(&s.cx, CaseId(id)).await.map_err(cli_error)?;
    super::output::show(s.store, s.ws, stored, l, s.format).await
}

/// `case list`: cases, newest notice first, filtered by stage, client and outcome.
pub(super) async fn list(
    s: &Session<'_>,
    stage: Option<String>,
    client: Option<String>,
    outcome: Option<String>,
) -> anyhow::Result<()> {
    let (store, ws, format) = (s.store, s.ws, s.format);
    let stage: Option<Stage> = stage
        .map(|s| {
            choice(
                "--stage",
                &s,
                &[
                    "notice",
                    "exit_conversation",
                    "retention",
                    "offboarding",
                    "feedback",
                    "closed",
                ],
            )
        })
        .transpose()?;
    let outcome = outcome
        .map(|o| choice("--outcome", &o, &["lost", "saved", "fired"]))
        .transpose()?;
    let client = match client {
        Some(c) => Some(find_client(store, ws, &c).await?.id),
        None => None,
    };
    let filter = CaseFilter {
        stage,
        client,
        outcome,
    };
    let rows = store.list_cases(ws.id, &filter).await?;
    if format == Format::Json {
        let views: Vec<CaseView> = rows
            .into_iter()
            .map(|c| CaseView::of(c, Lang::En))
            .collect();
        println!("{}", serde_json::to_string_pretty(&views)?);
    } else {
        let rows: Vec<CaseRow> = rows.iter().map(CaseRow::of).collect();
        output::print(&rows, format)?;
    }
    Ok(())
}

/// `case due`: the win-back follow-ups, retention promises and corrective
/// actions due on or before a day.
pub(super) async fn due(s: &Session<'_>, until: Option<String>) -> anyhow::Result<()> {
    let until = date("--until", until.as_deref())?.unwrap_or_else(|| s.cx.today());
    let cases = s.store.cases_with_due_work(s.ws.id, until).await?;
    output::print(&due_items(&cases, until), s.format)
}
