//! Running departure-case steps against the store, for the JSON API and the
//! CLI alike: load the case and what the step needs (the workspace's reason
//! list and templates, the client's unpaid invoices and subscriptions), call
//! the one domain function, and save the new case with its history entries
//! in one transaction, at the version that was read. On any error nothing
//! changed.

mod due;
mod view;

pub use due::{due_items, DueItem};
pub use view::{CaseView, HistoryView};

use crate::credentials::token_hash;
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use churnwise_domain::departure::{
    CloseInput, DepartureCase, DepartureKind, ExistingCase, ExitConversation,
    ExitConversationInput, Notice, NoticeInput, UnpaidInvoice,
};
use churnwise_domain::history::Actor;
use churnwise_domain::lessons::{NewCorrectiveAction, NewCorrectiveActionInput};
use churnwise_domain::offboarding::{
    CredentialHandover, CredentialHandoverInput, ItemDetailsInput, NewChecklistItem,
    NewChecklistItemInput,
};
use churnwise_domain::retention::{
    ActionStatus, NewRetentionAction, NewRetentionActionInput, Offer, RetentionOutcome,
    RetentionPlan,
};
use churnwise_domain::survey::{ScoreScale, SurveyAnswerInput, SurveyToken};
use churnwise_domain::text::{ItemId, Label};
use churnwise_domain::{CaseError, FieldProblem, Lang, Money};
use churnwise_store::{
    CaseFilter, CaseId, CaseUpdate, ClientId, NewCase, NewSurveyToken, Store, StoredCase,
    WorkspaceId,
};
use rand::RngCore;

/// Days a survey link stays valid when no expiry is given.
pub const SURVEY_DEFAULT_DAYS: u32 = 14;
/// Longest validity of a survey link, in days.
pub const SURVEY_MAX_DAYS: u32 = 90;

/// Who acts, where and when: what every step needs besides its input.
#[derive(Clone)]
pub struct CaseContext<'a> {
    /// The store.
    pub store: &'a dyn Store,
    /// The workspace acted in.
    pub ws: WorkspaceId,
    /// Who makes the change, for the history.
    pub actor: Actor,
    /// The moment of the change.
    pub now: DateTime<Utc>,
}

impl<'a> CaseContext<'a> {
    /// A context for the user named `name` (an email or a login) acting now.
    pub fn for_user(store: &'a dyn Store, ws: WorkspaceId, name: &str) -> Result<Self, AppError> {
        let name = Label::parse("actor", name).map_err(CaseError::from)?;
        Ok(CaseContext {
            store,
            ws,
            actor: Actor::user(name),
            now: Utc::now(),
        })
    }

    /// Today, in UTC.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }
}

