//! What the benches share: the release binary started on a free port with
//! a fresh data dir, a signed-in admin client, a fake provider and model.
// Each bench binary compiles this module and uses only part of it.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[path = "../../tests/it/common/fake_provider.rs"]
#[allow(dead_code)]
pub mod fake_provider;

#[path = "../../tests/it/common/pdf.rs"]
pub mod pdf;

use fake_provider::{FakeProvider, GOOD_KEY};

/// The server process; killed when dropped.
pub struct Server {
    child: Child,
    pub pid: u32,
    pub base: String,
    pub http: reqwest::Client,
    pub fake: FakeProvider,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The fake provider on a thread and runtime of its own: what a bench
/// runs in this process (thousands of viewers reading) must not delay the
/// deltas the provider stamps and sends, or the bench would time itself.
fn fake_on_own_thread() -> FakeProvider {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let _ = tx.send(FakeProvider::start().await);
            std::future::pending::<()>().await
        });
    });
    rx.recv().unwrap()
}

/// Under `scripts/with-postgres` (`BACKROOMS_TEST_POSTGRES`): a fresh
/// database there for the server, so a bench compares the two backends.
fn postgres_database() -> Option<String> {
    use diesel::{Connection, RunQueryDsl};
    let admin = std::env::var("BACKROOMS_TEST_POSTGRES").ok()?;
    let name = format!("bench_{}", std::process::id());
    let mut c = diesel::PgConnection::establish(&admin).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

impl Server {
    /// Starts the release binary and signs in its first account (an admin).
    pub async fn start() -> Server {
        let server = Server::spawn(postgres_database(), None).await;
        server.register().await;
        server
    }

    /// `n` replicas of the release binary on one fresh PostgreSQL database
    /// (`scripts/with-postgres`), sharing a secret key; the first one's
    /// client is signed in, and its cookie works on all of them.
    pub async fn replicas(n: usize) -> Vec<Server> {
        let url = postgres_database().expect("replicas need scripts/with-postgres");
        let key = "42".repeat(32);
        let mut servers = Vec::new();
        for _ in 0..n {
            servers.push(Server::spawn(Some(url.clone()), Some(&key)).await);
        }
        servers[0].register().await;
        servers
    }

    async fn spawn(database: Option<String>, key: Option<&str>) -> Server {
        let bin =
            std::env::var("BACKROOMS_BIN").unwrap_or_else(|_| "target/release/backrooms".into());
        let fake = fake_on_own_thread();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = tempfile::tempdir().unwrap();
        let mut command = Command::new(&bin);
        if let Some(url) = database {
            eprintln!("(on PostgreSQL)");
            command.env("BACKROOMS_DATABASE_URL", url);
        }
        if let Some(key) = key {
            command.env("BACKROOMS_SECRET_KEY", key);
        }
        let child = command
            .env("BACKROOMS_ADDR", format!("127.0.0.1:{port}"))
            .env("BACKROOMS_DATA_DIR", data.path())
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (run `make build` first)"));
        let server = Server {
            pid: child.id(),
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            fake,
            _data: data,
        };
        while server
            .http
            .get(server.url("/healthz"))
            .send()
            .await
            .is_err()
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server
    }

    async fn register(&self) {
        self.post(
            "/api/auth/register",
            json!({"username": "bench", "password": "bench password"}),
        )
        .await;
    }

    /// The server's SQLite file (benches may fill it directly).
    pub fn db_path(&self) -> std::path::PathBuf {
        self._data.path().join("backrooms.db")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs JSON and reads the JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap_or(Value::Null)
    }

    /// A fake provider with model `sdk`; answers the model's id.
    pub async fn model(&self, sdk: &str) -> i64 {
        let p = self
            .post(
                "/api/config/providers",
                json!({"name": format!("Fake {sdk}"), "provider_sdk_id": format!("fake{}", sdk.len()),
                       "api_format": "openai", "base_url": self.fake.openai_base(), "api_key": GOOD_KEY}),
            )
            .await;
        let m = self
            .post(
                "/api/config/models",
                json!({"provider_id": p["id"], "model_sdk_id": sdk}),
            )
            .await;
        m["id"].as_i64().unwrap()
    }

    /// Agents named `names` on model `model`; answers their ids.
    pub async fn agents(&self, model: i64, names: &[&str]) -> Vec<i64> {
        let mut ids = Vec::new();
        for name in names {
            let a = self
                .post(
                    "/api/agents",
                    json!({"name": name, "system_prompt": format!("You are {name}."), "model_id": model}),
                )
                .await;
            ids.push(a["id"].as_i64().unwrap_or(0));
        }
        ids
    }

    /// The server's peak resident memory so far, in kB.
    pub fn peak_rss_kb(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM"))
                    .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
            })
            .unwrap_or_else(|| "?".into())
    }
}

/// A pronounceable, distinct word for index `i` (consonant-vowel pairs).
pub fn word(i: usize) -> String {
    const C: &[u8] = b"bcdfghjklmnprstvz";
    const V: &[u8] = b"aeiou";
    let mut n = i + 17;
    let mut w = String::new();
    while n > 0 || w.len() < 4 {
        w.push(C[n % C.len()] as char);
        n /= C.len();
        w.push(V[n % V.len()] as char);
        n /= V.len();
    }
    w
}
