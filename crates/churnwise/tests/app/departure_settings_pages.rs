//! The departure settings on `/settings`: the reason list (add, rename,
//! retire, restore) and the offboarding checklist templates, saved at the
//! version the form was drawn from; refused fields shown next to the field
//! with what was typed; members and viewers see them but cannot change them.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in, Jar};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;
use serde_json::Value;

async fn owner(backend: Backend) -> (TestApp, String, Jar, String) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    let jar = sign_in(&app, "ana@example.com").await;
    let page = get(&app, "/settings", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", html(&page));
    let csrf = csrf_of(html(&page));
    (app, token, jar, csrf)
}

async fn api(app: &TestApp, token: &str, uri: &str) -> Value {
    let reply = app.call(Method::GET, uri, Some(token), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json
}

fn reason<'a>(list: &'a Value, key: &str) -> &'a Value {
    list["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no reason {key}"))
}

async fn owners_add_rename_retire_and_restore_reasons(backend: Backend) {
    let (app, token, jar, csrf) = owner(backend).await;
    let page = get(&app, "/settings", &jar, None).await;
    assert!(html(&page).contains("Departure reasons"));
    assert!(html(&page).contains("Price too high for the value"));

    // A bad key and a missing label: 422, next to the fields, typed values kept.
    let refused = post(
        &app,
        "/settings/reasons",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("key", "Moved In-House"),
            ("label_en", "Moved the work <in-house>"),
            ("label_es", ""),
            ("applies_to", "client_leaving"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    assert!(text.contains("id=\"new-reason-key-error\""), "{text}");
    assert!(text.contains("Use lower-case letters, digits and _"));
    assert!(text.contains("id=\"new-reason-label_es-error\""));
    assert!(text.contains("value=\"Moved In-House\""));
    assert!(text.contains("value=\"Moved the work &lt;in-house&gt;\""));
    assert_eq!(api(&app, &token, "/api/v1/reasons").await["version"], 0);

    let added = post(
        &app,
        "/settings/reasons",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("key", "moved_in_house"),
            ("label_en", "Moved the work in-house"),
            ("label_es", "Se llevó el trabajo a su equipo"),
            ("applies_to", "both"),
            ("about_quality_of_work", "1"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    assert_eq!(location(&added), "/settings?done=reasons-saved#reasons");
    let list = api(&app, &token, "/api/v1/reasons").await;
    assert_eq!(list["version"], 1);
    let new = reason(&list, "moved_in_house");
    assert_eq!(new["label_es"], "Se llevó el trabajo a su equipo");
    assert_eq!(new["applies_to"], "both");
    assert_eq!(new["about_quality_of_work"], true);
    let page = get(&app, "/settings?done=reasons-saved", &jar, Some("es")).await;
    assert!(html(&page).contains("Se ha guardado la lista de motivos."));
    assert!(html(&page).contains("Se llevó el trabajo a su equipo"));

    // The same key again is taken.
    let again = post(
        &app,
        "/settings/reasons",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("key", "moved_in_house"),
            ("label_en", "Again"),
            ("label_es", "Otra vez"),
            ("applies_to", "client_leaving"),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&again).contains("This value is already in use."));

    // A form drawn before the reason was added is stale: a plain message, nothing saved.
    let stale = post(
        &app,
        "/settings/reasons/price_too_high",
        &jar,
        &[("csrf", &csrf), ("version", "0"), ("action", "retire")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(html(&stale).contains("Someone saved these settings since you opened the page"));
    let list = api(&app, &token, "/api/v1/reasons").await;
    assert_eq!(reason(&list, "price_too_high")["retired"], false);

    // Rename: an empty label is refused next to it in that reason's form.
    let empty = post(
        &app,
        "/settings/reasons/moved_in_house",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("action", "rename"),
            ("label_en", "In-house now"),
            ("label_es", " "),
        ],
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&empty).contains("id=\"reason-moved_in_house-label_es-error\""));
    assert!(html(&empty).contains("value=\"In-house now\""));
    let renamed = post(
        &app,
        "/settings/reasons/moved_in_house",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("action", "rename"),
            ("label_en", "In-house now"),
            ("label_es", "Ahora en casa"),
        ],
    )
    .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let list = api(&app, &token, "/api/v1/reasons").await;
    assert_eq!(list["version"], 2);
    assert_eq!(reason(&list, "moved_in_house")["label_en"], "In-house now");

    // Retire, then restore.
    let retired = post(
        &app,
        "/settings/reasons/moved_in_house",
        &jar,
        &[("csrf", &csrf), ("version", "2"), ("action", "retire")],
    )
    .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reason(
            &api(&app, &token, "/api/v1/reasons").await,
            "moved_in_house"
        )["retired"],
        true
    );
    let page = get(&app, "/settings", &jar, None).await;
    assert!(html(&page).contains("Restore the reason In-house now"));
    let restored = post(
        &app,
        "/settings/reasons/moved_in_house",
        &jar,
        &[("csrf", &csrf), ("version", "3"), ("action", "restore")],
    )
    .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reason(
            &api(&app, &token, "/api/v1/reasons").await,
            "moved_in_house"
        )["retired"],
        false
    );
    let unknown = post(
        &app,
        "/settings/reasons/no_such_reason",
        &jar,
        &[("csrf", &csrf), ("version", "4"), ("action", "retire")],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn owners_edit_add_and_delete_checklist_templates(backend: Backend) {
    let (app, token, jar, csrf) = owner(backend).await;
    let page = get(&app, "/settings", &jar, None).await;
    assert!(html(&page).contains("Offboarding checklists"));
    assert!(html(&page).contains("value=\"Final report: what was delivered"));

    // A new template without a name and with a half-filled item: 422, typed values kept.
    let refused = post(
        &app,
        "/settings/templates",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("rows", "3"),
            ("name", ""),
            ("service_type", "Web sites"),
            ("item_en_0", "Domain transferred"),
            ("item_es_0", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = html(&refused);
    assert!(text.contains("id=\"new-template-name-error\""), "{text}");
    assert!(text.contains("id=\"new-template-item_es_0-error\""));
    assert!(text.contains("value=\"Domain transferred\""));
    assert!(text.contains("value=\"Web sites\""));
    // A template for the default again is refused: there is one already.
    let default_again = post(
        &app,
        "/settings/templates",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("rows", "1"),
            ("name", "Another default"),
            ("item_en_0", "Say goodbye"),
            ("item_es_0", "Despedirse"),
        ],
    )
    .await;
    assert_eq!(default_again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&default_again).contains("There is already a default checklist"));

    let added = post(
        &app,
        "/settings/templates",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("rows", "3"),
            ("name", "Web sites"),
            ("service_type", "web"),
            ("item_en_0", "Domain transferred"),
            ("item_es_0", "Dominio transferido"),
            ("item_required_0", "1"),
            ("item_en_2", "Backups handed over"),
            ("item_es_2", "Copias de seguridad entregadas"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    let doc = api(&app, &token, "/api/v1/checklist-templates").await;
    assert_eq!(doc["version"], 1);
    let web = &doc["templates"][1];
    assert_eq!(web["service_type"], "web");
    assert_eq!(web["items"].as_array().unwrap().len(), 2);
    assert_eq!(web["items"][0]["key"], "domain_transferred");
    assert_eq!(web["items"][0]["required"], true);
    assert_eq!(
        web["items"][1]["label_es"],
        "Copias de seguridad entregadas"
    );
    assert_eq!(web["items"][1]["required"], false);

    // Edit the default: drop the last item (both labels emptied), make one optional.
    let page = get(&app, "/settings", &jar, None).await;
    assert!(html(&page).contains("Domain transferred"));
    let default = &doc["templates"][0];
    let items = default["items"].as_array().unwrap();
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("version".into(), "1".into()),
        ("rows".into(), items.len().to_string()),
        ("name".into(), "Default offboarding".into()),
        ("service_type".into(), String::new()),
    ];
    for (n, item) in items.iter().enumerate() {
        let last = n == items.len() - 1;
        form.push((
            format!("item_key_{n}"),
            item["key"].as_str().unwrap().into(),
        ));
        let (en, es) = if last {
            (String::new(), String::new())
        } else {
            (
                item["label_en"].as_str().unwrap().into(),
                item["label_es"].as_str().unwrap().into(),
            )
        };
        form.push((format!("item_en_{n}"), en));
        form.push((format!("item_es_{n}"), es));
        if n != 0 {
            form.push((format!("item_required_{n}"), "1".into()));
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = post(&app, "/settings/templates/0", &jar, &pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let doc = api(&app, &token, "/api/v1/checklist-templates").await;
    let new_items = doc["templates"][0]["items"].as_array().unwrap();
    assert_eq!(new_items.len(), items.len() - 1);
    assert_eq!(new_items[0]["key"], items[0]["key"]);
    assert_eq!(new_items[0]["required"], false);
    assert_eq!(new_items[1]["required"], true);

    // The same form again is stale now.
    let stale = post(&app, "/settings/templates/0", &jar, &pairs).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(html(&stale).contains("Someone saved these settings since you opened the page"));

    // Delete the web template.
    let deleted = post(
        &app,
        "/settings/templates/1/delete",
        &jar,
        &[("csrf", &csrf), ("version", "2")],
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let doc = api(&app, &token, "/api/v1/checklist-templates").await;
    assert_eq!(doc["templates"].as_array().unwrap().len(), 1);
    let missing = post(
        &app,
        "/settings/templates/5",
        &jar,
        &[
            ("csrf", &csrf),
            ("version", "3"),
            ("name", "x"),
            ("rows", "0"),
        ],
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn members_and_viewers_see_the_departure_settings_but_cannot_change_them(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    for (email, role) in [
        ("max@example.com", Role::Member),
        ("vic@example.com", Role::Viewer),
    ] {
        let user = app
            .store()
            .upsert_user(
                email,
                &churnwise_web::auth::hash_password("a long password").unwrap(),
            )
            .await
            .unwrap();
        app.store()
            .set_membership(user.id, ws.id, role)
            .await
            .unwrap();
        let jar = sign_in(&app, email).await;
        let page = get(&app, "/settings", &jar, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = html(&page);
        assert!(text.contains("Price too high for the value"));
        assert!(text.contains("Final report: what was delivered"));
        assert!(!text.contains("action=\"/settings/reasons"), "{email}");
        assert!(!text.contains("action=\"/settings/templates\""), "{email}");
        let csrf = csrf_of(text);
        for (uri, form) in [
            (
                "/settings/reasons",
                vec![
                    ("key", "sneaky"),
                    ("label_en", "Sneaky"),
                    ("label_es", "Furtivo"),
                    ("applies_to", "both"),
                ],
            ),
            (
                "/settings/reasons/price_too_high",
                vec![("action", "retire")],
            ),
            ("/settings/templates/0/delete", vec![]),
            (
                "/settings/templates",
                vec![
                    ("name", "x"),
                    ("rows", "1"),
                    ("item_en_0", "a"),
                    ("item_es_0", "b"),
                ],
            ),
        ] {
            let mut fields = vec![("csrf", csrf.as_str()), ("version", "0")];
            fields.extend(form);
            let refused = post(&app, uri, &jar, &fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email} {uri}");
        }
        // Without the session's CSRF token, refused before anything else.
        let forged = post(
            &app,
            "/settings/reasons/price_too_high",
            &jar,
            &[("csrf", "forged"), ("version", "0"), ("action", "retire")],
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
    let list = app.store().reason_list(ws.id).await.unwrap();
    assert_eq!(list.version, 0);
    let templates = app.store().checklist_templates(ws.id).await.unwrap();
    assert_eq!(templates.version, 0);
}

both_backends!(
    owners_add_rename_retire_and_restore_reasons,
    owners_edit_add_and_delete_checklist_templates,
    members_and_viewers_see_the_departure_settings_but_cannot_change_them,
);
