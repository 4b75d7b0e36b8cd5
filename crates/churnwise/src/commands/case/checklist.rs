//! `case check`: offboarding from flags (the checklist, credential
//! handovers and invoice waivers), and what still stops a case closing.

use super::flags::{cli_error, date, lang};
use super::steps::apply;
use super::{CheckCommand, Session};
use churnwise_app::cases::{self, Step};
use churnwise_domain::offboarding::{
    CredentialHandoverInput, ItemDetailsInput, NewChecklistItemInput,
};
use churnwise_domain::text::ItemId;
use churnwise_store::CaseId;

/// `case check`: runs one offboarding step on case `id`, or (`status`) says
/// whether it can close.
pub(super) async fn check(s: &Session<'_>, id: i64, action: CheckCommand) -> anyhow::Result<()> {
    let cx = &s.cx;
    let step = match action {
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
                handed_over_on: Some(date("--on", on.as_deref())?.unwrap_or_else(|| cx.today())),
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
        CheckCommand::Status => return status(s, id).await,
    };
    apply(s, id, step).await
}

/// `case check ID status`: says the case can close, or why not.
async fn status(s: &Session<'_>, id: i64) -> anyhow::Result<()> {
    let stored = cases::load(&s.cx, CaseId(id)).await.map_err(cli_error)?;
    let unpaid = cases::unpaid_invoices(s.store, s.ws.id, stored.client_id)
        .await
        .map_err(cli_error)?;
    match stored.case.can_close(&unpaid) {
        Ok(()) => {
            println!("case {id} can close");
            Ok(())
        }
        Err(e) => Err(cli_error(e.into())),
    }
}
