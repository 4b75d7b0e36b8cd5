//! The self-service cancel page (issue 17): the workspace's page settings,
//! the sessions of signed links opened, and the A/B variants given.

use crate::{CaseId, ClientId, Timestamp, WorkspaceId};

/// The cancel page of a workspace.
#[derive(Clone, PartialEq, Eq)]
pub struct CancelPage {
    /// The workspace.
    pub ws: WorkspaceId,
    /// The random public id in the page's URL (not the workspace id).
    pub public_id: String,
    /// The cancel secret, sealed with the key kept outside the database.
    pub secret_sealed: Option<String>,
    /// The business's name shown to customers (else the workspace's name).
    pub display_name: Option<String>,
    /// The offers per reason (JSON), `None` until they are first set.
    pub offers_json: Option<String>,
    /// The logo's content type (`image/png` or `image/jpeg`).
    pub logo_type: Option<String>,
    /// The logo, base64.
    pub logo_base64: Option<String>,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl std::fmt::Debug for CancelPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelPage")
            .field("ws", &self.ws)
            .field("public_id", &self.public_id)
            .field("secret_sealed", &self.secret_sealed.as_ref().map(|_| "…"))
            .field("display_name", &self.display_name)
            .field("offers_json", &self.offers_json)
            .field("logo_type", &self.logo_type)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// How a cancel page session ended, as recorded when it is claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelCompletion {
    /// The reason's key.
    pub reason: String,
    /// The customer's words, if any.
    pub words: Option<String>,
    /// `cancelled` or `accepted_offer`.
    pub decision: String,
    /// The offer shown (JSON), if one was.
    pub offer_json: Option<String>,
    /// The offer's variant (`a` or `b`), if one was shown.
    pub variant: Option<String>,
    /// The MRR kept when an offer was accepted, in cents.
    pub saved_mrr_cents: i64,
    /// When it was decided.
    pub completed_at: Timestamp,
}

/// One signed link opened on the cancel page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelSession {
    /// The client.
    pub client: ClientId,
    /// The customer's external id, as in the link.
    pub customer: String,
    /// The link's `ts`.
    pub link_ts: i64,
    /// When the link was first opened.
    pub opened_at: Timestamp,
    /// The ending, once decided.
    pub completion: Option<CancelCompletion>,
    /// The departure case the ending was recorded on.
    pub case_id: Option<CaseId>,
    /// Why applying the decision in Stripe failed, if it did.
    pub stripe_error: Option<String>,
}
