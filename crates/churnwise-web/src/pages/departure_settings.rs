//! The departure settings of the settings page: the workspace's reason list
//! (add a reason, rename, retire, restore) and its offboarding checklist
//! templates (one per service type, items with labels and a required
//! flag). Both are saved through the same store calls as the API
//! (`api::reasons`), at the version the form was drawn from: a form older
//! than the stored list is refused with a plain message (409), a refused
//! field is shown next to it with what was typed (422). Owners and managers
//! change them; members and viewers only see them.

use super::forms::{field_error_key, FieldProblems};
use super::settings::{settings_page, Shown};
use super::{see_other, CsrfForm, PageAuth, PageError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use churnwise_app::reasons::{change_reasons_at, ReasonChange};
use churnwise_app::AppError;
use churnwise_domain::offboarding::{
    parse_service_type, ChecklistTemplate, ChecklistTemplates, TemplateItem,
};
use churnwise_domain::reasons::{NewReasonInput, ReasonScope};
use churnwise_domain::text::Label;
use churnwise_store::StoreError;
use serde::Serialize;
use std::collections::BTreeMap;

/// Empty item rows offered below a template's items, to add new ones.
const NEW_ITEM_ROWS: usize = 2;

/// Which departure form was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The form that adds a reason.
    NewReason,
    /// The rename form of one reason, by key.
    Reason(String),
    /// The form of one template, by position.
    Template(usize),
    /// The form that adds a template.
    NewTemplate,
}

/// A refused departure form: what was typed and what was refused, or a
/// stale form (drawn from an older version).
#[derive(Debug, Clone)]
pub struct Refused {
    /// The form.
    pub which: Which,
    /// The values as typed.
    pub values: BTreeMap<String, String>,
    /// The refused fields, with their message keys.
    pub errors: FieldProblems,
    /// True when the form was older than the stored settings.
    pub stale: bool,
}

/// One reason as the settings page shows it.
#[derive(Debug, Serialize)]
struct ReasonView {
    key: String,
    label_en: String,
    label_es: String,
    applies_to: &'static str,
    about_quality_of_work: bool,
    retired: bool,
    /// The rename form's values (as typed when refused).
    values: BTreeMap<String, String>,
    errors: FieldProblems,
}

/// A template form: its values (stored or typed), errors and item rows.
#[derive(Debug, Serialize)]
struct TemplateView {
    /// The position, or `None` for the new-template form.
    index: Option<usize>,
    values: BTreeMap<String, String>,
    errors: FieldProblems,
    rows: Vec<usize>,
}

fn scope_code(scope: ReasonScope) -> &'static str {
    match scope {
        ReasonScope::ClientLeaving => "client_leaving",
        ReasonScope::TeamEnding => "team_ending",
        ReasonScope::Both => "both",
    }
}

fn parse_scope(code: &str) -> Option<ReasonScope> {
    match code {
        "client_leaving" => Some(ReasonScope::ClientLeaving),
        "team_ending" => Some(ReasonScope::TeamEnding),
        "both" => Some(ReasonScope::Both),
        _ => None,
    }
}

/// The form values of a stored template.
fn template_values(t: &ChecklistTemplate) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    v.insert("name".into(), t.name.as_str().to_string());
    v.insert(
        "service_type".into(),
        t.service_type
            .as_ref()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
    );
    for (n, item) in t.items.iter().enumerate() {
        v.insert(format!("item_key_{n}"), item.key.clone());
        v.insert(format!("item_en_{n}"), item.label_en.as_str().to_string());
        v.insert(format!("item_es_{n}"), item.label_es.as_str().to_string());
        if item.required {
            v.insert(format!("item_required_{n}"), "1".into());
        }
    }
    v.insert("rows".into(), (t.items.len() + NEW_ITEM_ROWS).to_string());
    v
}

fn rows_of(values: &BTreeMap<String, String>) -> usize {
    values
        .get("rows")
        .and_then(|r| r.trim().parse::<usize>().ok())
        .unwrap_or(NEW_ITEM_ROWS)
        .min(200)
}

