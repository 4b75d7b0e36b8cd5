//! The public self-service cancel page (issue 17, spec §2):
//! `GET|POST /cancel/{public_id}?customer=…&ts=…&sig=…`, no login and no
//! cookie. The signed link is the only key: every request, the form posts
//! included (which carry the link's three fields), is checked again, so a
//! forged post needs a valid signature; posts from another site are refused
//! as well (`security::check_same_origin`). Steps: the reason and words, then
//! at most one offer beside a plainly visible "Cancel my subscription"
//! button (or the confirmation alone), then a done page. In English or
//! Spanish by `Accept-Language`; no script; the pages' CSP;
//! `Referrer-Policy: same-origin` so the link never leaks to another site. `GET /cancel/{public_id}/logo` serves the logo.

use crate::error::ApiError;
use crate::i18n;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use churnwise_app::cancel_flow::{
    self, Choice, Completed, Decision, LinkParams, LinkRefusal, VerifiedLink,
};
use churnwise_app::AppError;
use churnwise_domain::cancel_offer::{CancelOffer, OfferTerms};
use churnwise_domain::Lang;
use serde::{Deserialize, Serialize};

/// The link's query: `customer`, `ts`, `sig`.
#[derive(Debug, Default, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    customer: String,
    #[serde(default)]
    ts: String,
    #[serde(default)]
    sig: String,
}

/// The fields of the page's forms.
#[derive(Debug, Default, Serialize)]
struct FormValues {
    customer: String,
    ts: String,
    sig: String,
    step: String,
    reason: String,
    words: String,
    decision: String,
}

impl FormValues {
    fn parse(body: &[u8]) -> Self {
        let mut form = FormValues::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value = value.into_owned();
            match key.as_ref() {
                "customer" => form.customer = value,
                "ts" => form.ts = value,
                "sig" => form.sig = value,
                "step" => form.step = value,
                "reason" => form.reason = value,
                "words" => form.words = value,
                "decision" => form.decision = value,
                _ => {}
            }
        }
        form
    }
}

fn render(status: StatusCode, context: minijinja::Value) -> Result<Response, ApiError> {
    let body = crate::pages::render_template("cancel.html", context)
        .map_err(|e| anyhow::anyhow!("rendering the cancel page: {e}"))?;
    // `same-origin`, not `no-referrer`: the link (and its signature) never
    // reaches another site, and the page's own form posts keep a real
    // `Origin` (under `no-referrer` browsers send `Origin: null`, which the
    // same-origin check refuses: found by the browser test).
    Ok(crate::survey_page::public_html(status, body, "same-origin"))
}

/// A page that only says something (no business named: the link may be
/// anyone's).
fn message_page(
    status: StatusCode,
    lang: Lang,
    business: Option<&str>,
    heading: &str,
    message: &str,
) -> Result<Response, ApiError> {
    render(
        status,
        minijinja::context! {
            lang => i18n::code(lang),
            state => "message",
            business => business,
            heading => heading,
            message => message,
        },
    )
}

fn refusal_page(lang: Lang, refusal: LinkRefusal) -> Result<Response, ApiError> {
    match refusal {
        LinkRefusal::Expired => message_page(
            StatusCode::GONE,
            lang,
            None,
            "cancel-gone-title",
            "cancel-gone",
        ),
        LinkRefusal::Forbidden => message_page(
            StatusCode::FORBIDDEN,
            lang,
            None,
            "cancel-forbidden-title",
            "cancel-forbidden",
        ),
    }
}

/// The offer in the customer's words.
pub fn offer_text(lang: Lang, offer: &CancelOffer) -> String {
    use churnwise_app::i18n::{message, ArgValue};
    let n = |v: u8| ArgValue::Number(f64::from(v));
    match &offer.terms {
        OfferTerms::Pause { months } => {
            message(lang, "cancel-offer-pause", &[("months", n(*months))])
        }
        OfferTerms::Discount { percent, months } => message(
            lang,
            "cancel-offer-discount",
            &[("percent", n(*percent)), ("months", n(*months))],
        ),
        OfferTerms::CheaperPlan { plan, .. } => message(
            lang,
            "cancel-offer-cheaper_plan",
            &[("plan", ArgValue::Text(plan.to_string()))],
        ),
        OfferTerms::TalkToUs => message(lang, "cancel-offer-talk_to_us", &[]),
    }
}

async fn verify(
    state: &AppState,
    public_id: &str,
    customer: &str,
    ts: &str,
    sig: &str,
) -> Result<Result<VerifiedLink, LinkRefusal>, ApiError> {
    let params = LinkParams {
        public_id: public_id.to_string(),
        customer: customer.to_string(),
        ts: ts.to_string(),
        sig: sig.to_string(),
    };
    Ok(cancel_flow::verify_link(
        state.store.as_ref(),
        &state.stripe.secrets,
        &params,
        chrono::Utc::now(),
    )
    .await?)
}

fn reason_page(
    status: StatusCode,
    lang: Lang,
    public_id: &str,
    opened: &cancel_flow::Opened,
    form: &FormValues,
    errors: Vec<&str>,
    link: &FormValues,
) -> Result<Response, ApiError> {
    render(
        status,
        minijinja::context! {
            lang => i18n::code(lang),
            state => "reason",
            public_id => public_id,
            business => opened.business,
            logo => opened.logo,
            reasons => opened.reasons,
            form => form,
            link => link,
            errors => errors,
        },
    )
}

