//! `make bench`, part 5: the cost of the quota check per send with 10 000
//! accounts and 1M messages. Every account has 10 threads of 100 replies
//! spread over the last 30 days (their tokens in the usage ledger, as the
//! server writes them), every limit is set, and one admission (the ledger
//! sums for the day and the month, the in-flight count, the permit given
//! back) is timed for 5 000 sends by random accounts. An admission is a
//! write transaction since holds live in the database (`reply_holds`).

use backrooms::model::usage::Limits;
use backrooms::server::db::Db;
use backrooms::server::quotas::Quotas;
use backrooms::server::services::limits;
use diesel::prelude::*;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const USERS: i64 = 10_000;
const THREADS_PER_USER: i64 = 10;
const MESSAGES: i64 = 1_000_000;
const SAMPLES: usize = 5_000;

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backrooms.db");
    let db = Db::open(&backrooms::server::db::Target::Sqlite(path.clone())).unwrap();
    let seeded = Instant::now();
    let mut c = backrooms::server::db::Conn::Sqlite(
        SqliteConnection::establish(path.to_str().unwrap()).unwrap(),
    );
    let now = backrooms::server::db::now();
    let day = now / 86_400;
    let batch = format!(
        "PRAGMA busy_timeout = 10000;
         PRAGMA journal_mode = WAL;
         BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {USERS})
         INSERT INTO users (username, password_hash, role, created_at, updated_at)
         SELECT 'user' || i, 'x', 'user', {now}, {now} FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {USERS} * {THREADS_PER_USER} - 1)
         INSERT INTO conversations (user_id, title, pinned, created_at, updated_at, kind, archived)
         SELECT 1 + i / {THREADS_PER_USER}, 't', 0, {now}, {now}, 'chat', 0 FROM n;
         DROP TRIGGER IF EXISTS messages_fts_insert;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {MESSAGES} - 1)
         INSERT INTO messages (conversation_id, role, content, status, model_sdk_id, prompt_tokens, completion_tokens, created_at, updated_at, kind, on_path)
         SELECT 1 + i % ({USERS} * {THREADS_PER_USER}), 'assistant', 'reply', 'complete',
                CASE i % 2 WHEN 0 THEN 'fo:small' ELSE 'fo:large' END, 40 + i % 50, 20 + i % 30,
                ({day} - i % 30) * 86400 + 3600, ({day} - i % 30) * 86400 + 3600, 'message', 1
           FROM n;
         INSERT INTO usage_days (user_id, day, model, prompt_tokens, completion_tokens, cost_nanos, replies)
         SELECT c.user_id, m.created_at / 86400, m.model_sdk_id, SUM(m.prompt_tokens), SUM(m.completion_tokens), 0, COUNT(*)
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
          GROUP BY c.user_id, m.created_at / 86400, m.model_sdk_id;
         COMMIT;"
    );
    use diesel::connection::SimpleConnection;
    c.batch_execute(&batch).unwrap();
    let ledger: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT COUNT(*) FROM usage_days)",
    ))
    .get_result(&mut c)
    .unwrap();
    println!(
        "seeded {USERS} accounts, {MESSAGES} messages, {ledger} ledger rows in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    limits::set_defaults(
        &mut c,
        &Limits {
            tokens_per_day: Some(1_000_000),
            tokens_per_month: Some(10_000_000),
            cost_per_month: Some(100.0),
            concurrent: Some(4),
            requests_per_minute: Some(1_000),
        },
    )
    .unwrap();

    let quotas = Quotas::new(1);
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut times = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let user = rng.gen_range(1..=USERS);
        let t = Instant::now();
        let permit = quotas.admit(&db, user).await.expect("within the limits");
        times.push(t.elapsed());
        drop(permit);
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "quota check per send ({SAMPLES} sends, random accounts): median {}, p99 {}, max {}",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*times.last().unwrap())
    );
}
