//! Departure cases of the demo workspace: a closed case for former clients
//! (reason, offboarding, closing; some with lessons and a win-back
//! follow-up), so the reasons matrix and the due list have something to
//! show, and a few open cases at different stages. Every case goes through
//! the same steps as the API and the CLI.

use crate::demo::DemoWords;
use chrono::{Days, NaiveDate};
use churnwise_app::cases::{self, CaseContext, Step};
use churnwise_domain::departure::{
    CloseInput, DepartureKind, ExitConversationInput, NoticeChannel, NoticeInput, Outcome,
    RelationshipEvaluationInput,
};
use churnwise_domain::lessons::NewCorrectiveActionInput;
use churnwise_domain::offboarding::CredentialHandoverInput;
use churnwise_domain::retention::{Offer, OfferKind};
use churnwise_domain::text::ItemId;
use churnwise_domain::Lang;
use churnwise_store::{CaseId, Client, ClientFilter, Store, WorkspaceId};
use rand::rngs::StdRng;
use rand::Rng;

/// Closed demo cases at most.
const MAX_CLOSED: usize = 60;

fn evaluation(rng: &mut StdRng) -> RelationshipEvaluationInput {
    RelationshipEvaluationInput {
        fruitful: Some(rng.gen_bool(0.7)),
        history_of_stumbles: Some(rng.gen_bool(0.3)),
        our_commitments_met: Some(rng.gen_bool(0.85)),
        client_commitments_met: Some(rng.gen_bool(0.8)),
        note: None,
    }
}

fn notice(
    client: &Client,
    received_on: NaiveDate,
    end: NaiveDate,
    rng: &mut StdRng,
) -> NoticeInput {
    let channels = [
        NoticeChannel::Email,
        NoticeChannel::Phone,
        NoticeChannel::Meeting,
    ];
    NoticeInput {
        received_on: Some(received_on),
        channel: Some(channels[rng.gen_range(0..channels.len())]),
        received_by: Some(client.owner.clone().unwrap_or_else(|| "ana".into())),
        requested_end_on: Some(end),
        notice_period_days: Some(30),
        first_evaluation: Some(evaluation(rng)),
        ..NoticeInput::default()
    }
}

fn conversation(
    key: &str,
    words: &str,
    department: &str,
    rng: &mut StdRng,
) -> ExitConversationInput {
    ExitConversationInput {
        held_on: None,
        clients_words: Some(words.into()),
        primary_reason: Some(key.into()),
        secondary_reasons: Vec::new(),
        controllable: Some(rng.gen_bool(0.5)),
        renegotiable: Some(rng.gen_bool(0.3)),
        departments: vec![department.into()],
        processes: Vec::new(),
        roles: Vec::new(),
    }
}

async fn step(cx: &CaseContext<'_>, id: CaseId, step: Step) -> anyhow::Result<()> {
    cases::apply(cx, id, None, step)
        .await
        .map_err(|e| anyhow::anyhow!("demo case {id}: {e}"))?;
    Ok(())
}

/// Runs a case to offboarding with every checklist item done on `done_on`.
#[expect(
    clippy::too_many_arguments,
    reason = "the demo's one helper that runs a case through its steps"
)]
async fn to_offboarding(
    cx: &CaseContext<'_>,
    demo: &DemoWords,
    lang: Lang,
    client: &Client,
    kind: DepartureKind,
    received_on: NaiveDate,
    end: NaiveDate,
    done_on: Option<NaiveDate>,
    rng: &mut StdRng,
) -> anyhow::Result<CaseId> {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a number in [0, 1) squared, times LEAVING.len(), has a floor below LEAVING.len()"
    )]
    let (key, words) = match kind {
        DepartureKind::ClientLeaving => {
            demo.leaving[(rng.gen::<f64>().powi(2) * demo.leaving.len() as f64) as usize]
        }
        DepartureKind::TeamEnding => demo.ending[rng.gen_range(0..demo.ending.len())],
    };
    let stored = cases::open_case(cx, client.id, kind, notice(client, received_on, end, rng))
        .await
        .map_err(|e| anyhow::anyhow!("demo case for {}: {e}", client.name))?;
    let id = stored.id;
    step(
        cx,
        id,
        Step::ExitConversation {
            conversation: conversation(key, words, demo.department, rng),
        },
    )
    .await?;
    step(
        cx,
        id,
        Step::BeginOffboarding {
            service_type: None,
            lang: Some(lang),
        },
    )
    .await?;
    if let Some(on) = done_on {
        for item in 1..=8 {
            step(
                cx,
                id,
                Step::CompleteChecklistItem {
                    id: ItemId(item),
                    on: Some(on),
                },
            )
            .await?;
        }
    }
    Ok(id)
}

