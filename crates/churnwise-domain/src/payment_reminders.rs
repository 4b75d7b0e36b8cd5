//! Payment reminders for overdue invoices (issue 15): the workspace's
//! sequence (days after the due date, tone, texts in English and Spanish),
//! its validation, the texts filled in, and the one rule of which step of
//! the sequence is due for an invoice on a day.
//!
//! The rule ([`step_due`]): nothing for a paid invoice, a client whose
//! reminders are paused, or an invoice with a promise-to-pay date that has
//! not passed yet (a promise on day P holds the reminders up to and
//! including P; from P + 1, unpaid, they resume). Otherwise the due step is
//! the LAST step whose day (due date + its days) has come; it is sent only
//! when no step at or after it was sent before. So a step missed (the
//! server was off, the invoice was entered late, a promise held it) is not
//! sent late beside a newer one: the client gets one email, the newest
//! that applies, and never the same step twice.

use crate::lang::Lang;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The most steps a sequence may have.
pub const MAX_STEPS: usize = 10;
/// The latest day after the due date a step may fall on.
pub const MAX_DAYS: u32 = 365;
/// The longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest body, in characters.
pub const MAX_BODY_CHARS: usize = 5000;
/// The placeholders a subject or body may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "client",
    "invoice",
    "amount",
    "due_date",
    "days_overdue",
    "workspace",
];

/// How a reminder sounds (a label for people choosing texts; the text is
/// what is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// A friendly nudge.
    Friendly,
    /// A firm reminder.
    Firm,
    /// The last notice.
    Final,
}

impl Tone {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Friendly => "friendly",
            Tone::Firm => "firm",
            Tone::Final => "final",
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// English.
    pub en: String,
    /// Spanish.
    pub es: String,
}

impl Texts {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.es)
    }
}

/// One step of the sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReminderStep {
    /// Days after the due date (1 to [`MAX_DAYS`]).
    pub days_after_due: u32,
    /// How it sounds.
    pub tone: Tone,
    /// Subject line, with placeholders such as `{invoice}`.
    pub subject: Texts,
    /// Plain-text body, with placeholders such as `{amount}`.
    pub body: Texts,
}

/// The workspace's payment reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ReminderSettings {
    /// False (the default) sends no reminder: emails to clients start only
    /// when an owner or manager turns them on.
    pub enabled: bool,
    /// The language of clients without one of their own.
    pub lang: Lang,
    /// The steps, in increasing days.
    pub steps: Vec<ReminderStep>,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            enabled: false,
            lang: Lang::En,
            steps: default_steps(),
        }
    }
}

fn texts(en: &str, es: &str) -> Texts {
    Texts {
        en: en.into(),
        es: es.into(),
    }
}

/// The default sequence: 3, 10 and 20 days after the due date.
pub fn default_steps() -> Vec<ReminderStep> {
    vec![
        ReminderStep {
            days_after_due: 3,
            tone: Tone::Friendly,
            subject: texts(
                "Friendly reminder: invoice {invoice} is due",
                "Recordatorio: la factura {invoice} está pendiente",
            ),
            body: texts(
                "Hello,\n\nA quick reminder that invoice {invoice} for {amount} was due on {due_date}. If it is already on its way, please ignore this message.\n\nThank you,\n{workspace}",
                "Hola:\n\nTe recordamos que la factura {invoice} por {amount} venció el {due_date}. Si ya está en camino, ignora este mensaje.\n\nGracias,\n{workspace}",
            ),
        },
        ReminderStep {
            days_after_due: 10,
            tone: Tone::Firm,
            subject: texts(
                "Invoice {invoice} is {days_overdue} days overdue",
                "La factura {invoice} lleva {days_overdue} días vencida",
            ),
            body: texts(
                "Hello,\n\nInvoice {invoice} for {amount}, due on {due_date}, is still unpaid. Please arrange the payment or tell us when we can expect it.\n\nRegards,\n{workspace}",
                "Hola:\n\nLa factura {invoice} por {amount}, con vencimiento el {due_date}, sigue sin pagar. Por favor, realiza el pago o dinos cuándo podemos esperarlo.\n\nUn saludo,\n{workspace}",
            ),
        },
        ReminderStep {
            days_after_due: 20,
            tone: Tone::Final,
            subject: texts(
                "Final notice: invoice {invoice}",
                "Último aviso: factura {invoice}",
            ),
            body: texts(
                "Hello,\n\nInvoice {invoice} for {amount} has been overdue since {due_date} ({days_overdue} days). Please settle it as soon as possible or reply to agree a date.\n\n{workspace}",
                "Hola:\n\nLa factura {invoice} por {amount} está vencida desde el {due_date} ({days_overdue} días). Por favor, abónala lo antes posible o responde para acordar una fecha.\n\n{workspace}",
            ),
        },
    ]
}

