//! `make bench`, part 2: relay overhead and concurrency of the streaming
//! engine, measured against the real release binary and a fake provider
//! with zero delay (from `tests/common`).
//!
//! - time to first token (TTFT) direct from the fake provider vs through
//!   Backrooms' `POST /api/chat/stream`, median and p99 of 200 runs each;
//! - 200 concurrent streams: errors, total time, the server's peak RSS.

#[path = "../tests/common/fake_provider.rs"]
#[allow(dead_code)]
mod fake_provider;

use fake_provider::{FakeProvider, GOOD_KEY};
use futures::StreamExt;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 200;
const CONCURRENT: usize = 200;
const MODEL: &str = "chunks-20-0";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Time until the first text chunk of a streamed response arrives.
async fn first_chunk(res: reqwest::Response, marker: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = res.bytes_stream();
    let mut seen = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen.contains(marker) {
            let at = started.elapsed();
            while stream.next().await.is_some() {}
            return Ok(at);
        }
    }
    Err("stream ended without text".into())
}

fn peak_rss_kb(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
        })
        .unwrap_or_else(|| "?".into())
}

#[tokio::main]
async fn main() {
    let bin = std::env::var("BACKROOMS_BIN").unwrap_or_else(|_| "target/release/backrooms".into());
    let fake = FakeProvider::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data = tempfile::tempdir().unwrap();
    let child = Command::new(&bin)
        .env("BACKROOMS_ADDR", format!("127.0.0.1:{port}"))
        .env("BACKROOMS_DATA_DIR", data.path())
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (run `make build` first)"));
    let pid = child.id();
    let _server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let post = |path: &str, body: Value| http.post(format!("{base}{path}")).json(&body).send();
    post(
        "/api/auth/register",
        json!({"username": "bench", "password": "bench password"}),
    )
    .await
    .unwrap();
    let p: Value = post(
        "/api/config/providers",
        json!({"name": "Fake", "provider_sdk_id": "fake", "api_format": "openai",
               "base_url": fake.openai_base(), "api_key": GOOD_KEY}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let m: Value = post(
        "/api/config/models",
        json!({"provider_id": p["id"], "model_sdk_id": MODEL}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let model_id = m["id"].as_i64().unwrap();
    let new_thread = || async {
        let c: Value = post("/api/conversations", json!({"model_id": model_id}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        c["id"].as_i64().unwrap()
    };

    // Warm up both paths.
    for _ in 0..10 {
        let id = new_thread().await;
        let res = post(
            "/api/chat/stream",
            json!({"conversation_id": id, "content": "hi"}),
        )
        .await
        .unwrap();
        first_chunk(res, "\"delta\"").await.unwrap();
    }

    let direct_body = json!({"model": MODEL, "stream": true, "stream_options": {"include_usage": true},
                             "messages": [{"role": "user", "content": "hi"}]});
    let mut direct = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let res = http
            .post(format!("{}/chat/completions", fake.openai_base()))
            .bearer_auth(GOOD_KEY)
            .json(&direct_body)
            .send()
            .await
            .unwrap();
        let headers_at = started.elapsed();
        direct.push(headers_at + first_chunk(res, "w0").await.unwrap());
    }

    let mut relay = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let id = new_thread().await;
        let started = Instant::now();
        let res = post(
            "/api/chat/stream",
            json!({"conversation_id": id, "content": "hi"}),
        )
        .await
        .unwrap();
        let headers_at = started.elapsed();
        relay.push(headers_at + first_chunk(res, "\"delta\"").await.unwrap());
    }
    direct.sort();
    relay.sort();
    println!("time to first token over {RUNS} runs (fake provider, zero delay):");
    println!(
        "  direct:  median {}  p99 {}",
        ms(percentile(&direct, 0.5)),
        ms(percentile(&direct, 0.99))
    );
    println!(
        "  relayed: median {}  p99 {}",
        ms(percentile(&relay, 0.5)),
        ms(percentile(&relay, 0.99))
    );
    let overhead = percentile(&relay, 0.5).saturating_sub(percentile(&direct, 0.5));
    println!(
        "  relay overhead at the median: {} (budget 5 ms)",
        ms(overhead)
    );

    let mut threads = Vec::with_capacity(CONCURRENT);
    for _ in 0..CONCURRENT {
        threads.push(new_thread().await);
    }
    let started = Instant::now();
    let tasks: Vec<_> = threads
        .into_iter()
        .map(|id| {
            let http = http.clone();
            let url = format!("{base}/api/chat/stream");
            tokio::spawn(async move {
                let res = http
                    .post(url)
                    .json(&json!({"conversation_id": id, "content": "hi"}))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !res.status().is_success() {
                    return Err(format!("status {}", res.status()));
                }
                let body = res.text().await.map_err(|e| e.to_string())?;
                if body.contains("\"status\":\"complete\"") {
                    Ok(())
                } else {
                    Err("no complete event".into())
                }
            })
        })
        .collect();
    let mut errors = 0;
    for t in tasks {
        if !matches!(t.await, Ok(Ok(()))) {
            errors += 1;
        }
    }
    println!(
        "{CONCURRENT} concurrent streams of {} deltas: {errors} errors, {} total, server peak RSS {} kB",
        MODEL.split('-').nth(1).unwrap_or("?"),
        ms(started.elapsed()),
        peak_rss_kb(pid)
    );
}
