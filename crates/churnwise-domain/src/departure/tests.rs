//! The departure case's rules, one test per guard, and a full case.

use super::exit_conversation::tests::conversation_input;
use super::notice::tests::{day, notice_input};
use super::*;
use crate::history::Actor;
use crate::lessons::{NewCorrectiveAction, NewCorrectiveActionInput};
use crate::offboarding::{
    ChecklistTemplate, CredentialHandover, CredentialHandoverInput, NewChecklistItem,
    NewChecklistItemInput,
};
use crate::reasons::{ReasonKey, ReasonList};
use crate::retention::tests::action;
use crate::retention::{
    ActionStatus, Offer, OfferKind, PlanWarning, RetentionOutcome, RetentionPlan, Side,
};
use crate::survey::{ScoreScale, SurveyAnswerInput};
use crate::text::{ItemId, Label};
use crate::{Lang, Money};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn reasons() -> ReasonList {
    ReasonList::default_list()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 25, 9, 0, 0).unwrap()
}

fn opened(kind: DepartureKind) -> DepartureCase {
    DepartureCase::open(kind, Notice::parse(notice_input()).unwrap(), &[])
        .unwrap()
        .case
}

fn conversed(kind: DepartureKind, primary: &str) -> DepartureCase {
    let conversation = ExitConversation::parse(conversation_input(primary, &[])).unwrap();
    opened(kind)
        .record_exit_conversation(conversation, &reasons())
        .unwrap()
        .case
}

fn offboarding() -> DepartureCase {
    conversed(DepartureKind::ClientLeaving, "price_too_high")
        .begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
        .unwrap()
        .case
}

fn all_items_done(case: &DepartureCase) -> DepartureCase {
    let ids: Vec<ItemId> = case
        .offboarding()
        .unwrap()
        .items()
        .iter()
        .map(|i| i.id())
        .collect();
    ids.into_iter().fold(case.clone(), |c, id| {
        c.complete_checklist_item(id, day("2024-03-28"))
            .unwrap()
            .case
    })
}

fn close_input(outcome: Outcome) -> CloseInput {
    CloseInput {
        outcome: Some(outcome),
        closed_on: Some(day("2024-04-02")),
        end_on: Some(day("2024-03-31")),
        lost_mrr: Some(Money::from_cents(120_000)),
    }
}

fn unpaid(reference: &str) -> UnpaidInvoice {
    UnpaidInvoice {
        reference: reference.into(),
        amount: Money::from_cents(50_000),
        due_on: day("2024-03-15"),
    }
}

fn closed_lost() -> DepartureCase {
    all_items_done(&offboarding())
        .close(close_input(Outcome::Lost), &[])
        .unwrap()
        .case
}

