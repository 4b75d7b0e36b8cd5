//! The offboarding checklist, generated from a template (templates are
//! settings, per service type; the default one is departure.md §3.4 as
//! data). Items are required or optional, done or waived with a reason, with
//! a link and a note. Credential handovers record which account went to
//! whom, how and when — never the secret.

use crate::departure::{CaseError, FieldProblem, OpenItem};
use crate::text::{Check, ItemId, Label, Link, Text};
use crate::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The channel recorded when none is given for a credential handover.
pub const DEFAULT_HANDOVER_CHANNEL: &str = "password manager";

/// The default channel in Spanish (what the Spanish form offers); stored as
/// [`DEFAULT_HANDOVER_CHANNEL`] so each reader sees it in their language.
const DEFAULT_HANDOVER_CHANNEL_ES: &str = "gestor de contraseñas";

/// The default handover channel in a language.
pub fn default_handover_channel(lang: Lang) -> &'static str {
    lang.pick(DEFAULT_HANDOVER_CHANNEL, DEFAULT_HANDOVER_CHANNEL_ES)
}

/// The key of the done item that records a credential handover.
pub const HANDOVER_ITEM_KEY: &str = "credential_handover";

/// An item's label in both languages, copied from its template when the
/// checklist is made, so a case reads in the language of whoever reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLabels {
    /// The English label.
    pub en: Label,
    /// The Spanish label.
    pub es: Label,
}

impl ItemLabels {
    /// The label in a language.
    pub fn get(&self, lang: Lang) -> &Label {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// The built-in labels of a default item, when `key` is one and `label` is
/// one of its two default labels (cases stored before labels were kept in
/// both languages).
fn default_labels_of(key: &str, label: &str) -> Option<(&'static str, &'static str)> {
    DEFAULT_ITEMS
        .iter()
        .find(|(k, en, es, _)| *k == key && (label == *en || label == *es))
        .map(|&(_, en, es, _)| (en, es))
}

/// One item of a checklist template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateItem {
    /// A stable key for the item (`final_report`).
    pub key: String,
    /// The English label.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub label_en: Label,
    /// The Spanish label.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub label_es: Label,
    /// True when the case cannot close while the item is open.
    pub required: bool,
}

/// A checklist template for one service type (or the default one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistTemplate {
    /// The template's name.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: Label,
    /// The service type it is for; `None` for the default template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub service_type: Option<Label>,
    /// The items, in order.
    pub items: Vec<TemplateItem>,
}

/// The key of the template item that a recorded credential handover ticks.
pub const CREDENTIALS_ITEM_KEY: &str = "credentials_handed_over";

/// The default items of departure.md §3.4: key, English, Spanish, required.
const DEFAULT_ITEMS: &[(&str, &str, &str, bool)] = &[
    ("end_date_agreed", "End date agreed and recorded", "Fecha de fin acordada y registrada", true),
    ("invoices_settled", "Every pending invoice settled before the end date", "Todas las facturas pendientes saldadas antes de la fecha de fin", true),
    ("deliverables_handed_over", "Deliverables handed over (editable documents, images, programs, report history, anything the contract names)", "Entregables traspasados (documentos editables, imágenes, programas, historial de informes, todo lo que nombre el contrato)", true),
    ("final_report", "Final report: what was delivered, with the numbers achieved", "Informe final: lo entregado, con los números alcanzados", true),
    ("credentials_handed_over", "Credentials handed over through a password manager or another safe channel", "Credenciales traspasadas mediante un gestor de contraseñas u otro canal seguro", true),
    ("new_admins_assigned", "New administrators assigned on the client's platforms", "Nuevos administradores asignados en las plataformas del cliente", true),
    ("client_confirmed", "Client confirmed that everything works and changed the passwords", "El cliente confirmó que todo funciona y cambió las contraseñas", true),
    ("access_revoked", "Our own access revoked, account by account", "Nuestros accesos revocados, cuenta por cuenta", true),
];

/// The name of the built-in default template.
pub const DEFAULT_TEMPLATE_NAME: &str = "Default offboarding";

