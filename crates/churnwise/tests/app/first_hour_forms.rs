//! Forms a new user meets in the first hour (issue #13): the open-a-case
//! form names every problem at once with real reasons, dates that cannot be
//! are refused in the app layer, a credential handover ticks the required
//! item, client names are unique, limits are said, the pages redirect after
//! a post, and a client who gave notice is not shown as "Healthy".

use crate::both_backends;
use crate::cases_api::setup;
use crate::imports_api::{multipart_parts, BOUNDARY};
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use churnwise_store_tests::Backend;
use serde_json::json;

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

async fn the_open_case_form_names_every_problem_at_once_with_its_reason(backend: Backend) {
    let s = setup(backend).await;
    let ana = sign_in(&s.app, "ana@example.com").await;
    let uri = format!("/clients/{}", s.client);
    let page = get(&s.app, &uri, &ana, None).await;
    let body = html(&page);
    // The four questions are marked required, visibly and for assistive tech.
    for q in [
        "fruitful",
        "history_of_stumbles",
        "our_commitments_met",
        "client_commitments_met",
    ] {
        let at = body.find(&format!("id=\"q-{q}\"")).expect(q);
        let tag = &body[at..at + body[at..].find('>').unwrap()];
        assert!(tag.contains("aria-required=\"true\""), "{tag}");
        let legend = &body[at..at + body[at..].find("</legend>").unwrap()];
        assert!(legend.contains("class=\"required\""), "{legend}");
    }
    let csrf = csrf_of(body);
    let tomorrow = day(1);
    let today = day(0);
    // A notice from tomorrow, an end before it, a mistyped notice period and
    // no answers: every problem in one answer, each next to its field.
    let r = post(
        &s.app,
        &format!("{uri}/cases"),
        &ana,
        &[
            ("csrf", &csrf),
            ("kind", "client_leaving"),
            ("received_on", &tomorrow),
            ("channel", "email"),
            ("received_by", "ana"),
            ("requested_end_on", &today),
            ("notice_period_days", "thirty"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&r);
    assert!(
        body.contains("This date is after today: a notice cannot arrive in the future."),
        "{body}"
    );
    assert!(body.contains("The requested end must be on or after the notice date."));
    assert!(!body.contains("Enter a valid date (YYYY-MM-DD)."));
    assert!(body.contains("This value is not valid."));
    assert_eq!(body.matches("Please fill this in.").count(), 4, "{body}");
    assert!(
        s.call(Method::GET, "/api/v1/cases", None).await.json["items"]
            .as_array()
            .is_none_or(|a| a.is_empty())
    );

    // Spanish says the same.
    let r = post(
        &s.app,
        &format!("{uri}/cases"),
        &ana.clone().with("lang", "es"),
        &[
            ("csrf", &csrf),
            ("received_on", &tomorrow),
            ("channel", "email"),
            ("received_by", "ana"),
            ("requested_end_on", &today),
        ],
    )
    .await;
    let body = html(&r);
    assert!(
        body.contains("un aviso no puede llegar en el futuro"),
        "{body}"
    );
    assert!(body.contains("El fin solicitado debe ser igual o posterior a la fecha del aviso."));

    // A good notice opens the case and goes to its page.
    let r = post(
        &s.app,
        &format!("{uri}/cases"),
        &ana,
        &[
            ("csrf", &csrf),
            ("kind", "client_leaving"),
            ("received_on", &today),
            ("channel", "email"),
            ("received_by", "ana"),
            ("requested_end_on", &day(20)),
            ("fruitful", "yes"),
            ("history_of_stumbles", "no"),
            ("our_commitments_met", "yes"),
            ("client_commitments_met", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let to = location(&r).to_string();
    assert!(to.starts_with("/cases/"), "{to}");
    let page = get(&s.app, &to, &ana, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("The departure case was opened."));
    // The exit conversation's two questions are marked required.
    let body = html(&page);
    for q in ["exit-controllable", "exit-renegotiable"] {
        let at = body.find(&format!("id=\"{q}\"")).expect(q);
        let tag = &body[at..at + body[at..].find('>').unwrap()];
        assert!(tag.contains("aria-required=\"true\""), "{tag}");
    }
}

async fn impossible_dates_are_refused_by_the_api_with_a_clear_reason(backend: Backend) {
    let s = setup(backend).await;
    let mut notice = json!({
        "received_on": day(2),
        "channel": "email",
        "received_by": "ana",
        "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
            "our_commitments_met": true, "client_commitments_met": true}
    });
    let r = s
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"client_id": s.client, "notice": notice.clone()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert_eq!(r.json["errors"][0]["field"], "received_on");
    assert_eq!(r.json["errors"][0]["message"], "must not be in the future");
    notice["received_on"] = json!("2024-03-01");
    notice["requested_end_on"] = json!("2024-02-01");
    let r = s
        .call(
            Method::POST,
            "/api/v1/cases",
            Some(json!({"client_id": s.client, "notice": notice.clone()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["errors"][0]["field"], "requested_end_on");
    assert_eq!(
        r.json["errors"][0]["message"],
        "must be on or after the notice date (received_on)"
    );

    // A win-back follow-up before the case was opened (2024-03-01).
    let id = s.offboarding("needs_changed").await;
    let base = format!("/api/v1/cases/{id}");
    s.all_items_done(id).await;
    s.ok(
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Credited"}),
        StatusCode::OK,
    )
    .await;
    s.ok(
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost", "end_on": day(30)}),
        StatusCode::OK,
    )
    .await;
    let before = s.show(id).await;
    let r = s
        .call(
            Method::PUT,
            &format!("{base}/win-back-follow-up"),
            Some(json!({"on": "2024-02-15"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert_eq!(r.json["errors"][0]["field"], "on");
    assert_eq!(s.show(id).await, before, "nothing changed");
    s.ok(
        Method::PUT,
        &format!("{base}/win-back-follow-up"),
        json!({"on": "2024-09-01"}),
        StatusCode::OK,
    )
    .await;
}

async fn a_lost_client_stays_leaving_until_its_last_day_and_the_page_shows_it(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    let base = format!("/api/v1/cases/{id}");
    s.all_items_done(id).await;
    s.ok(
        Method::POST,
        &format!("{base}/invoice-waivers"),
        json!({"invoice": "INV-9", "reason": "Credited"}),
        StatusCode::OK,
    )
    .await;
    let last_day = day(30);
    s.ok(
        Method::POST,
        &format!("{base}/close"),
        json!({"outcome": "lost", "end_on": last_day}),
        StatusCode::OK,
    )
    .await;
    let client = s
        .call(Method::GET, &format!("/api/v1/clients/{}", s.client), None)
        .await;
    assert_eq!(client.json["status"], "leaving", "{:#}", client.json);
    let ana = sign_in(&s.app, "ana@example.com").await;
    let page = get(&s.app, &format!("/clients/{}", s.client), &ana, None).await;
    let body = html(&page);
    assert!(
        body.contains("The client&#x27;s last day") || body.contains("The client's last day"),
        "{body}"
    );
    let shown = chrono::NaiveDate::parse_from_str(&last_day, "%Y-%m-%d").unwrap();
    assert!(
        body.contains(&shown.format("%-d %b %Y").to_string())
            || body.contains(&shown.format("%b %-d, %Y").to_string())
            || body.contains(&last_day),
        "the last day is shown"
    );
}

async fn a_credential_handover_ticks_the_required_credentials_item(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    let base = format!("/api/v1/cases/{id}");
    let before = s.show(id).await["case"]["offboarding"]["items"]
        .as_array()
        .unwrap()
        .len();
    let r = s
        .ok(
            Method::POST,
            &format!("{base}/offboarding/handovers"),
            json!({"account": "Google Ads admin", "recipient": "Luis", "handed_over_on": "2024-03-20"}),
            StatusCode::CREATED,
        )
        .await;
    let items = r["case"]["offboarding"]["items"].as_array().unwrap();
    assert_eq!(items.len(), before, "no extra item");
    let credentials = items
        .iter()
        .find(|i| i["key"] == "credentials_handed_over")
        .unwrap();
    assert_eq!(credentials["status"], "done");
    assert_eq!(credentials["id"], r["created"]);
    assert_eq!(credentials["handover"]["account"], "Google Ads admin");
}

async fn client_names_are_unique_in_a_workspace(backend: Backend) {
    let s = setup(backend).await;
    // "Bakery Lola" exists: the same name, other case and spaces, is refused.
    let r = s
        .call(
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "  bakery LOLA "})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert_eq!(r.json["errors"][0]["field"], "name");
    let other = s
        .ok(
            Method::POST,
            "/api/v1/clients",
            json!({"name": "Bakery Lola Two"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let r = s
        .call(
            Method::PATCH,
            &format!("/api/v1/clients/{other}"),
            Some(json!({"name": "BAKERY lola"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    assert_eq!(r.json["errors"][0]["field"], "name");
    // A client may keep (or re-case) its own name.
    s.ok(
        Method::PATCH,
        &format!("/api/v1/clients/{}", s.client),
        json!({"name": "Bakery LOLA"}),
        StatusCode::OK,
    )
    .await;
    // The new-client page says why, next to the name.
    let ana = sign_in(&s.app, "ana@example.com").await;
    let page = get(&s.app, "/clients/new", &ana, None).await;
    let csrf = csrf_of(html(&page));
    let r = post(
        &s.app,
        "/clients",
        &ana,
        &[("csrf", &csrf), ("name", "bakery lola")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&r).contains("Another client already has this name."),
        "{}",
        html(&r)
    );

    // A customers file naming one client twice under two ids is refused
    // with both lines; nothing is written.
    let file = "customer_id,name\nC1,Gamma Studio\nC2,Delta\nC3,gamma studio\n";
    let body = multipart_parts(&[
        ("kind", None, b"customers"),
        ("file", Some("customers.csv"), file.as_bytes()),
    ]);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/imports")
        .header(header::AUTHORIZATION, format!("Bearer {}", s.token))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap();
    let r = s.app.send(request).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    let problem = &r.json["problems"][0];
    assert_eq!(problem["line"], 4);
    assert_eq!(problem["column"], "name");
    assert!(
        problem["reason"].to_string().contains("line 2") || r.json.to_string().contains("line 2")
    );
}

async fn too_long_says_the_limit_and_the_api_names_its_parameters(backend: Backend) {
    let s = setup(backend).await;
    let ana = sign_in(&s.app, "ana@example.com").await;
    let uri = format!("/clients/{}", s.client);
    let page = get(&s.app, &uri, &ana, None).await;
    let csrf = csrf_of(html(&page));
    let long = "x".repeat(201);
    let r = post(
        &s.app,
        &format!("{uri}/contacts"),
        &ana,
        &[("csrf", &csrf), ("name", &long)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&r).contains("At most 200 characters."), "{}", html(&r));
    let r = post(
        &s.app,
        &format!("{uri}/contacts"),
        &ana.clone().with("lang", "es"),
        &[("csrf", &csrf), ("name", &long)],
    )
    .await;
    assert!(html(&r).contains("Como máximo 200 caracteres."));

    let r = s
        .call(Method::GET, "/api/v1/metrics?from=2024-12&to=2024-01", None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:#}", r.json);
    let text = r.json.to_string();
    assert!(!text.contains("--from") && !text.contains("--to"), "{text}");
    assert!(
        text.contains("from (2024-12) is after to (2024-01)"),
        "{text}"
    );
}

async fn a_survey_link_survives_a_reload_and_makes_no_new_one(backend: Backend) {
    let s = setup(backend).await;
    let id = s.offboarding("needs_changed").await;
    let mut ana = sign_in(&s.app, "ana@example.com").await;
    let uri = format!("/cases/{id}");
    let page = get(&s.app, &uri, &ana, None).await;
    let csrf = csrf_of(html(&page));
    let version = s.show(id).await["version"].to_string();
    let r = post(
        &s.app,
        &format!("{uri}/survey"),
        &ana,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("scale", "zero_to_ten"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert!(location(&r).starts_with(&uri));
    ana.take(&r);
    let link_of = |body: &str| {
        let at = body.find("id=\"survey-link\"").expect("the link is shown");
        let rest = &body[at..];
        let v = rest.find("value=\"").unwrap() + 7;
        rest[v..v + rest[v..].find('"').unwrap()].to_string()
    };
    let first = get(&s.app, &uri, &ana, None).await;
    let link = link_of(html(&first));
    assert!(
        link.contains("/s/") || link.contains("&#x2f;s&#x2f;"),
        "{link}"
    );
    let version_after = s.show(id).await["version"].clone();
    let again = get(&s.app, &uri, &ana, None).await;
    assert_eq!(link_of(html(&again)), link, "a reload shows the same link");
    assert_eq!(s.show(id).await["version"], version_after, "and makes none");
}

async fn a_client_who_gave_notice_is_not_shown_as_healthy(backend: Backend) {
    let s = setup(backend).await;
    let ana = sign_in(&s.app, "ana@example.com").await;
    let end = day(20);
    s.ok(
        Method::POST,
        "/api/v1/cases",
        json!({"client_id": s.client, "notice": {
            "received_on": day(-5), "channel": "email", "received_by": "ana",
            "requested_end_on": end,
            "first_evaluation": {"fruitful": true, "history_of_stumbles": false,
                "our_commitments_met": true, "client_commitments_met": true}}}),
        StatusCode::CREATED,
    )
    .await;
    s.ok(
        Method::POST,
        "/api/v1/health-scores/refresh",
        json!({}),
        StatusCode::OK,
    )
    .await;
    let page = get(&s.app, &format!("/clients/{}", s.client), &ana, None).await;
    let body = html(&page);
    let card = &body[body.find("id=\"health\"").unwrap()..];
    let card = &card[..card.find("</section>").unwrap()];
    assert!(card.contains("has given notice"), "{card}");
    assert!(card.contains(">Leaving<"), "{card}");
    assert!(!card.contains(">Healthy<"), "{card}");
    assert!(card.contains("/cases/"), "a link to the case");
    assert!(!card.contains("no end or renewal coming up"), "{card}");
    assert!(card.contains("contract ends on"), "{card}");
}

async fn the_member_shows_by_name_and_owners_default_to_it(backend: Backend) {
    let s = setup(backend).await;
    let store = s.app.store().clone();
    let user = store
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap();
    store
        .update_user_profile(user.user.id, Some(Some("Ana Pérez".into())), None)
        .await
        .unwrap();
    let id = s.offboarding("needs_changed").await;
    let ana = sign_in(&s.app, "ana@example.com").await;
    let page = get(&s.app, &format!("/cases/{id}"), &ana, None).await;
    let body = html(&page);
    let at = body.find("id=\"lesson-owner\"").expect("the lesson form");
    let tag = &body[at..at + body[at..].find('>').unwrap()];
    assert!(tag.contains("value=\"Ana Pérez\""), "{tag}");
    assert!(!tag.contains("ana@example.com"), "{tag}");
    // A step made on the page is in the history under the name.
    let csrf = csrf_of(body);
    let version = s.show(id).await["version"].to_string();
    let r = post(
        &s.app,
        &format!("/cases/{id}/lesson"),
        &ana,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("what", "Quarterly reviews"),
            ("owner", "Ana Pérez"),
            ("due_on", &day(10)),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    let history = s.show(id).await["history"].to_string();
    assert!(history.contains("Ana Pérez"), "{history}");
}

async fn the_settings_page_has_one_language_setting(backend: Backend) {
    let s = setup(backend).await;
    let ana = sign_in(&s.app, "ana@example.com").await;
    let page = get(&s.app, "/settings", &ana, None).await;
    let body = html(&page);
    let main = &body[body.find("<main").unwrap()..body.find("</main>").unwrap()];
    assert_eq!(
        main.matches("name=\"lang\"").count(),
        1,
        "one language setting"
    );
    assert!(main.contains("The one language setting of your account"));
    assert!(!main.contains("Language of the interface"));
}

both_backends!(
    the_open_case_form_names_every_problem_at_once_with_its_reason,
    impossible_dates_are_refused_by_the_api_with_a_clear_reason,
    a_lost_client_stays_leaving_until_its_last_day_and_the_page_shows_it,
    a_credential_handover_ticks_the_required_credentials_item,
    client_names_are_unique_in_a_workspace,
    too_long_says_the_limit_and_the_api_names_its_parameters,
    a_survey_link_survives_a_reload_and_makes_no_new_one,
    a_client_who_gave_notice_is_not_shown_as_healthy,
    the_member_shows_by_name_and_owners_default_to_it,
    the_settings_page_has_one_language_setting
);
