//! The case work that falls due: win-back follow-ups, open retention
//! promises and open corrective actions, for the API, the CLI, the Due page
//! and the digest.

use chrono::NaiveDate;
use churnwise_store::{CaseId, ClientId, StoredCase};
use serde::Serialize;

/// One piece of follow-up work that is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueItem {
    /// The case.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub case_id: CaseId,
    /// The client.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub client_id: ClientId,
    /// The client's name.
    pub client_name: String,
    /// win_back_follow_up, retention_promise or corrective_action.
    pub kind: String,
    /// The action's number in the case (none for a follow-up).
    pub item: Option<u32>,
    /// What is to be done.
    pub what: String,
    /// What is to be done in Spanish, when it differs (a suggested action).
    #[serde(skip)]
    pub what_es: Option<String>,
    /// Who does it.
    pub owner: Option<String>,
    /// When it is due.
    pub due_on: NaiveDate,
}

/// The due list of cases: win-back follow-ups, open retention promises and
/// open corrective actions due by `until`, earliest first.
pub fn due_items(cases: &[StoredCase], until: NaiveDate) -> Vec<DueItem> {
    let mut items = Vec::new();
    for c in cases {
        let item =
            |kind: &str, id: Option<u32>, what: String, owner: Option<String>, due_on| DueItem {
                case_id: c.id,
                client_id: c.client_id,
                client_name: c.client_name.clone(),
                kind: kind.to_string(),
                item: id,
                what,
                what_es: None,
                owner,
                due_on,
            };
        if c.case.win_back_follow_up_due(until) {
            if let Some(on) = c.case.lessons().win_back_follow_up_on() {
                items.push(item(
                    "win_back_follow_up",
                    None,
                    "Tell the former client what was corrected and invite them back".into(),
                    None,
                    on,
                ));
            }
        }
        for a in c.case.open_promises() {
            if a.due_on() <= until {
                let mut due = item(
                    "retention_promise",
                    Some(a.id().0),
                    a.description().to_string(),
                    Some(a.owner().to_string()),
                    a.due_on(),
                );
                let es = a.description_in(churnwise_domain::Lang::Es);
                due.what_es = (es != due.what).then_some(es);
                items.push(due);
            }
        }
        for a in c.case.lessons().due_actions(until) {
            items.push(item(
                "corrective_action",
                Some(a.id().0),
                a.what().to_string(),
                Some(a.owner().to_string()),
                a.due_on(),
            ));
        }
    }
    items.sort_by_key(|a| (a.due_on, a.case_id, a.item));
    items
}