/// A template's name in a language: the built-in default's name
/// translated, any other as the team wrote it.
pub fn template_name_in(name: &str, lang: Lang) -> String {
    if name == DEFAULT_TEMPLATE_NAME {
        lang.pick(DEFAULT_TEMPLATE_NAME, "Traspaso por defecto")
            .to_string()
    } else {
        name.to_string()
    }
}

impl ChecklistTemplate {
    /// The default template of departure.md §3.4.
    pub fn default_template() -> Self {
        let label = |t: &str| Label::parse("label", t).expect("default labels are valid");
        ChecklistTemplate {
            name: label(DEFAULT_TEMPLATE_NAME),
            service_type: None,
            items: DEFAULT_ITEMS
                .iter()
                .map(|&(key, en, es, required)| TemplateItem {
                    key: key.to_string(),
                    label_en: label(en),
                    label_es: label(es),
                    required,
                })
                .collect(),
        }
    }
}

/// The workspace's checklist templates: one per service type, and a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistTemplates {
    templates: Vec<ChecklistTemplate>,
}

impl Default for ChecklistTemplates {
    fn default() -> Self {
        ChecklistTemplates {
            templates: vec![ChecklistTemplate::default_template()],
        }
    }
}

impl ChecklistTemplates {
    /// A set from templates; at most one per service type (the later wins).
    pub fn new(templates: Vec<ChecklistTemplate>) -> Self {
        let mut kept: Vec<ChecklistTemplate> = Vec::new();
        for t in templates {
            let same = |k: &ChecklistTemplate| same_service(&k.service_type, &t.service_type);
            kept.retain(|k| !same(k));
            kept.push(t);
        }
        ChecklistTemplates { templates: kept }
    }

    /// Every template.
    pub fn all(&self) -> &[ChecklistTemplate] {
        &self.templates
    }

    /// The template for a service type (compared ignoring case), else the
    /// workspace's default, else the built-in default.
    pub fn for_service_type(&self, service_type: Option<&str>) -> ChecklistTemplate {
        let wanted = service_type.map(str::trim).filter(|s| !s.is_empty());
        let exact = wanted.and_then(|w| {
            self.templates.iter().find(|t| {
                t.service_type
                    .as_ref()
                    .is_some_and(|s| s.as_str().eq_ignore_ascii_case(w))
            })
        });
        exact
            .or_else(|| self.templates.iter().find(|t| t.service_type.is_none()))
            .cloned()
            .unwrap_or_else(ChecklistTemplate::default_template)
    }
}

fn same_service(a: &Option<Label>, b: &Option<Label>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.as_str().eq_ignore_ascii_case(b.as_str()),
        _ => false,
    }
}

/// A handover of one account's credentials. There is deliberately no field
/// for the secret itself: churnwise records *which* account went to whom,
/// through which channel and when, so that a leaked database, backup, export
/// or log never holds a password; the secret travels only through the safe
/// channel (a password manager by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialHandover {
    account: Label,
    recipient: Label,
    channel: Label,
    handed_over_on: NaiveDate,
}

/// A credential handover as raw input (there is no field for a secret).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CredentialHandoverInput {
    /// The account handed over (`Google Ads admin`).
    pub account: Option<String>,
    /// Who received it.
    pub recipient: Option<String>,
    /// Through which channel; "password manager" when absent.
    pub channel: Option<String>,
    /// When.
    pub handed_over_on: Option<NaiveDate>,
}

impl CredentialHandover {
    /// Checks the input; the channel defaults to [`DEFAULT_HANDOVER_CHANNEL`].
    /// Unknown fields such as `password` are refused when deserialising.
    pub fn parse(input: CredentialHandoverInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let account = check.label("account", input.account.as_deref());
        let recipient = check.label("recipient", input.recipient.as_deref());
        let default_channel = || Label::parse("channel", DEFAULT_HANDOVER_CHANNEL).expect("valid");
        let channel = check
            .opt_label("channel", input.channel.as_deref())
            .map(|c| {
                // The default channel, typed or prefilled in either language,
                // is kept as one value that each reader sees in their own.
                let is_default = [DEFAULT_HANDOVER_CHANNEL, DEFAULT_HANDOVER_CHANNEL_ES]
                    .iter()
                    .any(|d| c.as_str().to_lowercase() == *d);
                if is_default {
                    default_channel()
                } else {
                    c
                }
            })
            .unwrap_or_else(default_channel);
        let on = check.required("handed_over_on", input.handed_over_on);
        check.finish()?;
        Ok(CredentialHandover {
            account: account.expect("checked"),
            recipient: recipient.expect("checked"),
            channel,
            handed_over_on: on.expect("checked"),
        })
    }

