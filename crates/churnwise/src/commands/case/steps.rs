//! The steps of a case run from flags: the exit conversation (`case
//! reason`), the retention attempt (`case plan`), the survey link, closing,
//! lessons and win-back. Each goes through `churnwise_app::cases::apply`.

use super::flags::{choice, cli_error, date, money, yes_no};
use super::output::print_case;
use super::{LessonCommand, PlanCommand, ReasonArgs, Session, WinbackCommand};
use crate::output::Format;
use churnwise_app::cases::{self, Step};
use churnwise_domain::departure::{CloseInput, ExitConversationInput};
use churnwise_domain::lessons::NewCorrectiveActionInput;
use churnwise_domain::retention::{NewRetentionActionInput, Offer, OfferKind};
use churnwise_domain::text::{ItemId, Text};
use churnwise_domain::Lang;
use churnwise_store::CaseId;

/// Runs one step on case `id` and prints the case (in a table: with the
/// number of what it created and the case's warnings on stderr).
pub(super) async fn apply(s: &Session<'_>, id: i64, step: Step) -> anyhow::Result<()> {
    let (cx, format) = (&s.cx, s.format);
    let applied = cases::apply(cx, CaseId(id), None, step)
        .await
        .map_err(cli_error)?;
    if format == Format::Table {
        if let Some(created) = applied.created {
            eprintln!("created number {created}");
        }
        for w in applied.case.case.warnings() {
            eprintln!("warning: {}", w.message(Lang::En));
        }
    }
    print_case(&applied.case, format)
}

/// `case reason`: records (or corrects) the exit conversation.
pub(super) async fn reason(s: &Session<'_>, a: ReasonArgs) -> anyhow::Result<()> {
    let conversation = ExitConversationInput {
        held_on: date("--held-on", a.held_on.as_deref())?,
        clients_words: Some(a.words),
        primary_reason: Some(a.primary),
        secondary_reasons: a.secondary,
        controllable: Some(yes_no("--controllable", &a.controllable)?),
        renegotiable: Some(yes_no("--renegotiable", &a.renegotiable)?),
        departments: a.department,
        processes: a.process,
        roles: a.role,
    };
    apply(s, a.id, Step::ExitConversation { conversation }).await
}

/// `case plan`: the retention attempt (start, actions, offer, outcome).
pub(super) async fn plan(s: &Session<'_>, id: i64, action: PlanCommand) -> anyhow::Result<()> {
    let step = match action {
        PlanCommand::Start {
            suggested,
            owner,
            due,
        } => Step::StartRetention {
            suggested,
            owner,
            due_on: date("--due", due.as_deref())?,
        },
        PlanCommand::Action {
            description,
            side,
            owner,
            due,
        } => Step::AddRetentionAction {
            action: NewRetentionActionInput {
                description: Some(description),
                side: Some(choice("--side", &side, &["ours", "client"])?),
                owner: Some(owner),
                due_on: date("--due", Some(&due))?,
            },
        },
        PlanCommand::Status { action, status } => Step::SetRetentionActionStatus {
            id: ItemId(action),
            status: choice("STATUS", &status, &["open", "done", "dropped"])?,
        },
        PlanCommand::Offer { kind, description } => {
            let offer = if kind.trim() == "none" {
                None
            } else {
                let kind: OfferKind = choice(
                    "KIND",
                    &kind,
                    &[
                        "pause",
                        "right_size",
                        "extra_service_or_training",
                        "free_period",
                        "senior_call",
                        "discount",
                        "none",
                    ],
                )?;
                let description = description
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| Text::parse("description", &d))
                    .transpose()
                    .map_err(|p| anyhow::anyhow!("--description: {}", p.message))?;
                Some(Offer { kind, description })
            };
            Step::SetRetentionOffer { offer }
        }
        PlanCommand::Outcome { outcome, on } => Step::RecordRetentionOutcome {
            outcome: choice("OUTCOME", &outcome, &["retained", "leaving"])?,
            on: date("--on", on.as_deref())?,
        },
    };
    apply(s, id, step).await
}

/// `case survey`: issues the exit survey link and prints it once.
pub(super) async fn survey(
    s: &Session<'_>,
    id: i64,
    scale: &str,
    expires_in_days: u32,
    base_url: &str,
) -> anyhow::Result<()> {
    let (cx, format) = (&s.cx, s.format);
    let scale = match scale.trim() {
        "0-10" | "zero_to_ten" => churnwise_domain::survey::ScoreScale::ZeroToTen,
        "1-5" | "one_to_five" => churnwise_domain::survey::ScoreScale::OneToFive,
        other => anyhow::bail!("--scale: {other:?} is not 0-10 or 1-5"),
    };
    let applied = cases::apply(
        cx,
        CaseId(id),
        None,
        Step::IssueSurvey {
            scale: Some(scale),
            expires_in_days: Some(expires_in_days),
        },
    )
    .await
    .map_err(cli_error)?;
    let token = applied
        .survey_token
        .ok_or_else(|| anyhow::anyhow!("no survey token was made"))?;
    let url = format!("{}/s/{}", base_url.trim_end_matches('/'), token.expose());
    let expires = applied
        .case
        .case
        .survey()
        .map(|s| s.expires_at().to_rfc3339())
        .unwrap_or_default();
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "case_id": id, "url": url, "token": token.expose(), "expires_at": expires
            }))?
        ),
        _ => {
            println!("{url}");
            eprintln!("send this link to the client; it works once, until {expires}, and is not shown again");
        }
    }
    Ok(())
}

/// `case close`: closes a lost or fired case.
pub(super) async fn close(
    s: &Session<'_>,
    id: i64,
    outcome: &str,
    end_on: Option<String>,
    lost_mrr: Option<String>,
    closed_on: Option<String>,
) -> anyhow::Result<()> {
    let close = CloseInput {
        outcome: Some(choice("--outcome", outcome, &["lost", "fired"])?),
        closed_on: date("--closed-on", closed_on.as_deref())?,
        end_on: date("--end-on", end_on.as_deref())?,
        lost_mrr: money("--lost-mrr", lost_mrr.as_deref())?,
    };
    apply(s, id, Step::Close { close }).await
}

/// `case lesson`: corrective actions learnt from the departure.
pub(super) async fn lesson(s: &Session<'_>, id: i64, action: LessonCommand) -> anyhow::Result<()> {
    let step = match action {
        LessonCommand::Add { what, owner, due } => Step::AddCorrectiveAction {
            action: NewCorrectiveActionInput {
                what: Some(what),
                owner: Some(owner),
                due_on: date("--due", Some(&due))?,
            },
        },
        LessonCommand::Done { action, on } => Step::CompleteCorrectiveAction {
            id: ItemId(action),
            on: date("--on", on.as_deref())?,
        },
    };
    apply(s, id, step).await
}

/// `case winback`: the follow-up date, and marking the client won back.
pub(super) async fn winback(
    s: &Session<'_>,
    id: i64,
    action: WinbackCommand,
) -> anyhow::Result<()> {
    let step = match action {
        WinbackCommand::FollowUp { on, clear } => {
            if on.is_none() && !clear {
                anyhow::bail!("ON: give a date (YYYY-MM-DD) or --clear");
            }
            Step::SetWinBackFollowUp {
                on: date("ON", on.as_deref())?,
            }
        }
        WinbackCommand::WonBack { on } => Step::MarkWonBack {
            on: date("--on", on.as_deref())?,
        },
    };
    apply(s, id, step).await
}
