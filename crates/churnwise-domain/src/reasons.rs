//! The workspace's list of departure reasons: the default list of
//! departure.md §3.2 (plus the team's own reasons for ending a relationship),
//! each with a stable key, English and Spanish labels, a flag for reasons
//! about the quality of the work, and a suggested retention playbook.
//! Reasons are added, renamed and retired, never deleted, so history stays
//! readable.

use crate::departure::{CaseError, DepartureKind, FieldProblem};
use crate::retention::OfferKind;
use crate::text::{Check, Label};
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest reason key, in characters.
pub const REASON_KEY_MAX_CHARS: usize = 48;

/// The stable key of a reason (`price_too_high`): lower-case ASCII letters,
/// digits and `_`, starting with a letter. Labels may change; keys never do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReasonKey(String);

impl ReasonKey {
    /// Checks a key; `field` names it in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldProblem> {
        let t = text.trim();
        if t.is_empty() {
            return Err(FieldProblem::missing(field));
        }
        let ok = t.len() <= REASON_KEY_MAX_CHARS
            && t.starts_with(|c: char| c.is_ascii_lowercase())
            && t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !ok {
            return Err(FieldProblem::invalid(
                field,
                "must be lower-case letters, digits and _, starting with a letter, at most 48 characters",
            ));
        }
        Ok(ReasonKey(t.to_string()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReasonKey {
    type Error = CaseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ReasonKey::parse("key", &value).map_err(CaseError::from)
    }
}

impl From<ReasonKey> for String {
    fn from(value: ReasonKey) -> String {
        value.0
    }
}

impl fmt::Display for ReasonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which kind of departure a reason can be chosen for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonScope {
    /// A reason a client gives for leaving.
    #[default]
    ClientLeaving,
    /// A reason the team has for ending the relationship.
    TeamEnding,
    /// Either.
    Both,
}

impl ReasonScope {
    /// True when a reason of this scope can be chosen for `kind`.
    pub fn applies_to(self, kind: DepartureKind) -> bool {
        matches!(
            (self, kind),
            (ReasonScope::Both, _)
                | (ReasonScope::ClientLeaving, DepartureKind::ClientLeaving)
                | (ReasonScope::TeamEnding, DepartureKind::TeamEnding)
        )
    }
}

/// A suggested retention playbook for a reason: an offer kind and actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playbook {
    /// The offer to suggest, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferKind>,
    /// Suggested actions, in words (English, or as the team typed them).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub actions: Vec<Label>,
    /// The same actions in Spanish, one for one (optional: an action
    /// without one reads as in `actions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub actions_es: Vec<Label>,
}

impl Playbook {
    /// Each suggested action in English and in Spanish: the Spanish given
    /// with it, else the built-in Spanish of a default action, else as written.
    pub fn action_pairs(&self) -> Vec<(Label, Label)> {
        self.actions
            .iter()
            .enumerate()
            .map(|(i, en)| {
                let es = self.actions_es.get(i).cloned().unwrap_or_else(|| {
                    default_action_es(en.as_str())
                        .and_then(|es| Label::parse("action", es).ok())
                        .unwrap_or_else(|| en.clone())
                });
                (en.clone(), es)
            })
            .collect()
    }

    /// The suggested actions in a language.
    pub fn actions_in(&self, lang: Lang) -> Vec<String> {
        self.action_pairs()
            .into_iter()
            .map(|(en, es)| match lang {
                Lang::En => en.to_string(),
                Lang::Es => es.to_string(),
            })
            .collect()
    }
}

/// The Spanish of a default playbook action given in English, if it is one.
pub fn default_action_es(en: &str) -> Option<&'static str> {
    DEFAULT_REASONS
        .iter()
        .flat_map(|r| r.6.iter())
        .find(|(e, _)| *e == en)
        .map(|(_, es)| *es)
}

/// A reason a client leaves (or the team ends the relationship).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitReason {
    key: ReasonKey,
    label_en: Label,
    label_es: Label,
    #[serde(default)]
    about_quality_of_work: bool,
    #[serde(default)]
    applies_to: ReasonScope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    playbook: Option<Playbook>,
    #[serde(default)]
    retired: bool,
}