/// A value refused, with its path (`steps[1].subject.es`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderProblem {
    /// The setting's path.
    pub field: String,
    /// Why, in English.
    pub reason: String,
}

impl ReminderSettings {
    /// Checks every value; lists every problem with its path.
    pub fn validate(&self) -> Result<(), Vec<ReminderProblem>> {
        let mut problems = Vec::new();
        let mut push = |field: String, reason: String| {
            problems.push(ReminderProblem { field, reason });
        };
        if self.steps.is_empty() {
            push("steps".into(), "needs at least one step".into());
        }
        if self.steps.len() > MAX_STEPS {
            push(
                "steps".into(),
                format!("has {} steps; at most {MAX_STEPS}", self.steps.len()),
            );
        }
        let mut previous: Option<u32> = None;
        for (i, step) in self.steps.iter().enumerate() {
            let days = step.days_after_due;
            if !(1..=MAX_DAYS).contains(&days) {
                push(
                    format!("steps[{i}].days_after_due"),
                    format!("{days} is not between 1 and {MAX_DAYS}"),
                );
            } else if let Some(p) = previous.filter(|p| days <= *p) {
                push(
                    format!("steps[{i}].days_after_due"),
                    format!("{days} must be after the previous step's {p}"),
                );
            }
            previous = Some(days);
            for (part, text, max) in [
                ("subject", &step.subject, MAX_SUBJECT_CHARS),
                ("body", &step.body, MAX_BODY_CHARS),
            ] {
                for (lang, value) in [("en", &text.en), ("es", &text.es)] {
                    let field = format!("steps[{i}].{part}.{lang}");
                    if let Err(reason) = check_text(value, max, part == "subject") {
                        push(field, reason);
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The step at `index` (0-based), if any.
    pub fn step(&self, index: usize) -> Option<&ReminderStep> {
        self.steps.get(index)
    }
}

fn check_text(value: &str, max: usize, one_line: bool) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("must not be empty".into());
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(format!("has {chars} characters; at most {max}"));
    }
    if one_line && value.contains(['\n', '\r']) {
        return Err("must be one line".into());
    }
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("has a { without its }".into());
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "uses {{{name}}}, which is not one of {}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// The values a reminder's texts are filled with (already formatted in the
/// reminder's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill<'a> {
    /// The client's name.
    pub client: &'a str,
    /// The invoice's reference.
    pub invoice: &'a str,
    /// The amount, formatted.
    pub amount: &'a str,
    /// The due date, formatted.
    pub due_date: &'a str,
    /// Days past the due date.
    pub days_overdue: i64,
    /// The workspace's name (the sender).
    pub workspace: &'a str,
}

/// `template` with its placeholders replaced (a template that passed
/// [`ReminderSettings::validate`] has no others).
pub fn fill(template: &str, values: &Fill<'_>) -> String {
    template
        .replace("{client}", values.client)
        .replace("{invoice}", values.invoice)
        .replace("{amount}", values.amount)
        .replace("{due_date}", values.due_date)
        .replace("{days_overdue}", &values.days_overdue.to_string())
        .replace("{workspace}", values.workspace)
}

/// What the rule needs to know of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceState {
    /// Due date.
    pub due_on: NaiveDate,
    /// Payment date; none while unpaid.
    pub paid_on: Option<NaiveDate>,
    /// A promise-to-pay date, if one was recorded.
    pub promised_on: Option<NaiveDate>,
    /// The client's reminders are paused.
    pub paused: bool,
    /// The highest step (0-based) already sent or being sent, if any.
    pub last_step: Option<usize>,
}

/// The day step `index` falls on for an invoice due on `due_on`.
pub fn step_day(steps: &[ReminderStep], index: usize, due_on: NaiveDate) -> Option<NaiveDate> {
    steps
        .get(index)
        .map(|s| due_on + Duration::days(i64::from(s.days_after_due)))
}

/// Why no reminder is sent for an invoice today, or which one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send step `index` (0-based).
    Send(usize),
    /// Paid: the sequence is over.
    Paid,
    /// The client's reminders are paused.
    Paused,
    /// A promise to pay holds the reminders until this day (inclusive).
    Promised(NaiveDate),
    /// Nothing due yet; the next step falls on this day.
    NotYet(NaiveDate),
    /// Every step is sent (or a later one was).
    Done,
}

/// The rule of the module header: what happens for `invoice` on `today`.
pub fn step_due(steps: &[ReminderStep], invoice: &InvoiceState, today: NaiveDate) -> Decision {
    if invoice.paid_on.is_some() {
        return Decision::Paid;
    }
    if invoice.paused {
        return Decision::Paused;
    }
    if let Some(p) = invoice.promised_on.filter(|p| *p >= today) {
        return Decision::Promised(p);
    }
    let reached = (0..steps.len())
        .rev()
        .find(|i| step_day(steps, *i, invoice.due_on).is_some_and(|d| d <= today));
    let next_unsent = invoice.last_step.map_or(0, |l| l + 1);
    match reached {
        Some(i) if invoice.last_step.is_none_or(|l| i > l) => Decision::Send(i),
        _ => match step_day(steps, next_unsent, invoice.due_on) {
            Some(day) => Decision::NotYet(day),
            None => Decision::Done,
        },
    }
}

/// The day the next reminder would go out if nothing changes (none when
/// paid, paused, or every step is sent). A promise moves it to the day
/// after the promise at the earliest.
pub fn next_reminder_on(
    steps: &[ReminderStep],
    invoice: &InvoiceState,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match step_due(steps, invoice, today) {
        Decision::Send(_) => Some(today),
        Decision::NotYet(day) => Some(day),
        Decision::Promised(p) => {
            let after = p + Duration::days(1);
            match step_due(steps, invoice, after) {
                Decision::Send(_) => Some(after),
                Decision::NotYet(day) => Some(day),
                _ => None,
            }
        }
        Decision::Paid | Decision::Paused | Decision::Done => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn unpaid(last_step: Option<usize>) -> InvoiceState {
        InvoiceState {
            due_on: d("2026-03-01"),
            paid_on: None,
            promised_on: None,
            paused: false,
            last_step,
        }
    }

    #[test]
    fn the_first_step_is_due_three_days_after_the_due_date() {
        let steps = default_steps();
        assert_eq!(
            step_due(&steps, &unpaid(None), d("2026-03-03")),
            Decision::NotYet(d("2026-03-04"))
        );
        assert_eq!(
            step_due(&steps, &unpaid(None), d("2026-03-04")),
            Decision::Send(0)
        );
        assert_eq!(
            step_due(&steps, &unpaid(Some(0)), d("2026-03-04")),
            Decision::NotYet(d("2026-03-11"))
        );
        assert_eq!(
            step_due(&steps, &unpaid(Some(0)), d("2026-03-11")),
            Decision::Send(1)
        );
        assert_eq!(
            step_due(&steps, &unpaid(Some(2)), d("2026-06-01")),
            Decision::Done
        );
    }

    #[test]
    fn a_missed_step_is_skipped_for_the_newest_one() {
        let steps = default_steps();
        // Entered 25 days late: only the final notice goes out.
        assert_eq!(
            step_due(&steps, &unpaid(None), d("2026-03-26")),
            Decision::Send(2)
        );
        assert_eq!(
            step_due(&steps, &unpaid(Some(0)), d("2026-03-26")),
            Decision::Send(2)
        );
    }

    #[test]
    fn paid_paused_and_promised_invoices_get_nothing() {
        let steps = default_steps();
        let today = d("2026-03-12");
        let paid = InvoiceState {
            paid_on: Some(d("2026-03-05")),
            ..unpaid(Some(0))
        };
        assert_eq!(step_due(&steps, &paid, today), Decision::Paid);
        assert_eq!(next_reminder_on(&steps, &paid, today), None);
        let paused = InvoiceState {
            paused: true,
            ..unpaid(Some(0))
        };
        assert_eq!(step_due(&steps, &paused, today), Decision::Paused);
        let promised = InvoiceState {
            promised_on: Some(d("2026-03-15")),
            ..unpaid(Some(0))
        };
        assert_eq!(
            step_due(&steps, &promised, today),
            Decision::Promised(d("2026-03-15"))
        );
        // The promise day itself still holds.
        assert_eq!(
            step_due(&steps, &promised, d("2026-03-15")),
            Decision::Promised(d("2026-03-15"))
        );
        // The day after, unpaid, the step missed meanwhile goes out.
        assert_eq!(
            step_due(&steps, &promised, d("2026-03-16")),
            Decision::Send(1)
        );
        assert_eq!(
            next_reminder_on(&steps, &promised, today),
            Some(d("2026-03-16"))
        );
        // A promise already past does not hold anything.
        let broken = InvoiceState {
            promised_on: Some(d("2026-03-02")),
            ..unpaid(None)
        };
        assert_eq!(step_due(&steps, &broken, today), Decision::Send(1));
    }

    #[test]
    fn the_next_reminder_day_is_the_next_steps_day() {
        let steps = default_steps();
        assert_eq!(
            next_reminder_on(&steps, &unpaid(Some(0)), d("2026-03-05")),
            Some(d("2026-03-11"))
        );
        assert_eq!(
            next_reminder_on(&steps, &unpaid(Some(2)), d("2026-04-05")),
            None
        );
    }

    #[test]
    fn the_defaults_are_valid_and_off() {
        let s = ReminderSettings::default();
        assert!(!s.enabled);
        assert!(s.validate().is_ok());
        let days: Vec<u32> = s.steps.iter().map(|s| s.days_after_due).collect();
        assert_eq!(days, vec![3, 10, 20]);
    }

    #[test]
    fn every_bad_value_is_named_with_its_path() {
        let mut s = ReminderSettings::default();
        s.steps[1].days_after_due = 3;
        s.steps[2].days_after_due = 400;
        s.steps[0].subject.es = " ".into();
        s.steps[1].body.en = "Pay {amont} now".into();
        s.steps[2].subject.en = "two\nlines".into();
        let problems = s.validate().unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "steps[0].subject.es",
                "steps[1].days_after_due",
                "steps[1].body.en",
                "steps[2].days_after_due",
                "steps[2].subject.en",
            ]
        );
        assert!(problems[2].reason.contains("{amont}"), "{problems:?}");
        let empty = ReminderSettings {
            steps: vec![],
            ..Default::default()
        };
        assert_eq!(empty.validate().unwrap_err()[0].field, "steps");
    }

    #[test]
    fn texts_are_filled_in() {
        let values = Fill {
            client: "Acme",
            invoice: "INV-7",
            amount: "€120.00",
            due_date: "1 Mar 2026",
            days_overdue: 3,
            workspace: "Studio",
        };
        let steps = default_steps();
        assert_eq!(
            fill(steps[0].subject.get(Lang::En), &values),
            "Friendly reminder: invoice INV-7 is due"
        );
        assert_eq!(
            fill(steps[1].subject.get(Lang::Es), &values),
            "La factura INV-7 lleva 3 días vencida"
        );
    }
}
