//! Operating the server (issue #11, findings 10 and 11, and backups): a real
//! `churnwise serve` process taking API writes while `churnwise import`
//! writes 100k customers at the same time, stopping cleanly on SIGTERM and
//! SIGINT, and `churnwise backup` while writes go on, on both backends.

use crate::both_backends;
use crate::support::{churnwise, TestApp};
use churnwise_app::scheduler::LEASE;
use churnwise_domain::registry::Role;
use churnwise_store::{CustomerImport, NewApiToken, Store};
use churnwise_store_tests::Backend;
use churnwise_web::auth;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `churnwise serve` process on a free port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(url: &str, extra: &[&str]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_churnwise"))
            .args(["--database", url, "serve", "--port", &port.to_string()])
            .args(extra)
            .env("CHURNWISE_LOG", "warn")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, port };
        for _ in 0..300 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("churnwise serve did not listen on port {port}");
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).unwrap()
    }

    /// Sends `signal` (`TERM`, `INT`) with kill(1).
    fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{signal} {}", self.pid());
    }

    /// Waits up to `limit` for the process to exit; its exit status.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request over a fresh connection: (status, body).
async fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&serde_json::Value>,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Writes through the API until `stop` is set, then `after` more: every
/// answer, as (what, status, body).
async fn api_writes(
    port: u16,
    token: String,
    client: i64,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    after: usize,
) -> Vec<(String, u16, String)> {
    let mut answers = Vec::new();
    let mut n = 0;
    let mut extra = 0;
    while extra < after {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            extra += 1;
        }
        n += 1;
        let (what, path, body) = if n % 2 == 0 {
            (
                format!("client {n}"),
                "/api/v1/clients".to_string(),
                serde_json::json!({ "name": format!("API client {n}") }),
            )
        } else {
            (
                format!("interaction {n}"),
                format!("/api/v1/clients/{client}/interactions"),
                serde_json::json!({ "kind": "call", "note": format!("call {n}") }),
            )
        };
        let sent = Instant::now();
        let (mut status, mut text) = http(port, "POST", &path, &token, Some(&body)).await;
        let mut waited = sent.elapsed().as_millis();
        // A write refused as busy (503, code `busy`, nothing written) is sent
        // again after its `Retry-After` (5 s), as docs/deploy.md tells clients
        // to: at most twice. The answer kept is the last one.
        let mut retries = 0;
        while status == 503 && text.contains("\"code\":\"busy\"") && retries < 2 {
            retries += 1;
            tokio::time::sleep(Duration::from_secs(5)).await;
            let again = Instant::now();
            (status, text) = http(port, "POST", &path, &token, Some(&body)).await;
            waited = waited.max(again.elapsed().as_millis());
        }
        let what = format!("{what} ({waited} ms, {retries} retries)");
        answers.push((what, status, text));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    answers
}

/// Lines of a CSV file, less its header.
fn data_rows(path: &std::path::Path) -> u64 {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(1).filter(|l| !l.is_empty()).count() as u64
}

