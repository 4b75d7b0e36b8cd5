//! Users and roles on the settings page, and invitations (issue 11,
//! finding 7): nobody is attached to a workspace before accepting; inviting
//! tells nothing about whether an email has an account; links are accepted
//! by a new or an existing account, or at the next sign-in; they expire and
//! can be revoked. On both backends.

use crate::both_backends;
use crate::pages::{csrf_of, get, html, location, post, sign_in, Jar};
use crate::support::{churnwise, TestApp};
use axum::http::StatusCode;
use churnwise_domain::registry::Role;
use churnwise_store::{Invitation, UserId};
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

async fn user_id(app: &TestApp, email: &str) -> UserId {
    app.store()
        .find_user_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .user
        .id
}

async fn invitations(app: &TestApp, ws: &str) -> Vec<Invitation> {
    let ws = app.store().find_workspace(ws).await.unwrap().unwrap();
    app.store().list_invitations(ws.id).await.unwrap()
}

/// The link shown once on the settings page after inviting.
fn link_of(page: &str) -> String {
    let marker = "id=\"f-invitation-link\" class=\"token\" type=\"text\" readonly value=\"";
    let start = page.find(marker).expect("the page shows the link") + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end].replace("&#x2f;", "/")
}

/// Signs in through the sign-in form wherever it leads; returns the cookies
/// and where it led.
async fn sign_in_anywhere(app: &TestApp, email: &str) -> (Jar, String) {
    let mut jar = Jar::default();
    let login = get(app, "/login", &jar, None).await;
    jar.take(&login);
    let done = post(
        app,
        "/login",
        &jar,
        &[
            ("csrf", &csrf_of(html(&login))),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/clients"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{email} signs in");
    jar.take(&done);
    (jar, location(&done).to_string())
}

/// True when `email`'s account still has the test password.
async fn has_test_password(app: &TestApp, email: &str) -> bool {
    let found = app
        .store()
        .find_user_by_email(email)
        .await
        .unwrap()
        .unwrap();
    churnwise_app::credentials::verify_password(PASSWORD, &found.password_hash)
}

/// The path of a link (`/invitations/<token>`).
fn path_of(link: &str) -> String {
    link[link.find("/invitations/").unwrap()..].to_string()
}

/// The settings page's CSRF token for a signed-in jar.
async fn settings_csrf(app: &TestApp, jar: &Jar) -> String {
    csrf_of(html(&get(app, "/settings", jar, None).await))
}

async fn invite(app: &TestApp, jar: &Jar, email: &str, role: &str) -> crate::support::Reply {
    let csrf = settings_csrf(app, jar).await;
    post(
        app,
        "/settings/members",
        jar,
        &[("csrf", &csrf), ("email", email), ("role", role)],
    )
    .await
}

/// Acme (ana owner, mia manager, max member) and Other (carol owner, an
/// account Acme's people know nothing about).
async fn acme(backend: Backend) -> TestApp {
    let app = TestApp::new(backend).await;
    app.user_with_token("ana@example.com", "Acme", Role::Owner)
        .await;
    app.user_with_token("mia@example.com", "Acme", Role::Manager)
        .await;
    app.user_with_token("max@example.com", "Acme", Role::Member)
        .await;
    app.user_with_token("carol@example.com", "Other", Role::Owner)
        .await;
    app
}

/// Opens an invitation link without a session; returns the page and the
/// cookies (the form's CSRF cookie).
async fn open_link(app: &TestApp, path: &str) -> (crate::support::Reply, Jar) {
    let mut jar = Jar::default();
    let page = get(app, path, &jar, None).await;
    jar.take(&page);
    (page, jar)
}

async fn inviting_answers_the_same_for_known_and_unknown_emails_and_attaches_nobody(
    backend: Backend,
) {
    let app = acme(backend).await;
    let ana = sign_in(&app, "ana@example.com").await;
    let carol_before = app
        .store()
        .memberships(user_id(&app, "carol@example.com").await)
        .await
        .unwrap();

    let known = invite(&app, &ana, "carol@example.com", "manager").await;
    let unknown = invite(&app, &ana, "Bob@Example.com", "manager").await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, known.status);
    // The notice and its link are the same words, but for the email and the secret.
    let notice = |page: &str, email: &str| {
        let start = page.find("id=\"new-invitation\"").unwrap();
        let end = start + page[start..].find("</div>").unwrap();
        let token = path_of(&link_of(page)).replace("/invitations/", "");
        page[start..end]
            .replace(email, "EMAIL")
            .replace(&token, "TOKEN")
    };
    assert_eq!(
        notice(html(&known), "carol@example.com"),
        notice(html(&unknown), "bob@example.com")
    );

    // What the inviter can see stored is the same shape for both.
    let stored = invitations(&app, "Acme").await;
    assert_eq!(stored.len(), 2);
    let shape = |i: &Invitation| {
        (
            i.role,
            i.invited_by.clone(),
            i.expires_at - i.created_at,
            i.workspace.name.clone(),
        )
    };
    assert_eq!(shape(&stored[0]), shape(&stored[1]));
    assert_eq!(
        stored[0].expires_at - stored[0].created_at,
        chrono::Duration::days(14)
    );

    // Nobody was attached: carol's workspaces (and so her default one) are
    // unchanged, and bob has no account.
    assert_eq!(role_in(&app, "carol@example.com", "Acme").await, None);
    assert_eq!(
        app.store()
            .memberships(user_id(&app, "carol@example.com").await)
            .await
            .unwrap(),
        carol_before
    );
    assert!(app
        .store()
        .find_user_by_email("bob@example.com")
        .await
        .unwrap()
        .is_none());
    assert!(has_test_password(&app, "carol@example.com").await);

    // The settings page lists them as pending; a refused form names the field.
    let page = get(&app, "/settings", &ana, None).await;
    assert!(html(&page).contains("Pending invitations"));
    assert!(html(&page).contains("bob@example.com"));
    let refused = invite(&app, &ana, "bob", "member").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("id=\"f-member-email-error\""));
    let member = invite(&app, &ana, "max@example.com", "member").await;
    assert_eq!(member.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&member).contains("already a member"));
    assert_eq!(invitations(&app, "Acme").await.len(), 2);
}