    /// The account handed over.
    pub fn account(&self) -> &Label {
        &self.account
    }
    /// Who received it.
    pub fn recipient(&self) -> &Label {
        &self.recipient
    }
    /// Through which channel.
    pub fn channel(&self) -> &Label {
        &self.channel
    }
    /// The channel in a language: the default one translated, any other as typed.
    pub fn channel_in(&self, lang: Lang) -> String {
        if self.channel.as_str() == DEFAULT_HANDOVER_CHANNEL {
            default_handover_channel(lang).to_string()
        } else {
            self.channel.to_string()
        }
    }
    /// When.
    pub fn handed_over_on(&self) -> NaiveDate {
        self.handed_over_on
    }
}

/// Where a checklist item stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ItemStatus {
    /// Still to do.
    #[default]
    Open,
    /// Done on a day.
    Done {
        /// The day it was done.
        done_on: NaiveDate,
    },
    /// Not needed, for a reason.
    Waived {
        /// Why it is not needed.
        waiver_reason: Text,
    },
}

impl ItemStatus {
    /// True when neither done nor waived.
    pub fn is_open(&self) -> bool {
        matches!(self, ItemStatus::Open)
    }
}

/// One item of a case's offboarding checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    id: ItemId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    label: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    labels: Option<ItemLabels>,
    required: bool,
    #[serde(flatten)]
    status: ItemStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<Link>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    handover: Option<CredentialHandover>,
}

impl ChecklistItem {
    /// The item's number in the case.
    pub fn id(&self) -> ItemId {
        self.id
    }
    /// The template key it came from, if any.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
    /// The label as the item was made (in the language of whoever made
    /// the checklist, or as a user typed it).
    pub fn label(&self) -> &Label {
        &self.label
    }
    /// The label in the reader's language: a template item's label in
    /// `lang`, a handover item's words in `lang`; an item a user typed stays
    /// as typed.
    pub fn label_in(&self, lang: Lang) -> String {
        if let Some(labels) = &self.labels {
            return labels.get(lang).to_string();
        }
        if let (Some(HANDOVER_ITEM_KEY), Some(h)) = (self.key.as_deref(), &self.handover) {
            return handover_label(lang, h.account());
        }
        match self
            .key
            .as_deref()
            .and_then(|k| default_labels_of(k, self.label.as_str()))
        {
            Some((en, es)) => lang.pick(en, es).to_string(),
            None => self.label.to_string(),
        }
    }
    /// True when the case cannot close while it is open.
    pub fn required(&self) -> bool {
        self.required
    }
    /// Where it stands.
    pub fn status(&self) -> &ItemStatus {
        &self.status
    }
    /// A link, e.g. to a handed-over deliverable.
    pub fn link(&self) -> Option<&Link> {
        self.link.as_ref()
    }
    /// A note.
    pub fn note(&self) -> Option<&Text> {
        self.note.as_ref()
    }
    /// The credential handover it records, if it is one.
    pub fn handover(&self) -> Option<&CredentialHandover> {
        self.handover.as_ref()
    }
}

/// A new checklist item (a deliverable, an account to revoke...), as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewChecklistItemInput {
    /// The label.
    pub label: Option<String>,
    /// Required for closing (default true).
    pub required: Option<bool>,
    /// A link.
    pub link: Option<String>,
    /// A note.
    pub note: Option<String>,
}

/// A validated new checklist item, before it gets its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChecklistItem {
    label: Label,
    required: bool,
    link: Option<Link>,
    note: Option<Text>,
}

