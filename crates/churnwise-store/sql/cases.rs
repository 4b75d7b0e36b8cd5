//! The SQL of departure cases: inherent methods of `SqlStore` that the
//! `Store` impl delegates to. A case is one JSON document plus the columns
//! queries need, all written from the domain case in one place
//! (`CaseColumns::of`); its history is appended in the same transaction as
//! the case, and the registry effects of its events (subscriptions ended,
//! client status) too. See ARCHITECTURE.md, "A departure case".

use super::{backend_error, json_error, DbRow};
use crate::{Db, SqlStore};
use chrono::Utc;
use churnwise_domain::departure::{DepartureCase, Outcome};
use churnwise_domain::history::{CaseEvent, HistoryEntry};
use churnwise_domain::reasons::ReasonKey;
use churnwise_domain::reasons_matrix::ClosedDeparture;
use churnwise_domain::Money;
use churnwise_store::*;
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

pub(super) const CASE_SELECT: &str =
    "SELECT c.id, c.client_id, cl.name AS client_name, c.version, c.document, \
     c.created_at, c.updated_at FROM departure_cases c JOIN clients cl ON cl.id = c.client_id";

const VERSION_CONFLICT: &str =
    "the case was changed by someone else since it was read; reload it and try again";

pub(super) fn case_from(row: &DbRow) -> StoreResult<StoredCase> {
    let document: String = row.try_get("document").map_err(backend_error)?;
    Ok(StoredCase {
        id: CaseId(row.try_get("id").map_err(backend_error)?),
        client_id: ClientId(row.try_get("client_id").map_err(backend_error)?),
        client_name: row.try_get("client_name").map_err(backend_error)?,
        version: row.try_get("version").map_err(backend_error)?,
        case: serde_json::from_str(&document).map_err(|e| json_error("case", e))?,
        created_at: row.try_get("created_at").map_err(backend_error)?,
        updated_at: row.try_get("updated_at").map_err(backend_error)?,
    })
}

/// The columns of `departure_cases` derived from the case document.
struct CaseColumns {
    kind: &'static str,
    stage: &'static str,
    outcome: Option<&'static str>,
    primary_reason: Option<String>,
    opened_on: Date,
    closed_on: Option<Date>,
    end_on: Option<Date>,
    lost_mrr_cents: i64,
    follow_up_on: Option<Date>,
    promise_due_on: Option<Date>,
    lesson_due_on: Option<Date>,
    won_back_on: Option<Date>,
    document: String,
}

impl CaseColumns {
    fn of(case: &DepartureCase) -> StoreResult<Self> {
        let departed = case.outcome().is_some_and(Outcome::is_departure);
        Ok(CaseColumns {
            kind: case.kind().as_str(),
            stage: case.stage().as_str(),
            outcome: case.outcome().map(Outcome::as_str),
            primary_reason: case
                .exit_conversation()
                .map(|c| c.primary_reason().to_string()),
            opened_on: case.notice().received_on(),
            closed_on: case.closure().map(|c| c.closed_on()),
            end_on: case.closure().and_then(|c| c.end_on()),
            lost_mrr_cents: case.lost_mrr().cents(),
            follow_up_on: case
                .lessons()
                .win_back_follow_up_on()
                .filter(|_| departed && case.won_back_on().is_none()),
            promise_due_on: case.open_promises().iter().map(|a| a.due_on()).min(),
            lesson_due_on: case
                .lessons()
                .corrective_actions()
                .iter()
                .filter(|a| a.done_on().is_none())
                .map(|a| a.due_on())
                .min(),
            won_back_on: case.won_back_on(),
            document: serde_json::to_string(case)
                .map_err(|e| StoreError::Backend(anyhow::Error::new(e).context("case to JSON")))?,
        })
    }
}

