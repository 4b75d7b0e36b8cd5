//! Issue 12, "owners": scores right after an import or an edit (only the
//! touched clients), owner names mapped to members (API, CLI, Settings →
//! Owners) and the due list of a mapped owner, on both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::{churnwise, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use churnwise_domain::health::HealthScore;
use churnwise_domain::registry::Role;
use churnwise_store::{ClientId, HealthFilter, NewHealth, Store, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::{json, Value};
use std::sync::Arc;

const CUSTOMERS: &str = "customer_id,name,owner,segment\n\
C1,Cliente 1,Carla Méndez,smb\n\
C2,Cliente 2,carla méndez,smb\n\
C3,Cliente 3,Bruno,smb\n";
const SUBSCRIPTIONS: &str = "subscription_id,customer_id,plan,mrr,started_on,ended_on\n\
S1,C1,pro,100,2024-01-01,\n\
S2,C2,pro,80,2024-02-01,\n";

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Each client's stored score and the day it was computed.
async fn scores(s: &Arc<dyn Store>, ws: WorkspaceId) -> Vec<(String, u32, bool, String)> {
    let mut out: Vec<_> = s
        .list_health(ws, &HealthFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|h| {
            (
                h.client.name,
                h.health.score,
                h.health.at_risk,
                h.computed_on.to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn client_id(s: &Arc<dyn Store>, ws: WorkspaceId, external: &str) -> ClientId {
    s.client_ids_by_external(ws, &[external.to_string()])
        .await
        .unwrap()[0]
}

async fn imports_and_edits_score_the_touched_clients_and_mapped_owners_see_their_clients(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let (_, carla_token) = app
        .user_with_token("carla.mendez@example.com", "W", Role::Member)
        .await;
    let s = app.store().clone();
    let tok = Some(token.as_str());
    let today = Utc::now().date_naive().to_string();
    let dir = tempfile::tempdir().unwrap();

    // Customers alone are prospects (no segment has started): the import
    // follows their status, and prospects are not scored.
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "import",
            "customers",
            &write(dir.path(), "c.csv", CUSTOMERS),
        ],
    );
    assert!(ok, "{err}");
    let after_customers = scores(&s, ws.id).await;
    assert!(after_customers.is_empty(), "{after_customers:?}");
    let r = app.call(Method::GET, "/api/v1/clients", tok, None).await;
    assert!(
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "prospect"),
        "{}",
        r.json
    );

    // A stand-in score on C3, two days old: a later change that does not
    // touch C3 must leave it as it is.
    let c3 = client_id(&s, ws.id, "C3").await;
    let old_day = Utc::now().date_naive() - Duration::days(2);
    s.record_health_of(
        ws.id,
        old_day,
        &[c3],
        vec![NewHealth {
            client: c3,
            health: HealthScore {
                score: 77,
                at_risk: false,
                signals: vec![],
            },
            may_alert: false,
        }],
    )
    .await
    .unwrap();

    // Subscriptions of C1 and C2 since 2024 and no contact ever: far more
    // than three intervals of silence, at risk right after the import.
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "import",
            "subscriptions",
            &write(dir.path(), "s.csv", SUBSCRIPTIONS),
        ],
    );
    assert!(ok, "{err}");
    let after_subs = scores(&s, ws.id).await;
    assert_eq!(
        after_subs,
        vec![
            ("Cliente 1".to_string(), 55, true, today.clone()),
            ("Cliente 2".to_string(), 55, true, today.clone()),
            ("Cliente 3".to_string(), 77, false, old_day.to_string()),
        ]
    );
    let r = app.call(Method::GET, "/api/v1/alerts", tok, None).await;
    assert_eq!(r.json.as_array().unwrap().len(), 2, "{}", r.json);

    // Before any mapping, Carla owns nothing: her name is not on the clients.
    let mine = "/api/v1/due-list?owner=carla.mendez@example.com";
    let r = app.call(Method::GET, mine, tok, None).await;
    assert_eq!(r.json, json!([]));

    // Settings → Owners through the API: names, counts and a suggestion.
    let r = app.call(Method::GET, "/api/v1/owners", tok, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let owners = r.json["owners"].as_array().unwrap();
    assert_eq!(owners.len(), 2, "{}", r.json);
    let carla_row = owners.iter().find(|o| o["clients"] == 2).unwrap();
    let carla_id = r.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "carla.mendez@example.com")
        .unwrap()["id"]
        .clone();
    assert_eq!(carla_row["suggested"], carla_id);
    assert_eq!(carla_row["mapped_to"], Value::Null);

    // Members may not map; a user outside the workspace is refused.
    let body = json!({"name": "Carla Méndez", "user_id": carla_id});
    let r = app
        .call(
            Method::PUT,
            "/api/v1/owners",
            Some(&carla_token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            Method::PUT,
            "/api/v1/owners",
            tok,
            Some(json!({"name": " ", "user_id": 999_999})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    let fields: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "user"]);
    assert!(s.owner_mappings(ws.id).await.unwrap().is_empty());

    let r = app
        .call(Method::PUT, "/api/v1/owners", tok, Some(body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let carla_row = r.json["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["clients"] == 2)
        .unwrap()
        .clone();
    assert_eq!(carla_row["mapped_to"], carla_id);

    // Carla's due list now holds her two clients (both spellings), not Bruno's.
    let r = app.call(Method::GET, mine, tok, None).await;
    let names: Vec<&str> = r
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["client_name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{}", r.json);
    assert!(names.contains(&"Cliente 1") && names.contains(&"Cliente 2"));

    // Her scores and alerts in the API, by the mapped name too.
    let r = app
        .call(
            Method::GET,
            "/api/v1/health-scores?owner=carla.mendez@example.com",
            tok,
            None,
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 2, "{}", r.json);
    let r = app
        .call(
            Method::GET,
            "/api/v1/alerts?owner=carla.mendez@example.com",
            tok,
            None,
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 2, "{}", r.json);
    // The database reads the window after the member's names: two pages
    // of one hold her two clients, lowest score first, and the third none.
    for list in ["health-scores", "alerts"] {
        let all = app
            .call(
                Method::GET,
                &format!("/api/v1/{list}?owner=carla.mendez@example.com"),
                tok,
                None,
            )
            .await
            .json;
        let mut paged = vec![];
        for offset in 0..3 {
            let r = app
                .call(
                    Method::GET,
                    &format!(
                        "/api/v1/{list}?owner=carla.mendez@example.com&limit=1&offset={offset}"
                    ),
                    tok,
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
            paged.extend(r.json.as_array().unwrap().iter().cloned());
        }
        assert_eq!(Value::Array(paged), all, "{list}");
    }
    // "My clients" in the API and on the clients page: by the mapped name.
    let r = app
        .call(
            Method::GET,
            "/api/v1/clients?owner=carla.mendez@example.com",
            Some(&carla_token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["total"], 2, "{}", r.json);
    let r = app
        .call(Method::GET, "/api/v1/clients?owner=Bruno", tok, None)
        .await;
    assert_eq!(r.json["total"], 1, "a name of nobody is an exact filter");

    // And her Due page too.
    let jar = sign_in(&app, "carla.mendez@example.com").await;
    let page = get(&app, "/due", &jar, None).await;
    let body = html(&page);
    assert!(
        body.contains("Cliente 1") && body.contains("Cliente 2"),
        "{body}"
    );
    assert!(!body.contains("Cliente 3"));
    let page = get(
        &app,
        "/clients?owner=carla.mendez%40example.com",
        &jar,
        None,
    )
    .await;
    let body = html(&page);
    assert!(body.contains("My clients"), "{body}");
    assert!(
        body.contains("Cliente 1") && body.contains("Cliente 2"),
        "{body}"
    );
    assert!(!body.contains("Cliente 3"));

    // The client page names the member behind the owner name.
    let c1 = client_id(&s, ws.id, "C1").await;
    let page = get(&app, &format!("/clients/{}", c1.0), &jar, None).await;
    assert!(
        html(&page).contains("(member: carla.mendez@example.com)"),
        "{}",
        html(&page)
    );

    // A contact logged through the API rescores that client only.
    let r = app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/interactions", c1.0),
            tok,
            Some(json!({"kind": "call"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(
        scores(&s, ws.id).await,
        vec![
            ("Cliente 1".to_string(), 100, false, today.clone()),
            ("Cliente 2".to_string(), 55, true, today.clone()),
            ("Cliente 3".to_string(), 77, false, old_day.to_string()),
        ]
    );

    // The command line: list, map, unmap; an unknown email is refused.
    let (ok, out, err) = churnwise(&app.t.url, &["owner", "list", "--format", "json"]);
    assert!(ok, "{err}");
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["name"], "Bruno");
    assert_eq!(listed[0]["how"], "nobody");
    assert_eq!(listed[1]["owner"], "carla.mendez@example.com");
    assert_eq!(listed[1]["how"], "mapped");
    let (ok, _, err) = churnwise(&app.t.url, &["owner", "map", "Bruno", "nobody@example.com"]);
    assert!(!ok && err.contains("EMAIL"), "{err}");
    let (ok, out, err) = churnwise(&app.t.url, &["owner", "map", "bruno", "ana@example.com"]);
    assert!(ok, "{err}");
    assert!(out.contains("ana@example.com"), "{out}");
    let (ok, out, _) = churnwise(
        &app.t.url,
        &["due", "--owner", "ana@example.com", "--format", "json"],
    );
    assert!(ok);
    let due: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(due.as_array().unwrap().len(), 0, "C3 is not due: {due}");
    let (ok, _, err) = churnwise(&app.t.url, &["owner", "unmap", "Bruno"]);
    assert!(ok, "{err}");
    assert_eq!(s.owner_mappings(ws.id).await.unwrap().len(), 1);

    // `churnwise health --owner` (which recomputes every score first).
    let (ok, out, err) = churnwise(
        &app.t.url,
        &[
            "health",
            "--owner",
            "carla.mendez@example.com",
            "--format",
            "json",
        ],
    );
    assert!(ok, "{err}");
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
}

async fn the_owners_page_suggests_a_member_and_saves_the_mapping(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, _) = app
        .user_with_token("ana@example.com", "W", Role::Manager)
        .await;
    app.user_with_token("carla.mendez@example.com", "W", Role::Viewer)
        .await;
    let s = app.store().clone();
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = churnwise(
        &app.t.url,
        &[
            "import",
            "customers",
            &write(dir.path(), "c.csv", CUSTOMERS),
        ],
    );
    assert!(ok, "{err}");
    let carla = s
        .find_user_by_email("carla.mendez@example.com")
        .await
        .unwrap()
        .unwrap()
        .user;

    let jar = sign_in(&app, "ana@example.com").await;
    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("href=\"/settings/owners\""));
    let page = get(&app, "/settings/owners", &jar, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = html(&page).to_string();
    assert!(body.contains("Carla Méndez"), "{body}");
    assert!(
        body.contains(&format!("<option value=\"{}\" selected>", carla.id.0)),
        "the similar member is preselected: {body}"
    );
    let csrf = csrf_of(&body);
    let id = carla.id.0.to_string();

    // A user that is not a member is refused, and nothing is saved.
    let refused = post(
        &app,
        "/settings/owners",
        &jar,
        &[
            ("csrf", &csrf),
            ("name", "Carla Méndez"),
            ("user", "999999"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("id=\"owners-error\""));
    assert!(s.owner_mappings(ws.id).await.unwrap().is_empty());

    let saved = post(
        &app,
        "/settings/owners",
        &jar,
        &[("csrf", &csrf), ("name", "Carla Méndez"), ("user", &id)],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let mapped = s.owner_mappings(ws.id).await.unwrap();
    assert_eq!(mapped.len(), 1);
    assert_eq!(mapped[0].user, carla.id);
    let page = get(&app, location(&saved), &jar, None).await;
    assert!(html(&page).contains("The owner name was saved."));
    let audit = churnwise_app::audit::list(s.as_ref(), ws.id, None, None)
        .await
        .unwrap();
    assert!(
        audit
            .items
            .iter()
            .any(|e| e.action == "owner.mapped"
                && e.detail == "Carla Méndez → carla.mendez@example.com"),
        "{audit:?}"
    );

    // In Spanish, and a viewer sees the names but no form.
    let viewer = sign_in(&app, "carla.mendez@example.com").await;
    let page = get(&app, "/settings/owners", &viewer, Some("es")).await;
    let body = html(&page);
    assert!(body.contains("Responsables"), "{body}");
    assert!(!body.contains("action=\"/settings/owners\""));
    let refused = post(
        &app,
        "/settings/owners",
        &viewer,
        &[("csrf", &csrf_of(body)), ("name", "Bruno"), ("user", "")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

both_backends!(
    imports_and_edits_score_the_touched_clients_and_mapped_owners_see_their_clients,
    the_owners_page_suggests_a_member_and_saves_the_mapping,
);
