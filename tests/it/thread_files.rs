//! A thread as a file (Markdown, JSON) and as a read-only link: who can get
//! them, what they hold, and a revoked link answering 404.

use crate::common;

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, location, Api, TestServer};
use reqwest::StatusCode;
use serde_json::json;

/// The opening tag of the thread menu on a page.
fn menu_tag(page: &str) -> String {
    page.split("<details")
        .find(|t| t.contains("thread-menu"))
        .and_then(|t| t.split('>').next())
        .unwrap_or_default()
        .to_string()
}

async fn thread_with_reply(server: &TestServer) -> (Api, Api, i64, FakeProvider) {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let p = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let m = add_model(&admin, p, "xss").await;
    let c = json_of(
        user.post_json(
            "/api/conversations",
            json!({"model_id": m, "title": "Code & more"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    json_of(
        user.post_json(
            "/api/chat/complete",
            json!({"conversation_id": c, "content": "Show me:\n\n```rust\nfn main() {}\n```"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    (admin, user, c, fake)
}

#[tokio::test]
async fn a_thread_exports_as_markdown_and_json() {
    let server = TestServer::start().await;
    let (admin, user, c, _fake) = thread_with_reply(&server).await;
    let res = user
        .get(&format!("/api/conversations/{c}/export?format=md"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"code-more.md\""
    );
    let md = res.text().await.unwrap();
    assert!(md.starts_with("# Code & more\n"), "{md}");
    assert!(md.contains("Model: fo:xss"), "{md}");
    assert!(md.contains("Date: 20"), "{md}");
    assert!(
        md.contains("## You\n\nShow me:\n\n```rust\nfn main() {}\n```"),
        "code blocks intact: {md}"
    );
    assert!(
        md.contains("## Assistant\n\n<script>alert('x')</script>"),
        "{md}"
    );

    let json = json_of(
        user.get(&format!("/api/conversations/{c}/export?format=json"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(json["title"], "Code & more");
    assert_eq!(json["messages"][1]["status"], "complete");
    assert_eq!(json["messages"][1]["prompt_tokens"], 11);
    assert_eq!(json["messages"][1]["completion_tokens"], 3);

    let res = user
        .get(&format!("/api/conversations/{c}/export?format=pdf"))
        .await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "format"
    );
    assert_eq!(
        admin
            .get(&format!("/api/conversations/{c}/export?format=md"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn a_share_link_shows_the_thread_to_anyone_until_revoked() {
    let server = TestServer::start().await;
    let (admin, user, c, _fake) = thread_with_reply(&server).await;
    // Only the owner can share.
    assert_eq!(
        admin
            .post_empty(&format!("/api/conversations/{c}/share"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let link = json_of(
        user.post_empty(&format!("/api/conversations/{c}/share"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let url = link["url"].as_str().unwrap().to_string();
    assert_eq!(link["token"].as_str().unwrap().len(), 64);
    assert_eq!(link["link"], server.url(&url).as_str());
    // Sharing again gives the same link.
    let again = json_of(
        user.post_empty(&format!("/api/conversations/{c}/share"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(again["url"], url.as_str());
    let view = json_of(
        user.get(&format!("/api/conversations/{c}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["share_token"], link["token"]);

    // A stranger, signed out, reads it; nothing else of the owner's shows.
    let stranger = server.client();
    let page = stranger.get(&url).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Code &amp; more"));
    assert!(html.contains("fn main() {}"));
    assert!(
        html.contains("&lt;script&gt;"),
        "replies are rendered safely"
    );
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("fo:xss"), "no model or provider details");
    assert!(!html.contains("thread-list"), "no sidebar");
    assert!(!html.contains("user password"));
    // Other pages still need an account.
    assert_eq!(
        location(&stranger.get(&format!("/c/{c}")).await),
        format!("/login?next=/c/{c}")
    );
    // Guessing does not work.
    let wrong = stranger.get(&format!("/s/{}", "0".repeat(64))).await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

    // Revoked: the link answers 404.
    assert_eq!(
        admin
            .delete(&format!("/api/conversations/{c}/share"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        user.delete(&format!("/api/conversations/{c}/share"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(stranger.get(&url).await.status(), StatusCode::NOT_FOUND);

    // The thread menu's forms do the same without JavaScript.
    let res = user
        .post_form(
            "/fn/chat/thread",
            &[("id", &c.to_string()), ("action", "share")],
        )
        .await;
    // It opens the menu on the link, in full, with a Copy button and a
    // sentence saying who can read it.
    assert_eq!(location(&res), format!("/c/{c}#share"));
    let page = user.get(&format!("/c/{c}")).await.text().await.unwrap();
    let view = json_of(
        user.get(&format!("/api/conversations/{c}")).await,
        StatusCode::OK,
    )
    .await;
    let token = view["share_token"].as_str().unwrap().to_string();
    let full = server.url(&format!("/s/{token}"));
    assert_eq!(view["share_link"], full.as_str());
    assert!(page.contains(&format!(r#"value="{full}""#)), "{page}");
    assert!(page.contains("Link ready: anyone who has it can read this thread"));
    assert!(menu_tag(&page).contains("open"), "{}", menu_tag(&page));
    assert!(page.contains("Copy the link"));
    // The next visit shows the link without the notice, the menu closed.
    let page = user.get(&format!("/c/{c}")).await.text().await.unwrap();
    assert!(page.contains(&full) && !page.contains("Link ready"));
    assert!(!menu_tag(&page).contains("open"));
    assert_eq!(
        stranger.get(&format!("/s/{token}")).await.status(),
        StatusCode::OK
    );
    user.post_form(
        "/fn/chat/thread",
        &[("id", &c.to_string()), ("action", "unshare")],
    )
    .await;
    assert_eq!(
        stranger.get(&format!("/s/{token}")).await.status(),
        StatusCode::NOT_FOUND
    );
    // Deleting the thread ends its link too.
    let link = json_of(
        user.post_empty(&format!("/api/conversations/{c}/share"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let url = link["url"].as_str().unwrap().to_string();
    assert_eq!(stranger.get(&url).await.status(), StatusCode::OK);
    user.delete(&format!("/api/conversations/{c}")).await;
    assert_eq!(stranger.get(&url).await.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}
