//! A thread is a tree: regenerate and edit add a version beside the old
//! one, nothing is deleted, "‹ 2/3 ›" switches, and everything that reads a
//! thread (the page's API, the model's history, search, share, export)
//! follows the branch it shows.

use crate::common;

use backrooms::model::chat::{CompleteReply, MessageView, ThreadView};
use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, read, Api, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn complete(api: &Api, thread: i64, content: &str) -> CompleteReply {
    read(
        api.post_json(
            "/api/chat/complete",
            json!({"conversation_id": thread, "content": content}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// Regenerate or edit: runs the new reply to its end, answers its id.
async fn streamed(res: reqwest::Response) -> i64 {
    assert_eq!(res.status(), StatusCode::OK);
    let events = SseReader::new(res).all().await;
    assert!(
        events.iter().any(|e| e.data["status"] == "complete"),
        "{:?}",
        events.last().map(|e| &e.data)
    );
    events[0].data["assistant_message_id"].as_i64().unwrap()
}

async fn shown(api: &Api, thread: i64) -> Vec<MessageView> {
    read::<ThreadView>(
        api.get(&format!("/api/conversations/{thread}")).await,
        StatusCode::OK,
    )
    .await
    .messages
}

/// A user, the fake provider with model `sdk`, and a thread on it.
async fn thread_with(server: &TestServer, sdk: &str) -> (Api, FakeProvider, i64) {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let p = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let m = add_model(&admin, p, sdk).await;
    let thread = json_of(
        user.post_json(
            "/api/conversations",
            json!({"model_id": m, "title": "Versions"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    (user, fake, thread)
}

fn texts(ms: &[MessageView]) -> Vec<(i64, String)> {
    ms.iter().map(|m| (m.id, m.content.clone())).collect()
}

#[tokio::test]
async fn regenerate_and_edit_add_versions_and_nothing_is_lost() {
    let server = TestServer::start().await;
    let (user, fake, thread) = thread_with(&server, "chunks-3-0").await;
    let first = complete(&user, thread, "first question").await;
    let second = complete(&user, thread, "second question").await;
    let (q1, a1) = (first.user_message.id, first.assistant_message.id);
    let (q2, a2) = (second.user_message.id, second.assistant_message.id);

    // Regenerate the EARLIER reply: a new version, the later turn kept.
    let a1b = streamed(
        user.post_empty(&format!("/api/messages/{a1}/regenerate"))
            .await,
    )
    .await;
    let history = fake.last_request()["messages"].clone();
    assert_eq!(
        history.as_array().unwrap().len(),
        1,
        "the new version answers the first question only: {history}"
    );
    let now = shown(&user, thread).await;
    assert_eq!(
        now.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![q1, a1b],
        "the thread shows the new branch"
    );
    assert_eq!(now[1].versions, vec![a1, a1b], "‹ 2/2 ›");
    assert_eq!(now[1].parent_id, Some(q1));
    assert!(now[0].versions.is_empty(), "the question has one version");

    // Every version is still there, the hidden ones marked.
    let all = read::<ThreadView>(
        user.get(&format!("/api/conversations/{thread}?branches=all"))
            .await,
        StatusCode::OK,
    )
    .await
    .messages;
    let hidden: Vec<i64> = all.iter().filter(|m| m.hidden).map(|m| m.id).collect();
    assert_eq!(all.len(), 5, "{:?}", texts(&all));
    assert_eq!(hidden, vec![a1, q2, a2]);
    let bad = json_of(
        user.get(&format!("/api/conversations/{thread}?branches=some"))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad["field"], "branches", "{bad}");

    // ‹ back to the first version: its continuation comes back with it.
    let back: ThreadView = read(
        user.post_empty(&format!("/api/messages/{a1}/select")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        back.messages.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![q1, a1, q2, a2]
    );
    assert_eq!(back.messages[1].versions, vec![a1, a1b]);
    assert_eq!(shown(&user, thread).await, back.messages, "it stays chosen");

    // A hidden version cannot be regenerated or edited until it is shown.
    let refused = json_of(
        user.post_empty(&format!("/api/messages/{a1b}/regenerate"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        refused["error"].as_str().unwrap().contains("switch to it"),
        "{refused}"
    );

    // Edit & resend the second question: a sibling of it, with its reply.
    let a2b = streamed(
        user.post_json(
            &format!("/api/messages/{q2}/edit"),
            json!({"content": "the second, better"}),
        )
        .await,
    )
    .await;
    let history = fake.last_request()["messages"].clone();
    let said: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(said.first(), Some(&"first question"));
    assert_eq!(said.last(), Some(&"the second, better"));
    assert_eq!(
        said.len(),
        3,
        "the old second question is not in the history"
    );
    let now = shown(&user, thread).await;
    assert_eq!(now.len(), 4);
    assert_eq!(now[2].content, "the second, better");
    assert_eq!(now[2].versions.len(), 2);
    assert_eq!(now[2].versions[0], q2);
    assert_eq!(now[3].id, a2b);
    assert_eq!(now[1].id, a1, "the branch above the edit is kept");

    // Nothing was deleted: 7 messages in all.
    let all = read::<ThreadView>(
        user.get(&format!("/api/conversations/{thread}?branches=all"))
            .await,
        StatusCode::OK,
    )
    .await
    .messages;
    assert_eq!(all.len(), 7, "{:?}", texts(&all));

    // Someone else's message answers 404, and changes nothing.
    let stranger = server.client();
    stranger.register("stranger", "stranger password").await;
    let res = stranger
        .post_empty(&format!("/api/messages/{a1b}/select"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(shown(&user, thread).await, now);
}

#[tokio::test]
async fn search_share_and_export_follow_the_shown_branch_and_the_archive_keeps_every_version() {
    let server = TestServer::start().await;
    let (user, _fake, thread) = thread_with(&server, "chunks-2-0").await;
    let sent = complete(&user, thread, "about zebras").await;
    streamed(
        user.post_json(
            &format!("/api/messages/{}/edit", sent.user_message.id),
            json!({"content": "about giraffes"}),
        )
        .await,
    )
    .await;

    // Search finds the shown version only.
    let hits = |q: &'static str| {
        let user = &user;
        async move {
            let v: Value = json_of(
                user.get(&format!("/api/search?q={q}")).await,
                StatusCode::OK,
            )
            .await;
            v["items"]
                .as_array()
                .map(|a| a.iter().filter(|h| h["message_id"].is_i64()).count())
                .unwrap_or_else(|| panic!("{v}"))
        }
    };
    assert_eq!(hits("giraffes").await, 1);
    assert_eq!(hits("zebras").await, 0, "a hidden version is not a hit");

    // The thread's own export and its shared page show the shown branch.
    let md = user
        .get(&format!("/api/conversations/{thread}/export?format=md"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        md.contains("about giraffes") && !md.contains("zebras"),
        "{md}"
    );
    let share: Value = json_of(
        user.post_empty(&format!("/api/conversations/{thread}/share"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = share["token"].as_str().unwrap_or_else(|| panic!("{share}"));
    let page = server
        .client()
        .get(&format!("/s/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("about giraffes") && !page.contains("zebras"));

    // The account archive carries every version; an import restores them.
    let archive: Value = json_of(user.get("/api/export").await, StatusCode::OK).await;
    let other = server.client();
    other.register("other", "other password").await;
    json_of(
        other.post_json("/api/import", archive).await,
        StatusCode::CREATED,
    )
    .await;
    let list: Value = json_of(other.get("/api/conversations").await, StatusCode::OK).await;
    let copy = list["items"][0]["id"].as_i64().unwrap();
    let all = read::<ThreadView>(
        other
            .get(&format!("/api/conversations/{copy}?branches=all"))
            .await,
        StatusCode::OK,
    )
    .await
    .messages;
    let shown_now = shown(&other, copy).await;
    assert_eq!(all.len(), 4, "{:?}", texts(&all));
    assert_eq!(
        shown_now
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>(),
        vec!["about giraffes", "w0 w1 "]
    );
    assert_eq!(shown_now[0].versions.len(), 2, "‹ 2/2 › after the import");
}
