//! `churnwise case …`: departure cases from the command line, for scripting.
//! Every step goes through the same code as the API
//! (`churnwise_app::cases::apply`), so the guards, the history and the
//! storage effects are the same; errors name the flag concerned.

use super::Context;
use crate::errors::Words;
use crate::output::{self, opt, Format, Tabular};
use churnwise_app::cases::{self, due_items, CaseContext, CaseView, DueItem, Step};
use churnwise_app::AppError;
use churnwise_domain::departure::{
    CloseInput, DepartureKind, ExitConversationInput, NoticeInput, RelationshipEvaluationInput,
    Stage,
};
use churnwise_domain::lessons::NewCorrectiveActionInput;
use churnwise_domain::offboarding::{
    CredentialHandoverInput, ItemDetailsInput, ItemStatus, NewChecklistItemInput,
};
use churnwise_domain::retention::{NewRetentionActionInput, Offer, OfferKind};
use churnwise_domain::text::{ItemId, Text};
use churnwise_domain::{parse_date, Lang, Money};
use churnwise_store::{CaseFilter, CaseId, Store, StoredCase, Workspace};
use clap::{Args, Subcommand};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Run departure cases: notice, exit conversation, retention, offboarding,
/// survey, closing, lessons and win-back.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    command: CaseCommand,
    /// Workspace (default: the only one).
    #[arg(long, global = true)]
    workspace: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Who is acting, for the case history (default: $USER).
    #[arg(long = "as", global = true, value_name = "NAME")]
    actor: Option<String>,
}

