//! The maximum contact frequency (issue 16, "not too much either"): a limit
//! by segment over the workspace's default, clients contacted that often
//! held back from the due list (API, Due page) and listed apart with the
//! day they are free again, incoming complaints not counted, the client
//! page saying so in English and Spanish, bad settings named by field with
//! nothing saved, and stored settings without the field still loading — on
//! both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::{raw_rows, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use churnwise_app::contact_frequency::held_back;
use churnwise_domain::registry::{ClientStatus, InteractionKind, Role};
use churnwise_domain::Lang;
use churnwise_store::{ClientId, NewClient, NewInteraction, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};

/// A client due for a contact every day, with its interactions `(kind,
/// days ago)`.
async fn client(
    app: &TestApp,
    ws: WorkspaceId,
    name: &str,
    segment: &str,
    interactions: &[(InteractionKind, i64)],
) -> ClientId {
    let s = app.store();
    let c = s
        .create_client(
            ws,
            NewClient {
                external_id: None,
                name: name.into(),
                status: ClientStatus::Active,
                owner: Some("Ana".into()),
                segment: Some(segment.into()),
                keep_in_touch_days: 1,
                notes: None,
            },
        )
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    for (kind, ago) in interactions {
        s.log_interaction(
            ws,
            c.id,
            NewInteraction {
                kind: *kind,
                occurred_on: today - Duration::days(*ago),
                author: None,
                note: None,
            },
        )
        .await
        .unwrap();
    }
    c.id
}

fn names(list: &Value, path: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e.pointer(path).unwrap().as_str().unwrap().to_string())
        .collect()
}

fn date_in(lang: Lang, day: NaiveDate) -> String {
    churnwise_app::i18n::date(lang, day)
}

