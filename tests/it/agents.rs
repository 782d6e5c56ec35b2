//! Agents over REST: CRUD, shared vs private, ownership, avatar uploads,
//! templates and starters, and an agent's prompt and settings reaching the
//! provider (asserted on what the fake provider received).

use crate::common;

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, Api, TestServer};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn create(api: &Api, body: Value) -> Value {
    json_of(
        api.post_json("/api/agents", body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn upload(api: &Api, id: i64, name: &str, mime: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str(mime)
        .unwrap();
    api.http
        .post(api.url(&format!("/api/agents/{id}/avatar")))
        .multipart(Form::new().part("avatar", part))
        .send()
        .await
        .unwrap()
}

async fn error_field(res: reqwest::Response, status: StatusCode) -> String {
    let body = json_of(res, status).await;
    body["field"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn new_accounts_get_starter_agents_and_templates_are_listed() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let list = json_of(user.get("/api/agents").await, StatusCode::OK).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Assistant",
            "Senior Programmer",
            "Socratic Tutor",
            "Philosopher",
            "Poet"
        ]
    );
    assert!(list[0]["system_prompt"].as_str().unwrap().len() > 50);
    assert_eq!(list[0]["model_id"], Value::Null);
    assert_eq!(list[0]["mine"], true);

    let templates = json_of(user.get("/api/agent-templates").await, StatusCode::OK).await;
    let ids: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for want in [
        "assistant",
        "programmer",
        "tutor",
        "editor",
        "cli-explorer",
        "cli-world",
        "philosopher",
        "poet",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    let anon = server.client();
    assert_eq!(
        anon.get("/api/agent-templates").await.status(),
        StatusCode::UNAUTHORIZED
    );
    server.stop().await;
}

#[tokio::test]
async fn crud_with_validation_naming_the_field() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let a = create(
        &user,
        json!({"name": "  Ada ", "description": "Counts things", "avatar": "🧮",
               "color": "#AABBCC", "system_prompt": "You are Ada.", "temperature": 0.4,
               "max_tokens": 300, "talkativeness": 0.8}),
    )
    .await;
    let id = a["id"].as_i64().unwrap();
    assert_eq!(a["name"], "Ada");
    assert_eq!(a["color"], "#aabbcc");
    assert_eq!(a["avatar"], "🧮");
    assert_eq!(a["max_tokens"], 300);
    assert_eq!(a["shared"], false);

    // PUT changes only what it names; null model/max_tokens mean defaults.
    let b = json_of(
        user.put_json(
            &format!("/api/agents/{id}"),
            json!({"name": "Ada L.", "max_tokens": null}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(b["name"], "Ada L.");
    assert_eq!(b["system_prompt"], "You are Ada.");
    assert_eq!(b["max_tokens"], Value::Null);
    assert_eq!(b["temperature"].as_f64().unwrap() as f32, 0.4);

    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(81)}), "name"),
        (json!({"name": "ok", "color": "red"}), "color"),
        (json!({"name": "ok", "avatar": "two words"}), "avatar"),
        (json!({"name": "ok", "avatar": "/avatars/abc"}), "avatar"),
        (json!({"name": "ok", "temperature": 2.5}), "temperature"),
        (json!({"name": "ok", "talkativeness": 1.5}), "talkativeness"),
        (json!({"name": "ok", "max_tokens": 0}), "max_tokens"),
        (json!({"name": "ok", "model_id": 999}), "model_id"),
        (
            json!({"name": "ok", "system_prompt": "x".repeat(32 * 1024 + 1)}),
            "system_prompt",
        ),
        (json!({"name": "ok", "shared": true}), "shared"),
        (
            json!({"name": "ok", "description": "d".repeat(501)}),
            "description",
        ),
    ] {
        let res = user.post_json("/api/agents", body).await;
        assert_eq!(error_field(res, StatusCode::BAD_REQUEST).await, field);
    }
    // Exactly 32 KB of prompt is fine.
    create(
        &user,
        json!({"name": "Long", "system_prompt": "x".repeat(32 * 1024)}),
    )
    .await;
    let res = user.post_json("/api/agents", json!({"nmae": "typo"})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let copy = json_of(
        user.post_empty(&format!("/api/agents/{id}/duplicate"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(copy["name"], "Ada L. (copy)");
    assert_eq!(copy["system_prompt"], "You are Ada.");
    assert_ne!(copy["id"], a["id"]);

    assert_eq!(
        user.delete(&format!("/api/agents/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        user.get(&format!("/api/agents/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let list = json_of(user.get("/api/agents").await, StatusCode::OK).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == copy["id"]));
    server.stop().await;
}

#[tokio::test]
async fn private_agents_are_invisible_and_shared_ones_read_only() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let private = create(
        &user,
        json!({"name": "Mine", "system_prompt": "secret prompt"}),
    )
    .await;
    let pid = private["id"].as_i64().unwrap();
    for res in [
        admin.get(&format!("/api/agents/{pid}")).await,
        admin
            .put_json(&format!("/api/agents/{pid}"), json!({"name": "x"}))
            .await,
        admin.delete(&format!("/api/agents/{pid}")).await,
        admin
            .post_empty(&format!("/api/agents/{pid}/duplicate"))
            .await,
        upload(&admin, pid, "a.png", "image/png", PNG.to_vec()).await,
        admin
            .post_json("/api/conversations", json!({"agent_id": pid}))
            .await,
    ] {
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{status} {body}"
        );
        assert!(!body.contains("secret prompt"));
    }
    let admin_list = json_of(admin.get("/api/agents").await, StatusCode::OK).await;
    assert!(!admin_list.to_string().contains("secret prompt"));

    // An admin shares one of theirs: users see, use and duplicate it.
    let shared = create(&admin, json!({"name": "House guide", "shared": true})).await;
    let sid = shared["id"].as_i64().unwrap();
    let seen = json_of(
        user.get(&format!("/api/agents/{sid}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["mine"], false);
    assert_eq!(seen["shared"], true);
    let list = json_of(user.get("/api/agents").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().last().unwrap()["id"], sid);
    assert_eq!(
        user.put_json(&format!("/api/agents/{sid}"), json!({"name": "mine now"}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        user.delete(&format!("/api/agents/{sid}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let copy = json_of(
        user.post_empty(&format!("/api/agents/{sid}/duplicate"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(copy["mine"], true);
    assert_eq!(copy["shared"], false);
    json_of(
        user.post_json("/api/conversations", json!({"agent_id": sid}))
            .await,
        StatusCode::CREATED,
    )
    .await;

    // Unshared: gone for the user again.
    admin
        .put_json(&format!("/api/agents/{sid}"), json!({"shared": false}))
        .await;
    assert_eq!(
        user.get(&format!("/api/agents/{sid}")).await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn avatar_uploads_are_checked_by_content_and_size() {
    let server = TestServer::start().await;
    let (_admin, user) = server.admin_and_user().await;
    let a = create(&user, json!({"name": "Pic"})).await;
    let id = a["id"].as_i64().unwrap();

    let ok = json_of(
        upload(&user, id, "face.png", "image/png", PNG.to_vec()).await,
        StatusCode::OK,
    )
    .await;
    let url = ok["avatar"].as_str().unwrap().to_string();
    assert!(url.starts_with("/avatars/"), "{url}");
    let img = user.get(&url).await;
    assert_eq!(img.status(), StatusCode::OK);
    assert_eq!(img.headers()["content-type"], "image/png");
    assert!(img.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(img.bytes().await.unwrap().as_ref(), PNG);
    // Signed-out visitors do not get images.
    assert_ne!(server.client().get(&url).await.status(), StatusCode::OK);

    // A script named .png and declared image/png is refused by its bytes.
    let res = upload(
        &user,
        id,
        "evil.png",
        "image/png",
        b"<svg onload=alert(1)>".to_vec(),
    )
    .await;
    assert_eq!(error_field(res, StatusCode::BAD_REQUEST).await, "avatar");
    let mut big = PNG.to_vec();
    big.resize(512 * 1024 + 1, 0);
    let res = upload(&user, id, "big.png", "image/png", big).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let mut huge = PNG.to_vec();
    huge.resize(3 * 1024 * 1024, 0);
    let res = upload(&user, id, "huge.png", "image/png", huge).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let mut exact = PNG.to_vec();
    exact.resize(512 * 1024, 0);
    let res = upload(&user, id, "exact.png", "image/png", exact).await;
    assert_eq!(res.status(), StatusCode::OK);
    let now = json_of(res, StatusCode::OK).await["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    // The failed uploads changed nothing; the replaced image is gone.
    assert_ne!(now, url);
    assert_eq!(user.get(&url).await.status(), StatusCode::NOT_FOUND);

    // Keeping the image while renaming; an emoji replaces it.
    let kept = json_of(
        user.put_json(
            &format!("/api/agents/{id}"),
            json!({"name": "Pic 2", "avatar": now}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept["avatar"], now.as_str());
    let emoji = json_of(
        user.put_json(&format!("/api/agents/{id}"), json!({"avatar": "🐙"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(emoji["avatar"], "🐙");
    assert_eq!(user.get(&now).await.status(), StatusCode::NOT_FOUND);

    let res = user
        .http
        .post(user.url(&format!("/api/agents/{id}/avatar")))
        .json(&json!({"avatar": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    server.stop().await;
}

struct Models {
    admin: Api,
    user: Api,
    fake: FakeProvider,
    provider: i64,
    default_model: i64,
    agent_model: i64,
}

async fn models(server: &TestServer) -> Models {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let default_model = add_model(&admin, provider, "default-model").await;
    let agent_model = add_model(&admin, provider, "agent-model").await;
    admin
        .post_empty(&format!("/api/config/models/{default_model}/set-default"))
        .await;
    Models {
        admin,
        user,
        fake,
        provider,
        default_model,
        agent_model,
    }
}

async fn chat_once(api: &Api, conversation: i64, text: &str) -> Value {
    json_of(
        api.post_json(
            "/api/chat/complete",
            json!({"conversation_id": conversation, "content": text}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn the_agents_prompt_model_and_settings_reach_the_provider() {
    let server = TestServer::start().await;
    let m = models(&server).await;
    let agent = create(
        &m.user,
        json!({"name": "Pirate", "system_prompt": "Talk like a pirate.", "model_id": m.agent_model,
               "temperature": 0.3, "max_tokens": 123}),
    )
    .await;
    let conv = json_of(
        m.user
            .post_json("/api/conversations", json!({"agent_id": agent["id"]}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(conv["agent"]["name"], "Pirate");
    let cid = conv["id"].as_i64().unwrap();
    chat_once(&m.user, cid, "Ahoy?").await;
    let sent = m.fake.last_request();
    assert_eq!(sent["model"], "agent-model");
    assert_eq!(sent["messages"][0]["role"], "system");
    assert_eq!(sent["messages"][0]["content"], "Talk like a pirate.");
    assert_eq!(sent["messages"][1]["content"], "Ahoy?");
    assert!((sent["temperature"].as_f64().unwrap() - 0.3).abs() < 1e-6);
    assert_eq!(sent["max_tokens"], 123);

    // The agent is edited: the thread follows it.
    m.user
        .put_json(
            &format!("/api/agents/{}", agent["id"]),
            json!({"system_prompt": "Talk like a poet.", "model_id": null}),
        )
        .await;
    chat_once(&m.user, cid, "Again").await;
    let sent = m.fake.last_request();
    assert_eq!(sent["model"], "default-model");
    assert_eq!(sent["messages"][0]["content"], "Talk like a poet.");
    assert_eq!(sent["messages"].as_array().unwrap().len(), 4);

    let view = json_of(
        m.user.get(&format!("/api/conversations/{cid}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["agent_id"], agent["id"]);
    assert_eq!(
        view["messages"].as_array().unwrap().len(),
        4,
        "the system prompt is not stored as a message"
    );

    // Deleting the agent leaves a plain thread.
    m.user.delete(&format!("/api/agents/{}", agent["id"])).await;
    chat_once(&m.user, cid, "Still there?").await;
    let sent = m.fake.last_request();
    assert_ne!(sent["messages"][0]["role"], "system");
    let _ = (&m.admin, m.provider);
    server.stop().await;
}

#[tokio::test]
async fn an_agent_whose_model_is_deleted_falls_back_to_the_default_and_says_so() {
    let server = TestServer::start().await;
    let m = models(&server).await;
    let agent = create(&m.user, json!({"name": "Bound", "model_id": m.agent_model})).await;
    let aid = agent["id"].as_i64().unwrap();
    assert_eq!(agent["model_missing"], false);
    assert_eq!(
        m.admin
            .delete(&format!("/api/config/models/{}", m.agent_model))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let after = json_of(
        m.user.get(&format!("/api/agents/{aid}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["model_id"], Value::Null);
    assert_eq!(after["model_missing"], true);

    let conv = json_of(
        m.user
            .post_json("/api/conversations", json!({"agent_id": aid}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    chat_once(&m.user, conv["id"].as_i64().unwrap(), "hi").await;
    assert_eq!(m.fake.last_request()["model"], "default-model");

    // Picking a model again clears the notice.
    let fixed = json_of(
        m.user
            .put_json(
                &format!("/api/agents/{aid}"),
                json!({"model_id": m.default_model}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(fixed["model_missing"], false);

    // Deleting a whole provider (cascade) does the same for its models.
    let other = add_model(&m.admin, m.provider, "other-model").await;
    let b = create(&m.user, json!({"name": "B", "model_id": other})).await;
    assert_eq!(
        m.admin
            .delete(&format!(
                "/api/config/providers/{}?cascade=true",
                m.provider
            ))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let b = json_of(
        m.user.get(&format!("/api/agents/{}", b["id"])).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(b["model_missing"], true);
    server.stop().await;
}
