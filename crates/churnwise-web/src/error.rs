//! Which error belongs where: use cases answer `churnwise_app::AppError`;
//! handlers return [`ApiError`], into which the app's error converts once
//! (`From<AppError>`, store errors through it); this is the one place that maps errors to an HTTP status
//! and an RFC 9457 `application/problem+json` body. Internal details are
//! logged, never sent.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use churnwise_app::AppError;
use churnwise_domain::departure::{CaseError, CaseErrorKind};
use churnwise_domain::FieldProblem;
use churnwise_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable snake_case code clients can match on.
    pub code: String,
    /// The invalid fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ProblemField {
    /// The field, as a JSON pointer-ish path (`name`, `contacts[0].email`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid token or session.
    #[error("authentication required")]
    Unauthorized,
    /// Signed in, but the role does not allow it.
    #[error("your role does not allow this")]
    Forbidden,
    /// Missing or wrong CSRF token on a cookie-authenticated change.
    #[error("missing or invalid CSRF token")]
    Csrf,
    /// Absent, or in another workspace.
    #[error("not found")]
    NotFound,
    /// The body is not valid JSON or has the wrong shape.
    #[error("{0}")]
    BadRequest(String),
    /// Fields failed validation.
    #[error("invalid fields")]
    Invalid(Vec<ProblemField>),
    /// A unique value is taken.
    #[error("conflict")]
    Conflict(ProblemField),
    /// A rule of the domain refused the change.
    #[error("{message}")]
    Rule {
        /// Stable code.
        code: String,
        /// Explanation.
        message: String,
    },
    /// A departure case rule refused the step; nothing changed.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// Too many requests from one address; retry after the given seconds.
    #[error("too many requests; retry in {0} s")]
    TooManyRequests(u64),
    /// The database is busy with another write (such as a long import);
    /// nothing changed: retry after the given seconds (503).
    #[error("the database is busy with another write; retry in {0} s")]
    Unavailable(u64),
    /// Something failed inside; logged, not shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    /// A browser sent this change from another site (its `Origin` or
    /// `Sec-Fetch-Site`), which a cookie-authenticated change or a sign-in
    /// may not come from.
    #[error("this request came from another site; cookie-authenticated changes and sign-in must come from this server's own pages")]
    CrossOrigin,
    /// The body is not of the one type the endpoint reads (the reason says which).
    #[error("{0}")]
    UnsupportedMediaType(String),
}

/// Seconds a client is asked to wait when the database is busy.
pub const BUSY_RETRY_AFTER_SECS: u64 = 5;

impl ApiError {
    /// A validation error with one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![ProblemField {
            field: field.into(),
            message: message.into(),
        }])
    }
}

impl From<FieldProblem> for ProblemField {
    fn from(p: FieldProblem) -> Self {
        ProblemField {
            field: p.field,
            message: p.message,
        }
    }
}

impl From<FieldProblem> for ApiError {
    fn from(e: FieldProblem) -> Self {
        ApiError::Invalid(vec![e.into()])
    }
}

