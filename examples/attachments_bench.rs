//! `make bench`, part 6: attachments, against the release binary.
//! - Indexing a 300-page PDF: `POST /api/attachments` end to end (upload,
//!   text extraction, cutting into pieces, FTS5 indexing), 5 runs.
//! - Retrieval over 1 000 documents (about 5 000 words each, 20 000+
//!   pieces): the same search a turn runs, on the server's database, 500
//!   questions: median and p99.
//! - Memory while sending 10 pictures (4000 x 3000 JPEGs, scaled on upload
//!   and sent base64 to the fake provider): the server's peak RSS before
//!   and after.

mod support;

use backrooms::server::services::attachments::retrieval;
use diesel::prelude::*;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use rand::{Rng, SeedableRng};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::io::Cursor;
use std::time::{Duration, Instant};
use support::{word, Server};

const DOCUMENTS: usize = 1_000;
const QUESTIONS: usize = 500;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn upload(server: &Server, name: &str, bytes: Vec<u8>) -> Value {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    let res = server
        .http
        .post(server.url("/api/attachments"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "upload of {name}");
    res.json().await.unwrap()
}

fn pictures() -> Vec<u8> {
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

#[tokio::main]
async fn main() {
    let server = Server::start().await;
    let words: Vec<String> = (0..5_000).map(word).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let text = |n: usize, rng: &mut rand::rngs::StdRng| -> String {
        (0..n)
            .map(|_| {
                let x: f64 = rng.gen();
                words[((x * x * x) * words.len() as f64) as usize % words.len()].as_str()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };

    // A 300-page PDF, about 300 words a page.
    let pages: Vec<String> = (0..300).map(|_| text(300, &mut rng)).collect();
    let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
    let pdf = support::pdf::pdf(&refs);
    let mut times = Vec::new();
    for i in 0..5 {
        let started = Instant::now();
        let a = upload(&server, &format!("log-{i}.pdf"), pdf.clone()).await;
        times.push(started.elapsed());
        assert_eq!(a["pages"], 300);
    }
    times.sort();
    println!(
        "attachments: a 300-page PDF ({} KB) uploaded, read and indexed: median {}, slowest {}",
        pdf.len() / 1024,
        ms(times[2]),
        ms(times[4])
    );

    // 1 000 documents of about 5 000 words each.
    let mut ids = Vec::with_capacity(DOCUMENTS);
    let started = Instant::now();
    for i in 0..DOCUMENTS {
        let body = text(5_000, &mut rng);
        let a = upload(&server, &format!("doc-{i}.txt"), body.into_bytes()).await;
        ids.push(a["id"].as_i64().unwrap());
    }
    let mut conn = backrooms::server::db::Conn::Sqlite(
        SqliteConnection::establish(server.db_path().to_str().unwrap()).unwrap(),
    );
    diesel::sql_query("PRAGMA busy_timeout = 10000")
        .execute(&mut conn)
        .unwrap();
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let pieces = diesel::sql_query("SELECT COUNT(*) AS n FROM attachment_chunks")
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n;
    println!(
        "  {DOCUMENTS} documents uploaded and indexed in {:.1} s ({pieces} pieces)",
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::with_capacity(QUESTIONS);
    let mut found = 0;
    for _ in 0..QUESTIONS {
        let question = format!("What does it say about {}?", text(6, &mut rng));
        let started = Instant::now();
        let excerpts = retrieval::search(&mut conn, &ids, &question, 12_000).unwrap();
        times.push(started.elapsed());
        found += excerpts.len();
    }
    times.sort();
    println!(
        "  retrieval over {DOCUMENTS} documents ({QUESTIONS} questions): median {}, p99 {}, {:.1} excerpts a question",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        found as f64 / QUESTIONS as f64
    );

    // 10 pictures in one message to a model that sees them.
    let model = server.model("chunks-3-0").await;
    let res = server
        .http
        .put(server.url(&format!("/api/config/models/{model}")))
        .json(&json!({"vision": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let before = server.peak_rss_kb();
    let photo = pictures();
    let mut ids = Vec::new();
    let started = Instant::now();
    for i in 0..10 {
        ids.push(upload(&server, &format!("photo-{i}.jpg"), photo.clone()).await["id"].clone());
    }
    let uploads = started.elapsed();
    let chat = server
        .post("/api/conversations", json!({"model_id": model}))
        .await["id"]
        .clone();
    let started = Instant::now();
    let reply = server
        .post(
            "/api/chat/complete",
            json!({"conversation_id": chat, "content": "Describe these.", "attachments": ids}),
        )
        .await;
    assert_eq!(reply["assistant_message"]["status"], "complete", "{reply}");
    println!(
        "  10 pictures of 4000x3000 ({} KB each): uploaded and scaled in {:.2} s, sent in {}; server peak RSS {before} kB before, {} kB after",
        photo.len() / 1024,
        uploads.as_secs_f64(),
        ms(started.elapsed()),
        server.peak_rss_kb()
    );
}
