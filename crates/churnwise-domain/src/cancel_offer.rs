//! The offers of the self-service cancel page (issue 17, spec/integrations.md
//! §2): per departure reason at most one offer (and optionally a second one,
//! its A/B variant): pause for 1–3 months, a discount of 1–100 % for 1–12
//! months, a cheaper plan, or "talk to us". Checked here once, at the edge,
//! every problem named by its field (`offers[2].months`).

use crate::reasons::{ReasonKey, ReasonList};
use crate::retention::OfferKind;
use crate::text::{Label, Text};
use crate::FieldProblem;
use serde::{Deserialize, Serialize};

/// Most offers a workspace may set (two variants for each of 50 reasons).
pub const MAX_OFFERS: usize = 100;
/// Longest Stripe price id accepted.
pub const PRICE_ID_MAX_CHARS: usize = 200;

/// What an offer gives the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OfferTerms {
    /// Pause the subscription for `months` (1–3).
    Pause {
        /// Months of pause.
        months: u8,
    },
    /// `percent` off (1–100) for `months` (1–12).
    Discount {
        /// Percent off.
        percent: u8,
        /// Months it runs.
        months: u8,
    },
    /// A cheaper plan, named in words (and, with Stripe, its price id).
    CheaperPlan {
        /// The plan and its price, in words (at most 200 characters).
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        plan: Label,
        /// The Stripe price id of the plan (`price_…`), when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price_id: Option<String>,
    },
    /// "Talk to us": a contact request for the client's owner.
    TalkToUs,
}

impl OfferTerms {
    /// The stable snake_case name of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            OfferTerms::Pause { .. } => "pause",
            OfferTerms::Discount { .. } => "discount",
            OfferTerms::CheaperPlan { .. } => "cheaper_plan",
            OfferTerms::TalkToUs => "talk_to_us",
        }
    }

    /// The retention offer a departure case records for it.
    pub fn retention_kind(&self) -> OfferKind {
        match self {
            OfferTerms::Pause { .. } => OfferKind::Pause,
            OfferTerms::Discount { .. } => OfferKind::Discount,
            OfferTerms::CheaperPlan { .. } => OfferKind::RightSize,
            OfferTerms::TalkToUs => OfferKind::SeniorCall,
        }
    }

    /// The offer in plain English words, for the case's record.
    pub fn describe(&self) -> String {
        match self {
            OfferTerms::Pause { months } => format!("Pause for {months} month(s)"),
            OfferTerms::Discount { percent, months } => {
                format!("{percent} % off for {months} month(s)")
            }
            OfferTerms::CheaperPlan { plan, .. } => format!("Cheaper plan: {plan}"),
            OfferTerms::TalkToUs => "Talk to us".to_string(),
        }
    }

    /// The retention offer of a departure case made from it.
    pub fn retention_offer(&self) -> crate::retention::Offer {
        crate::retention::Offer {
            kind: self.retention_kind(),
            description: Text::parse("description", &self.describe()).ok(),
        }
    }
}

/// The A/B variant of an offer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The first (or only) offer of a reason.
    #[default]
    A,
    /// The second offer of a reason, shown to about half the customers.
    B,
}

impl Variant {
    /// `a` or `b`.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::A => "a",
            Variant::B => "b",
        }
    }

    /// The variant named `a` or `b`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "a" => Some(Variant::A),
            "b" => Some(Variant::B),
            _ => None,
        }
    }
}

/// One offer of the cancel page: for a reason, a variant and its terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelOffer {
    /// The departure reason's key.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: ReasonKey,
    /// `a` (default) or `b`.
    #[serde(default)]
    pub variant: Variant,
    /// What is offered.
    #[serde(flatten)]
    pub terms: OfferTerms,
}

/// One offer as sent (API body or form), before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct CancelOfferInput {
    /// The departure reason's key.
    pub reason: Option<String>,
    /// `a` (default) or `b`.
    pub variant: Option<String>,
    /// `pause`, `discount`, `cheaper_plan` or `talk_to_us`.
    pub kind: Option<String>,
    /// Months: 1–3 for a pause, 1–12 for a discount.
    pub months: Option<i64>,
    /// Percent off, 1–100 (discount).
    pub percent: Option<i64>,
    /// The plan and its price in words (cheaper plan).
    pub plan: Option<String>,
    /// The Stripe price id (cheaper plan, optional).
    pub price_id: Option<String>,
}

fn in_range(
    problems: &mut Vec<FieldProblem>,
    field: &str,
    value: Option<i64>,
    low: i64,
    high: i64,
) -> Option<u8> {
    match value {
        None => {
            problems.push(FieldProblem::missing(field));
            None
        }
        Some(v) if (low..=high).contains(&v) => u8::try_from(v).ok(),
        Some(_) => {
            problems.push(FieldProblem::invalid(
                field,
                &format!("must be between {low} and {high}"),
            ));
            None
        }
    }
}