impl From<Vec<FieldProblem>> for ApiError {
    fn from(errors: Vec<FieldProblem>) -> Self {
        ApiError::Invalid(errors.into_iter().map(ProblemField::from).collect())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

/// The one conversion of the application's error into the API's.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::NotFound,
            AppError::Invalid(problems) => problems.into(),
            AppError::StaleVersion(message) => ApiError::Conflict(ProblemField {
                field: "version".into(),
                message,
            }),
            AppError::Conflict(problem) => ApiError::Conflict(problem.into()),
            AppError::File(e) => ApiError::BadRequest(e.to_string()),
            AppError::Case(e) => ApiError::Case(e),
            AppError::Busy => ApiError::Unavailable(BUSY_RETRY_AFTER_SECS),
            AppError::Member(e) => {
                use churnwise_app::members::MemberError as M;
                match e {
                    M::NotManager | M::OwnerOnly | M::OtherAccount => ApiError::Forbidden,
                    M::InvitationGone => ApiError::NotFound,
                    M::LastOwner | M::AlreadyMember => ApiError::Rule {
                        code: e.code().into(),
                        message: e.to_string(),
                    },
                }
            }
            AppError::Internal(e) => ApiError::Internal(e),
            AppError::Throttled { retry_after_secs } => ApiError::TooManyRequests(retry_after_secs),
        }
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in, or send a valid API token as `Authorization: Bearer TOKEN`.".into(),
            ),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", self.to_string()),
            ApiError::Csrf => (StatusCode::FORBIDDEN, "csrf", self.to_string()),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "No such record.".into()),
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            ApiError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Some fields are invalid.".into(),
            ),
            ApiError::Conflict(f) => (
                StatusCode::CONFLICT,
                "conflict",
                format!("{}: {}", f.field, f.message),
            ),
            ApiError::Rule { message, .. } => (StatusCode::CONFLICT, "rule", message.clone()),
            ApiError::Case(e) => {
                let status = match e.kind() {
                    CaseErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                    CaseErrorKind::NotFound => StatusCode::NOT_FOUND,
                    CaseErrorKind::Conflict => StatusCode::CONFLICT,
                    CaseErrorKind::Gone => StatusCode::GONE,
                };
                (status, e.code(), e.to_string())
            }
            ApiError::TooManyRequests(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                self.to_string(),
            ),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy", self.to_string()),
            ApiError::CrossOrigin => (StatusCode::FORBIDDEN, "cross_origin", self.to_string()),
            ApiError::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                m.clone(),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side; it has been logged.".into(),
            ),
        }
    }

    /// The problem document this error becomes.
    pub fn problem(&self) -> Problem {
        let (status, code, detail) = self.parts();
        let code = match self {
            ApiError::Rule { code, .. } => code.clone(),
            _ => code.to_string(),
        };
        let errors = match self {
            ApiError::Invalid(fields) => fields.clone(),
            ApiError::Conflict(f) => vec![f.clone()],
            ApiError::Case(e) => e
                .problems()
                .into_iter()
                .map(|p| ProblemField {
                    field: p.field,
                    message: p.message,
                })
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            kind: format!("https://churnwise.dev/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: Some(detail),
            code,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let ApiError::TooManyRequests(seconds) | ApiError::Unavailable(seconds) = &self {
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// Completes the OpenAPI document with the error answers every operation
/// can give, so clients (and Schemathesis) find each status documented:
/// errors are `application/problem+json` ([`Problem`]), never
/// `application/json`; every API operation may answer 400 (a path, query or
/// body that does not parse), 401 (no valid token or session; not the
/// sign-in itself) and 403 (the role does not allow it, or a missing CSRF
/// token); one with parameters or a body 422 (invalid fields); one with
/// path parameters 404; one with a body 415 (not JSON); a change 503 (the
/// database stayed busy, with `Retry-After`). An operation's own
/// documentation of these statuses is kept.
pub(crate) fn document_problems(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response};

    const PROBLEM: &str = "application/problem+json";
    let problem_response = |description: &str| -> RefOr<Response> {
        let mut response = Response::new(description);
        response.content.insert(
            PROBLEM.to_string(),
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        );
        RefOr::T(response)
    };
    let complete = |path: &str, method: &str, op: &mut Operation| {
        if !path.starts_with("/api/") {
            return;
        }
        // Error bodies are problem+json.
        for (status, response) in op.responses.responses.iter_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            if status.starts_with('4') || status.starts_with('5') {
                if let Some(content) = response.content.shift_remove("application/json") {
                    response.content.insert(PROBLEM.to_string(), content);
                }
            }
        }
        let params = op.parameters.as_deref().unwrap_or_default();
        let has_path = params
            .iter()
            .any(|p| matches!(p.parameter_in, ParameterIn::Path));
        let has_body = op.request_body.is_some();
        let public = path == "/api/v1/session" && method == "post";
        let mut defaults: Vec<(&str, &str)> = vec![
            ("400", "The path, query or body does not parse."),
            (
                "403",
                "The role does not allow this, or the CSRF token is missing.",
            ),
        ];
        if !public {
            defaults.push(("401", "No valid API token or session."));
        }
        if has_path || has_body || !params.is_empty() {
            defaults.push(("422", "Some fields are invalid (each is named)."));
        }
        if has_path {
            defaults.push(("404", "No such record in this workspace."));
        }
        if has_body {
            defaults.push(("415", "The body is not `application/json`."));
        }
        if method != "get" {
            defaults.push((
                "503",
                "Another writer held the database too long; try again after `Retry-After` seconds.",
            ));
        }
        for (status, description) in defaults {
            op.responses
                .responses
                .entry(status.to_string())
                .or_insert_with(|| problem_response(description));
        }
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ] {
            if let Some(op) = op.as_mut() {
                complete(path, method, op);
            }
        }
    }
}

/// Makes every error answer of the API problem+json, also those the
/// framework writes before a handler runs (a path parameter that does not
/// parse, a method not allowed): the answer keeps its status and its text
/// becomes the problem's `detail`. Answers that already are problem+json,
/// and successes, pass unchanged.
pub(crate) async fn problem_bodies(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "error",
    };
    let problem = Problem {
        kind: format!("https://churnwise.dev/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail: (!text.is_empty()).then_some(text),
        code: code.into(),
        errors: Vec::new(),
    };
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_vec(&problem).unwrap_or_default(),
    )
        .into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_a_503_with_retry_after_not_a_500() {
        let busy = StoreError::Busy(anyhow::anyhow!("database is locked"));
        let response = ApiError::from(busy).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers()[header::RETRY_AFTER],
            BUSY_RETRY_AFTER_SECS.to_string().as_str()
        );
        assert_eq!(ApiError::from(AppError::Busy).problem().code, "busy");
    }
}
