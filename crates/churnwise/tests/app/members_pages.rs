//! Users and roles on the settings page, on both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in};
use crate::support::TestApp;
use axum::http::StatusCode;
use churnwise_domain::registry::Role;
use churnwise_store_tests::Backend;

const PASSWORD: &str = "a long password";

async fn role_in(app: &TestApp, email: &str, ws: &str) -> Option<Role> {
    let ws = app.store().find_workspace(ws).await.unwrap().unwrap();
    app.store()
        .workspace_members(ws.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.user.email == email)
        .map(|m| m.role)
}

async fn owners_add_users_and_change_roles_within_the_rules(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("mia@example.com", "Acme", Role::Manager)
        .await;
    app.user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    app.user_with_token("carol@example.com", "Other", Role::Owner)
        .await;
    let ana = sign_in(&app, "ana@example.com").await;
    let csrf = csrf_of(html(&get(&app, "/settings", &ana, None).await));

    // Refused forms name the field and keep what was typed.
    let r = post(
        &app,
        "/settings/members",
        &ana,
        &[
            ("csrf", &csrf),
            ("email", "bob"),
            ("role", "member"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&r).contains("id=\"f-member-email-error\""));
    assert!(html(&r).contains("value=\"bob\""));
    let r = post(
        &app,
        "/settings/members",
        &ana,
        &[
            ("csrf", &csrf),
            ("email", "bob@example.com"),
            ("role", "member"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&r).contains("A new account needs a password of at least 10 characters."));
    assert!(
        !html(&r).contains("value=\"short\""),
        "a password is never drawn back"
    );
    assert_eq!(role_in(&app, "bob@example.com", "Acme").await, None);

    // A new account signs in with the password given.
    let r = post(
        &app,
        "/settings/members",
        &ana,
        &[
            ("csrf", &csrf),
            ("email", "Bob@Example.com"),
            ("role", "viewer"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/settings?done=member-added#members");
    assert_eq!(
        role_in(&app, "bob@example.com", "Acme").await,
        Some(Role::Viewer)
    );
    sign_in(&app, "bob@example.com").await;

    // An existing account joins with its own password.
    let r = post(
        &app,
        "/settings/members",
        &ana,
        &[
            ("csrf", &csrf),
            ("email", "carol@example.com"),
            ("role", "member"),
            ("password", "another long one"),
        ],
    )
    .await;
    assert_eq!(location(&r), "/settings?done=member-existing-added#members");
    assert_eq!(
        role_in(&app, "carol@example.com", "Acme").await,
        Some(Role::Member)
    );
    assert_eq!(
        role_in(&app, "carol@example.com", "Other").await,
        Some(Role::Owner)
    );
    sign_in(&app, "carol@example.com").await; // still the old password

    // A manager may not make an owner; the last owner stays an owner.
    let mia = sign_in(&app, "mia@example.com").await;
    let mia_csrf = csrf_of(html(&get(&app, "/settings", &mia, None).await));
    let max_id = app
        .store()
        .find_user_by_email("max@example.com")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let r = post(
        &app,
        &format!("/settings/members/{max_id}/role"),
        &mia,
        &[("csrf", &mia_csrf), ("role", "owner")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&r).contains("Only an owner can make someone an owner"));
    let r = post(
        &app,
        &format!("/settings/members/{max_id}/role"),
        &mia,
        &[("csrf", &mia_csrf), ("role", "viewer")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        role_in(&app, "max@example.com", "Acme").await,
        Some(Role::Viewer)
    );
    let ana_id = app
        .store()
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let mia_id = app
        .store()
        .find_user_by_email("mia@example.com")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let r = post(
        &app,
        &format!("/settings/members/{ana_id}/role"),
        &mia,
        &[("csrf", &mia_csrf), ("role", "member")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a manager cannot demote an owner"
    );
    let r = post(
        &app,
        &format!("/settings/members/{mia_id}/role"),
        &ana,
        &[("csrf", &csrf), ("role", "owner")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(
        &app,
        &format!("/settings/members/{mia_id}/role"),
        &ana,
        &[("csrf", &csrf), ("role", "member")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "two owners: one may step down"
    );
    // Now ana is the only owner again; a second owner demoting her is impossible, and so is she.
    let ana_role = post(
        &app,
        &format!("/settings/members/{ana_id}/role"),
        &ana,
        &[("csrf", &csrf), ("role", "member")],
    )
    .await;
    assert_eq!(ana_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&ana_role).contains("The workspace needs at least one owner"));
    assert_eq!(
        role_in(&app, "ana@example.com", "Acme").await,
        Some(Role::Owner)
    );

    // Members and viewers cannot manage users; another workspace's user is not found.
    let max = sign_in(&app, "bob@example.com").await;
    let max_csrf = csrf_of(html(&get(&app, "/settings", &max, None).await));
    let r = post(
        &app,
        "/settings/members",
        &max,
        &[
            ("csrf", &max_csrf),
            ("email", "eve@example.com"),
            ("role", "owner"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let outsider = app
        .user_with_token("zed@example.com", "Third", Role::Owner)
        .await;
    drop(outsider);
    let zed = app
        .store()
        .find_user_by_email("zed@example.com")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let r = post(
        &app,
        &format!("/settings/members/{zed}/role"),
        &ana,
        &[("csrf", &csrf), ("role", "viewer")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

both_backends!(owners_add_users_and_change_roles_within_the_rules);