/// Adds the demo cases; returns how many.
pub async fn add_demo_cases(
    store: &dyn Store,
    ws: WorkspaceId,
    actor: &str,
    today: NaiveDate,
    lang: Lang,
    rng: &mut StdRng,
) -> anyhow::Result<usize> {
    let demo = crate::demo::words(lang);
    let cx = CaseContext::for_user(store, ws, actor).map_err(|e| anyhow::anyhow!("{e}"))?;
    let list = |status| ClientFilter {
        status: Some(status),
        per_page: 500,
        ..ClientFilter::default()
    };
    let former = store
        .list_clients(ws, &list(churnwise_domain::registry::ClientStatus::Former))
        .await?
        .items;
    let mut count = 0;
    for client in former.iter().take(MAX_CLOSED) {
        let subs = store.list_subscriptions(ws, client.id).await?;
        let Some(last) = subs
            .iter()
            .filter(|s| s.ended_on.is_some())
            .max_by_key(|s| s.ended_on)
        else {
            continue;
        };
        let first_day_out = last.ended_on.expect("filtered");
        let end = first_day_out - Days::new(1);
        let received_on = end - Days::new(30);
        if received_on
            < subs
                .iter()
                .map(|s| s.started_on)
                .min()
                .unwrap_or(received_on)
        {
            continue;
        }
        let kind = if rng.gen_bool(0.1) {
            DepartureKind::TeamEnding
        } else {
            DepartureKind::ClientLeaving
        };
        let id = to_offboarding(
            &cx,
            demo,
            lang,
            client,
            kind,
            received_on,
            end,
            Some(end),
            rng,
        )
        .await?;
        for invoice in cases::unpaid_invoices(store, ws, client.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
        {
            let waive = Step::WaiveInvoice {
                invoice: invoice.reference,
                reason: demo.written_off.into(),
                on: Some(end),
            };
            step(&cx, id, waive).await?;
        }
        let close = CloseInput {
            outcome: Some(kind.departed_outcome()),
            closed_on: Some(end),
            end_on: Some(end),
            lost_mrr: Some(last.mrr),
        };
        step(&cx, id, Step::Close { close }).await?;
        if kind.departed_outcome() == Outcome::Lost && rng.gen_bool(0.3) {
            let action = NewCorrectiveActionInput {
                what: Some(demo.corrective_action.into()),
                owner: client.owner.clone().or(Some("ana".into())),
                due_on: Some(end + Days::new(rng.gen_range(20..120))),
            };
            step(&cx, id, Step::AddCorrectiveAction { action }).await?;
            let follow_up = today
                .checked_add_signed(chrono::Duration::days(rng.gen_range(-10..60)))
                .filter(|d| *d > end);
            step(&cx, id, Step::SetWinBackFollowUp { on: follow_up }).await?;
        }
        count += 1;
    }

    // Three open cases: a fresh notice, a retention attempt leaning on a
    // discount (the case warns), and offboarding under way.
    let active = store
        .list_clients(ws, &list(churnwise_domain::registry::ClientStatus::Active))
        .await?
        .items;
    let received_on = today - Days::new(10);
    let end = today + Days::new(20);
    if let [first, second, third, ..] = active.as_slice() {
        let n = notice(first, received_on, end, rng);
        cases::open_case(&cx, first.id, DepartureKind::ClientLeaving, n)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let n = notice(second, received_on, end, rng);
        let id = cases::open_case(&cx, second.id, DepartureKind::ClientLeaving, n)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .id;
        let conv = conversation("price_too_high", demo.expensive, demo.department, rng);
        step(&cx, id, Step::ExitConversation { conversation: conv }).await?;
        step(
            &cx,
            id,
            Step::StartRetention {
                suggested: false,
                owner: None,
                due_on: None,
            },
        )
        .await?;
        let offer = Offer {
            kind: OfferKind::Discount,
            description: None,
        };
        step(&cx, id, Step::SetRetentionOffer { offer: Some(offer) }).await?;
        let id = to_offboarding(
            &cx,
            demo,
            lang,
            third,
            DepartureKind::ClientLeaving,
            received_on,
            end,
            None,
            rng,
        )
        .await?;
        step(
            &cx,
            id,
            Step::CompleteChecklistItem {
                id: ItemId(1),
                on: Some(today),
            },
        )
        .await?;
        let handover = CredentialHandoverInput {
            account: Some(demo.handed_over_account.into()),
            recipient: Some(
                third
                    .owner
                    .clone()
                    .unwrap_or_else(|| demo.the_client.into()),
            ),
            channel: None,
            handed_over_on: Some(today),
        };
        step(&cx, id, Step::RecordCredentialHandover { handover }).await?;
        count += 3;
    }
    Ok(count)
}