/// Shows the first step of a valid link (reason and words), records that
/// the link was opened; 410 for an old link, 403 for any other bad one.
pub async fn show(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    Query(query): Query<LinkQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = i18n::negotiate(&headers);
    let link = match verify(&state, &public_id, &query.customer, &query.ts, &query.sig).await? {
        Ok(link) => link,
        Err(refusal) => return refusal_page(lang, refusal),
    };
    let opened = cancel_flow::open(state.store.as_ref(), &link, lang, chrono::Utc::now()).await?;
    if opened.already_done {
        return message_page(
            StatusCode::OK,
            lang,
            Some(&opened.business),
            "cancel-done-before-title",
            "cancel-done-before",
        );
    }
    let form = FormValues {
        customer: query.customer,
        ts: query.ts,
        sig: query.sig,
        ..FormValues::default()
    };
    reason_page(
        StatusCode::OK,
        lang,
        &public_id,
        &opened,
        &FormValues::default(),
        Vec::new(),
        &form,
    )
}

/// The form posts: `step=reason` shows the offer (or the confirmation),
/// `step=decide` records the ending once. The link is checked again first.
pub async fn post(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    crate::security::check_same_origin(&headers, state.trust_forwarded_for)?;
    let lang = i18n::negotiate(&headers);
    let form = FormValues::parse(&body);
    let link = match verify(&state, &public_id, &form.customer, &form.ts, &form.sig).await? {
        Ok(link) => link,
        Err(refusal) => return refusal_page(lang, refusal),
    };
    let store = state.store.as_ref();
    let now = chrono::Utc::now();
    let link_fields = FormValues {
        customer: form.customer.clone(),
        ts: form.ts.clone(),
        sig: form.sig.clone(),
        ..FormValues::default()
    };
    let words_too_long = form.words.trim().chars().count() > cancel_flow::WORDS_MAX_CHARS;
    let reason = match cancel_flow::check_reason(store, link.page.ws, &form.reason).await {
        Ok((key, _)) if !words_too_long => key,
        Ok(_) | Err(AppError::Invalid(_)) => {
            let opened = cancel_flow::open(store, &link, lang, now).await?;
            let mut errors = Vec::new();
            if cancel_flow::check_reason(store, link.page.ws, &form.reason)
                .await
                .is_err()
            {
                errors.push("cancel-error-reason");
            }
            if words_too_long {
                errors.push("cancel-error-words");
            }
            return reason_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                &public_id,
                &opened,
                &form,
                errors,
                &link_fields,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let business = cancel_flow::business_name(store, &link.page).await?;
    if form.step != "decide" {
        let offer = cancel_flow::offer_for_customer(store, &link, &reason).await?;
        return render(
            StatusCode::OK,
            minijinja::context! {
                lang => i18n::code(lang),
                state => "decide",
                public_id => public_id,
                business => business,
                logo => link.page.logo_base64.is_some(),
                offer => offer.is_some(),
                offer_text => offer.as_ref().map(|o| offer_text(lang, o)),
                form => form,
                link => link_fields,
            },
        );
    }
    let decision = match form.decision.as_str() {
        "accept" => Decision::AcceptedOffer,
        _ => Decision::Cancelled,
    };
    let choice = Choice {
        reason: form.reason.clone(),
        words: form.words.clone(),
        decision,
    };
    let completed = match cancel_flow::complete(store, &state.stripe, &link, &choice, now).await {
        Ok(completed) => completed,
        // An offer accepted where none is shown (a forged or stale form):
        // back to the first step, nothing recorded.
        Err(AppError::Invalid(_)) => {
            let opened = cancel_flow::open(store, &link, lang, now).await?;
            return reason_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                &public_id,
                &opened,
                &form,
                vec!["cancel-error-other"],
                &link_fields,
            );
        }
        Err(e) => return Err(e.into()),
    };
    let (heading, message) = match completed {
        Completed::AlreadyRecorded => ("cancel-done-before-title", "cancel-done-before"),
        Completed::Recorded { .. } if decision == Decision::AcceptedOffer => {
            ("cancel-done-accepted-title", "cancel-done-accepted")
        }
        Completed::Recorded { .. } => ("cancel-done-cancelled-title", "cancel-done-cancelled"),
    };
    message_page(StatusCode::OK, lang, Some(&business), heading, message)
}

/// The page's logo (PNG or JPEG set by the business), or 404.
pub async fn logo(
    State(state): State<AppState>,
    Path(public_id): Path<String>,
) -> Result<Response, ApiError> {
    let page = state
        .store
        .cancel_page_by_public_id(&public_id)
        .await
        .map_err(AppError::from)?;
    let Some((kind, data)) = page.and_then(|p| p.logo_type.zip(p.logo_base64)) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| anyhow::anyhow!("a stored logo is not base64: {e}"))?;
    let kind = if kind == "image/png" {
        "image/png"
    } else {
        "image/jpeg"
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_the_page_names_exists_in_both_languages() {
        for key in [
            "cancel-title",
            "cancel-gone-title",
            "cancel-gone",
            "cancel-forbidden-title",
            "cancel-forbidden",
            "cancel-done-before-title",
            "cancel-done-before",
            "cancel-done-accepted-title",
            "cancel-done-accepted",
            "cancel-done-cancelled-title",
            "cancel-done-cancelled",
            "cancel-error-reason",
            "cancel-error-words",
            "cancel-error-other",
            "cancel-offer-pause",
            "cancel-offer-discount",
            "cancel-offer-cheaper_plan",
            "cancel-offer-talk_to_us",
            "channel-self_service",
        ] {
            for lang in i18n::LANGS {
                assert!(i18n::has_message(lang, key), "{key} ({lang:?})");
            }
        }
    }
}