async fn a_client_contacted_as_often_as_its_segment_allows_waits_apart_from_the_due_list(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let tok = Some(token.as_str());
    use InteractionKind::*;
    // smb: at most 1 contact in 14 days; anyone else: 3 in 30 days.
    let small = client(&app, ws.id, "Small Co", "smb", &[(Email, 5)]).await;
    // Two emails and two complaints: the complaints come from the client
    // and do not count, so it is under the default limit and due.
    let big = client(
        &app,
        ws.id,
        "Big Co",
        "enterprise",
        &[(Email, 10), (Email, 5), (Complaint, 3), (Complaint, 2)],
    )
    .await;
    // Three contacts the team made (a newsletter counts) within 30 days.
    let third = client(
        &app,
        ws.id,
        "Third Co",
        "enterprise",
        &[(Call, 20), (Meeting, 10), (Newsletter, 4)],
    )
    .await;
    let today = Utc::now().date_naive();

    // No limit yet: all three are due, nobody is held back.
    let due = app.call(Method::GET, "/api/v1/due-list", tok, None).await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.json);
    let mut due_names = names(&due.json, "/client_name");
    due_names.sort();
    assert_eq!(due_names, vec!["Big Co", "Small Co", "Third Co"]);
    assert!(
        held_back(app.store().as_ref(), ws.id, &[small, big, third], today)
            .await
            .unwrap()
            .is_empty()
    );

    let saved = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            tok,
            Some(json!({"version": 0, "settings": {"max_contacts": {
                "default": {"contacts": 3, "days": 30},
                "by_segment": {"smb": {"contacts": 1, "days": 14}}
            }}})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);

    // The app function: a page of clients at once.
    let held = held_back(app.store().as_ref(), ws.id, &[small, big, third], today)
        .await
        .unwrap();
    assert_eq!(held.len(), 2, "{held:?}");
    let s = held[&small];
    assert_eq!((s.contacts, s.limit, s.days), (1, 1, 14));
    assert_eq!(s.last_contact_on, today - Duration::days(5));
    assert_eq!(s.free_on, today + Duration::days(9));
    let t = held[&third];
    assert_eq!((t.contacts, t.limit, t.days), (3, 3, 30));
    assert_eq!(t.last_contact_on, today - Duration::days(4));
    assert_eq!(t.free_on, today + Duration::days(10));
    assert!(!held.contains_key(&big));

    // The API: left out of the due list, listed apart with the free date.
    let due = app.call(Method::GET, "/api/v1/due-list", tok, None).await;
    assert_eq!(names(&due.json, "/client_name"), vec!["Big Co"]);
    let apart = app
        .call(Method::GET, "/api/v1/due-list/held-back", tok, None)
        .await;
    assert_eq!(apart.status, StatusCode::OK, "{}", apart.json);
    assert_eq!(
        names(&apart.json, "/entry/client_name"),
        vec!["Small Co", "Third Co"]
    );
    assert_eq!(
        apart.json[0]["held_back"]["free_on"],
        json!((today + Duration::days(9)).to_string())
    );
    assert_eq!(apart.json[1]["held_back"]["contacts"], json!(3));
    let limited = app
        .call(
            Method::GET,
            "/api/v1/due-list/held-back?limit=1&offset=1",
            tok,
            None,
        )
        .await;
    assert_eq!(names(&limited.json, "/entry/client_name"), vec!["Third Co"]);

    // The Due page shows them apart, in both languages.
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/due?show=all", &jar, None).await;
    let body = html(&page);
    let list = &body[body.find("id=\"due-list\"").unwrap()..];
    let (due_part, held_part) = list.split_at(list.find("id=\"due-held-back\"").unwrap());
    assert!(due_part.contains("Big Co"), "{body}");
    assert!(!due_part.contains("Small Co"), "{body}");
    let free = date_in(Lang::En, today + Duration::days(9));
    assert!(
        held_part.contains(&format!(
            "Small Co: 1 contact in 14 days, at most 1 allowed; held back until {free}"
        )),
        "{body}"
    );
    let page = get(&app, "/due?show=all", &jar, Some("es")).await;
    let free_es = date_in(Lang::Es, today + Duration::days(9));
    assert!(
        html(&page).contains(&format!("en espera hasta el {free_es}")),
        "{}",
        html(&page)
    );

    // The client page says so, in English and Spanish; a client under its
    // limit says nothing of it.
    let page = get(&app, &format!("/clients/{}", small.0), &jar, None).await;
    assert!(
        html(&page).contains(&format!(
            "Held back until {free}: 1 contact in the last 14 days, at most 1 allowed."
        )),
        "{}",
        html(&page)
    );
    let page = get(&app, &format!("/clients/{}", small.0), &jar, Some("es")).await;
    assert!(
        html(&page).contains(&format!(
            "En espera hasta el {free_es}: 1 contacto en los últimos 14 días, como máximo 1."
        )),
        "{}",
        html(&page)
    );
    let page = get(&app, &format!("/clients/{}", big.0), &jar, None).await;
    assert!(!html(&page).contains("id=\"held-back\""));

    // Once the oldest counted contact leaves the window, it is due again.
    let later = today + Duration::days(9);
    let due = app
        .call(
            Method::GET,
            &format!("/api/v1/due-list?on={later}"),
            tok,
            None,
        )
        .await;
    let mut due_names = names(&due.json, "/client_name");
    due_names.sort();
    assert_eq!(due_names, vec!["Big Co", "Small Co"]);
}

