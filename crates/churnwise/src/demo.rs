//! The demo workspace of `churnwise serve --demo`: a few hundred clients over
//! three years with contacts, subscriptions, invoices and interactions,
//! generated from a fixed seed so every newcomer sees the same living data.

use chrono::{Datelike, Duration, NaiveDate};
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role, WarningFlag};
use churnwise_domain::{Lang, Money};
use churnwise_store::{
    no_progress, ClientFilter, ClientPatch, CustomerImport, InvoiceImport, NewContact,
    NewInteraction, Store, SubscriptionImport,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Name of the demo workspace (English demo).
pub const DEMO_WORKSPACE: &str = "Demo Agency";
/// Sign-in email of the demo account.
pub const DEMO_EMAIL: &str = "demo@churnwise.local";
/// Password of the demo account (demo data only).
pub const DEMO_PASSWORD: &str = "churnwise-demo";

/// The words of the demo in one language: everything the demo writes that
/// a person reads (names of people and brands aside).
pub(crate) struct DemoWords {
    /// The workspace's name.
    pub(crate) workspace: &'static str,
    /// The second word of client names.
    pub(crate) second: &'static [&'static str],
    /// Segments.
    pub(crate) segments: &'static [&'static str],
    /// Plans and their monthly price in cents.
    pub(crate) plans: &'static [(&'static str, i64)],
    /// Contacts' roles.
    pub(crate) roles: &'static [&'static str],
    /// Everyday interactions and their notes.
    pub(crate) notes: &'static [(InteractionKind, &'static str)],
    /// The complaint and the incident of the clients that show smoke.
    pub(crate) smoke: [&'static str; 2],
    /// Reasons a client leaves for, with the client's words.
    pub(crate) leaving: &'static [(&'static str, &'static str)],
    /// Reasons the team ends a relationship for, with the words recorded.
    pub(crate) ending: &'static [(&'static str, &'static str)],
    /// The department named in exit conversations.
    pub(crate) department: &'static str,
    /// Why unpaid invoices are waived at the end.
    pub(crate) written_off: &'static str,
    /// The corrective action learnt from lost clients.
    pub(crate) corrective_action: &'static str,
    /// The client's words in the open retention case.
    pub(crate) expensive: &'static str,
    /// The account handed over in the open offboarding case.
    pub(crate) handed_over_account: &'static str,
    /// Who received it when the client has no owner.
    pub(crate) the_client: &'static str,
}

const EN: DemoWords = DemoWords {
    workspace: DEMO_WORKSPACE,
    second: &[
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
    ],
    segments: &["smb", "agency", "enterprise", "nonprofit"],
    plans: &[
        ("Basic", 4_900),
        ("Pro", 12_900),
        ("Premium", 29_900),
        ("Retainer", 90_000),
    ],
    roles: &["CEO", "Marketing lead", "Operations", "Finance", "Founder"],
    notes: &[
        (InteractionKind::Call, "Monthly check-in, all good"),
        (InteractionKind::Meeting, "Quarterly review of results"),
        (InteractionKind::Email, "Sent the monthly report"),
        (InteractionKind::Newsletter, "Product update newsletter"),
        (InteractionKind::Complaint, "Unhappy with response times"),
        (InteractionKind::Incident, "Site down for two hours"),
        (InteractionKind::Praise, "Loved the new campaign"),
    ],
    smoke: [
        "Unhappy with the last two reports: late and thin",
        "Campaign paused for a day by a billing error on our side",
    ],
    leaving: &[
        (
            "price_too_high",
            "It costs more than what we get out of it.",
        ),
        ("needs_changed", "We are taking the work in-house."),
        ("no_results", "We never really used it as we planned."),
        (
            "cheaper_competitor",
            "Another agency offered the same for less.",
        ),
        ("poor_service", "Replies took too long this year."),
        ("budget_cut", "Our budget for next year was cut."),
        (
            "work_quality",
            "The last campaigns were below what we expected.",
        ),
        ("other", "Our company is being sold."),
    ],
    ending: &[
        ("scope_creep", "Every month brought new unpaid requests."),
        (
            "treats_team_badly",
            "The team was treated badly in meetings.",
        ),
    ],
    department: "account management",
    written_off: "Written off at the end of the relationship",
    corrective_action: "Review every account's results with the client each quarter",
    expensive: "We found it expensive this year.",
    handed_over_account: "Analytics admin",
    the_client: "the client",
};