impl NewChecklistItem {
    /// Checks the input; only the label is required.
    pub fn parse(input: NewChecklistItemInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let label = check.label("label", input.label.as_deref());
        let link = check.opt_link("link", input.link.as_deref());
        let note = check.opt_text("note", input.note.as_deref());
        check.finish()?;
        Ok(NewChecklistItem {
            label: label.expect("checked"),
            required: input.required.unwrap_or(true),
            link,
            note,
        })
    }
}

/// A change to an item's link and note, as raw input (blank clears).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ItemDetailsInput {
    /// The new link; blank clears it, absent keeps it.
    pub link: Option<String>,
    /// The new note; blank clears it, absent keeps it.
    pub note: Option<String>,
}

/// A case's offboarding checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    /// The name of the template it came from.
    template: String,
    items: Vec<ChecklistItem>,
}

impl Checklist {
    /// The checklist generated from a template, labelled in `lang`.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "`i` indexes a template's items, edited by hand in the settings; 2^32 of them \
                  (three strings each) would need over 300 GiB in memory, so `i + 1` fits ItemId's u32"
    )]
    pub fn from_template(template: &ChecklistTemplate, lang: Lang) -> Self {
        Checklist {
            template: template.name.to_string(),
            items: template
                .items
                .iter()
                .enumerate()
                .map(|(i, t)| ChecklistItem {
                    id: ItemId(i as u32 + 1),
                    key: Some(t.key.clone()),
                    label: match lang {
                        Lang::En => t.label_en.clone(),
                        Lang::Es => t.label_es.clone(),
                    },
                    labels: Some(ItemLabels {
                        en: t.label_en.clone(),
                        es: t.label_es.clone(),
                    }),
                    required: t.required,
                    status: ItemStatus::Open,
                    link: None,
                    note: None,
                    handover: None,
                })
                .collect(),
        }
    }

    /// The template's name.
    pub fn template(&self) -> &str {
        &self.template
    }
    /// The items in order.
    pub fn items(&self) -> &[ChecklistItem] {
        &self.items
    }
    /// The item with this number.
    pub fn item(&self, id: ItemId) -> Option<&ChecklistItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The required items still open.
    pub fn open_required(&self) -> Vec<OpenItem> {
        self.items
            .iter()
            .filter(|i| i.required && i.status.is_open())
            .map(|i| OpenItem {
                id: i.id,
                label: i.label_in(Lang::En),
                label_es: i.label_in(Lang::Es),
            })
            .collect()
    }

    /// The checklist with a new item at the end, and its number.
    pub fn with_item(&self, item: NewChecklistItem) -> (Self, ItemId) {
        let id = self.next_id();
        let mut next = self.clone();
        next.items.push(ChecklistItem {
            id,
            key: None,
            label: item.label,
            labels: None,
            required: item.required,
            status: ItemStatus::Open,
            link: item.link,
            note: item.note,
            handover: None,
        });
        (next, id)
    }

    /// The checklist with a credential handover recorded: the open
    /// "credentials handed over" item of the template (found by its key, in
    /// any language) is ticked done with the handover attached; when there is
    /// none open (already ticked by an earlier handover, or no such item), a
    /// done item recording the handover is added.
    pub fn with_handover(&self, handover: CredentialHandover) -> (Self, ItemId) {
        if let Some(open) = self.items.iter().position(|i| {
            i.key.as_deref() == Some(CREDENTIALS_ITEM_KEY)
                && i.status == ItemStatus::Open
                && i.handover.is_none()
        }) {
            let mut next = self.clone();
            let item = &mut next.items[open];
            item.status = ItemStatus::Done {
                done_on: handover.handed_over_on,
            };
            item.handover = Some(handover);
            let id = item.id;
            return (next, id);
        }
        let id = self.next_id();
        let label = |lang| {
            Label::parse("label", &handover_label(lang, &handover.account))
                .unwrap_or_else(|_| handover.account.clone())
        };
        let mut next = self.clone();
        next.items.push(ChecklistItem {
            id,
            key: Some(HANDOVER_ITEM_KEY.into()),
            label: label(Lang::En),
            labels: Some(ItemLabels {
                en: label(Lang::En),
                es: label(Lang::Es),
            }),
            required: true,
            status: ItemStatus::Done {
                done_on: handover.handed_over_on,
            },
            link: None,
            note: None,
            handover: Some(handover),
        });
        (next, id)
    }

    /// The checklist with an item marked done on `on`.
    pub fn with_done(&self, id: ItemId, on: NaiveDate) -> Result<Self, CaseError> {
        self.with_status(id, ItemStatus::Done { done_on: on })
    }

    /// The checklist with an item waived; the reason is mandatory.
    pub fn with_waived(&self, id: ItemId, reason: &str) -> Result<Self, CaseError> {
        self.find(id)?;
        let reason =
            Text::parse("waiver_reason", reason).map_err(|_| CaseError::WaiverNeedsReason {
                field: "waiver_reason".into(),
            })?;
        self.with_status(
            id,
            ItemStatus::Waived {
                waiver_reason: reason,
            },
        )
    }

    /// The checklist with an item open again.
    pub fn with_reopened(&self, id: ItemId) -> Result<Self, CaseError> {
        self.with_status(id, ItemStatus::Open)
    }

    /// The checklist with an item's link and note changed.
    pub fn with_details(&self, id: ItemId, input: ItemDetailsInput) -> Result<Self, CaseError> {
        self.find(id)?;
        let mut check = Check::default();
        let link = input.link.map(|l| check.opt_link("link", Some(&l)));
        let note = input.note.map(|n| check.opt_text("note", Some(&n)));
        check.finish()?;
        let mut next = self.clone();
        let item = next.find_mut(id)?;
        if let Some(link) = link {
            item.link = link;
        }
        if let Some(note) = note {
            item.note = note;
        }
        Ok(next)
    }

    fn with_status(&self, id: ItemId, status: ItemStatus) -> Result<Self, CaseError> {
        let mut next = self.clone();
        next.find_mut(id)?.status = status;
        Ok(next)
    }

    fn next_id(&self) -> ItemId {
        ItemId::next_after(self.items.iter().map(|i| i.id))
    }

    fn find(&self, id: ItemId) -> Result<&ChecklistItem, CaseError> {
        self.item(id).ok_or(CaseError::UnknownItem {
            what: "checklist item",
            id,
        })
    }

    fn find_mut(&mut self, id: ItemId) -> Result<&mut ChecklistItem, CaseError> {
        self.items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or(CaseError::UnknownItem {
                what: "checklist item",
                id,
            })
    }
}