impl ExitReason {
    /// The stable key.
    pub fn key(&self) -> &ReasonKey {
        &self.key
    }
    /// The English label.
    pub fn label_en(&self) -> &Label {
        &self.label_en
    }
    /// The Spanish label.
    pub fn label_es(&self) -> &Label {
        &self.label_es
    }
    /// The label in a language.
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(self.label_en.as_str(), self.label_es.as_str())
    }
    /// True when the reason is about the quality of the work (then no
    /// testimonial is asked for).
    pub fn about_quality_of_work(&self) -> bool {
        self.about_quality_of_work
    }
    /// Which kind of departure it can be chosen for.
    pub fn applies_to(&self) -> ReasonScope {
        self.applies_to
    }
    /// The suggested retention playbook.
    pub fn playbook(&self) -> Option<&Playbook> {
        self.playbook.as_ref()
    }
    /// True when retired: still readable, no longer choosable.
    pub fn retired(&self) -> bool {
        self.retired
    }
}

/// A new reason to add to a list, as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewReasonInput {
    /// The stable key.
    pub key: Option<String>,
    /// The English label.
    pub label_en: Option<String>,
    /// The Spanish label.
    pub label_es: Option<String>,
    /// Is it about the quality of the work?
    pub about_quality_of_work: bool,
    /// Which kind of departure it applies to (client leaving by default).
    pub applies_to: ReasonScope,
    /// A suggested playbook.
    pub playbook: Option<Playbook>,
}

/// The workspace's reasons, in display order, retired ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonList {
    reasons: Vec<ExitReason>,
}

/// One default reason as data: key, English, Spanish, about quality, scope,
/// suggested offer, suggested actions (English, Spanish).
type DefaultReason = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    ReasonScope,
    Option<OfferKind>,
    &'static [(&'static str, &'static str)],
);

/// The default reasons of departure.md §3.2, then the team's own reasons for
/// ending a relationship (the warning signs of §2).
const DEFAULT_REASONS: &[DefaultReason] = &[
    (
        "poor_service",
        "Poor service or attention",
        "Mal servicio o mala atención",
        true,
        ReasonScope::ClientLeaving,
        Some(OfferKind::SeniorCall),
        &[(
            "Call with a senior person to hear the complaints",
            "Llamada con una persona sénior para escuchar las quejas",
        )],
    ),
    (
        "work_quality",
        "Quality of the work or product",
        "Calidad del trabajo o del producto",
        true,
        ReasonScope::ClientLeaving,
        Some(OfferKind::SeniorCall),
        &[(
            "Review the work with the client and agree on corrections",
            "Revisar el trabajo con el cliente y acordar correcciones",
        )],
    ),
    (
        "price_too_high",
        "Price too high for the value",
        "Precio demasiado alto para el valor",
        false,
        ReasonScope::ClientLeaving,
        Some(OfferKind::RightSize),
        &[(
            "Right-size the scope or plan to what the client uses",
            "Ajustar el alcance o el plan a lo que el cliente usa",
        )],
    ),
    (
        "cheaper_competitor",
        "Cheaper competitor",
        "Competidor más barato",
        false,
        ReasonScope::ClientLeaving,
        Some(OfferKind::RightSize),
        &[(
            "Show what we do that the competitor does not",
            "Mostrar lo que hacemos y la competencia no",
        )],
    ),
    (
        "needs_changed",
        "Needs changed / no longer needed",
        "Cambiaron sus necesidades / ya no lo necesita",
        false,
        ReasonScope::ClientLeaving,
        Some(OfferKind::Pause),
        &[(
            "Offer to pause the service until it is needed again",
            "Ofrecer pausar el servicio hasta que vuelva a necesitarse",
        )],
    ),
    (
        "budget_cut",
        "Budget cut",
        "Recorte de presupuesto",
        false,
        ReasonScope::ClientLeaving,
        Some(OfferKind::Pause),
        &[],
    ),
    (
        "values_mismatch",
        "Values do not match",
        "Los valores no coinciden",
        false,
        ReasonScope::Both,
        None,
        &[],
    ),
    (
        "no_results",
        "Did not get results / did not use the service fully",
        "No obtuvo resultados / no aprovechó el servicio",
        false,
        ReasonScope::ClientLeaving,
        Some(OfferKind::ExtraServiceOrTraining),
        &[
            (
                "Usage review with the client",
                "Revisión del uso con el cliente",
            ),
            (
                "Training session for the client's team",
                "Sesión de formación para el equipo del cliente",
            ),
        ],
    ),
    (
        "other",
        "Other",
        "Otro",
        false,
        ReasonScope::Both,
        None,
        &[],
    ),
    (
        "wants_unoffered_services",
        "Wants services we do not offer",
        "Quiere servicios que no ofrecemos",
        false,
        ReasonScope::TeamEnding,
        None,
        &[],
    ),
    (
        "does_not_value_expertise",
        "Does not value our expertise",
        "No valora nuestra experiencia",
        false,
        ReasonScope::TeamEnding,
        None,
        &[],
    ),
    (
        "scope_creep",
        "We say yes to everything (scope creep)",
        "Decimos que sí a todo (el alcance crece sin control)",
        false,
        ReasonScope::TeamEnding,
        None,
        &[],
    ),
    (
        "treats_team_badly",
        "Treats the team badly",
        "Trata mal al equipo",
        false,
        ReasonScope::TeamEnding,
        None,
        &[],
    ),
];

