//! Settings → Cancel page (issue 17, spec/integrations.md §2): the
//! workspace's public id and the link format, a new cancel secret (owners;
//! shown once on the page that answers the form), the display name, the
//! logo (PNG/JPEG) and the offers per departure reason with an optional
//! variant B. Owners and managers; everything goes through
//! `churnwise_app::cancel_flow` like the API. A refused form is drawn again
//! (422) with what was typed and a message next to each field, nothing
//! changed.

use super::{render, see_other, Chrome, CsrfForm, PageAuth, PageError};
use crate::auth::constant_time_eq;
use crate::AppState;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use churnwise_app::cancel_flow::{self, CancelSecret};
use churnwise_app::AppError;
use churnwise_domain::cancel_offer::{CancelOfferInput, OfferTerms};
use churnwise_domain::FieldProblem;
use minijinja::context;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Where the page lives.
const PATH: &str = "/settings/cancel-page";
/// The variants a reason may have, in the form's order.
const VARIANTS: [&str; 2] = ["a", "b"];
/// The fields of one offer in the form.
const OFFER_FIELDS: [&str; 5] = ["kind", "months", "percent", "plan", "price_id"];

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct CancelSettingsQuery {
    /// `offers`, `name`, `logo` or `logo-removed` after a save.
    #[serde(default)]
    pub notice: String,
}

/// What one drawing of the page shows besides the saved settings.
#[derive(Debug, Default)]
struct Drawn {
    notice: String,
    /// The offer form as typed (`<reason>.<variant>.<field>` → value), when refused.
    typed_offers: Option<BTreeMap<String, String>>,
    /// The display name as typed, when refused.
    typed_name: Option<String>,
    /// Messages by form field: (Fluent key, reason).
    errors: BTreeMap<String, (String, String)>,
    /// A secret just made.
    secret: Option<CancelSecret>,
}

/// The form's values of saved offers.
fn offer_values(
    offers: &[churnwise_domain::cancel_offer::CancelOffer],
) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for o in offers {
        let prefix = format!("{}.{}", o.reason.as_str(), o.variant.as_str());
        let mut put = |field: &str, value: String| {
            values.insert(format!("{prefix}.{field}"), value);
        };
        put("kind", o.terms.kind().to_string());
        match &o.terms {
            OfferTerms::Pause { months } => put("months", months.to_string()),
            OfferTerms::Discount { percent, months } => {
                put("percent", percent.to_string());
                put("months", months.to_string());
            }
            OfferTerms::CheaperPlan { plan, price_id } => {
                put("plan", plan.as_str().to_string());
                if let Some(price) = price_id {
                    put("price_id", price.clone());
                }
            }
            OfferTerms::TalkToUs => {}
        }
    }
    values
}

async fn page(state: &AppState, auth: &PageAuth, drawn: Drawn) -> Result<Response, PageError> {
    let store = state.store.as_ref();
    let view = cancel_flow::page_view(store, auth.ws()).await?;
    let rows = cancel_flow::offer_rows(store, auth.ws(), &view.offers, auth.lang).await?;
    let typed_offers = drawn
        .typed_offers
        .unwrap_or_else(|| offer_values(&view.offers));
    let display_name = drawn
        .typed_name
        .unwrap_or_else(|| view.display_name.clone());
    let base = state
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();
    let link_base = format!("{base}{}", view.cancel_path);
    let chrome = Chrome::of(auth, state, "settings").await?;
    render(
        &chrome,
        "cancel_settings.html",
        context! {
            view,
            link_base,
            rows,
            variants => VARIANTS,
            kinds => ["pause", "discount", "cheaper_plan", "talk_to_us"],
            typed => typed_offers,
            display_name,
            errors => drawn.errors,
            notice => drawn.notice,
            secret => drawn.secret,
            logo_max_kib => cancel_flow::LOGO_MAX_BYTES / 1024,
        },
    )
}

/// `GET /settings/cancel-page`.
pub async fn show(
    State(state): State<AppState>,
    auth: PageAuth,
    Query(query): Query<CancelSettingsQuery>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let drawn = Drawn {
        notice: query.notice,
        ..Drawn::default()
    };
    page(&state, &auth, drawn).await
}

/// `POST /settings/cancel-page/secret` (owners): makes a new secret and
/// answers the page showing it this once.
pub async fn new_secret(
    State(state): State<AppState>,
    CsrfForm(auth, _form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    auth.require_owner()?;
    let secret = cancel_flow::new_secret(
        state.store.as_ref(),
        &state.stripe.secrets,
        auth.ws(),
        &auth.actor(),
        Utc::now(),
    )
    .await?;
    let drawn = Drawn {
        secret: Some(secret),
        ..Drawn::default()
    };
    page(&state, &auth, drawn).await
}

/// The Fluent key of a problem's field.
fn error_key(field: &str) -> String {
    match field {
        "kind" | "months" | "percent" | "plan" | "price_id" | "display_name" | "logo" => {
            format!("cancel-settings-error-{}", field.replace('_', "-"))
        }
        _ => "cancel-settings-error-other".to_string(),
    }
}

async fn refused(state: &AppState, auth: &PageAuth, drawn: Drawn) -> Result<Response, PageError> {
    let drawn = page(state, auth, drawn).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, drawn).into_response())
}