/// Finding 10: `churnwise import` of 100k customers and their subscriptions
/// runs while the server takes a stream of API writes and its scheduler
/// ticks; the import succeeds, every API write is answered 2xx (a write
/// refused as busy, which writes nothing, is sent again after its
/// `Retry-After`, at most twice), and every imported row and every API
/// client is there exactly once.
async fn an_import_of_100k_customers_succeeds_while_the_server_takes_writes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (ws, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let (ok, _, err) = churnwise(
        &app.t.url,
        &["generate", "--customers", "100000", "--out", &out],
    );
    assert!(ok, "{err}");
    let customers = dir.path().join("customers.csv");
    let subscriptions = dir.path().join("subscriptions.csv");
    let server = Server::start(&app.t.url, &["--scheduler-interval", "1"]);
    let port = server.port;
    let (status, body) = http(
        port,
        "POST",
        "/api/v1/clients",
        &token,
        Some(&serde_json::json!({ "name": "Caller" })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let client = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = tokio::spawn(api_writes(port, token.clone(), client, stop.clone(), 10));
    let url = app.t.url.clone();
    let (c, s) = (
        customers.display().to_string(),
        subscriptions.display().to_string(),
    );
    let started = Instant::now();
    let imports = tokio::task::spawn_blocking(move || {
        let first = churnwise(&url, &["import", "customers", &c]);
        let second = churnwise(&url, &["import", "subscriptions", &s]);
        (first, second)
    })
    .await
    .unwrap();
    let import_time = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let answers = writer.await.unwrap();
    drop(server);

    let ((ok, out, err), (ok2, out2, err2)) = imports;
    assert!(ok, "import customers: {out}{err}");
    assert!(ok2, "import subscriptions: {out2}{err2}");
    let refused: Vec<_> = answers
        .iter()
        .filter(|(_, status, _)| !(200..300).contains(status))
        .collect();
    assert!(refused.is_empty(), "API writes refused: {refused:?}");
    assert!(answers.len() > 20, "writes kept coming: {}", answers.len());
    let slowest = answers
        .iter()
        .filter_map(|(what, _, _)| {
            what.split('(')
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    let retried = answers
        .iter()
        .filter(|(what, _, _)| !what.ends_with(" 0 retries)"))
        .count();
    eprintln!(
        "{backend:?}: imports took {import_time:?}; {} API writes answered during them, the slowest in {slowest} ms, {retried} sent again after a busy answer",
        answers.len()
    );

    let api_clients = answers
        .iter()
        .filter(|(what, _, _)| what.starts_with("client"))
        .count() as u64;
    let data = app.store().metrics_data(ws.id).await.unwrap();
    assert_eq!(
        data.customers.len() as u64,
        data_rows(&customers) + 1 + api_clients,
        "every imported customer and every API client is stored"
    );
    assert_eq!(
        data.segments.len() as u64,
        data_rows(&subscriptions),
        "every imported subscription row is stored"
    );
}

/// Waits until the server's scheduler holds its lease. Probing takes the
/// lease only when it is free, and then only until now (it expires at
/// once), so the server's next tick takes it.
async fn wait_for_the_scheduler_lease(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while app
        .store()
        .try_lease(LEASE, "probe", chrono::Utc::now(), Duration::ZERO)
        .await
        .unwrap()
    {
        assert!(
            Instant::now() < deadline,
            "the server's scheduler never took its lease"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Finding 11: `signal` (TERM or INT) stops `serve` at once with status 0;
/// a request under way when it arrives is still answered, and the
/// scheduler's lease is released, so another process takes it at once.
async fn a_stop_signal_finishes_requests_and_releases_the_lease(backend: Backend, signal: &str) {
    let app = TestApp::new(backend).await;
    let (_, token) = app
        .user_with_token("ana@example.com", "W", Role::Owner)
        .await;
    let mut server = Server::start(&app.t.url, &["--scheduler-interval", "1"]);
    wait_for_the_scheduler_lease(&app).await;

    // A request under way: its headers and half its body are sent before
    // the signal, the rest after.
    let body = serde_json::json!({ "name": "Sent during shutdown" }).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let signalled = Instant::now();
    server.signal(signal);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request under way is answered: {answer:?}"
    );

    let status = server
        .wait_for_exit(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("serve still runs 10 s after SIG{signal}"));
    let took = signalled.elapsed();
    assert!(
        status.success(),
        "serve exits with 0 on SIG{signal}: {status:?}"
    );
    assert!(took < Duration::from_secs(5), "stopped in {took:?}");
    assert!(
        app.store()
            .try_lease(
                LEASE,
                "another-server",
                chrono::Utc::now(),
                Duration::from_secs(60)
            )
            .await
            .unwrap(),
        "another process takes the scheduler's lease at once"
    );
}

async fn sigterm_stops_the_server_gracefully_and_releases_the_lease(backend: Backend) {
    a_stop_signal_finishes_requests_and_releases_the_lease(backend, "TERM").await;
}

both_backends!(
    an_import_of_100k_customers_succeeds_while_the_server_takes_writes,
    sigterm_stops_the_server_gracefully_and_releases_the_lease,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_the_server_gracefully_and_releases_the_lease() {
    a_stop_signal_finishes_requests_and_releases_the_lease(Backend::Sqlite, "INT").await;
}

/// `PRAGMA integrity_check` and the number of clients of a SQLite file.
async fn check_sqlite_file(path: &std::path::Path) -> (String, i64) {
    let url = format!("sqlite://{}", path.display());
    let store = churnwise_store_sqlite::SqliteStore::connect(&url)
        .await
        .unwrap();
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let clients: i64 = sqlx::query_scalar("SELECT count(*) FROM clients")
        .fetch_one(store.pool())
        .await
        .unwrap();
    store.pool().close().await;
    (verdict, clients)
}

/// `churnwise backup` while the server takes writes: the copy is whole and
/// consistent, an existing file is kept unless --force, and restoring by
/// copying the file back gives the server exactly the backed-up state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_writes_go_on_is_consistent_and_restores() {
    // A database no connection of this test process keeps open, as a
    // restore needs every process on the file stopped.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db").display().to_string();
    let url = format!("sqlite://{db}");
    let token = {
        let store = churnwise_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap();
        let s: &dyn Store = &store;
        let ws = s.ensure_workspace("W").await.unwrap();
        let user = s
            .upsert_user(
                "ana@example.com",
                &auth::hash_password("a long password").unwrap(),
            )
            .await
            .unwrap();
        s.set_membership(user.id, ws.id, Role::Owner).await.unwrap();
        let token = auth::new_token();
        s.create_api_token(NewApiToken {
            token_hash: auth::token_hash(&token),
            user: user.id,
            workspace: ws.id,
            name: "test".into(),
        })
        .await
        .unwrap();
        store.pool().close().await;
        token
    };
    let out = dir.path().display().to_string();
    let (ok, _, err) = churnwise(&url, &["generate", "--customers", "5000", "--out", &out]);
    assert!(ok, "{err}");
    let customers = dir.path().join("customers.csv").display().to_string();
    let (ok, _, err) = churnwise(&url, &["import", "customers", &customers]);
    assert!(ok, "{err}");

    let mut server = Server::start(&url, &["--scheduler-interval", "1"]);
    let (status, body) = http(
        server.port,
        "POST",
        "/api/v1/clients",
        &token,
        Some(&serde_json::json!({ "name": "Caller" })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let caller = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_i64()
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = tokio::spawn(api_writes(
        server.port,
        token.clone(),
        caller,
        stop.clone(),
        5,
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;

    let backup = dir.path().join("backup.db");
    let b = backup.display().to_string();
    let u = url.clone();
    let (ok, said, err) =
        tokio::task::spawn_blocking(move || churnwise(&u, &["backup", "--to", &b]))
            .await
            .unwrap();
    assert!(ok, "{err}");
    assert!(said.contains("integrity checked"), "{said}");
    // A second backup does not overwrite the first without --force.
    let b = backup.display().to_string();
    let before = std::fs::read(&backup).unwrap();
    let (ok, _, err) = churnwise(&url, &["backup", "--to", &b]);
    assert!(
        !ok && err.contains("--to:") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&backup).unwrap(), before, "the file is kept");
    let forced = dir.path().join("forced.db");
    std::fs::write(&forced, "an older file").unwrap();
    let f = forced.display().to_string();
    let (ok, _, err) = churnwise(&url, &["backup", "--to", &f, "--force"]);
    assert!(ok, "{err}");

    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let answers = writer.await.unwrap();
    let refused: Vec<_> = answers
        .iter()
        .filter(|(_, status, _)| !(200..300).contains(status))
        .collect();
    assert!(refused.is_empty(), "API writes refused: {refused:?}");
    let api_clients = answers
        .iter()
        .filter(|(what, _, _)| what.starts_with("client"))
        .count() as i64;

    // The backup is whole, and holds the imported clients and some, not
    // necessarily all, of the clients added through the API meanwhile.
    let (verdict, in_backup) = check_sqlite_file(&backup).await;
    assert_eq!(verdict, "ok");
    assert!(
        (5001..=5001 + api_clients).contains(&in_backup),
        "{in_backup} clients in the backup; {api_clients} were added during it"
    );
    let (verdict, _) = check_sqlite_file(&forced).await;
    assert_eq!(
        verdict, "ok",
        "--force replaced the older file with a backup"
    );

    // Restore as docs/backup.md says: stop the server, copy the backup over
    // the database file, remove its -wal and -shm files, start again.
    server.signal("TERM");
    assert!(server
        .wait_for_exit(Duration::from_secs(10))
        .is_some_and(|s| s.success()));
    std::fs::copy(&backup, &db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
    let server = Server::start(&url, &["--no-scheduler"]);
    let (status, body) = http(
        server.port,
        "GET",
        "/api/v1/clients?per_page=1",
        &token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let total = serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"].as_i64();
    assert_eq!(
        total,
        Some(in_backup),
        "the restored server serves the backup: {body}"
    );
    drop(server);
    let (verdict, restored) = check_sqlite_file(std::path::Path::new(&db)).await;
    assert_eq!((verdict.as_str(), restored), ("ok", in_backup));
}

/// On PostgreSQL, `churnwise backup` writes nothing and names the pg_dump
/// command to use instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_on_postgresql_points_to_pg_dump() {
    let app = TestApp::new(Backend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.dump");
    let b = backup.display().to_string();
    let (ok, _, err) = churnwise(&app.t.url, &["backup", "--to", &b]);
    assert!(!ok, "fails, so scripts notice: {err}");
    assert!(
        err.contains(&format!(
            "pg_dump --format=custom --file='{b}' 'postgres://"
        )),
        "{err}"
    );
    assert!(err.contains("pg_restore"), "{err}");
    assert!(!backup.exists(), "nothing written");
}

/// The store's SQLite settings that concurrent writers rely on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_in_wal_mode_and_waits_for_the_write_lock() {
    let t = Backend::Sqlite.fresh().await;
    let store = churnwise_store_sqlite::SqliteStore::connect(&t.url)
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(
        u128::try_from(timeout).unwrap(),
        churnwise_store_sqlite::BUSY_TIMEOUT.as_millis()
    );
}

/// Finding 10 in one process and one second: while another connection
/// holds SQLite's write lock, an import (which reads before it writes)
/// waits for the lock and succeeds. A transaction begun as a read used to
/// fail at its first write at once with `database is locked` (code 5),
/// since SQLite does not wait when upgrading a read to a write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_waits_for_another_sqlite_writer_instead_of_failing() {
    let t = Backend::Sqlite.fresh().await;
    let ws = t.store.ensure_workspace("W").await.unwrap();
    let other = churnwise_store_sqlite::SqliteStore::connect(&t.url)
        .await
        .unwrap();
    let mut writer = other.pool().acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *writer)
        .await
        .unwrap();
    sqlx::query("UPDATE workspaces SET name = name")
        .execute(&mut *writer)
        .await
        .unwrap();
    let rows: Vec<CustomerImport> = (0..3000)
        .map(|i| CustomerImport {
            external_id: format!("C{i}"),
            name: format!("Customer {i}"),
            owner: None,
            segment: None,
        })
        .collect();
    let release = async {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        sqlx::query("COMMIT").execute(&mut *writer).await.unwrap();
    };
    let (imported, ()) = tokio::join!(t.store.import_customers(ws.id, rows, &|_| {}), release);
    let summary = imported.expect("the import waits for the other writer");
    assert_eq!(summary.inserted, 3000);
}
