//! The final report (issue 16): composed from the client-visible work log
//! and the client's figures in the client's language (API), sent by email
//! to the client's contacts through a real local SMTP server, downloaded
//! from its page; either ticks the case's "final report" checklist item,
//! recorded in the case history; refusals (no email set-up, no contact with
//! an address, another workspace) tick nothing.

use crate::both_backends;
use crate::cases_api::{setup, Setup};
use crate::pages::{csrf_of, get, html, post, sign_in};
use crate::support::{SmtpSink, TestApp};
use axum::http::{header, Method, StatusCode};
use churnwise_app::digest::{SmtpMailer, SmtpSettings, SmtpTls};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use churnwise_web::AppState;
use serde_json::{json, Value};
use std::sync::Arc;

/// The setup of the case tests (Bakery Lola, plan growth since 2023-01-01),
/// with its app sending mail through `sink` when given, and three work
/// entries: two visible to the client (one with a figure), one internal.
pub(crate) async fn with_work(backend: Backend, sink: Option<&SmtpSink>) -> Setup {
    let mut s = setup(backend).await;
    if let Some(sink) = sink {
        let mut state = AppState::new(s.app.t.store.clone());
        let mailer = SmtpMailer::new(&SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port,
            tls: SmtpTls::None,
            username: None,
            password: None,
            from: "churnwise <reports@churnwise.test>".into(),
        })
        .unwrap();
        state.mailer = Some(Arc::new(mailer));
        s.app.app = churnwise_web::app(state);
    }
    let work = format!("/api/v1/clients/{}/work", s.client);
    for body in [
        json!({"title": "Local SEO campaign", "done_on": "2024-01-10", "result": "1234.5", "unit": "visits", "body": "Google profile rewritten"}),
        json!({"title": "Margin worries", "done_on": "2024-01-20", "visibility": "internal"}),
        json!({"title": "Newsletter set up", "done_on": "2023-06-01", "link": "https://example.com/news"}),
    ] {
        let r = s.call(Method::POST, &work, Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    }
    s
}

fn final_report_item(case: &Value) -> Value {
    case["case"]["offboarding"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "final_report")
        .cloned()
        .unwrap()
}

fn history_types(case: &Value) -> Vec<String> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"]["type"].as_str().unwrap().to_string())
        .collect()
}