impl Default for ReasonList {
    fn default() -> Self {
        Self::default_list()
    }
}

impl ReasonList {
    /// The default list (departure.md §3.2, plus reasons for ending a
    /// relationship from the warning signs of §2).
    pub fn default_list() -> Self {
        let label = |t: &str| Label::parse("label", t).expect("default labels are valid");
        let reasons = DEFAULT_REASONS
            .iter()
            .map(
                |&(key, en, es, quality, scope, offer, actions)| ExitReason {
                    key: ReasonKey::parse("key", key).expect("default keys are valid"),
                    label_en: label(en),
                    label_es: label(es),
                    about_quality_of_work: quality,
                    applies_to: scope,
                    playbook: (offer.is_some() || !actions.is_empty()).then(|| Playbook {
                        offer,
                        actions: actions.iter().map(|a| label(a.0)).collect(),
                        actions_es: actions.iter().map(|a| label(a.1)).collect(),
                    }),
                    retired: false,
                },
            )
            .collect();
        ReasonList { reasons }
    }

    /// Every reason, retired ones included, in display order.
    pub fn all(&self) -> &[ExitReason] {
        &self.reasons
    }

    /// The reasons that can be chosen for a new conversation of `kind`.
    pub fn choosable(&self, kind: DepartureKind) -> impl Iterator<Item = &ExitReason> {
        self.reasons
            .iter()
            .filter(move |r| !r.retired && r.applies_to.applies_to(kind))
    }

    /// The reason with this key, retired or not.
    pub fn get(&self, key: &ReasonKey) -> Option<&ExitReason> {
        self.reasons.iter().find(|r| &r.key == key)
    }

    /// The label of a key in a language; the key itself when unknown.
    pub fn label_of<'a>(&'a self, key: &'a ReasonKey, lang: Lang) -> &'a str {
        self.get(key).map_or(key.as_str(), |r| r.label(lang))
    }

    /// The reason, if it can be chosen now for a departure of `kind`;
    /// `field` names the input in the error.
    pub fn choose(
        &self,
        field: &str,
        key: &ReasonKey,
        kind: DepartureKind,
    ) -> Result<&ExitReason, CaseError> {
        let reason = self.get(key).ok_or_else(|| CaseError::UnknownReason {
            field: field.to_string(),
            key: key.to_string(),
        })?;
        if reason.retired {
            return Err(CaseError::RetiredReason {
                field: field.to_string(),
                key: key.to_string(),
            });
        }
        if !reason.applies_to.applies_to(kind) {
            return Err(CaseError::ReasonNotForKind {
                field: field.to_string(),
                key: key.to_string(),
                kind,
            });
        }
        Ok(reason)
    }

