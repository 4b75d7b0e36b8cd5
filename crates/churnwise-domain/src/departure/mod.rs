//! The departure case (departure.md §3) as a state machine: a
//! [`DepartureCase`] moves through the [`Stage`]s by pure transition
//! functions, each returning the next case and the [`CaseEvent`]s to append
//! to its history, or a [`CaseError`] — in which case nothing changed.
//!
//! [`CaseEvent`]: crate::history::CaseEvent

mod case;
mod close;
mod error;
mod exit_conversation;
mod notice;
mod open_guard;
mod stage;
mod win_back;

pub use case::{Change, DepartureCase};
pub use close::{can_close, CloseInput, Closure, InvoiceWaiver, UnpaidInvoice};
pub use error::{CaseError, CaseErrorKind, FieldProblem, OpenItem};
pub use exit_conversation::{ExitConversation, ExitConversationInput};
pub use notice::{
    Notice, NoticeChannel, NoticeInput, RelationshipEvaluation, RelationshipEvaluationInput,
    END_BEFORE_NOTICE, NOTICE_PERIOD_MAX_DAYS,
};
pub use open_guard::{ensure_no_open_case, ExistingCase};
pub use stage::{DepartureKind, Outcome, Stage, TRANSITIONS};
pub use win_back::latest_departure_to_win_back;

#[cfg(test)]
mod tests;
