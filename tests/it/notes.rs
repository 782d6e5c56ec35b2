//! Notes over REST and as pages: CRUD, limits, ownership, the plain-form
//! editor.

use crate::common;

use backrooms::model::note::NoteView;
use common::{json_of, location, read, TestServer};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn notes_crud_limits_and_ownership() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let n: NoteView = read(
        user.post_json(
            "/api/notes",
            json!({"title": " Groceries ", "body": "- eggs\n- milk"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = n.id;
    assert_eq!(n.title, "Groceries");
    let empty: NoteView = read(
        user.post_json("/api/notes", json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(empty.body, "");

    let changed: NoteView = read(
        user.put_json(&format!("/api/notes/{id}"), json!({"body": "- eggs"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed.title, "Groceries", "absent fields stay");
    assert_eq!(changed.body, "- eggs");
    let list: Vec<NoteView> = read(user.get("/api/notes").await, StatusCode::OK).await;
    assert_eq!(list.len(), 2);

    for (body, field) in [
        (json!({"title": "x".repeat(201)}), "title"),
        (json!({"title": "two\nlines"}), "title"),
        (json!({"body": "x".repeat(100 * 1024 + 1)}), "body"),
    ] {
        let res = user.put_json(&format!("/api/notes/{id}"), body).await;
        assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], field);
    }
    let res = user.post_json("/api/notes", json!({"text": "typo"})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let kept: NoteView = read(user.get(&format!("/api/notes/{id}")).await, StatusCode::OK).await;
    assert_eq!(kept.body, "- eggs", "a refused update changed nothing");

    // Someone else's note does not exist for them.
    for res in [
        admin.get(&format!("/api/notes/{id}")).await,
        admin
            .put_json(&format!("/api/notes/{id}"), json!({"body": "mine"}))
            .await,
        admin.delete(&format!("/api/notes/{id}")).await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let theirs: Vec<NoteView> = read(admin.get("/api/notes").await, StatusCode::OK).await;
    assert!(theirs.is_empty());
    assert_eq!(
        server.client().get("/api/notes").await.status(),
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(
        user.delete(&format!("/api/notes/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        user.get(&format!("/api/notes/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn the_note_pages_work_without_javascript() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let res = user.post_form("/fn/notes/new", &[]).await;
    let to = location(&res);
    assert!(to.starts_with("/notes/"), "{to}");
    let id: i64 = to.trim_start_matches("/notes/").parse().unwrap();
    let res = user
        .post_form(
            "/fn/notes/save",
            &[
                ("id", &id.to_string()),
                ("title", "<i>Plan</i>"),
                ("body", "# Step one\n\nthen two"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/notes/{id}"));
    let page = user.get(&to).await.text().await.unwrap();
    assert!(page.contains("Saved."));
    assert!(page.contains("&lt;i&gt;Plan&lt;/i&gt;"), "escaped");
    assert!(page.contains("# Step one"));
    // The sidebar lists it on every page.
    let home = user.get("/agents").await.text().await.unwrap();
    assert!(home.contains(&format!(r#"href="/notes/{id}""#)));
    // Not for anyone else.
    assert_eq!(admin.get(&to).await.status(), StatusCode::NOT_FOUND);
    admin
        .post_form("/fn/notes/delete", &[("id", &id.to_string())])
        .await;
    let still: NoteView = read(user.get(&format!("/api/notes/{id}")).await, StatusCode::OK).await;
    assert_eq!(still.title, "<i>Plan</i>");
    user.post_form("/fn/notes/delete", &[("id", &id.to_string())])
        .await;
    assert_eq!(
        user.get(&format!("/api/notes/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}
