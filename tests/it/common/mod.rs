//! Test harness: a real server (real SQLite file in a temp dir, or a
//! database of its own on the throwaway PostgreSQL `scripts/with-postgres`
//! started, when `BACKROOMS_TEST_POSTGRES` is set; real HTTP on port 0)
//! and real HTTP clients.
#![allow(dead_code)]

pub mod fake_provider;
pub mod pdf;
pub mod xss;

use backrooms::server::config::Config;
use backrooms::server::{start, Running};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{redirect, Client, Response, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;

pub struct TestServer {
    pub base: String,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    running: Option<Running>,
    _dir: Option<tempfile::TempDir>,
}

/// The `backrooms` binary itself, run as a process of its own on a data
/// dir's database, so a test can `kill -9` it. Killed when dropped.
pub struct Process {
    pub base: String,
    child: std::process::Child,
}

impl Process {
    /// Starts the binary on `data_dir`'s database (and secret key) and
    /// waits until it answers.
    pub async fn start(data_dir: &Path) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_backrooms"));
        if let Some(url) = postgres_for(data_dir) {
            command.env("BACKROOMS_DATABASE_URL", url);
        }
        let child = command
            .env("BACKROOMS_DATA_DIR", data_dir)
            .env("BACKROOMS_ADDR", format!("127.0.0.1:{port}"))
            .env("BACKROOMS_PROVIDER_TIMEOUT_SECS", "1")
            .env("BACKROOMS_PROVIDER_IDLE_TIMEOUT_SECS", "1")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the backrooms binary starts");
        let process = Process {
            base: format!("http://127.0.0.1:{port}"),
            child,
        };
        for _ in 0..300 {
            if reqwest::get(format!("{}/healthz", process.base))
                .await
                .is_ok()
            {
                return process;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the backrooms process never answered");
    }

    /// SIGKILL: the process ends at once, in the middle of whatever it does.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// With `BACKROOMS_TEST_POSTGRES` (an admin URL): the URL of the database
/// of this data dir, made the first time (its name kept in the dir, so a
/// server started again on the dir finds its data).
pub fn postgres_for(data_dir: &Path) -> Option<String> {
    use diesel::{Connection, RunQueryDsl};
    let admin = std::env::var("BACKROOMS_TEST_POSTGRES").ok()?;
    let file = data_dir.join("postgres-database");
    let name = match std::fs::read_to_string(&file) {
        Ok(name) => name,
        Err(_) => {
            let name = format!(
                "t_{}_{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0)
            );
            let mut c = diesel::PgConnection::establish(&admin).expect("the test PostgreSQL");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .expect("a test database");
            std::fs::create_dir_all(data_dir).expect("data dir");
            std::fs::write(&file, &name).expect("data dir");
            name
        }
    };
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// A connection to the database of `data_dir`'s server: its SQLite file,
/// or its database on the test PostgreSQL.
pub fn db_in(data_dir: &Path) -> backrooms::server::db::Conn {
    use backrooms::server::db::Conn;
    use diesel::Connection;
    match postgres_for(data_dir) {
        Some(url) => Conn::Pg(diesel::PgConnection::establish(&url).expect("open the database")),
        None => Conn::Sqlite(
            diesel::SqliteConnection::establish(&data_dir.join("backrooms.db").to_string_lossy())
                .expect("open the database"),
        ),
    }
}

/// The tests run on PostgreSQL (`scripts/with-postgres`).
pub fn on_postgres() -> bool {
    std::env::var("BACKROOMS_TEST_POSTGRES").is_ok()
}

/// The test servers' settings: port 0, short provider timeouts, `env`.
fn config(data_dir: &Path, env: &[(&str, &str)]) -> Config {
    let dir = data_dir.to_string_lossy().to_string();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    // `BACKROOMS_TEST_SQLITE`: this server keeps SQLite even in the
    // PostgreSQL pass (to move its data over).
    let database = match env.iter().any(|(k, _)| k == "BACKROOMS_TEST_SQLITE") {
        true => None,
        false => postgres_for(data_dir),
    };
    Config::from_lookup(|k| match k {
        "BACKROOMS_DATA_DIR" => Some(dir.clone()),
        "BACKROOMS_DATABASE_URL" => env
            .iter()
            .find(|(k, _)| k == "BACKROOMS_DATABASE_URL")
            .map(|(_, v)| v.clone())
            .or_else(|| database.clone()),
        "BACKROOMS_ADDR" => Some("127.0.0.1:0".into()),
        // Keeps the "provider does not answer" tests short.
        "BACKROOMS_PROVIDER_TIMEOUT_SECS" => Some("1".into()),
        "BACKROOMS_PROVIDER_IDLE_TIMEOUT_SECS" => Some("1".into()),
        other => env.iter().find(|(k, _)| k == other).map(|(_, v)| v.clone()),
    })
    .expect("config")
}

fn leptos_options() -> leptos::config::LeptosOptions {
    leptos::config::LeptosOptions::builder()
        .output_name("backrooms")
        .site_root("target/site")
        .build()
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = TestServer::start_in(dir.path()).await;
        server._dir = Some(dir);
        server
    }

    /// Boots on an existing data dir (used to test restarts).
    pub async fn start_in(data_dir: &Path) -> TestServer {
        TestServer::start_with(data_dir, &[]).await
    }

    /// Boots with extra environment settings (e.g. another secret key).
    pub async fn start_with(data_dir: &Path, env: &[(&str, &str)]) -> TestServer {
        let (tx, rx) = oneshot::channel::<()>();
        let running = start(config(data_dir, env), leptos_options(), async {
            let _ = rx.await;
        })
        .await
        .expect("server starts");
        TestServer::serving(data_dir, tx, running)
    }

    fn serving(data_dir: &Path, tx: oneshot::Sender<()>, running: Running) -> TestServer {
        TestServer {
            base: format!("http://{}", running.addr),
            data_dir: data_dir.to_path_buf(),
            stop: Some(tx),
            running: Some(running),
            _dir: None,
        }
    }

    /// Stops serving and waits until the listener is gone; the data dir stays.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(r) = self.running.take() {
            let _ = r.task.await;
        }
        self._dir.take()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The running server's state (its clock, its scheduler's work).
    pub fn state(&self) -> &backrooms::server::state::AppState {
        &self.running.as_ref().expect("the server runs").state
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Api {
        Api {
            base: self.base.clone(),
            http: Client::builder()
                .cookie_store(true)
                .redirect(redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    /// The same, sending `agent` as its User-Agent.
    pub fn client_as(&self, agent: &str) -> Api {
        Api {
            base: self.base.clone(),
            http: Client::builder()
                .cookie_store(true)
                .user_agent(agent.to_string())
                .redirect(redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    /// An admin (the first account) and a plain user, both signed in.
    pub async fn admin_and_user(&self) -> (Api, Api) {
        let admin = self.client();
        assert_eq!(
            admin.register("admin", "admin password").await.status(),
            StatusCode::CREATED
        );
        admin
            .put_json("/api/admin/settings", json!({"registration_open": true}))
            .await;
        let user = self.client();
        assert_eq!(
            user.register("user", "user password").await.status(),
            StatusCode::CREATED
        );
        (admin, user)
    }

    /// A connection to the server's database, for assertions on what is
    /// stored (raw SQL with `?` goes through `db::sql::text`).
    pub fn db(&self) -> backrooms::server::db::Conn {
        db_in(&self.data_dir)
    }

    /// Everything the database holds as the disk sees it: the SQLite file
    /// and its WAL, or PostgreSQL's rows as `pg_dump` writes them (binary
    /// columns in hex, so look for a secret with [`TestServer::stores`]).
    pub fn stored_text(&self) -> String {
        match postgres_for(&self.data_dir) {
            Some(url) => {
                let bin = std::fs::read_dir("/usr/lib/postgresql")
                    .expect("PostgreSQL's programs")
                    .filter_map(|e| e.ok())
                    .map(|e| e.path().join("bin/pg_dump"))
                    .find(|p| p.exists())
                    .expect("pg_dump");
                let out = std::process::Command::new(bin)
                    .args(["--data-only", "--dbname", &url])
                    .output()
                    .expect("pg_dump runs");
                assert!(out.status.success(), "pg_dump failed");
                String::from_utf8_lossy(&out.stdout).into_owned()
            }
            None => {
                let path = self.db_path();
                let mut bytes = std::fs::read(&path).expect("the database file");
                bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
                String::from_utf8_lossy(&bytes).into_owned()
            }
        }
    }

    /// Whether `secret` is stored as it is, as text or as bytes.
    pub fn stores(&self, secret: &str) -> bool {
        let text = self.stored_text();
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        text.contains(secret) || text.contains(&hex)
    }

    /// The SQLite file (SQLite-only tests: backups).
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("backrooms.db")
    }
}

pub struct Api {
    pub base: String,
    pub http: Client,
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put_json(&self, path: &str, body: Value) -> Response {
        self.http
            .put(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete_json(&self, path: &str, body: Value) -> Response {
        self.http
            .delete(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.http
            .delete(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_empty(&self, path: &str) -> Response {
        self.http
            .post(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }

    pub async fn register(&self, username: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/register",
            json!({"username": username, "password": password}),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/login",
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// Posts a plain HTML form the way a browser without JavaScript does.
    /// The composer's plain form (`/chat/send`, multipart) with `fields`
    /// and no files, as a browser without JavaScript posts it.
    pub async fn send_form(&self, fields: &[(&str, &str)]) -> Response {
        let form = fields
            .iter()
            .fold(reqwest::multipart::Form::new(), |f, (k, v)| {
                f.text(k.to_string(), v.to_string())
            });
        self.post_multipart("/chat/send", form).await
    }

    /// A plain multipart form post, as a browser without JavaScript sends it.
    pub async fn post_multipart(&self, path: &str, form: reqwest::multipart::Form) -> Response {
        self.http
            .post(self.url(path))
            .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml")
            .header(reqwest::header::ORIGIN, &self.base)
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(
            reqwest::header::ORIGIN,
            HeaderValue::from_str(&self.base).expect("origin"),
        );
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.http
            .post(self.url(path))
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("request")
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reads a JSON body, asserting the status first.
pub async fn json_of(res: Response, status: StatusCode) -> Value {
    read(res, status).await
}

/// Reads a JSON body into the app's own type (`backrooms::model::...`),
/// asserting the status first: the API answers what the pages read.
pub async fn read<T: serde::de::DeserializeOwned>(res: Response, status: StatusCode) -> T {
    assert_eq!(res.status(), status, "unexpected status for {}", res.url());
    let text = res.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The `backrooms_session=...` pair from a response's Set-Cookie.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("backrooms_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

pub fn location(res: &Response) -> String {
    res.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// One Server-Sent Event as a client reads it.
#[derive(Clone, Debug)]
pub struct Sse {
    pub id: Option<String>,
    pub data: Value,
}

/// Reads SSE events from a streaming response, up to `max` events (or the
/// end of the stream). Keep-alive comments are skipped.
pub struct SseReader {
    stream: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buf: String,
}

impl SseReader {
    pub fn new(res: Response) -> SseReader {
        use futures::StreamExt;
        SseReader {
            stream: res.bytes_stream().boxed(),
            buf: String::new(),
        }
    }

    pub async fn next(&mut self) -> Option<Sse> {
        use futures::StreamExt;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return Some(Sse {
                    id,
                    data: serde_json::from_str(&data).expect("event data is JSON"),
                });
            }
            match self.stream.next().await {
                Some(Ok(bytes)) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// Everything until the stream ends.
    pub async fn all(&mut self) -> Vec<Sse> {
        let mut out = Vec::new();
        while let Some(e) = self.next().await {
            out.push(e);
        }
        out
    }
}

/// The text of every `delta` event, joined.
pub fn deltas(events: &[Sse]) -> String {
    events
        .iter()
        .filter(|e| e.data["type"] == "delta")
        .map(|e| e.data["text"].as_str().unwrap_or_default())
        .collect()
}

/// As an admin: a provider named `slug` speaking `format` at `base` with the
/// fake provider's good key. Answers its id.
pub async fn add_provider(admin: &Api, slug: &str, format: &str, base: &str) -> i64 {
    let p = json_of(
        admin
            .post_json(
                "/api/config/providers",
                json!({"name": format!("Fake {slug}"), "provider_sdk_id": slug, "api_format": format,
                       "base_url": base, "api_key": fake_provider::GOOD_KEY}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    p["id"].as_i64().expect("provider id")
}

/// As an admin: model `sdk` of `provider`. Answers its id.
/// A new thread of `api`'s on model `model`: its id.
pub async fn new_thread(api: &Api, model: i64) -> i64 {
    json_of(
        api.post_json("/api/conversations", json!({"model_id": model}))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap_or_default()
}

pub async fn add_model(admin: &Api, provider: i64, sdk: &str) -> i64 {
    let m = json_of(
        admin
            .post_json(
                "/api/config/models",
                json!({"provider_id": provider, "model_sdk_id": sdk}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    m["id"].as_i64().expect("model id")
}

/// Starts backroom `room` of `api` and waits (10 s at most) until it has
/// finished.
pub async fn run_to_end(api: &Api, room: i64) {
    api.post_empty(&format!("/api/backrooms/{room}/start"))
        .await;
    for _ in 0..200 {
        let b = json_of(
            api.get(&format!("/api/backrooms/{room}")).await,
            StatusCode::OK,
        )
        .await;
        if b["state"] == "finished" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("backroom {room} did not finish");
}
