//! The chat pages: sending from a plain form (JavaScript off), the thread
//! page rendering replies as safe markdown, the streaming server function,
//! and other people's threads staying invisible.

use crate::common;

use backrooms::model::chat::{MessageStatus, ReplyLine};

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, location, TestServer};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

/// The thread a send redirected to: `/c/{id}#latest` (it opens at its end).
fn thread_of(to: &str) -> i64 {
    to.strip_prefix("/c/")
        .and_then(|t| t.strip_suffix("#latest"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a thread's latest message: {to}"))
}

async fn setup(server: &TestServer, sdk: &str) -> (common::Api, common::Api, FakeProvider, i64) {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fake", "openai", &fake.openai_base()).await;
    let mid = add_model(&admin, provider, sdk).await;
    admin
        .post_empty(&format!("/api/config/models/{mid}/set-default"))
        .await;
    (admin, user, fake, mid)
}

/// The composer's send as the island makes it (JSON back).
async fn send_json(user: &common::Api, content: &str) -> Value {
    let res = user
        .http
        .post(user.url("/fn/chat/send"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!("content={content}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The island's follow of reply `reply` after byte `after`, one
/// `ReplyLine` per line, read to its end.
async fn follow_lines(user: &common::Api, reply: i64, after: u64) -> Vec<ReplyLine> {
    let text = user
        .http
        .post(user.url("/fn/chat/follow"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("message_id={reply}&after={after}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn wait_complete(api: &common::Api, conv: i64) -> Value {
    for _ in 0..200 {
        let t: Value = api
            .get(&format!("/api/conversations/{conv}"))
            .await
            .json()
            .await
            .unwrap();
        if t["messages"]
            .as_array()
            .is_some_and(|m| m.len() == 2 && m[1]["status"] != "streaming")
        {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no reply");
}

#[tokio::test]
async fn a_plain_form_starts_a_thread_and_the_page_shows_safe_markdown() {
    let server = TestServer::start().await;
    let (_admin, user, _fake, mid) = setup(&server, "xss").await;

    let home = user.get("/").await.text().await.unwrap();
    assert!(home.contains(r#"action="/chat/send""#));
    assert!(home.contains(r#"enctype="multipart/form-data""#));
    assert!(
        home.contains(&format!(r#"value="{mid}" checked"#)),
        "default model preselected"
    );
    // Without JavaScript the sliders post what they show: the model's own
    // limit (0), not the range's midpoint.
    let at = home.find(r#"name="max_tokens""#).unwrap();
    assert!(
        home[at..at + 160].contains(r#"value="0""#),
        "{}",
        &home[at..at + 160]
    );

    let res = user
        .send_form(&[
            ("content", "Show me **markup**"),
            ("model_id", &mid.to_string()),
            ("temperature", "0.7"),
            ("max_tokens", "0"),
        ])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    let conv = thread_of(&to);
    let t = wait_complete(&user, conv).await;
    assert_eq!(t["messages"][0]["content"], "Show me **markup**");
    assert_eq!(t["temperature"], 0.7);
    assert_eq!(t["max_tokens"], Value::Null, "0 means the model's default");

    let page = user.get(&to).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Show me **markup**"),
        "the user's text is shown as typed"
    );
    assert!(
        html.contains("<strong>bold</strong>"),
        "replies are markdown"
    );
    assert!(
        !html.contains("<script>alert"),
        "model output cannot inject script"
    );
    assert!(!html.contains("<img src=x"), "nor markup");
    assert!(!html.contains("href=\"javascript:"), "nor script links");
    assert!(html.contains("&lt;script&gt;"));
    // The thread is in the sidebar, highlighted.
    assert!(
        html.contains(&format!(r#"href="/c/{conv}#latest" aria-current="page""#)),
        "{html}"
    );

    // Someone else gets a 404 page, not the thread.
    let stranger = server.client();
    stranger.register("stranger", "stranger password").await;
    let res = stranger.get(&to).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("Show me"));
}

#[tokio::test]
async fn the_follow_server_function_streams_framed_events_and_resumes() {
    let server = TestServer::start().await;
    let (_admin, user, _fake, _mid) = setup(&server, "chunks-6-10").await;
    let sent = send_json(&user, "hello").await;
    let reply = sent["assistant_message_id"].as_i64().unwrap();
    let conv = sent["conversation_id"].as_i64().unwrap();
    let deltas = |lines: &[ReplyLine]| -> String {
        lines
            .iter()
            .filter_map(|l| match l {
                ReplyLine::Delta(_, text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    };
    // One `ReplyLine` per line: deltas with the byte length reached, then done.
    let all = follow_lines(&user, reply, 0).await;
    let joined = deltas(&all);
    assert_eq!(joined, "w0 w1 w2 w3 w4 w5 ");
    assert_eq!(all.last(), Some(&ReplyLine::Done(MessageStatus::Complete)));
    let last_seq = all.iter().rev().find_map(|l| match l {
        ReplyLine::Delta(seq, _) => Some(*seq),
        _ => None,
    });
    assert_eq!(last_seq, Some(joined.len() as u64));

    // Resume from the middle: exactly the rest.
    let rest = follow_lines(&user, reply, 9).await;
    assert_eq!(deltas(&rest), &joined[9..]);
    wait_complete(&user, conv).await;

    // Not yours: refused.
    let stranger = server.client();
    stranger.register("s2", "stranger password").await;
    let res = stranger
        .http
        .post(stranger.url("/fn/chat/follow"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("message_id={reply}&after=0"))
        .send()
        .await
        .unwrap();
    assert!(!res.status().is_success());
}

#[tokio::test]
async fn a_reply_being_written_arrives_with_its_finished_markdown_blocks_rendered() {
    let server = TestServer::start().await;
    let (_admin, user, _fake, _mid) = setup(&server, "markdown-40").await;
    let sent = send_json(&user, "a plan please").await;
    let reply = sent["assistant_message_id"].as_i64().unwrap();
    let blocks = |lines: &[ReplyLine]| -> Vec<(u64, u64, String)> {
        lines
            .iter()
            .filter_map(|l| match l {
                ReplyLine::Block(from, to, html) => Some((*from, *to, html.clone())),
                _ => None,
            })
            .collect()
    };
    let full: String = common::fake_provider::MARKDOWN.concat();

    // Live: each block comes rendered once the next one has begun; the
    // unfinished last line stays text.
    let live = follow_lines(&user, reply, 0).await;
    let got = blocks(&live);
    assert_eq!(
        got,
        vec![
            (0, 8, "<h1>Plan</h1>\n".to_string()),
            (
                8,
                30,
                "<p>Some <strong>bold</strong> words.</p>\n".to_string()
            ),
            (
                30,
                43,
                "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n".to_string()
            ),
        ],
        "{live:?}"
    );
    // A block follows the text it renders.
    let first_block = live.iter().position(|l| matches!(l, ReplyLine::Block(..)));
    assert!(matches!(live[0], ReplyLine::Delta(..)) && first_block > Some(0));
    let text: String = live
        .iter()
        .filter_map(|l| match l {
            ReplyLine::Delta(_, t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, full);
    assert_eq!(live.last(), Some(&ReplyLine::Done(MessageStatus::Complete)));

    // A page that reconnects gets every block from the start, and only
    // the text it had not seen.
    let again = follow_lines(&user, reply, 10).await;
    let got = blocks(&again);
    assert_eq!(got.len(), 1, "{again:?}");
    assert_eq!((got[0].0, got[0].1), (0, 43));
    assert!(got[0].2.starts_with("<h1>Plan</h1>") && got[0].2.contains("<li>two</li>"));
    assert!(again.contains(&ReplyLine::Delta(full.len() as u64, full[10..].to_string())));
    // A position inside a character or past the end sends no text.
    let past = follow_lines(&user, reply, 999).await;
    assert!(
        !past.iter().any(|l| matches!(l, ReplyLine::Delta(..))),
        "{past:?}"
    );
}

#[tokio::test]
async fn thread_rename_pin_delete_edit_and_reopen() {
    let server = TestServer::start().await;
    let (_admin, user, fake, _mid) = setup(&server, "chunks-2-0").await;
    let res = user.send_form(&[("content", "first question")]).await;
    let to = location(&res);
    let conv = thread_of(&to);
    wait_complete(&user, conv).await;

    // Visiting the thread makes `/` reopen it next time; `/?new=1` does not.
    assert!(user.get(&to).await.status().is_success());
    assert_eq!(location(&user.get("/").await), to);
    assert_eq!(user.get("/?new=1").await.status(), StatusCode::OK);

    let act = |action: &'static str, title: &'static str| {
        let user = &user;
        async move {
            user.post_form(
                "/fn/chat/thread",
                &[
                    ("id", &conv.to_string()),
                    ("action", action),
                    ("title", title),
                ],
            )
            .await
        }
    };
    // The menu sits at the top: its forms come back to the thread's top.
    let top = format!("/c/{conv}");
    assert_eq!(location(&act("rename", "Renamed thread").await), top);
    assert_eq!(location(&act("pin", "").await), top);
    let t: Value = user
        .get(&format!("/api/conversations/{conv}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["title"], "Renamed thread");
    assert_eq!(t["pinned"], true);
    let page = user.get(&to).await.text().await.unwrap();
    assert!(page.contains("Unpin"));

    // Edit & resend: the message and its reply are replaced.
    let user_msg = t["messages"][0]["id"].as_i64().unwrap();
    let res = user
        .http
        .post(user.url("/fn/chat/edit"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!("message_id={user_msg}&content=second+question"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let t = wait_complete(&user, conv).await;
    let msgs = t["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["content"], "second question");
    let sent = fake.last_request();
    assert_eq!(
        sent["messages"].as_array().unwrap().len(),
        1,
        "the old turn is gone from the history"
    );

    // Someone else cannot touch it.
    let stranger = server.client();
    stranger.register("s3", "stranger password").await;
    stranger
        .post_form(
            "/fn/chat/thread",
            &[("id", &conv.to_string()), ("action", "delete")],
        )
        .await;
    assert_eq!(
        user.get(&format!("/api/conversations/{conv}"))
            .await
            .status(),
        StatusCode::OK
    );

    assert_eq!(location(&act("delete", "").await), "/?new=1");
    assert_eq!(
        user.get(&format!("/api/conversations/{conv}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The remembered thread is gone: `/` starts a new chat instead.
    assert_eq!(location(&user.get("/").await), "/?new=1");
}

#[tokio::test]
async fn first_run_the_first_model_is_the_default_and_a_refused_first_message_leaves_no_thread() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let send = |body: &'static str| {
        user.http
            .post(user.url("/fn/chat/send"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
    };
    // No model yet: a sentence and 400, and no empty thread left behind.
    let res = send("content=hello").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("no default model"));
    let list: Value = user.get("/api/conversations").await.json().await.unwrap();
    assert_eq!(list["items"], serde_json::json!([]), "{list}");

    // The first model added becomes the default; later ones do not take it.
    let fake = FakeProvider::start().await;
    let p = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let first = add_model(&admin, p, "chunks-2-0").await;
    add_model(&admin, p, "chunks-3-0").await;
    let registry: Value = user.get("/api/model-registry").await.json().await.unwrap();
    assert_eq!(registry["default_model_id"], first, "{registry}");

    // So the same first message now gets its reply.
    let res = send("content=hello").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let sent: Value = res.json().await.unwrap();
    let t = wait_complete(&user, sent["conversation_id"].as_i64().unwrap()).await;
    assert_eq!(t["messages"][1]["content"], "w0 w1 ");
}
