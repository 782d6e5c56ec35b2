//! `backrooms migrate-data`: an installation on SQLite moves to an empty
//! PostgreSQL and goes on there, every row with it (PostgreSQL pass only).

use crate::backrooms::{agent, room, setup};
use crate::common::{
    json_of, new_thread, on_postgres, postgres_for, run_to_end, SseReader, TestServer,
};
use backrooms::server::migrate_data::migrate;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

async fn chat(api: &crate::common::Api, conv: i64, text: &str) {
    let res = api
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": conv, "content": text}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let events = SseReader::new(res).all().await;
    assert_eq!(
        events.last().map(|e| e.data["status"].clone()),
        Some(json!("complete"))
    );
}

#[tokio::test]
async fn an_installation_moves_from_sqlite_to_postgresql_with_every_row() {
    assert!(on_postgres(), "run under scripts/with-postgres");
    let old = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start_with(old.path(), &[("BACKROOMS_TEST_SQLITE", "1")]).await;
    let s = setup(&server).await;
    let model = crate::common::add_model(&s.admin, s.provider, "chunks-3-0").await;
    let conv = new_thread(&s.user, model).await;
    chat(&s.user, conv, "tangerine please").await;
    json_of(
        s.user
            .post_json("/api/notes", json!({"title": "Moving", "body": "day é"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let bytes = "tangerine notes, é\n".repeat(50).into_bytes();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.clone()).file_name("notes.txt"),
    );
    let file = json_of(
        s.user.post_multipart("/api/attachments", form).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap_or_default();
    let ada = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let bob = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Moves", "participants": [ada, bob], "max_turns": 2}),
    )
    .await;
    run_to_end(&s.user, id).await;
    let thread_before = json_of(
        s.user.get(&format!("/api/conversations/{conv}")).await,
        StatusCode::OK,
    )
    .await;
    let room_before = json_of(
        s.user.get(&format!("/api/backrooms/{id}")).await,
        StatusCode::OK,
    )
    .await;
    server.stop().await;

    // Into an empty database; the new servers get the old secret key.
    let new = tempfile::tempdir().expect("temp dir");
    let key = backrooms::server::config::SECRET_KEY_FILE;
    std::fs::copy(old.path().join(key), new.path().join(key)).expect("the key");
    let url = postgres_for(new.path()).expect("a database");
    let from = old.path().join("backrooms.db");
    let moved: HashMap<String, i64> = tokio::task::spawn_blocking({
        let (from, url) = (from.clone(), url.clone());
        move || migrate(&from, &url)
    })
    .await
    .expect("the move ends")
    .expect("moved")
    .into_iter()
    .collect();
    for (table, least) in [
        ("users", 2),
        ("providers", 1),
        ("messages", 2 + 2),
        ("notes", 1),
        ("blobs", 1),
        ("backrooms", 1),
        ("usage_days", 1),
    ] {
        assert!(moved[table] >= least, "{table}: {:?}", moved.get(table));
    }
    assert!(!moved.contains_key("replicas"), "running state is not data");

    let server = TestServer::start_in(new.path()).await;
    let user = server.client();
    json_of(user.login("user", "user password").await, StatusCode::OK).await;
    let thread_after = json_of(
        user.get(&format!("/api/conversations/{conv}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(thread_after, thread_before);
    let room_after = json_of(
        user.get(&format!("/api/backrooms/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(room_after["turns"], room_before["turns"]);
    let got = user.get(&format!("/api/attachments/{file}")).await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.expect("the file").to_vec(), bytes);
    let found: Value = json_of(
        user.http
            .get(user.url("/api/search"))
            .query(&[("q", "tangerine")])
            .send()
            .await
            .expect("search"),
        StatusCode::OK,
    )
    .await;
    assert!(found.to_string().contains("tangerine"), "{found}");
    // The provider's key still decrypts, and new rows get new ids.
    chat(&user, conv, "and again").await;
    let t = json_of(
        user.get(&format!("/api/conversations/{conv}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["messages"].as_array().map(Vec::len), Some(4));

    // Only ever into an empty database.
    let again = tokio::task::spawn_blocking(move || migrate(&from, &url))
        .await
        .expect("the attempt ends");
    assert!(
        again.as_ref().is_err_and(|e| e.contains("empty database")),
        "{again:?}"
    );
    server.stop().await;
}