#[test]
fn a_full_case_runs_from_notice_to_won_back_and_records_its_history() {
    let reasons = reasons();
    let actor = Actor::user(Label::parse("name", "Ana").unwrap());
    let mut history = Vec::new();
    let mut step = |change: Result<Change, CaseError>| {
        let change = change.unwrap();
        history.extend(change.history(&actor, now()));
        change.case
    };
    let case = step(DepartureCase::open(
        DepartureKind::ClientLeaving,
        Notice::parse(notice_input()).unwrap(),
        &[],
    ));
    let conversation =
        ExitConversation::parse(conversation_input("no_results", &["price_too_high"])).unwrap();
    let case = step(case.record_exit_conversation(conversation, &reasons));
    let primary = reasons
        .get(case.exit_conversation().unwrap().primary_reason())
        .unwrap();
    let owner = Label::parse("owner", "Ana").unwrap();
    let case =
        step(case.start_retention(RetentionPlan::suggested(primary, &owner, day("2024-03-10"))));
    assert_eq!(case.stage(), Stage::Retention);
    let case = step(case.add_retention_action(action("Send usage report", Side::Client)));
    let case = step(case.set_retention_action_status(ItemId(1), ActionStatus::Done));
    let case = step(case.record_retention_outcome(RetentionOutcome::Leaving, day("2024-03-12")));
    let case = step(case.begin_offboarding(&ChecklistTemplate::default_template(), Lang::En));
    let handover = CredentialHandover::parse(CredentialHandoverInput {
        account: Some("Analytics admin".into()),
        recipient: Some("Marta".into()),
        channel: None,
        handed_over_on: Some(day("2024-03-20")),
    })
    .unwrap();
    let case = step(case.record_credential_handover(handover));
    let case = step(case.waive_invoice(
        "INV-7",
        "Goodwill: last month's report was late",
        day("2024-03-21"),
    ));
    let case = step(case.issue_survey(
        ScoreScale::ZeroToTen,
        now(),
        now() + Duration::days(14),
        &reasons,
    ));
    assert!(case.survey().unwrap().testimonial_requested());
    let case = step(case.answer_survey(
        SurveyAnswerInput {
            score: Some(6),
            testimonial: Some("Helpful and honest".into()),
            testimonial_consent: true,
            ..Default::default()
        },
        now() + Duration::days(1),
    ));
    let case = all_items_done(&case);
    let case = step(case.close(close_input(Outcome::Lost), &[unpaid("INV-7")]));
    assert_eq!(case.stage(), Stage::Closed);
    assert_eq!(case.lost_mrr(), Money::from_cents(120_000));
    let case = step(
        case.add_corrective_action(
            NewCorrectiveAction::parse(NewCorrectiveActionInput {
                what: Some("Monthly usage review for every client".into()),
                owner: Some("Luis".into()),
                due_on: Some(day("2024-05-01")),
            })
            .unwrap(),
        ),
    );
    let case = step(case.set_win_back_follow_up(Some(day("2024-06-01"))));
    assert!(!case.win_back_follow_up_due(day("2024-05-31")));
    assert!(case.win_back_follow_up_due(day("2024-06-01")));
    let case = step(case.mark_won_back(day("2024-07-01")));
    assert_eq!(case.won_back_on(), Some(day("2024-07-01")));
    assert!(!case.win_back_follow_up_due(day("2024-07-02")));

    let keys: Vec<&str> = history.iter().map(|h| h.event.key()).collect();
    assert_eq!(keys.first(), Some(&"case.opened"));
    assert!(keys.contains(&"case.credentials_handed_over"));
    assert!(keys.contains(&"case.survey_answered"));
    assert_eq!(keys.last(), Some(&"case.won_back"));
    assert!(history
        .iter()
        .all(|h| !h.event.describe(Lang::Es, &reasons).is_empty()));

    let json = serde_json::to_value(&case).unwrap();
    assert_eq!(json["stage"], "closed");
    assert_eq!(json["closure"]["outcome"], "lost");
    assert_eq!(json["closure"]["lost_mrr"], serde_json::json!(1200.00));
    let back: DepartureCase = serde_json::from_value(json).unwrap();
    assert_eq!(back, case);
}

#[test]
fn a_second_open_case_for_the_client_is_refused() {
    let existing = [ExistingCase {
        case_id: 3,
        stage: Stage::Retention,
    }];
    let err = DepartureCase::open(
        DepartureKind::ClientLeaving,
        Notice::parse(notice_input()).unwrap(),
        &existing,
    )
    .unwrap_err();
    assert_eq!(err.code(), "case_already_open");
}

#[test]
fn transitions_out_of_order_are_refused_and_change_nothing() {
    let case = opened(DepartureKind::ClientLeaving);
    let before = case.clone();
    let template = ChecklistTemplate::default_template();
    let errors = [
        case.begin_offboarding(&template, Lang::En).unwrap_err(),
        case.start_retention(RetentionPlan::new()).unwrap_err(),
        case.close(close_input(Outcome::Lost), &[]).unwrap_err(),
        case.issue_survey(
            ScoreScale::ZeroToTen,
            now(),
            now() + Duration::days(1),
            &reasons(),
        )
        .unwrap_err(),
        case.add_checklist_item(
            NewChecklistItem::parse(NewChecklistItemInput {
                label: Some("x".into()),
                ..Default::default()
            })
            .unwrap(),
        )
        .unwrap_err(),
        case.mark_won_back(day("2024-05-01")).unwrap_err(),
        case.add_corrective_action(
            NewCorrectiveAction::parse(NewCorrectiveActionInput {
                what: Some("x".into()),
                owner: Some("y".into()),
                due_on: Some(day("2024-05-01")),
            })
            .unwrap(),
        )
        .unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.code(), "wrong_stage", "{err}");
    }
    assert_eq!(case, before);
    let conversation = ExitConversation::parse(conversation_input("other", &[])).unwrap();
    let err = offboarding()
        .record_exit_conversation(conversation, &reasons())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot record the exit conversation while the case is at stage offboarding; allowed at: notice; exit_conversation"
    );
}

