//! Streaming chat end to end against the fake provider in both wire
//! formats: SSE events, resume with Last-Event-ID, closing the client,
//! Stop, every provider fault, restarts, ownership.

use crate::common;

use common::fake_provider::{FakeProvider, GOOD_KEY};
use common::{add_model, add_provider, deltas, json_of, Api, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

struct Setup {
    admin: Api,
    user: Api,
    fake: FakeProvider,
    openai: i64,
    anthropic: i64,
}

async fn setup(server: &TestServer) -> Setup {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let openai = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let anthropic = add_provider(&admin, "fa", "anthropic", &fake.anthropic_base()).await;
    Setup {
        admin,
        user,
        fake,
        openai,
        anthropic,
    }
}

async fn new_thread(api: &Api, model_id: Option<i64>) -> i64 {
    let c = json_of(
        api.post_json("/api/conversations", json!({"model_id": model_id}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    c["id"].as_i64().unwrap()
}

async fn send(api: &Api, body: Value) -> SseReader {
    let res = api.post_json("/api/chat/stream", body).await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
    SseReader::new(res)
}

async fn thread(api: &Api, id: i64) -> Value {
    json_of(
        api.get(&format!("/api/conversations/{id}")).await,
        StatusCode::OK,
    )
    .await
}

/// Waits until the thread's last message is no longer streaming.
async fn settled(api: &Api, id: i64) -> Value {
    for _ in 0..200 {
        let t = thread(api, id).await;
        if t["messages"].as_array().unwrap().last().unwrap()["status"] != "streaming" {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the reply never ended");
}

#[tokio::test]
async fn openai_format_streams_end_to_end() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let m = add_model(&s.admin, s.openai, "chunks-5-5").await;
    let conv = new_thread(&s.user, Some(m)).await;

    let events = send(
        &s.user,
        json!({"conversation_id": conv, "content": "Say five words\nplease", "temperature": 0.5, "max_tokens": 99}),
    )
    .await
    .all()
    .await;
    assert_eq!(events[0].data["type"], "start");
    assert_eq!(events[0].id.as_deref(), Some("0"));
    let reply_id = events[0].data["assistant_message_id"].as_i64().unwrap();
    let text = deltas(&events);
    assert_eq!(text, "w0 w1 w2 w3 w4 ");
    let usage = events.iter().find(|e| e.data["type"] == "usage").unwrap();
    assert_eq!(usage.data["completion_tokens"], 5);
    let done = events.last().unwrap();
    assert_eq!(
        done.data,
        json!({"type": "done", "status": "complete", "finish_reason": "stop"})
    );
    // Every id is the byte length reached: the last equals the content length.
    assert_eq!(done.id.as_deref(), Some(text.len().to_string().as_str()));

    let t = thread(&s.user, conv).await;
    assert_eq!(t["title"], "Say five words");
    let msgs = t["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["role"], "user");
    assert_eq!(msgs[1]["id"], reply_id);
    assert_eq!(msgs[1]["content"], text);
    assert_eq!(msgs[1]["status"], "complete");
    assert_eq!(msgs[1]["model_sdk_id"], "fo:chunks-5-5");
    assert_eq!(msgs[1]["prompt_tokens"], 11);
    assert_eq!(msgs[1]["completion_tokens"], 5);
    assert!(msgs[1]["ttft_ms"].as_i64().is_some() && msgs[1]["total_ms"].as_i64().is_some());

    // What the provider received, and the history on the next turn.
    let req = s.fake.last_request();
    assert_eq!(req["model"], "chunks-5-5");
    assert_eq!(req["stream"], true);
    assert_eq!(req["stream_options"]["include_usage"], true);
    assert_eq!(req["temperature"], 0.5);
    assert_eq!(req["max_tokens"], 99);
    send(
        &s.user,
        json!({"conversation_id": conv, "content": "Again"}),
    )
    .await
    .all()
    .await;
    let req = s.fake.last_request();
    let roles: Vec<&str> = req["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "assistant", "user"]);
    assert_eq!(req["messages"][1]["content"], text);
    assert_eq!(req["temperature"], 0.5, "the thread keeps its settings");
}

#[tokio::test]
async fn anthropic_format_streams_end_to_end() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let m = add_model(&s.admin, s.anthropic, "chunks-3-0").await;
    let conv = new_thread(&s.user, Some(m)).await;
    let events = send(
        &s.user,
        json!({"conversation_id": conv, "content": "Hi", "temperature": 1.7}),
    )
    .await
    .all()
    .await;
    assert_eq!(deltas(&events), "w0 w1 w2 ");
    assert_eq!(
        events.last().unwrap().data,
        json!({"type": "done", "status": "complete", "finish_reason": "end_turn"})
    );
    let req = s.fake.last_request();
    assert_eq!(req["max_tokens"], 4096, "always sent");
    assert_eq!(req["temperature"], 1.0, "clamped to Anthropic's range");
    assert_eq!(req["messages"][0], json!({"role": "user", "content": "Hi"}));
    let t = settled(&s.user, conv).await;
    let reply = &t["messages"][1];
    assert_eq!(reply["prompt_tokens"], 13);
    assert_eq!(reply["completion_tokens"], 3);
}

#[tokio::test]
async fn resume_with_last_event_id_gives_exactly_the_rest() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let m = add_model(&s.admin, s.openai, "chunks-30-20").await;
    let conv = new_thread(&s.user, Some(m)).await;

    let mut first = send(
        &s.user,
        json!({"conversation_id": conv, "content": "count"}),
    )
    .await;
    let start = first.next().await.unwrap();
    let reply = start.data["assistant_message_id"].as_i64().unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let e = first.next().await.unwrap();
        if e.data["type"] == "delta" {
            seen.push(e);
        }
    }
    drop(first); // the tab closes

    let mut text = deltas(&seen);
    let mut last = seen.last().unwrap().id.clone().unwrap();
    // Several reconnects, each from the last id seen.
    for round in 0..3 {
        let res = s
            .user
            .http
            .get(s.user.url(&format!("/api/messages/{reply}/events")))
            .header("last-event-id", &last)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let mut r = SseReader::new(res);
        let mut got = Vec::new();
        while let Some(e) = r.next().await {
            let end = e.data["type"] == "done";
            got.push(e);
            if end || (round < 2 && got.len() >= 2) {
                break;
            }
        }
        text.push_str(&deltas(&got));
        last = got.last().unwrap().id.clone().unwrap();
        if got.last().unwrap().data["type"] == "done" {
            break;
        }
    }
    let t = settled(&s.user, conv).await;
    assert_eq!(
        t["messages"][1]["content"], text,
        "nothing lost, nothing doubled"
    );
    let expected: String = (0..30).map(|i| format!("w{i} ")).collect();
    assert_eq!(text, expected);

    // A finished reply: the rest, then done.
    let res = s
        .user
        .http
        .get(s.user.url(&format!("/api/messages/{reply}/events")))
        .header("last-event-id", "6")
        .send()
        .await
        .unwrap();
    let events = SseReader::new(res).all().await;
    assert_eq!(deltas(&events), &expected[6..]);
    assert_eq!(events.last().unwrap().data["type"], "done");
    for bad in ["abc", "99999"] {
        let res = s
            .user
            .http
            .get(s.user.url(&format!("/api/messages/{reply}/events")))
            .header("last-event-id", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn closing_the_client_does_not_stop_generation_but_stop_does() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let m = add_model(&s.admin, s.openai, "chunks-8-20").await;
    let conv = new_thread(&s.user, Some(m)).await;
    let mut r = send(&s.user, json!({"conversation_id": conv, "content": "go"})).await;
    r.next().await.unwrap();
    drop(r);
    let t = settled(&s.user, conv).await;
    assert_eq!(t["messages"][1]["status"], "complete");
    assert_eq!(t["messages"][1]["content"], "w0 w1 w2 w3 w4 w5 w6 w7 ");

    let slow = add_model(&s.admin, s.openai, "chunks-200-20").await;
    let conv = new_thread(&s.user, Some(slow)).await;
    let mut r = send(&s.user, json!({"conversation_id": conv, "content": "go"})).await;
    let reply = r.next().await.unwrap().data["assistant_message_id"]
        .as_i64()
        .unwrap();
    r.next().await.unwrap();
    // One reply at a time per thread.
    let busy = s
        .user
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": conv, "content": "more"}),
        )
        .await;
    assert_eq!(busy.status(), StatusCode::CONFLICT);
    let stop = s
        .user
        .post_empty(&format!("/api/messages/{reply}/stop"))
        .await;
    assert_eq!(stop.status(), StatusCode::NO_CONTENT);
    let rest = r.all().await;
    assert_eq!(rest.last().unwrap().data["status"], "stopped");
    let t = settled(&s.user, conv).await;
    let msg = &t["messages"][1];
    assert_eq!(msg["status"], "stopped");
    let content = msg["content"].as_str().unwrap();
    assert!(
        !content.is_empty() && content.len() < 200 * 3,
        "partial content kept: {content}"
    );
}

#[tokio::test]
async fn provider_faults_end_as_stored_errors_with_partial_content() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let cases: Vec<(i64, &str, &str, &str)> = vec![
        (s.openai, "fault-401", "refused the API key", ""),
        (s.openai, "fault-404", "does not know this model", ""),
        (s.openai, "fault-429", "rate limiting", ""),
        (s.openai, "fault-500", "failed (500)", ""),
        (s.openai, "fault-malformed", "unreadable", "partial "),
        (
            s.openai,
            "fault-cut",
            "ended before the reply was complete",
            "cut short",
        ),
        (s.openai, "fault-hang", "did not answer in time", "waiting "),
        (s.anthropic, "fault-429", "rate limiting", ""),
        (s.anthropic, "fault-overloaded", "Overloaded", "half "),
        (s.anthropic, "fault-cut", "ended before", "cut "),
    ];
    for (provider, sdk, expect, partial) in cases {
        let m = add_model(&s.admin, provider, sdk).await;
        let conv = new_thread(&s.user, Some(m)).await;
        let events = send(&s.user, json!({"conversation_id": conv, "content": "hi"}))
            .await
            .all()
            .await;
        let last = events.last().unwrap();
        assert_eq!(last.data["type"], "error", "{sdk}: {events:?}");
        let t = settled(&s.user, conv).await;
        let msg = &t["messages"][1];
        assert_eq!(msg["status"], "error", "{sdk}");
        let err = msg["error"].as_str().unwrap();
        assert!(err.contains(expect), "{sdk}: {err}");
        assert!(!err.contains(GOOD_KEY), "{sdk}: key leaked in {err}");
        assert_eq!(msg["content"], partial, "{sdk}");
        assert_eq!(deltas(&events), partial, "{sdk}");
        // The user's message is kept, and the thread takes new messages.
        assert_eq!(t["messages"][0]["content"], "hi");
    }
    // Connection refused.
    let down = json_of(
        s.admin
            .post_json(
                "/api/config/providers",
                json!({"name": "Down", "provider_sdk_id": "down", "api_format": "openai", "base_url": "http://127.0.0.1:9/v1"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let m = add_model(&s.admin, down["id"].as_i64().unwrap(), "x").await;
    let conv = new_thread(&s.user, Some(m)).await;
    send(&s.user, json!({"conversation_id": conv, "content": "hi"}))
        .await
        .all()
        .await;
    let t = settled(&s.user, conv).await;
    assert!(t["messages"][1]["error"]
        .as_str()
        .unwrap()
        .contains("cannot connect"));
}

#[tokio::test]
async fn default_model_complete_regenerate_and_clear_errors() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let conv = new_thread(&s.user, None).await;
    let no_model = json_of(
        s.user
            .post_json(
                "/api/chat/stream",
                json!({"conversation_id": conv, "content": "hi"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(no_model["error"]
        .as_str()
        .unwrap()
        .contains("no default model"));
    let t = thread(&s.user, conv).await;
    assert_eq!(
        t["messages"],
        json!([]),
        "nothing stored for a refused send"
    );

    let m = add_model(&s.admin, s.openai, "chunks-2-0").await;
    s.admin
        .post_empty(&format!("/api/config/models/{m}/set-default"))
        .await;
    let done = json_of(
        s.user
            .post_json(
                "/api/chat/complete",
                json!({"conversation_id": conv, "content": "hi"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["user_message"]["content"], "hi");
    assert_eq!(done["assistant_message"]["content"], "w0 w1 ");
    assert_eq!(done["assistant_message"]["status"], "complete");
    assert_eq!(done["assistant_message"]["model_sdk_id"], "fo:chunks-2-0");

    let old = done["assistant_message"]["id"].as_i64().unwrap();
    let res = s
        .user
        .post_empty(&format!("/api/messages/{old}/regenerate"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let events = SseReader::new(res).all().await;
    let new_id = events[0].data["assistant_message_id"].as_i64().unwrap();
    assert_ne!(new_id, old);
    assert_eq!(events[0].data["user_message_id"], Value::Null);
    let t = settled(&s.user, conv).await;
    let msgs = t["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2, "the old reply was replaced");
    assert_eq!(msgs[1]["id"], new_id);

    for (body, field) in [
        (
            json!({"conversation_id": conv, "content": "   "}),
            "content",
        ),
        (
            json!({"conversation_id": conv, "content": "x".repeat(100_001)}),
            "content",
        ),
        (
            json!({"conversation_id": conv, "content": "x", "temperature": 3.0}),
            "temperature",
        ),
        (
            json!({"conversation_id": conv, "content": "x", "max_tokens": 0}),
            "max_tokens",
        ),
        (
            json!({"conversation_id": conv, "content": "x", "model_id": 9999}),
            "model_id",
        ),
    ] {
        let err = json_of(
            s.user.post_json("/api/chat/stream", body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(err["field"], field);
    }
}

#[tokio::test]
async fn another_users_threads_and_messages_answer_404() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let m = add_model(&s.admin, s.openai, "chunks-1-0").await;
    let conv = new_thread(&s.user, Some(m)).await;
    let events = send(&s.user, json!({"conversation_id": conv, "content": "mine"}))
        .await
        .all()
        .await;
    let reply = events[0].data["assistant_message_id"].as_i64().unwrap();

    let other = &s.admin;
    for res in [
        other.get(&format!("/api/conversations/{conv}")).await,
        other
            .put_json(&format!("/api/conversations/{conv}"), json!({"title": "x"}))
            .await,
        other.delete(&format!("/api/conversations/{conv}")).await,
        other
            .post_json(
                "/api/chat/stream",
                json!({"conversation_id": conv, "content": "x"}),
            )
            .await,
        other
            .post_json(
                "/api/chat/complete",
                json!({"conversation_id": conv, "content": "x"}),
            )
            .await,
        other.get(&format!("/api/messages/{reply}/events")).await,
        other
            .post_empty(&format!("/api/messages/{reply}/stop"))
            .await,
        other
            .post_empty(&format!("/api/messages/{reply}/regenerate"))
            .await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{}", res.url());
    }
    let list = json_of(other.get("/api/conversations").await, StatusCode::OK).await;
    assert_eq!(list["items"], json!([]));
    assert_eq!(
        thread(&s.user, conv).await["messages"][0]["content"],
        "mine"
    );
    assert_eq!(
        server.client().get("/api/conversations").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn threads_list_newest_first_with_a_cursor_and_can_be_edited() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let c = json_of(
            s.user
                .post_json("/api/conversations", json!({"title": format!("t{i}")}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    let p1 = json_of(
        s.user.get("/api/conversations?limit=2").await,
        StatusCode::OK,
    )
    .await;
    let got: Vec<i64> = p1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, [ids[4], ids[3]]);
    let cursor = p1["next_cursor"].as_str().unwrap().to_string();
    let p2 = json_of(
        s.user
            .get(&format!("/api/conversations?limit=10&before={cursor}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let got: Vec<i64> = p2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, [ids[2], ids[1], ids[0]]);
    assert_eq!(p2["next_cursor"], Value::Null);
    assert_eq!(
        s.user.get("/api/conversations?limit=0").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        s.user.get("/api/conversations?before=junk").await.status(),
        StatusCode::BAD_REQUEST
    );

    let c = json_of(
        s.user
            .put_json(
                &format!("/api/conversations/{}", ids[0]),
                json!({"title": "Renamed", "pinned": true, "temperature": 1.2}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["title"], "Renamed");
    assert_eq!(c["pinned"], true);
    assert_eq!(
        s.user
            .delete(&format!("/api/conversations/{}", ids[0]))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.user
            .get(&format!("/api/conversations/{}", ids[0]))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let _ = s.anthropic;
}

#[tokio::test]
async fn a_restart_marks_half_written_replies_interrupted() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let m = add_model(&s.admin, s.openai, "chunks-1-0").await;
    let conv = new_thread(&s.user, Some(m)).await;
    send(
        &s.user,
        json!({"conversation_id": conv, "content": "hello"}),
    )
    .await
    .all()
    .await;
    let dir = server.data_dir.clone();
    let keep = server.stop().await;
    // What a crash leaves: a reply still marked streaming, half written.
    {
        use diesel::prelude::*;
        let mut c = crate::common::db_in(&dir);
        diesel::sql_query(format!(
            "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) \
             VALUES ({conv}, 'assistant', 'half a rep', 'streaming', 1, 1)"
        ))
        .execute(&mut c)
        .unwrap();
    }
    let server = TestServer::start_in(&dir).await;
    let user = server.client();
    json_of(user.login("user", "user password").await, StatusCode::OK).await;
    let t = thread(&user, conv).await;
    let msgs = t["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[1]["status"], "complete", "finished turns intact");
    assert_eq!(msgs[2]["status"], "interrupted");
    assert_eq!(msgs[2]["content"], "half a rep");
    drop(keep);
}