const ES: DemoWords = DemoWords {
    workspace: "Agencia Demo",
    second: &[
        "Estudio",
        "Laboratorio",
        "Panadería",
        "Dental",
        "Abogados",
        "Gimnasio",
        "Viajes",
        "Medios",
        "Alimentos",
        "Consultoría",
        "Clínica",
        "Diseño",
        "Logística",
        "Academia",
        "Hoteles",
        "Vinos",
    ],
    segments: &["pyme", "agencia", "gran empresa", "sin ánimo de lucro"],
    plans: &[
        ("Básico", 4_900),
        ("Profesional", 12_900),
        ("Prémium", 29_900),
        ("Iguala", 90_000),
    ],
    roles: &[
        "Director general",
        "Responsable de marketing",
        "Operaciones",
        "Finanzas",
        "Fundadora",
    ],
    notes: &[
        (InteractionKind::Call, "Revisión mensual, todo bien"),
        (
            InteractionKind::Meeting,
            "Revisión trimestral de resultados",
        ),
        (InteractionKind::Email, "Enviado el informe mensual"),
        (
            InteractionKind::Newsletter,
            "Boletín de novedades del producto",
        ),
        (
            InteractionKind::Complaint,
            "Descontento con los tiempos de respuesta",
        ),
        (InteractionKind::Incident, "Web caída durante dos horas"),
        (InteractionKind::Praise, "Le encantó la nueva campaña"),
    ],
    smoke: [
        "Descontento con los dos últimos informes: tarde y escasos",
        "Campaña parada un día por un error de facturación nuestro",
    ],
    leaving: &[
        ("price_too_high", "Cuesta más de lo que nos aporta."),
        (
            "needs_changed",
            "Vamos a hacer el trabajo con nuestro propio equipo.",
        ),
        (
            "no_results",
            "Nunca llegamos a usarlo como teníamos previsto.",
        ),
        (
            "cheaper_competitor",
            "Otra agencia nos ofreció lo mismo por menos.",
        ),
        (
            "poor_service",
            "Este año las respuestas tardaron demasiado.",
        ),
        (
            "budget_cut",
            "Nos han recortado el presupuesto del año que viene.",
        ),
        (
            "work_quality",
            "Las últimas campañas quedaron por debajo de lo esperado.",
        ),
        ("other", "Están vendiendo nuestra empresa."),
    ],
    ending: &[
        (
            "scope_creep",
            "Cada mes llegaban nuevas peticiones sin pagar.",
        ),
        (
            "treats_team_badly",
            "En las reuniones se trataba mal al equipo.",
        ),
    ],
    department: "gestión de cuentas",
    written_off: "Dada por perdida al terminar la relación",
    corrective_action: "Revisar cada trimestre con el cliente los resultados de su cuenta",
    expensive: "Este año nos ha parecido caro.",
    handed_over_account: "Administración de Analytics",
    the_client: "el cliente",
};

/// The demo's words in a language.
pub(crate) fn words(lang: Lang) -> &'static DemoWords {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

const FIRST: &[&str] = &[
    "Acme", "Blue", "Cedar", "Delta", "Echo", "Fjord", "Golden", "Harbor", "Iris", "Juniper",
    "Kite", "Lumen", "Maple", "Nimbus", "Olive", "Pine", "Quartz", "River", "Sierra", "Tide",
    "Umbra", "Vela", "Willow", "Xenon", "Yarrow", "Zenith", "Alba", "Brisa", "Coral", "Duna",
];
const OWNERS: &[&str] = &["ana", "bruno", "carla", "diego"];
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