#[test]
fn a_retired_reason_cannot_be_chosen_for_a_new_conversation_but_old_cases_still_read() {
    let retired = reasons()
        .retire(&ReasonKey::parse("k", "price_too_high").unwrap())
        .unwrap();
    let conversation = ExitConversation::parse(conversation_input("price_too_high", &[])).unwrap();
    let err = opened(DepartureKind::ClientLeaving)
        .record_exit_conversation(conversation, &retired)
        .unwrap_err();
    assert_eq!(err.code(), "retired_reason");
    let old = closed_lost();
    let key = old.exit_conversation().unwrap().primary_reason();
    assert_eq!(
        retired.label_of(key, Lang::En),
        "Price too high for the value"
    );
}

#[test]
fn a_team_ending_case_needs_a_team_ending_reason() {
    let conversation = ExitConversation::parse(conversation_input("price_too_high", &[])).unwrap();
    let err = opened(DepartureKind::TeamEnding)
        .record_exit_conversation(conversation, &reasons())
        .unwrap_err();
    assert_eq!(err.code(), "reason_not_for_kind");
}

#[test]
fn cannot_close_with_open_required_items_and_the_error_names_each_of_them() {
    let case = offboarding();
    let case = case
        .complete_checklist_item(ItemId(1), day("2024-03-28"))
        .unwrap()
        .case;
    let err = case.close(close_input(Outcome::Lost), &[]).unwrap_err();
    assert_eq!(err.code(), "cannot_close");
    let CaseError::CannotClose { open_items, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(open_items.len(), 7);
    assert_eq!(open_items[0].id, ItemId(2));
    assert!(err.to_string().contains(
        "required item 4 \"Final report: what was delivered, with the numbers achieved\" is open"
    ));
    assert_eq!(case.stage(), Stage::Offboarding);
}

#[test]
fn cannot_close_with_an_unpaid_invoice_that_is_not_waived() {
    let case = all_items_done(&offboarding());
    let invoices = [unpaid("INV-1"), unpaid("INV-2")];
    let err = case.can_close(&invoices).unwrap_err();
    assert_eq!(err.fields(), vec!["invoices.INV-1", "invoices.INV-2"]);
    let case = case
        .waive_invoice("INV-1", "Disputed hours, written off", day("2024-03-30"))
        .unwrap()
        .case;
    let err = case
        .close(close_input(Outcome::Lost), &invoices)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot close the case: invoice \"INV-2\" is unpaid and not waived"
    );
    let case = case
        .waive_invoice("INV-2", "Client insolvent", day("2024-03-30"))
        .unwrap()
        .case;
    assert!(case.close(close_input(Outcome::Lost), &invoices).is_ok());
}

#[test]
fn waiving_an_invoice_or_an_item_needs_a_reason() {
    let case = offboarding();
    let err = case
        .waive_invoice("INV-1", "  ", day("2024-03-30"))
        .unwrap_err();
    assert_eq!(err.code(), "waiver_needs_reason");
    let err = case.waive_checklist_item(ItemId(3), "").unwrap_err();
    assert_eq!(err.code(), "waiver_needs_reason");
    let case = case
        .waive_checklist_item(ItemId(3), "Nothing to hand over")
        .unwrap()
        .case;
    assert_eq!(case.offboarding().unwrap().open_required().len(), 7);
}

#[test]
fn closing_names_missing_fields_and_takes_the_requested_end_date_by_default() {
    let case = all_items_done(&offboarding());
    let err = case.close(CloseInput::default(), &[]).unwrap_err();
    assert_eq!(err.fields(), vec!["outcome", "closed_on", "lost_mrr"]);
    let input = CloseInput {
        end_on: None,
        ..close_input(Outcome::Lost)
    };
    let closed = case.close(input, &[]).unwrap().case;
    assert_eq!(closed.closure().unwrap().end_on(), Some(day("2024-03-31")));
    let input = CloseInput {
        lost_mrr: Some(Money::from_cents(-5)),
        ..close_input(Outcome::Lost)
    };
    assert_eq!(
        case.close(input, &[]).unwrap_err().fields(),
        vec!["lost_mrr"]
    );
}

