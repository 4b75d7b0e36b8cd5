//! Data entry in the browser, at the HTTP level: the edit-client page,
//! subscription segments added, edited and ended, invoices added and marked
//! paid or unpaid, contacts edited and removed. Every refused form comes
//! back (422) with every problem next to its field and what was typed;
//! required fields are marked; viewers see no forms and may not post;
//! other workspaces' records are not found.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in, Jar};
use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use churnwise_domain::registry::Role;
use churnwise_store::{ClientId, WorkspaceId};
use churnwise_store_tests::Backend;
use serde_json::json;

struct Signed {
    app: TestApp,
    ws: WorkspaceId,
    token: String,
    jar: Jar,
    client: i64,
}

impl Signed {
    async fn new(backend: Backend) -> Self {
        let app = TestApp::new(backend).await;
        let (ws, token) = app
            .user_with_token("ana@example.com", "Acme", Role::Owner)
            .await;
        let client = app
            .call(
                Method::POST,
                "/api/v1/clients",
                Some(&token),
                Some(json!({"name": "Bakery Lola", "owner": "Carla Méndez", "segment": "smb"})),
            )
            .await
            .json["id"]
            .as_i64()
            .unwrap();
        let jar = sign_in(&app, "ana@example.com").await;
        Signed {
            app,
            ws: ws.id,
            token,
            jar,
            client,
        }
    }

    async fn page(&self, uri: &str) -> Reply {
        let r = get(&self.app, uri, &self.jar, None).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        r
    }

    /// Posts `form` with the CSRF token of the page at `from`.
    async fn submit(&self, from: &str, uri: &str, form: &[(&str, &str)]) -> Reply {
        let page = self.page(from).await;
        let csrf = csrf_of(html(&page));
        let mut fields = vec![("csrf", csrf.as_str())];
        fields.extend_from_slice(form);
        post(&self.app, uri, &self.jar, &fields).await
    }

    async fn api(&self, path: &str) -> serde_json::Value {
        let uri = format!("/api/v1/clients/{}{path}", self.client);
        self.app
            .call(Method::GET, &uri, Some(&self.token), None)
            .await
            .json
    }
}

/// Asserts a 422 page naming each of `ids` as an invalid field with its error.
fn refused_at(reply: &Reply, ids: &[&str]) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        html(reply)
    );
    let page = html(reply);
    for id in ids {
        assert!(
            page.contains(&format!("id=\"{id}-error\"")),
            "no error for {id}"
        );
        assert!(
            page.contains(&format!("aria-describedby=\"{id}-error\"")),
            "{id} is not described by its error"
        );
    }
}

async fn a_client_is_edited_with_every_problem_shown_at_once(backend: Backend) {
    let s = Signed::new(backend).await;
    let edit = format!("/clients/{}/edit", s.client);
    let form = s.page(&edit).await;
    let page = html(&form);
    // The owner is chosen among the members, and the current value stays.
    assert!(page.contains("<option value=\"ana@example.com\">ana@example.com</option>"));
    assert!(page.contains("<option value=\"Carla Méndez\" selected>Carla Méndez</option>"));
    assert!(page.contains("Required field"));
    assert!(page.contains(
        "id=\"f-name\" name=\"name\" type=\"text\" value=\"Bakery Lola\" aria-required=\"true\""
    ));

    let refused = s
        .submit(
            &edit,
            &edit,
            &[
                ("name", " "),
                ("owner", "ana@example.com"),
                ("segment", "Retail typed"),
                ("keep_in_touch_days", "often"),
                ("notes", &"n".repeat(10_001)),
            ],
        )
        .await;
    refused_at(&refused, &["f-name", "f-keep_in_touch_days", "f-notes"]);
    let page = html(&refused);
    assert!(page.contains("Some fields need your attention."));
    assert!(
        page.contains("value=\"Retail typed\""),
        "typed values are kept"
    );
    assert!(page.contains("<option value=\"ana@example.com\" selected>"));
    let stored = s
        .app
        .store()
        .get_client(s.ws, ClientId(s.client))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Bakery Lola", "a refused form changes nothing");
    assert_eq!(stored.segment.as_deref(), Some("smb"));

    let saved = s
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Bakery Lola S.L."),
                ("owner", "ana@example.com"),
                ("segment", ""),
                ("keep_in_touch_days", "45"),
                ("notes", "Prefers calls"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    assert_eq!(
        location(&saved),
        format!("/clients/{}?done=client-updated", s.client)
    );
    let stored = s
        .app
        .store()
        .get_client(s.ws, ClientId(s.client))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "Bakery Lola S.L.");
    assert_eq!(stored.owner.as_deref(), Some("ana@example.com"));
    assert_eq!(stored.segment, None);
    assert_eq!(stored.keep_in_touch_days, 45);
    assert_eq!(stored.notes.as_deref(), Some("Prefers calls"));
    let shown = s.page(location(&saved)).await;
    assert!(html(&shown).contains("Client saved."));
}

