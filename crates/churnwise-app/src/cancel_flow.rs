//! The self-service cancel page (issue 17, spec/integrations.md §2): the
//! workspace's public id and cancel secret (sealed like the Stripe secrets,
//! [`crate::stripe::secrets`]), the offers per reason, the signed link's
//! check, and the one use case that records either ending as a departure
//! case opened through the self-service channel. docs/cancel-page.md.

use crate::cases::{self, CaseContext, Step};
use crate::error::{AppError, AppResult};
use crate::follow::{self, Touched};
use crate::stripe::SecretKeySource;
use chrono::{DateTime, Utc};
use churnwise_domain::cancel_offer::{self, CancelOffer, CancelOfferInput, OfferTerms, Variant};
use churnwise_domain::departure::{
    DepartureKind, ExitConversationInput, NoticeChannel, NoticeInput, RelationshipEvaluationInput,
};
use churnwise_domain::history::Actor;
use churnwise_domain::reasons::{ExitReason, ReasonKey};
use churnwise_domain::retention::{NewRetentionActionInput, RetentionOutcome, Side};
use churnwise_domain::{CaseError, FieldProblem, Lang};
use churnwise_store::{CancelCompletion, CancelPage, CaseId, Client, Store, WorkspaceId};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Serialize;
use sha2::Sha256;

/// How long a signed link stays valid, in seconds (one hour).
pub const LINK_MAX_AGE_SECS: i64 = 3600;
/// How far in the future a link's `ts` may be (clocks differ), in seconds.
pub const LINK_MAX_SKEW_SECS: i64 = 300;
/// Longest words a customer may add, in characters.
pub const WORDS_MAX_CHARS: usize = 2000;
/// Longest display name, in characters.
pub const DISPLAY_NAME_MAX_CHARS: usize = 200;
/// Longest customer id in a link, in bytes.
pub const CUSTOMER_MAX_BYTES: usize = 200;
/// Who the case's notice names as its receiver.
pub const RECEIVED_BY: &str = "Self-service cancel page";

/// The cancel page as `GET /api/v1/cancel-page` shows it: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelPageView {
    /// The workspace's public id, the `<id>` of `/cancel/<id>`.
    pub workspace_public_id: String,
    /// The page's path, `/cancel/<id>` (add `?customer=…&ts=…&sig=…`).
    pub cancel_path: String,
    /// True once a cancel secret was made (it is never shown again).
    pub secret_set: bool,
    /// The business's name shown to customers.
    pub display_name: String,
    /// True when a logo is set.
    pub logo: bool,
    /// The offers per reason (the suggestions until offers are set).
    pub offers: Vec<CancelOffer>,
    /// True while the offers are the reasons' suggestions, not yet saved.
    pub offers_suggested: bool,
}

/// A new cancel secret, shown this once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelSecret {
    /// The workspace's public id.
    pub workspace_public_id: String,
    /// The secret that signs links: `hex(HMAC-SHA256(secret, "<customer>.<ts>"))`.
    pub cancel_secret: String,
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// The cancel page of `ws`, made (with a new public id of 128 random bits)
/// when it does not exist yet.
pub async fn ensure_page(
    store: &dyn Store,
    ws: WorkspaceId,
    now: DateTime<Utc>,
) -> AppResult<CancelPage> {
    if let Some(page) = store.cancel_page(ws).await? {
        return Ok(page);
    }
    let page = CancelPage {
        ws,
        public_id: random_hex(16),
        secret_sealed: None,
        display_name: None,
        offers_json: None,
        logo_type: None,
        logo_base64: None,
        updated_at: now,
    };
    store.save_cancel_page(&page).await?;
    // Another request may have made it meanwhile: read back the one kept.
    Ok(store.cancel_page(ws).await?.unwrap_or(page))
}

/// The offers of a page: the saved ones, else the reasons' suggestions
/// (the flag says which).
pub async fn offers_of(
    store: &dyn Store,
    page: &CancelPage,
) -> AppResult<(Vec<CancelOffer>, bool)> {
    match &page.offers_json {
        Some(json) => {
            let offers = serde_json::from_str(json)
                .map_err(|e| anyhow::anyhow!("the stored cancel offers are not valid: {e}"))?;
            Ok((offers, false))
        }
        None => {
            let reasons = store.reason_list(page.ws).await?.value;
            Ok((cancel_offer::suggested_offers(&reasons), true))
        }
    }
}