impl SqlStore {
    async fn append_history(
        tx: &mut sqlx::Transaction<'_, Db>,
        ws: WorkspaceId,
        case: CaseId,
        history: &[HistoryEntry],
    ) -> StoreResult<()> {
        for entry in history {
            let actor = serde_json::to_string(&entry.actor)
                .map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?;
            let event = serde_json::to_string(&entry.event)
                .map_err(|e| StoreError::Backend(anyhow::Error::new(e)))?;
            sqlx::query(
                "INSERT INTO departure_case_history (workspace_id, case_id, at, actor, event) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(ws.0)
            .bind(case.0)
            .bind(entry.at)
            .bind(actor)
            .bind(event)
            .execute(&mut **tx)
            .await
            .map_err(backend_error)?;
        }
        Ok(())
    }

    /// The registry effects of a case's new events, inside its transaction:
    /// closing lost or fired ends the client's running segments the day
    /// after its last day; opening, closing and winning back forget a
    /// status set by hand and bring the client's status in line with the
    /// rule of `churnwise_domain::client_status` (open case: leaving; closed
    /// lost or fired: leaving until the last day, then former; saved or won
    /// back: active while a segment runs).
    async fn apply_case_effects(
        tx: &mut sqlx::Transaction<'_, Db>,
        ws: WorkspaceId,
        client: ClientId,
        history: &[HistoryEntry],
    ) -> StoreResult<()> {
        // The day of the latest event that moves the status, if any.
        let mut status_follows = None;
        for entry in history {
            match &entry.event {
                CaseEvent::Opened { .. } | CaseEvent::WonBack { .. } => {
                    status_follows = Some(entry.at.date_naive());
                }
                CaseEvent::Closed {
                    outcome, end_on, ..
                } => {
                    status_follows = Some(entry.at.date_naive());
                    if let (true, Some(end)) = (outcome.is_departure(), end_on) {
                        // The end date is the client's last day; a segment's
                        // `ended_on` is the first day it no longer counts.
                        let first_day_out = *end + chrono::Days::new(1);
                        sqlx::query(
                            "UPDATE subscriptions SET ended_on = $1 WHERE workspace_id = $2 \
                             AND client_id = $3 AND started_on < $1 \
                             AND (ended_on IS NULL OR ended_on > $1)",
                        )
                        .bind(first_day_out)
                        .bind(ws.0)
                        .bind(client.0)
                        .execute(&mut **tx)
                        .await
                        .map_err(backend_error)?;
                    }
                }
                _ => {}
            }
        }
        if let Some(today) = status_follows {
            sqlx::query(
                "UPDATE clients SET status_override = NULL WHERE workspace_id = $1 AND id = $2",
            )
            .bind(ws.0)
            .bind(client.0)
            .execute(&mut **tx)
            .await
            .map_err(backend_error)?;
            super::outbox::refresh_statuses_in(tx, ws, Some(&[client]), today).await?;
        }
        Ok(())
    }

    pub(super) async fn cases_create(
        &self,
        ws: WorkspaceId,
        new: NewCase,
    ) -> StoreResult<StoredCase> {
        let cols = CaseColumns::of(&new.case)?;
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        // Insert first (only if the client is in the workspace), so SQLite
        // takes its write lock at once.
        let row = sqlx::query(
            "INSERT INTO departure_cases (workspace_id, client_id, kind, stage, outcome, primary_reason, \
             opened_on, closed_on, end_on, lost_mrr_cents, follow_up_on, promise_due_on, lesson_due_on, \
             won_back_on, document, version, created_at, updated_at) \
             SELECT workspace_id, id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16 \
             FROM clients WHERE workspace_id = $1 AND id = $2 RETURNING id",
        )
        .bind(ws.0)
        .bind(new.client.0)
        .bind(cols.kind)
        .bind(cols.stage)
        .bind(cols.outcome)
        .bind(&cols.primary_reason)
        .bind(cols.opened_on)
        .bind(cols.closed_on)
        .bind(cols.end_on)
        .bind(cols.lost_mrr_cents)
        .bind(cols.follow_up_on)
        .bind(cols.promise_due_on)
        .bind(cols.lesson_due_on)
        .bind(cols.won_back_on)
        .bind(&cols.document)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| match backend_error(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                field: "client_id".to_string(),
                message: "the client already has an open departure case".to_string(),
            },
            other => other,
        })?
        .ok_or(StoreError::NotFound)?;
        let id = CaseId(row.try_get("id").map_err(backend_error)?);
        Self::append_history(&mut tx, ws, id, &new.history).await?;
        Self::apply_case_effects(&mut tx, ws, new.client, &new.history).await?;
        // --- outhooks: the event, in the same transaction
        if super::outbox::has_subscriber(&mut tx, ws, "case.opened").await? {
            let data = serde_json::json!({
                "case": {"id": id.0, "kind": cols.kind, "stage": cols.stage,
                    "primary_reason": cols.primary_reason, "opened_on": cols.opened_on},
                "client": super::outbox::client_data(&mut tx, ws, new.client).await?,
            });
            super::outbox::insert_outbox_event(
                &mut tx,
                ws,
                "case.opened",
                &data,
                now.timestamp_millis(),
            )
            .await?;
        }
        tx.commit().await.map_err(backend_error)?;
        self.cases_get(ws, id)
            .await?
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("case vanished after insert")))
    }

    pub(super) async fn cases_get(
        &self,
        ws: WorkspaceId,
        id: CaseId,
    ) -> StoreResult<Option<StoredCase>> {
        let sql = format!("{CASE_SELECT} WHERE c.workspace_id = $1 AND c.id = $2");
        let row = sqlx::query(&sql)
            .bind(ws.0)
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend_error)?;
        row.as_ref().map(case_from).transpose()
    }

    pub(super) async fn cases_list(
        &self,
        ws: WorkspaceId,
        filter: &CaseFilter,
    ) -> StoreResult<Vec<StoredCase>> {
        let mut q = QueryBuilder::<Db>::new(CASE_SELECT);
        q.push(" WHERE c.workspace_id = ").push_bind(ws.0);
        if let Some(stage) = filter.stage {
            q.push(" AND c.stage = ").push_bind(stage.as_str());
        }
        if let Some(client) = filter.client {
            q.push(" AND c.client_id = ").push_bind(client.0);
        }
        if let Some(outcome) = filter.outcome {
            q.push(" AND c.outcome = ").push_bind(outcome.as_str());
        }
        q.push(" ORDER BY c.opened_on DESC, c.id DESC");
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(case_from).collect()
    }

    pub(super) async fn cases_save(
        &self,
        ws: WorkspaceId,
        update: CaseUpdate,
    ) -> StoreResult<StoredCase> {
        let cols = CaseColumns::of(&update.case)?;
        let now = Utc::now();
        let mut tx = self.begin_write().await?;
        // Write first, so SQLite takes its write lock at once.
        let row = sqlx::query(
            "UPDATE departure_cases SET kind = $1, stage = $2, outcome = $3, primary_reason = $4, \
             opened_on = $5, closed_on = $6, end_on = $7, lost_mrr_cents = $8, follow_up_on = $9, \
             promise_due_on = $10, lesson_due_on = $11, won_back_on = $12, document = $13, \
             version = version + 1, updated_at = $14 \
             WHERE workspace_id = $15 AND id = $16 AND version = $17 RETURNING client_id",
        )
        .bind(cols.kind)
        .bind(cols.stage)
        .bind(cols.outcome)
        .bind(&cols.primary_reason)
        .bind(cols.opened_on)
        .bind(cols.closed_on)
        .bind(cols.end_on)
        .bind(cols.lost_mrr_cents)
        .bind(cols.follow_up_on)
        .bind(cols.promise_due_on)
        .bind(cols.lesson_due_on)
        .bind(cols.won_back_on)
        .bind(&cols.document)
        .bind(now)
        .bind(ws.0)
        .bind(update.id.0)
        .bind(update.expected_version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_error)?;
        let Some(row) = row else {
            let exists =
                sqlx::query("SELECT 1 FROM departure_cases WHERE workspace_id = $1 AND id = $2")
                    .bind(ws.0)
                    .bind(update.id.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend_error)?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some(_) => StoreError::StaleVersion(VERSION_CONFLICT.to_string()),
            });
        };
        let client = ClientId(row.try_get("client_id").map_err(backend_error)?);
        Self::append_history(&mut tx, ws, update.id, &update.history).await?;
        if let Some(token) = &update.survey_token {
            sqlx::query("DELETE FROM survey_tokens WHERE workspace_id = $1 AND case_id = $2")
                .bind(ws.0)
                .bind(update.id.0)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
            sqlx::query(
                "INSERT INTO survey_tokens (token_hash, workspace_id, case_id, expires_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&token.token_hash)
            .bind(ws.0)
            .bind(update.id.0)
            .bind(token.expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
        }
        Self::apply_case_effects(&mut tx, ws, client, &update.history).await?;
        // --- outhooks: a close appended by this save is a `case.closed` event
        let closed = update
            .history
            .iter()
            .any(|e| matches!(e.event, CaseEvent::Closed { .. }));
        if closed && super::outbox::has_subscriber(&mut tx, ws, "case.closed").await? {
            let data = serde_json::json!({
                "case": {"id": update.id.0, "kind": cols.kind, "outcome": cols.outcome,
                    "primary_reason": cols.primary_reason, "opened_on": cols.opened_on,
                    "closed_on": cols.closed_on, "end_on": cols.end_on,
                    "lost_mrr_cents": cols.lost_mrr_cents},
                "client": super::outbox::client_data(&mut tx, ws, client).await?,
            });
            super::outbox::insert_outbox_event(
                &mut tx,
                ws,
                "case.closed",
                &data,
                now.timestamp_millis(),
            )
            .await?;
        }
        tx.commit().await.map_err(backend_error)?;
        self.cases_get(ws, update.id)
            .await?
            .ok_or_else(|| StoreError::Backend(anyhow::anyhow!("case vanished after update")))
    }

    pub(super) async fn cases_history(
        &self,
        ws: WorkspaceId,
        id: CaseId,
    ) -> StoreResult<Vec<HistoryEntry>> {
        let exists =
            sqlx::query("SELECT 1 FROM departure_cases WHERE workspace_id = $1 AND id = $2")
                .bind(ws.0)
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend_error)?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query(
            "SELECT at, actor, event FROM departure_case_history \
             WHERE workspace_id = $1 AND case_id = $2 ORDER BY id",
        )
        .bind(ws.0)
        .bind(id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        rows.iter()
            .map(|r| {
                let actor: String = r.try_get("actor").map_err(backend_error)?;
                let event: String = r.try_get("event").map_err(backend_error)?;
                Ok(HistoryEntry {
                    at: r.try_get("at").map_err(backend_error)?,
                    actor: serde_json::from_str(&actor).map_err(|e| json_error("actor", e))?,
                    event: serde_json::from_str(&event).map_err(|e| json_error("event", e))?,
                })
            })
            .collect()
    }

    pub(super) async fn cases_find_survey_link(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<SurveyLink>> {
        let row = sqlx::query(
            "SELECT workspace_id, case_id, expires_at FROM survey_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend_error)?;
        row.map(|r| {
            Ok(SurveyLink {
                workspace: WorkspaceId(r.try_get("workspace_id")?),
                case: CaseId(r.try_get("case_id")?),
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
        .map_err(backend_error)
    }

    pub(super) async fn cases_with_due(
        &self,
        ws: WorkspaceId,
        until: Date,
    ) -> StoreResult<Vec<StoredCase>> {
        let sql = format!(
            "{CASE_SELECT} WHERE c.workspace_id = $1 AND (c.follow_up_on <= $2 \
             OR c.promise_due_on <= $2 OR c.lesson_due_on <= $2) ORDER BY c.id"
        );
        let rows = sqlx::query(&sql)
            .bind(ws.0)
            .bind(until)
            .fetch_all(&self.pool)
            .await
            .map_err(backend_error)?;
        rows.iter().map(case_from).collect()
    }

    pub(super) async fn cases_closed_departures(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<ClosedDeparture>> {
        let rows = sqlx::query(
            "SELECT c.client_id, c.primary_reason, c.outcome, c.end_on, c.lost_mrr_cents, cl.segment, cl.owner \
             FROM departure_cases c JOIN clients cl ON cl.id = c.client_id \
             WHERE c.workspace_id = $1 AND c.stage = 'closed' AND c.outcome IN ('lost', 'fired') \
             AND c.end_on IS NOT NULL AND c.primary_reason IS NOT NULL ORDER BY c.end_on, c.id",
        )
        .bind(ws.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        let segments = sqlx::query(
            "SELECT s.client_id, s.plan, s.mrr_cents, s.started_on, s.ended_on FROM subscriptions s \
             WHERE s.workspace_id = $1 AND s.client_id IN (SELECT c.client_id FROM departure_cases c \
             WHERE c.workspace_id = $1 AND c.stage = 'closed' AND c.outcome IN ('lost', 'fired'))",
        )
        .bind(ws.0)
        .fetch_all(&self.pool)
        .await
        .map_err(backend_error)?;
        type Segment = (Option<String>, i64, Date, Option<Date>);
        let mut by_client: HashMap<i64, Vec<Segment>> = HashMap::new();
        for r in &segments {
            by_client
                .entry(r.try_get("client_id").map_err(backend_error)?)
                .or_default()
                .push((
                    r.try_get("plan").map_err(backend_error)?,
                    r.try_get("mrr_cents").map_err(backend_error)?,
                    r.try_get("started_on").map_err(backend_error)?,
                    r.try_get("ended_on").map_err(backend_error)?,
                ));
        }
        // The plan at the end date: the largest segment running on the
        // client's last day, else the latest one started before it.
        let plan_at = |client: i64, end: Date| -> Option<String> {
            let segs = by_client.get(&client)?;
            let running = segs
                .iter()
                .filter(|(_, _, start, stop)| *start <= end && stop.is_none_or(|s| s > end))
                .max_by_key(|(_, mrr, start, _)| (*mrr, *start));
            let earlier = || {
                segs.iter()
                    .filter(|(_, _, start, _)| *start <= end)
                    .max_by_key(|(_, _, start, _)| *start)
            };
            running.or_else(earlier).and_then(|(plan, ..)| plan.clone())
        };
        rows.iter()
            .map(|r| {
                let client: i64 = r.try_get("client_id").map_err(backend_error)?;
                let reason: String = r.try_get("primary_reason").map_err(backend_error)?;
                let outcome: String = r.try_get("outcome").map_err(backend_error)?;
                let end_on: Date = r.try_get("end_on").map_err(backend_error)?;
                Ok(ClosedDeparture {
                    primary_reason: ReasonKey::parse("primary_reason", &reason).map_err(|e| {
                        StoreError::Backend(anyhow::anyhow!(
                            "stored primary_reason is invalid: {e}"
                        ))
                    })?,
                    outcome: match outcome.as_str() {
                        "fired" => Outcome::Fired,
                        _ => Outcome::Lost,
                    },
                    end_on,
                    lost_mrr: Money::from_cents(
                        r.try_get("lost_mrr_cents").map_err(backend_error)?,
                    ),
                    segment: r.try_get("segment").map_err(backend_error)?,
                    owner: r.try_get("owner").map_err(backend_error)?,
                    plan: plan_at(client, end_on),
                })
            })
            .collect()
    }
}
