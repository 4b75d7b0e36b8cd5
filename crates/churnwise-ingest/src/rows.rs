//! The columns of each input file and the validation of one row into typed,
//! borrowed values; shared by the owned-record API and the fast path.

use crate::problems::Problems;
use crate::table::Fields;
use chrono::NaiveDate;
use churnwise_domain::{dates::parse_date_bytes, Money};

/// Which of the three input files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `customers.csv`.
    Customers,
    /// `subscriptions.csv`.
    Subscriptions,
    /// `invoices.csv`.
    Invoices,
    /// `contacts.csv`: the people at each client (imports only).
    Contacts,
    /// `interactions.csv`: calls, meetings, emails… with each client (imports only).
    Interactions,
    /// `work.csv`: the work log of each client (issue 16; imports only).
    Work,
}

impl FileKind {
    /// The columns the file may have, with whether each is required.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            FileKind::Customers => &[
                ("customer_id", true),
                ("name", true),
                ("owner", false),
                ("segment", false),
                ("currency", false),
            ],
            FileKind::Subscriptions => &[
                ("subscription_id", true),
                ("customer_id", true),
                ("plan", false),
                ("mrr", true),
                ("started_on", true),
                ("ended_on", false),
                ("currency", false),
            ],
            FileKind::Invoices => &[
                ("invoice_id", true),
                ("customer_id", true),
                ("amount", true),
                ("issued_on", false),
                ("due_on", true),
                ("paid_on", false),
                ("currency", false),
            ],
            FileKind::Contacts => &[
                ("customer_id", true),
                ("name", true),
                ("role", false),
                ("email", false),
                ("phone", false),
                ("primary", false),
            ],
            FileKind::Interactions => &[
                ("customer_id", true),
                ("kind", true),
                ("occurred_on", true),
                ("author", false),
                ("note", false),
            ],
            FileKind::Work => &[
                ("customer_id", true),
                ("on", true),
                ("title", true),
                ("body", false),
                ("result", false),
                ("unit", false),
                ("link", false),
                ("visibility", false),
            ],
        }
    }

    /// Order in which problems of the files are reported.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// Where problems of the rows being read go.
pub(crate) struct RowContext<'p> {
    pub file: &'p str,
    pub rank: u8,
    pub columns: &'p [Option<usize>],
    pub names: &'static [(&'static str, bool)],
    /// False when the bytes were already found to be valid UTF-8 as a whole.
    pub check_utf8: bool,
}

