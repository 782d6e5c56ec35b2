//! Full-text search: only the caller's own chats, ranked, highlighted,
//! paginated, kept in step with edits and deletes, safe with odd input.

use crate::common;

use common::{json_of, Api, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A thread with user messages stored straight through the API (the reply
/// to each fails for want of a model, which search ignores).
async fn thread(api: &Api, title: &str) -> i64 {
    json_of(
        api.post_json("/api/conversations", json!({"title": title}))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn search(api: &Api, q: &str) -> Value {
    json_of(
        api.http
            .get(api.url("/api/search"))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await
}

/// Stores a finished message in a thread directly (tests only).
fn put(db: &std::path::Path, conv: i64, role: &str, text: &str) {
    use diesel::prelude::*;
    let mut c = crate::common::db_in(db);
    diesel::sql_query(backrooms::server::db::sql::text(
        &c,
        "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) \
         VALUES (?, ?, ?, 'complete', 1, 1)",
    ))
    .bind::<diesel::sql_types::BigInt, _>(conv)
    .bind::<diesel::sql_types::Text, _>(role)
    .bind::<diesel::sql_types::Text, _>(text)
    .execute(&mut c)
    .unwrap();
}

#[tokio::test]
async fn search_finds_only_my_messages_and_titles_ranked_and_highlighted() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let db = server.data_dir.clone();
    let mine = thread(&user, "Borrow checker questions").await;
    put(
        &db,
        mine,
        "user",
        "How does the borrow checker treat <script>alert(1)</script> lifetimes?",
    );
    put(
        &db,
        mine,
        "assistant",
        "Lifetimes tell the borrow checker how long references live.",
    );
    let other = thread(&user, "Cooking").await;
    put(
        &db,
        other,
        "user",
        "A recipe for borrowed bread? Borrow borrow borrow.",
    );
    let theirs = thread(&admin, "Admin's borrow notes").await;
    put(&db, theirs, "user", "secret borrow checker talk");

    let r = search(&user, "borrow").await;
    let items = r["items"].as_array().unwrap();
    assert!(items.iter().all(|h| h["conversation_id"] != theirs), "{r}");
    assert!(!r.to_string().contains("secret"));
    // The title match comes first, then messages; "borrowed" matches as a prefix.
    assert_eq!(items[0]["message_id"], Value::Null);
    assert_eq!(items[0]["conversation_id"], mine);
    assert_eq!(items.len(), 4, "{r}");
    let snippet = items[1]["snippet"].as_str().unwrap();
    assert!(snippet.contains("\u{e000}"), "hits are marked: {snippet}");
    // Two words: both must appear.
    let both = search(&user, "borrow lifetimes").await;
    let ids: Vec<i64> = both["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["message_id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 2, "{both}");
    // Query syntax typed by a user is just text.
    for odd in ["\"", "borrow OR", "NEAR(", "*", "a:b", "-borrow"] {
        let res = user
            .http
            .get(user.url("/api/search"))
            .query(&[("q", odd)])
            .send()
            .await
            .unwrap();
        assert!(
            res.status() == StatusCode::OK || res.status() == StatusCode::BAD_REQUEST,
            "{odd}: {}",
            res.status()
        );
    }
    let res = user.get("/api/search?q=").await;
    assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], "q");

    // Kept in step: renamed titles, deleted threads.
    user.put_json(
        &format!("/api/conversations/{other}"),
        json!({"title": "Baking"}),
    )
    .await;
    assert_eq!(search(&user, "cooking").await["items"], json!([]));
    assert_eq!(
        search(&user, "baking").await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    user.delete(&format!("/api/conversations/{mine}")).await;
    let after = search(&user, "lifetimes").await;
    assert_eq!(after["items"], json!([]));

    // The page shows snippets safely, with <mark>s.
    let page = user.get("/search?q=borrow").await.text().await.unwrap();
    assert!(page.contains("<mark>"), "highlighted");
    assert!(!page.contains("\u{e000}"));
    assert!(!page.contains("<script>alert"));
    server.stop().await;
}

#[tokio::test]
async fn search_pages_through_many_results() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let db = server.data_dir.clone();
    let t = thread(&user, "Many").await;
    for i in 0..45 {
        put(&db, t, "user", &format!("needle number {i}"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut offset = 0;
    loop {
        let page = json_of(
            user.get(&format!("/api/search?q=needle&offset={offset}"))
                .await,
            StatusCode::OK,
        )
        .await;
        for h in page["items"].as_array().unwrap() {
            assert!(seen.insert(h["message_id"].as_i64().unwrap()), "no repeats");
        }
        match page["next_offset"].as_i64() {
            Some(n) => offset = n,
            None => break,
        }
    }
    assert_eq!(seen.len(), 45);
    server.stop().await;
}

#[tokio::test]
async fn a_very_common_word_ranks_among_its_newest_matches() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let conv = thread(&user, "Zoo log").await;
    // 100 old messages full of the word (the best matches by relevance),
    // then 2 000 newer ones that mention it once.
    let mut sql = String::from(
        "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) VALUES ",
    );
    let rows: Vec<String> = (0..2_100)
        .map(|i| {
            let text = if i < 100 {
                "zebra zebra zebra zebra".to_string()
            } else {
                format!("entry {i} saw a zebra among many other animals at the water hole")
            };
            format!("({conv}, 'user', '{text}', 'complete', {i}, {i})")
        })
        .collect();
    sql.push_str(&rows.join(", "));
    {
        use diesel::prelude::*;
        let mut c = server.db();
        diesel::sql_query(sql).execute(&mut c).unwrap();
    }
    let page = search(&user, "zebra").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert!(page["next_offset"].is_number());
    for hit in items {
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(
            snippet.contains("entry"),
            "only the newest 2 000 are ranked: {snippet}"
        );
    }
    server.stop().await;
}

/// The thread that holds backroom `room`'s transcript.
fn transcript_of(db: &std::path::Path, room: i64) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        conversation_id: i64,
    }
    let mut c = crate::common::db_in(db);
    diesel::sql_query(backrooms::server::db::sql::text(
        &c,
        "SELECT conversation_id FROM backrooms WHERE id = ?",
    ))
    .bind::<diesel::sql_types::BigInt, _>(room)
    .get_result::<T>(&mut c)
    .unwrap()
    .conversation_id
}

#[tokio::test]
async fn search_covers_notes_and_backrooms_and_shows_text_not_markdown() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let db = server.data_dir.clone();
    let note = json_of(
        user.post_json(
            "/api/notes",
            json!({"title": "Garden plans", "body": "Plant **tomatoes** in [May](https://example.com)."}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    json_of(
        admin
            .post_json(
                "/api/notes",
                json!({"title": "Admin tomatoes", "body": "secret"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mut agents = Vec::new();
    for name in ["Ada", "Bob"] {
        let a = json_of(
            user.post_json("/api/agents", json!({"name": name})).await,
            StatusCode::CREATED,
        )
        .await;
        agents.push(a["id"].as_i64().unwrap());
    }
    let room = json_of(
        user.post_json(
            "/api/backrooms",
            json!({"title": "Tomatoes council", "participants": agents, "max_turns": 4}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    put(
        &db,
        transcript_of(&db, room),
        "assistant",
        "## We *grow* tomatoes, `always`",
    );
    let chat = thread(&user, "Lunch").await;
    put(&db, chat, "user", "> Are **tomatoes** a fruit?");

    let r = search(&user, "tomatoes").await;
    let items = r["items"].as_array().unwrap();
    assert!(
        !r.to_string().contains("secret"),
        "only the caller's notes: {r}"
    );
    let of = |kind: &str| -> Vec<&Value> { items.iter().filter(|h| h["kind"] == kind).collect() };
    let notes = of("note");
    assert_eq!(notes.len(), 1, "{r}");
    assert_eq!(notes[0]["note_id"], note);
    assert_eq!(notes[0]["title"], "Garden plans");
    assert_eq!(
        notes[0]["snippet"], "Plant \u{e000}tomatoes\u{e001} in May.",
        "markdown syntax is gone, the hit is marked"
    );
    let rooms = of("backroom");
    assert_eq!(rooms.len(), 2, "the title and the turn: {r}");
    assert!(rooms.iter().all(|h| h["backroom_id"] == room));
    let turn = rooms.iter().find(|h| h["message_id"].is_i64()).unwrap();
    assert_eq!(turn["snippet"], "We grow \u{e000}tomatoes\u{e001}, always");
    let chats = of("chat");
    assert_eq!(chats.len(), 1, "{r}");
    assert_eq!(chats[0]["snippet"], "Are \u{e000}tomatoes\u{e001} a fruit?");

    // Each opens where it matched.
    let page = user.get("/search?q=tomatoes").await.text().await.unwrap();
    assert!(page.contains(&format!(r#"href="/notes/{note}""#)), "{page}");
    assert!(page.contains(&format!(r#"href="/backrooms/{room}""#)));
    let m = chats[0]["message_id"].as_i64().unwrap();
    assert!(page.contains(&format!("/c/{chat}?at={m}#m-{m}")));
    assert!(!page.contains("**"));

    // Kept in step with edits and deletes.
    user.put_json(
        &format!("/api/notes/{note}"),
        json!({"title": "Garden", "body": "Potatoes only."}),
    )
    .await;
    assert!(of_kind(&search(&user, "tomatoes").await, "note").is_empty());
    assert_eq!(of_kind(&search(&user, "potatoes").await, "note").len(), 1);
    user.delete(&format!("/api/notes/{note}")).await;
    assert!(of_kind(&search(&user, "potatoes").await, "note").is_empty());
}

fn of_kind(r: &Value, kind: &str) -> Vec<Value> {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["kind"] == kind)
        .cloned()
        .collect()
}