/// Checks the offers of a workspace against its reasons: every field of
/// every offer, each reason known and not retired, at most one offer per
/// reason and variant, and a variant `b` only beside an `a`. Every problem
/// at once, each named `offers[i].field`.
pub fn parse_offers(
    inputs: &[CancelOfferInput],
    reasons: &ReasonList,
) -> Result<Vec<CancelOffer>, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if inputs.len() > MAX_OFFERS {
        return Err(vec![FieldProblem::invalid(
            "offers",
            &format!("must hold at most {MAX_OFFERS} offers"),
        )]);
    }
    let mut out: Vec<CancelOffer> = Vec::new();
    // The input's index of each offer kept, to name it in a later problem.
    let mut index_of: Vec<usize> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let f = |name: &str| format!("offers[{i}].{name}");
        let before = problems.len();
        let reason = match ReasonKey::parse(&f("reason"), input.reason.as_deref().unwrap_or("")) {
            Ok(key) => match reasons.get(&key) {
                Some(r) if !r.retired() => Some(key),
                Some(_) => {
                    problems.push(FieldProblem::invalid(&f("reason"), "is a retired reason"));
                    None
                }
                None => {
                    problems.push(FieldProblem::invalid(
                        &f("reason"),
                        "is not a reason of the workspace",
                    ));
                    None
                }
            },
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let variant = match input.variant.as_deref().map(str::trim) {
            None | Some("") => Variant::A,
            Some(v) => Variant::parse(v).unwrap_or_else(|| {
                problems.push(FieldProblem::invalid(&f("variant"), "must be a or b"));
                Variant::A
            }),
        };
        let terms = match input.kind.as_deref().map(str::trim) {
            Some("pause") => in_range(&mut problems, &f("months"), input.months, 1, 3)
                .map(|months| OfferTerms::Pause { months }),
            Some("discount") => {
                let percent = in_range(&mut problems, &f("percent"), input.percent, 1, 100);
                let months = in_range(&mut problems, &f("months"), input.months, 1, 12);
                percent
                    .zip(months)
                    .map(|(percent, months)| OfferTerms::Discount { percent, months })
            }
            Some("cheaper_plan") => {
                let plan = Label::parse(&f("plan"), input.plan.as_deref().unwrap_or(""))
                    .map_err(|p| problems.push(p))
                    .ok();
                let price_id = match input.price_id.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(id)
                        if id.starts_with("price_")
                            && id.len() <= PRICE_ID_MAX_CHARS
                            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                    {
                        Some(id.to_string())
                    }
                    Some(_) => {
                        problems.push(FieldProblem::invalid(
                            &f("price_id"),
                            "must be a Stripe price id (price_…)",
                        ));
                        None
                    }
                };
                plan.map(|plan| OfferTerms::CheaperPlan { plan, price_id })
            }
            Some("talk_to_us") => Some(OfferTerms::TalkToUs),
            None | Some("") => {
                problems.push(FieldProblem::missing(&f("kind")));
                None
            }
            Some(_) => {
                problems.push(FieldProblem::invalid(
                    &f("kind"),
                    "must be pause, discount, cheaper_plan or talk_to_us",
                ));
                None
            }
        };
        if problems.len() > before {
            continue;
        }
        let (Some(reason), Some(terms)) = (reason, terms) else {
            continue;
        };
        if out
            .iter()
            .any(|o| o.reason == reason && o.variant == variant)
        {
            problems.push(FieldProblem::invalid(
                &f("variant"),
                "repeats an offer for the same reason and variant",
            ));
            continue;
        }
        out.push(CancelOffer {
            reason,
            variant,
            terms,
        });
        index_of.push(i);
    }
    for (offer, i) in out.iter().zip(&index_of) {
        if offer.variant == Variant::B
            && !out
                .iter()
                .any(|o| o.reason == offer.reason && o.variant == Variant::A)
        {
            problems.push(FieldProblem::invalid(
                &format!("offers[{i}].variant"),
                "a variant b needs an offer a for the same reason",
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The offers suggested before any are set, from the reasons' playbooks
/// and the advice: price → a discount (20 % for 3 months),
/// a cheaper competitor or a budget cut → a cheaper plan (to be named),
/// not using it → a pause of 1 month, needs changed → a pause of 2 months.
/// Only reasons that are in the list and not retired.
pub fn suggested_offers(reasons: &ReasonList) -> Vec<CancelOffer> {
    let plan = |text: &str| Label::parse("plan", text).ok();
    reasons
        .all()
        .iter()
        .filter(|r| !r.retired())
        .filter_map(|r| {
            let terms = match r.key().as_str() {
                "price_too_high" => Some(OfferTerms::Discount {
                    percent: 20,
                    months: 3,
                }),
                "cheaper_competitor" | "budget_cut" => {
                    plan("A smaller plan").map(|plan| OfferTerms::CheaperPlan {
                        plan,
                        price_id: None,
                    })
                }
                "no_results" => Some(OfferTerms::Pause { months: 1 }),
                "needs_changed" => Some(OfferTerms::Pause { months: 2 }),
                _ => match r.playbook().and_then(|p| p.offer) {
                    Some(OfferKind::Pause) => Some(OfferTerms::Pause { months: 1 }),
                    Some(OfferKind::SeniorCall) => Some(OfferTerms::TalkToUs),
                    _ => None,
                },
            }?;
            Some(CancelOffer {
                reason: r.key().clone(),
                variant: Variant::A,
                terms,
            })
        })
        .collect()
}

/// The offer of `reason` for a customer given `variant`: the variant's
/// offer, else the reason's `a` offer; none when the reason has none.
pub fn offer_for<'a>(
    offers: &'a [CancelOffer],
    reason: &ReasonKey,
    variant: Variant,
) -> Option<&'a CancelOffer> {
    offers
        .iter()
        .find(|o| &o.reason == reason && o.variant == variant)
        .or_else(|| {
            offers
                .iter()
                .find(|o| &o.reason == reason && o.variant == Variant::A)
        })
}

/// True when `reason` has two variants (so a customer is assigned one).
pub fn has_variants(offers: &[CancelOffer], reason: &ReasonKey) -> bool {
    offers
        .iter()
        .any(|o| &o.reason == reason && o.variant == Variant::B)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(reason: &str, kind: &str) -> CancelOfferInput {
        CancelOfferInput {
            reason: Some(reason.into()),
            kind: Some(kind.into()),
            ..Default::default()
        }
    }

    #[test]
    fn every_bad_field_of_every_offer_is_named_at_once() {
        let reasons = ReasonList::default_list();
        let mut pause = input("needs_changed", "pause");
        pause.months = Some(4);
        let mut discount = input("price_too_high", "discount");
        discount.percent = Some(0);
        let plan = input("budget_cut", "cheaper_plan");
        let unknown = input("nope", "talk_to_us");
        let err = parse_offers(&[pause, discount, plan, unknown], &reasons).unwrap_err();
        let fields: Vec<&str> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "offers[0].months",
                "offers[1].percent",
                "offers[1].months",
                "offers[2].plan",
                "offers[3].reason"
            ]
        );
    }

    #[test]
    fn a_variant_b_needs_an_a_and_a_reason_has_one_offer_per_variant() {
        let reasons = ReasonList::default_list();
        let mut b = input("needs_changed", "talk_to_us");
        b.variant = Some("b".into());
        let err = parse_offers(std::slice::from_ref(&b), &reasons).unwrap_err();
        assert_eq!(err[0].field, "offers[0].variant");
        let bad = input("nope", "pause");
        let err = parse_offers(&[bad, b.clone()], &reasons).unwrap_err();
        assert_eq!(err.last().unwrap().field, "offers[1].variant");
        let a = input("needs_changed", "talk_to_us");
        let err = parse_offers(&[a.clone(), a.clone()], &reasons).unwrap_err();
        assert_eq!(err[0].field, "offers[1].variant");
        let ok = parse_offers(&[a, b], &reasons).unwrap();
        assert_eq!(ok.len(), 2);
        let key = ReasonKey::parse("k", "needs_changed").unwrap();
        assert!(has_variants(&ok, &key));
        assert_eq!(
            offer_for(&ok, &key, Variant::B).unwrap().variant,
            Variant::B
        );
    }

    #[test]
    fn suggestions_follow_the_reasons_playbooks() {
        let offers = suggested_offers(&ReasonList::default_list());
        let kind = |key: &str| {
            offers
                .iter()
                .find(|o| o.reason.as_str() == key)
                .map(|o| o.terms.kind())
        };
        assert_eq!(kind("price_too_high"), Some("discount"));
        assert_eq!(kind("needs_changed"), Some("pause"));
        assert_eq!(kind("no_results"), Some("pause"));
        assert_eq!(kind("cheaper_competitor"), Some("cheaper_plan"));
    }

    #[test]
    fn an_offer_serialises_flat_with_its_kind() {
        let offer = CancelOffer {
            reason: ReasonKey::parse("k", "price_too_high").unwrap(),
            variant: Variant::A,
            terms: OfferTerms::Discount {
                percent: 20,
                months: 3,
            },
        };
        let json = serde_json::to_value(&offer).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"reason": "price_too_high", "variant": "a", "kind": "discount", "percent": 20, "months": 3})
        );
        let back: CancelOffer = serde_json::from_value(json).unwrap();
        assert_eq!(back, offer);
    }
}