/// The label of the done item that records a handover of `account`.
fn handover_label(lang: Lang, account: &Label) -> String {
    match lang {
        Lang::En => format!("Credentials handed over: {account}"),
        Lang::Es => format!("Credenciales traspasadas: {account}"),
    }
}

/// Checks a service type label for a template (helper for settings forms).
pub fn parse_service_type(text: &str) -> Result<Label, FieldProblem> {
    Label::parse("service_type", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    fn default_checklist() -> Checklist {
        Checklist::from_template(&ChecklistTemplate::default_template(), Lang::En)
    }

    #[test]
    fn the_default_template_has_the_eight_required_items_of_the_spec() {
        let checklist = default_checklist();
        assert_eq!(checklist.items().len(), 8);
        assert_eq!(checklist.open_required().len(), 8);
        assert_eq!(checklist.items()[3].key(), Some("final_report"));
        let es = Checklist::from_template(&ChecklistTemplate::default_template(), Lang::Es);
        assert!(es.items()[0].label().as_str().starts_with("Fecha de fin"));
    }

    #[test]
    fn a_template_is_chosen_by_service_type_with_the_default_as_fallback() {
        let seo = ChecklistTemplate {
            name: Label::parse("name", "SEO offboarding").unwrap(),
            service_type: Some(Label::parse("service_type", "SEO").unwrap()),
            items: vec![],
        };
        let set = ChecklistTemplates::new(vec![ChecklistTemplate::default_template(), seo]);
        assert_eq!(
            set.for_service_type(Some("seo")).name.as_str(),
            "SEO offboarding"
        );
        assert_eq!(
            set.for_service_type(Some("Design")).name.as_str(),
            "Default offboarding"
        );
        assert_eq!(
            ChecklistTemplates::new(vec![])
                .for_service_type(None)
                .items
                .len(),
            8
        );
    }

    #[test]
    fn waiving_needs_a_reason() {
        let checklist = default_checklist();
        let err = checklist.with_waived(ItemId(2), "   ").unwrap_err();
        assert_eq!(err.code(), "waiver_needs_reason");
        assert_eq!(err.fields(), vec!["waiver_reason"]);
        let waived = checklist
            .with_waived(ItemId(2), "Nothing was ever invoiced")
            .unwrap();
        assert_eq!(waived.open_required().len(), 7);
    }

    #[test]
    fn done_and_reopened_items_count_as_expected() {
        let checklist = default_checklist()
            .with_done(ItemId(1), day("2024-03-10"))
            .unwrap();
        assert_eq!(checklist.open_required().len(), 7);
        let checklist = checklist.with_reopened(ItemId(1)).unwrap();
        assert_eq!(checklist.open_required().len(), 8);
        assert_eq!(
            checklist
                .with_done(ItemId(99), day("2024-03-10"))
                .unwrap_err()
                .code(),
            "unknown_item"
        );
    }

    #[test]
    fn an_optional_item_does_not_block() {
        let item = NewChecklistItem::parse(NewChecklistItemInput {
            label: Some("Thank-you card".into()),
            required: Some(false),
            ..Default::default()
        })
        .unwrap();
        let (checklist, id) = default_checklist().with_item(item);
        assert_eq!(id, ItemId(9));
        assert_eq!(checklist.open_required().len(), 8);
    }

    #[test]
    fn a_deliverable_item_keeps_its_link_and_note() {
        let item = NewChecklistItem::parse(NewChecklistItemInput {
            label: Some("Brand guidelines (editable)".into()),
            link: Some("https://drive.example.com/brand".into()),
            note: Some("Figma and PDF".into()),
            ..Default::default()
        })
        .unwrap();
        let (checklist, id) = default_checklist().with_item(item);
        let item = checklist.item(id).unwrap();
        assert_eq!(
            item.link().unwrap().as_str(),
            "https://drive.example.com/brand"
        );
        assert!(item.required());
        let cleared = checklist
            .with_details(
                id,
                ItemDetailsInput {
                    link: Some("".into()),
                    note: None,
                },
            )
            .unwrap();
        assert!(cleared.item(id).unwrap().link().is_none());
        assert!(cleared.item(id).unwrap().note().is_some());
        let bad = NewChecklistItem::parse(NewChecklistItemInput {
            label: Some("x".into()),
            link: Some("javascript:alert(1)".into()),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().fields(), vec!["link"]);
    }

    #[test]
    fn a_credential_handover_defaults_to_a_password_manager_and_is_recorded_done() {
        let handover = CredentialHandover::parse(CredentialHandoverInput {
            account: Some("Google Ads admin".into()),
            recipient: Some("Marta (client CTO)".into()),
            channel: None,
            handed_over_on: Some(day("2024-03-20")),
        })
        .unwrap();
        assert_eq!(handover.channel().as_str(), "password manager");
        let (checklist, id) = default_checklist().with_handover(handover);
        let item = checklist.item(id).unwrap();
        assert!(!item.status().is_open());
        assert_eq!(
            item.handover().unwrap().account().as_str(),
            "Google Ads admin"
        );
    }

    #[test]
    fn a_credential_handover_ticks_the_required_credentials_item_instead_of_adding_one() {
        let handover = |account: &str| {
            CredentialHandover::parse(CredentialHandoverInput {
                account: Some(account.into()),
                recipient: Some("Marta".into()),
                channel: None,
                handed_over_on: Some(day("2024-03-20")),
            })
            .unwrap()
        };
        let before = default_checklist();
        let (checklist, id) = before.with_handover(handover("Google Ads admin"));
        assert_eq!(checklist.items().len(), before.items().len());
        let item = checklist.item(id).unwrap();
        assert_eq!(item.key(), Some(CREDENTIALS_ITEM_KEY));
        assert!(item.required());
        assert_eq!(
            item.status(),
            &ItemStatus::Done {
                done_on: day("2024-03-20")
            }
        );
        assert_eq!(
            item.handover().unwrap().account().as_str(),
            "Google Ads admin"
        );
        // A second account gets its own done item.
        let (checklist, second) = checklist.with_handover(handover("Analytics"));
        assert_ne!(second, id);
        assert_eq!(checklist.items().len(), before.items().len() + 1);
        assert!(!checklist.item(second).unwrap().status().is_open());
    }

    #[test]
    fn a_credential_handover_has_no_field_for_a_secret() {
        let json = r#"{"account":"Ads","recipient":"Marta","handed_over_on":"2024-03-20","password":"hunter2"}"#;
        assert!(serde_json::from_str::<CredentialHandoverInput>(json).is_err());
        let err = CredentialHandover::parse(CredentialHandoverInput::default()).unwrap_err();
        assert_eq!(err.fields(), vec!["account", "recipient", "handed_over_on"]);
    }

    #[test]
    fn a_template_item_reads_in_the_readers_language_and_a_typed_one_as_typed() {
        let es = Checklist::from_template(&ChecklistTemplate::default_template(), Lang::Es);
        let first = &es.items()[0];
        assert_eq!(first.label_in(Lang::En), "End date agreed and recorded");
        assert_eq!(
            first.label_in(Lang::Es),
            "Fecha de fin acordada y registrada"
        );
        let item = NewChecklistItem::parse(NewChecklistItemInput {
            label: Some("Exportar informes".into()),
            ..Default::default()
        })
        .unwrap();
        let (es, id) = es.with_item(item);
        assert_eq!(es.item(id).unwrap().label_in(Lang::En), "Exportar informes");
        let blockers = es.open_required();
        assert_eq!(
            blockers[0].label_in(Lang::Es),
            "Fecha de fin acordada y registrada"
        );
        assert_eq!(
            blockers[0].label_in(Lang::En),
            "End date agreed and recorded"
        );
    }

    #[test]
    fn a_checklist_stored_before_labels_were_kept_in_both_languages_still_translates() {
        let stored = r#"{"template":"Default offboarding","items":[
            {"id":1,"key":"end_date_agreed","label":"End date agreed and recorded","required":true,"status":"open"},
            {"id":2,"key":"final_report","label":"Our own wording","required":true,"status":"open"},
            {"id":3,"key":"credential_handover","label":"Credentials handed over: Ads","required":true,
             "status":"done","done_on":"2024-03-20",
             "handover":{"account":"Ads","recipient":"Marta","channel":"password manager","handed_over_on":"2024-03-20"}}]}"#;
        let checklist: Checklist = serde_json::from_str(stored).unwrap();
        let items = checklist.items();
        assert_eq!(
            items[0].label_in(Lang::Es),
            "Fecha de fin acordada y registrada"
        );
        assert_eq!(items[1].label_in(Lang::Es), "Our own wording");
        assert_eq!(items[2].label_in(Lang::Es), "Credenciales traspasadas: Ads");
        let handover = items[2].handover().unwrap();
        assert_eq!(handover.channel_in(Lang::Es), "gestor de contraseñas");
    }

    #[test]
    fn the_default_channel_typed_in_spanish_is_kept_as_the_default() {
        let handover = CredentialHandover::parse(CredentialHandoverInput {
            account: Some("Ads".into()),
            recipient: Some("Marta".into()),
            channel: Some("Gestor de contraseñas".into()),
            handed_over_on: Some(day("2024-03-20")),
        })
        .unwrap();
        assert_eq!(handover.channel().as_str(), DEFAULT_HANDOVER_CHANNEL);
        assert_eq!(handover.channel_in(Lang::En), "password manager");
    }

    #[test]
    fn a_checklist_item_serialises_its_status_flat() {
        let checklist = default_checklist()
            .with_waived(ItemId(2), "No invoices")
            .unwrap();
        let json = serde_json::to_value(&checklist).unwrap();
        assert_eq!(json["items"][1]["status"], "waived");
        assert_eq!(json["items"][1]["waiver_reason"], "No invoices");
        assert_eq!(json["items"][0]["status"], "open");
        let back: Checklist = serde_json::from_value(json).unwrap();
        assert_eq!(back, checklist);
    }
}
