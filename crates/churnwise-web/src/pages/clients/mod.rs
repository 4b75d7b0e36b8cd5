//! The client pages: the list (search, filters, sort, pagination), a new
//! client form, and one client's page with contacts, subscriptions and MRR
//! history, invoices (overdue highlighted), the interaction timeline with a
//! quick "log a contact" form, and its departure cases.
//!
//! By concern: `list` draws the list, `new_client` the new-client form and
//! its post, `show` one client's page, and `forms` the contact, interaction
//! and open-a-case forms posted from that page.

mod forms;
mod list;
mod new_client;
mod record_edits;
mod show;
mod status;
// --- worklog --- (issue 16)
mod work_log;
// --- exclusivity --- (issue 16)
mod exclusivity;

pub use exclusivity::{add_exclusivity, delete_exclusivity, ExclusivityForm};
pub use forms::{add_contact, log_interaction, open_case, CaseForm, ContactForm, InteractionForm};
pub use list::{list, ListParams};
pub use new_client::{create, new_page, ClientForm};
pub use record_edits::{
    add_invoice, add_subscription, contact_form, edit_client, edit_client_form, end_subscription,
    mark_paid, mark_unpaid, remove_contact, save_contact, save_subscription, subscription_form,
};
pub use show::{show, ShowQuery};
pub use status::{set_status, StatusForm};
pub use work_log::{add_work, delete_work, edit_work, WorkForm};

/// The text trimmed, if not blank.
fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}
