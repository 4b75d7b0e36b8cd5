//! The optional, cautious retention attempt: a plan of actions for both
//! sides, an optional offer, and its outcome. The plan warns when its only
//! lever is a discount.

use crate::departure::CaseError;
use crate::reasons::ExitReason;
use crate::text::{Check, ItemId, Label, Text};
use crate::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whose action it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The team's.
    Ours,
    /// The client's.
    Client,
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// To do.
    #[default]
    Open,
    /// Done.
    Done,
    /// Given up.
    Dropped,
}

impl ActionStatus {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }
}

/// The kind of an offer to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Pause the service.
    Pause,
    /// Right-size the scope or plan.
    RightSize,
    /// Extra service or training.
    ExtraServiceOrTraining,
    /// A free period.
    FreePeriod,
    /// A call with a senior person.
    SeniorCall,
    /// A discount (never the default; the plan warns when it is the only lever).
    Discount,
}

impl OfferKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferKind::Pause => "pause",
            OfferKind::RightSize => "right_size",
            OfferKind::ExtraServiceOrTraining => "extra_service_or_training",
            OfferKind::FreePeriod => "free_period",
            OfferKind::SeniorCall => "senior_call",
            OfferKind::Discount => "discount",
        }
    }

    /// The label in a language.
    pub fn label(self, lang: Lang) -> &'static str {
        let (en, es) = match self {
            OfferKind::Pause => ("Pause the service", "Pausar el servicio"),
            OfferKind::RightSize => (
                "Right-size the scope or plan",
                "Ajustar el alcance o el plan",
            ),
            OfferKind::ExtraServiceOrTraining => {
                ("Extra service or training", "Servicio extra o formación")
            }
            OfferKind::FreePeriod => ("A free period", "Un periodo gratuito"),
            OfferKind::SeniorCall => (
                "A call with a senior person",
                "Una llamada con una persona sénior",
            ),
            OfferKind::Discount => ("A discount", "Un descuento"),
        };
        lang.pick(en, es)
    }
}

/// An offer made to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    /// The kind of offer.
    pub kind: OfferKind,
    /// What exactly is offered, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Text>,
}

/// The outcome of a retention attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetentionOutcome {
    /// The client stays: the case closes as saved.
    Retained,
    /// The client leaves: the case goes on to offboarding.
    Leaving,
}

impl RetentionOutcome {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionOutcome::Retained => "retained",
            RetentionOutcome::Leaving => "leaving",
        }
    }
}

/// A new action for the plan, as raw input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NewRetentionActionInput {
    /// What is to be done.
    pub description: Option<String>,
    /// Whose action it is.
    pub side: Option<Side>,
    /// Who does it.
    pub owner: Option<String>,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// A validated new action, before it gets its number in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRetentionAction {
    description: Text,
    side: Side,
    owner: Label,
    due_on: NaiveDate,
}

impl NewRetentionAction {
    /// Checks the input; description, side, owner and due date are required.
    pub fn parse(input: NewRetentionActionInput) -> Result<Self, CaseError> {
        let mut check = Check::default();
        let description = check.text("description", input.description.as_deref());
        let side = check.required("side", input.side);
        let owner = check.label("owner", input.owner.as_deref());
        let due_on = check.required("due_on", input.due_on);
        check.finish()?;
        Ok(NewRetentionAction {
            description: description.expect("checked"),
            side: side.expect("checked"),
            owner: owner.expect("checked"),
            due_on: due_on.expect("checked"),
        })
    }
}

/// An action of the plan, for one side, with owner, due date and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionAction {
    id: ItemId,
    description: Text,
    /// The Spanish of a suggested action (copied from the playbook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description_es: Option<Text>,
    side: Side,
    owner: Label,
    due_on: NaiveDate,
    status: ActionStatus,
}

impl RetentionAction {
    /// The action's number in the case.
    pub fn id(&self) -> ItemId {
        self.id
    }
    /// What is to be done, as written (English for a suggested action).
    pub fn description(&self) -> &Text {
        &self.description
    }
    /// What is to be done in the reader's language: a suggested action in
    /// `lang`, an action a user typed as typed.
    pub fn description_in(&self, lang: Lang) -> String {
        match (lang, &self.description_es) {
            (Lang::En, _) => self.description.to_string(),
            (Lang::Es, Some(es)) => es.to_string(),
            (Lang::Es, None) => crate::reasons::default_action_es(self.description.as_str())
                .map_or_else(|| self.description.to_string(), str::to_string),
        }
    }
    /// Whose action it is.
    pub fn side(&self) -> Side {
        self.side
    }
    /// Who does it.
    pub fn owner(&self) -> &Label {
        &self.owner
    }
    /// By when.
    pub fn due_on(&self) -> NaiveDate {
        self.due_on
    }
    /// Where it stands.
    pub fn status(&self) -> ActionStatus {
        self.status
    }
}

