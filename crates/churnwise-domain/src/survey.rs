//! The exit survey: a private link that needs no login, expires, and can be
//! answered once; a satisfaction score on a 0–10 or 1–5 scale, free text,
//! "would you recommend us", "may we contact you later", and a testimonial
//! with explicit consent where the departure was not about the quality of
//! the work.

use crate::departure::{CaseError, FieldProblem};
use crate::reasons::ExitReason;
use crate::text::{Check, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The scale of the satisfaction score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScoreScale {
    /// 0 to 10.
    #[default]
    ZeroToTen,
    /// 1 to 5.
    OneToFive,
}

impl ScoreScale {
    /// The lowest and highest score.
    pub fn bounds(self) -> (u8, u8) {
        match self {
            ScoreScale::ZeroToTen => (0, 10),
            ScoreScale::OneToFive => (1, 5),
        }
    }
}

/// A satisfaction score within its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Score {
    scale: ScoreScale,
    value: u8,
}

impl Score {
    /// The score, if `value` is within the scale's bounds.
    pub fn new(scale: ScoreScale, value: u8) -> Result<Self, FieldProblem> {
        let (low, high) = scale.bounds();
        if (low..=high).contains(&value) {
            Ok(Score { scale, value })
        } else {
            Err(FieldProblem::invalid(
                "score",
                &format!("must be between {low} and {high}"),
            ))
        }
    }
    /// The scale.
    pub fn scale(self) -> ScoreScale {
        self.scale
    }
    /// The value.
    pub fn value(self) -> u8 {
        self.value
    }
}

#[derive(Deserialize)]
struct ScoreRaw {
    scale: ScoreScale,
    value: u8,
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = ScoreRaw::deserialize(deserializer)?;
        Score::new(raw.scale, raw.value).map_err(serde::de::Error::custom)
    }
}

/// The random token of a survey link: 64 lower-case hex digits (32 bytes).
/// Storage should keep only a hash of it; its `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SurveyToken(String);

impl SurveyToken {
    /// The token for 32 random bytes (the adapter draws them from the OS).
    pub fn from_random_bytes(bytes: [u8; 32]) -> Self {
        SurveyToken(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Checks a token from a URL.
    pub fn parse(text: &str) -> Result<Self, FieldProblem> {
        let ok = text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(SurveyToken(text.to_string()))
        } else {
            Err(FieldProblem::invalid("token", "is not a survey token"))
        }
    }

    /// The token, for building the link.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SurveyToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SurveyToken(..)")
    }
}

/// True when a testimonial may be requested after a departure for this
/// primary reason: never when it was about the quality of the work.
pub fn testimonial_allowed(primary_reason: &ExitReason) -> bool {
    !primary_reason.about_quality_of_work()
}

/// A testimonial, always with explicit consent to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Testimonial {
    text: Text,
    consent_to_publish: bool,
}

impl Testimonial {
    /// The testimonial's text.
    pub fn text(&self) -> &Text {
        &self.text
    }
}

/// A survey answer as raw input from the public page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SurveyAnswerInput {
    /// The satisfaction score on the survey's scale.
    pub score: Option<u8>,
    /// What we could have done better.
    pub could_do_better: Option<String>,
    /// Would they recommend us?
    pub would_recommend: Option<bool>,
    /// May we contact them later?
    pub may_contact_later: bool,
    /// A testimonial text.
    pub testimonial: Option<String>,
    /// Explicit consent to publish the testimonial.
    pub testimonial_consent: bool,
}

/// A validated survey answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    score: Score,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    could_do_better: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    would_recommend: Option<bool>,
    may_contact_later: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    testimonial: Option<Testimonial>,
    answered_at: DateTime<Utc>,
}