async fn bad_limits_are_named_by_field_and_nothing_is_saved(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    let tok = Some(token.as_str());
    let r = app
        .call(
            Method::PUT,
            "/api/v1/settings",
            tok,
            Some(json!({"version": 0, "settings": {"max_contacts": {
                "default": {"contacts": 0, "days": 400},
                "by_segment": {"smb": {"contacts": 101, "days": 7}}
            }}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(
        names(&r.json["errors"], "/field"),
        vec![
            "settings.max_contacts.default.contacts",
            "settings.max_contacts.default.days",
            "settings.max_contacts.by_segment.smb.contacts"
        ]
    );
    assert_eq!(
        app.store().workspace_settings(ws.id).await.unwrap().version,
        0
    );

    // The settings page: the link, then refused forms drawn again with the
    // reason next to the field and the typed text kept.
    let jar = sign_in(&app, "ana@example.com").await;
    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("href=\"/settings/contact-frequency\""));
    let page = get(&app, "/settings/contact-frequency", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_of(html(&page));
    let good = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("default_contacts", "4"),
        ("default_days", "30"),
        ("by_segment", "smb = 1 / 14\nenterprise = 8 / 30"),
    ];
    for (field, value, message) in [
        (
            "default_contacts",
            "many",
            "Write a whole number of contacts from 1 to 100",
        ),
        (
            "default_days",
            "400",
            "Write a whole number of days from 1 to 365",
        ),
        (
            "by_segment",
            "smb = 1 every 14",
            "Write one segment per line as",
        ),
    ] {
        let mut bad = good.to_vec();
        bad.retain(|(k, _)| *k != field);
        bad.push((field, value));
        let refused = post(&app, "/settings/contact-frequency", &jar, &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = html(&refused);
        assert!(body.contains(&format!("id=\"f-{field}-error\"")), "{body}");
        assert!(body.contains(message), "{body}");
        assert!(body.contains(value), "typed text kept: {body}");
    }
    let page = get(&app, "/settings/contact-frequency", &jar, Some("es")).await;
    assert!(html(&page).contains("Frecuencia de contacto"));
    assert_eq!(
        app.store().workspace_settings(ws.id).await.unwrap().version,
        0
    );
    // A member may read but not save.
    let max = sign_in(&app, "max@example.com").await;
    let refused = post(&app, "/settings/contact-frequency", &max, &good).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Saved, the other settings kept as they were.
    let mut stored = app.store().workspace_settings(ws.id).await.unwrap().value;
    stored.ideal_client.notes = "Agencies".into();
    app.store()
        .save_workspace_settings(ws.id, &stored, 0)
        .await
        .unwrap();
    let mut good = good.to_vec();
    good.retain(|(k, _)| *k != "version");
    good.push(("version", "1"));
    let saved = post(&app, "/settings/contact-frequency", &jar, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let page = get(&app, location(&saved), &jar, None).await;
    assert!(html(&page).contains("The contact frequency was saved."));
    assert!(html(&page).contains("enterprise = 8 &#x2f; 30"));
    let stored = app.store().workspace_settings(ws.id).await.unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.value.ideal_client.notes, "Agencies");
    let limits = stored.value.max_contacts;
    assert_eq!(limits.default.unwrap().contacts, 4);
    assert_eq!(limits.by_segment["smb"].days, 14);
    // Saving again from the old page: someone saved since.
    let stale = post(&app, "/settings/contact-frequency", &jar, &good).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&stale).contains("Someone saved these settings"));
}

async fn stored_settings_without_a_contact_frequency_still_load(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let mut stored = app.store().workspace_settings(ws.id).await.unwrap().value;
    stored.keep_in_touch_days = 21;
    app.store()
        .save_workspace_settings(ws.id, &stored, 0)
        .await
        .unwrap();
    // A document written before the field existed.
    let rows: Vec<(i64,)> = raw_rows(
        &app.t.url,
        &format!(
            "UPDATE workspace_settings SET document = '{{\"keep_in_touch_days\": 21}}' \
             WHERE workspace_id = {} RETURNING workspace_id",
            ws.id.0
        ),
    )
    .await;
    assert_eq!(rows.len(), 1);
    let loaded = app.store().workspace_settings(ws.id).await.unwrap().value;
    assert_eq!(loaded.keep_in_touch_days, 21);
    assert!(!loaded.max_contacts.is_set());
    let r = app
        .call(Method::GET, "/api/v1/settings", Some(token.as_str()), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["settings"]["max_contacts"]["default"], Value::Null);
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/settings/contact-frequency", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let due = get(&app, "/due", &jar, None).await;
    assert_eq!(due.status, StatusCode::OK);
}

both_backends!(
    a_client_contacted_as_often_as_its_segment_allows_waits_apart_from_the_due_list,
    bad_limits_are_named_by_field_and_nothing_is_saved,
    stored_settings_without_a_contact_frequency_still_load,
);