async fn the_edit_form_speaks_spanish(backend: Backend) {
    let mut s = Signed::new(backend).await;
    let first = s.page("/clients").await;
    let csrf = csrf_of(html(&first));
    let chosen = post(
        &s.app,
        "/lang",
        &s.jar,
        &[("csrf", &csrf), ("lang", "es"), ("next", "/clients")],
    )
    .await;
    s.jar.take(&chosen);
    let edit = format!("/clients/{}/edit", s.client);
    let refused = s
        .submit(&edit, &edit, &[("name", ""), ("keep_in_touch_days", "0")])
        .await;
    refused_at(&refused, &["f-name", "f-keep_in_touch_days"]);
    let page = html(&refused);
    assert!(page.contains("Editar Bakery Lola"));
    assert!(page.contains("Campo obligatorio"));
    assert!(page.contains("Rellene este campo."));
    assert!(page.contains("— Sin responsable —"));
}

async fn segments_are_added_edited_and_ended_from_the_pages(backend: Backend) {
    let s = Signed::new(backend).await;
    let show = format!("/clients/{}", s.client);
    let add = format!("{show}/subscriptions");
    let page = s.page(&show).await;
    assert!(
        html(&page).contains("No subscription recorded")
            || html(&page).contains("Add a subscription segment")
    );
    assert!(html(&page).contains(
        "action=\"/clients/{}/subscriptions\""
            .replace("{}", &s.client.to_string())
            .as_str()
    ));

    let refused = s
        .submit(
            &show,
            &add,
            &[
                ("subscription_ref", ""),
                ("plan", "Care typed"),
                ("mrr", "12,5"),
                ("started_on", ""),
                ("ended_on", ""),
                ("notice_period_days", "a month"),
                ("minimum_term_months", "-1"),
            ],
        )
        .await;
    refused_at(
        &refused,
        &[
            "f-sub-subscription_ref",
            "f-sub-mrr",
            "f-sub-started_on",
            "f-sub-notice_period_days",
            "f-sub-minimum_term_months",
        ],
    );
    assert!(html(&refused).contains("value=\"Care typed\""));
    assert!(html(&refused).contains("<details id=\"add-subscription\" open>"));
    assert_eq!(s.api("/subscriptions").await, json!([]));

    let added = s
        .submit(
            &show,
            &add,
            &[
                ("subscription_ref", "SUB-1"),
                ("plan", "Care"),
                ("mrr", "49.90"),
                ("started_on", "2024-01-01"),
                ("ended_on", ""),
                ("notice_period_days", "30"),
                ("minimum_term_months", ""),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    let subs = s.api("/subscriptions").await;
    let sub = subs[0]["id"].as_i64().unwrap();
    assert_eq!(subs[0]["mrr"], json!(49.9));
    assert_eq!(subs[0]["notice_period_days"], 30);

    // The segment's page: edit (end before start refused) and end.
    let segment = format!("{show}/subscriptions/{sub}");
    let form = s.page(&segment).await;
    assert!(html(&form).contains("value=\"49.90\""));
    let bad = s
        .submit(
            &segment,
            &segment,
            &[
                ("subscription_ref", "SUB-1"),
                ("plan", "Care"),
                ("mrr", "-3"),
                ("started_on", "2024-01-01"),
                ("ended_on", "2023-12-01"),
                ("notice_period_days", "30"),
                ("minimum_term_months", ""),
            ],
        )
        .await;
    refused_at(&bad, &["f-sub-mrr", "f-sub-ended_on"]);
    assert!(html(&bad).contains("The end must be after the start."));
    assert_eq!(s.api("/subscriptions").await, subs, "nothing changed");
    let saved = s
        .submit(
            &segment,
            &segment,
            &[
                ("subscription_ref", "SUB-1"),
                ("plan", "Care Pro"),
                ("mrr", "55"),
                ("started_on", "2024-01-01"),
                ("ended_on", ""),
                ("notice_period_days", ""),
                ("minimum_term_months", "12"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let subs = s.api("/subscriptions").await;
    assert_eq!(subs[0]["plan"], "Care Pro");
    assert_eq!(subs[0]["mrr"], json!(55.0));
    assert_eq!(subs[0]["notice_period_days"], serde_json::Value::Null);
    assert_eq!(subs[0]["minimum_term_months"], 12);

    let end = format!("{segment}/end");
    let no_day = s.submit(&segment, &end, &[("ended_on", "")]).await;
    refused_at(&no_day, &["f-end-ended_on"]);
    let overlapping = s
        .submit(
            &show,
            &add,
            &[
                ("subscription_ref", "SUB-1"),
                ("mrr", "10"),
                ("started_on", "2024-05-01"),
            ],
        )
        .await;
    refused_at(&overlapping, &["f-sub-started_on"]);
    assert!(html(&overlapping).contains("overlaps another segment"));
    let ended = s
        .submit(&segment, &end, &[("ended_on", "2024-06-01")])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", html(&ended));
    assert_eq!(s.api("/subscriptions").await[0]["ended_on"], "2024-06-01");
}

async fn invoices_are_added_and_marked_paid_and_unpaid(backend: Backend) {
    let s = Signed::new(backend).await;
    let show = format!("/clients/{}", s.client);
    let add = format!("{show}/invoices");
    let refused = s
        .submit(
            &show,
            &add,
            &[
                ("invoice_ref", ""),
                ("amount", "0"),
                ("issued_on", "2024-13-01"),
                ("due_on", ""),
                ("paid_on", ""),
            ],
        )
        .await;
    refused_at(
        &refused,
        &[
            "f-inv-invoice_ref",
            "f-inv-amount",
            "f-inv-issued_on",
            "f-inv-due_on",
        ],
    );
    assert_eq!(s.api("/invoices").await, json!([]));
    let added = s
        .submit(
            &show,
            &add,
            &[
                ("invoice_ref", "F-2024-001"),
                ("amount", "120.00"),
                ("issued_on", "2024-03-01"),
                ("due_on", "2024-03-31"),
                ("paid_on", ""),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", html(&added));
    let invoice = s.api("/invoices").await[0]["id"].as_i64().unwrap();
    let page = s.page(&show).await;
    assert!(html(&page).contains("Mark invoice F-2024-001 paid"));

    let paid = format!("{show}/invoices/{invoice}/paid");
    let bad = s.submit(&show, &paid, &[("paid_on", "someday")]).await;
    refused_at(&bad, &[&format!("f-paid-{invoice}")]);
    assert!(html(&bad).contains("value=\"someday\""));
    assert_eq!(
        s.api("/invoices").await[0]["paid_on"],
        serde_json::Value::Null
    );
    let done = s.submit(&show, &paid, &[("paid_on", "2024-04-02")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(s.api("/invoices").await[0]["paid_on"], "2024-04-02");
    let page = s.page(&show).await;
    assert!(html(&page).contains("Mark invoice F-2024-001 unpaid"));
    let unpaid = format!("{show}/invoices/{invoice}/unpaid");
    let done = s.submit(&show, &unpaid, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&done),
        format!("{show}?done=invoice-unpaid#invoices")
    );
    assert_eq!(
        s.api("/invoices").await[0]["paid_on"],
        serde_json::Value::Null
    );
}

async fn contacts_are_edited_and_removed_from_their_page(backend: Backend) {
    let s = Signed::new(backend).await;
    let contact = s
        .app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/contacts", s.client),
            Some(&s.token),
            Some(json!({"name": "Lola", "email": "lola@example.com"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let show = format!("/clients/{}", s.client);
    let page = s.page(&show).await;
    let edit = format!("{show}/contacts/{contact}");
    assert!(html(&page).contains(&format!("href=\"{edit}\"")));
    let refused = s
        .submit(
            &edit,
            &edit,
            &[
                ("name", ""),
                ("email", "lola at example"),
                ("role", "Owner typed"),
            ],
        )
        .await;
    refused_at(&refused, &["f-name", "f-email"]);
    assert!(html(&refused).contains("value=\"Owner typed\""));
    assert_eq!(s.api("/contacts").await[0]["name"], "Lola");
    let saved = s
        .submit(
            &edit,
            &edit,
            &[
                ("name", "Lola García"),
                ("email", ""),
                ("role", "Owner"),
                ("is_primary", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let contacts = s.api("/contacts").await;
    assert_eq!(contacts[0]["name"], "Lola García");
    assert_eq!(contacts[0]["email"], serde_json::Value::Null);
    assert_eq!(contacts[0]["is_primary"], true);
    let form = s.page(&edit).await;
    assert!(html(&form).contains("Remove Lola García from this client"));
    let removed = s.submit(&edit, &format!("{edit}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(s.api("/contacts").await, json!([]));
    let gone = get(&s.app, &edit, &s.jar, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

async fn viewers_see_no_forms_and_other_workspaces_find_nothing(backend: Backend) {
    let s = Signed::new(backend).await;
    let sub = s
        .app
        .call(
            Method::POST,
            &format!("/api/v1/clients/{}/subscriptions", s.client),
            Some(&s.token),
            Some(json!({"subscription_ref": "S", "mrr": 10, "started_on": "2024-01-01"})),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let show = format!("/clients/{}", s.client);
    s.app
        .user_with_token("vic@example.com", "Acme", Role::Viewer)
        .await;
    let viewer = sign_in(&s.app, "vic@example.com").await;
    let page = get(&s.app, &show, &viewer, None).await;
    assert_eq!(page.status, StatusCode::OK);
    for hidden in [
        "add-subscription",
        "add-invoice",
        "/edit\"",
        "/subscriptions/",
        "Required field",
    ] {
        assert!(!html(&page).contains(hidden), "a viewer sees {hidden}");
    }
    let csrf = csrf_of(html(&page));
    for uri in [
        format!("{show}/edit"),
        format!("{show}/subscriptions/{sub}"),
    ] {
        assert_eq!(
            get(&s.app, &uri, &viewer, None).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let posted = post(
        &s.app,
        &format!("{show}/subscriptions/{sub}/end"),
        &viewer,
        &[("csrf", &csrf), ("ended_on", "2024-02-01")],
    )
    .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);

    s.app
        .user_with_token("eve@example.com", "Elsewhere", Role::Owner)
        .await;
    let eve = sign_in(&s.app, "eve@example.com").await;
    for uri in [
        format!("{show}/edit"),
        format!("{show}/subscriptions/{sub}"),
    ] {
        assert_eq!(
            get(&s.app, &uri, &eve, None).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let eve_page = get(&s.app, "/clients", &eve, None).await;
    let csrf = csrf_of(html(&eve_page));
    let posted = post(
        &s.app,
        &format!("{show}/subscriptions/{sub}/end"),
        &eve,
        &[("csrf", &csrf), ("ended_on", "2024-02-01")],
    )
    .await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.api("/subscriptions").await[0]["ended_on"],
        serde_json::Value::Null
    );
}

async fn the_new_client_form_shows_a_typed_interval_with_the_other_problems(backend: Backend) {
    let s = Signed::new(backend).await;
    let refused = s
        .submit(
            "/clients/new",
            "/clients",
            &[
                ("name", ""),
                ("status", "active"),
                ("owner", &"o".repeat(101)),
                ("keep_in_touch_days", "monthly"),
            ],
        )
        .await;
    refused_at(&refused, &["f-name", "f-owner", "f-keep_in_touch_days"]);
    assert!(html(&refused).contains("value=\"monthly\""));
}

both_backends!(
    the_new_client_form_shows_a_typed_interval_with_the_other_problems,
    a_client_is_edited_with_every_problem_shown_at_once,
    the_edit_form_speaks_spanish,
    segments_are_added_edited_and_ended_from_the_pages,
    invoices_are_added_and_marked_paid_and_unpaid,
    contacts_are_edited_and_removed_from_their_page,
    viewers_see_no_forms_and_other_workspaces_find_nothing,
);