    /// Adds a reason at the end; its key must be new (retired keys count).
    pub fn add(&self, input: NewReasonInput) -> Result<ReasonList, CaseError> {
        let mut check = Check::default();
        let key = check.take(ReasonKey::parse("key", input.key.as_deref().unwrap_or("")));
        let label_en = check.label("label_en", input.label_en.as_deref());
        let label_es = check.label("label_es", input.label_es.as_deref());
        check.finish()?;
        let key = key.expect("checked");
        if self.get(&key).is_some() {
            return Err(CaseError::ReasonKeyTaken {
                key: key.to_string(),
            });
        }
        let mut next = self.clone();
        next.reasons.push(ExitReason {
            key,
            label_en: label_en.expect("checked"),
            label_es: label_es.expect("checked"),
            about_quality_of_work: input.about_quality_of_work,
            applies_to: input.applies_to,
            playbook: input.playbook,
            retired: false,
        });
        Ok(next)
    }

    /// Changes the labels of a reason; its key, and so history, stay.
    pub fn rename(
        &self,
        key: &ReasonKey,
        label_en: Option<&str>,
        label_es: Option<&str>,
    ) -> Result<ReasonList, CaseError> {
        let mut check = Check::default();
        let en = label_en.map(|t| check.take(Label::parse("label_en", t)));
        let es = label_es.map(|t| check.take(Label::parse("label_es", t)));
        check.finish()?;
        self.edit(key, |r| {
            if let Some(Some(en)) = en {
                r.label_en = en;
            }
            if let Some(Some(es)) = es {
                r.label_es = es;
            }
        })
    }

    /// Retires a reason: it stays readable but cannot be chosen any more.
    pub fn retire(&self, key: &ReasonKey) -> Result<ReasonList, CaseError> {
        self.edit(key, |r| r.retired = true)
    }

    /// Makes a retired reason choosable again.
    pub fn reinstate(&self, key: &ReasonKey) -> Result<ReasonList, CaseError> {
        self.edit(key, |r| r.retired = false)
    }

    /// Replaces the suggested playbook of a reason.
    pub fn set_playbook(
        &self,
        key: &ReasonKey,
        playbook: Option<Playbook>,
    ) -> Result<ReasonList, CaseError> {
        self.edit(key, |r| r.playbook = playbook)
    }

    /// Sets whether a reason is about the quality of the work.
    pub fn set_about_quality_of_work(
        &self,
        key: &ReasonKey,
        about_quality_of_work: bool,
    ) -> Result<ReasonList, CaseError> {
        self.edit(key, |r| r.about_quality_of_work = about_quality_of_work)
    }

