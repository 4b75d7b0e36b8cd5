//! Pages speak the reader's language (issue #13): a case's checklist, its
//! close blockers, the handover item and channel, the retention suggestion
//! and the history read in the language of whoever reads them, whatever the
//! language the case was made in; dates in the history are written the
//! reader's way; and `serve --demo --lang es` makes the demo in Spanish.

use crate::both_backends;
use crate::cases_api::setup;
use crate::pages::{get, html, sign_in, Jar};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_store_tests::Backend;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The text of the history section of a case page.
fn history_of(page: &str) -> &str {
    let start = page.find("id=\"history\"").expect("a history section");
    &page[start..]
}

async fn a_case_reads_in_the_language_of_whoever_reads_it(backend: Backend) {
    let s = setup(backend).await;
    let case = s
        .ok(
            Method::POST,
            "/api/v1/cases",
            json!({"client_id": s.client, "notice": {
                "received_on": "2024-03-01", "channel": "email", "received_by": "ana",
                "requested_end_on": "2024-03-31", "notice_period_days": 30,
                "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                    "our_commitments_met": true, "client_commitments_met": true}
            }}),
            StatusCode::CREATED,
        )
        .await;
    let id = case["id"].as_i64().unwrap();
    let base = format!("/api/v1/cases/{id}");
    s.ok(
        Method::PUT,
        &format!("{base}/exit-conversation"),
        json!({"clients_words": "Los informes llegaban tarde.", "primary_reason": "work_quality",
               "controllable": true, "renegotiable": false}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/retention"),
        json!({"suggested": true, "owner": "ana", "due_on": "2024-03-08"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/retention/outcome"),
        json!({"outcome": "leaving"}),
        StatusCode::OK,
    )
    .await;
    // Made by a Spanish speaker: the checklist is made in Spanish.
    s.ok(
        Method::POST,
        &format!("{base}/offboarding"),
        json!({"lang": "es"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/offboarding/items/1/done"),
        json!({}),
        StatusCode::OK,
    )
    .await;
    // The Spanish form's prefilled channel, and a custom item typed in Spanish.
    s.ok(
        Method::POST,
        &format!("{base}/offboarding/handovers"),
        json!({"account": "Google Ads", "recipient": "Luis", "channel": "gestor de contraseñas",
               "handed_over_on": "2024-03-20"}),
        StatusCode::CREATED,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/offboarding/items"),
        json!({"label": "Exportar el historial de informes"}),
        StatusCode::CREATED,
    )
    .await;

    let ana = sign_in(&s.app, "ana@example.com").await;
    let path = format!("/cases/{id}");
    let en = get(&s.app, &path, &ana.clone().with("lang", "en"), None).await;
    assert_eq!(en.status, StatusCode::OK);
    let en = html(&en);
    let es = get(&s.app, &path, &ana.clone().with("lang", "es"), None).await;
    assert_eq!(es.status, StatusCode::OK);
    let es = html(&es);

    // The checklist and the close blockers that quote it.
    assert!(en.contains("End date agreed and recorded"), "{en}");
    assert!(
        !en.contains("Fecha de fin acordada"),
        "Spanish item in English"
    );
    assert!(es.contains("Fecha de fin acordada y registrada"));
    assert!(!es.contains("End date agreed"), "English item in Spanish");
    assert!(
        en.contains("Every pending invoice settled before the end date")
            && !en.contains("Todas las facturas pendientes"),
        "close blockers in English"
    );
    assert!(es.contains("«Todas las facturas pendientes saldadas antes de la fecha de fin»"));
    // The handover ticks the required credentials item (issue #13's forms
    // point); the item and the channel read in the reader's language.
    assert!(
        en.contains("Credentials handed over through a password manager")
            && en.contains("Google Ads")
    );
    assert!(en.contains("password manager") && !en.contains("gestor de contraseñas"));
    assert!(
        es.contains("Credenciales traspasadas mediante un gestor de contraseñas")
            && es.contains("Google Ads")
    );
    assert!(!es.contains("Credentials handed over") && !es.contains("password manager"));
    // The retention suggestion of the reason's playbook.
    assert!(en.contains("Review the work with the client and agree on corrections"));
    assert!(!en.contains("Revisar el trabajo con el cliente"));
    assert!(es.contains("Revisar el trabajo con el cliente y acordar correcciones"));
    assert!(!es.contains("Review the work with the client"));
    // A custom item stays as typed, in both.
    assert!(en.contains("Exportar el historial de informes"));
    assert!(es.contains("Exportar el historial de informes"));
    // The history: item labels and actions in the reader's language, dates
    // written the reader's way.
    let (en_history, es_history) = (history_of(en), history_of(es));
    assert!(
        en_history.contains("notice received on 1 Mar 2024"),
        "{en_history}"
    );
    assert!(en_history.contains("Checklist item 1 done: End date agreed and recorded"));
    assert!(en_history.contains("via password manager on 20 Mar 2024"));
    assert!(
        es_history.contains("aviso recibido el 1 mar 2024"),
        "{es_history}"
    );
    assert!(es_history.contains("Elemento 1 hecho: Fecha de fin acordada y registrada"));
    assert!(es_history.contains("por gestor de contraseñas el 20 mar 2024"));
    assert!(es_history.contains("Traspaso por defecto"));
    for iso in ["2024-03-01", "2024-03-20"] {
        assert!(!es_history.contains(iso), "ISO date {iso} in the history");
    }

    // The API keeps both labels of a template item.
    let case = s.show(id).await;
    let first = &case["case"]["offboarding"]["items"][0];
    assert_eq!(first["labels"]["en"], "End date agreed and recorded");
    assert_eq!(first["labels"]["es"], "Fecha de fin acordada y registrada");
}

both_backends!(a_case_reads_in_the_language_of_whoever_reads_it);

/// Runs `serve --demo --lang <lang>` on a fresh SQLite database until it
/// listens, then stops it; the app over the same database, and the demo
/// account signed in.
async fn demo_in(lang: &str) -> (TestApp, Jar) {
    let app = TestApp::new(Backend::Sqlite).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .args(["--database", &app.t.url, "serve", "--no-scheduler"])
        .args(["--demo", "--lang", lang, "--port", &port.to_string()])
        .env("CHURNWISE_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("churnwise listening") {
                let _ = tx.send(());
                return;
            }
        }
    });
    let listening = rx.recv_timeout(std::time::Duration::from_secs(120));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        listening.is_ok(),
        "serve --demo --lang {lang} did not start"
    );
    // The demo account, with the test password.
    app.store()
        .upsert_user(
            "demo@churnwise.local",
            &churnwise_web::auth::hash_password("a long password").unwrap(),
        )
        .await
        .unwrap();
    let jar = sign_in(&app, "demo@churnwise.local").await;
    (app, jar)
}

/// The pages of a demo a reader meets first: the cases in offboarding and
/// closed, a client with interactions, the due list.
async fn demo_pages(app: &TestApp, jar: &Jar) -> String {
    let mut text = String::new();
    for path in ["/due", "/clients", "/cases"] {
        let page = get(app, path, jar, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        text.push_str(html(&page));
    }
    let ws = app.store().list_workspaces().await.unwrap()[0].id;
    let cases = app
        .store()
        .list_cases(ws, &churnwise_store::CaseFilter::default())
        .await
        .unwrap();
    let mut ids: Vec<i64> = cases.iter().map(|c| c.id.0).collect();
    ids.sort_unstable();
    // The first closed case, and the last (in offboarding).
    for id in [ids[0], *ids.last().unwrap()] {
        let page = get(app, &format!("/cases/{id}"), jar, None).await;
        assert_eq!(page.status, StatusCode::OK);
        text.push_str(html(&page));
        let client = cases.iter().find(|c| c.id.0 == id).unwrap().client_id;
        let page = get(app, &format!("/clients/{}", client.0), jar, None).await;
        assert_eq!(page.status, StatusCode::OK);
        text.push_str(html(&page));
    }
    text
}

/// Words the English demo writes (data and default templates).
const ENGLISH_DEMO_WORDS: &[&str] = &[
    "Demo Agency",
    "End date agreed and recorded",
    "Credentials handed over",
    "password manager",
    "Analytics admin",
    "Written off at the end of the relationship",
    "Review every account's results",
    "Monthly check-in",
    "Quarterly review of results",
    "Sent the monthly report",
    "Marketing lead",
    "Default offboarding",
];

/// The same words in the Spanish demo.
const SPANISH_DEMO_WORDS: &[&str] = &[
    "Agencia Demo",
    "Fecha de fin acordada y registrada",
    "Credenciales traspasadas",
    "gestor de contraseñas",
    "Administración de Analytics",
    "Dada por perdida",
    "Revisar cada trimestre",
    "Revisión mensual",
    "Revisión trimestral de resultados",
    "Enviado el informe mensual",
    "Responsable de marketing",
    "Traspaso por defecto",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_lang_makes_the_demo_in_that_language() {
    let (app, jar) = demo_in("es").await;
    let ws = &app.store().list_workspaces().await.unwrap()[0];
    assert_eq!(ws.name, "Agencia Demo");
    // The demo account reads in the demo's language.
    let page = get(&app, "/clients", &jar, None).await;
    assert!(
        html(&page).contains("lang=\"es\""),
        "the account speaks Spanish"
    );
    let pages = demo_pages(&app, &jar).await;
    let english: Vec<_> = ENGLISH_DEMO_WORDS
        .iter()
        .filter(|w| pages.contains(*w))
        .collect();
    assert!(
        english.is_empty(),
        "English in the Spanish demo: {english:?}"
    );
    for word in [
        "Fecha de fin acordada y registrada",
        "Credenciales traspasadas",
    ] {
        assert!(pages.contains(word), "{word} missing from the Spanish demo");
    }

    let (app, jar) = demo_in("en").await;
    assert_eq!(
        app.store().list_workspaces().await.unwrap()[0].name,
        "Demo Agency"
    );
    let pages = demo_pages(&app, &jar).await;
    let spanish: Vec<_> = SPANISH_DEMO_WORDS
        .iter()
        .filter(|w| pages.contains(*w))
        .collect();
    assert!(
        spanish.is_empty(),
        "Spanish in the English demo: {spanish:?}"
    );
    assert!(pages.contains("End date agreed and recorded"));
}