async fn a_new_person_accepts_by_link_with_their_own_password(backend: Backend) {
    let app = acme(backend).await;
    let ana = sign_in(&app, "ana@example.com").await;
    let link = link_of(html(&invite(&app, &ana, "bob@example.com", "viewer").await));
    assert!(link.starts_with("http://localhost/invitations/"));
    let path = path_of(&link);
    // Only the hash of the token is stored.
    let token = path.trim_start_matches("/invitations/");
    assert_eq!(token.len(), 64);

    let (page, jar) = open_link(&app, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("Join Acme"));
    assert!(html(&page).contains("bob@example.com"));
    let csrf = csrf_of(html(&page));
    let mismatch = post(
        &app,
        &path,
        &jar,
        &[
            ("csrf", &csrf),
            ("mode", "create"),
            ("name", "Bob"),
            ("password", PASSWORD),
            ("password_again", "another password"),
        ],
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&mismatch).contains("The two passwords differ."));
    let short = post(
        &app,
        &path,
        &jar,
        &[
            ("csrf", &csrf),
            ("mode", "create"),
            ("name", "Bob"),
            ("password", "short"),
            ("password_again", "short"),
        ],
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(role_in(&app, "bob@example.com", "Acme").await, None);

    let done = post(
        &app,
        &path,
        &jar,
        &[
            ("csrf", &csrf),
            ("mode", "create"),
            ("name", "Bob"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/dashboard");
    let mut bob = jar.clone();
    bob.take(&done);
    assert_eq!(
        get(&app, "/dashboard", &bob, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        role_in(&app, "bob@example.com", "Acme").await,
        Some(Role::Viewer)
    );
    let user = app
        .store()
        .find_user_by_email("bob@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.user.name.as_deref(), Some("Bob"));
    assert!(user.password_hash.starts_with("$argon2id$"));
    sign_in(&app, "bob@example.com").await;
    // A used link is gone.
    assert_eq!(open_link(&app, &path).await.0.status, StatusCode::NOT_FOUND);
    assert!(invitations(&app, "Acme").await.is_empty());
}

async fn an_existing_account_accepts_by_link_with_its_own_password(backend: Backend) {
    let app = acme(backend).await;
    let ana = sign_in(&app, "ana@example.com").await;
    let path = path_of(&link_of(html(
        &invite(&app, &ana, "carol@example.com", "member").await,
    )));
    let (page, jar) = open_link(&app, &path).await;
    let csrf = csrf_of(html(&page));
    // Creating an account for a taken email is refused; nothing changes.
    let taken = post(
        &app,
        &path,
        &jar,
        &[
            ("csrf", &csrf),
            ("mode", "create"),
            ("password", "a new password"),
            ("password_again", "a new password"),
        ],
    )
    .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&taken).contains("already has an account"));
    let wrong = post(
        &app,
        &path,
        &jar,
        &[
            ("csrf", &csrf),
            ("mode", "signin"),
            ("password", "not hers at all"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(role_in(&app, "carol@example.com", "Acme").await, None);
    assert_eq!(invitations(&app, "Acme").await.len(), 1);

    let done = post(
        &app,
        &path,
        &jar,
        &[("csrf", &csrf), ("mode", "signin"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        role_in(&app, "carol@example.com", "Acme").await,
        Some(Role::Member)
    );
    assert_eq!(
        role_in(&app, "carol@example.com", "Other").await,
        Some(Role::Owner)
    );
    sign_in(&app, "carol@example.com").await; // still her own password
                                              // The audit log keeps who invited whom and who accepted.
    let ws = app.store().find_workspace("Acme").await.unwrap().unwrap();
    let log = app.store().list_audit(ws.id, 1, 50).await.unwrap().items;
    let said: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str(), e.detail.as_str()))
        .collect();
    assert!(
        said.contains(&(
            "member.invited",
            "ana@example.com",
            "carol@example.com as member"
        )),
        "{said:?}"
    );
    assert!(
        said.iter().any(
            |(action, _, detail)| *action == "member.invitation_accepted"
                && detail.starts_with("carol@example.com as member")
        ),
        "{said:?}"
    );

    // A signed-in account accepts with one click; another account cannot.
    let link = link_of(html(&invite(&app, &ana, "zoe@example.com", "member").await));
    app.user_with_token("zoe@example.com", "Zed", Role::Owner)
        .await;
    let carol = sign_in(&app, "carol@example.com").await;
    let other = get(&app, &path_of(&link), &carol, None).await;
    assert!(html(&other).contains("You are signed in as carol@example.com"));
    let csrf = csrf_of(html(&other));
    let refused = post(
        &app,
        &path_of(&link),
        &carol,
        &[("csrf", &csrf), ("mode", "session")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (zoe, led_to) = sign_in_anywhere(&app, "zoe@example.com").await;
    assert_eq!(led_to, "/invitations");
    let mine = get(&app, &path_of(&link), &zoe, None).await;
    let csrf = csrf_of(html(&mine));
    let done = post(
        &app,
        &path_of(&link),
        &zoe,
        &[("csrf", &csrf), ("mode", "session")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        role_in(&app, "zoe@example.com", "Acme").await,
        Some(Role::Member)
    );
}

async fn an_existing_account_is_asked_at_its_next_sign_in(backend: Backend) {
    let app = acme(backend).await;
    app.user_with_token("dan@example.com", "Third", Role::Owner)
        .await;
    let ana = sign_in(&app, "ana@example.com").await;
    invite(&app, &ana, "carol@example.com", "manager").await;
    invite(&app, &ana, "dan@example.com", "member").await;

    // Sign-in leads to the waiting invitations instead of `next`.
    let mut jar = Jar::default();
    let login = get(&app, "/login", &jar, None).await;
    jar.take(&login);
    let done = post(
        &app,
        "/login",
        &jar,
        &[
            ("csrf", &csrf_of(html(&login))),
            ("email", "carol@example.com"),
            ("password", PASSWORD),
            ("next", "/clients"),
        ],
    )
    .await;
    assert_eq!(location(&done), "/invitations");
    jar.take(&done);
    let page = get(&app, "/invitations", &jar, None).await;
    assert!(html(&page).contains("Acme, as Manager"));
    assert_eq!(role_in(&app, "carol@example.com", "Acme").await, None);
    let id = invitations(&app, "Acme")
        .await
        .into_iter()
        .find(|i| i.email == "carol@example.com")
        .unwrap()
        .id;
    let csrf = csrf_of(html(&page));
    let accepted = post(
        &app,
        &format!("/invitations/pending/{id}/accept"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        role_in(&app, "carol@example.com", "Acme").await,
        Some(Role::Manager)
    );
    // The session now acts in the joined workspace.
    let settings = get(&app, "/settings", &jar, None).await;
    assert!(html(&settings).contains("mia@example.com"));

    // Someone else's invitation cannot be accepted; dan declines his.
    let dan_invitation = invitations(&app, "Acme").await[0].id;
    let refused = post(
        &app,
        &format!("/invitations/pending/{dan_invitation}/accept"),
        &jar,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(role_in(&app, "dan@example.com", "Acme").await, None);
    let mut dan = Jar::default();
    let login = get(&app, "/login", &dan, None).await;
    dan.take(&login);
    let done = post(
        &app,
        "/login",
        &dan,
        &[
            ("csrf", &csrf_of(html(&login))),
            ("email", "dan@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    dan.take(&done);
    let page = get(&app, "/invitations", &dan, None).await;
    let declined = post(
        &app,
        &format!("/invitations/pending/{dan_invitation}/decline"),
        &dan,
        &[("csrf", &csrf_of(html(&page)))],
    )
    .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    assert!(invitations(&app, "Acme").await.is_empty());
    assert_eq!(role_in(&app, "dan@example.com", "Acme").await, None);
    // With nothing waiting, sign-in goes where it was asked.
    sign_in(&app, "dan@example.com").await;
}

async fn expired_and_revoked_invitations_cannot_be_accepted(backend: Backend) {
    let app = acme(backend).await;
    let ws = app.store().find_workspace("Acme").await.unwrap().unwrap();
    let ana_access = churnwise_store::Access {
        user: app
            .store()
            .find_user_by_email("ana@example.com")
            .await
            .unwrap()
            .unwrap()
            .user,
        workspace: ws.clone(),
        role: Role::Owner,
    };
    // Made fifteen days ago: expired a day ago.
    let old = churnwise_app::members::invite(
        app.store().as_ref(),
        churnwise_app::members::Inviter::Member(&ana_access),
        "carol@example.com",
        "member",
        chrono::Utc::now() - chrono::Duration::days(15),
    )
    .await
    .unwrap();
    let (page, jar) = open_link(&app, &old.path()).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(html(&page).contains("not valid any more"));
    let csrf = csrf_of(html(&page));
    let refused = post(
        &app,
        &old.path(),
        &jar,
        &[("csrf", &csrf), ("mode", "signin"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(role_in(&app, "carol@example.com", "Acme").await, None);
    // Not asked at sign-in either; the inviter sees it as expired.
    sign_in(&app, "carol@example.com").await;
    let ana = sign_in(&app, "ana@example.com").await;
    assert!(html(&get(&app, "/settings", &ana, None).await).contains("Expired"));

    // Revoked: the link stops working at once.
    let path = path_of(&link_of(html(
        &invite(&app, &ana, "bob@example.com", "member").await,
    )));
    let id = invitations(&app, "Acme")
        .await
        .into_iter()
        .find(|i| i.email == "bob@example.com")
        .unwrap()
        .id;
    // A member cannot revoke; another workspace's owner finds nothing.
    let max = sign_in(&app, "max@example.com").await;
    let r = post(
        &app,
        &format!("/settings/invitations/{id}/revoke"),
        &max,
        &[("csrf", &settings_csrf(&app, &max).await)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let carol = sign_in(&app, "carol@example.com").await;
    let r = post(
        &app,
        &format!("/settings/invitations/{id}/revoke"),
        &carol,
        &[("csrf", &settings_csrf(&app, &carol).await)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(open_link(&app, &path).await.0.status, StatusCode::OK);
    let r = post(
        &app,
        &format!("/settings/invitations/{id}/revoke"),
        &ana,
        &[("csrf", &settings_csrf(&app, &ana).await)],
    )
    .await;
    assert_eq!(location(&r), "/settings?done=invitation-revoked#members");
    assert_eq!(open_link(&app, &path).await.0.status, StatusCode::NOT_FOUND);
    assert!(app
        .store()
        .find_user_by_email("bob@example.com")
        .await
        .unwrap()
        .is_none());
}

async fn roles_follow_the_rules_for_invitations_and_changes(backend: Backend) {
    let app = acme(backend).await;
    let ana = sign_in(&app, "ana@example.com").await;
    let mia = sign_in(&app, "mia@example.com").await;
    let max = sign_in(&app, "max@example.com").await;

    // A manager may invite, but not an owner; a member may not invite.
    let r = invite(&app, &mia, "eve@example.com", "owner").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&r).contains("Only an owner can make someone an owner"));
    assert_eq!(
        invite(&app, &mia, "eve@example.com", "manager")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        invite(&app, &max, "eve@example.com", "viewer").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(invitations(&app, "Acme").await[0].role, Role::Manager);
    assert_eq!(
        invitations(&app, "Acme").await[0].invited_by.as_deref(),
        Some("mia@example.com")
    );
    // An owner may invite an owner.
    assert_eq!(
        invite(&app, &ana, "eve@example.com", "owner").await.status,
        StatusCode::OK
    );
    assert_eq!(
        invitations(&app, "Acme").await.len(),
        1,
        "replaced, not doubled"
    );

    // Role changes: a manager may not make or unmake an owner; the last owner stays.
    let max_id = user_id(&app, "max@example.com").await;
    let ana_id = user_id(&app, "ana@example.com").await;
    let mia_id = user_id(&app, "mia@example.com").await;
    let mia_csrf = settings_csrf(&app, &mia).await;
    let r = post(
        &app,
        &format!("/settings/members/{max_id}/role"),
        &mia,
        &[("csrf", &mia_csrf), ("role", "owner")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &app,
        &format!("/settings/members/{ana_id}/role"),
        &mia,
        &[("csrf", &mia_csrf), ("role", "member")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
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
    let csrf = settings_csrf(&app, &ana).await;
    let r = post(
        &app,
        &format!("/settings/members/{ana_id}/role"),
        &ana,
        &[("csrf", &csrf), ("role", "member")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&r).contains("The workspace needs at least one owner"));
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
        &format!("/settings/members/{ana_id}/role"),
        &ana,
        &[("csrf", &csrf), ("role", "member")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "two owners: one may step down"
    );
    // Another workspace's user is not found.
    let carol_id = user_id(&app, "carol@example.com").await;
    let mia = sign_in(&app, "mia@example.com").await;
    let r = post(
        &app,
        &format!("/settings/members/{carol_id}/role"),
        &mia,
        &[
            ("csrf", &settings_csrf(&app, &mia).await),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn invitations_speak_spanish(backend: Backend) {
    let app = acme(backend).await;
    let ana = sign_in(&app, "ana@example.com").await;
    let link = link_of(html(&invite(&app, &ana, "bob@example.com", "member").await));
    let page = get(
        &app,
        &path_of(&link),
        &Jar::default(),
        Some("es-ES,es;q=0.9"),
    )
    .await;
    assert!(html(&page).contains("Únase a Acme"));
    assert!(html(&page).contains("Crear mi cuenta y aceptar"));
    let ana_es = ana.with("lang", "es");
    let settings = get(&app, "/settings", &ana_es, None).await;
    assert!(html(&settings).contains("Invitaciones pendientes"));
}

/// `churnwise user add` on a workspace that has members invites (like the
/// page) and never resets a password; on an empty workspace it sets up the
/// first member, and an existing account keeps its password.
async fn the_cli_invites_into_a_workspace_with_members_and_keeps_passwords(backend: Backend) {
    let app = acme(backend).await;
    let url = app.t.url.clone();
    let (ok, out, err) = churnwise(
        &url,
        &[
            "user",
            "add",
            "--email",
            "carol@example.com",
            "--workspace",
            "Acme",
            "--role",
            "member",
            "--password-stdin",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("invited"), "{out}");
    assert!(out.contains("/invitations/"), "{out}");
    assert_eq!(role_in(&app, "carol@example.com", "Acme").await, None);
    assert_eq!(invitations(&app, "Acme").await.len(), 1);
    assert!(has_test_password(&app, "carol@example.com").await);
    // An existing account becomes the first member of a new workspace with its own password.
    let (ok, out, err) = churnwise(
        &url,
        &[
            "user",
            "add",
            "--email",
            "carol@example.com",
            "--workspace",
            "Fresh",
            "--role",
            "owner",
            "--password-stdin",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("keeps its password"), "{out}");
    assert_eq!(
        role_in(&app, "carol@example.com", "Fresh").await,
        Some(Role::Owner)
    );
    assert!(has_test_password(&app, "carol@example.com").await);
    // An existing member's role is set; the last owner stays one.
    let (ok, _, err) = churnwise(
        &url,
        &[
            "user",
            "add",
            "--email",
            "ana@example.com",
            "--workspace",
            "Acme",
            "--role",
            "member",
        ],
    );
    assert!(!ok);
    assert!(err.contains("at least one owner"), "{err}");
    let (ok, _, err) = churnwise(
        &url,
        &[
            "user",
            "add",
            "--email",
            "max@example.com",
            "--workspace",
            "Acme",
            "--role",
            "viewer",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        role_in(&app, "max@example.com", "Acme").await,
        Some(Role::Viewer)
    );
    sign_in(&app, "max@example.com").await;
}

/// With SMTP set up (the digest's settings), the link is also emailed, in
/// the inviter's language; the page still shows it.
async fn with_smtp_the_link_is_emailed_too(backend: Backend) {
    let sink = crate::support::SmtpSink::start();
    let mut app = acme(backend).await;
    let mut state = churnwise_web::AppState::new(app.store().clone());
    state.mailer = Some(std::sync::Arc::new(
        churnwise_app::digest::SmtpMailer::new(&churnwise_app::digest::SmtpSettings {
            host: "127.0.0.1".into(),
            port: sink.port,
            tls: churnwise_app::digest::SmtpTls::None,
            username: None,
            password: None,
            from: "churnwise@churnwise.test".into(),
        })
        .unwrap(),
    ));
    state.public_url = Some("https://churn.example.com".into());
    app.app = churnwise_web::app(state);
    let ana = sign_in(&app, "ana@example.com").await.with("lang", "es");
    let page = invite(&app, &ana, "bob@example.com", "member").await;
    assert!(html(&page).contains("El enlace también se ha enviado por correo."));
    let link = link_of(html(&page));
    assert!(link.starts_with("https://churn.example.com/invitations/"));
    let mail = sink.messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].to.contains("bob@example.com"));
    assert!(
        mail[0].subject.contains("Invitación a Acme"),
        "{}",
        mail[0].subject
    );
    assert!(mail[0].body.contains(&link), "{}", mail[0].body);
    assert_eq!(role_in(&app, "bob@example.com", "Acme").await, None);
}

async fn guessing_a_password_through_an_invitation_link_is_throttled(backend: Backend) {
    let app = acme(backend).await;
    let ana = sign_in(&app, "ana@example.com").await;
    let path = path_of(&link_of(html(
        &invite(&app, &ana, "carol@example.com", "member").await,
    )));
    let (page, jar) = open_link(&app, &path).await;
    let csrf = csrf_of(html(&page));
    let attempt = |password: &'static str| {
        let (app, path, jar, csrf) = (&app, path.clone(), jar.clone(), csrf.clone());
        async move {
            post(
                app,
                &path,
                &jar,
                &[("csrf", &csrf), ("mode", "signin"), ("password", password)],
            )
            .await
        }
    };
    for _ in 0..10 {
        attempt("a wrong guess").await;
    }
    // The account is locked now: even its own password is refused at the
    // link, nothing is attached, and the lock holds for the sign-in too.
    let right = attempt(PASSWORD).await;
    assert_eq!(right.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html(&right).contains("Too many failed sign-ins"),
        "{}",
        html(&right)
    );
    assert_eq!(role_in(&app, "carol@example.com", "Acme").await, None);
    assert_eq!(invitations(&app, "Acme").await.len(), 1);
    let (login, login_jar) = open_link(&app, "/login").await;
    let refused = post(
        &app,
        "/login",
        &login_jar,
        &[
            ("csrf", &csrf_of(html(&login))),
            ("email", "carol@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}

both_backends!(
    with_smtp_the_link_is_emailed_too,
    inviting_answers_the_same_for_known_and_unknown_emails_and_attaches_nobody,
    a_new_person_accepts_by_link_with_their_own_password,
    an_existing_account_accepts_by_link_with_its_own_password,
    an_existing_account_is_asked_at_its_next_sign_in,
    expired_and_revoked_invitations_cannot_be_accepted,
    roles_follow_the_rules_for_invitations_and_changes,
    invitations_speak_spanish,
    the_cli_invites_into_a_workspace_with_members_and_keeps_passwords,
    guessing_a_password_through_an_invitation_link_is_throttled,
);