async fn the_report_holds_only_client_visible_work_in_the_clients_language(backend: Backend) {
    let s = with_work(backend, None).await;
    let uri = format!("/api/v1/clients/{}/final-report", s.client);
    let r = s.call(Method::GET, &uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    let report = &r.json;
    assert_eq!(report["lang"], "en");
    assert_eq!(report["title"], "Final report: Bakery Lola");
    let titles: Vec<&str> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Newsletter set up", "Local SEO campaign"]);
    assert_eq!(report["results"][0]["result_text"], "1,234.5 visits");
    assert_eq!(report["client_since"], "2023-01-01");
    assert_eq!(report["plans"][0]["plan"], "growth");
    assert!(report["months_as_client"].as_u64().unwrap() >= 12);
    assert!(!report["text"].as_str().unwrap().contains("Margin worries"));
    assert!(report["intro"].as_str().unwrap().contains("growth"));

    // The client's own language (its billing preferences) is the default.
    let set = s
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{}/reminders", s.client),
            Some(json!({"lang": "es"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json);
    let es = s.call(Method::GET, &uri, None).await.json;
    assert_eq!(es["lang"], "es");
    assert_eq!(es["title"], "Informe final: Bakery Lola");
    assert_eq!(es["results"][0]["result_text"], "1.234,5 visits");
    assert!(es["intro"]
        .as_str()
        .unwrap()
        .contains("es cliente nuestro desde"));
    let en = s
        .call(Method::GET, &format!("{uri}?lang=en"), None)
        .await
        .json;
    assert_eq!(en["lang"], "en");
    let bad = s.call(Method::GET, &format!("{uri}?lang=fr"), None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["errors"][0]["field"], "lang");

    let (_, other) = s
        .app
        .user_with_token("eve@example.com", "Other Agency", Role::Owner)
        .await;
    let r = s.app.call(Method::GET, &uri, Some(&other), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn sending_the_report_mails_the_contacts_and_ticks_the_checklist(backend: Backend) {
    let sink = SmtpSink::start();
    let s = with_work(backend, Some(&sink)).await;
    let id = s.offboarding("needs_changed").await;
    let send = format!("/api/v1/cases/{id}/final-report/send");

    // No contact with an email: refused, nothing ticked, nothing sent.
    let r = s.call(Method::POST, &send, Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.json);
    assert_eq!(r.json["errors"][0]["field"], "contacts");
    assert_eq!(final_report_item(&s.show(id).await)["status"], "open");

    for body in [
        json!({"name": "Lola", "email": "lola@bakery.test", "is_primary": true}),
        json!({"name": "Pedro", "email": "pedro@bakery.test"}),
        json!({"name": "No Mail"}),
    ] {
        let r = s
            .call(
                Method::POST,
                &format!("/api/v1/clients/{}/contacts", s.client),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json);
    }
    let r = s
        .call(Method::POST, &send, Some(json!({"lang": "es"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.json);
    assert_eq!(r.json["sent_to"].as_array().unwrap().len(), 2);
    assert_eq!(r.json["case_id"], id);
    let mail = sink.messages();
    assert_eq!(mail.len(), 2);
    assert!(mail[0].to.contains("lola@bakery.test"), "{:?}", mail[0]);
    assert_eq!(mail[0].subject, "Informe final: Bakery Lola");
    let case = s.show(id).await;
    let item = final_report_item(&case);
    assert_eq!(item["status"], "done");
    assert!(history_types(&case).contains(&"checklist_item_done".to_string()));

    // Another workspace's case is not found.
    let (_, other) = s
        .app
        .user_with_token("eve@example.com", "Other Agency", Role::Owner)
        .await;
    let r = s
        .app
        .call(Method::POST, &send, Some(&other), Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn without_email_set_up_sending_is_refused(backend: Backend) {
    let s = with_work(backend, None).await;
    let id = s.offboarding("needs_changed").await;
    let r = s
        .call(
            Method::POST,
            &format!("/api/v1/cases/{id}/final-report/send"),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.json);
    assert_eq!(final_report_item(&s.show(id).await)["status"], "open");
}

async fn downloading_from_the_page_ticks_the_item(backend: Backend) {
    let s = with_work(backend, None).await;
    let id = s.offboarding("needs_changed").await;
    let jar = sign_in(&s.app, "ana@example.com").await;
    let case_page = get(&s.app, &format!("/cases/{id}"), &jar, None).await;
    let link = format!("/clients/{}/final-report?case={id}", s.client);
    assert!(
        html(&case_page).contains(&link.replace('&', "&amp;")) || html(&case_page).contains(&link)
    );
    let page = get(&s.app, &link, &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("Final report: Bakery Lola"));
    assert!(!html(&page).contains("Margin worries"));
    // Viewing ticks nothing.
    assert_eq!(final_report_item(&s.show(id).await)["status"], "open");
    let spanish = get(
        &s.app,
        &format!("/clients/{}/final-report?lang=es", s.client),
        &jar,
        None,
    )
    .await;
    assert!(html(&spanish).contains("Los números alcanzados"));

    // Sending without email set up says so next to the button.
    let csrf = csrf_of(html(&page));
    let case = id.to_string();
    let refused = post(
        &s.app,
        &format!("/clients/{}/final-report/send", s.client),
        &jar,
        &[("csrf", &csrf), ("lang", "en"), ("case", &case)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("final-report-problem"));
    assert_eq!(final_report_item(&s.show(id).await)["status"], "open");

    let file = post(
        &s.app,
        &format!("/clients/{}/final-report/download", s.client),
        &jar,
        &[("csrf", &csrf), ("lang", "en")],
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let body = String::from_utf8(file.bytes.clone()).unwrap();
    assert!(body.starts_with("<!doctype html>"));
    assert!(body.contains("Local SEO campaign"));
    // The client's open case was ticked, in its history.
    let case = s.show(id).await;
    assert_eq!(final_report_item(&case)["status"], "done");
    assert!(history_types(&case).contains(&"checklist_item_done".to_string()));
}

async fn a_viewer_may_read_but_not_deliver_the_report(backend: Backend) {
    let s = with_work(backend, None).await;
    let (_, viewer) = s
        .app
        .user_with_token("vic@example.com", "Acme Agency", Role::Viewer)
        .await;
    let app: &TestApp = &s.app;
    let r = app
        .call(
            Method::GET,
            &format!("/api/v1/clients/{}/final-report", s.client),
            Some(&viewer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let id = s.offboarding("needs_changed").await;
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/cases/{id}/final-report/send"),
            Some(&viewer),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

both_backends!(
    the_report_holds_only_client_visible_work_in_the_clients_language,
    sending_the_report_mails_the_contacts_and_ticks_the_checklist,
    without_email_set_up_sending_is_refused,
    downloading_from_the_page_ticks_the_item,
    a_viewer_may_read_but_not_deliver_the_report,
);