impl RowContext<'_> {
    fn raw<'f>(&self, fields: &'f Fields<'_>, col: usize) -> &'f [u8] {
        self.columns[col]
            .and_then(|i| fields.get(i))
            .unwrap_or_default()
    }

    fn problem(&self, problems: &mut Problems, line: u64, col: usize, reason: String) {
        problems.push(self.rank, self.file, line, self.names[col].0, reason);
    }

    /// A text field (UTF-8 checked); `None` (with a problem) when required
    /// and empty or not UTF-8.
    fn text<'f>(
        &self,
        fields: &'f Fields<'_>,
        line: u64,
        col: usize,
        problems: &mut Problems,
    ) -> Option<&'f [u8]> {
        let text = self.raw(fields, col);
        if self.check_utf8 && std::str::from_utf8(text).is_err() {
            self.problem(problems, line, col, "is not valid UTF-8 text".into());
            return None;
        }
        if text.is_empty() && self.names[col].1 {
            self.problem(problems, line, col, "required value is missing".into());
            return None;
        }
        Some(text)
    }

    /// A required date.
    fn date(
        &self,
        fields: &Fields<'_>,
        line: u64,
        col: usize,
        problems: &mut Problems,
    ) -> Option<NaiveDate> {
        let raw = self.raw(fields, col);
        if raw.is_empty() {
            self.problem(problems, line, col, "required value is missing".into());
            return None;
        }
        self.parse_date(raw, line, col, problems)
    }

    /// An optional date: `Some(None)` when empty, `None` when bad.
    fn optional_date(
        &self,
        fields: &Fields<'_>,
        line: u64,
        col: usize,
        problems: &mut Problems,
    ) -> Option<Option<NaiveDate>> {
        let raw = self.raw(fields, col);
        if raw.is_empty() {
            return Some(None);
        }
        self.parse_date(raw, line, col, problems).map(Some)
    }

    fn parse_date(
        &self,
        raw: &[u8],
        line: u64,
        col: usize,
        problems: &mut Problems,
    ) -> Option<NaiveDate> {
        let date = parse_date_bytes(raw);
        if date.is_none() {
            let reason = format!(
                "{:?} is not a date as YYYY-MM-DD",
                String::from_utf8_lossy(raw)
            );
            self.problem(problems, line, col, reason);
        }
        date
    }

    /// A required amount of money; `positive` demands > 0, else >= 0.
    fn money(
        &self,
        fields: &Fields<'_>,
        line: u64,
        col: usize,
        positive: bool,
        problems: &mut Problems,
    ) -> Option<Money> {
        let raw = self.raw(fields, col);
        let text = || String::from_utf8_lossy(raw).into_owned();
        match Money::parse_bytes(raw) {
            Ok(m) if m.cents() < 0 => {
                self.problem(problems, line, col, format!("{:?} is negative", text()));
                None
            }
            Ok(m) if positive && m.cents() == 0 => {
                let reason = format!("{:?} is not greater than zero", text());
                self.problem(problems, line, col, reason);
                None
            }
            Ok(m) => Some(m),
            Err(churnwise_domain::money::MoneyErrorKind::Empty) => {
                self.problem(problems, line, col, "required value is missing".into());
                None
            }
            Err(kind) => {
                let reason = kind.into_error(&text()).to_string();
                self.problem(problems, line, col, reason);
                None
            }
        }
    }

    /// The `currency` field (last column of every kind), `None` when empty.
    fn currency<'f>(&self, fields: &'f Fields<'_>) -> Option<&'f [u8]> {
        let raw = self.raw(fields, self.names.len() - 1);
        (!raw.is_empty()).then_some(raw)
    }
}

/// A valid row of `customers.csv`.
pub(crate) struct CustomerRow<'f> {
    pub id: &'f [u8],
    pub name: &'f [u8],
    pub owner: &'f [u8],
    pub segment: &'f [u8],
    pub currency: Option<&'f [u8]>,
}

/// A valid row of `subscriptions.csv`.
pub(crate) struct SubscriptionRow<'f> {
    pub id: &'f [u8],
    pub customer_id: &'f [u8],
    pub plan: &'f [u8],
    pub mrr: Money,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub currency: Option<&'f [u8]>,
}

/// A valid row of `invoices.csv`.
pub(crate) struct InvoiceRow<'f> {
    pub id: &'f [u8],
    pub customer_id: &'f [u8],
    pub amount: Money,
    pub issued_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    pub currency: Option<&'f [u8]>,
}

/// Validates one customers row; every problem of the row is recorded.
pub(crate) fn customer<'f>(
    ctx: &RowContext<'_>,
    fields: &'f Fields<'_>,
    line: u64,
    problems: &mut Problems,
) -> Option<CustomerRow<'f>> {
    let id = ctx.text(fields, line, 0, problems);
    let name = ctx.text(fields, line, 1, problems);
    let owner = ctx.text(fields, line, 2, problems);
    let segment = ctx.text(fields, line, 3, problems);
    Some(CustomerRow {
        id: id?,
        name: name?,
        owner: owner?,
        segment: segment?,
        currency: ctx.currency(fields),
    })
}

/// Validates one subscriptions row; every problem of the row is recorded.
pub(crate) fn subscription<'f>(
    ctx: &RowContext<'_>,
    fields: &'f Fields<'_>,
    line: u64,
    problems: &mut Problems,
) -> Option<SubscriptionRow<'f>> {
    let id = ctx.text(fields, line, 0, problems);
    let customer_id = ctx.text(fields, line, 1, problems);
    let plan = ctx.text(fields, line, 2, problems);
    let mrr = ctx.money(fields, line, 3, false, problems);
    let started_on = ctx.date(fields, line, 4, problems);
    let ended_on = ctx.optional_date(fields, line, 5, problems);
    if let (Some(start), Some(Some(end))) = (started_on, ended_on) {
        if end <= start {
            let reason = format!("{end} is not after started_on {start}");
            ctx.problem(problems, line, 5, reason);
            return None;
        }
    }
    Some(SubscriptionRow {
        id: id?,
        customer_id: customer_id?,
        plan: plan?,
        mrr: mrr?,
        started_on: started_on?,
        ended_on: ended_on?,
        currency: ctx.currency(fields),
    })
}

