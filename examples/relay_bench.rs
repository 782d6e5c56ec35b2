//! `make bench`, part 2: relay overhead and concurrency of the streaming
//! engine, measured against the real release binary and a fake provider
//! with zero delay (from `tests/it/common`).
//!
//! - time to first token (TTFT) direct from the fake provider vs through
//!   Backrooms' `POST /api/chat/stream` and through `POST
//!   /v1/chat/completions` with a personal access token, median and p99 of
//!   200 runs each;
//! - 200 concurrent streams: errors, total time, the server's peak RSS.

mod support;

use futures::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use support::fake_provider::GOOD_KEY;
use support::Server;

const RUNS: usize = 200;
const CONCURRENT: usize = 200;
const MODEL: &str = "chunks-20-0";

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

#[tokio::main]
async fn main() {
    let server = Server::start().await;
    let (http, base, fake) = (server.http.clone(), server.base.clone(), &server.fake);
    let post =
        |path: &str, body: serde_json::Value| http.post(format!("{base}{path}")).json(&body).send();
    let model_id = server.model(MODEL).await;
    let new_thread = || async {
        let c: serde_json::Value = post("/api/conversations", json!({"model_id": model_id}))
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
    // The OpenAI-compatible door, as another program uses it.
    let made: serde_json::Value = post("/api/tokens", json!({"name": "bench"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = made["token"].as_str().unwrap().to_string();
    let program = reqwest::Client::new();
    let v1_body = json!({"model": format!("fake{}:{MODEL}", MODEL.len()), "stream": true,
                         "messages": [{"role": "user", "content": "hi"}]});
    let mut v1 = Vec::with_capacity(RUNS);
    for _ in 0..RUNS + 10 {
        let started = Instant::now();
        let res = program
            .post(format!("{base}/v1/chat/completions"))
            .bearer_auth(&token)
            .json(&v1_body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let headers_at = started.elapsed();
        v1.push(headers_at + first_chunk(res, "w0").await.unwrap());
    }
    // The first ten warmed the path up.
    v1.drain(..10);
    direct.sort();
    relay.sort();
    v1.sort();
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
    println!(
        "  /v1:     median {}  p99 {}",
        ms(percentile(&v1, 0.5)),
        ms(percentile(&v1, 0.99))
    );
    println!(
        "  /v1 overhead at the median: {}",
        ms(percentile(&v1, 0.5).saturating_sub(percentile(&direct, 0.5)))
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
        server.peak_rss_kb()
    );
}