#[derive(Debug, Subcommand)]
enum CaseCommand {
    /// Open a case for a client (by id, external id or exact name) with the notice.
    ///
    /// Example: churnwise case open "Acme Ltd" --received-on 2024-03-01 --channel email --received-by ana --requested-end-on 2024-03-31 --fruitful yes --stumbles no --our-commitments-met yes --client-commitments-met yes
    Open(OpenArgs),
    /// Show a case with its checklist, actions and history.
    ///
    /// Example: churnwise case show 12 --lang es
    Show {
        /// The case's id.
        id: i64,
        /// Language of the history: en or es.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// List cases, newest notice first.
    ///
    /// Example: churnwise case list --stage offboarding --format csv
    List {
        /// Only this stage: notice, exit_conversation, retention, offboarding, feedback or closed.
        #[arg(long)]
        stage: Option<String>,
        /// Only this client's (id, external id or name).
        #[arg(long)]
        client: Option<String>,
        /// Only this outcome: lost, saved or fired.
        #[arg(long)]
        outcome: Option<String>,
    },
    /// Record (or correct) the exit conversation: the client's words and reasons.
    ///
    /// Example: churnwise case reason 12 --primary price_too_high --secondary budget_cut --words "Too expensive for what we use" --controllable yes --renegotiable yes --department sales
    Reason(ReasonArgs),
    /// The retention attempt: start, actions, offer, outcome.
    ///
    /// Example: churnwise case plan 12 start --suggested --owner ana --due 2024-03-10
    Plan {
        /// The case's id.
        id: i64,
        #[command(subcommand)]
        action: PlanCommand,
    },
    /// Offboarding: the checklist, credential handovers and invoice waivers.
    ///
    /// Example: churnwise case check 12 done 3 --on 2024-03-20
    Check {
        /// The case's id.
        id: i64,
        #[command(subcommand)]
        action: CheckCommand,
    },
    /// Issue the exit survey link (no login; answerable once, until it expires).
    ///
    /// Example: churnwise case survey 12 --scale 1-5 --expires-in-days 14 --base-url https://churn.example.com
    Survey {
        /// The case's id.
        id: i64,
        /// Score scale: 0-10 (default) or 1-5.
        #[arg(long, default_value = "0-10")]
        scale: String,
        /// Days the link stays valid (1 to 90).
        #[arg(long, default_value_t = cases::SURVEY_DEFAULT_DAYS)]
        expires_in_days: u32,
        /// Address of the churnwise server, to print the whole link.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Close a lost or fired case (refused while a required item is open or an invoice unpaid).
    ///
    /// Example: churnwise case close 12 --outcome lost --end-on 2024-03-31 --lost-mrr 450.00
    Close {
        /// The case's id.
        id: i64,
        /// lost (client leaving) or fired (team ending).
        #[arg(long)]
        outcome: String,
        /// The client's last day (default: the requested end date).
        #[arg(long)]
        end_on: Option<String>,
        /// Monthly recurring revenue lost (default: the MRR running on the end date).
        #[arg(long)]
        lost_mrr: Option<String>,
        /// Day of closing (default today).
        #[arg(long)]
        closed_on: Option<String>,
    },
    /// Lessons: corrective actions learnt from the departure.
    ///
    /// Example: churnwise case lesson 12 add --what "Monthly usage review for every client" --owner ana --due 2024-05-01
    Lesson {
        /// The case's id.
        id: i64,
        #[command(subcommand)]
        action: LessonCommand,
    },
    /// Win-back: the follow-up date, and marking a returning client won back.
    ///
    /// Example: churnwise case winback 12 follow-up 2024-09-01
    Winback {
        /// The case's id.
        id: i64,
        #[command(subcommand)]
        action: WinbackCommand,
    },
    /// The due list: win-back follow-ups, open retention promises and corrective actions.
    ///
    /// Example: churnwise case due --until 2024-09-30
    Due {
        /// Items due on or before this day (default today).
        #[arg(long)]
        until: Option<String>,
    },
}

#[derive(Debug, Args)]
struct OpenArgs {
    /// Id, external id or name of the client.
    client: String,
    /// leaving (the client leaves, default) or ending (the team ends the relationship).
    #[arg(long, default_value = "leaving")]
    kind: String,
    /// Day the notice was received (default today).
    #[arg(long)]
    received_on: Option<String>,
    /// How it came: email, phone, meeting, letter, chat or other.
    #[arg(long)]
    channel: String,
    /// Who on the team received it.
    #[arg(long)]
    received_by: String,
    /// End date the client asks for.
    #[arg(long)]
    requested_end_on: Option<String>,
    /// The contract's notice period in days.
    #[arg(long)]
    notice_period_days: Option<u32>,
    /// Day the contract's minimum term ends.
    #[arg(long)]
    minimum_term_ends_on: Option<String>,
    /// Penalties the contract names, in words.
    #[arg(long)]
    penalties: Option<String>,
    /// Penalty amount.
    #[arg(long)]
    penalty_amount: Option<String>,
    /// Was the relationship fruitful? yes or no.
    #[arg(long)]
    fruitful: String,
    /// Was there a history of stumbles? yes or no.
    #[arg(long)]
    stumbles: String,
    /// Did we meet our commitments? yes or no.
    #[arg(long)]
    our_commitments_met: String,
    /// Did the client meet its commitments? yes or no.
    #[arg(long)]
    client_commitments_met: String,
    /// A note on the relationship.
    #[arg(long)]
    evaluation_note: Option<String>,
}

#[derive(Debug, Args)]
struct ReasonArgs {
    /// The case's id.
    id: i64,
    /// Key of the primary reason (see `churnwise reasons list`).
    #[arg(long)]
    primary: String,
    /// Key of a secondary reason (repeatable).
    #[arg(long)]
    secondary: Vec<String>,
    /// The client's own words.
    #[arg(long)]
    words: String,
    /// Was it within our control? yes or no.
    #[arg(long)]
    controllable: String,
    /// Is anything renegotiable? yes or no.
    #[arg(long)]
    renegotiable: String,
    /// A department involved (repeatable).
    #[arg(long)]
    department: Vec<String>,
    /// A process involved (repeatable).
    #[arg(long)]
    process: Vec<String>,
    /// A front-line role involved (repeatable).
    #[arg(long)]
    role: Vec<String>,
    /// Day of the conversation.
    #[arg(long)]
    held_on: Option<String>,
}

#[derive(Debug, Subcommand)]
enum PlanCommand {
    /// Start a retention attempt (optionally suggested from the reason's playbook).
    ///
    /// Example: churnwise case plan 12 start --suggested --owner ana --due 2024-03-10
    Start {
        /// Fill the plan from the primary reason's playbook.
        #[arg(long)]
        suggested: bool,
        /// Owner of the suggested actions.
        #[arg(long)]
        owner: Option<String>,
        /// Due date of the suggested actions.
        #[arg(long)]
        due: Option<String>,
    },
    /// Add an action for either side.
    ///
    /// Example: churnwise case plan 12 action --description "Usage review" --side ours --owner ana --due 2024-03-10
    Action {
        /// What is to be done.
        #[arg(long)]
        description: String,
        /// ours or client.
        #[arg(long, default_value = "ours")]
        side: String,
        /// Who does it.
        #[arg(long)]
        owner: String,
        /// By when.
        #[arg(long)]
        due: String,
    },
    /// Change an action's status: open, done or dropped.
    ///
    /// Example: churnwise case plan 12 status 2 done
    Status {
        /// The action's number.
        action: u32,
        /// open, done or dropped.
        status: String,
    },
    /// Set the offer (pause, right_size, extra_service_or_training, free_period, senior_call, discount), or none.
    ///
    /// Example: churnwise case plan 12 offer pause --description "Two months off, same terms after"
    Offer {
        /// The kind of offer, or `none` to remove it.
        kind: String,
        /// What exactly is offered.
        #[arg(long)]
        description: Option<String>,
    },
    /// Record the outcome: retained (closes as saved) or leaving.
    ///
    /// Example: churnwise case plan 12 outcome leaving
    Outcome {
        /// retained or leaving.
        outcome: String,
        /// The day (default today).
        #[arg(long)]
        on: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum CheckCommand {
    /// Begin offboarding with the checklist template of a service type.
    ///
    /// Example: churnwise case check 12 begin --service-type seo --lang es
    Begin {
        /// Service type whose template to use (default: the default template).
        #[arg(long)]
        service_type: Option<String>,
        /// Language of the item labels: en or es.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Add an item (a deliverable, an account to revoke…).
    ///
    /// Example: churnwise case check 12 add "Ads account history export" --link https://drive.example.com/x
    Add {
        /// The item's label.
        label: String,
        /// Not required for closing.
        #[arg(long)]
        optional: bool,
        /// A link.
        #[arg(long)]
        link: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Mark an item done.
    ///
    /// Example: churnwise case check 12 done 3 --on 2024-03-20
    Done {
        /// The item's number.
        item: u32,
        /// The day (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Waive an item, with a reason.
    ///
    /// Example: churnwise case check 12 waive 6 --reason "The client has no platforms of its own"
    Waive {
        /// The item's number.
        item: u32,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Open a done or waived item again.
    ///
    /// Example: churnwise case check 12 reopen 3
    Reopen {
        /// The item's number.
        item: u32,
    },
    /// Change an item's link and note (an empty value clears it).
    ///
    /// Example: churnwise case check 12 details 3 --link https://drive.example.com/final-report
    Details {
        /// The item's number.
        item: u32,
        /// The link.
        #[arg(long)]
        link: Option<String>,
        /// The note.
        #[arg(long)]
        note: Option<String>,
    },
    /// Record a credential handover: which account, to whom, how, when (never the secret).
    ///
    /// Example: churnwise case check 12 handover --account "Google Ads admin" --recipient "Luis (client IT)" --channel "1Password share"
    Handover {
        /// The account handed over.
        #[arg(long)]
        account: String,
        /// Who received it.
        #[arg(long)]
        recipient: String,
        /// Through which channel (default: password manager).
        #[arg(long)]
        channel: Option<String>,
        /// The day (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Waive an unpaid invoice of the client so it does not block closing.
    ///
    /// Example: churnwise case check 12 waive-invoice INV-2024-031 --reason "Credited against the final report"
    WaiveInvoice {
        /// The invoice's reference.
        invoice: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
        /// The day (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Say what still stops the case from closing.
    ///
    /// Example: churnwise case check 12 status
    Status,
}

#[derive(Debug, Subcommand)]
enum LessonCommand {
    /// Add a corrective action.
    ///
    /// Example: churnwise case lesson 12 add --what "Quarterly results review" --owner ana --due 2024-05-01
    Add {
        /// What is to be corrected.
        #[arg(long)]
        what: String,
        /// Who does it.
        #[arg(long)]
        owner: String,
        /// By when.
        #[arg(long)]
        due: String,
    },
    /// Mark a corrective action done.
    ///
    /// Example: churnwise case lesson 12 done 1
    Done {
        /// The action's number.
        action: u32,
        /// The day (default today).
        #[arg(long)]
        on: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum WinbackCommand {
    /// Set the day to tell the former client what was corrected (or --clear it).
    ///
    /// Example: churnwise case winback 12 follow-up 2024-09-01
    FollowUp {
        /// The day.
        on: Option<String>,
        /// Remove the follow-up date.
        #[arg(long, conflicts_with = "on")]
        clear: bool,
    },
    /// The former client came back: mark the case won back and the client active.
    ///
    /// Example: churnwise case winback 12 won-back --on 2024-10-01
    WonBack {
        /// The day business reopened (default today).
        #[arg(long)]
        on: Option<String>,
    },
}

/// One case as a row.
#[derive(Debug, Serialize)]
struct CaseRow {
    id: i64,
    client: String,
    kind: String,
    stage: String,
    outcome: String,
    received_on: String,
    end_on: String,
    lost_mrr: String,
    version: i64,
}

impl CaseRow {
    fn of(c: &StoredCase) -> Self {
        CaseRow {
            id: c.id.0,
            client: c.client_name.clone(),
            kind: c.case.kind().to_string(),
            stage: c.case.stage().to_string(),
            outcome: opt(&c.case.outcome()),
            received_on: c.case.notice().received_on().to_string(),
            end_on: opt(&c.case.closure().and_then(|k| k.end_on())),
            lost_mrr: c.case.lost_mrr().to_string(),
            version: c.version,
        }
    }
}

impl Tabular for CaseRow {
    fn headers() -> Vec<&'static str> {
        vec![
            "id",
            "client",
            "kind",
            "stage",
            "outcome",
            "received_on",
            "end_on",
            "lost_mrr",
            "version",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.client.clone(),
            self.kind.clone(),
            self.stage.clone(),
            self.outcome.clone(),
            self.received_on.clone(),
            self.end_on.clone(),
            self.lost_mrr.clone(),
            self.version.to_string(),
        ]
    }
}

impl Tabular for DueItem {
    fn headers() -> Vec<&'static str> {
        vec![
            "due_on", "case_id", "client", "kind", "item", "what", "owner",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.due_on.to_string(),
            self.case_id.to_string(),
            self.client_name.clone(),
            self.kind.clone(),
            opt(&self.item),
            self.what.clone(),
            opt(&self.owner),
        ]
    }
}

/// Domain and storage field names that a flag of another name sets.
const FLAG_NAMES: &[(&str, &str)] = &[
    ("first_evaluation.fruitful", "--fruitful"),
    ("first_evaluation.history_of_stumbles", "--stumbles"),
    (
        "first_evaluation.our_commitments_met",
        "--our-commitments-met",
    ),
    (
        "first_evaluation.client_commitments_met",
        "--client-commitments-met",
    ),
    ("first_evaluation.note", "--evaluation-note"),
    ("clients_words", "--words"),
    ("primary_reason", "--primary"),
    ("secondary_reasons", "--secondary"),
    ("departments", "--department"),
    ("processes", "--process"),
    ("roles", "--role"),
    ("due_on", "--due"),
    ("waiver_reason", "--reason"),
    ("handed_over_on", "--on"),
    ("won_back_on", "--on"),
    ("expires_in_days", "--expires-in-days"),
    ("actor", "--as"),
];

/// The flag that sets a domain field (`secondary_reasons[1]` → `--secondary`).
fn flag_for(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    FLAG_NAMES.iter().find(|(f, _)| *f == base).map_or_else(
        || crate::errors::flag(base),
        |(_, flag)| (*flag).to_string(),
    )
}

/// An error of the app in this command's words.
fn cli_error(e: AppError) -> anyhow::Error {
    crate::errors::cli_error(
        e,
        &Words {
            flag_of: &flag_for,
            record: "case",
        },
    )
}

fn date(flag: &str, text: Option<&str>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    text.map(|t| parse_date(t).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
        .transpose()
}

fn yes_no(flag: &str, text: &str) -> anyhow::Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "si" | "sí" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        other => anyhow::bail!("{flag}: {other:?} is not yes or no"),
    }
}

/// A snake_case choice (dashes accepted) parsed like the API parses it.
fn choice<T: DeserializeOwned>(flag: &str, text: &str, allowed: &[&str]) -> anyhow::Result<T> {
    let value = text.trim().to_ascii_lowercase().replace('-', "_");
    serde_json::from_value(serde_json::Value::String(value))
        .map_err(|_| anyhow::anyhow!("{flag}: {text:?} is not one of {}", allowed.join(", ")))
}

fn money(flag: &str, text: Option<&str>) -> anyhow::Result<Option<Money>> {
    text.map(|t| Money::parse(t).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
        .transpose()
}

fn lang(text: &str) -> anyhow::Result<Lang> {
    choice("--lang", text, &["en", "es"])
}

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

fn print_case(stored: &StoredCase, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let view = CaseView::of(stored.clone(), Lang::En);
            println!("{}", serde_json::to_string_pretty(&view)?);
            Ok(())
        }
        _ => output::print_one(&CaseRow::of(stored), format),
    }
}

/// Runs `case …`.
pub async fn run(ctx: &Context, args: CaseArgs) -> anyhow::Result<()> {
    let store = ctx.store().await?;
    let ws = crate::workspace::resolve(store.as_ref(), args.workspace.as_deref()).await?;
    let actor = args
        .actor
        .or_else(|| std::env::var("USER").ok())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "cli".to_string());
    let cx = CaseContext::for_user(store.as_ref(), ws.id, &actor).map_err(cli_error)?;
    let format = args.format;
    let step = |id: i64, step: Step| {
        let cx = cx.clone();
        async move {
            let applied = cases::apply(&cx, CaseId(id), None, step)
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
    };
    match args.command {
        CaseCommand::Open(a) => {
            let client = find_client(store.as_ref(), &ws, &a.client).await?;
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
                minimum_term_ends_on: date(
                    "--minimum-term-ends-on",
                    a.minimum_term_ends_on.as_deref(),
                )?,
                penalties: a.penalties,
                penalty_amount: money("--penalty-amount", a.penalty_amount.as_deref())?,
                first_evaluation: Some(RelationshipEvaluationInput {
                    fruitful: Some(yes_no("--fruitful", &a.fruitful)?),
                    history_of_stumbles: Some(yes_no("--stumbles", &a.stumbles)?),
                    our_commitments_met: Some(yes_no(
                        "--our-commitments-met",
                        &a.our_commitments_met,
                    )?),
                    client_commitments_met: Some(yes_no(
                        "--client-commitments-met",
                        &a.client_commitments_met,
                    )?),
                    note: a.evaluation_note,
                }),
            };
            let stored = cases::open_case(&cx, client.id, kind, notice)
                .await
                .map_err(cli_error)?;
            print_case(&stored, format)?;
        }
        CaseCommand::Show { id, lang: l } => {
            let l = lang(&l)?;
            let stored = cases::load(&cx, CaseId(id)).await.map_err(cli_error)?;
            show(store.as_ref(), &ws, stored, l, format).await?;
        }
        CaseCommand::List {
            stage,
            client,
            outcome,
        } => {
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
                Some(c) => Some(find_client(store.as_ref(), &ws, &c).await?.id),
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
        }
        CaseCommand::Reason(a) => {
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
            step(a.id, Step::ExitConversation { conversation }).await?;
        }
        CaseCommand::Plan { id, action } => {
            let s = match action {
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
            step(id, s).await?;
        }
        CaseCommand::Check { id, action } => {
            let s = match action {
                CheckCommand::Begin {
                    service_type,
                    lang: l,
                } => Step::BeginOffboarding {
                    service_type,
                    lang: Some(lang(&l)?),
                },
                CheckCommand::Add {
                    label,
                    optional,
                    link,
                    note,
                } => Step::AddChecklistItem {
                    item: NewChecklistItemInput {
                        label: Some(label),
                        required: Some(!optional),
                        link,
                        note,
                    },
                },
                CheckCommand::Done { item, on } => Step::CompleteChecklistItem {
                    id: ItemId(item),
                    on: date("--on", on.as_deref())?,
                },
                CheckCommand::Waive { item, reason } => Step::WaiveChecklistItem {
                    id: ItemId(item),
                    reason,
                },
                CheckCommand::Reopen { item } => Step::ReopenChecklistItem { id: ItemId(item) },
                CheckCommand::Details { item, link, note } => Step::SetChecklistItemDetails {
                    id: ItemId(item),
                    details: ItemDetailsInput { link, note },
                },
                CheckCommand::Handover {
                    account,
                    recipient,
                    channel,
                    on,
                } => Step::RecordCredentialHandover {
                    handover: CredentialHandoverInput {
                        account: Some(account),
                        recipient: Some(recipient),
                        channel,
                        handed_over_on: Some(
                            date("--on", on.as_deref())?.unwrap_or_else(|| cx.today()),
                        ),
                    },
                },
                CheckCommand::WaiveInvoice {
                    invoice,
                    reason,
                    on,
                } => Step::WaiveInvoice {
                    invoice,
                    reason,
                    on: date("--on", on.as_deref())?,
                },
                CheckCommand::Status => {
                    let stored = cases::load(&cx, CaseId(id)).await.map_err(cli_error)?;
                    let unpaid = cases::unpaid_invoices(store.as_ref(), ws.id, stored.client_id)
                        .await
                        .map_err(cli_error)?;
                    return match stored.case.can_close(&unpaid) {
                        Ok(()) => {
                            println!("case {id} can close");
                            Ok(())
                        }
                        Err(e) => Err(cli_error(e.into())),
                    };
                }
            };
            step(id, s).await?;
        }
        CaseCommand::Survey {
            id,
            scale,
            expires_in_days,
            base_url,
        } => {
            let scale = match scale.trim() {
                "0-10" | "zero_to_ten" => churnwise_domain::survey::ScoreScale::ZeroToTen,
                "1-5" | "one_to_five" => churnwise_domain::survey::ScoreScale::OneToFive,
                other => anyhow::bail!("--scale: {other:?} is not 0-10 or 1-5"),
            };
            let applied = cases::apply(
                &cx,
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
        }
        CaseCommand::Close {
            id,
            outcome,
            end_on,
            lost_mrr,
            closed_on,
        } => {
            let close = CloseInput {
                outcome: Some(choice("--outcome", &outcome, &["lost", "fired"])?),
                closed_on: date("--closed-on", closed_on.as_deref())?,
                end_on: date("--end-on", end_on.as_deref())?,
                lost_mrr: money("--lost-mrr", lost_mrr.as_deref())?,
            };
            step(id, Step::Close { close }).await?;
        }
        CaseCommand::Lesson { id, action } => {
            let s = match action {
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
            step(id, s).await?;
        }
        CaseCommand::Winback { id, action } => {
            let s = match action {
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
            step(id, s).await?;
        }
        CaseCommand::Due { until } => {
            let until = date("--until", until.as_deref())?.unwrap_or_else(|| cx.today());
            let cases = store.cases_with_due_work(ws.id, until).await?;
            output::print(&due_items(&cases, until), format)?;
        }
    }
    Ok(())
}

/// Prints one case: the summary, then (as a table) its actions, checklist and history.
async fn show(
    store: &dyn Store,
    ws: &Workspace,
    stored: StoredCase,
    lang: Lang,
    format: Format,
) -> anyhow::Result<()> {
    let history = store.case_history(ws.id, stored.id).await?;
    let reasons = store.reason_list(ws.id).await?.value;
    if format != Format::Table {
        if format == Format::Json {
            let view = CaseView::of(stored, lang).with_history(history, &reasons, lang);
            println!("{}", serde_json::to_string_pretty(&view)?);
            return Ok(());
        }
        return output::print_one(&CaseRow::of(&stored), format);
    }
    output::print_one(&CaseRow::of(&stored), format)?;
    let case = &stored.case;
    if let Some(conv) = case.exit_conversation() {
        println!(
            "reason: {} — \"{}\"",
            reasons.label_of(conv.primary_reason(), lang),
            conv.clients_words()
        );
    }
    for w in case.warnings() {
        println!("warning: {}", w.message(lang));
    }
    if let Some(plan) = case.retention() {
        println!("\nretention actions:");
        for a in plan.actions() {
            println!(
                "  {:>3}  [{}]  {}  ({}, due {})",
                a.id(),
                a.status().as_str(),
                a.description(),
                a.owner(),
                a.due_on()
            );
        }
    }
    if let Some(list) = case.offboarding() {
        println!("\nchecklist:");
        for item in list.items() {
            let status = match item.status() {
                ItemStatus::Open => "open".to_string(),
                ItemStatus::Done { done_on } => format!("done {done_on}"),
                ItemStatus::Waived { waiver_reason } => format!("waived: {waiver_reason}"),
            };
            let required = if item.required() { "" } else { " (optional)" };
            println!("  {:>3}  [{status}]  {}{required}", item.id(), item.label());
        }
    }
    println!("\nhistory:");
    for h in history {
        println!(
            "  {}  {}  {}",
            h.at.format("%Y-%m-%d %H:%M"),
            h.actor.describe(lang),
            h.event.describe(lang, &reasons)
        );
    }
    Ok(())
}