#[test]
fn a_client_leaving_case_closes_as_lost_and_a_team_ending_one_as_fired() {
    let case = all_items_done(&offboarding());
    let err = case.close(close_input(Outcome::Fired), &[]).unwrap_err();
    assert_eq!(err.code(), "outcome_mismatch");
    let err = case.close(close_input(Outcome::Saved), &[]).unwrap_err();
    assert_eq!(err.code(), "outcome_mismatch");
    let fired = conversed(DepartureKind::TeamEnding, "treats_team_badly")
        .begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
        .unwrap()
        .case;
    let fired = all_items_done(&fired)
        .close(close_input(Outcome::Fired), &[])
        .unwrap()
        .case;
    assert_eq!(fired.outcome(), Some(Outcome::Fired));
}

#[test]
fn a_retention_attempt_is_refused_when_the_team_ends_the_relationship() {
    let err = conversed(DepartureKind::TeamEnding, "scope_creep")
        .start_retention(RetentionPlan::new())
        .unwrap_err();
    assert_eq!(err.code(), "retention_not_for_kind");
}

#[test]
fn a_retained_outcome_closes_the_case_as_saved_and_open_actions_stay_tracked() {
    let case = conversed(DepartureKind::ClientLeaving, "price_too_high")
        .start_retention(RetentionPlan::new())
        .unwrap()
        .case
        .add_retention_action(action("Right-size to the basic plan", Side::Ours))
        .unwrap()
        .case;
    let change = case
        .record_retention_outcome(RetentionOutcome::Retained, day("2024-03-12"))
        .unwrap();
    let saved = change.case;
    assert_eq!(saved.stage(), Stage::Closed);
    assert_eq!(saved.outcome(), Some(Outcome::Saved));
    assert_eq!(saved.lost_mrr(), Money::ZERO);
    assert_eq!(change.events.len(), 2);
    assert_eq!(saved.open_promises().len(), 1);
    let saved = saved
        .set_retention_action_status(ItemId(1), ActionStatus::Done)
        .unwrap()
        .case;
    assert!(saved.open_promises().is_empty());
    assert_eq!(
        saved.mark_won_back(day("2024-05-01")).unwrap_err().code(),
        "cannot_win_back"
    );
}

#[test]
fn a_leaving_outcome_continues_to_offboarding_but_an_undecided_attempt_does_not() {
    let case = conversed(DepartureKind::ClientLeaving, "price_too_high")
        .start_retention(RetentionPlan::new())
        .unwrap()
        .case;
    let template = ChecklistTemplate::default_template();
    let err = case.begin_offboarding(&template, Lang::En).unwrap_err();
    assert_eq!(err.code(), "retention_undecided");
    let case = case
        .record_retention_outcome(RetentionOutcome::Leaving, day("2024-03-12"))
        .unwrap()
        .case;
    assert_eq!(case.stage(), Stage::Retention);
    assert_eq!(
        case.begin_offboarding(&template, Lang::En)
            .unwrap()
            .case
            .stage(),
        Stage::Offboarding
    );
}

#[test]
fn a_discount_only_plan_warns_on_the_case() {
    let case = conversed(DepartureKind::ClientLeaving, "cheaper_competitor")
        .start_retention(RetentionPlan::new())
        .unwrap()
        .case
        .set_retention_offer(Some(Offer {
            kind: OfferKind::Discount,
            description: None,
        }))
        .unwrap()
        .case;
    assert_eq!(case.warnings(), vec![PlanWarning::DiscountOnly]);
}

#[test]
fn a_survey_cannot_be_answered_before_it_is_issued_twice_or_after_expiry() {
    let case = offboarding();
    assert_eq!(
        case.answer_survey(SurveyAnswerInput::default(), now())
            .unwrap_err()
            .code(),
        "no_survey"
    );
    let case = case
        .issue_survey(
            ScoreScale::OneToFive,
            now(),
            now() + Duration::days(7),
            &reasons(),
        )
        .unwrap()
        .case;
    assert_eq!(case.stage(), Stage::Feedback);
    let answer = SurveyAnswerInput {
        score: Some(4),
        ..Default::default()
    };
    let late = case
        .answer_survey(answer.clone(), now() + Duration::days(8))
        .unwrap_err();
    assert_eq!(late.code(), "survey_expired");
    let answered = case
        .answer_survey(answer.clone(), now() + Duration::days(1))
        .unwrap()
        .case;
    let twice = answered
        .answer_survey(answer, now() + Duration::days(2))
        .unwrap_err();
    assert_eq!(twice.code(), "survey_already_answered");
    let reissue = answered
        .issue_survey(
            ScoreScale::OneToFive,
            now(),
            now() + Duration::days(7),
            &reasons(),
        )
        .unwrap_err();
    assert_eq!(reissue.code(), "survey_already_answered");
}

