//! Request extractors that report bad input as problem+json naming the field.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;

/// A JSON body whose shape errors name the offending field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        check_json_content_type(req.headers())?;
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
                } else if path == "." {
                    ApiError::field("body", inner.to_string())
                } else {
                    ApiError::field(path, strip_position(&inner.to_string()))
                }
            })
    }
}

/// Refuses a body not sent as `application/json` (parameters such as
/// `charset=utf-8` allowed): a cross-site HTML form can post `text/plain`
/// or urlencoded bodies without a CORS preflight, never JSON, so this keeps
/// the API out of reach of forged forms (login CSRF included).
fn check_json_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = sent.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else if sent.is_empty() {
        Err(ApiError::UnsupportedMediaType(
            "send the body as JSON with `Content-Type: application/json` (none was given)".into(),
        ))
    } else {
        Err(ApiError::UnsupportedMediaType(format!(
            "send the body as JSON with `Content-Type: application/json`, not `{essence}`"
        )))
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Query parameters whose errors name the parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                ApiError::field(
                    if path == "." {
                        "query".to_string()
                    } else {
                        path
                    },
                    e.into_inner().to_string(),
                )
            })
    }
}