fn template_view(
    index: Option<usize>,
    values: BTreeMap<String, String>,
    errors: FieldProblems,
) -> TemplateView {
    let rows = (0..rows_of(&values)).collect();
    TemplateView {
        index,
        values,
        errors,
        rows,
    }
}

/// What the settings page needs to draw the departure settings.
pub async fn context(
    state: &AppState,
    auth: &PageAuth,
    refused: Option<&Refused>,
) -> Result<minijinja::Value, PageError> {
    let reasons = state.store.reason_list(auth.ws()).await?;
    let templates = state.store.checklist_templates(auth.ws()).await?;
    let refused_form = |which: &Which| refused.filter(|r| !r.stale && &r.which == which);
    let reason_views: Vec<ReasonView> = reasons
        .value
        .all()
        .iter()
        .map(|r| {
            let key = r.key().as_str().to_string();
            let (values, errors) = match refused_form(&Which::Reason(key.clone())) {
                Some(f) => (f.values.clone(), f.errors.clone()),
                None => (
                    [
                        ("label_en".to_string(), r.label_en().as_str().to_string()),
                        ("label_es".to_string(), r.label_es().as_str().to_string()),
                    ]
                    .into_iter()
                    .collect(),
                    FieldProblems::new(),
                ),
            };
            ReasonView {
                label_en: r.label_en().as_str().to_string(),
                label_es: r.label_es().as_str().to_string(),
                applies_to: scope_code(r.applies_to()),
                about_quality_of_work: r.about_quality_of_work(),
                retired: r.retired(),
                key,
                values,
                errors,
            }
        })
        .collect();
    let (new_reason, new_reason_errors) = match refused_form(&Which::NewReason) {
        Some(f) => (f.values.clone(), f.errors.clone()),
        None => (BTreeMap::new(), FieldProblems::new()),
    };
    let template_views: Vec<TemplateView> = templates
        .value
        .all()
        .iter()
        .enumerate()
        .map(|(i, t)| match refused_form(&Which::Template(i)) {
            Some(f) => template_view(Some(i), f.values.clone(), f.errors.clone()),
            None => template_view(Some(i), template_values(t), FieldProblems::new()),
        })
        .collect();
    let new_template = match refused_form(&Which::NewTemplate) {
        Some(f) => template_view(None, f.values.clone(), f.errors.clone()),
        None => {
            let mut values = BTreeMap::new();
            values.insert("rows".to_string(), "3".to_string());
            template_view(None, values, FieldProblems::new())
        }
    };
    let stale = refused.filter(|r| r.stale).map(|r| match r.which {
        Which::NewReason | Which::Reason(_) => "reasons",
        Which::Template(_) | Which::NewTemplate => "templates",
    });
    Ok(minijinja::context! {
        reasons_version => reasons.version,
        reasons => reason_views,
        new_reason,
        new_reason_errors,
        refused_reason => refused.and_then(|r| match &r.which {
            Which::Reason(k) if !r.stale => Some(k.clone()),
            _ => None,
        }),
        refused_template => refused.and_then(|r| match &r.which {
            Which::Template(i) if !r.stale => Some(*i),
            _ => None,
        }),
        templates_version => templates.version,
        templates => template_views,
        new_template,
        stale,
    })
}

