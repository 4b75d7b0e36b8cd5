//! The command line as a real process.

use crate::support::churnwise;
use churnwise_store_tests::Backend;

#[tokio::test]
async fn user_add_then_token_create_gives_a_token_the_api_accepts() {
    let t = Backend::Sqlite.fresh().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .args([
            "--database",
            &t.url,
            "user",
            "add",
            "--email",
            "Ana@Example.com",
            "--workspace",
            "Acme",
            "--password-stdin",
            "--name",
            "Ana",
            "--lang",
            "es",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"a long password\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ok, token, err) = churnwise(&t.url, &["token", "create", "--email", "ana@example.com"]);
    assert!(ok, "{err}");
    let token = token.trim();
    assert_eq!(token.len(), 64);
    let access = t
        .store
        .find_api_token(&churnwise_web::auth::token_hash(token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(access.workspace.name, "Acme");
    let user = t
        .store
        .find_user_by_email("ana@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(user.password_hash.starts_with("$argon2id$"));
    assert_eq!(user.user.name.as_deref(), Some("Ana"));
    assert_eq!(user.user.lang, Some(churnwise_domain::Lang::Es));
}

#[tokio::test]
async fn bad_arguments_name_the_flag() {
    let t = Backend::Sqlite.fresh().await;
    t.store.ensure_workspace("a").await.unwrap();
    let (ok, _, err) = churnwise(
        &t.url,
        &["client", "add", "--name", " ", "--keep-in-touch-days", "0"],
    );
    assert!(!ok);
    assert!(
        err.contains("--name: is required") && err.contains("--keep-in-touch-days:"),
        "{err}"
    );
    let (ok, _, err) = churnwise(&t.url, &["client", "list", "--status", "vip"]);
    assert!(!ok && err.contains("--status"), "{err}");
}

#[tokio::test]
async fn every_command_explains_itself_with_an_example() {
    for args in [
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["token", "create", "--help"],
        vec!["client", "list", "--help"],
        vec!["client", "add", "--help"],
        vec!["client", "show", "--help"],
        vec!["interaction", "log", "--help"],
        vec!["backup", "--help"],
    ] {
        let (ok, out, _) = churnwise("sqlite::memory:", &args);
        assert!(ok && out.contains("Example"), "{args:?}: {out}");
    }
}
