//! What `churnwise case` prints: a case as a row, the due list as a table,
//! and one case in full (summary, actions, checklist, history).

use crate::output::{self, opt, Format, Tabular};
use churnwise_app::cases::{CaseView, DueItem};
use churnwise_domain::offboarding::ItemStatus;
use churnwise_domain::Lang;
use churnwise_store::{Store, StoredCase, Workspace};
use serde::Serialize;

/// One case as a row.
#[derive(Debug, Serialize)]
pub(super) struct CaseRow {
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
    /// The row of a stored case.
    pub(super) fn of(c: &StoredCase) -> Self {
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

/// Prints a case after a step: as JSON in full, otherwise as one row.
pub(super) fn print_case(stored: &StoredCase, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let view = CaseView::of(stored.clone(), Lang::En);
            println!("{}", serde_json::to_string_pretty(&view)?);
            Ok(())
        }
        _ => output::print_one(&CaseRow::of(stored), format),
    }
}

/// Prints one case: the summary, then (as a table) its actions, checklist and history.
pub(super) async fn show(
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
                a.description_in(lang),
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
            println!(
                "  {:>3}  [{status}]  {}{required}",
                item.id(),
                item.label_in(lang)
            );
        }
    }
    println!("\nhistory:");
    for h in history {
        println!(
            "  {}  {}  {}",
            h.at.format("%Y-%m-%d %H:%M"),
            h.actor.describe(lang),
            h.event.describe_in(lang, &reasons, Some(case))
        );
    }
    Ok(())
}
