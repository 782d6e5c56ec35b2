//! `make bench`, replicas (under `scripts/with-postgres`): three release
//! binaries on one PostgreSQL.
//!
//! - 200 concurrent streams of 20 deltas on one replica, then spread over
//!   the three: errors, total time, each replica's peak RSS;
//! - delivery latency of a delta: replies of `clock-N-D` (each delta
//!   carries the time the fake provider sent it) written on replica A and
//!   followed at once on A itself and on B and C (through LISTEN/NOTIFY):
//!   median and p99 of each.

mod support;

use futures::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::Server;

const CONCURRENT: usize = 200;
const MODEL: &str = "chunks-20-0";
const CLOCK: &str = "clock-100-20";
const REPLIES: usize = 5;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as u64
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

async fn new_thread(http: &reqwest::Client, base: &str, model: i64) -> i64 {
    let c: serde_json::Value = http
        .post(format!("{base}/api/conversations"))
        .json(&json!({"model_id": model}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    c["id"].as_i64().unwrap()
}

/// `CONCURRENT` replies at once, thread `i` on replica `i % bases.len()`.
async fn concurrent(http: &reqwest::Client, bases: &[String], model: i64) -> (usize, Duration) {
    let mut threads = Vec::with_capacity(CONCURRENT);
    for i in 0..CONCURRENT {
        let base = bases[i % bases.len()].clone();
        threads.push((new_thread(http, &base, model).await, base));
    }
    let started = Instant::now();
    let tasks: Vec<_> = threads
        .into_iter()
        .map(|(id, base)| {
            let http = http.clone();
            tokio::spawn(async move {
                let res = http
                    .post(format!("{base}/api/chat/stream"))
                    .json(&json!({"conversation_id": id, "content": "hi"}))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !res.status().is_success() {
                    return Err(format!("status {}", res.status()));
                }
                let body = res.text().await.map_err(|e| e.to_string())?;
                match body.contains("\"status\":\"complete\"") {
                    true => Ok(()),
                    false => Err("no complete event".to_string()),
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
    (errors, started.elapsed())
}

/// Follows reply `id` on `base` to its end: each stamped delta's latency
/// (µs), the catch-up (the first delta event) left out.
async fn follow(http: reqwest::Client, base: String, id: i64) -> Vec<u64> {
    let res = http
        .get(format!("{base}/api/messages/{id}/events"))
        .send()
        .await
        .unwrap();
    let mut stream = res.bytes_stream();
    let mut carry = String::new();
    let mut out = Vec::new();
    let mut first = true;
    while let Some(Ok(chunk)) = stream.next().await {
        let at = now_us();
        carry.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = carry.find("\n\n") {
            let event: String = carry.drain(..end + 2).collect();
            let Some(text) = event
                .split("\"text\":\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
            else {
                continue;
            };
            if std::mem::take(&mut first) {
                continue;
            }
            for stamp in text.split_whitespace() {
                if let Ok(t) = stamp.trim_start_matches('t').parse::<u64>() {
                    out.push(at.saturating_sub(t));
                }
            }
        }
    }
    out
}

#[tokio::main]
async fn main() {
    let servers = Server::replicas(3).await;
    let http = servers[0].http.clone();
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let model = servers[0].model(MODEL).await;

    // Warm up every replica.
    let _ = concurrent(&http, &bases, model).await;
    let (errors, one) = concurrent(&http, &bases[..1], model).await;
    println!(
        "{CONCURRENT} concurrent streams of 20 deltas on one replica: {errors} errors, {} total",
        ms(one)
    );
    let (errors, three) = concurrent(&http, &bases, model).await;
    println!(
        "{CONCURRENT} concurrent streams of 20 deltas over three replicas: {errors} errors, {} total",
        ms(three)
    );
    let rss: Vec<String> = servers.iter().map(|s| s.peak_rss_kb()).collect();
    println!("  peak RSS of each replica: {} kB", rss.join(" kB, "));

    let clock = servers[0].model(CLOCK).await;
    let mut seen: [Vec<u64>; 3] = Default::default();
    for _ in 0..REPLIES {
        let thread = new_thread(&http, &bases[0], clock).await;
        let res = http
            .post(format!("{}/api/chat/stream", bases[0]))
            .json(&json!({"conversation_id": thread, "content": "time"}))
            .send()
            .await
            .unwrap();
        let mut sent = res.bytes_stream();
        let mut start = String::new();
        let id: i64 = loop {
            let chunk = sent.next().await.expect("the start event").unwrap();
            start.push_str(&String::from_utf8_lossy(&chunk));
            let id = start
                .split("\"assistant_message_id\":")
                .nth(1)
                .filter(|r| r.contains([',', '}']))
                .and_then(|r| r.split([',', '}']).next())
                .and_then(|n| n.trim().parse().ok());
            if let Some(id) = id {
                break id;
            }
        };
        let followers: Vec<_> = bases
            .iter()
            .map(|b| tokio::spawn(follow(http.clone(), b.clone(), id)))
            .collect();
        while sent.next().await.is_some() {}
        for (i, f) in followers.into_iter().enumerate() {
            seen[i].extend(f.await.unwrap());
        }
    }
    println!("delivery latency of a delta ({REPLIES} replies of {CLOCK}, written on replica A):");
    for (i, name) in [
        "A (where it is written)",
        "B (through PostgreSQL)",
        "C (through PostgreSQL)",
    ]
    .iter()
    .enumerate()
    {
        let mut l = std::mem::take(&mut seen[i]);
        l.sort_unstable();
        println!(
            "  followed on {name}: median {:.2} ms, p99 {:.2} ms ({} deltas)",
            percentile(&l, 0.5),
            percentile(&l, 0.99),
            l.len()
        );
    }
}
