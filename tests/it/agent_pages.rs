//! The Agents pages without JavaScript: the grid, the editor's plain form
//! (errors come back naming the field), the avatar upload form, escaping,
//! and other people's agents staying invisible.

use crate::common;

use common::{json_of, location, Api, TestServer};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn agents(api: &Api) -> Vec<Value> {
    json_of(api.get("/api/agents").await, StatusCode::OK)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_editor_form_creates_and_saves_agents() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;

    let grid = user.get("/agents").await.text().await.unwrap();
    for name in [
        "Assistant",
        "Senior Programmer",
        "Socratic Tutor",
        "Philosopher",
        "Poet",
    ] {
        assert!(grid.contains(name), "{name} missing");
    }
    let editor = user.get("/agents/new?template=tutor").await;
    assert_eq!(editor.status(), StatusCode::OK);
    let html = editor.text().await.unwrap();
    assert!(
        html.contains("You are a patient Socratic tutor."),
        "template prefilled"
    );
    assert!(html.contains(r#"action="/fn/agents/save""#));
    assert!(!html.contains(r#"name="shared""#), "only admins may share");

    let res = user
        .post_form(
            "/fn/agents/save",
            &[
                ("name", "<b>Bold</b> agent"),
                ("description", "Script test"),
                ("avatar", "🦉"),
                ("avatar_custom", ""),
                ("color", "#112233"),
                ("system_prompt", "Be kind."),
                ("model_id", ""),
                ("temperature", "0.5"),
                ("max_tokens", "0"),
                ("talkativeness", "0.25"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(location(&res).starts_with("/agents#agent-"));
    let made = agents(&user).await;
    let a = made
        .iter()
        .find(|a| a["description"] == "Script test")
        .unwrap();
    assert_eq!(a["avatar"], "🦉");
    assert_eq!(
        a["max_tokens"],
        Value::Null,
        "0 means the model's own limit"
    );
    assert_eq!(a["talkativeness"], 0.25);
    let page = user.get("/agents").await.text().await.unwrap();
    assert!(
        page.contains("Saved &lt;b&gt;Bold&lt;/b&gt; agent."),
        "flash notice, escaped"
    );
    assert!(!page.contains("<b>Bold</b>"), "names are escaped");

    // Saving an existing one; a typed emoji wins over the picked one.
    let id = a["id"].as_i64().unwrap();
    let res = user
        .post_form(
            "/fn/agents/save",
            &[
                ("id", &id.to_string()),
                ("name", "Renamed"),
                ("avatar", "🦉"),
                ("avatar_custom", "🐸"),
                ("color", "#112233"),
                ("system_prompt", "Be brief."),
                ("temperature", "1.5"),
                ("max_tokens", "512"),
                ("talkativeness", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let a = json_of(user.get(&format!("/api/agents/{id}")).await, StatusCode::OK).await;
    assert_eq!(a["name"], "Renamed");
    assert_eq!(a["avatar"], "🐸");
    assert_eq!(a["max_tokens"], 512);
    assert_eq!(a["system_prompt"], "Be brief.");

    // A bad value comes back to the editor, naming the field, input kept.
    let res = user
        .post_form(
            "/fn/agents/save",
            &[
                ("id", &id.to_string()),
                ("name", "Still renamed"),
                ("color", "not a colour"),
                ("system_prompt", "Kept prompt"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/agents/{id}"));
    let html = user.get(&location(&res)).await.text().await.unwrap();
    assert!(
        html.contains("color must be a colour like #6366f1."),
        "{html}"
    );
    assert!(html.contains("Still renamed") && html.contains("Kept prompt"));
    let unchanged = json_of(user.get(&format!("/api/agents/{id}")).await, StatusCode::OK).await;
    assert_eq!(unchanged["name"], "Renamed");

    // Duplicate and delete from the cards.
    let res = user
        .post_form(
            "/fn/agents/manage",
            &[("id", &id.to_string()), ("action", "duplicate")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(agents(&user)
        .await
        .iter()
        .any(|a| a["name"] == "Renamed (copy)"));
    user.post_form(
        "/fn/agents/manage",
        &[("id", &id.to_string()), ("action", "delete")],
    )
    .await;
    assert_eq!(
        user.get(&format!("/api/agents/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn others_agents_stay_private_on_the_pages() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let mine = json_of(
        user.post_json(
            "/api/agents",
            json!({"name": "Private one", "system_prompt": "hidden words"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = mine["id"].as_i64().unwrap();
    let page = admin.get(&format!("/agents/{id}")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(!page.text().await.unwrap().contains("hidden words"));
    let grid = admin.get("/agents").await.text().await.unwrap();
    assert!(!grid.contains("Private one"));
    let chat = admin
        .get(&format!("/?new=1&agent={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!chat.contains("Private one"));

    // Someone else's form posts change nothing.
    admin
        .post_form(
            "/fn/agents/save",
            &[("id", &id.to_string()), ("name", "Hijacked")],
        )
        .await;
    admin
        .post_form(
            "/fn/agents/manage",
            &[("id", &id.to_string()), ("action", "delete")],
        )
        .await;
    let still = json_of(user.get(&format!("/api/agents/{id}")).await, StatusCode::OK).await;
    assert_eq!(still["name"], "Private one");
    server.stop().await;
}

#[tokio::test]
async fn the_upload_form_sets_the_avatar_or_explains_why_not() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let a = json_of(
        user.post_json("/api/agents", json!({"name": "Face"})).await,
        StatusCode::CREATED,
    )
    .await;
    let id = a["id"].as_i64().unwrap();
    let post = |bytes: Vec<u8>| {
        let part = Part::bytes(bytes).file_name("face.png");
        user.http
            .post(user.url(&format!("/agents/{id}/avatar")))
            .header("origin", user.base.clone())
            .multipart(Form::new().part("avatar", part))
            .send()
    };
    let res = post(b"GIF89a\x01\x00\x01\x00".to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/agents/{id}"));
    let html = user
        .get(&format!("/agents/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("New avatar saved."));
    let now = json_of(user.get(&format!("/api/agents/{id}")).await, StatusCode::OK).await;
    let url = now["avatar"].as_str().unwrap().to_string();
    assert!(
        html.contains(&format!(r#"value="{url}" checked"#)),
        "the image is the picked avatar"
    );
    assert_eq!(user.get(&url).await.headers()["content-type"], "image/gif");

    let res = post(b"just text".to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = user
        .get(&format!("/agents/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("The avatar must be a PNG, JPEG, WebP or GIF image."));
    let after = json_of(user.get(&format!("/api/agents/{id}")).await, StatusCode::OK).await;
    assert_eq!(
        after["avatar"],
        url.as_str(),
        "a refused upload changes nothing"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_new_agent_can_start_from_an_uploaded_picture() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let page = user.get("/agents/new").await.text().await.unwrap();
    assert!(page.contains(r#"action="/agents/new/avatar""#), "{page}");
    let post = |bytes: Vec<u8>| {
        let part = Part::bytes(bytes).file_name("face.gif");
        user.http
            .post(user.url("/agents/new/avatar"))
            .header("origin", user.base.clone())
            .multipart(Form::new().part("avatar", part))
            .send()
    };
    let count = || async {
        json_of(user.get("/api/agents").await, StatusCode::OK)
            .await
            .as_array()
            .map(|a| a.len())
            .unwrap_or_default()
    };
    // A file that is no image: nothing is made, the page says why.
    let before = count().await;
    let res = post(b"just text".to_vec()).await.unwrap();
    assert_eq!(location(&res), "/agents/new");
    let html = user.get("/agents/new").await.text().await.unwrap();
    assert!(html.contains("The avatar must be a PNG, JPEG, WebP or GIF image."));
    assert_eq!(count().await, before);

    // A picture: the agent exists with it, and its editor opens to name it.
    let res = post(b"GIF89a\x01\x00\x01\x00".to_vec()).await.unwrap();
    let to = location(&res);
    let id: i64 = to.trim_start_matches("/agents/").parse().unwrap();
    let made = json_of(user.get(&format!("/api/agents/{id}")).await, StatusCode::OK).await;
    assert_eq!(made["name"], "New agent");
    let avatar = made["avatar"].as_str().unwrap().to_string();
    assert!(avatar.starts_with("/avatars/"), "{made}");
    let html = user.get(&to).await.text().await.unwrap();
    assert!(html.contains("Picture saved. Now name your agent and save it."));
    assert!(html.contains(&format!(r#"value="{avatar}" checked"#)));
    assert_eq!(count().await, before + 1);
}
