//! Helpers: a fresh app on either backend with signed-up users and tokens.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use churnwise_domain::registry::Role;
use churnwise_store::{NewApiToken, Store, Workspace};
use churnwise_store_tests::{Backend, TestStore};
use churnwise_web::{auth, AppState};
use http_body_util::BodyExt;
use serde_json::Value;
use std::process::Command;
use std::sync::Arc;
use tower::ServiceExt;

/// A running application over a fresh store.
pub struct TestApp {
    pub t: TestStore,
    pub app: Router,
}

/// A response, decoded.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    /// The body as sent (for downloads that are not text).
    pub bytes: Vec<u8>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        let t = backend.fresh().await;
        let app = churnwise_web::app(AppState::new(t.store.clone()));
        TestApp { t, app }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.t.store
    }

    /// Creates `email` with `role` in workspace `ws` and returns an API token.
    pub async fn user_with_token(&self, email: &str, ws: &str, role: Role) -> (Workspace, String) {
        let s = self.store();
        let workspace = s.ensure_workspace(ws).await.unwrap();
        let user = s
            .upsert_user(email, &auth::hash_password("a long password").unwrap())
            .await
            .unwrap();
        s.set_membership(user.id, workspace.id, role).await.unwrap();
        let token = auth::new_token();
        s.create_api_token(NewApiToken {
            token_hash: auth::token_hash(&token),
            user: user.id,
            workspace: workspace.id,
            name: "test".into(),
        })
        .await
        .unwrap();
        (workspace, token)
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            content_type,
            headers,
            json,
            bytes: bytes.to_vec(),
        }
    }

    /// A request with a bearer token (if any) and a JSON body (if any).
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        };
        self.send(request).await
    }
}

/// Runs the churnwise binary on `url` with `args`; returns (success, stdout, stderr).
pub fn churnwise(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_churnwise"))
        .arg("--database")
        .arg(url)
        .args(args)
        .env("CHURNWISE_LOG", "warn")
        .output()
        .expect("the churnwise binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Declares async tests `fn name(backend: Backend)` and runs each on both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(churnwise_store_tests::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(churnwise_store_tests::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A real SMTP server on loopback (Python's aiosmtpd, installed by
/// scripts/test.sh) that stores every message it accepts in a maildir.
pub struct SmtpSink {
    pub port: u16,
    child: std::process::Child,
    dir: tempfile::TempDir,
}

/// A message the sink received.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl SmtpSink {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut sink = SmtpSink { port, child, dir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return sink;
            }
            if let Ok(Some(_)) = sink.child.try_wait() {
                let mut err = String::new();
                use std::io::Read;
                sink.child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .ok();
                panic!("aiosmtpd did not start (pip install aiosmtpd==1.4.6; scripts/test.sh does): {err}");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("aiosmtpd did not listen on port {port}");
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        let new = self.dir.path().join("mail").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return vec![];
        };
        let mut out = Vec::new();
        for entry in entries {
            let raw = std::fs::read(entry.unwrap().path()).unwrap();
            let mail = mailparse::parse_mail(&raw).unwrap();
            use mailparse::MailHeaderMap;
            out.push(Received {
                to: mail.headers.get_first_value("To").unwrap_or_default(),
                subject: mail.headers.get_first_value("Subject").unwrap_or_default(),
                body: mail.get_body().unwrap(),
            });
        }
        out.sort_by(|a, b| a.to.cmp(&b.to));
        out
    }

    /// The flags that make `churnwise` send through this sink.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--smtp-host".into(),
            "127.0.0.1".into(),
            "--smtp-port".into(),
            self.port.to_string(),
            "--smtp-tls".into(),
            "none".into(),
            "--smtp-from".into(),
            "churnwise <digest@churnwise.test>".into(),
        ]
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the raw query `sql` on the database at `url` (PostgreSQL for a
/// `postgres` URL, else SQLite), each row as `T` (a tuple such as
/// `(String, String)` or `(i64,)`): for tests that look at tables no store
/// method reads, such as the webhook outbox.
pub async fn raw_rows<T>(url: &str, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + Send
        + Unpin,
{
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let rows = sqlx::query_as(sql).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }
}

/// The number of rows of `table` in the database at `url`.
pub async fn count_rows(url: &str, table: &str) -> i64 {
    raw_rows::<(i64,)>(url, &format!("SELECT COUNT(*) FROM {table}")).await[0].0
}
