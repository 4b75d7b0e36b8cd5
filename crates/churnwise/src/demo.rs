//! The demo workspace of `churnwise serve --demo`: a few hundred clients over
//! three years with contacts, subscriptions, invoices and interactions,
//! generated from a fixed seed so every newcomer sees the same living data.

use chrono::{Datelike, Duration, NaiveDate};
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role, WarningFlag};
use churnwise_domain::Money;
use churnwise_store::{
    no_progress, ClientFilter, ClientPatch, CustomerImport, InvoiceImport, NewContact,
    NewInteraction, Store, SubscriptionImport,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Name of the demo workspace.
pub const DEMO_WORKSPACE: &str = "Demo Agency";
/// Sign-in email of the demo account.
pub const DEMO_EMAIL: &str = "demo@churnwise.local";
/// Password of the demo account (demo data only).
pub const DEMO_PASSWORD: &str = "churnwise-demo";

const FIRST: &[&str] = &[
    "Acme", "Blue", "Cedar", "Delta", "Echo", "Fjord", "Golden", "Harbor", "Iris", "Juniper",
    "Kite", "Lumen", "Maple", "Nimbus", "Olive", "Pine", "Quartz", "River", "Sierra", "Tide",
    "Umbra", "Vela", "Willow", "Xenon", "Yarrow", "Zenith", "Alba", "Brisa", "Coral", "Duna",
];
const SECOND: &[&str] = &[
    "Studio",
    "Labs",
    "Bakery",
    "Dental",
    "Legal",
    "Fitness",
    "Travel",
    "Media",
    "Foods",
    "Consulting",
    "Clinic",
    "Design",
    "Logistics",
    "Academy",
    "Hotels",
    "Wines",
];
const OWNERS: &[&str] = &["ana", "bruno", "carla", "diego"];
const SEGMENTS: &[&str] = &["smb", "agency", "enterprise", "nonprofit"];
const PLANS: &[(&str, i64)] = &[
    ("Basic", 4_900),
    ("Pro", 12_900),
    ("Premium", 29_900),
    ("Retainer", 90_000),
];
const PEOPLE: &[&str] = &[
    "Lucía Gómez",
    "Martín Pérez",
    "Sofía Ruiz",
    "Hugo Díaz",
    "Emma Wilson",
    "Liam Brown",
    "Olivia Smith",
    "Noah Taylor",
    "Valentina Romero",
    "Mateo Navarro",
    "Chloe Martin",
];
const ROLES: &[&str] = &["CEO", "Marketing lead", "Operations", "Finance", "Founder"];
const NOTES: &[(InteractionKind, &str)] = &[
    (InteractionKind::Call, "Monthly check-in, all good"),
    (InteractionKind::Meeting, "Quarterly review of results"),
    (InteractionKind::Email, "Sent the monthly report"),
    (InteractionKind::Newsletter, "Product update newsletter"),
    (InteractionKind::Complaint, "Unhappy with response times"),
    (InteractionKind::Incident, "Site down for two hours"),
    (InteractionKind::Praise, "Loved the new campaign"),
];

/// Fills the database with the demo workspace when it has no workspace yet;
/// prints the demo sign-in either way.
pub async fn ensure_demo(store: &dyn Store) -> anyhow::Result<()> {
    if store.list_workspaces().await?.is_empty() {
        let today = chrono::Local::now().date_naive();
        let started = std::time::Instant::now();
        let clients = fill(store, today).await?;
        tracing::info!(clients, elapsed = ?started.elapsed(), "demo workspace created");
    }
    eprintln!(
        "Demo workspace {DEMO_WORKSPACE:?}: sign in as {DEMO_EMAIL} with password {DEMO_PASSWORD}"
    );
    Ok(())
}

fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("first of a month exists")
}

