//! `make bench`, part 4: full-text search with 1M messages in the database.
//! One user's 1 000 threads get 1 000 messages each (20 words drawn from a
//! 5 000-word vocabulary with a skewed frequency), written straight into
//! SQLite (the FTS triggers index them); then `GET /api/search` is timed
//! for rare, common and two-word queries.

mod support;

use diesel::prelude::*;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::time::{Duration, Instant};
use support::{word, Server};

const THREADS: usize = 1_000;
const PER_THREAD: usize = 1_000;
const VOCABULARY: usize = 5_000;

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let server = Server::start().await;
    let words: Vec<String> = (0..VOCABULARY).map(word).collect();
    let mut threads = Vec::with_capacity(THREADS);
    for i in 0..THREADS {
        let c = server
            .post(
                "/api/conversations",
                json!({"title": format!("Thread {i} {}", words[i % VOCABULARY])}),
            )
            .await;
        threads.push(c["id"].as_i64().unwrap());
    }
    let started = Instant::now();
    let mut conn = backrooms::server::db::Conn::Sqlite(
        SqliteConnection::establish(server.db_path().to_str().unwrap()).unwrap(),
    );
    diesel::sql_query("PRAGMA busy_timeout = 10000")
        .execute(&mut conn)
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for chunk in threads.chunks(10) {
        let mut sql = String::from(
            "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES ",
        );
        let mut first = true;
        for t in chunk {
            for i in 0..PER_THREAD {
                // Skewed: low word indexes are much more frequent.
                let text: Vec<&str> = (0..20)
                    .map(|_| {
                        let x: f64 = rng.gen();
                        words[((x * x * x) * VOCABULARY as f64) as usize % VOCABULARY].as_str()
                    })
                    .collect();
                if !first {
                    sql.push(',');
                }
                first = false;
                let role = if i % 2 == 0 { "user" } else { "assistant" };
                sql.push_str(&format!(
                    "({t}, '{role}', '{}', 'complete', 1, 1)",
                    text.join(" ")
                ));
            }
        }
        conn.immediate_transaction(|c| diesel::sql_query(&sql).execute(c))
            .unwrap();
    }
    let count: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM messages)",
    ))
    .get_result(&mut conn)
    .unwrap();
    println!(
        "search: {count} messages written and indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let queries: Vec<(&str, String)> = vec![
        ("common word", words[0].clone()),
        ("mid word", words[300].clone()),
        ("rare word", words[VOCABULARY - 3].clone()),
        ("two words", format!("{} {}", words[5], words[40])),
        ("prefix", words[2][..3].to_string()),
    ];
    for (label, q) in queries {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let page: serde_json::Value = server
                .http
                .get(server.url("/api/search"))
                .query(&[("q", q.as_str())])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            times.push(t.elapsed());
            hits = page["items"].as_array().map_or(0, Vec::len);
        }
        times.sort();
        println!(
            "  {label:<12} {q:<16} median {}  p99 {}  ({hits} results on the first page)",
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
    }
    println!("  server peak RSS {} kB", server.peak_rss_kb());
}