#[test]
fn a_survey_after_a_quality_of_work_departure_asks_no_testimonial() {
    let case = conversed(DepartureKind::ClientLeaving, "work_quality")
        .begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
        .unwrap()
        .case
        .issue_survey(
            ScoreScale::ZeroToTen,
            now(),
            now() + Duration::days(7),
            &reasons(),
        )
        .unwrap()
        .case;
    assert!(!case.survey().unwrap().testimonial_requested());
}

#[test]
fn a_client_is_won_back_once_and_not_before_the_end_date() {
    let case = closed_lost();
    let err = case.mark_won_back(day("2024-03-01")).unwrap_err();
    assert_eq!(err.fields(), vec!["won_back_on"]);
    let case = case.mark_won_back(day("2024-08-01")).unwrap().case;
    assert_eq!(
        case.mark_won_back(day("2024-09-01"))
            .unwrap_err()
            .to_string(),
        "won_back_on: the client was already won back"
    );
}

#[test]
fn the_latest_unreturned_departure_is_the_one_won_back() {
    let older = closed_lost();
    let newer = {
        let notice = Notice::parse(crate::departure::NoticeInput {
            received_on: Some(day("2024-09-01")),
            requested_end_on: Some(day("2024-09-30")),
            ..notice_input()
        })
        .unwrap();
        let case = DepartureCase::open(DepartureKind::ClientLeaving, notice, &[])
            .unwrap()
            .case;
        let conversation = ExitConversation::parse(conversation_input("other", &[])).unwrap();
        let case = case
            .record_exit_conversation(conversation, &reasons())
            .unwrap()
            .case
            .begin_offboarding(&ChecklistTemplate::default_template(), Lang::En)
            .unwrap()
            .case;
        all_items_done(&case)
            .close(
                CloseInput {
                    end_on: Some(day("2024-09-30")),
                    ..close_input(Outcome::Lost)
                },
                &[],
            )
            .unwrap()
            .case
    };
    assert_eq!(
        latest_departure_to_win_back([(1, &older), (2, &newer)]),
        Some(2)
    );
    let returned = newer.mark_won_back(day("2024-10-05")).unwrap().case;
    assert_eq!(
        latest_departure_to_win_back([(1, &older), (2, &returned)]),
        Some(1)
    );
    assert_eq!(latest_departure_to_win_back([]), None);
}

#[test]
fn the_notice_can_be_amended_only_while_the_case_is_open() {
    let notice = Notice::parse(notice_input()).unwrap();
    assert!(offboarding().amend_notice(notice.clone()).is_ok());
    assert_eq!(
        closed_lost().amend_notice(notice).unwrap_err().code(),
        "wrong_stage"
    );
}

#[test]
fn every_allowed_transition_is_reached_by_some_step() {
    let reached = [
        (
            opened(DepartureKind::ClientLeaving).stage(),
            Stage::ExitConversation,
        ),
        (Stage::ExitConversation, Stage::Retention),
        (Stage::ExitConversation, offboarding().stage()),
    ];
    for (from, to) in reached {
        assert!(from.can_move_to(to) || from == Stage::Notice);
    }
    assert_eq!(TRANSITIONS.len(), 8);
}

#[test]
fn a_stored_case_whose_stage_does_not_fit_its_parts_is_refused() {
    let mut json = serde_json::to_value(offboarding()).unwrap();
    json["offboarding"] = serde_json::Value::Null;
    let err = serde_json::from_value::<DepartureCase>(json).unwrap_err();
    assert!(err.to_string().contains("offboarding"), "{err}");
    let mut json = serde_json::to_value(opened(DepartureKind::ClientLeaving)).unwrap();
    json["stage"] = "closed".into();
    assert!(serde_json::from_value::<DepartureCase>(json).is_err());
}