/// The business's name on the page: the display name, else the workspace's.
pub async fn business_name(store: &dyn Store, page: &CancelPage) -> AppResult<String> {
    if let Some(name) = page.display_name.as_ref().filter(|n| !n.trim().is_empty()) {
        return Ok(name.clone());
    }
    Ok(cases::survey_business(store, page.ws)
        .await?
        .unwrap_or_default())
}

/// The cancel page of `ws` as shown to its team.
pub async fn page_view(store: &dyn Store, ws: WorkspaceId) -> AppResult<CancelPageView> {
    let page = ensure_page(store, ws, Utc::now()).await?;
    let (offers, offers_suggested) = offers_of(store, &page).await?;
    Ok(CancelPageView {
        cancel_path: format!("/cancel/{}", page.public_id),
        workspace_public_id: page.public_id.clone(),
        secret_set: page.secret_sealed.is_some(),
        display_name: business_name(store, &page).await?,
        logo: page.logo_base64.is_some(),
        offers,
        offers_suggested,
    })
}

/// Makes a new cancel secret for `ws` (the old one stops working at once),
/// stores it sealed and answers it this once.
pub async fn new_secret(
    store: &dyn Store,
    keys: &SecretKeySource,
    ws: WorkspaceId,
    actor: &crate::audit::Actor,
    now: DateTime<Utc>,
) -> AppResult<CancelSecret> {
    let key = keys
        .key(true)?
        .ok_or_else(|| anyhow::anyhow!("no key to seal the cancel secret with"))?;
    let mut page = ensure_page(store, ws, now).await?;
    let secret = random_hex(32);
    page.secret_sealed = Some(key.seal(&secret)?);
    page.updated_at = now;
    store.save_cancel_page(&page).await?;
    crate::audit::record(
        store,
        ws,
        actor,
        crate::audit::Action::SettingsChanged,
        crate::audit::Subject::Workspace,
        "cancel page: new cancel secret",
    )
    .await?;
    Ok(CancelSecret {
        workspace_public_id: page.public_id,
        cancel_secret: secret,
    })
}

/// Replaces the offers of `ws` (checked against its reasons, every problem
/// named `offers[i].field`; nothing changed on error).
pub async fn set_offers(
    store: &dyn Store,
    ws: WorkspaceId,
    inputs: &[CancelOfferInput],
    now: DateTime<Utc>,
) -> AppResult<CancelPageView> {
    let reasons = store.reason_list(ws).await?.value;
    let offers = cancel_offer::parse_offers(inputs, &reasons).map_err(AppError::Invalid)?;
    let mut page = ensure_page(store, ws, now).await?;
    page.offers_json = Some(
        serde_json::to_string(&offers).map_err(|e| anyhow::anyhow!("cannot store offers: {e}"))?,
    );
    page.updated_at = now;
    store.save_cancel_page(&page).await?;
    page_view(store, ws).await
}

/// Sets or clears (`None` or blank) the business's name shown on the page.
pub async fn set_display_name(
    store: &dyn Store,
    ws: WorkspaceId,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<CancelPageView> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > DISPLAY_NAME_MAX_CHARS) {
        return Err(AppError::Invalid(vec![FieldProblem::too_long(
            "display_name",
            DISPLAY_NAME_MAX_CHARS,
        )]));
    }
    let mut page = ensure_page(store, ws, now).await?;
    page.display_name = name.map(str::to_string);
    page.updated_at = now;
    store.save_cancel_page(&page).await?;
    page_view(store, ws).await
}

/// Largest logo accepted, in bytes (256 KiB).
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

/// Sets the logo shown on the page: PNG or JPEG (recognised by its first
/// bytes, whatever the upload claims), at most [`LOGO_MAX_BYTES`]; a
/// refused file is named `logo` and changes nothing.
pub async fn set_logo(
    store: &dyn Store,
    ws: WorkspaceId,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> AppResult<CancelPageView> {
    use base64::Engine as _;
    if bytes.is_empty() {
        return Err(AppError::Invalid(vec![FieldProblem::missing("logo")]));
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(AppError::Invalid(vec![FieldProblem::invalid(
            "logo",
            "must be at most 256 KiB",
        )]));
    }
    let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return Err(AppError::Invalid(vec![FieldProblem::invalid(
            "logo",
            "must be a PNG or JPEG image",
        )]));
    };
    let mut page = ensure_page(store, ws, now).await?;
    page.logo_type = Some(kind.to_string());
    page.logo_base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
    page.updated_at = now;
    store.save_cancel_page(&page).await?;
    page_view(store, ws).await
}