impl SurveyAnswer {
    /// The score.
    pub fn score(&self) -> Score {
        self.score
    }
    /// What we could have done better.
    pub fn could_do_better(&self) -> Option<&Text> {
        self.could_do_better.as_ref()
    }
    /// Would they recommend us?
    pub fn would_recommend(&self) -> Option<bool> {
        self.would_recommend
    }
    /// May we contact them later?
    pub fn may_contact_later(&self) -> bool {
        self.may_contact_later
    }
    /// The testimonial, published only with the consent it carries.
    pub fn testimonial(&self) -> Option<&Testimonial> {
        self.testimonial.as_ref()
    }
    /// When it was answered.
    pub fn answered_at(&self) -> DateTime<Utc> {
        self.answered_at
    }
}

/// An exit survey sent for a case. The token lives in storage, not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitSurvey {
    scale: ScoreScale,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    testimonial_requested: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answer: Option<SurveyAnswer>,
}

impl ExitSurvey {
    /// A survey issued at `issued_at`, open until `expires_at`; a testimonial
    /// is requested only when [`testimonial_allowed`] for the primary reason.
    pub fn issue(
        scale: ScoreScale,
        issued_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        primary_reason: Option<&ExitReason>,
    ) -> Result<Self, CaseError> {
        if expires_at <= issued_at {
            return Err(
                FieldProblem::invalid("expires_at", "must be after the survey is issued").into(),
            );
        }
        Ok(ExitSurvey {
            scale,
            issued_at,
            expires_at,
            testimonial_requested: primary_reason.is_some_and(testimonial_allowed),
            answer: None,
        })
    }