    fn edit(
        &self,
        key: &ReasonKey,
        change: impl FnOnce(&mut ExitReason),
    ) -> Result<ReasonList, CaseError> {
        let mut next = self.clone();
        let reason = next
            .reasons
            .iter_mut()
            .find(|r| &r.key == key)
            .ok_or_else(|| CaseError::UnknownReason {
                field: "key".into(),
                key: key.to_string(),
            })?;
        change(reason);
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> ReasonKey {
        ReasonKey::parse("key", k).unwrap()
    }

    #[test]
    fn the_default_list_has_the_nine_reasons_of_the_spec_for_a_client_leaving() {
        let list = ReasonList::default_list();
        let keys: Vec<&str> = list
            .choosable(DepartureKind::ClientLeaving)
            .map(|r| r.key().as_str())
            .collect();
        assert_eq!(
            keys,
            vec![
                "poor_service",
                "work_quality",
                "price_too_high",
                "cheaper_competitor",
                "needs_changed",
                "budget_cut",
                "values_mismatch",
                "no_results",
                "other"
            ]
        );
        let reason = list.get(&key("needs_changed")).unwrap();
        assert_eq!(
            reason.label(Lang::Es),
            "Cambiaron sus necesidades / ya no lo necesita"
        );
    }

    #[test]
    fn a_team_ending_case_has_its_own_reasons() {
        let list = ReasonList::default_list();
        let keys: Vec<&str> = list
            .choosable(DepartureKind::TeamEnding)
            .map(|r| r.key().as_str())
            .collect();
        assert!(keys.contains(&"treats_team_badly"));
        assert!(keys.contains(&"other"));
        assert!(!keys.contains(&"price_too_high"));
    }

    #[test]
    fn the_default_playbooks_follow_the_spec() {
        let list = ReasonList::default_list();
        let offer = |k: &str| list.get(&key(k)).unwrap().playbook().unwrap().offer;
        assert_eq!(offer("price_too_high"), Some(OfferKind::RightSize));
        assert_eq!(offer("no_results"), Some(OfferKind::ExtraServiceOrTraining));
        assert_eq!(offer("needs_changed"), Some(OfferKind::Pause));
        assert!(list
            .all()
            .iter()
            .all(|r| r.playbook().and_then(|p| p.offer) != Some(OfferKind::Discount)));
    }

    #[test]
    fn quality_of_work_reasons_are_flagged() {
        let list = ReasonList::default_list();
        assert!(list
            .get(&key("work_quality"))
            .unwrap()
            .about_quality_of_work());
        assert!(!list
            .get(&key("price_too_high"))
            .unwrap()
            .about_quality_of_work());
    }

    #[test]
    fn a_reason_key_must_be_a_lower_case_slug() {
        assert!(ReasonKey::parse("key", "late_delivery2").is_ok());
        assert!(ReasonKey::parse("key", "Late").is_err());
        assert!(ReasonKey::parse("key", "2late").is_err());
        assert!(ReasonKey::parse("key", "late-delivery").is_err());
        assert!(serde_json::from_str::<ReasonKey>("\"a b\"").is_err());
    }

    #[test]
    fn an_added_reason_is_choosable_and_its_key_cannot_be_reused() {
        let input = NewReasonInput {
            key: Some("late_delivery".into()),
            label_en: Some("Late delivery".into()),
            label_es: Some("Entregas tarde".into()),
            ..Default::default()
        };
        let list = ReasonList::default_list().add(input.clone()).unwrap();
        assert!(list
            .choose(
                "primary_reason",
                &key("late_delivery"),
                DepartureKind::ClientLeaving
            )
            .is_ok());
        let err = list.add(input).unwrap_err();
        assert_eq!(err.code(), "reason_key_taken");
    }

    #[test]
    fn a_new_reason_without_labels_names_the_missing_fields() {
        let err = ReasonList::default_list()
            .add(NewReasonInput {
                key: Some("x".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.fields(), vec!["label_en", "label_es"]);
    }

    #[test]
    fn renaming_keeps_the_key_so_history_still_reads() {
        let list = ReasonList::default_list()
            .rename(&key("other"), Some("Something else"), None)
            .unwrap();
        let reason = list.get(&key("other")).unwrap();
        assert_eq!(reason.label(Lang::En), "Something else");
        assert_eq!(reason.label(Lang::Es), "Otro");
    }

    #[test]
    fn a_retired_reason_stays_readable_but_cannot_be_chosen() {
        let list = ReasonList::default_list()
            .retire(&key("budget_cut"))
            .unwrap();
        assert_eq!(list.label_of(&key("budget_cut"), Lang::En), "Budget cut");
        let err = list
            .choose(
                "primary_reason",
                &key("budget_cut"),
                DepartureKind::ClientLeaving,
            )
            .unwrap_err();
        assert_eq!(err.code(), "retired_reason");
        assert_eq!(err.fields(), vec!["primary_reason"]);
        let back = list.reinstate(&key("budget_cut")).unwrap();
        assert!(back
            .choose(
                "primary_reason",
                &key("budget_cut"),
                DepartureKind::ClientLeaving
            )
            .is_ok());
    }

    #[test]
    fn an_unknown_reason_or_one_of_the_other_kind_cannot_be_chosen() {
        let list = ReasonList::default_list();
        let err = list
            .choose("primary_reason", &key("nope"), DepartureKind::ClientLeaving)
            .unwrap_err();
        assert_eq!(err.code(), "unknown_reason");
        let err = list
            .choose(
                "primary_reason",
                &key("treats_team_badly"),
                DepartureKind::ClientLeaving,
            )
            .unwrap_err();
        assert_eq!(err.code(), "reason_not_for_kind");
    }

    #[test]
    fn the_list_round_trips_through_json() {
        let list = ReasonList::default_list().retire(&key("other")).unwrap();
        let json = serde_json::to_string(&list).unwrap();
        let back: ReasonList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
    }
}