/// Removes the page's logo.
pub async fn remove_logo(
    store: &dyn Store,
    ws: WorkspaceId,
    now: DateTime<Utc>,
) -> AppResult<CancelPageView> {
    let mut page = ensure_page(store, ws, now).await?;
    page.logo_type = None;
    page.logo_base64 = None;
    page.updated_at = now;
    store.save_cancel_page(&page).await?;
    page_view(store, ws).await
}

/// One reason of Settings → Cancel page with its offers (variant A, and B
/// when an A/B pair is set).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferRow {
    /// The reason's key.
    pub key: String,
    /// The reason's label in the reader's language.
    pub label: String,
    /// The offer of variant A, if any.
    pub a: Option<CancelOffer>,
    /// The offer of variant B, if any.
    pub b: Option<CancelOffer>,
}

/// The reasons a leaving customer may choose, each with its offers, as
/// Settings → Cancel page shows them.
pub async fn offer_rows(
    store: &dyn Store,
    ws: WorkspaceId,
    offers: &[CancelOffer],
    lang: Lang,
) -> AppResult<Vec<OfferRow>> {
    let reasons = store.reason_list(ws).await?.value;
    Ok(reasons
        .choosable(DepartureKind::ClientLeaving)
        .map(|r| {
            let of = |v: Variant| {
                offers
                    .iter()
                    .find(|o| &o.reason == r.key() && o.variant == v)
                    .cloned()
            };
            OfferRow {
                key: r.key().as_str().to_string(),
                label: r.label(lang).to_string(),
                a: of(Variant::A),
                b: of(Variant::B),
            }
        })
        .collect())
}

/// The signature of a link: `hex(HMAC-SHA256(secret, "<customer>.<ts>"))`.
pub fn sign(secret: &str, customer: &str, ts: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{customer}.{ts}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The parameters of a signed link, as they came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkParams {
    /// The workspace's public id (the path).
    pub public_id: String,
    /// `customer`: the client's external id.
    pub customer: String,
    /// `ts`: unix seconds when the link was made.
    pub ts: String,
    /// `sig`: hex of the HMAC.
    pub sig: String,
}

/// Why a link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// The signature is right but the link is older than an hour (or too far
    /// in the future): 410.
    Expired,
    /// Unknown page, no secret, wrong signature or unknown customer: 403,
    /// without saying which.
    Forbidden,
}

/// A link whose signature and age were checked.
#[derive(Debug, Clone)]
pub struct VerifiedLink {
    /// The page (and its workspace).
    pub page: CancelPage,
    /// The client the link names.
    pub client: Client,
    /// The customer id as in the link.
    pub customer: String,
    /// The link's `ts`.
    pub ts: i64,
}

/// Checks a signed link: the page exists and has a secret, the signature
/// is right (compared in constant time), the link is at most an hour old
/// and not more than five minutes ahead, and the customer is a client of
/// the workspace. Reads only.
pub async fn verify_link(
    store: &dyn Store,
    keys: &SecretKeySource,
    link: &LinkParams,
    now: DateTime<Utc>,
) -> AppResult<Result<VerifiedLink, LinkRefusal>> {
    let forbidden = Ok(Err(LinkRefusal::Forbidden));
    let customer = link.customer.as_str();
    if customer.is_empty() || customer.len() > CUSTOMER_MAX_BYTES || link.public_id.len() > 100 {
        return forbidden;
    }
    let Ok(ts) = link.ts.trim().parse::<i64>() else {
        return forbidden;
    };
    let Ok(sig) = hex::decode(link.sig.trim()) else {
        return forbidden;
    };
    let Some(page) = store.cancel_page_by_public_id(&link.public_id).await? else {
        return forbidden;
    };
    let Some(sealed) = page.secret_sealed.as_deref() else {
        return forbidden;
    };
    let Some(key) = keys.key(false)? else {
        return forbidden;
    };
    let secret = key.open(sealed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(format!("{customer}.{ts}").as_bytes());
    if mac.verify_slice(&sig).is_err() {
        return forbidden;
    }
    let age = now.timestamp() - ts;
    if !(-LINK_MAX_SKEW_SECS..=LINK_MAX_AGE_SECS).contains(&age) {
        return Ok(Err(LinkRefusal::Expired));
    }
    let found = store
        .clients_by_external_id(page.ws, &[customer.to_string()])
        .await?;
    let Some(id) = found.get(customer) else {
        return forbidden;
    };
    let Some(client) = store.get_client(page.ws, *id).await? else {
        return forbidden;
    };
    Ok(Ok(VerifiedLink {
        page,
        client,
        customer: customer.to_string(),
        ts,
    }))
}

/// A reason as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerReason {
    /// The reason's key.
    pub key: String,
    /// Its customer-facing label.
    pub label: String,
}

