//! A long thread: its page shows the latest 50 messages and loads older
//! pages as the reader scrolls up; the API pages a thread's messages too.

use crate::common;

use backrooms::model::archive::{Archive, Message, Thread, FORMAT, VERSION};
use backrooms::model::chat::{MessagePage, ThreadView};
use common::{json_of, read, Api, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

/// Message `i` of the imported thread says this.
fn line(i: usize) -> String {
    format!("Line {i:04} of the long thread")
}

/// Imports a thread of `n` messages (user and assistant in turn) into the
/// account; answers its id.
async fn long_thread(api: &Api, n: usize) -> i64 {
    let messages = (0..n)
        .map(|i| Message {
            role: if i % 2 == 0 { "user" } else { "assistant" }.into(),
            content: line(i),
            status: "complete".into(),
            model_sdk_id: None,
            prompt_tokens: None,
            completion_tokens: None,
            ttft_ms: None,
            total_ms: None,
            finish_reason: None,
            error: None,
            created_at: 1_700_000_000 + i as i64,
            updated_at: 1_700_000_000 + i as i64,
            seat: None,
            speaker: None,
            kind: "message".into(),
            parent: None,
            hidden: false,
            files: vec![],
            sources: vec![],
        })
        .collect();
    let archive = Archive {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: 1_700_000_000,
        images: vec![],
        folders: vec![],
        agents: vec![],
        files: vec![],
        threads: vec![Thread {
            title: "The long one".into(),
            model: None,
            temperature: None,
            max_tokens: None,
            pinned: false,
            archived: false,
            folder: None,
            agent: None,
            tags: vec![],
            created_at: 1_700_000_000,
            updated_at: 1_700_000_000,
            messages,
        }],
        notes: vec![],
        prompts: vec![],
        backrooms: vec![],
    };
    json_of(
        api.post_json("/api/import", serde_json::to_value(archive).unwrap())
            .await,
        StatusCode::CREATED,
    )
    .await;
    let list: Value = json_of(api.get("/api/conversations").await, StatusCode::OK).await;
    list["items"][0]["id"].as_i64().unwrap()
}

/// The island's call for the page before message `before`.
async fn older(api: &Api, thread: i64, before: i64) -> reqwest::Response {
    api.http
        .post(api.url("/fn/chat/older"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!("thread_id={thread}&before={before}"))
        .send()
        .await
        .unwrap()
}

fn contents(view: &[backrooms::model::chat::MessageView]) -> Vec<String> {
    view.iter().map(|m| m.content.clone()).collect()
}

async fn page(api: &Api, query: &str, thread: i64) -> ThreadView {
    read(
        api.get(&format!("/api/conversations/{thread}{query}"))
            .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn the_api_pages_a_threads_messages_back_to_the_first() {
    let server = TestServer::start().await;
    let (_, user) = server.admin_and_user().await;
    let thread = long_thread(&user, 130).await;

    // Without a limit: every message, as before.
    let all = page(&user, "", thread).await;
    assert_eq!(
        contents(&all.messages),
        (0..130).map(line).collect::<Vec<_>>()
    );
    assert_eq!(all.older, None);

    // Pages of 50 from the end, then back with `before`, meet the whole
    // thread exactly once, in order.
    let mut seen = Vec::new();
    let mut query = "?limit=50".to_string();
    let mut pages = 0;
    loop {
        let p = page(&user, &query, thread).await;
        pages += 1;
        assert!(p.messages.len() <= 50);
        let mut older = contents(&p.messages);
        older.append(&mut seen);
        seen = older;
        match p.older {
            Some(before) => {
                assert_eq!(before, p.messages[0].id, "older names the oldest shown");
                query = format!("?limit=50&before={before}");
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (0..130).map(line).collect::<Vec<_>>());

    // `before` alone reads a page of the default size.
    let last = all.messages[129].id;
    let p = page(&user, &format!("?before={last}"), thread).await;
    assert_eq!(
        contents(&p.messages),
        (79..129).map(line).collect::<Vec<_>>()
    );

    // Bad limits name the field; another user's thread stays missing.
    for bad in ["0", "501", "abc", "-3"] {
        let body = json_of(
            user.get(&format!("/api/conversations/{thread}?limit={bad}"))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(body["field"], "limit", "{bad}: {body}");
    }
    let stranger = server.client();
    stranger.register("stranger", "stranger password").await;
    json_of(
        stranger
            .get(&format!("/api/conversations/{thread}?limit=50"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn the_thread_page_shows_the_latest_fifty_and_links_to_older_ones() {
    let server = TestServer::start().await;
    let (_, user) = server.admin_and_user().await;
    let thread = long_thread(&user, 130).await;
    let all = page(&user, "", thread).await;
    let oldest_shown = all.messages[80].id;

    let html = user
        .get(&format!("/c/{thread}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&line(129)) && html.contains(&line(80)));
    assert!(
        !html.contains(&line(79)),
        "only the latest 50 are on the page"
    );
    let older_link = format!("/c/{thread}?before={oldest_shown}");
    assert!(html.contains(&older_link), "{html}");

    // Without JavaScript the link is the page before, with a way back.
    let html = user.get(&older_link).await.text().await.unwrap();
    assert!(html.contains(&line(79)) && html.contains(&line(30)));
    assert!(!html.contains(&line(29)) && !html.contains(&line(80)));
    assert!(html.contains("Back to the latest"));
    assert!(html.contains(&format!("/c/{thread}?before={}", all.messages[30].id)));

    // A search hit opens the page around it: up to 25 before, 25 after.
    let at = |i: usize| format!("/c/{thread}?at={}", all.messages[i].id);
    let html = user.get(&at(10)).await.text().await.unwrap();
    assert!(html.contains(&line(0)) && html.contains(&line(10)) && html.contains(&line(35)));
    assert!(!html.contains(&line(36)) && html.contains("Back to the latest"));
    let html = user.get(&at(120)).await.text().await.unwrap();
    assert!(html.contains(&line(96)) && html.contains(&line(129)) && !html.contains(&line(95)));
    assert!(
        !html.contains("Back to the latest"),
        "nothing newer is missing"
    );
    assert!(html.contains(&format!("/c/{thread}?before={}", all.messages[96].id)));

    // With it, the island asks for the page before the oldest it shows.
    let res = older(&user, thread, all.messages[30].id).await;
    let p: MessagePage = read(res, StatusCode::OK).await;
    assert_eq!(contents(&p.messages), (0..30).map(line).collect::<Vec<_>>());
    assert_eq!(p.older, None);
    assert!(
        p.messages[1]
            .html
            .as_deref()
            .is_some_and(|h| h.contains("<p>")),
        "replies come rendered"
    );

    // Nobody else reads them.
    let stranger = server.client();
    stranger.register("stranger", "stranger password").await;
    let res = older(&stranger, thread, all.messages[30].id).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