/// One step on an open or closed case, with its raw input.
#[derive(Debug, Clone)]
pub enum Step {
    /// Correct the notice.
    AmendNotice {
        /// The whole notice again.
        notice: NoticeInput,
    },
    /// Record (or correct) the exit conversation.
    ExitConversation {
        /// The conversation.
        conversation: ExitConversationInput,
    },
    /// Start a retention attempt, empty or suggested from the primary reason's playbook.
    StartRetention {
        /// Fill the plan from the playbook of the primary reason.
        suggested: bool,
        /// Owner of the suggested actions (required when suggested).
        owner: Option<String>,
        /// Due date of the suggested actions (required when suggested).
        due_on: Option<NaiveDate>,
    },
    /// Add an action to the retention plan.
    AddRetentionAction {
        /// The action.
        action: NewRetentionActionInput,
    },
    /// Change a retention action's status.
    SetRetentionActionStatus {
        /// The action's number.
        id: ItemId,
        /// open, done or dropped.
        status: ActionStatus,
    },
    /// Set or remove the retention offer.
    SetRetentionOffer {
        /// The offer, or null to remove it.
        offer: Option<Offer>,
    },
    /// Record the retention outcome (retained closes the case as saved).
    RecordRetentionOutcome {
        /// retained or leaving.
        outcome: RetentionOutcome,
        /// The day (default today).
        on: Option<NaiveDate>,
    },
    /// Begin offboarding with the checklist of a service type's template.
    BeginOffboarding {
        /// The service type (default: the workspace's default template).
        service_type: Option<String>,
        /// Language of the item labels (en or es, default en).
        lang: Option<Lang>,
    },
    /// Add a checklist item.
    AddChecklistItem {
        /// The item.
        item: NewChecklistItemInput,
    },
    /// Mark a checklist item done.
    CompleteChecklistItem {
        /// The item's number.
        id: ItemId,
        /// The day (default today).
        on: Option<NaiveDate>,
    },
    /// Waive a checklist item, with a reason.
    WaiveChecklistItem {
        /// The item's number.
        id: ItemId,
        /// Why (required).
        reason: String,
    },
    /// Open a done or waived checklist item again.
    ReopenChecklistItem {
        /// The item's number.
        id: ItemId,
    },
    /// Change a checklist item's link and note.
    SetChecklistItemDetails {
        /// The item's number.
        id: ItemId,
        /// Link and note (blank clears, absent keeps).
        details: ItemDetailsInput,
    },
    /// Record a credential handover (never the secret).
    RecordCredentialHandover {
        /// Account, recipient, channel, date.
        handover: CredentialHandoverInput,
    },
    /// Waive an unpaid invoice of the client so it does not block closing.
    WaiveInvoice {
        /// The invoice's reference (`invoice_ref`).
        invoice: String,
        /// Why (required).
        reason: String,
        /// The day (default today).
        on: Option<NaiveDate>,
    },
    /// Issue the exit survey link (replaces an unanswered one).
    IssueSurvey {
        /// zero_to_ten (default) or one_to_five.
        scale: Option<ScoreScale>,
        /// Days the link stays valid (1 to 90, default 14).
        expires_in_days: Option<u32>,
    },
    /// Close a lost or fired case.
    Close {
        /// Outcome, dates and lost MRR (closed_on defaults to today, lost_mrr
        /// to the MRR of the client's segments running on the end date).
        close: CloseInput,
    },
    /// Add a corrective action.
    AddCorrectiveAction {
        /// What, owner, due date.
        action: NewCorrectiveActionInput,
    },
    /// Mark a corrective action done.
    CompleteCorrectiveAction {
        /// The action's number.
        id: ItemId,
        /// The day (default today).
        on: Option<NaiveDate>,
    },
    /// Set or clear the win-back follow-up date.
    SetWinBackFollowUp {
        /// The day, or null to clear.
        on: Option<NaiveDate>,
    },
    /// The former client came back: mark the case won back.
    MarkWonBack {
        /// The day business reopened (default today).
        on: Option<NaiveDate>,
    },
}

/// What a step did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The case as saved.
    pub case: StoredCase,
    /// The number of the action or item the step created.
    pub created: Option<ItemId>,
    /// The new survey link's token (shown once, stored only as a hash).
    pub survey_token: Option<SurveyToken>,
}

/// The message of a notice dated after today.
pub const NOTICE_IN_FUTURE: &str = "must not be in the future";
/// The message of a win-back follow-up dated before the case was opened.
pub const FOLLOW_UP_BEFORE_CASE: &str = "must not be before the case was opened (received_on)";

fn parse_notice(cx: &CaseContext<'_>, input: NoticeInput) -> Result<Notice, CaseError> {
    check_notice(input, cx.today())
}

/// Checks a notice in one pass, naming every problem: the domain's rules
/// and, since a notice cannot arrive tomorrow, that it was not received
/// after `today`.
pub fn check_notice(input: NoticeInput, today: NaiveDate) -> Result<Notice, CaseError> {
    let future = input
        .received_on
        .is_some_and(|on| on > today)
        .then(|| FieldProblem::invalid("received_on", NOTICE_IN_FUTURE));
    match (Notice::parse(input), future) {
        (Ok(notice), None) => Ok(notice),
        (Ok(_), Some(problem)) => Err(CaseError::InvalidInput(vec![problem])),
        (Err(CaseError::InvalidInput(mut problems)), Some(problem)) => {
            problems.insert(0, problem);
            Err(CaseError::InvalidInput(problems))
        }
        (Err(e), _) => Err(e),
    }
}