/// The customer-facing label of a reason: the Fluent message
/// `cancel-reason-<key>` when there is one (the default reasons), else the
/// reason's own label in `lang`.
pub fn customer_label(reason: &ExitReason, lang: Lang) -> String {
    let key = format!("cancel-reason-{}", reason.key().as_str());
    if crate::i18n::has_message(lang, &key) {
        crate::i18n::message(lang, &key, &[])
    } else {
        reason.label(lang).to_string()
    }
}

/// What the page shows after a valid link was opened (the opening is
/// recorded once per link, for the report).
#[derive(Debug, Clone)]
pub struct Opened {
    /// The business's name.
    pub business: String,
    /// True when the page has a logo.
    pub logo: bool,
    /// The reasons a leaving customer may choose.
    pub reasons: Vec<CustomerReason>,
    /// True when this link's ending was already recorded.
    pub already_done: bool,
}

/// Records that a valid link was opened and answers what the page shows.
pub async fn open(
    store: &dyn Store,
    link: &VerifiedLink,
    lang: Lang,
    now: DateTime<Utc>,
) -> AppResult<Opened> {
    let session = store
        .open_cancel_session(link.page.ws, link.client.id, &link.customer, link.ts, now)
        .await?;
    let reasons = store.reason_list(link.page.ws).await?.value;
    Ok(Opened {
        business: business_name(store, &link.page).await?,
        logo: link.page.logo_base64.is_some(),
        reasons: reasons
            .choosable(DepartureKind::ClientLeaving)
            .map(|r| CustomerReason {
                key: r.key().as_str().to_string(),
                label: customer_label(r, lang),
            })
            .collect(),
        already_done: session.completion.is_some(),
    })
}

/// Checks the reason a customer chose: a reason of the workspace a leaving
/// client may choose.
pub async fn check_reason(
    store: &dyn Store,
    ws: WorkspaceId,
    reason: &str,
) -> AppResult<(ReasonKey, ExitReason)> {
    let invalid = || AppError::Invalid(vec![FieldProblem::invalid("reason", "choose a reason")]);
    let key = ReasonKey::parse("reason", reason).map_err(|_| invalid())?;
    let reasons = store.reason_list(ws).await?.value;
    let found = reasons
        .choosable(DepartureKind::ClientLeaving)
        .find(|r| r.key() == &key)
        .cloned()
        .ok_or_else(invalid)?;
    Ok((key, found))
}

/// The offer a customer is shown for `reason`, if the reason has one: when
/// the reason has an A/B pair, the customer's variant is drawn at random
/// once and stored, so a returning customer sees the same one.
pub async fn offer_for_customer(
    store: &dyn Store,
    link: &VerifiedLink,
    reason: &ReasonKey,
) -> AppResult<Option<CancelOffer>> {
    let (offers, _) = offers_of(store, &link.page).await?;
    let variant = if cancel_offer::has_variants(&offers, reason) {
        let proposed = if rand::rngs::OsRng.next_u32() % 2 == 0 {
            Variant::A
        } else {
            Variant::B
        };
        let stored = store
            .cancel_variant(
                link.page.ws,
                &link.customer,
                reason.as_str(),
                proposed.as_str(),
            )
            .await?;
        Variant::parse(&stored).unwrap_or_default()
    } else {
        Variant::A
    };
    Ok(cancel_offer::offer_for(&offers, reason, variant).cloned())
}

/// How the customer ended the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// "Cancel my subscription".
    Cancelled,
    /// The offer was accepted.
    AcceptedOffer,
}

impl Decision {
    /// `cancelled` or `accepted_offer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Cancelled => "cancelled",
            Decision::AcceptedOffer => "accepted_offer",
        }
    }
}

/// What the customer chose, as sent.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The reason's key.
    pub reason: String,
    /// The words added (blank for none).
    pub words: String,
    /// The ending.
    pub decision: Decision,
}

/// What recording an ending did.
#[derive(Debug, Clone, PartialEq)]
pub enum Completed {
    /// Recorded now: the case, and the `cancel_flow.completed` data.
    Recorded {
        /// The departure case.
        case: CaseId,
        /// The event's data (spec §2).
        event: serde_json::Value,
        /// What applying the ending in Stripe did.
        stripe: crate::stripe::cancel::StripeOutcome,
    },
    /// The link's ending was recorded before: nothing changed.
    AlreadyRecorded,
}

