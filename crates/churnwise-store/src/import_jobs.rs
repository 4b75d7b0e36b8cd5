//! Records of imports run from the browser or the API: the job of one
//! uploaded file (its progress visible from any server process) and the
//! column mappings saved for next time.

use crate::{Timestamp, WorkspaceId};

/// Id of an import job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImportJobId(pub i64);

/// An import job to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportJob {
    /// customers, subscriptions, invoices, contacts or interactions.
    pub kind: String,
    /// The file name as uploaded.
    pub file_name: String,
    /// Where the server keeps the upload until the import ends.
    pub upload_path: String,
    /// The first state (`uploaded` awaiting confirmation, or `queued`).
    pub state: String,
    /// The column mapping, as JSON, if any.
    pub mapping: Option<String>,
    /// Who uploaded it (email, or the command line).
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
}

/// An import job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    /// Its id.
    pub id: ImportJobId,
    /// The workspace it imports into.
    pub workspace: WorkspaceId,
    /// customers, subscriptions, invoices, contacts or interactions.
    pub kind: String,
    /// The file name as uploaded.
    pub file_name: String,
    /// Where the server keeps the upload until the import ends.
    pub upload_path: String,
    /// uploaded, queued, reading, writing, done or failed.
    pub state: String,
    /// Rows written so far.
    pub rows_done: i64,
    /// Rows to write (0 until the file is read).
    pub rows_total: i64,
    /// The column mapping, as JSON, if any.
    pub mapping: Option<String>,
    /// What was written, as JSON, once done.
    pub summary: Option<String>,
    /// Why nothing was written, as JSON, once failed.
    pub problems: Option<String>,
    /// Who uploaded it.
    pub created_by: String,
    /// When it was uploaded.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A change of an import job's state (fields left `None` keep their value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportJobUpdate {
    /// The new state.
    pub state: Option<String>,
    /// Rows written so far.
    pub rows_done: Option<i64>,
    /// Rows to write.
    pub rows_total: Option<i64>,
    /// The column mapping, as JSON.
    pub mapping: Option<String>,
    /// What was written, as JSON.
    pub summary: Option<String>,
    /// Why nothing was written, as JSON.
    pub problems: Option<String>,
}

/// A contact to import: matched to an existing one of the same client by
/// email (case aside), else by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactImport {
    /// Line in the file (for problems).
    pub line: u64,
    /// The client's external id.
    pub customer_ref: String,
    /// Full name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// The client's primary contact (the others of the client stop being primary).
    pub is_primary: bool,
}

/// An interaction to import; one equal in every field to a stored one is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionImport {
    /// Line in the file (for problems).
    pub line: u64,
    /// The client's external id.
    pub customer_ref: String,
    /// call, meeting, email, newsletter, complaint, incident, praise or note.
    pub kind: String,
    /// The day it happened.
    pub occurred_on: crate::Date,
    /// Who.
    pub author: Option<String>,
    /// What was said or done.
    pub note: Option<String>,
}

/// The natural key of a contact as [`crate::Store::import_keys`] gives it: the
/// client and the email (case aside) when given, else the name.
pub fn contact_key(client: &str, name: &str, email: Option<&str>) -> String {
    match email {
        Some(e) => format!("{client}\u{1f}@{}", e.to_lowercase()),
        None => format!("{client}\u{1f}{name}"),
    }
}

/// The natural key of an interaction: every field.
pub fn interaction_key(
    client: &str,
    kind: &str,
    on: crate::Date,
    author: Option<&str>,
    note: Option<&str>,
) -> String {
    format!(
        "{client}\u{1f}{kind}\u{1f}{on}\u{1f}{}\u{1f}{}",
        author.unwrap_or_default(),
        note.unwrap_or_default()
    )
}