/// `POST /settings/cancel-page/display-name`.
pub async fn save_display_name(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let name = form
        .into_iter()
        .find(|(k, _)| k == "display_name")
        .map(|(_, v)| v)
        .unwrap_or_default();
    match cancel_flow::set_display_name(state.store.as_ref(), auth.ws(), Some(&name), Utc::now())
        .await
    {
        Ok(_) => Ok(see_other(&format!("{PATH}?notice=name"))),
        Err(AppError::Invalid(problems)) => {
            let errors = problems
                .into_iter()
                .map(|p| (p.field.clone(), (error_key(&p.field), p.message)))
                .collect();
            let drawn = Drawn {
                typed_name: Some(name),
                errors,
                ..Drawn::default()
            };
            refused(&state, &auth, drawn).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A number typed in the offer form: blank is missing; text that is not a
/// whole number is sent as out of range, so the use case names the field.
fn number(text: Option<&String>) -> Option<i64> {
    let text = text.map(|t| t.trim()).filter(|t| !t.is_empty())?;
    Some(text.parse().unwrap_or(i64::MIN))
}

/// `POST /settings/cancel-page/offers`: every reason's offers at once
/// (`<reason>.<a|b>.<field>`; kind `none` or blank for no offer).
pub async fn save_offers(
    State(state): State<AppState>,
    CsrfForm(auth, form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let typed: BTreeMap<String, String> = form
        .into_iter()
        .filter(|(k, _)| k.matches('.').count() == 2 && k.len() <= 200)
        .collect();
    // The reasons in the form, in the page's order.
    let view = cancel_flow::page_view(state.store.as_ref(), auth.ws()).await?;
    let rows =
        cancel_flow::offer_rows(state.store.as_ref(), auth.ws(), &view.offers, auth.lang).await?;
    let mut inputs = Vec::new();
    let mut sent_as: Vec<String> = Vec::new();
    for row in &rows {
        for variant in VARIANTS {
            let prefix = format!("{}.{variant}", row.key);
            let get = |field: &str| typed.get(&format!("{prefix}.{field}"));
            let kind = get("kind").map(|k| k.trim()).unwrap_or("");
            if kind.is_empty() || kind == "none" {
                continue;
            }
            let text = |field: &str| {
                get(field)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            inputs.push(CancelOfferInput {
                reason: Some(row.key.clone()),
                variant: Some(variant.to_string()),
                kind: Some(kind.to_string()),
                months: number(get("months")),
                percent: number(get("percent")),
                plan: text("plan"),
                price_id: text("price_id"),
            });
            sent_as.push(prefix);
        }
    }
    match cancel_flow::set_offers(state.store.as_ref(), auth.ws(), &inputs, Utc::now()).await {
        Ok(_) => Ok(see_other(&format!("{PATH}?notice=offers"))),
        Err(AppError::Invalid(problems)) => {
            let errors = offer_errors(&problems, &sent_as);
            let drawn = Drawn {
                typed_offers: Some(typed),
                errors,
                ..Drawn::default()
            };
            refused(&state, &auth, drawn).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Each problem `offers[i].field` put next to its form field
/// (`<reason>.<variant>.<field>`); a problem of the variant itself (a B
/// without an A) goes next to the kind.
fn offer_errors(
    problems: &[FieldProblem],
    sent_as: &[String],
) -> BTreeMap<String, (String, String)> {
    let mut errors = BTreeMap::new();
    for p in problems {
        let parsed = p
            .field
            .strip_prefix("offers[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(i, field)| Some((i.parse::<usize>().ok()?, field)));
        let (name, field) = match parsed {
            Some((i, field)) if i < sent_as.len() => {
                let field = if OFFER_FIELDS.contains(&field) {
                    field
                } else {
                    "kind"
                };
                (format!("{}.{field}", sent_as[i]), field)
            }
            _ => ("offers".to_string(), "other"),
        };
        errors
            .entry(name)
            .or_insert_with(|| (error_key(field), p.message.clone()));
    }
    errors
}

/// `POST /settings/cancel-page/logo` (multipart with the form's `csrf`
/// part): a PNG or JPEG of at most 256 KiB.
pub async fn save_logo(
    State(state): State<AppState>,
    auth: PageAuth,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let mut csrf = String::new();
    let mut logo: Vec<u8> = Vec::new();
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| PageError::BadRequest)?,
            Some("logo") => {
                let mut field = field;
                while let Ok(Some(chunk)) = field.chunk().await {
                    if logo.len() + chunk.len() > cancel_flow::LOGO_MAX_BYTES {
                        too_large = true;
                        break;
                    }
                    logo.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
        if too_large {
            break;
        }
    }
    if !too_large && !constant_time_eq(csrf.as_bytes(), auth.csrf.as_bytes()) {
        return Err(PageError::Csrf);
    }
    let made = if too_large {
        Err(AppError::Invalid(vec![FieldProblem::invalid(
            "logo",
            "must be at most 256 KiB",
        )]))
    } else {
        cancel_flow::set_logo(state.store.as_ref(), auth.ws(), &logo, Utc::now()).await
    };
    match made {
        Ok(_) => Ok(see_other(&format!("{PATH}?notice=logo"))),
        Err(AppError::Invalid(problems)) => {
            let errors = problems
                .into_iter()
                .map(|p| ("logo".to_string(), (error_key("logo"), p.message)))
                .collect();
            let drawn = Drawn {
                errors,
                ..Drawn::default()
            };
            refused(&state, &auth, drawn).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/cancel-page/logo/delete`: removes the logo.
pub async fn remove_logo(
    State(state): State<AppState>,
    CsrfForm(auth, _form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    cancel_flow::remove_logo(state.store.as_ref(), auth.ws(), Utc::now()).await?;
    Ok(see_other(&format!("{PATH}?notice=logo-removed")))
}