/// The data of the `cancel_flow.completed` event, exactly as spec §2 says:
/// `{"customer", "reason", "words": str|null, "decision", "offer": {...}|null}`.
pub fn completed_event(
    customer: &str,
    reason: &str,
    words: Option<&str>,
    decision: Decision,
    offer: Option<&CancelOffer>,
) -> serde_json::Value {
    serde_json::json!({
        "customer": customer,
        "reason": reason,
        "words": words,
        "decision": decision.as_str(),
        "offer": offer.map(|o| serde_json::to_value(o).unwrap_or(serde_json::Value::Null)),
    })
}

/// Records the customer's ending of a verified link, at once: a departure
/// case opened through the self-service channel (or the client's open case),
/// the reason and words as its exit conversation, the offer shown (accepted
/// or declined) as its retention attempt — accepted closes the case as
/// saved, so the client is active again; cancelled leaves it open, so the
/// client is leaving —, then the client's status and scores; with Stripe
/// connected, the ending is then applied there ([`crate::stripe::cancel`]),
/// a failure stored on the session and shown on the case, never undoing
/// the case. A second submit of the same link records nothing. Bad input
/// changes nothing.
pub async fn complete(
    store: &dyn Store,
    stripe: &crate::stripe::StripeSettings,
    link: &VerifiedLink,
    choice: &Choice,
    now: DateTime<Utc>,
) -> AppResult<Completed> {
    let ws = link.page.ws;
    let (reason_key, reason) = check_reason(store, ws, &choice.reason).await?;
    let words = choice.words.trim();
    if words.chars().count() > WORDS_MAX_CHARS {
        return Err(AppError::Invalid(vec![FieldProblem::too_long(
            "words",
            WORDS_MAX_CHARS,
        )]));
    }
    let words = (!words.is_empty()).then(|| words.to_string());
    let offer = offer_for_customer(store, link, &reason_key).await?;
    if choice.decision == Decision::AcceptedOffer && offer.is_none() {
        return Err(AppError::Invalid(vec![FieldProblem::invalid(
            "decision",
            "there is no offer to accept for this reason",
        )]));
    }
    let today = now.date_naive();
    let saved_mrr = if choice.decision == Decision::AcceptedOffer {
        cases::mrr_on(store, ws, link.client.id, today).await?
    } else {
        churnwise_domain::Money::ZERO
    };
    let completion = CancelCompletion {
        reason: reason_key.as_str().to_string(),
        words: words.clone(),
        decision: choice.decision.as_str().to_string(),
        offer_json: offer.as_ref().and_then(|o| serde_json::to_string(o).ok()),
        variant: offer.as_ref().map(|o| o.variant.as_str().to_string()),
        saved_mrr_cents: saved_mrr.cents(),
        completed_at: now,
    };
    // A post may come without the page having been opened by this server's
    // GET (a replayed form): the session exists before it is claimed.
    store
        .open_cancel_session(ws, link.client.id, &link.customer, link.ts, now)
        .await?;
    if !store
        .claim_cancel_session(ws, &link.customer, link.ts, &completion)
        .await?
    {
        return Ok(Completed::AlreadyRecorded);
    }
    let recorded = record_case(
        store,
        link,
        &reason,
        words.as_deref(),
        offer.as_ref(),
        choice.decision,
        now,
    )
    .await;
    let case = match recorded {
        Ok(case) => case,
        Err(e) => {
            // Nothing is left half decided: the customer may submit again.
            store
                .release_cancel_session(ws, &link.customer, link.ts)
                .await?;
            return Err(e);
        }
    };
    store
        .finish_cancel_session(ws, &link.customer, link.ts, Some(case), None)
        .await?;
    follow::records_changed(store, ws, &Touched::client(link.client.id), today).await?;
    let event = completed_event(
        &link.customer,
        reason_key.as_str(),
        words.as_deref(),
        choice.decision,
        offer.as_ref(),
    );
    // The outgoing webhook event (spec §3). The ending spans several case
    // steps, each its own transaction, so the event is written to the outbox
    // once they are all stored (a crash before this line loses the event,
    // never the case; docs/cancel-page.md).
    crate::outgoing_webhooks::emit(store, ws, "cancel_flow.completed", &event, now).await?;
    // Stripe last: the case is stored whatever Stripe answers.
    let applied = crate::stripe::cancel::apply(
        store,
        stripe,
        ws,
        &link.customer,
        link.ts,
        crate::stripe::cancel::action_for(choice.decision, offer.as_ref()),
        now,
    )
    .await;
    if let Some(why) = applied.error() {
        store
            .finish_cancel_session(ws, &link.customer, link.ts, Some(case), Some(why))
            .await?;
    }
    Ok(Completed::Recorded {
        case,
        event,
        stripe: applied,
    })
}