/// Fills the database with the demo workspace, in `lang`, when it has no
/// workspace yet; prints the demo sign-in either way.
pub async fn ensure_demo(store: &dyn Store, lang: Lang) -> anyhow::Result<()> {
    let workspace = match store.list_workspaces().await?.first() {
        Some(ws) => ws.name.clone(),
        None => {
            let today = chrono::Local::now().date_naive();
            let started = std::time::Instant::now();
            let clients = fill(store, today, lang).await?;
            tracing::info!(clients, elapsed = ?started.elapsed(), "demo workspace created");
            words(lang).workspace.to_string()
        }
    };
    eprintln!(
        "Demo workspace {workspace:?}: sign in as {DEMO_EMAIL} with password {DEMO_PASSWORD}"
    );
    Ok(())
}

fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .expect("first of a month exists")
}

async fn fill(store: &dyn Store, today: NaiveDate, lang: Lang) -> anyhow::Result<usize> {
    let words = words(lang);
    let mut rng = StdRng::seed_from_u64(20_240_101);
    let ws = store.ensure_workspace(words.workspace).await?;
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
            words.second[rng.gen_range(0..words.second.len())]
        );
        customers.push(CustomerImport {
            external_id: id.clone(),
            name: format!("{name} {}", i + 1),
            owner: Some(OWNERS[rng.gen_range(0..OWNERS.len())].to_string()),
            segment: Some(words.segments[rng.gen_range(0..words.segments.len())].to_string()),
        });
        // Start: spread over three years, more recent joins more likely.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the square root of a number in [0, 1), times 36, lies in [0, 36], so it fits i32"
        )]
        let start_month = add_months(first_month, (rng.gen::<f64>().sqrt() * 36.0) as i32);
        let start = start_month + Duration::days(rng.gen_range(0..27));
        let plans = words.plans;
        let mut plan = rng.gen_range(0..plans.len() - 1);
        let mut seg_start = start;
        let mut month = add_months(start, 1);
        let mut end = None;
        while month <= today {
            if rng.gen_bool(0.028) {
                end = Some(month);
                break;
            }
            if rng.gen_bool(0.02) && plan + 1 < plans.len() {
                segments.push(segment(&id, plans[plan], seg_start, Some(month)));
                plan += 1;
                seg_start = month;
            } else if rng.gen_bool(0.01) && plan > 0 {
                segments.push(segment(&id, plans[plan], seg_start, Some(month)));
                plan -= 1;
                seg_start = month;
            }
            month = add_months(month, 1);
        }
        segments.push(segment(&id, plans[plan], seg_start, end));
        // One invoice per started month, due two weeks later.
        let mut billed = start;
        let mut n = 0;
        while billed < end.unwrap_or(today) && billed <= today {
            let plan_mrr = segments
                .iter()
                .rev()
                .find(|s: &&SubscriptionImport| s.customer_ref == id && s.started_on <= billed)
                .map_or(plans[plan].1, |s| s.mrr.cents());
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
                        role: Some(words.roles[(i + c) % words.roles.len()].to_string()),
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
            let (kind, note) = words.notes[rng.gen_range(0..words.notes.len())];
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
        crate::demo_cases::add_demo_cases(store, ws.id, DEMO_EMAIL, today, lang, &mut rng).await?;
    tracing::info!(cases, "demo departure cases created");

    // The demo user is Ana, the owner of a quarter of the clients, so the
    // due list and the digest have something to show; a few clients carry
    // warning signs, and the scores are computed once so alerts show at once.
    store
        .update_user_profile(user.id, Some(Some("ana".into())), Some(Some(lang)))
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
            (InteractionKind::Complaint, 12, words.smoke[0]),
            (InteractionKind::Incident, 5, words.smoke[1]),
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

fn segment(
    id: &str,
    (plan, mrr): (&str, i64),
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> SubscriptionImport {
    SubscriptionImport {
        line: 0,
        subscription_ref: format!("S-{id}"),
        customer_ref: id.to_string(),
        plan: Some(plan.to_string()),
        mrr: Money::from_cents(mrr),
        started_on: start,
        ended_on: end,
    }
}
