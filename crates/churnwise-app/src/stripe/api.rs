//! Stripe's REST API, read page by page (`limit=100&starting_after=`),
//! through reqwest with rustls. One page at a time is held in memory.
//! Writes (the cancel page's decision, [`crate::stripe::cancel`]) are
//! form-encoded `POST`s, each with an `Idempotency-Key`.

use crate::error::{AppError, AppResult};
use churnwise_domain::FieldProblem;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::time::Duration;

/// Objects per page (Stripe's maximum).
pub const PAGE_SIZE: usize = 100;

/// A client of one Stripe account.
pub struct StripeApi {
    http: reqwest::Client,
    base: String,
    key: String,
}

#[derive(Deserialize)]
struct RawPage {
    data: Vec<serde_json::Value>,
    #[serde(default)]
    has_more: bool,
}

#[derive(Deserialize)]
struct StripeErrorBody {
    error: StripeErrorDetail,
}

#[derive(Deserialize)]
struct StripeErrorDetail {
    #[serde(default)]
    message: Option<String>,
}

/// A failed call, naming what was read and why.
pub fn failure(what: &str, why: impl std::fmt::Display) -> AppError {
    AppError::Invalid(vec![FieldProblem::new("stripe", format!("{what}: {why}"))])
}

/// The body of a successful answer; else a failure naming `what`, the
/// status and Stripe's message.
async fn body_of(answer: reqwest::Response, what: &str) -> AppResult<Vec<u8>> {
    let status = answer.status();
    let body = answer
        .bytes()
        .await
        .map_err(|e| failure(what, format!("reading the answer: {e}")))?
        .to_vec();
    if !status.is_success() {
        let message = serde_json::from_slice::<StripeErrorBody>(&body)
            .ok()
            .and_then(|b| b.error.message)
            .unwrap_or_default();
        return Err(failure(what, format!("Stripe answered {status} {message}")));
    }
    Ok(body)
}

/// One page of a list: the objects, parsed, and the cursor to the next.
pub struct Page<T> {
    /// The objects of the page, each with its id.
    pub objects: Vec<T>,
    /// The id to pass as `starting_after` for the next page, if there is one.
    pub next: Option<String>,
}

impl StripeApi {
    /// A client of the account of `key` at `base` (no trailing slash needed).
    pub fn new(base: &str, key: String) -> AppResult<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot make an HTTP client: {e}")))?;
        Ok(StripeApi {
            http,
            base: base.trim_end_matches('/').to_string(),
            key,
        })
    }

    /// One object, `/v1/{kind}/{id}`, parsed as `T`.
    pub async fn one<T: DeserializeOwned>(&self, kind: &str, id: &str) -> AppResult<T> {
        let what = format!("{kind} {id}");
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(failure(&what, "not a Stripe id"));
        }
        let body = self.get(&format!("/v1/{kind}/{id}"), &[], &what).await?;
        serde_json::from_slice(&body).map_err(|e| failure(&what, e))
    }

    /// The body of a successful `GET` of `path` with `query`; a failure
    /// names `what` and Stripe's message.
    async fn get(&self, path: &str, query: &[(&str, &str)], what: &str) -> AppResult<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        let answer = self
            .http
            .get(&url)
            .bearer_auth(&self.key)
            .query(query)
            .send()
            .await
            .map_err(|e| failure(what, format!("cannot reach {url}: {e}")))?;
        body_of(answer, what).await
    }

    /// The body of a successful form-encoded `POST` of `form` to `path`,
    /// sent with `Idempotency-Key: idempotency_key` (Stripe answers a
    /// repeated key with the first answer, so a retry never applies twice);
    /// a failure names `what` and Stripe's message.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        idempotency_key: &str,
        what: &str,
    ) -> AppResult<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        let answer = self
            .http
            .post(&url)
            .bearer_auth(&self.key)
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| failure(what, format!("cannot reach {url}: {e}")))?;
        body_of(answer, what).await
    }

    /// The body of a successful `GET` of `path` with `query`, or `None`
    /// when Stripe answers 404.
    pub async fn get_optional(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> AppResult<Option<Vec<u8>>> {
        let url = format!("{}{path}", self.base);
        let answer = self
            .http
            .get(&url)
            .bearer_auth(&self.key)
            .query(query)
            .send()
            .await
            .map_err(|e| failure(what, format!("cannot reach {url}: {e}")))?;
        if answer.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        body_of(answer, what).await.map(Some)
    }

    /// One page of `/v1/{kind}` (`customers`, `subscriptions`, `invoices`)
    /// after `starting_after`, with `extra` query pairs; each object parsed
    /// as `T`, a malformed one named by its id.
    pub async fn page<T: DeserializeOwned>(
        &self,
        kind: &str,
        extra: &[(&str, &str)],
        starting_after: Option<&str>,
    ) -> AppResult<Page<T>> {
        let limit = PAGE_SIZE.to_string();
        let mut query: Vec<(&str, &str)> = vec![("limit", limit.as_str())];
        query.extend_from_slice(extra);
        if let Some(after) = starting_after {
            query.push(("starting_after", after));
        }
        let what = match starting_after {
            Some(after) => format!("{kind} after {after}"),
            None => kind.to_string(),
        };
        let body = self.get(&format!("/v1/{kind}"), &query, &what).await?;
        let raw: RawPage = serde_json::from_slice(&body)
            .map_err(|e| failure(&what, format!("not a list of objects: {e}")))?;
        let mut last_id = None;
        let mut objects = Vec::with_capacity(raw.data.len());
        for value in raw.data {
            let id = value
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("?")
                .to_string();
            let object = serde_json::from_value::<T>(value)
                .map_err(|e| failure(&format!("{kind} {id}"), e))?;
            objects.push(object);
            last_id = Some(id);
        }
        Ok(Page {
            objects,
            next: if raw.has_more { last_id } else { None },
        })
    }
}