/// The case steps of an ending, through the case use cases (actor: the
/// client). A client that already has an open case gets the steps on it
/// where its stage allows them.
async fn record_case(
    store: &dyn Store,
    link: &VerifiedLink,
    reason: &ExitReason,
    words: Option<&str>,
    offer: Option<&CancelOffer>,
    decision: Decision,
    now: DateTime<Utc>,
) -> AppResult<CaseId> {
    let cx = CaseContext {
        store,
        ws: link.page.ws,
        actor: Actor::Client,
        now,
    };
    let today = cx.today();
    let notice = NoticeInput {
        received_on: Some(today),
        channel: Some(NoticeChannel::SelfService),
        received_by: Some(RECEIVED_BY.to_string()),
        // Nobody evaluated the relationship: the notice requires an
        // evaluation, so it says so in its note (docs/cancel-page.md).
        first_evaluation: Some(RelationshipEvaluationInput {
            fruitful: Some(true),
            history_of_stumbles: Some(false),
            our_commitments_met: Some(true),
            client_commitments_met: Some(true),
            note: Some(
                "Not evaluated: the customer cancelled on the self-service cancel page."
                    .to_string(),
            ),
        }),
        ..NoticeInput::default()
    };
    let case =
        match cases::open_case(&cx, link.client.id, DepartureKind::ClientLeaving, notice).await {
            Ok(case) => case.id,
            Err(AppError::Case(CaseError::CaseAlreadyOpen { case_id })) => CaseId(case_id),
            Err(e) => return Err(e),
        };
    let clients_words = words.map(str::to_string).unwrap_or_else(|| {
        format!(
            "(No words added; chose “{}” on the self-service cancel page.)",
            customer_label(reason, Lang::En)
        )
    });
    let mut steps = vec![Step::ExitConversation {
        conversation: ExitConversationInput {
            held_on: Some(today),
            clients_words: Some(clients_words),
            primary_reason: Some(reason.key().as_str().to_string()),
            controllable: Some(reason.about_quality_of_work()),
            renegotiable: Some(offer.is_some()),
            ..ExitConversationInput::default()
        },
    }];
    if let Some(offer) = offer {
        steps.push(Step::StartRetention {
            suggested: false,
            owner: None,
            due_on: None,
        });
        steps.push(Step::SetRetentionOffer {
            offer: Some(offer.terms.retention_offer()),
        });
        // A cheaper plan is not changed in Stripe automatically: the
        // owner moves the customer (docs/cancel-page.md "In Stripe").
        if let (Decision::AcceptedOffer, OfferTerms::CheaperPlan { plan, price_id }) =
            (decision, &offer.terms)
        {
            let owner = link
                .client
                .owner
                .clone()
                .filter(|o| !o.trim().is_empty())
                .unwrap_or_else(|| "team".to_string());
            let price = price_id
                .as_deref()
                .map(|p| format!(" (Stripe price {p})"))
                .unwrap_or_default();
            steps.push(Step::AddRetentionAction {
                action: NewRetentionActionInput {
                    description: Some(format!(
                        "Move the customer to the cheaper plan “{plan}”{price}: accepted on the self-service cancel page"
                    )),
                    side: Some(Side::Ours),
                    owner: Some(owner),
                    due_on: Some(today),
                },
            });
        }
        if decision == Decision::AcceptedOffer && offer.terms == OfferTerms::TalkToUs {
            let owner = link
                .client
                .owner
                .clone()
                .filter(|o| !o.trim().is_empty())
                .unwrap_or_else(|| "team".to_string());
            steps.push(Step::AddRetentionAction {
                action: NewRetentionActionInput {
                    description: Some(
                        "Call the customer: asked to talk on the self-service cancel page"
                            .to_string(),
                    ),
                    side: Some(Side::Ours),
                    owner: Some(owner),
                    due_on: Some(today),
                },
            });
        }
        steps.push(Step::RecordRetentionOutcome {
            outcome: match decision {
                Decision::AcceptedOffer => RetentionOutcome::Retained,
                Decision::Cancelled => RetentionOutcome::Leaving,
            },
            on: Some(today),
        });
    }
    for step in steps {
        match cases::apply(&cx, case, None, step).await {
            Ok(_) => {}
            // An open case further along keeps its stage: what does not fit
            // is left out (the session keeps the customer's answer).
            Err(AppError::Case(e)) if !matches!(e, CaseError::InvalidInput(_)) => {
                tracing::warn!(case = case.0, error = %e, "cancel page: a case step did not fit the open case");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(case)
}

/// Longest range of the cancel-flow report, in months.
pub const REPORT_MAX_MONTHS: i32 = 24;

/// Offers of one kind and variant in a report period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferFigures {
    /// `pause`, `discount`, `cheaper_plan` or `talk_to_us`.
    pub kind: String,
    /// `a` or `b`.
    pub variant: String,
    /// Decided sessions that were shown this offer.
    pub shown: u64,
    /// Of those, how many accepted it.
    pub accepted: u64,
    /// accepted ÷ shown, in percent with one decimal (null when none shown).
    pub accept_rate_pct: Option<f64>,
}

/// How many customers gave one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonCount {
    /// The reason's key.
    pub reason: String,
    /// Decided sessions with that reason.
    pub count: u64,
}

/// The cancel page's figures for one month (or the whole range).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelFlowFigures {
    /// `YYYY-MM`, or `total`.
    pub month: String,
    /// Links opened with a valid signature (each link once).
    pub sessions: u64,
    /// Sessions that ended in "Cancel my subscription".
    pub cancelled: u64,
    /// Sessions that ended with an offer accepted.
    pub saves: u64,
    /// The MRR of the saved clients on the day they accepted, in cents.
    pub saved_mrr_cents: i64,
    /// Reasons given, most given first.
    pub reasons: Vec<ReasonCount>,
    /// Offers shown and accepted, per kind and variant.
    pub offers: Vec<OfferFigures>,
}