/// Something the team should look at before going on with a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanWarning {
    /// The only lever of the plan is a discount.
    DiscountOnly,
}

impl PlanWarning {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            PlanWarning::DiscountOnly => "discount_only",
        }
    }

    /// The warning in a language.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            PlanWarning::DiscountOnly => lang.pick(
                "The only lever of this plan is a discount: lowering the price to keep a client costs money and reputation. Consider right-sizing, a pause, training or a senior call.",
                "La única palanca de este plan es un descuento: bajar el precio para retener a un cliente cuesta dinero y reputación. Considere ajustar el alcance, una pausa, formación o una llamada con una persona sénior.",
            ),
        }
    }
}

/// A retention plan: actions for both sides, an optional offer, an outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPlan {
    actions: Vec<RetentionAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offer: Option<Offer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<RetentionOutcome>,
}

impl RetentionPlan {
    /// An empty plan.
    pub fn new() -> Self {
        Self::default()
    }

    /// A plan seeded from a reason's suggested playbook: its offer, and its
    /// actions as the team's, owned by `owner`, due on `due_on`.
    pub fn suggested(reason: &ExitReason, owner: &Label, due_on: NaiveDate) -> Self {
        let Some(playbook) = reason.playbook() else {
            return Self::new();
        };
        #[expect(
            clippy::cast_possible_truncation,
            reason = "`i` indexes a playbook's actions, edited by hand with the reasons; 2^32 labels \
                      would need over 100 GiB in memory, so `i + 1` fits ItemId's u32"
        )]
        let actions = playbook
            .action_pairs()
            .iter()
            .enumerate()
            .map(|(i, (a, es))| RetentionAction {
                id: ItemId(i as u32 + 1),
                description: Text::parse("description", a.as_str()).expect("a label is a text"),
                description_es: Some(
                    Text::parse("description", es.as_str()).expect("a label is a text"),
                ),
                side: Side::Ours,
                owner: owner.clone(),
                due_on,
                status: ActionStatus::Open,
            })
            .collect();
        RetentionPlan {
            actions,
            offer: playbook.offer.map(|kind| Offer {
                kind,
                description: None,
            }),
            outcome: None,
        }
    }

    /// The actions.
    pub fn actions(&self) -> &[RetentionAction] {
        &self.actions
    }
    /// The offer.
    pub fn offer(&self) -> Option<&Offer> {
        self.offer.as_ref()
    }
    /// The outcome, once decided.
    pub fn outcome(&self) -> Option<RetentionOutcome> {
        self.outcome
    }

    /// The open actions: promises still to keep.
    pub fn open_actions(&self) -> impl Iterator<Item = &RetentionAction> {
        self.actions
            .iter()
            .filter(|a| a.status == ActionStatus::Open)
    }

    /// Warnings about the plan: a discount as the only lever (an offer of a
    /// discount and no action that is not dropped).
    pub fn warnings(&self) -> Vec<PlanWarning> {
        let discount_offered = self
            .offer
            .as_ref()
            .is_some_and(|o| o.kind == OfferKind::Discount);
        let live_actions = self
            .actions
            .iter()
            .any(|a| a.status != ActionStatus::Dropped);
        if discount_offered && !live_actions {
            vec![PlanWarning::DiscountOnly]
        } else {
            Vec::new()
        }
    }

    /// The plan with a new action added (numbered after the last one).
    pub fn with_action(&self, action: NewRetentionAction) -> (Self, ItemId) {
        let id = ItemId::next_after(self.actions.iter().map(|a| a.id));
        let mut next = self.clone();
        next.actions.push(RetentionAction {
            id,
            description: action.description,
            description_es: None,
            side: action.side,
            owner: action.owner,
            due_on: action.due_on,
            status: ActionStatus::Open,
        });
        (next, id)
    }

    /// The plan with an action's status changed, and the previous status.
    pub fn with_action_status(
        &self,
        id: ItemId,
        status: ActionStatus,
    ) -> Result<(Self, ActionStatus), CaseError> {
        let mut next = self.clone();
        let action =
            next.actions
                .iter_mut()
                .find(|a| a.id == id)
                .ok_or(CaseError::UnknownItem {
                    what: "retention action",
                    id,
                })?;
        let before = action.status;
        action.status = status;
        Ok((next, before))
    }

    /// The plan with the offer set or removed; refused once decided.
    pub fn with_offer(&self, offer: Option<Offer>) -> Result<Self, CaseError> {
        self.ensure_undecided()?;
        let mut next = self.clone();
        next.offer = offer;
        Ok(next)
    }

    /// The plan with its outcome; refused when already decided.
    pub fn with_outcome(&self, outcome: RetentionOutcome) -> Result<Self, CaseError> {
        self.ensure_undecided()?;
        let mut next = self.clone();
        next.outcome = Some(outcome);
        Ok(next)
    }

    fn ensure_undecided(&self) -> Result<(), CaseError> {
        match self.outcome {
            Some(outcome) => Err(CaseError::RetentionDecided {
                outcome: outcome.as_str(),
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::reasons::{ReasonKey, ReasonList};

    fn day(s: &str) -> NaiveDate {
        crate::parse_date(s).unwrap()
    }

    pub(crate) fn action(description: &str, side: Side) -> NewRetentionAction {
        NewRetentionAction::parse(NewRetentionActionInput {
            description: Some(description.into()),
            side: Some(side),
            owner: Some("Ana".into()),
            due_on: Some(day("2024-03-15")),
        })
        .unwrap()
    }

    fn discount() -> Option<Offer> {
        Some(Offer {
            kind: OfferKind::Discount,
            description: None,
        })
    }

    #[test]
    fn an_action_without_side_owner_or_due_date_names_them() {
        let err = NewRetentionAction::parse(NewRetentionActionInput {
            description: Some("Call".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.fields(), vec!["side", "owner", "due_on"]);
    }

    #[test]
    fn a_discount_only_plan_warns() {
        let plan = RetentionPlan::new().with_offer(discount()).unwrap();
        assert_eq!(plan.warnings(), vec![PlanWarning::DiscountOnly]);
        assert_eq!(plan.warnings()[0].code(), "discount_only");
        assert!(PlanWarning::DiscountOnly
            .message(Lang::Es)
            .contains("descuento"));
    }

    #[test]
    fn a_discount_with_a_live_action_does_not_warn_but_with_only_dropped_actions_does() {
        let (plan, id) = RetentionPlan::new()
            .with_offer(discount())
            .unwrap()
            .with_action(action("Usage review", Side::Ours));
        assert!(plan.warnings().is_empty());
        let (plan, before) = plan.with_action_status(id, ActionStatus::Dropped).unwrap();
        assert_eq!(before, ActionStatus::Open);
        assert_eq!(plan.warnings(), vec![PlanWarning::DiscountOnly]);
    }

    #[test]
    fn a_plan_without_a_discount_does_not_warn() {
        let plan = RetentionPlan::new()
            .with_offer(Some(Offer {
                kind: OfferKind::Pause,
                description: None,
            }))
            .unwrap();
        assert!(plan.warnings().is_empty());
    }

    #[test]
    fn a_suggested_plan_follows_the_reasons_playbook() {
        let reasons = ReasonList::default_list();
        let reason = reasons
            .get(&ReasonKey::parse("k", "no_results").unwrap())
            .unwrap();
        let owner = Label::parse("owner", "Ana").unwrap();
        let plan = RetentionPlan::suggested(reason, &owner, day("2024-03-15"));
        assert_eq!(
            plan.offer().unwrap().kind,
            OfferKind::ExtraServiceOrTraining
        );
        assert_eq!(plan.actions().len(), 2);
        assert_eq!(plan.actions()[1].id(), ItemId(2));
        assert!(plan.warnings().is_empty());
        assert_eq!(
            plan.actions()[0].description_in(Lang::Es),
            "Revisión del uso con el cliente"
        );
        assert_eq!(
            plan.actions()[0].description_in(Lang::En),
            "Usage review with the client"
        );
        // An action stored before the Spanish was copied still translates.
        let stored: RetentionAction = serde_json::from_str(
            r#"{"id":1,"description":"Review the work with the client and agree on corrections","side":"ours","owner":"Ana","due_on":"2024-03-15","status":"open"}"#,
        )
        .unwrap();
        assert_eq!(
            stored.description_in(Lang::Es),
            "Revisar el trabajo con el cliente y acordar correcciones"
        );
    }

    #[test]
    fn a_decided_plan_refuses_another_outcome_or_offer() {
        let plan = RetentionPlan::new()
            .with_outcome(RetentionOutcome::Leaving)
            .unwrap();
        assert_eq!(
            plan.with_outcome(RetentionOutcome::Retained)
                .unwrap_err()
                .code(),
            "retention_decided"
        );
        assert!(plan.with_offer(None).is_err());
    }

    #[test]
    fn changing_an_unknown_action_is_refused() {
        let err = RetentionPlan::new()
            .with_action_status(ItemId(9), ActionStatus::Done)
            .unwrap_err();
        assert_eq!(err.code(), "unknown_item");
    }
}
