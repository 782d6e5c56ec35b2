//! Organising threads (folders, tags, pin, archive) and prompt templates,
//! over REST and as plain-form pages.

use crate::common;

use common::{json_of, location, Api, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn thread(user: &Api, title: &str) -> i64 {
    json_of(
        user.post_json("/api/conversations", json!({ "title": title }))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn titles(user: &Api, query: &str) -> Vec<String> {
    let page = json_of(
        user.get(&format!("/api/conversations{query}")).await,
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn folders_hold_threads_and_deleting_one_moves_them_out() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let work = json_of(
        user.post_json("/api/folders", json!({"name": " Work "}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let fid = work["id"].as_i64().unwrap();
    assert_eq!(work["name"], "Work");
    // Names are one line, at most 60 characters, unique per user.
    for body in [
        json!({"name": ""}),
        json!({"name": "x".repeat(61)}),
        json!({"name": "a\nb"}),
        json!({"name": "Work"}),
    ] {
        let res = user.post_json("/api/folders", body).await;
        assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], "name");
    }
    // Another user may use the same name.
    json_of(
        admin
            .post_json("/api/folders", json!({"name": "Work"}))
            .await,
        StatusCode::CREATED,
    )
    .await;

    let a = thread(&user, "Quarterly plan").await;
    let b = thread(&user, "Holiday").await;
    let moved = json_of(
        user.put_json(
            &format!("/api/conversations/{a}"),
            json!({"folder_id": fid}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["folder_id"], fid);
    assert_eq!(
        titles(&user, &format!("?folder={fid}")).await,
        ["Quarterly plan"]
    );
    assert_eq!(titles(&user, "?folder=none").await, ["Holiday"]);
    assert_eq!(titles(&user, "").await.len(), 2, "no filter: every folder");
    let listed = json_of(user.get("/api/folders").await, StatusCode::OK).await;
    assert_eq!(listed[0]["threads"], 1);

    // Someone else's folder: not a folder for this user, 404 on its routes.
    let theirs = json_of(admin.get("/api/folders").await, StatusCode::OK).await[0]["id"]
        .as_i64()
        .unwrap();
    let res = user
        .put_json(
            &format!("/api/conversations/{b}"),
            json!({"folder_id": theirs}),
        )
        .await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "folder_id"
    );
    for res in [
        admin
            .put_json(&format!("/api/folders/{fid}"), json!({"name": "Mine"}))
            .await,
        admin.delete(&format!("/api/folders/{fid}")).await,
        admin
            .put_json(
                &format!("/api/conversations/{a}"),
                json!({"folder_id": null}),
            )
            .await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    let renamed = json_of(
        user.put_json(&format!("/api/folders/{fid}"), json!({"name": "Job"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "Job");
    assert_eq!(renamed["threads"], 1);
    // Deleting the folder keeps its thread, now outside any folder.
    assert_eq!(
        user.delete(&format!("/api/folders/{fid}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let kept = json_of(
        user.get(&format!("/api/conversations/{a}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept["folder_id"], Value::Null);
    assert_eq!(titles(&user, "?folder=none").await.len(), 2);
    // `null` moves a thread out explicitly.
    let f2 = json_of(
        user.post_json("/api/folders", json!({"name": "Later"}))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    user.put_json(&format!("/api/conversations/{b}"), json!({"folder_id": f2}))
        .await;
    let out = json_of(
        user.put_json(
            &format!("/api/conversations/{b}"),
            json!({"folder_id": null}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(out["folder_id"], Value::Null);
    server.stop().await;
}

#[tokio::test]
async fn tags_filter_archive_hides_and_pins_lead_every_page() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let a = thread(&user, "Rust notes").await;
    let b = thread(&user, "Bread recipe").await;
    let tagged = json_of(
        user.put_json(
            &format!("/api/conversations/{a}"),
            json!({"tags": ["Work", " #rust ", "work", ""]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        tagged["tags"],
        json!(["rust", "work"]),
        "trimmed, lowercased, once each"
    );
    user.put_json(
        &format!("/api/conversations/{b}"),
        json!({"tags": ["home"]}),
    )
    .await;
    assert_eq!(titles(&user, "?tag=work").await, ["Rust notes"]);
    assert_eq!(titles(&user, "?tag=WORK").await, ["Rust notes"]);
    assert_eq!(titles(&user, "?tag=none-such").await, Vec::<String>::new());
    assert_eq!(
        json_of(user.get("/api/tags").await, StatusCode::OK).await,
        json!([["home", 1], ["rust", 1], ["work", 1]])
    );
    assert_eq!(
        json_of(admin.get("/api/tags").await, StatusCode::OK).await,
        json!([])
    );
    for tags in [
        json!(["x".repeat(41)]),
        json!(["a,b"]),
        json!((0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()),
    ] {
        let res = user
            .put_json(&format!("/api/conversations/{a}"), json!({ "tags": tags }))
            .await;
        assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], "tags");
    }
    let kept = json_of(
        user.get(&format!("/api/conversations/{a}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        kept["tags"],
        json!(["rust", "work"]),
        "a refused change kept them"
    );

    // Archived: gone from the list, listed with archived=true, still found
    // by search, back after restoring.
    user.put_json(
        &format!("/api/conversations/{b}"),
        json!({"archived": true}),
    )
    .await;
    assert_eq!(titles(&user, "").await, ["Rust notes"]);
    assert_eq!(titles(&user, "?archived=true").await, ["Bread recipe"]);
    let found = json_of(user.get("/api/search?q=bread").await, StatusCode::OK).await;
    assert_eq!(found["items"][0]["conversation_id"], b);
    user.put_json(
        &format!("/api/conversations/{b}"),
        json!({"archived": false}),
    )
    .await;
    assert_eq!(titles(&user, "").await.len(), 2);

    // Pinned threads lead, across pages too; organising does not reorder.
    let mut ids = vec![a, b];
    for i in 0..5 {
        ids.push(thread(&user, &format!("T{i}")).await);
    }
    user.put_json(&format!("/api/conversations/{a}"), json!({"pinned": true}))
        .await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/conversations?limit=2&before={c}"),
            None => "/api/conversations?limit=2".to_string(),
        };
        let page = json_of(user.get(&q).await, StatusCode::OK).await;
        for t in page["items"].as_array().unwrap() {
            seen.push(t["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mut newest_first: Vec<i64> = ids.iter().rev().copied().filter(|i| *i != a).collect();
    newest_first.insert(0, a);
    assert_eq!(seen, newest_first, "pinned first, then newest, each once");
    let res = user.get("/api/conversations?before=12.3").await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "before"
    );
    server.stop().await;
}

#[tokio::test]
async fn prompts_crud_limits_and_ownership() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let p = json_of(
        user.post_json(
            "/api/prompts",
            json!({"title": "Summarise", "body": "Summarise this in three bullets:\n"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    for (body, field) in [
        (json!({"body": "no title"}), "title"),
        (json!({"title": "x".repeat(101), "body": "b"}), "title"),
        (json!({"title": "Empty"}), "body"),
        (
            json!({"title": "Big", "body": "x".repeat(20 * 1024 + 1)}),
            "body",
        ),
    ] {
        let res = user.post_json("/api/prompts", body).await;
        assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], field);
    }
    let changed = json_of(
        user.put_json(&format!("/api/prompts/{id}"), json!({"title": "Bullets"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["body"], "Summarise this in three bullets:\n");
    for res in [
        admin.get(&format!("/api/prompts/{id}")).await,
        admin
            .put_json(&format!("/api/prompts/{id}"), json!({"title": "Mine"}))
            .await,
        admin.delete(&format!("/api/prompts/{id}")).await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(
        json_of(admin.get("/api/prompts").await, StatusCode::OK).await,
        json!([])
    );

    // The page's plain forms: add, see it, a bad save comes back with the
    // error and what was typed, delete.
    let res = user
        .post_form(
            "/fn/prompts/manage",
            &[
                ("action", "create"),
                ("title", "<b>Translate</b>"),
                ("body", "Translate to French:"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/prompts");
    let page = user.get("/prompts").await.text().await.unwrap();
    assert!(page.contains("&lt;b&gt;Translate&lt;/b&gt;"), "escaped");
    assert!(page.contains("Bullets"));
    user.post_form(
        "/fn/prompts/manage",
        &[
            ("action", "save"),
            ("id", &id.to_string()),
            ("title", "Bullets"),
            ("body", "  "),
        ],
    )
    .await;
    let page = user.get("/prompts").await.text().await.unwrap();
    assert!(page.contains("body must not be empty."), "{page}");
    user.post_form(
        "/fn/prompts/manage",
        &[("action", "delete"), ("id", &id.to_string())],
    )
    .await;
    let list = json_of(user.get("/api/prompts").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "<b>Translate</b>");
    server.stop().await;
}

#[tokio::test]
async fn the_organising_pages_work_without_javascript() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let a = thread(&user, "Garden").await;
    let res = user
        .post_form(
            "/fn/organise/folder",
            &[("action", "create"), ("name", "Home & garden")],
        )
        .await;
    let to = location(&res);
    let fid: i64 = to.trim_start_matches("/threads?folder=").parse().unwrap();
    // The chat page's menu offers the folder; moving the thread files it.
    let chat = user.get(&format!("/c/{a}")).await.text().await.unwrap();
    assert!(chat.contains("Home &amp; garden"));
    let id = a.to_string();
    let f = fid.to_string();
    for fields in [
        vec![
            ("id", id.as_str()),
            ("action", "move"),
            ("folder_id", f.as_str()),
        ],
        vec![
            ("id", id.as_str()),
            ("action", "tags"),
            ("tags", "plants, Spring"),
        ],
    ] {
        let res = user.post_form("/fn/chat/thread", &fields).await;
        assert_eq!(location(&res), format!("/c/{a}"));
    }
    let folder_page = user.get(&to).await.text().await.unwrap();
    assert!(folder_page.contains("Folder: Home &amp; garden"));
    assert!(folder_page.contains(&format!(r#"href="/c/{a}#latest""#)));
    assert!(folder_page.contains("#plants"));
    // A filed thread leaves the sidebar's main list; the folder is there.
    let home = user.get("/notes").await.text().await.unwrap();
    assert!(home.contains(&format!(r#"href="/threads?folder={fid}""#)));
    let tag_page = user.get("/threads?tag=spring").await.text().await.unwrap();
    assert!(tag_page.contains(&format!(r#"href="/c/{a}#latest""#)));
    // Archive: out of the folder's default list, in the archived one.
    user.post_form("/fn/chat/thread", &[("id", &id), ("action", "archive")])
        .await;
    let archived = user.get("/threads?archived=1").await.text().await.unwrap();
    assert!(archived.contains(&format!(r#"href="/c/{a}#latest""#)));
    let all = user.get("/threads").await.text().await.unwrap();
    assert!(!all.contains(&format!(r#"href="/c/{a}#latest""#)));
    user.post_form("/fn/chat/thread", &[("id", &id), ("action", "restore")])
        .await;
    // A bad folder name comes back as an error; others' folders are 404.
    user.post_form(
        "/fn/organise/folder",
        &[("action", "rename"), ("id", &f), ("name", "")],
    )
    .await;
    let page = user.get(&to).await.text().await.unwrap();
    assert!(page.contains("name must not be empty."));
    assert_eq!(admin.get(&to).await.status(), StatusCode::NOT_FOUND);
    // Deleting the folder from its page keeps the thread.
    let res = user
        .post_form("/fn/organise/folder", &[("action", "delete"), ("id", &f)])
        .await;
    assert_eq!(location(&res), "/threads");
    let kept = json_of(
        user.get(&format!("/api/conversations/{a}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept["folder_id"], Value::Null);
    assert_eq!(kept["tags"], json!(["plants", "spring"]));
    server.stop().await;
}