/// `GET /api/v1/reports/cancel-flow`: the figures by month (by the day the
/// link was first opened, UTC) and for the whole range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelFlowReport {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`, included.
    pub to: String,
    /// One entry per month of the range, in order.
    pub months: Vec<CancelFlowFigures>,
    /// The whole range.
    pub total: CancelFlowFigures,
}

fn figures(month: String, sessions: &[&churnwise_store::CancelSession]) -> CancelFlowFigures {
    use std::collections::BTreeMap;
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut offers: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    let (mut cancelled, mut saves, mut saved_mrr_cents) = (0, 0, 0);
    for c in sessions.iter().filter_map(|s| s.completion.as_ref()) {
        *reasons.entry(c.reason.clone()).or_default() += 1;
        let accepted = c.decision == Decision::AcceptedOffer.as_str();
        if accepted {
            saves += 1;
            saved_mrr_cents += c.saved_mrr_cents;
        } else {
            cancelled += 1;
        }
        let kind = c
            .offer_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<CancelOffer>(j).ok())
            .map(|o| o.terms.kind().to_string());
        if let Some(kind) = kind {
            let entry = offers
                .entry((kind, c.variant.clone().unwrap_or_else(|| "a".into())))
                .or_default();
            entry.0 += 1;
            entry.1 += u64::from(accepted);
        }
    }
    let mut reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
    CancelFlowFigures {
        month,
        sessions: u64::try_from(sessions.len()).unwrap_or(u64::MAX),
        cancelled,
        saves,
        saved_mrr_cents,
        reasons,
        offers: offers
            .into_iter()
            .map(|((kind, variant), (shown, accepted))| OfferFigures {
                kind,
                variant,
                shown,
                accepted,
                accept_rate_pct: (shown > 0).then(|| {
                    // One decimal: per-mille rounded half up, then shown.
                    let per_mille = (accepted * 1000 * 2 + shown) / (shown * 2);
                    f64::from(u32::try_from(per_mille).unwrap_or(1000)) / 10.0
                }),
            })
            .collect(),
    }
}