/// Opens a case for a client (refused while the client has an open one).
pub async fn open_case(
    cx: &CaseContext<'_>,
    client: ClientId,
    kind: DepartureKind,
    notice: NoticeInput,
) -> Result<StoredCase, AppError> {
    cx.store
        .get_client(cx.ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = parse_notice(cx, notice)?;
    let existing: Vec<ExistingCase> = cx
        .store
        .list_cases(
            cx.ws,
            &CaseFilter {
                client: Some(client),
                ..CaseFilter::default()
            },
        )
        .await?
        .iter()
        .map(|c| ExistingCase {
            case_id: c.id.0,
            stage: c.case.stage(),
        })
        .collect();
    let change = DepartureCase::open(kind, notice, &existing)?;
    let history = change.history(&cx.actor, cx.now);
    let stored = cx
        .store
        .create_case(
            cx.ws,
            NewCase {
                client,
                case: change.case,
                history,
            },
        )
        .await;
    match stored {
        // The only unique rule a new case can break is "one open case per
        // client": another request opened one in between. Report it like
        // the guard does.
        Err(churnwise_store::StoreError::Conflict { .. }) => {
            let open = cx
                .store
                .list_cases(
                    cx.ws,
                    &CaseFilter {
                        client: Some(client),
                        ..CaseFilter::default()
                    },
                )
                .await?
                .into_iter()
                .find(|c| c.case.is_open())
                .map_or(0, |c| c.id.0);
            Err(CaseError::CaseAlreadyOpen { case_id: open }.into())
        }
        Err(e) => Err(e.into()),
        Ok(stored) => {
            link_alerts(cx, client, stored.id).await?;
            // The client is leaving now: its score follows at once.
            rescore(cx.store, cx.ws, client, cx.today()).await?;
            Ok(stored)
        }
    }
}

/// The client's live health alert, if any, is turned into the new case:
/// the warning has been acted on.
async fn link_alerts(cx: &CaseContext<'_>, client: ClientId, case: CaseId) -> Result<(), AppError> {
    let live = cx
        .store
        .list_alerts(
            cx.ws,
            &churnwise_store::AlertFilter {
                statuses: churnwise_store::AlertStatus::LIVE.to_vec(),
                client: Some(client),
                ..Default::default()
            },
        )
        .await?;
    let by = cx.actor.describe(churnwise_domain::Lang::En);
    for alert in live {
        cx.store
            .update_alert(
                cx.ws,
                alert.id,
                churnwise_store::AlertAction::CaseOpened(case),
                &by,
            )
            .await?;
    }
    Ok(())
}

/// Loads a case of the workspace (404 when absent or another workspace's).
pub async fn load(cx: &CaseContext<'_>, id: CaseId) -> Result<StoredCase, AppError> {
    cx.store
        .get_case(cx.ws, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The client's unpaid invoices (no payment date), as the close guard needs them.
pub async fn unpaid_invoices(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
) -> Result<Vec<UnpaidInvoice>, AppError> {
    Ok(store
        .list_invoices(ws, client)
        .await?
        .into_iter()
        .filter(|i| i.paid_on.is_none())
        .map(|i| UnpaidInvoice {
            reference: i.invoice_ref,
            amount: i.amount,
            due_on: i.due_on,
        })
        .collect())
}

/// The MRR of the client's subscription segments running on `day`.
pub async fn mrr_on(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    day: NaiveDate,
) -> Result<Money, AppError> {
    Ok(store
        .list_subscriptions(ws, client)
        .await?
        .iter()
        .filter(|s| s.started_on <= day && s.ended_on.is_none_or(|end| end > day))
        .map(|s| s.mrr)
        .sum())
}

/// Applies one step to a case and saves it with its history. When
/// `expected_version` is given (an `If-Match` from a client that read the
/// case earlier), a case changed since is refused with a conflict.
pub async fn apply(
    cx: &CaseContext<'_>,
    id: CaseId,
    expected_version: Option<i64>,
    step: Step,
) -> Result<Applied, AppError> {
    let stored = load(cx, id).await?;
    if expected_version.is_some_and(|v| v != stored.version) {
        return Err(version_conflict());
    }
    let case = &stored.case;
    let today = cx.today();
    let mut survey = None;
    let change = match step {
        Step::AmendNotice { notice } => case.amend_notice(parse_notice(cx, notice)?)?,
        Step::ExitConversation { conversation } => {
            let conversation = ExitConversation::parse(conversation)?;
            let reasons = cx.store.reason_list(cx.ws).await?.value;
            case.record_exit_conversation(conversation, &reasons)?
        }
        Step::StartRetention {
            suggested,
            owner,
            due_on,
        } => {
            let plan = if suggested {
                // The stage and kind guards speak before the input checks.
                case.start_retention(RetentionPlan::new())?;
                let mut problems = Vec::new();
                let owner = Label::parse("owner", owner.as_deref().unwrap_or(""))
                    .map_err(|p| problems.push(p))
                    .ok();
                if due_on.is_none() {
                    problems.push(FieldProblem::missing("due_on"));
                }
                if !problems.is_empty() {
                    return Err(CaseError::InvalidInput(problems).into());
                }
                let reasons = cx.store.reason_list(cx.ws).await?.value;
                match case
                    .exit_conversation()
                    .and_then(|c| reasons.get(c.primary_reason()))
                {
                    Some(reason) => RetentionPlan::suggested(
                        reason,
                        &owner.expect("checked"),
                        due_on.expect("checked"),
                    ),
                    None => RetentionPlan::new(),
                }
            } else {
                RetentionPlan::new()
            };
            case.start_retention(plan)?
        }
        Step::AddRetentionAction { action } => {
            case.add_retention_action(NewRetentionAction::parse(action)?)?
        }
        Step::SetRetentionActionStatus { id, status } => {
            case.set_retention_action_status(id, status)?
        }
        Step::SetRetentionOffer { offer } => case.set_retention_offer(offer)?,
        Step::RecordRetentionOutcome { outcome, on } => {
            case.record_retention_outcome(outcome, on.unwrap_or(today))?
        }
        Step::BeginOffboarding { service_type, lang } => {
            let templates = cx.store.checklist_templates(cx.ws).await?.value;
            let template = templates.for_service_type(service_type.as_deref());
            case.begin_offboarding(&template, lang.unwrap_or_default())?
        }
        Step::AddChecklistItem { item } => {
            case.add_checklist_item(NewChecklistItem::parse(item)?)?
        }
        Step::CompleteChecklistItem { id, on } => {
            case.complete_checklist_item(id, on.unwrap_or(today))?
        }
        Step::WaiveChecklistItem { id, reason } => case.waive_checklist_item(id, &reason)?,
        Step::ReopenChecklistItem { id } => case.reopen_checklist_item(id)?,
        Step::SetChecklistItemDetails { id, details } => {
            case.set_checklist_item_details(id, details)?
        }
        Step::RecordCredentialHandover { handover } => {
            case.record_credential_handover(CredentialHandover::parse(handover)?)?
        }
        Step::WaiveInvoice {
            invoice,
            reason,
            on,
        } => {
            let known = cx
                .store
                .list_invoices(cx.ws, stored.client_id)
                .await?
                .iter()
                .any(|i| i.invoice_ref == invoice.trim());
            if !known && !invoice.trim().is_empty() {
                return Err(CaseError::from(FieldProblem::invalid(
                    "invoice",
                    "is not an invoice of this client",
                ))
                .into());
            }
            case.waive_invoice(&invoice, &reason, on.unwrap_or(today))?
        }
        Step::IssueSurvey {
            scale,
            expires_in_days,
        } => {
            let days = expires_in_days.unwrap_or(SURVEY_DEFAULT_DAYS);
            if !(1..=SURVEY_MAX_DAYS).contains(&days) {
                return Err(CaseError::from(FieldProblem::invalid(
                    "expires_in_days",
                    &format!("must be between 1 and {SURVEY_MAX_DAYS}"),
                ))
                .into());
            }
            let reasons = cx.store.reason_list(cx.ws).await?.value;
            let expires_at = cx.now + chrono::Duration::days(i64::from(days));
            let change =
                case.issue_survey(scale.unwrap_or_default(), cx.now, expires_at, &reasons)?;
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            survey = Some((SurveyToken::from_random_bytes(bytes), expires_at));
            change
        }
        Step::Close { mut close } => {
            let unpaid = unpaid_invoices(cx.store, cx.ws, stored.client_id).await?;
            // Check the guard first, so its error comes before any default.
            case.can_close(&unpaid)?;
            close.closed_on = close.closed_on.or(Some(today));
            if close.lost_mrr.is_none() {
                if let Some(end) = close.end_on.or(case.notice().requested_end_on()) {
                    close.lost_mrr = Some(mrr_on(cx.store, cx.ws, stored.client_id, end).await?);
                }
            }
            case.close(close, &unpaid)?
        }
        Step::AddCorrectiveAction { action } => {
            case.add_corrective_action(NewCorrectiveAction::parse(action)?)?
        }
        Step::CompleteCorrectiveAction { id, on } => {
            case.complete_corrective_action(id, on.unwrap_or(today))?
        }
        Step::SetWinBackFollowUp { on } => {
            let opened = case.notice().received_on();
            if on.is_some_and(|on| on < opened) {
                // The stage guard speaks first: a follow-up on an open case
                // is refused for its stage, not its date.
                case.set_win_back_follow_up(None)?;
                return Err(
                    CaseError::from(FieldProblem::invalid("on", FOLLOW_UP_BEFORE_CASE)).into(),
                );
            }
            case.set_win_back_follow_up(on)?
        }
        Step::MarkWonBack { on } => case.mark_won_back(on.unwrap_or(today))?,
    };
    let history = change.history(&cx.actor, cx.now);
    let saved = cx
        .store
        .save_case(
            cx.ws,
            CaseUpdate {
                id,
                expected_version: stored.version,
                case: change.case,
                history,
                survey_token: survey.as_ref().map(|(token, expires_at)| NewSurveyToken {
                    token_hash: token_hash(token.expose()),
                    expires_at: *expires_at,
                }),
            },
        )
        .await?;
    // A step may change the client's status (and so whether it is scored).
    rescore(cx.store, cx.ws, saved.client_id, today).await?;
    Ok(Applied {
        case: saved,
        created: change.created,
        survey_token: survey.map(|(token, _)| token),
    })
}

/// Marks the latest lost or fired case of a returning client won back.
pub async fn win_back_client(
    cx: &CaseContext<'_>,
    client: ClientId,
    on: Option<NaiveDate>,
) -> Result<Applied, AppError> {
    cx.store
        .get_client(cx.ws, client)
        .await?
        .ok_or(AppError::NotFound)?;
    let cases = cx
        .store
        .list_cases(
            cx.ws,
            &CaseFilter {
                client: Some(client),
                ..CaseFilter::default()
            },
        )
        .await?;
    let latest = churnwise_domain::departure::latest_departure_to_win_back(
        cases.iter().map(|c| (c.id.0, &c.case)),
    )
    .ok_or_else(|| {
        AppError::from(CaseError::CannotWinBack {
            why: "the client has no lost or fired case that is not won back yet",
        })
    })?;
    apply(cx, CaseId(latest), None, Step::MarkWonBack { on }).await
}

/// New business with a former client: a running segment that starts on or
/// after the end of the client's latest lost or fired case marks that case
/// won back on the segment's start (and so the client active). Anything
/// else (no such case, a segment of the past) changes nothing.
pub async fn win_back_on_new_business(
    cx: &CaseContext<'_>,
    segment: &churnwise_store::Subscription,
) -> Result<Option<StoredCase>, AppError> {
    if segment.ended_on.is_some_and(|end| end <= cx.today()) {
        return Ok(None);
    }
    let client = cx.store.get_client(cx.ws, segment.client_id).await?;
    if !client.is_some_and(|c| c.status == churnwise_domain::registry::ClientStatus::Former) {
        return Ok(None);
    }
    match win_back_client(cx, segment.client_id, Some(segment.started_on)).await {
        Ok(applied) => Ok(Some(applied.case)),
        Err(AppError::Case(CaseError::CannotWinBack { .. } | CaseError::InvalidInput(_))) => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The former clients an import of subscription segments may win back: those
/// named by a segment of the file that runs today, each with the keys
/// (subscription, start) of the segments it had before the import.
pub async fn former_clients_before_import(
    store: &dyn Store,
    ws: WorkspaceId,
    rows: &[churnwise_store::SubscriptionImport],
    today: NaiveDate,
) -> Result<Vec<FormerClient>, AppError> {
    let running: Vec<String> = rows
        .iter()
        .filter(|r| r.ended_on.is_none_or(|end| end > today))
        .map(|r| r.customer_ref.clone())
        .collect::<std::collections::HashSet<_>>()
        .into_iter()
        .collect();
    // Looked up by the file's running ids, not by walking every former
    // client of the workspace page by page (minutes at 700,000 clients).
    let formers = store.former_clients_by_external_id(ws, &running).await?;
    let mut ids: Vec<ClientId> = formers.into_values().collect();
    ids.sort();
    let mut out = Vec::with_capacity(ids.len());
    for client in ids {
        let segments = store
            .list_subscriptions(ws, client)
            .await?
            .into_iter()
            .map(|s| (s.subscription_ref, s.started_on))
            .collect();
        out.push(FormerClient { client, segments });
    }
    Ok(out)
}

/// A former client and the keys of the segments it had.
#[derive(Debug, Clone)]
pub struct FormerClient {
    /// The client.
    pub client: ClientId,
    /// (subscription, start) of every segment it had.
    pub segments: std::collections::HashSet<(String, NaiveDate)>,
}

/// After an import of subscription segments: a former client that now has
/// a new segment running today is won back (its latest departure case
/// records the win-back, and the client is active again), exactly as when
/// the segment is added through the API.
pub async fn win_back_after_import(
    cx: &CaseContext<'_>,
    before: &[FormerClient],
) -> Result<Vec<StoredCase>, AppError> {
    let mut won = Vec::new();
    for former in before {
        let mut segments = cx.store.list_subscriptions(cx.ws, former.client).await?;
        segments.sort_by_key(|s| s.started_on);
        for segment in segments.iter().filter(|s| {
            !former
                .segments
                .contains(&(s.subscription_ref.clone(), s.started_on))
        }) {
            if let Some(case) = win_back_on_new_business(cx, segment).await? {
                won.push(case);
                break;
            }
        }
    }
    Ok(won)
}

/// Why a public survey link cannot be answered.
#[derive(Debug)]
pub enum SurveyRefusal {
    /// No such link (never issued, or replaced by a newer one).
    Unknown,
    /// The link expired.
    Expired,
    /// The survey was already answered.
    Answered,
    /// The answer is invalid; the problems say which fields.
    Invalid(CaseError),
}

/// The case behind a public survey token, if the link exists.
pub async fn survey_case(
    store: &dyn Store,
    token: &str,
) -> Result<Option<(WorkspaceId, StoredCase)>, AppError> {
    let Ok(token) = SurveyToken::parse(token) else {
        return Ok(None);
    };
    let Some(link) = store.find_survey_link(&token_hash(token.expose())).await? else {
        return Ok(None);
    };
    Ok(store
        .get_case(link.workspace, link.case)
        .await?
        .map(|case| (link.workspace, case)))
}

/// The name of the business (the workspace) that asks a survey, to name it
/// on the public page.
pub async fn survey_business(
    store: &dyn Store,
    workspace: WorkspaceId,
) -> Result<Option<String>, AppError> {
    Ok(store
        .list_workspaces()
        .await?
        .into_iter()
        .find(|w| w.id == workspace)
        .map(|w| w.name))
}

/// Records the former client's answer through the public link (actor: the client).
pub async fn answer_survey(
    store: &dyn Store,
    token: &str,
    answer: SurveyAnswerInput,
    now: DateTime<Utc>,
) -> Result<Result<StoredCase, SurveyRefusal>, AppError> {
    let Some((ws, stored)) = survey_case(store, token).await? else {
        return Ok(Err(SurveyRefusal::Unknown));
    };
    let change = match stored.case.answer_survey(answer, now) {
        Ok(change) => change,
        Err(CaseError::SurveyExpired { .. }) => return Ok(Err(SurveyRefusal::Expired)),
        Err(CaseError::SurveyAlreadyAnswered) => return Ok(Err(SurveyRefusal::Answered)),
        Err(CaseError::NoSurvey) => return Ok(Err(SurveyRefusal::Unknown)),
        Err(e) => return Ok(Err(SurveyRefusal::Invalid(e))),
    };
    let history = change.history(&Actor::Client, now);
    let saved = store
        .save_case(
            ws,
            CaseUpdate {
                id: stored.id,
                expected_version: stored.version,
                case: change.case,
                history,
                survey_token: None,
            },
        )
        .await?;
    // The answer's score is one of the client's health facts.
    rescore(store, ws, saved.client_id, now.date_naive()).await?;
    Ok(Ok(saved))
}

/// Rescores the case's client after a step (the scheduler scores every
/// client only once a day).
async fn rescore(
    store: &dyn Store,
    ws: WorkspaceId,
    client: ClientId,
    today: NaiveDate,
) -> Result<(), AppError> {
    crate::early_warning::refresh_clients(store, ws, &[client], today).await?;
    Ok(())
}

/// The conflict answered when a case changed since the caller read it.
pub fn version_conflict() -> AppError {
    AppError::StaleVersion(
        "the case was changed by someone else since it was read; reload it and try again".into(),
    )
}