/// Validates one invoices row; every problem of the row is recorded.
pub(crate) fn invoice<'f>(
    ctx: &RowContext<'_>,
    fields: &'f Fields<'_>,
    line: u64,
    problems: &mut Problems,
) -> Option<InvoiceRow<'f>> {
    let id = ctx.text(fields, line, 0, problems);
    let customer_id = ctx.text(fields, line, 1, problems);
    let amount = ctx.money(fields, line, 2, true, problems);
    let issued_on = ctx.optional_date(fields, line, 3, problems);
    let due_on = ctx.date(fields, line, 4, problems);
    let paid_on = ctx.optional_date(fields, line, 5, problems);
    Some(InvoiceRow {
        id: id?,
        customer_id: customer_id?,
        amount: amount?,
        issued_on: issued_on?,
        due_on: due_on?,
        paid_on: paid_on?,
        currency: ctx.currency(fields),
    })
}

/// A valid row of `contacts.csv`.
pub(crate) struct ContactRow<'f> {
    pub customer_id: &'f [u8],
    pub name: &'f [u8],
    pub role: &'f [u8],
    pub email: &'f [u8],
    pub phone: &'f [u8],
    pub primary: bool,
}

/// Validates one contacts row; every problem of the row is recorded.
pub(crate) fn contact<'f>(
    ctx: &RowContext<'_>,
    fields: &'f Fields<'_>,
    line: u64,
    problems: &mut Problems,
) -> Option<ContactRow<'f>> {
    let customer_id = ctx.text(fields, line, 0, problems);
    let name = ctx.text(fields, line, 1, problems);
    let role = ctx.text(fields, line, 2, problems);
    let email = ctx.text(fields, line, 3, problems);
    if let Some(e) = email {
        if !e.is_empty() && (!e.contains(&b'@') || e.contains(&b' ')) {
            let reason = format!("{:?} is not an email address", String::from_utf8_lossy(e));
            ctx.problem(problems, line, 3, reason);
            return None;
        }
    }
    let phone = ctx.text(fields, line, 4, problems);
    let raw = ctx.raw(fields, 5);
    let primary = match String::from_utf8_lossy(raw).trim().to_lowercase().as_str() {
        "" | "no" | "false" | "0" | "n" => Some(false),
        "yes" | "true" | "1" | "y" | "x" | "sí" | "si" | "s" => Some(true),
        other => {
            let reason = format!("{other:?} is not yes or no");
            ctx.problem(problems, line, 5, reason);
            None
        }
    };
    Some(ContactRow {
        customer_id: customer_id?,
        name: name?,
        role: role?,
        email: email?,
        phone: phone?,
        primary: primary?,
    })
}

/// A valid row of `interactions.csv`.
pub(crate) struct InteractionRow<'f> {
    pub customer_id: &'f [u8],
    pub kind: churnwise_domain::registry::InteractionKind,
    pub occurred_on: NaiveDate,
    pub author: &'f [u8],
    pub note: &'f [u8],
}

/// Validates one interactions row; every problem of the row is recorded.
pub(crate) fn interaction<'f>(
    ctx: &RowContext<'_>,
    fields: &'f Fields<'_>,
    line: u64,
    problems: &mut Problems,
) -> Option<InteractionRow<'f>> {
    let customer_id = ctx.text(fields, line, 0, problems);
    let kind = ctx.text(fields, line, 1, problems).and_then(|k| {
        let text = String::from_utf8_lossy(k);
        match text.parse::<churnwise_domain::registry::InteractionKind>() {
            Ok(kind) => Some(kind),
            Err(reason) => {
                ctx.problem(problems, line, 1, reason);
                None
            }
        }
    });
    let occurred_on = ctx.date(fields, line, 2, problems);
    let author = ctx.text(fields, line, 3, problems);
    let note = ctx.text(fields, line, 4, problems);
    Some(InteractionRow {
        customer_id: customer_id?,
        kind: kind?,
        occurred_on: occurred_on?,
        author: author?,
        note: note?,
    })
}