/// The cancel page's report from `from` to `to` (`YYYY-MM`, both
/// required, at most 24 months): 422 naming `from` or `to`.
pub async fn report(
    store: &dyn Store,
    ws: WorkspaceId,
    from: Option<&str>,
    to: Option<&str>,
) -> AppResult<CancelFlowReport> {
    let mut problems = Vec::new();
    let mut month = |field: &str, text: Option<&str>| match text.map(str::trim) {
        None | Some("") => {
            problems.push(FieldProblem::missing(field));
            None
        }
        Some(t) => churnwise_domain::parse_month(t)
            .map_err(|_| problems.push(FieldProblem::invalid(field, "must be a month, YYYY-MM")))
            .ok(),
    };
    let (from, to) = (month("from", from), month("to", to));
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(FieldProblem::invalid("to", "must not be before from"));
        } else if f.months_until(t) >= REPORT_MAX_MONTHS {
            problems.push(FieldProblem::invalid(
                "to",
                &format!("the range must be at most {REPORT_MAX_MONTHS} months"),
            ));
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(AppError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let start = from.first_day().and_time(chrono::NaiveTime::MIN).and_utc();
    let end = to
        .next()
        .first_day()
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let sessions = store.cancel_sessions_between(ws, start, end).await?;
    let months = churnwise_domain::Month::range_inclusive(from, to)
        .map(|m| {
            let of_month: Vec<_> = sessions
                .iter()
                .filter(|s| churnwise_domain::Month::of(s.opened_at.date_naive()) == m)
                .collect();
            figures(m.to_string(), &of_month)
        })
        .collect();
    Ok(CancelFlowReport {
        from: from.to_string(),
        to: to.to_string(),
        months,
        total: figures("total".into(), &sessions.iter().collect::<Vec<_>>()),
    })
}

/// The cancel page's section of the dashboard: the report and the labels
/// of the reasons it names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CancelFlowSection {
    /// The report over the dashboard's range (its last 24 months).
    pub report: CancelFlowReport,
    /// Each reason key of the report with its label in the reader's language.
    pub reason_labels: std::collections::BTreeMap<String, String>,
}

/// The cancel page's figures for the dashboard's months `from`..=`to`
/// (cut to the last [`REPORT_MAX_MONTHS`]), or `None` when the workspace
/// neither has a cancel secret nor a session in those months (then the
/// dashboard shows no section). Never makes the page.
pub async fn dashboard_section(
    store: &dyn Store,
    ws: WorkspaceId,
    from: churnwise_domain::Month,
    to: churnwise_domain::Month,
    lang: Lang,
) -> AppResult<Option<CancelFlowSection>> {
    let from = from.max(to.plus(1 - REPORT_MAX_MONTHS));
    let report = report(store, ws, Some(&from.to_string()), Some(&to.to_string())).await?;
    let secret_set = store
        .cancel_page(ws)
        .await?
        .is_some_and(|p| p.secret_sealed.is_some());
    if !secret_set && report.total.sessions == 0 {
        return Ok(None);
    }
    let reasons = store.reason_list(ws).await?.value;
    let reason_labels = report
        .total
        .reasons
        .iter()
        .map(|r| {
            let label = ReasonKey::parse("reason", &r.reason)
                .ok()
                .and_then(|k| reasons.get(&k).map(|e| e.label(lang).to_string()))
                .unwrap_or_else(|| r.reason.clone());
            (r.reason.clone(), label)
        })
        .collect();
    Ok(Some(CancelFlowSection {
        report,
        reason_labels,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_signature_is_the_hex_hmac_of_customer_dot_ts() {
        // Reference: printf 'cus_1.1700000000' | openssl dgst -sha256 -hmac secret
        assert_eq!(sign("secret", "cus_1", 1_700_000_000), {
            let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
            mac.update(b"cus_1.1700000000");
            hex::encode(mac.finalize().into_bytes())
        });
        assert_eq!(sign("secret", "cus_1", 1).len(), 64);
    }

    #[test]
    fn the_event_data_has_exactly_the_spec_fields() {
        let offer = CancelOffer {
            reason: ReasonKey::parse("r", "needs_changed").unwrap(),
            variant: Variant::A,
            terms: OfferTerms::Pause { months: 2 },
        };
        let event = completed_event(
            "cus_1",
            "needs_changed",
            None,
            Decision::AcceptedOffer,
            Some(&offer),
        );
        assert_eq!(
            event,
            serde_json::json!({"customer": "cus_1", "reason": "needs_changed", "words": null,
                "decision": "accepted_offer",
                "offer": {"reason": "needs_changed", "variant": "a", "kind": "pause", "months": 2}})
        );
        let event = completed_event("c", "other", Some("bye"), Decision::Cancelled, None);
        assert_eq!(event["offer"], serde_json::Value::Null);
        assert_eq!(event["decision"], "cancelled");
        assert_eq!(event["words"], "bye");
    }
}
