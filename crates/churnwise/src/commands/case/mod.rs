//! `churnwise case …`: departure cases from the command line, for scripting.
//! Every step goes through the same code as the API
//! (`churnwise_app::cases::apply`), so the guards, the history and the
//! storage effects are the same; errors name the flag concerned.
//!
//! This module holds the clap arguments and dispatches each subcommand to
//! its handler: `open_show` (open, show, list, due), `steps` (reason, plan,
//! survey, close, lesson, win-back), `checklist` (offboarding), `output`
//! (rows and printing) and `flags` (reading flags and naming them in errors).

mod checklist;
mod flags;
mod open_show;
mod output;
mod steps;

use super::Context;
use crate::output::Format;
use churnwise_app::cases::{self, CaseContext};
use churnwise_store::{Store, Workspace};
use clap::{Args, Subcommand};
use flags::cli_error;

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

/// What every subcommand works with: the store, the workspace, the acting
/// person's case context and the output format.
struct Session<'a> {
    store: &'a dyn Store,
    ws: &'a Workspace,
    cx: CaseContext<'a>,
    format: Format,
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
    let s = Session {
        store: store.as_ref(),
        ws: &ws,
        cx,
        format: args.format,
    };
    match args.command {
        CaseCommand::Open(a) => open_show::open(&s, a).await,
        CaseCommand::Show { id, lang } => open_show::show(&s, id, &lang).await,
        CaseCommand::List {
            stage,
            client,
            outcome,
        } => open_show::list(&s, stage, client, outcome).await,
        CaseCommand::Reason(a) => steps::reason(&s, a).await,
        CaseCommand::Plan { id, action } => steps::plan(&s, id, action).await,
        CaseCommand::Check { id, action } => checklist::check(&s, id, action).await,
        CaseCommand::Survey {
            id,
            scale,
            expires_in_days,
            base_url,
        } => steps::survey(&s, id, &scale, expires_in_days, &base_url).await,
        CaseCommand::Close {
            id,
            outcome,
            end_on,
            lost_mrr,
            closed_on,
        } => steps::close(&s, id, &outcome, end_on, lost_mrr, closed_on).await,
        CaseCommand::Lesson { id, action } => steps::lesson(&s, id, action).await,
        CaseCommand::Winback { id, action } => steps::winback(&s, id, action).await,
        CaseCommand::Due { until } => open_show::due(&s, until).await,
    }
}