/// A row of `work.csv`, its texts checked as UTF-8 only (the work log's
/// own rules are applied by the import use case).
pub(crate) struct WorkRow<'f> {
    pub customer_id: &'f [u8],
    pub on: NaiveDate,
    pub texts: [&'f [u8]; 6],
}

/// Validates one work row; every problem of the row is recorded.
pub(crate) fn work<'f>(
    ctx: &RowContext<'_>,
    fields: &'f Fields<'_>,
    line: u64,
    problems: &mut Problems,
) -> Option<WorkRow<'f>> {
    let customer_id = ctx.text(fields, line, 0, problems);
    let on = ctx.date(fields, line, 1, problems);
    let texts: Vec<Option<&[u8]>> = (2..8)
        .map(|col| ctx.text(fields, line, col, problems))
        .collect();
    let texts: Vec<&[u8]> = texts.into_iter().collect::<Option<_>>()?;
    Some(WorkRow {
        customer_id: customer_id?,
        on: on?,
        texts: [texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]],
    })
}

/// The distinct values of a `currency` column: the first value seen is the
/// file's currency; rows with another one are problems.
#[derive(Debug, Clone, Default)]
pub(crate) struct Currencies {
    /// `(value, first line, lines kept (first 20), count)` per distinct value.
    seen: Vec<(Vec<u8>, u64, Vec<u64>, u64)>,
}

impl Currencies {
    /// Notes the currency of a row.
    pub fn note(&mut self, value: Option<&[u8]>, line: u64) {
        let Some(value) = value else { return };
        if let Some(last) = self.seen.last_mut() {
            if last.0 == value {
                last.3 += 1;
                if last.2.len() < crate::problems::MAX_SHOWN {
                    last.2.push(line);
                }
                return;
            }
        }
        match self.seen.iter_mut().find(|s| s.0 == value) {
            Some(s) => {
                s.3 += 1;
                if s.2.len() < crate::problems::MAX_SHOWN {
                    s.2.push(line);
                }
            }
            None => self.seen.push((value.to_vec(), line, vec![line], 1)),
        }
    }

    /// Adds the values seen in a later part of the same file.
    pub fn merge(&mut self, other: Currencies) {
        for (value, first, lines, count) in other.seen {
            match self.seen.iter_mut().find(|s| s.0 == value) {
                Some(s) => {
                    s.1 = s.1.min(first);
                    s.2.extend(lines);
                    s.2.sort_unstable();
                    s.2.truncate(crate::problems::MAX_SHOWN);
                    s.3 += count;
                }
                None => self.seen.push((value, first, lines, count)),
            }
        }
    }

    /// The file's currency (the first one seen), if any.
    pub fn first(&self) -> Option<(String, u64)> {
        self.seen
            .iter()
            .min_by_key(|s| s.1)
            .map(|s| (String::from_utf8_lossy(&s.0).into_owned(), s.1))
    }

    /// Records a problem for each row whose currency is not the first one.
    pub fn report(&self, file: &str, rank: u8, problems: &mut Problems) {
        let Some((main, main_line)) = self.first() else {
            return;
        };
        for (value, _, lines, count) in &self.seen {
            if *value == main.as_bytes() {
                continue;
            }
            let value = String::from_utf8_lossy(value);
            let reason = || {
                format!("{value:?} differs from the file's currency {main:?} (line {main_line})")
            };
            for &line in lines {
                problems.push(rank, file, line, "currency", reason());
            }
            // Rows beyond the kept ones still count.
            problems.count_unshown(usize::try_from(*count).unwrap_or(usize::MAX) - lines.len());
        }
    }
}