async fn fill(store: &dyn Store, today: NaiveDate) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(20_240_101);
    let ws = store.ensure_workspace(DEMO_WORKSPACE).await?;
    let hash = churnwise_app::credentials::hash_password(DEMO_PASSWORD)?;
    let user = store.upsert_user(DEMO_EMAIL, &hash).await?;
    store.set_membership(user.id, ws.id, Role::Owner).await?;

    let first_month = add_months(today, -36);
    let mut customers = Vec::new();
    let mut segments = Vec::new();
    let mut invoices = Vec::new();
    let count = 320;
    for i in 0..count {
        let id = format!("C{:04}", i + 1);
        let name = format!(
            "{} {}",
            FIRST[rng.gen_range(0..FIRST.len())],
            SECOND[rng.gen_range(0..SECOND.len())]
        );
        customers.push(CustomerImport {
            external_id: id.clone(),
            name: format!("{name} {}", i + 1),
            owner: Some(OWNERS[rng.gen_range(0..OWNERS.len())].to_string()),
            segment: Some(SEGMENTS[rng.gen_range(0..SEGMENTS.len())].to_string()),
        });
        // Start: spread over three years, more recent joins more likely.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the square root of a number in [0, 1), times 36, lies in [0, 36], so it fits i32"
        )]
        let start_month = add_months(first_month, (rng.gen::<f64>().sqrt() * 36.0) as i32);
        let start = start_month + Duration::days(rng.gen_range(0..27));
        let mut plan = rng.gen_range(0..PLANS.len() - 1);
        let mut seg_start = start;
        let mut month = add_months(start, 1);
        let mut end = None;
        while month <= today {
            if rng.gen_bool(0.028) {
                end = Some(month);
                break;
            }
            if rng.gen_bool(0.02) && plan + 1 < PLANS.len() {
                segments.push(segment(&id, plan, seg_start, Some(month)));
                plan += 1;
                seg_start = month;
            } else if rng.gen_bool(0.01) && plan > 0 {
                segments.push(segment(&id, plan, seg_start, Some(month)));
                plan -= 1;
                seg_start = month;
            }
            month = add_months(month, 1);
        }
        segments.push(segment(&id, plan, seg_start, end));
        // One invoice per started month, due two weeks later.
        let mut billed = start;
        let mut n = 0;
        while billed < end.unwrap_or(today) && billed <= today {
            let plan_mrr = segments
                .iter()
                .rev()
                .find(|s: &&SubscriptionImport| s.customer_ref == id && s.started_on <= billed)
                .map_or(PLANS[plan].1, |s| s.mrr.cents());
            let due = billed + Duration::days(14);
            let roll: f64 = rng.gen();
            let paid = if roll < 0.03 {
                None
            } else if roll < 0.12 {
                Some(due + Duration::days(rng.gen_range(5..60)))
            } else {
                Some(billed + Duration::days(rng.gen_range(0..14)))
            }
            .filter(|p| *p <= today);
            invoices.push(InvoiceImport {
                line: 0,
                invoice_ref: format!("INV-{id}-{n:03}"),
                customer_ref: id.clone(),
                amount: Money::from_cents(plan_mrr.max(1)),
                issued_on: Some(billed),
                due_on: due,
                paid_on: paid,
            });
            n += 1;
            billed = add_months(billed, 1);
        }
    }
    store
        .import_customers(ws.id, customers.clone(), &no_progress)
        .await?;
    store
        .import_subscriptions(ws.id, segments, &no_progress)
        .await?;
    store.import_invoices(ws.id, invoices, &no_progress).await?;
    // Statuses follow the subscriptions (the rule of client_status): the
    // customers whose subscriptions ended are former, the others active.
    store.refresh_client_statuses(ws.id, None, today).await?;

    for (i, customer) in customers.iter().enumerate() {
        let client = store
            .find_client(ws.id, &customer.external_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo client vanished"))?;
        for c in 0..rng.gen_range(1..=2) {
            let person = PEOPLE[(i + c * 5) % PEOPLE.len()];
            store
                .add_contact(
                    ws.id,
                    client.id,
                    NewContact {
                        name: person.to_string(),
                        role: Some(ROLES[(i + c) % ROLES.len()].to_string()),
                        email: Some(format!(
                            "{}@{}.example",
                            person.split(' ').next().unwrap_or("hello").to_lowercase(),
                            customer.external_id.to_lowercase()
                        )),
                        phone: None,
                        is_primary: c == 0,
                    },
                )
                .await?;
        }
        for _ in 0..rng.gen_range(0..5) {
            let (kind, note) = NOTES[rng.gen_range(0..NOTES.len())];
            store
                .log_interaction(
                    ws.id,
                    client.id,
                    NewInteraction {
                        kind,
                        occurred_on: today - Duration::days(rng.gen_range(0..120)),
                        author: customer.owner.clone(),
                        note: Some(note.to_string()),
                    },
                )
                .await?;
        }
    }
    let cases =
        crate::demo_cases::add_demo_cases(store, ws.id, DEMO_EMAIL, today, &mut rng).await?;
    tracing::info!(cases, "demo departure cases created");

    // The demo user is Ana, the owner of a quarter of the clients, so the
    // due list and the digest have something to show; a few clients carry
    // warning signs, and the scores are computed once so alerts show at once.
    store
        .update_user_profile(user.id, Some(Some("ana".into())), None)
        .await?;
    let active = store
        .list_clients(
            ws.id,
            &ClientFilter {
                status: Some(ClientStatus::Active),
                per_page: 500,
                ..ClientFilter::default()
            },
        )
        .await?;
    for client in active.items.iter().step_by(23) {
        let flags = match client.id.0 % 3 {
            0 => vec![
                WarningFlag::YesToEverything,
                WarningFlag::DoesNotValueExpertise,
            ],
            1 => vec![WarningFlag::TreatsTeamBadly],
            _ => vec![WarningFlag::WantsServicesNotOffered],
        };
        store
            .update_client(
                ws.id,
                client.id,
                ClientPatch {
                    warning_flags: Some(flags),
                    ..ClientPatch::default()
                },
            )
            .await?;
    }
    // Three of Ana's clients show smoke: two unpaid invoices, a recent
    // complaint and an incident on top of the team's own misgivings, so her
    // Due page has alerts.
    let anas: Vec<_> = active
        .items
        .iter()
        .filter(|c| c.owner.as_deref() == Some("ana"))
        .skip(5)
        .step_by(11)
        .take(3)
        .collect();
    for client in anas {
        store
            .update_client(
                ws.id,
                client.id,
                ClientPatch {
                    warning_flags: Some(vec![
                        WarningFlag::YesToEverything,
                        WarningFlag::DoesNotValueExpertise,
                    ]),
                    ..ClientPatch::default()
                },
            )
            .await?;
        for (n, days) in [(1, 45), (2, 15)] {
            store
                .add_invoice(
                    ws.id,
                    client.id,
                    churnwise_store::NewInvoice {
                        invoice_ref: format!("D-{}-{n}", client.id),
                        amount: Money::from_cents(38_000),
                        issued_on: Some(today - Duration::days(days + 30)),
                        due_on: today - Duration::days(days),
                        paid_on: None,
                    },
                )
                .await?;
        }
        for (kind, days, note) in [
            (
                InteractionKind::Complaint,
                12,
                "Unhappy with the last two reports: late and thin",
            ),
            (
                InteractionKind::Incident,
                5,
                "Campaign paused for a day by a billing error on our side",
            ),
        ] {
            store
                .log_interaction(
                    ws.id,
                    client.id,
                    NewInteraction {
                        kind,
                        occurred_on: today - Duration::days(days),
                        author: Some("ana".into()),
                        note: Some(note.into()),
                    },
                )
                .await?;
        }
    }
    let run = churnwise_app::early_warning::refresh(store, ws.id, today).await?;
    tracing::info!(alerts = run.raised.len(), "demo health scores computed");
    Ok(count)
}

fn segment(id: &str, plan: usize, start: NaiveDate, end: Option<NaiveDate>) -> SubscriptionImport {
    SubscriptionImport {
        line: 0,
        subscription_ref: format!("S-{id}"),
        customer_ref: id.to_string(),
        plan: Some(PLANS[plan].0.to_string()),
        mrr: Money::from_cents(PLANS[plan].1),
        started_on: start,
        ended_on: end,
    }
}
