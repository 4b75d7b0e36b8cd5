//! `POST /api/v1/imports` (a multipart upload of one file: customers,
//! subscriptions, invoices, contacts, interactions or usage, `.csv` or `.xlsx`) and `GET
//! /api/v1/imports/{id}` (a job's state and progress). The upload is
//! written to a file as it arrives, bounded by `[import] max_upload_mb`;
//! the import itself is `churnwise_app::import_jobs`, as for the page.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use churnwise_app::import_jobs::{
    self, state, ImportOutcome, ImportProblems, JobView, RowProblem, Upload, UploadSettings,
};
use churnwise_app::imports::ImportKind;
use churnwise_app::AppError;
use churnwise_domain::FieldProblem;
use churnwise_store::{ImportJobId, WorkspaceId};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;
use utoipa::{IntoParams, ToSchema};

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "documents the multipart form; `receive` reads its parts one by one"
)]
pub struct ImportForm {
    /// What the file holds.
    kind: KindName,
    /// The file, `.csv` or `.xlsx` (its name must end so).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Optional: which header of the file feeds each column, as a JSON
    /// object (`{"customer_id": "Customer ID", "name": "Company"}`);
    /// without it, the mapping saved for the same headers or a guess from
    /// usual headers is used.
    mapping: Option<String>,
}

/// The kinds of file an import takes.
#[derive(Debug, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindName {
    /// customers.csv
    Customers,
    /// subscriptions.csv
    Subscriptions,
    /// invoices.csv
    Invoices,
    /// contacts.csv
    Contacts,
    /// interactions.csv
    Interactions,
    /// usage.csv (client, metric, on, value; docs/usage.md)
    Usage,
}

/// How the upload is answered.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Run in the background: answer 202 at once, with the job's address in
    /// `Location` (`GET /api/v1/imports/{id}` shows its progress).
    pub background: Option<bool>,
}

/// A refused file: every problem with its line and column (nothing was written).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefusal {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status (422).
    pub status: u16,
    /// Explanation.
    pub detail: String,
    /// `invalid_file` (the file), or `invalid` (the form's parts, in `errors`).
    pub code: String,
    /// The first problems of the file (line 0: the file as a whole).
    #[serde(default)]
    pub problems: Vec<RowProblem>,
    /// How many problems the file has in all.
    #[serde(default)]
    pub total: u64,
    /// The form's wrong parts (`kind`, `file`, `mapping.COLUMN`), when the form is refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::error::ProblemField>,
}

/// What a handler of uploads answers when it refuses.
#[derive(Debug)]
pub enum UploadError {
    /// An error of the API.
    Api(ApiError),
    /// The file's problems.
    File(ImportProblems),
    /// Over the size limit, in bytes.
    TooLarge(u64),
}

impl From<ApiError> for UploadError {
    fn from(e: ApiError) -> Self {
        UploadError::Api(e)
    }
}

impl From<AppError> for UploadError {
    fn from(e: AppError) -> Self {
        match import_jobs::problems_of(&e, "", "") {
            Some(p) if matches!(e, AppError::File(_)) => UploadError::File(p),
            _ => UploadError::Api(e.into()),
        }
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        match self {
            UploadError::Api(e) => e.into_response(),
            UploadError::File(p) => problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportRefusal {
                    kind: "https://churnwise.dev/problems/invalid_file".into(),
                    title: "Unprocessable Entity".into(),
                    status: 422,
                    detail: format!("The file has {} problem(s); nothing was written.", p.total),
                    code: "invalid_file".into(),
                    problems: p.problems,
                    total: p.total,
                    errors: Vec::new(),
                },
            ),
            UploadError::TooLarge(max) => problem_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &Problem {
                    kind: "https://churnwise.dev/problems/payload_too_large".into(),
                    title: "Payload Too Large".into(),
                    status: 413,
                    detail: Some(format!(
                        "The file is larger than {} MB (setting import.max_upload_mb); nothing was written.",
                        max / 1_000_000
                    )),
                    code: "payload_too_large".into(),
                    errors: Vec::new(),
                },
            ),
        }
    }
}

fn problem_response(status: StatusCode, body: &impl Serialize) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_vec(body).unwrap_or_default(),
    )
        .into_response()
}

/// The parts of an upload form, the file already on disk.
#[derive(Debug, Default)]
pub(crate) struct Received {
    /// The `kind` part.
    pub kind: Option<String>,
    /// The `mapping` part.
    pub mapping: Option<String>,
    /// The `csrf` part (forms of the pages).
    pub csrf: Option<String>,
    /// The file: its name as sent and where it waits.
    pub file: Option<(String, PathBuf)>,
}

impl Received {
    /// The upload, or every missing or wrong part named.
    pub fn upload(&self) -> Result<Upload, AppError> {
        let mut problems = Vec::new();
        let kind = match self.kind.as_deref().map(str::parse::<ImportKind>) {
            Some(Ok(k)) => Some(k),
            Some(Err(e)) => {
                problems.push(FieldProblem::new("kind", e));
                None
            }
            None => {
                problems.push(FieldProblem::new("kind", "is required"));
                None
            }
        };
        if self.file.is_none() {
            problems.push(FieldProblem::new("file", "is required"));
        }
        match (kind, &self.file) {
            (Some(kind), Some((name, path))) if problems.is_empty() => Ok(Upload {
                kind,
                file_name: name.clone(),
                path: path.clone(),
                mapping: self.mapping.clone(),
            }),
            _ => Err(AppError::Invalid(problems)),
        }
    }

