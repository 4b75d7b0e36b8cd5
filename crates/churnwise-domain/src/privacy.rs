//! Erasing a client's personal data: what takes the place of an erased text,
//! and which texts of a departure case (its stored JSON document and its
//! history events) are the client's words or name people, so that an erase
//! replaces them while every amount, date, reason and status stays, and the
//! metrics do not change.

use serde_json::Value;

/// What replaces an erased free text.
pub const ERASED: &str = "[erased]";

/// The name an erased client takes: stable and distinct per client, so that
/// lookups by name never find two and no uniqueness rule can trip.
pub fn erased_client_name(id: i64) -> String {
    format!("erased-{id}")
}

/// The name an erased contact takes.
pub fn erased_contact_name(id: i64) -> String {
    format!("erased-contact-{id}")
}

/// Keys whose text values, anywhere in a case document or history event,
/// are free text: notes, the client's own words, penalties, waiver and
/// other reasons given in words, survey answers and testimonials,
/// descriptions of retention actions and offers, corrective actions, and
/// checklist item labels (a custom item or a handover names an account or a
/// person; the template's labels are lost with them).
const FREE_TEXT_KEYS: &[&str] = &[
    "label",
    "note",
    "penalties",
    "clients_words",
    "reason",
    "waiver_reason",
    "could_do_better",
    "text",
    "description",
    "what",
];

/// Keys of a credential handover (inside `handover`, and in the
/// `credentials_handed_over` history event): which account went to whom and
/// how. In a notice, `channel` is a fixed choice and is kept.
const HANDOVER_KEYS: &[&str] = &["account", "recipient", "channel"];

/// Replaces every free text of a case document or history event by
/// [`ERASED`] and drops links (a link may name a person and has no marker
/// that is still a valid link). Reason keys, stages, statuses, amounts,
/// dates, template keys and the staff's own names are kept. Returns true
/// when anything changed.
pub fn erase_case_texts(value: &mut Value) -> bool {
    let handover_event = value
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t == "credentials_handed_over");
    erase_in(value, handover_event)
}

fn erase_in(value: &mut Value, in_handover: bool) -> bool {
    let mut changed = false;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let text_key = FREE_TEXT_KEYS.contains(&key.as_str())
                    || (in_handover && HANDOVER_KEYS.contains(&key.as_str()));
                match v {
                    Value::String(s) if text_key => {
                        if s != ERASED {
                            *s = ERASED.to_string();
                            changed = true;
                        }
                    }
                    Value::String(_) if key == "link" => {
                        *v = Value::Null;
                        changed = true;
                    }
                    _ => changed |= erase_in(v, key == "handover"),
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                changed |= erase_in(v, false);
            }
        }
        _ => {}
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn free_texts_and_handovers_are_erased_and_codes_kept() {
        let mut doc = json!({
            "stage": "closed",
            "notice": {"channel": "email", "received_by": "ana", "penalties": "two months"},
            "exit_conversation": {"clients_words": "Maria hated it", "primary_reason": "price"},
            "offboarding": {"items": [{
                "label": "Hand over the Google Ads account",
                "link": "https://drive.example/maria",
                "note": "call Maria on +34 600",
                "handover": {"account": "ads@acme", "recipient": "Maria", "channel": "1password"}
            }]},
            "survey": {"answer": {"testimonial": {"text": "great", "consent_to_publish": true}}},
            "lost_mrr": 1200
        });
        assert!(erase_case_texts(&mut doc));
        assert_eq!(doc["notice"]["channel"], "email");
        assert_eq!(doc["notice"]["received_by"], "ana");
        assert_eq!(doc["notice"]["penalties"], ERASED);
        assert_eq!(doc["exit_conversation"]["clients_words"], ERASED);
        assert_eq!(doc["exit_conversation"]["primary_reason"], "price");
        let item = &doc["offboarding"]["items"][0];
        assert_eq!(item["label"], ERASED);
        assert_eq!(item["link"], Value::Null);
        assert_eq!(item["note"], ERASED);
        assert_eq!(item["handover"]["recipient"], ERASED);
        assert_eq!(item["handover"]["channel"], ERASED);
        assert_eq!(doc["survey"]["answer"]["testimonial"]["text"], ERASED);
        assert_eq!(doc["lost_mrr"], 1200);
        assert!(!erase_case_texts(&mut doc), "erasing twice changes nothing");
    }

    #[test]
    fn a_handover_event_loses_its_account_recipient_and_channel() {
        let mut event = json!({"type": "credentials_handed_over", "id": 3,
            "account": "ads@acme", "recipient": "Maria", "channel": "phone", "on": "2024-03-01"});
        assert!(erase_case_texts(&mut event));
        assert_eq!(event["recipient"], ERASED);
        assert_eq!(event["channel"], ERASED);
        assert_eq!(event["on"], "2024-03-01");
    }
}
