//! `make bench`, part 3: 50 backrooms running at once against the fake
//! provider with zero delay: turns per second, errors, the server's peak
//! RSS. Each backroom has two agents and runs 20 turns.

mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::Server;

const ROOMS: usize = 50;
const TURNS: i64 = 20;

#[tokio::main]
async fn main() {
    let server = Server::start().await;
    let model = server.model("chunks-20-0").await;
    let agents = server.agents(model, &["Ada", "Bob"]).await;
    let mut rooms = Vec::with_capacity(ROOMS);
    for i in 0..ROOMS {
        let b = server
            .post(
                "/api/backrooms",
                // The fake says the same words each turn: no loop detection.
                json!({"title": format!("Bench {i}"), "participants": agents, "max_turns": TURNS, "guards": {"loop_overlap": 0}}),
            )
            .await;
        rooms.push(b["id"].as_i64().unwrap());
    }
    let started = Instant::now();
    for id in &rooms {
        server
            .post(&format!("/api/backrooms/{id}/start"), json!({}))
            .await;
    }
    // Wait until every run has ended.
    let mut states = Vec::new();
    for _ in 0..6000 {
        let list = server
            .http
            .get(server.url("/api/backrooms"))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        states = list
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["state"].as_str().unwrap_or("").to_string(),
                    b["turns"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        if states.iter().all(|(s, _)| s != "running") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    let turns: i64 = states.iter().map(|(_, t)| t).sum();
    let errors = states
        .iter()
        .filter(|(s, t)| s != "finished" || *t != TURNS)
        .count();
    println!(
        "{ROOMS} backrooms of {TURNS} turns at once: {turns} turns in {:.2} s = {:.0} turns/s, {errors} runs not finished cleanly, server peak RSS {} kB",
        took.as_secs_f64(),
        turns as f64 / took.as_secs_f64(),
        server.peak_rss_kb()
    );
}