    /// The score scale.
    pub fn scale(&self) -> ScoreScale {
        self.scale
    }
    /// When it was issued.
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }
    /// When the link expires.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
    /// True when the page asks for a testimonial.
    pub fn testimonial_requested(&self) -> bool {
        self.testimonial_requested
    }
    /// The answer, once given.
    pub fn answer(&self) -> Option<&SurveyAnswer> {
        self.answer.as_ref()
    }

    /// True when the link can still be answered at `now`.
    pub fn is_answerable(&self, now: DateTime<Utc>) -> bool {
        self.answer.is_none() && now < self.expires_at
    }

    /// Checks that the survey can be answered at `now`.
    pub fn ensure_answerable(&self, now: DateTime<Utc>) -> Result<(), CaseError> {
        if self.answer.is_some() {
            return Err(CaseError::SurveyAlreadyAnswered);
        }
        if now >= self.expires_at {
            return Err(CaseError::SurveyExpired {
                expired_at: self.expires_at,
            });
        }
        Ok(())
    }

    /// The survey answered at `now`: once, before expiry, with a score on its
    /// scale, and a testimonial only where requested and with consent.
    pub fn answered(
        &self,
        input: SurveyAnswerInput,
        now: DateTime<Utc>,
    ) -> Result<Self, CaseError> {
        self.ensure_answerable(now)?;
        let mut check = Check::default();
        let score = check
            .required("score", input.score)
            .and_then(|v| check.take(Score::new(self.scale, v)));
        let could_do_better = check.opt_text("could_do_better", input.could_do_better.as_deref());
        let testimonial = check.opt_text("testimonial", input.testimonial.as_deref());
        check.finish()?;
        let testimonial = match testimonial {
            None => None,
            Some(_) if !self.testimonial_requested => return Err(CaseError::TestimonialNotOffered),
            Some(_) if !input.testimonial_consent => {
                return Err(CaseError::TestimonialNeedsConsent)
            }
            Some(text) => Some(Testimonial {
                text,
                consent_to_publish: true,
            }),
        };
        let mut next = self.clone();
        next.answer = Some(SurveyAnswer {
            score: score.expect("checked"),
            could_do_better,
            would_recommend: input.would_recommend,
            may_contact_later: input.may_contact_later,
            testimonial,
            answered_at: now,
        });
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reasons::{ReasonKey, ReasonList};
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 4, 1, 10, 0, 0).unwrap()
    }

    fn survey(scale: ScoreScale, reason: &str) -> ExitSurvey {
        let reasons = ReasonList::default_list();
        let reason = reasons.get(&ReasonKey::parse("k", reason).unwrap());
        ExitSurvey::issue(scale, now(), now() + Duration::days(14), reason).unwrap()
    }

    fn answer(score: u8) -> SurveyAnswerInput {
        SurveyAnswerInput {
            score: Some(score),
            could_do_better: Some("Faster replies".into()),
            would_recommend: Some(true),
            may_contact_later: true,
            ..Default::default()
        }
    }

    #[test]
    fn scores_are_checked_against_their_scale() {
        assert!(Score::new(ScoreScale::ZeroToTen, 0).is_ok());
        assert!(Score::new(ScoreScale::ZeroToTen, 11).is_err());
        assert!(Score::new(ScoreScale::OneToFive, 0).is_err());
        assert!(Score::new(ScoreScale::OneToFive, 5).is_ok());
        assert!(serde_json::from_str::<Score>(r#"{"scale":"one_to_five","value":6}"#).is_err());
    }

    #[test]
    fn a_survey_is_answered_once() {
        let s = survey(ScoreScale::ZeroToTen, "price_too_high");
        let answered = s.answered(answer(7), now() + Duration::hours(1)).unwrap();
        assert_eq!(answered.answer().unwrap().score().value(), 7);
        let err = answered
            .answered(answer(8), now() + Duration::hours(2))
            .unwrap_err();
        assert_eq!(err.code(), "survey_already_answered");
    }

    #[test]
    fn a_survey_cannot_be_answered_after_expiry() {
        let s = survey(ScoreScale::ZeroToTen, "price_too_high");
        let err = s
            .answered(answer(7), now() + Duration::days(14))
            .unwrap_err();
        assert_eq!(err.code(), "survey_expired");
        assert!(!s.is_answerable(now() + Duration::days(15)));
    }

    #[test]
    fn a_score_outside_the_one_to_five_scale_is_refused_naming_the_field() {
        let s = survey(ScoreScale::OneToFive, "price_too_high");
        let err = s.answered(answer(9), now()).unwrap_err();
        assert_eq!(err.fields(), vec!["score"]);
        assert_eq!(
            err.to_string(),
            "invalid input: score must be between 1 and 5"
        );
        let err = s.answered(SurveyAnswerInput::default(), now()).unwrap_err();
        assert_eq!(err.to_string(), "invalid input: score is required");
    }

    #[test]
    fn a_testimonial_is_not_requested_when_the_reason_is_about_the_quality_of_work() {
        let s = survey(ScoreScale::ZeroToTen, "work_quality");
        assert!(!s.testimonial_requested());
        let mut input = answer(3);
        input.testimonial = Some("Great team".into());
        input.testimonial_consent = true;
        assert_eq!(
            s.answered(input, now()).unwrap_err().code(),
            "testimonial_not_offered"
        );
    }

    #[test]
    fn a_testimonial_needs_explicit_consent() {
        let s = survey(ScoreScale::ZeroToTen, "needs_changed");
        assert!(s.testimonial_requested());
        let mut input = answer(9);
        input.testimonial = Some("Great team".into());
        assert_eq!(
            s.answered(input.clone(), now()).unwrap_err().code(),
            "testimonial_needs_consent"
        );
        input.testimonial_consent = true;
        let answered = s.answered(input, now()).unwrap();
        assert_eq!(
            answered
                .answer()
                .unwrap()
                .testimonial()
                .unwrap()
                .text()
                .as_str(),
            "Great team"
        );
    }

    #[test]
    fn a_survey_must_expire_after_it_is_issued() {
        assert!(ExitSurvey::issue(ScoreScale::ZeroToTen, now(), now(), None).is_err());
    }

    #[test]
    fn a_token_is_sixty_four_hex_digits_and_hidden_in_debug() {
        let token = SurveyToken::from_random_bytes([0xab; 32]);
        assert_eq!(token.expose().len(), 64);
        assert_eq!(SurveyToken::parse(token.expose()).unwrap(), token);
        assert_eq!(format!("{token:?}"), "SurveyToken(..)");
        assert!(SurveyToken::parse("abc").is_err());
        assert!(SurveyToken::parse(&"G".repeat(64)).is_err());
    }
}