    /// Deletes the file, when the upload is refused before it becomes a job.
    pub fn discard(&self) {
        if let Some((_, path)) = &self.file {
            let _ = std::fs::remove_file(path);
        }
    }
}

const TEXT_PART_MAX: usize = 64 * 1024;

/// Reads an upload form, writing its file part to the upload folder as it
/// arrives: over `settings.max_upload_bytes`, nothing is kept and the
/// answer is [`UploadError::TooLarge`]; a file not named `.csv`/`.xlsx` is refused.
pub(crate) async fn receive(
    mut multipart: Multipart,
    settings: &UploadSettings,
    ws: WorkspaceId,
) -> Result<Received, UploadError> {
    let mut received = Received::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        UploadError::Api(ApiError::BadRequest(e.body_text()))
    };
    let result = async {
        while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let ext = import_jobs::upload_extension(&file_name)?;
                let path = import_jobs::new_upload_path(settings, ws, ext)?;
                let mut out = std::fs::File::create(&path).map_err(|e| {
                    AppError::Internal(anyhow::anyhow!("cannot write the upload: {e}"))
                })?;
                received.file = Some((file_name, path));
                let mut size: u64 = 0;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    size += chunk.len() as u64;
                    if size > settings.max_upload_bytes {
                        return Err(UploadError::TooLarge(settings.max_upload_bytes));
                    }
                    out.write_all(&chunk).map_err(|e| {
                        AppError::Internal(anyhow::anyhow!("cannot write the upload: {e}"))
                    })?;
                }
            } else {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    text.extend_from_slice(&chunk);
                    if text.len() > TEXT_PART_MAX {
                        return Err(ApiError::field(name, "is too long").into());
                    }
                }
                let text = String::from_utf8_lossy(&text).into_owned();
                match name.as_str() {
                    "kind" => received.kind = Some(text),
                    "mapping" if !text.trim().is_empty() => received.mapping = Some(text),
                    "csrf" => received.csrf = Some(text),
                    _ => {}
                }
            }
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(received),
        Err(e) => {
            received.discard();
            Err(e)
        }
    }
}

/// Imports one file, all or nothing: 201 with what was written, or 422
/// with every problem (line and column, as the file names them) and
/// nothing written. Headers other than those of docs/metrics.md are mapped
/// (the `mapping` part, the one saved for the same headers, or a guess from
/// usual headers); a mapping that renamed headers is saved for next time.
/// With `?background=true`: 202 and the job's address at once.
#[utoipa::path(post, path = "/imports", tag = "imports", params(ImportQuery),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = ImportOutcome, description = "Every row was written."),
        (status = 202, body = JobView, description = "Started in the background; `Location` is the job.",
            headers(("Location" = String, description = "The job's address"))),
        (status = 413, body = Problem, description = "The file is over `import.max_upload_mb`."),
        (status = 422, body = ImportRefusal, description = "The file's problems, or the form's; nothing was written.")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<ImportQuery>,
    multipart: Multipart,
) -> Result<Response, UploadError> {
    auth.require_write()?;
    let settings = state.uploads.clone();
    let received = receive(multipart, &settings, auth.ws()).await?;
    let upload = match received.upload() {
        Ok(u) => u,
        Err(e) => {
            received.discard();
            return Err(ApiError::from(e).into());
        }
    };
    let job = match import_jobs::create_job(
        state.store.as_ref(),
        auth.ws(),
        &upload,
        state::QUEUED,
        &settings,
        &auth.actor(),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(job) => job,
        Err(e) => {
            received.discard();
            return Err(ApiError::from(e).into());
        }
    };
    let run = import_jobs::run_job(
        state.store.clone(),
        auth.ws(),
        job.id,
        settings,
        auth.actor(),
    );
    if query.background.unwrap_or(false) {
        tokio::spawn(run);
        let view = import_jobs::job_view(state.store.as_ref(), auth.ws(), job.id)
            .await
            .map_err(ApiError::from)?;
        let location = format!("/api/v1/imports/{}", job.id.0);
        return Ok((
            StatusCode::ACCEPTED,
            [(header::LOCATION, location)],
            Json(view),
        )
            .into_response());
    }
    // The import runs in its own task, so that a client that goes away does not stop it halfway.
    let outcome = tokio::spawn(run)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    match outcome {
        Ok(outcome) => Ok((StatusCode::CREATED, Json(outcome)).into_response()),
        Err(e) => {
            let view = import_jobs::job_view(state.store.as_ref(), auth.ws(), job.id)
                .await
                .map_err(ApiError::from)?;
            match (view.problems, &e) {
                (Some(p), AppError::File(_)) => Err(UploadError::File(p)),
                _ => Err(ApiError::from(e).into()),
            }
        }
    }
}

/// An import job: its state (uploaded, queued, reading, writing, done,
/// failed), rows written so far of all, and its summary or problems.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", params(("id" = i64, Path)),
    responses((status = 200, body = JobView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(
        import_jobs::job_view(state.store.as_ref(), auth.ws(), ImportJobId(id)).await?,
    ))
}
