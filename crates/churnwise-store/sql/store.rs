//! The one `impl Store for SqlStore`: each method delegates to an inherent
//! method in the module of its concern.

use super::backend_error;
use crate::{SqlStore, BACKEND_NAME};
use async_trait::async_trait;
use churnwise_domain::history::HistoryEntry;
use churnwise_domain::offboarding::ChecklistTemplates;
use churnwise_domain::reasons::ReasonList;
use churnwise_domain::reasons_matrix::ClosedDeparture;
use churnwise_domain::registry::Role;
use churnwise_store::*;

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend_error)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        BACKEND_NAME
    }

    // --- workspaces, users, sessions and API tokens (users.rs)

    async fn ensure_workspace(&self, name: &str) -> StoreResult<Workspace> {
        self.ensure_workspace_impl(name).await
    }

    async fn find_workspace(&self, name: &str) -> StoreResult<Option<Workspace>> {
        self.find_workspace_impl(name).await
    }

    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>> {
        self.list_workspaces_impl().await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        self.count_users_impl().await
    }

    async fn upsert_user(&self, email: &str, password_hash: &str) -> StoreResult<User> {
        self.upsert_user_impl(email, password_hash).await
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserWithHash>> {
        self.find_user_by_email_impl(email).await
    }

    async fn set_membership(
        &self,
        user: UserId,
        workspace: WorkspaceId,
        role: Role,
    ) -> StoreResult<()> {
        self.set_membership_impl(user, workspace, role).await
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        self.memberships_impl(user).await
    }

    async fn create_session(&self, session: NewSession) -> StoreResult<()> {
        self.create_session_impl(session).await
    }

    async fn find_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<SessionInfo>> {
        self.find_session_impl(token_hash, now).await
    }

    async fn switch_session_workspace(
        &self,
        token_hash: &str,
        workspace: WorkspaceId,
    ) -> StoreResult<()> {
        self.switch_session_workspace_impl(token_hash, workspace)
            .await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.delete_session_impl(token_hash).await
    }

    async fn create_api_token(&self, token: NewApiToken) -> StoreResult<ApiTokenInfo> {
        self.create_api_token_impl(token).await
    }

    async fn find_api_token(&self, token_hash: &str) -> StoreResult<Option<Access>> {
        self.find_api_token_impl(token_hash).await
    }

    async fn list_api_tokens(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<Vec<ApiTokenInfo>> {
        self.list_api_tokens_impl(workspace, user).await
    }

    async fn delete_api_token(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        id: ApiTokenId,
    ) -> StoreResult<bool> {
        self.delete_api_token_impl(workspace, user, id).await
    }

    async fn workspace_members(&self, workspace: WorkspaceId) -> StoreResult<Vec<Member>> {
        self.workspace_members_impl(workspace).await
    }

    // --- clients (clients.rs)

    async fn client_facets(&self, ws: WorkspaceId) -> StoreResult<ClientFacets> {
        self.client_facets_impl(ws).await
    }

    async fn create_client(&self, ws: WorkspaceId, client: NewClient) -> StoreResult<Client> {
        self.create_client_impl(ws, client).await
    }

    async fn get_client(&self, ws: WorkspaceId, id: ClientId) -> StoreResult<Option<Client>> {
        self.get_client_impl(ws, id).await
    }

    async fn find_client(&self, ws: WorkspaceId, reference: &str) -> StoreResult<Option<Client>> {
        self.find_client_impl(ws, reference).await
    }

    async fn list_clients(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
    ) -> StoreResult<Page<Client>> {
        self.list_clients_impl(ws, filter).await
    }

    async fn client_status_counts(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Vec<(churnwise_domain::registry::ClientStatus, i64)>> {
        self.client_status_counts_impl(ws).await
    }

    async fn update_client(
        &self,
        ws: WorkspaceId,
        id: ClientId,
        patch: ClientPatch,
    ) -> StoreResult<Option<Client>> {
        self.update_client_impl(ws, id, patch).await
    }

    // --- a client's records (records.rs)

    async fn add_contact(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        contact: NewContact,
    ) -> StoreResult<Contact> {
        self.add_contact_impl(ws, client, contact).await
    }

    async fn list_contacts(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Contact>> {
        self.list_contacts_impl(ws, client).await
    }

    async fn add_subscription(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        sub: NewSubscription,
    ) -> StoreResult<Subscription> {
        self.add_subscription_impl(ws, client, sub).await
    }

    async fn list_subscriptions(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Subscription>> {
        self.list_subscriptions_impl(ws, client).await
    }

    async fn add_invoice(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        invoice: NewInvoice,
    ) -> StoreResult<Invoice> {
        self.add_invoice_impl(ws, client, invoice).await
    }

    async fn list_invoices(&self, ws: WorkspaceId, client: ClientId) -> StoreResult<Vec<Invoice>> {
        self.list_invoices_impl(ws, client).await
    }

    async fn set_invoice_paid(
        &self,
        ws: WorkspaceId,
        id: InvoiceId,
        paid_on: Option<Date>,
    ) -> StoreResult<Option<Invoice>> {
        self.set_invoice_paid_impl(ws, id, paid_on).await
    }

    async fn log_interaction(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        interaction: NewInteraction,
    ) -> StoreResult<Interaction> {
        self.log_interaction_impl(ws, client, interaction).await
    }

    async fn list_interactions(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<Interaction>> {
        self.list_interactions_impl(ws, client).await
    }

    // --- imports (imports.rs)

    async fn import_customers(
        &self,
        ws: WorkspaceId,
        rows: Vec<CustomerImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        self.import_customers_impl(ws, rows, progress).await
    }

    async fn import_subscriptions(
        &self,
        ws: WorkspaceId,
        rows: Vec<SubscriptionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        self.import_subscriptions_impl(ws, rows, progress).await
    }

    async fn import_invoices(
        &self,
        ws: WorkspaceId,
        rows: Vec<InvoiceImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        self.import_invoices_impl(ws, rows, progress).await
    }

    async fn client_external_ids(&self, ws: WorkspaceId) -> StoreResult<Vec<String>> {
        self.client_external_ids_impl(ws).await
    }

    async fn all_client_ids(&self, ws: WorkspaceId) -> StoreResult<Vec<ClientId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM clients WHERE workspace_id = $1 ORDER BY id")
                .bind(ws.0)
                .fetch_all(&self.pool)
                .await
                .map_err(super::backend_error)?;
        Ok(rows.into_iter().map(|(id,)| ClientId(id)).collect())
    }

    async fn client_ids_by_external(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<Vec<ClientId>> {
        self.client_ids_by_external_impl(ws, external_ids).await
    }

    // --- metrics input (metrics_data.rs)

    async fn metrics_data(&self, ws: WorkspaceId) -> StoreResult<MetricsData> {
        self.metrics_data_impl(ws).await
    }

    async fn data_version(&self, ws: WorkspaceId) -> StoreResult<String> {
        self.data_version_impl(ws).await
    }

    async fn prune_data_versions(&self) -> StoreResult<()> {
        self.prune_data_versions_impl().await
    }

    async fn count_request(&self, key: &str, window_start: i64) -> StoreResult<i64> {
        self.throttle_count_request(key, window_start).await
    }

    async fn forget_request_counts(&self, before: i64) -> StoreResult<u64> {
        self.throttle_forget_request_counts(before).await
    }

    // --- departure cases (cases.rs)

    async fn create_case(&self, ws: WorkspaceId, case: NewCase) -> StoreResult<StoredCase> {
        self.cases_create(ws, case).await
    }

    async fn get_case(&self, ws: WorkspaceId, id: CaseId) -> StoreResult<Option<StoredCase>> {
        self.cases_get(ws, id).await
    }

    async fn list_cases(
        &self,
        ws: WorkspaceId,
        filter: &CaseFilter,
    ) -> StoreResult<Vec<StoredCase>> {
        self.cases_list(ws, filter).await
    }

    async fn save_case(&self, ws: WorkspaceId, update: CaseUpdate) -> StoreResult<StoredCase> {
        self.cases_save(ws, update).await
    }

    async fn case_history(&self, ws: WorkspaceId, id: CaseId) -> StoreResult<Vec<HistoryEntry>> {
        self.cases_history(ws, id).await
    }

    async fn find_survey_link(&self, token_hash: &str) -> StoreResult<Option<SurveyLink>> {
        self.cases_find_survey_link(token_hash).await
    }

    async fn cases_with_due_work(
        &self,
        ws: WorkspaceId,
        until: Date,
    ) -> StoreResult<Vec<StoredCase>> {
        self.cases_with_due(ws, until).await
    }

    async fn closed_departures(&self, ws: WorkspaceId) -> StoreResult<Vec<ClosedDeparture>> {
        self.cases_closed_departures(ws).await
    }

    // --- workspace settings (settings.rs)

    async fn reason_list(&self, ws: WorkspaceId) -> StoreResult<Versioned<ReasonList>> {
        self.setting_get("workspace_reason_lists", ws).await
    }

    async fn save_reason_list(
        &self,
        ws: WorkspaceId,
        list: &ReasonList,
        expected_version: i64,
    ) -> StoreResult<Versioned<ReasonList>> {
        self.setting_save("workspace_reason_lists", ws, list, expected_version)
            .await
    }

    async fn checklist_templates(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Versioned<ChecklistTemplates>> {
        self.setting_get("workspace_checklist_templates", ws).await
    }

    async fn save_checklist_templates(
        &self,
        ws: WorkspaceId,
        templates: &ChecklistTemplates,
        expected_version: i64,
    ) -> StoreResult<Versioned<ChecklistTemplates>> {
        self.setting_save(
            "workspace_checklist_templates",
            ws,
            templates,
            expected_version,
        )
        .await
    }

    async fn workspace_settings(
        &self,
        ws: WorkspaceId,
    ) -> StoreResult<Versioned<churnwise_domain::workspace_settings::WorkspaceSettings>> {
        self.setting_get("workspace_settings", ws).await
    }

    async fn save_workspace_settings(
        &self,
        ws: WorkspaceId,
        settings: &churnwise_domain::workspace_settings::WorkspaceSettings,
        expected_version: i64,
    ) -> StoreResult<Versioned<churnwise_domain::workspace_settings::WorkspaceSettings>> {
        self.setting_save("workspace_settings", ws, settings, expected_version)
            .await
    }

    // --- user profile (users.rs)

    async fn update_user_profile(
        &self,
        user: UserId,
        name: Option<Option<String>>,
        lang: Option<Option<churnwise_domain::Lang>>,
    ) -> StoreResult<User> {
        self.update_user_profile_impl(user, name, lang).await
    }

    // --- health scores and alerts (health.rs)

    async fn health_facts(
        &self,
        ws: WorkspaceId,
        today: Date,
        lookback_days: u32,
    ) -> StoreResult<Vec<ClientHealthFacts>> {
        self.health_facts_impl(ws, today, lookback_days).await
    }

    async fn record_health(
        &self,
        ws: WorkspaceId,
        today: Date,
        scores: Vec<NewHealth>,
    ) -> StoreResult<HealthRunSummary> {
        self.record_health_impl(ws, today, scores).await
    }

    async fn list_health(
        &self,
        ws: WorkspaceId,
        filter: &HealthFilter,
    ) -> StoreResult<Vec<StoredHealth>> {
        self.list_health_impl(ws, filter).await
    }

    async fn list_alerts(&self, ws: WorkspaceId, filter: &AlertFilter) -> StoreResult<Vec<Alert>> {
        self.list_alerts_impl(ws, filter).await
    }

    async fn get_alert(&self, ws: WorkspaceId, id: AlertId) -> StoreResult<Option<Alert>> {
        self.get_alert_impl(ws, id).await
    }

    async fn take_health_stale(&self, ws: WorkspaceId, limit: i64) -> StoreResult<Vec<ClientId>> {
        self.take_health_stale_impl(ws, limit).await
    }

    async fn update_alert(
        &self,
        ws: WorkspaceId,
        id: AlertId,
        action: AlertAction,
        by: &str,
    ) -> StoreResult<Option<Alert>> {
        self.update_alert_impl(ws, id, action, by).await
    }

    // --- job leases and digest deliveries (jobs.rs)

    async fn try_lease(
        &self,
        job: &str,
        holder: &str,
        now: Timestamp,
        ttl: std::time::Duration,
    ) -> StoreResult<bool> {
        self.try_lease_impl(job, holder, now, ttl).await
    }

    async fn release_lease(&self, job: &str, holder: &str) -> StoreResult<()> {
        self.release_lease_impl(job, holder).await
    }

    async fn claim_delivery(
        &self,
        ws: WorkspaceId,
        user: UserId,
        run_on: Date,
        items: i32,
    ) -> StoreResult<Option<DeliveryId>> {
        self.claim_delivery_impl(ws, user, run_on, items).await
    }

    async fn finish_delivery(&self, id: DeliveryId, result: Result<(), String>) -> StoreResult<()> {
        self.finish_delivery_impl(id, result).await
    }

    async fn list_deliveries(&self, ws: WorkspaceId, run_on: Date) -> StoreResult<Vec<Delivery>> {
        self.list_deliveries_impl(ws, run_on).await
    }

    // --- backups (in each backend crate: the copy is backend-specific)

    async fn backup_to_file(&self, path: &std::path::Path) -> StoreResult<bool> {
        self.backup_to_file_impl(path).await
    }

    // --- sign-in throttling (throttle.rs)

    async fn sign_in_throttle(&self, keys: &[String]) -> StoreResult<Vec<ThrottleState>> {
        self.sign_in_throttle_impl(keys).await
    }

    async fn record_sign_in_failure(
        &self,
        key: &str,
        now: Timestamp,
        window_start: Timestamp,
    ) -> StoreResult<ThrottleState> {
        self.record_sign_in_failure_impl(key, now, window_start)
            .await
    }

    async fn lock_sign_in(
        &self,
        key: &str,
        now: Timestamp,
        until: Timestamp,
        locks: i64,
    ) -> StoreResult<()> {
        self.lock_sign_in_impl(key, now, until, locks).await
    }

    async fn clear_sign_in_throttle(&self, key: &str) -> StoreResult<()> {
        self.clear_sign_in_throttle_impl(key).await
    }

    async fn purge_sign_in_throttle(&self, before: Timestamp) -> StoreResult<u64> {
        self.purge_sign_in_throttle_impl(before).await
    }

    // --- invitations (invitations.rs; issue 11, members)

    async fn create_invitation(&self, invitation: NewInvitation) -> StoreResult<Invitation> {
        self.create_invitation_impl(invitation).await
    }

    async fn list_invitations(&self, ws: WorkspaceId) -> StoreResult<Vec<Invitation>> {
        self.list_invitations_impl(ws).await
    }

    async fn find_invitation(&self, token_hash: &str) -> StoreResult<Option<Invitation>> {
        self.find_invitation_impl(token_hash).await
    }

    async fn invitations_for_email(
        &self,
        email: &str,
        now: Timestamp,
    ) -> StoreResult<Vec<Invitation>> {
        self.invitations_for_email_impl(email, now).await
    }

    async fn revoke_invitation(&self, ws: WorkspaceId, id: InvitationId) -> StoreResult<bool> {
        self.revoke_invitation_impl(ws, id).await
    }

    async fn decline_invitation(&self, id: InvitationId, email: &str) -> StoreResult<bool> {
        self.decline_invitation_impl(id, email).await
    }

    async fn accept_invitation(
        &self,
        id: InvitationId,
        by: Acceptor,
        now: Timestamp,
    ) -> StoreResult<Accepted> {
        self.accept_invitation_impl(id, by, now).await
    }

    // --- audit log and personal data (privacy.rs)

    async fn record_audit(&self, ws: WorkspaceId, entry: NewAuditEntry) -> StoreResult<()> {
        self.record_audit_impl(ws, entry).await
    }

    async fn list_audit(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<AuditEntry>> {
        self.list_audit_impl(ws, page, per_page).await
    }

    async fn client_audit(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<AuditEntry>> {
        self.client_audit_impl(ws, client).await
    }

    async fn erase_client(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        audit: NewAuditEntry,
    ) -> StoreResult<ErasureSummary> {
        self.erase_client_impl(ws, client, audit).await
    }

    async fn client_erased_at(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Timestamp>> {
        self.client_erased_at_impl(ws, client).await
    }

    async fn former_clients_left_before(
        &self,
        ws: WorkspaceId,
        before: Date,
    ) -> StoreResult<Vec<ClientId>> {
        self.former_clients_left_before_impl(ws, before).await
    }

    // --- bounded inputs (bounded.rs)

    async fn case_summaries(
        &self,
        ws: WorkspaceId,
        filter: &CaseFilter,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<CaseSummary>> {
        self.case_summaries_impl(ws, filter, page, per_page).await
    }

    async fn purge_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        self.purge_expired_sessions_impl(now).await
    }

    // --- entry --- (entry.rs)

    async fn update_subscription(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: SubscriptionId,
        sub: NewSubscription,
    ) -> StoreResult<Option<Subscription>> {
        self.update_subscription_impl(ws, client, id, sub).await
    }

    async fn update_contact(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ContactId,
        contact: NewContact,
    ) -> StoreResult<Option<Contact>> {
        self.update_contact_impl(ws, client, id, contact).await
    }

    async fn remove_contact(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ContactId,
    ) -> StoreResult<bool> {
        self.remove_contact_impl(ws, client, id).await
    }

    // --- status ---

    async fn refresh_client_statuses(
        &self,
        ws: WorkspaceId,
        clients: Option<&[ClientId]>,
        today: Date,
    ) -> StoreResult<u64> {
        self.refresh_client_statuses_impl(ws, clients, today).await
    }

    async fn former_contact_facts(
        &self,
        ws: WorkspaceId,
        today: Date,
    ) -> StoreResult<Vec<ContactFacts>> {
        self.contact_facts_impl(ws, today, "c.status = 'former'")
            .await
    }

    async fn current_contact_facts(
        &self,
        ws: WorkspaceId,
        today: Date,
    ) -> StoreResult<Vec<ContactFacts>> {
        self.contact_facts_impl(ws, today, "c.status IN ('active', 'leaving')")
            .await
    }

    async fn running_by_status(
        &self,
        ws: WorkspaceId,
        day: Date,
    ) -> StoreResult<Vec<RunningByStatus>> {
        self.running_by_status_impl(ws, day).await
    }

    // --- owners --- (owners.rs; the scoped health queries in health.rs)

    async fn health_facts_of(
        &self,
        ws: WorkspaceId,
        today: Date,
        lookback_days: u32,
        clients: &[ClientId],
    ) -> StoreResult<Vec<ClientHealthFacts>> {
        let ids: Vec<i64> = clients.iter().map(|c| c.0).collect();
        self.health_facts_scoped(ws, today, lookback_days, Some(&ids))
            .await
    }

    async fn record_health_of(
        &self,
        ws: WorkspaceId,
        today: Date,
        clients: &[ClientId],
        scores: Vec<NewHealth>,
    ) -> StoreResult<HealthRunSummary> {
        let ids: Vec<i64> = clients.iter().map(|c| c.0).collect();
        self.record_health_scoped(ws, today, scores, Some(&ids))
            .await
    }

    async fn owner_names(&self, ws: WorkspaceId) -> StoreResult<Vec<OwnerName>> {
        self.owner_names_impl(ws).await
    }

    async fn owner_mappings(&self, ws: WorkspaceId) -> StoreResult<Vec<OwnerMapping>> {
        self.owner_mappings_impl(ws).await
    }

    async fn map_owner(
        &self,
        ws: WorkspaceId,
        name: &str,
        user: Option<UserId>,
    ) -> StoreResult<()> {
        self.map_owner_impl(ws, name, user).await
    }

    async fn list_clients_owned_by(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: &[String],
    ) -> StoreResult<Page<Client>> {
        self.list_clients_scoped(ws, filter, Some(owners)).await
    }

    // --- import (import_jobs.rs)

    async fn create_import_job(
        &self,
        ws: WorkspaceId,
        job: NewImportJob,
    ) -> StoreResult<ImportJob> {
        self.create_import_job_impl(ws, job).await
    }

    async fn import_job(&self, ws: WorkspaceId, id: ImportJobId) -> StoreResult<ImportJob> {
        self.import_job_impl(ws, id).await
    }

    async fn update_import_job(
        &self,
        ws: WorkspaceId,
        id: ImportJobId,
        change: ImportJobUpdate,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.update_import_job_impl(ws, id, change, now).await
    }

    async fn saved_import_mapping(
        &self,
        ws: WorkspaceId,
        kind: &str,
        headers: &str,
    ) -> StoreResult<Option<String>> {
        self.saved_import_mapping_impl(ws, kind, headers).await
    }

    async fn save_import_mapping(
        &self,
        ws: WorkspaceId,
        kind: &str,
        headers: &str,
        mapping: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.save_import_mapping_impl(ws, kind, headers, mapping, now)
            .await
    }

    async fn import_keys(&self, ws: WorkspaceId, kind: &str) -> StoreResult<Vec<String>> {
        self.import_keys_impl(ws, kind).await
    }

    async fn import_contacts(
        &self,
        ws: WorkspaceId,
        rows: Vec<ContactImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        self.import_contacts_impl(ws, rows, progress).await
    }

    async fn import_interactions(
        &self,
        ws: WorkspaceId,
        rows: Vec<InteractionImport>,
        progress: &Progress,
    ) -> StoreResult<ImportSummary> {
        self.import_interactions_impl(ws, rows, progress).await
    }

    // --- dash ---
    async fn list_client_rows(
        &self,
        ws: WorkspaceId,
        filter: &ClientFilter,
        owners: Option<&[String]>,
        day: Date,
    ) -> StoreResult<Page<ClientRow>> {
        self.list_client_rows_impl(ws, filter, owners, day).await
    }

    // --- reminders ---
    async fn client_billing(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<ClientBilling> {
        self.client_billing_impl(ws, client).await
    }

    async fn set_client_billing(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        billing: &ClientBilling,
    ) -> StoreResult<()> {
        self.set_client_billing_impl(ws, client, billing).await
    }

    async fn set_invoice_promise(
        &self,
        ws: WorkspaceId,
        invoice: InvoiceId,
        promised_on: Option<Date>,
    ) -> StoreResult<()> {
        self.set_invoice_promise_impl(ws, invoice, promised_on)
            .await
    }

    async fn invoice_promises(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<InvoicePromise>> {
        self.invoice_promises_impl(ws, client).await
    }

    async fn reminder_candidates(
        &self,
        ws: WorkspaceId,
        due_by: Date,
        after: Option<InvoiceId>,
        limit: u32,
    ) -> StoreResult<Vec<ReminderCandidate>> {
        self.reminder_candidates_impl(ws, due_by, after, limit)
            .await
    }

    async fn claim_reminder(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        invoice: InvoiceId,
        step: i32,
        run_on: Date,
    ) -> StoreResult<Option<ReminderSendId>> {
        self.claim_reminder_impl(ws, client, invoice, step, run_on)
            .await
    }

    async fn finish_reminder(
        &self,
        id: ReminderSendId,
        result: Result<(), String>,
    ) -> StoreResult<()> {
        self.finish_reminder_impl(id, result).await
    }

    async fn list_reminder_sends(
        &self,
        ws: WorkspaceId,
        filter: &ReminderSendFilter,
    ) -> StoreResult<Vec<ReminderSend>> {
        self.list_reminder_sends_impl(ws, filter).await
    }

    // --- stripe ---

    async fn stripe_connection(&self, ws: WorkspaceId) -> StoreResult<Option<StripeConnection>> {
        self.stripe_connection_impl(ws).await
    }

    async fn stripe_connection_by_endpoint(
        &self,
        endpoint_id: &str,
    ) -> StoreResult<Option<StripeConnection>> {
        self.stripe_connection_by_endpoint_impl(endpoint_id).await
    }

    async fn save_stripe_connection(&self, connection: &StripeConnection) -> StoreResult<()> {
        self.save_stripe_connection_impl(connection).await
    }

    async fn set_stripe_last_sync(&self, ws: WorkspaceId, report: &str) -> StoreResult<()> {
        self.set_stripe_last_sync_impl(ws, report).await
    }

    async fn check_stripe_event(
        &self,
        ws: WorkspaceId,
        event_id: &str,
        object_id: &str,
        created: i64,
    ) -> StoreResult<StripeEventCheck> {
        self.check_stripe_event_impl(ws, event_id, object_id, created)
            .await
    }

    async fn record_stripe_event(
        &self,
        ws: WorkspaceId,
        event_id: &str,
        object_id: &str,
        created: i64,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.record_stripe_event_impl(ws, event_id, object_id, created, now)
            .await
    }

    async fn recorded_segments(
        &self,
        ws: WorkspaceId,
        refs: Option<&[String]>,
    ) -> StoreResult<Vec<RecordedSegment>> {
        self.recorded_segments_impl(ws, refs).await
    }

    async fn replace_subscription_segments(
        &self,
        ws: WorkspaceId,
        refs: &[String],
        rows: Vec<SubscriptionImport>,
    ) -> StoreResult<ImportSummary> {
        self.replace_subscription_segments_impl(ws, refs, rows)
            .await
    }

    async fn remove_invoices_by_ref(&self, ws: WorkspaceId, refs: &[String]) -> StoreResult<u64> {
        self.remove_invoices_by_ref_impl(ws, refs).await
    }

    // --- billing page (issue 15) ---

    async fn claim_stripe_sync(
        &self,
        ws: WorkspaceId,
        claim: &str,
        started_by: &str,
        now: Timestamp,
        dead_before: Timestamp,
    ) -> StoreResult<bool> {
        self.claim_stripe_sync_impl(ws, claim, started_by, now, dead_before)
            .await
    }

    async fn stripe_sync_progress(
        &self,
        ws: WorkspaceId,
        claim: &str,
        kind: &str,
        read: i64,
        now: Timestamp,
    ) -> StoreResult<bool> {
        self.stripe_sync_progress_impl(ws, claim, kind, read, now)
            .await
    }

    async fn finish_stripe_sync(
        &self,
        ws: WorkspaceId,
        claim: &str,
        error: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<bool> {
        self.finish_stripe_sync_impl(ws, claim, error, now).await
    }

    async fn stripe_sync_job(&self, ws: WorkspaceId) -> StoreResult<Option<StripeSyncJob>> {
        self.stripe_sync_job_impl(ws).await
    }

    // --- billing signals (issue 15) ---

    async fn record_billing_signal(
        &self,
        ws: WorkspaceId,
        signal: &NewBillingSignal,
    ) -> StoreResult<BillingSignalId> {
        self.record_billing_signal_impl(ws, signal).await
    }

    async fn withdraw_billing_signal(
        &self,
        ws: WorkspaceId,
        kind: BillingSignalKind,
        reference: &str,
    ) -> StoreResult<Option<ClientId>> {
        self.withdraw_billing_signal_impl(ws, kind, reference).await
    }

    async fn billing_signal(
        &self,
        ws: WorkspaceId,
        id: BillingSignalId,
    ) -> StoreResult<Option<BillingSignal>> {
        self.billing_signal_impl(ws, id).await
    }

    async fn dismiss_billing_signal(
        &self,
        ws: WorkspaceId,
        id: BillingSignalId,
        by: &str,
        on: Date,
    ) -> StoreResult<()> {
        self.dismiss_billing_signal_impl(ws, id, by, on).await
    }

    async fn billing_signals_due(
        &self,
        ws: WorkspaceId,
        cancelled_since: Date,
    ) -> StoreResult<Vec<BillingSignalDue>> {
        self.billing_signals_due_impl(ws, cancelled_since).await
    }

    // --- usage (issue 18) ---

    async fn clients_by_external_id(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ClientId>> {
        self.clients_by_external_id_impl(ws, external_ids, false)
            .await
    }

    async fn former_clients_by_external_id(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ClientId>> {
        self.clients_by_external_id_impl(ws, external_ids, true)
            .await
    }

    async fn record_usage(
        &self,
        ws: WorkspaceId,
        events: &[UsageEvent],
    ) -> StoreResult<UsageRecorded> {
        self.record_usage_impl(ws, events).await
    }

    async fn usage_metrics(&self, ws: WorkspaceId) -> StoreResult<Vec<UsageMetric>> {
        self.usage_metrics_impl(ws).await
    }

    async fn put_usage_metric(&self, ws: WorkspaceId, metric: &UsageMetric) -> StoreResult<()> {
        self.put_usage_metric_impl(ws, metric).await
    }

    async fn usage_days(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<UsageDay>> {
        self.usage_days_impl(ws, client, from, to).await
    }

    // --- usage in the pages (issue 18) ---
    async fn usage_trends_of(
        &self,
        ws: WorkspaceId,
        today: Date,
        clients: &[ClientId],
    ) -> StoreResult<std::collections::HashMap<ClientId, Vec<churnwise_domain::health::UsageTrend>>>
    {
        if clients.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let ids: Vec<i64> = clients.iter().map(|c| c.0).collect();
        Ok(self
            .usage_trends(ws, today, Some(&ids))
            .await?
            .into_iter()
            .map(|(id, trends)| (ClientId(id), trends))
            .collect())
    }

    async fn prune_usage_event_ids(&self, before: Date) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM usage_event_ids WHERE day < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(backend_error)?
            .rows_affected())
    }

    // --- outhooks (helper) ---

    async fn create_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        endpoint: &NewWebhookEndpoint,
        max: i64,
    ) -> StoreResult<WebhookEndpoint> {
        self.create_webhook_endpoint_impl(ws, endpoint, max).await
    }

    async fn list_webhook_endpoints(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<WebhookEndpoint>> {
        self.list_webhook_endpoints_impl(ws, page, per_page).await
    }

    async fn get_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> StoreResult<Option<WebhookEndpoint>> {
        self.get_webhook_endpoint_impl(ws, id).await
    }

    async fn delete_webhook_endpoint(
        &self,
        ws: WorkspaceId,
        id: WebhookEndpointId,
    ) -> StoreResult<bool> {
        self.delete_webhook_endpoint_impl(ws, id).await
    }

    async fn emit_event(
        &self,
        ws: WorkspaceId,
        event_type: &str,
        data: &serde_json::Value,
        now_ms: i64,
    ) -> StoreResult<Option<String>> {
        self.emit_event_impl(ws, event_type, data, now_ms).await
    }

    async fn claim_webhook_deliveries(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        self.claim_webhook_deliveries_impl(now_ms, lease_until_ms, limit)
            .await
    }

    async fn finish_webhook_attempt(
        &self,
        id: WebhookDeliveryId,
        attempt: &WebhookAttempt,
        next: DeliveryNext,
    ) -> StoreResult<()> {
        self.finish_webhook_attempt_impl(id, attempt, next).await
    }

    async fn webhook_delivery_log(
        &self,
        ws: WorkspaceId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<DeliveryLogEntry>> {
        self.webhook_delivery_log_impl(ws, page, per_page).await
    }

    async fn mark_overdue_invoices(
        &self,
        ws: WorkspaceId,
        today: Date,
        events_since: Date,
        now_ms: i64,
    ) -> StoreResult<u64> {
        self.mark_overdue_invoices_impl(ws, today, events_since, now_ms)
            .await
    }

    // --- cancel (helper) ---
    // The self-service cancel page (cancel_flow.rs, issue 17).

    async fn cancel_page(&self, ws: WorkspaceId) -> StoreResult<Option<CancelPage>> {
        self.cancel_page_impl(ws).await
    }

    async fn cancel_page_by_public_id(&self, public_id: &str) -> StoreResult<Option<CancelPage>> {
        self.cancel_page_by_public_id_impl(public_id).await
    }

    async fn save_cancel_page(&self, page: &CancelPage) -> StoreResult<()> {
        self.save_cancel_page_impl(page).await
    }

    async fn open_cancel_session(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        customer: &str,
        link_ts: i64,
        at: Timestamp,
    ) -> StoreResult<CancelSession> {
        self.open_cancel_session_impl(ws, client, customer, link_ts, at)
            .await
    }

    async fn claim_cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
        completion: &CancelCompletion,
    ) -> StoreResult<bool> {
        self.claim_cancel_session_impl(ws, customer, link_ts, completion)
            .await
    }

    async fn release_cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
    ) -> StoreResult<()> {
        self.release_cancel_session_impl(ws, customer, link_ts)
            .await
    }

    async fn finish_cancel_session(
        &self,
        ws: WorkspaceId,
        customer: &str,
        link_ts: i64,
        case: Option<CaseId>,
        stripe_error: Option<&str>,
    ) -> StoreResult<()> {
        self.finish_cancel_session_impl(ws, customer, link_ts, case, stripe_error)
            .await
    }

    async fn cancel_variant(
        &self,
        ws: WorkspaceId,
        customer: &str,
        reason: &str,
        proposed: &str,
    ) -> StoreResult<String> {
        self.cancel_variant_impl(ws, customer, reason, proposed)
            .await
    }

    async fn cancel_sessions_between(
        &self,
        ws: WorkspaceId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<CancelSession>> {
        self.cancel_sessions_between_impl(ws, from, to).await
    }

    // --- survival (helper) ---
    async fn departures_between(
        &self,
        ws: WorkspaceId,
        from: Date,
        to: Date,
        limit: i64,
    ) -> StoreResult<Vec<PeriodDeparture>> {
        self.departures_between_impl(ws, from, to, limit).await
    }

    // --- stripe-cancel ---
    async fn cancel_sessions_of_case(
        &self,
        ws: WorkspaceId,
        case: CaseId,
        limit: i64,
    ) -> StoreResult<Vec<CancelSession>> {
        self.cancel_sessions_of_case_impl(ws, case, limit).await
    }

    async fn webhook_delivery_log_window(
        &self,
        ws: WorkspaceId,
        endpoint: Option<WebhookEndpointId>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<DeliveryLogEntry>, u64)> {
        self.webhook_delivery_log_window_impl(ws, endpoint, limit, offset)
            .await
    }

    // --- usage-finish ---
    async fn usage_window_totals(
        &self,
        ws: WorkspaceId,
        windows: &[UsageWindow],
    ) -> StoreResult<Vec<UsageWindowTotal>> {
        self.usage_window_totals_impl(ws, windows).await
    }

    async fn prune_usage_days(&self, before: Date) -> StoreResult<u64> {
        self.prune_usage_days_impl(before).await
    }

    // --- worklog ---
    async fn add_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        entry: &NewWorkEntry,
    ) -> StoreResult<WorkEntry> {
        self.add_work_entry_impl(ws, client, entry).await
    }

    async fn get_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
    ) -> StoreResult<Option<WorkEntry>> {
        self.get_work_entry_impl(ws, client, id).await
    }

    async fn update_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
        entry: &NewWorkEntry,
    ) -> StoreResult<Option<WorkEntry>> {
        self.update_work_entry_impl(ws, client, id, entry).await
    }

    async fn delete_work_entry(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: WorkEntryId,
    ) -> StoreResult<bool> {
        self.delete_work_entry_impl(ws, client, id).await
    }

    async fn list_work_entries(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        client_visible_only: bool,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<WorkEntry>> {
        self.list_work_entries_impl(ws, client, client_visible_only, page, per_page)
            .await
    }

    async fn import_work_entries(
        &self,
        ws: WorkspaceId,
        rows: Vec<WorkEntryImport>,
    ) -> StoreResult<ImportSummary> {
        self.import_work_entries_impl(ws, rows).await
    }
    // --- exclusivity ---
    async fn add_exclusivity(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        exclusivity: &Exclusivity,
        now_ms: i64,
    ) -> StoreResult<StoredExclusivity> {
        self.add_exclusivity_impl(ws, client, exclusivity, now_ms)
            .await
    }

    async fn get_exclusivity(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ExclusivityId,
    ) -> StoreResult<Option<StoredExclusivity>> {
        self.get_exclusivity_impl(ws, client, id).await
    }

    async fn list_exclusivities(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<StoredExclusivity>> {
        self.list_exclusivities_impl(ws, client, page, per_page)
            .await
    }

    async fn delete_exclusivity(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        id: ExclusivityId,
    ) -> StoreResult<bool> {
        self.delete_exclusivity_impl(ws, client, id).await
    }

    async fn exclusivities_covering(
        &self,
        ws: WorkspaceId,
        probe: &ExclusivityProbe,
        limit: u32,
    ) -> StoreResult<Vec<StoredExclusivity>> {
        self.exclusivities_covering_impl(ws, probe, limit).await
    }

    async fn clients_inside_exclusivities(
        &self,
        ws: WorkspaceId,
        holder: ClientId,
        day: Date,
        limit: u32,
    ) -> StoreResult<Vec<ClientInside>> {
        self.clients_inside_exclusivities_impl(ws, holder, day, limit)
            .await
    }
    // --- updates (issue 16) ---
    async fn client_update_cadence(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Cadence>> {
        self.client_update_cadence_impl(ws, client).await
    }

    async fn set_client_update_cadence(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        cadence: Option<Cadence>,
    ) -> StoreResult<()> {
        self.set_client_update_cadence_impl(ws, client, cadence)
            .await
    }

    async fn update_candidates(
        &self,
        ws: WorkspaceId,
        after: ClientId,
        limit: u32,
    ) -> StoreResult<Vec<UpdateCandidate>> {
        self.update_candidates_impl(ws, after, limit).await
    }

    async fn last_client_update_on(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Option<Date>> {
        self.last_client_update_on_impl(ws, client).await
    }

    async fn add_client_update(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        update: &NewClientUpdate,
    ) -> StoreResult<ClientUpdate> {
        self.add_client_update_impl(ws, client, update).await
    }

    async fn list_client_updates(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<ClientUpdate>> {
        self.list_client_updates_impl(ws, client, page, per_page)
            .await
    }

    async fn add_service(&self, ws: WorkspaceId, service: &NewService) -> StoreResult<Service> {
        self.add_service_impl(ws, service).await
    }

    async fn update_service(
        &self,
        ws: WorkspaceId,
        id: ServiceId,
        service: &NewService,
    ) -> StoreResult<Option<Service>> {
        self.update_service_impl(ws, id, service).await
    }

    async fn get_service(&self, ws: WorkspaceId, id: ServiceId) -> StoreResult<Option<Service>> {
        self.get_service_impl(ws, id).await
    }

    async fn list_services(
        &self,
        ws: WorkspaceId,
        active_only: bool,
        page: u32,
        per_page: u32,
    ) -> StoreResult<Page<Service>> {
        self.list_services_impl(ws, active_only, page, per_page)
            .await
    }

    async fn client_services(
        &self,
        ws: WorkspaceId,
        client: ClientId,
    ) -> StoreResult<Vec<ClientService>> {
        self.client_services_impl(ws, client).await
    }

    async fn set_client_buys(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        service: ServiceId,
        buys: bool,
    ) -> StoreResult<ClientService> {
        self.set_client_buys_impl(ws, client, service, buys).await
    }

    async fn answer_service_offer(
        &self,
        ws: WorkspaceId,
        client: ClientId,
        service: ServiceId,
        accepted: bool,
        on: Date,
    ) -> StoreResult<Option<ClientService>> {
        self.answer_service_offer_impl(ws, client, service, accepted, on)
            .await
    }

    // --- frequency (issue 16) ---

    async fn contact_days(
        &self,
        ws: WorkspaceId,
        clients: &[ClientId],
        kinds: &[churnwise_domain::registry::InteractionKind],
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<ContactDay>> {
        self.contact_days_impl(ws, clients, kinds, from, to).await
    }

    async fn exclusivities_covering_each(
        &self,
        ws: WorkspaceId,
        probes: &[ExclusivityProbe],
    ) -> StoreResult<Vec<(usize, StoredExclusivity)>> {
        self.exclusivities_covering_each_impl(ws, probes).await
    }

    // --- due-fast (issue 14) ---

    async fn due_contacts(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
        offset: u64,
        limit: u64,
    ) -> StoreResult<Vec<DueContact>> {
        self.due_contacts_impl(ws, filter, offset, limit).await
    }

    async fn due_contacts_contacted_since(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
        kinds: &[churnwise_domain::registry::InteractionKind],
        from: Date,
    ) -> StoreResult<Vec<DueContact>> {
        self.due_contacts_contacted_since_impl(ws, filter, kinds, from)
            .await
    }

    async fn contact_facts_after(
        &self,
        ws: WorkspaceId,
        filter: &DueContactFilter,
    ) -> StoreResult<Vec<ContactFacts>> {
        self.contact_facts_after_impl(ws, filter).await
    }

    async fn update_candidates_narrowed(
        &self,
        ws: WorkspaceId,
        after: ClientId,
        limit: u32,
        or_segment: bool,
    ) -> StoreResult<Vec<UpdateCandidate>> {
        let condition = if or_segment {
            super::client_updates::NARROWED_TO_CADENCES_OR_SEGMENTS
        } else {
            super::client_updates::NARROWED_TO_CADENCES
        };
        self.update_candidates_where(ws, after, limit, condition)
            .await
    }
}