/// Draws the settings page again with a refused departure form: 409 when
/// stale, else 422.
async fn refused_page(
    state: &AppState,
    auth: &PageAuth,
    refused: Refused,
) -> Result<Response, PageError> {
    let status = if refused.stale {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = settings_page(
        state,
        auth,
        Shown {
            departure: Some(refused),
            ..Shown::default()
        },
    )
    .await?;
    Ok((status, page).into_response())
}

fn version_of(values: &BTreeMap<String, String>) -> Result<i64, PageError> {
    values
        .get("version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(PageError::BadRequest)
}

/// The field errors of a refused reason change.
fn reason_errors(e: AppError) -> Result<FieldProblems, PageError> {
    if let AppError::Case(churnwise_domain::CaseError::ReasonKeyTaken { .. }) = e {
        return Ok([("key".to_string(), "form-taken")].into_iter().collect());
    }
    let mut errors = super::forms::field_errors(e)?;
    if errors.get("key") == Some(&"form-invalid") {
        errors.insert("key".into(), "form-reason-key");
    }
    Ok(errors)
}

/// Saves a reason change from a form at its version; on refusal draws the
/// page again with the form as typed.
async fn save_reason_change(
    state: &AppState,
    auth: &PageAuth,
    which: Which,
    values: BTreeMap<String, String>,
    change: Result<ReasonChange, FieldProblems>,
) -> Result<Response, PageError> {
    let version = version_of(&values)?;
    let key = match &which {
        Which::Reason(k) => Some(k.clone()),
        _ => None,
    };
    let errors = match change {
        Err(errors) => errors,
        Ok(change) => {
            match change_reasons_at(
                state.store.as_ref(),
                auth.ws(),
                key.as_deref(),
                vec![change],
                Some(version),
                &auth.actor(),
            )
            .await
            {
                Ok(_) => {
                    let anchor = match &key {
                        Some(k) => format!("reason-{k}"),
                        None => "reasons".into(),
                    };
                    return Ok(see_other(&format!("/settings?done=reasons-saved#{anchor}")));
                }
                Err(AppError::StaleVersion(_)) => {
                    return refused_page(
                        state,
                        auth,
                        Refused {
                            which,
                            values,
                            errors: FieldProblems::new(),
                            stale: true,
                        },
                    )
                    .await
                }
                Err(AppError::Case(churnwise_domain::CaseError::UnknownReason { .. })) => {
                    return Err(PageError::NotFound)
                }
                Err(e) => reason_errors(e)?,
            }
        }
    };
    refused_page(
        state,
        auth,
        Refused {
            which,
            values,
            errors,
            stale: false,
        },
    )
    .await
}

/// `POST /settings/reasons`: adds a reason (key, labels, kind, whether it
/// is about the quality of the work).
pub async fn add_reason(
    State(state): State<AppState>,
    CsrfForm(auth, values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let applies_to = parse_scope(get("applies_to").trim()).ok_or(PageError::BadRequest)?;
    let change = ReasonChange::Add(NewReasonInput {
        key: Some(get("key")),
        label_en: Some(get("label_en")),
        label_es: Some(get("label_es")),
        about_quality_of_work: values.contains_key("about_quality_of_work"),
        applies_to,
        playbook: None,
    });
    save_reason_change(&state, &auth, Which::NewReason, values, Ok(change)).await
}

/// `POST /settings/reasons/{key}`: renames (`action=rename` with both
/// labels), retires (`action=retire`) or restores (`action=restore`) a
/// reason. Its key, and so the history of past cases, never changes.
pub async fn change_reason(
    State(state): State<AppState>,
    Path(key): Path<String>,
    CsrfForm(auth, values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let change = match values.get("action").map(String::as_str) {
        Some("rename") => ReasonChange::Rename {
            label_en: Some(values.get("label_en").cloned().unwrap_or_default()),
            label_es: Some(values.get("label_es").cloned().unwrap_or_default()),
        },
        Some("retire") => ReasonChange::Retired(true),
        Some("restore") => ReasonChange::Retired(false),
        _ => return Err(PageError::BadRequest),
    };
    save_reason_change(&state, &auth, Which::Reason(key), values, Ok(change)).await
}

/// A key for a new checklist item from its English label
/// (`Send the final invoice` → `send_the_final_invoice`), unique in `taken`.
fn item_key(label: &str, taken: &[String]) -> String {
    let mut slug = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('_');
    let base = if slug.is_empty() { "item" } else { slug };
    let mut key = base.to_string();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

/// Reads one template form: name, service type (empty for the default
/// template) and its item rows; a row with both labels empty is left out
/// (that is how an item is removed). Every refused field is named.
fn parse_template(values: &BTreeMap<String, String>) -> Result<ChecklistTemplate, FieldProblems> {
    let mut errors = FieldProblems::new();
    let get = |k: &str| values.get(k).map(|v| v.trim()).unwrap_or("");
    fn label(field: &str, text: &str, errors: &mut FieldProblems) -> Option<Label> {
        match Label::parse(field, text) {
            Ok(l) => Some(l),
            Err(p) => {
                errors.insert(field.to_string(), field_error_key(&p.field, &p.message));
                None
            }
        }
    }
    let name = label("name", get("name"), &mut errors);
    let service_type = match get("service_type") {
        "" => None,
        text => match parse_service_type(text) {
            Ok(s) => Some(s),
            Err(p) => {
                errors.insert("service_type".into(), field_error_key(&p.field, &p.message));
                None
            }
        },
    };
    let mut items = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for n in 0..rows_of(values) {
        let en = get(&format!("item_en_{n}"));
        let es = get(&format!("item_es_{n}"));
        if en.is_empty() && es.is_empty() {
            continue;
        }
        let label_en = label(&format!("item_en_{n}"), en, &mut errors);
        let label_es = label(&format!("item_es_{n}"), es, &mut errors);
        let typed_key = get(&format!("item_key_{n}"));
        let key = if typed_key.is_empty() || keys.iter().any(|k| k == typed_key) {
            item_key(en, &keys)
        } else {
            typed_key.to_string()
        };
        keys.push(key.clone());
        if let (Some(label_en), Some(label_es)) = (label_en, label_es) {
            items.push(TemplateItem {
                key,
                label_en,
                label_es,
                required: values.contains_key(&format!("item_required_{n}")),
            });
        }
    }
    if items.is_empty() && errors.keys().all(|k| !k.starts_with("item_")) {
        errors.insert("items".into(), "form-template-items");
    }
    match name {
        Some(name) if errors.is_empty() => Ok(ChecklistTemplate {
            name,
            service_type,
            items,
        }),
        _ => Err(errors),
    }
}

/// The templates with `changed` at `index` (or added when `None`), refused
/// when another template already covers its service type.
fn with_template(
    current: &ChecklistTemplates,
    index: Option<usize>,
    changed: ChecklistTemplate,
) -> Result<Vec<ChecklistTemplate>, FieldProblems> {
    let mut all = current.all().to_vec();
    let same = |t: &ChecklistTemplate| match (&t.service_type, &changed.service_type) {
        (None, None) => true,
        (Some(a), Some(b)) => a.as_str().eq_ignore_ascii_case(b.as_str()),
        _ => false,
    };
    let clash = all
        .iter()
        .enumerate()
        .any(|(i, t)| Some(i) != index && same(t));
    if clash {
        let key = if changed.service_type.is_some() {
            "form-taken"
        } else {
            "form-template-default-taken"
        };
        return Err([("service_type".to_string(), key)].into_iter().collect());
    }
    match index {
        Some(i) => all[i] = changed,
        None => all.push(changed),
    }
    Ok(all)
}

/// Saves the whole set of templates at the form's version.
async fn save_templates(
    state: &AppState,
    auth: &PageAuth,
    which: Which,
    values: BTreeMap<String, String>,
    build: impl FnOnce(&ChecklistTemplates) -> Result<Vec<ChecklistTemplate>, FieldProblems>,
) -> Result<Response, PageError> {
    let version = version_of(&values)?;
    let current = state.store.checklist_templates(auth.ws()).await?;
    let stale = Refused {
        which: which.clone(),
        values: values.clone(),
        errors: FieldProblems::new(),
        stale: true,
    };
    if current.version != version {
        return refused_page(state, auth, stale).await;
    }
    let all = match build(&current.value) {
        Ok(all) => all,
        Err(errors) => {
            let refused = Refused {
                which,
                values,
                errors,
                stale: false,
            };
            return refused_page(state, auth, refused).await;
        }
    };
    match state
        .store
        .save_checklist_templates(auth.ws(), &ChecklistTemplates::new(all), version)
        .await
    {
        Ok(saved) => {
            let detail = format!("version {}", saved.version);
            churnwise_app::audit::record(
                state.store.as_ref(),
                auth.ws(),
                &auth.actor(),
                churnwise_app::audit::Action::ChecklistTemplatesChanged,
                churnwise_app::audit::Subject::Workspace,
                &detail,
            )
            .await?;
            Ok(see_other("/settings?done=templates-saved#templates"))
        }
        Err(StoreError::StaleVersion(_)) => refused_page(state, auth, stale).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/templates`: adds a checklist template.
pub async fn add_template(
    State(state): State<AppState>,
    CsrfForm(auth, values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let parsed = parse_template(&values);
    save_templates(&state, &auth, Which::NewTemplate, values, |current| {
        with_template(current, None, parsed?)
    })
    .await
}

/// `POST /settings/templates/{index}`: saves one checklist template.
pub async fn save_template(
    State(state): State<AppState>,
    Path(index): Path<usize>,
    CsrfForm(auth, values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let parsed = parse_template(&values);
    let version = version_of(&values)?;
    let current = state.store.checklist_templates(auth.ws()).await?;
    if current.version == version && index >= current.value.all().len() {
        return Err(PageError::NotFound);
    }
    save_templates(&state, &auth, Which::Template(index), values, |current| {
        with_template(current, Some(index), parsed?)
    })
    .await
}

/// `POST /settings/templates/{index}/delete`: removes a checklist template
/// (cases already offboarding keep their checklist; without a default
/// template the built-in one is used).
pub async fn delete_template(
    State(state): State<AppState>,
    Path(index): Path<usize>,
    CsrfForm(auth, values): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    auth.require_manage()?;
    let version = version_of(&values)?;
    let current = state.store.checklist_templates(auth.ws()).await?;
    if current.version == version && index >= current.value.all().len() {
        return Err(PageError::NotFound);
    }
    save_templates(&state, &auth, Which::Template(index), values, |current| {
        let mut all = current.all().to_vec();
        all.remove(index);
        Ok(all)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn new_items_get_a_key_from_their_english_label_unique_in_the_template() {
        assert_eq!(
            item_key("Send the final invoice!", &[]),
            "send_the_final_invoice"
        );
        assert_eq!(item_key("¿?", &[]), "item");
        let taken = vec!["final_report".to_string()];
        assert_eq!(item_key("Final report", &taken), "final_report_2");
    }

    #[test]
    fn a_template_form_keeps_keys_drops_empty_rows_and_names_refused_fields() {
        let ok = parse_template(&form(&[
            ("name", "Web sites"),
            ("service_type", "web"),
            ("rows", "3"),
            ("item_key_0", "domain"),
            ("item_en_0", "Domain transferred"),
            ("item_es_0", "Dominio transferido"),
            ("item_required_0", "1"),
            ("item_en_2", "Backups handed over"),
            ("item_es_2", "Copias entregadas"),
        ]))
        .unwrap();
        assert_eq!(ok.items.len(), 2);
        assert_eq!(ok.items[0].key, "domain");
        assert!(ok.items[0].required);
        assert_eq!(ok.items[1].key, "backups_handed_over");
        assert!(!ok.items[1].required);
        assert_eq!(ok.service_type.unwrap().as_str(), "web");

        let refused = parse_template(&form(&[
            ("name", " "),
            ("rows", "1"),
            ("item_en_0", "Only English"),
        ]))
        .unwrap_err();
        assert_eq!(refused.get("name"), Some(&"form-required"));
        assert_eq!(refused.get("item_es_0"), Some(&"form-required"));
        let empty = parse_template(&form(&[("name", "Empty"), ("rows", "2")])).unwrap_err();
        assert_eq!(empty.get("items"), Some(&"form-template-items"));
    }

    #[test]
    fn two_templates_cannot_cover_the_same_service_type() {
        let current = ChecklistTemplates::default();
        let mut web = ChecklistTemplate::default_template();
        web.service_type = Some(Label::parse("s", "Web").unwrap());
        let all = with_template(&current, None, web.clone()).unwrap();
        let current = ChecklistTemplates::new(all);
        web.service_type = Some(Label::parse("s", "web").unwrap());
        let clash = with_template(&current, None, web).unwrap_err();
        assert_eq!(clash.get("service_type"), Some(&"form-taken"));
        let default = with_template(&current, None, ChecklistTemplate::default_template());
        assert_eq!(
            default.unwrap_err().get("service_type"),
            Some(&"form-template-default-taken")
        );
    }
}
