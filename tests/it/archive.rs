//! Whole-account export and import: an export imported into an empty
//! account exports again as the same document; importing never changes what
//! an account has; a bad or oversized file imports nothing at all.

use crate::common;

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, location, Api, TestServer};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn post(api: &Api, path: &str, body: Value) -> Value {
    json_of(api.post_json(path, body).await, StatusCode::CREATED).await
}

async fn export(api: &Api) -> Value {
    let res = api.get("/api/export").await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("attachment") && disposition.contains(".json"),
        "{disposition}"
    );
    res.json().await.unwrap()
}

async fn import(api: &Api, body: &Value) -> reqwest::Response {
    api.http
        .post(api.url("/api/import"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// Everything but the moment of the export.
fn content(mut archive: Value) -> Value {
    archive.as_object_mut().unwrap().remove("exported_at");
    archive
}

/// How many of each thing the account has, through its own API.
async fn counts(api: &Api) -> Vec<usize> {
    let a = export(api).await;
    [
        "folders",
        "agents",
        "threads",
        "notes",
        "prompts",
        "backrooms",
        "images",
    ]
    .iter()
    .map(|k| a[k].as_array().unwrap().len())
    .collect()
}

/// A user with one of everything: a folder, an agent with an image, chats
/// with real replies (tagged, pinned, archived), a finished backroom, a
/// note and a prompt.
async fn fill(server: &TestServer) -> (Api, Api, FakeProvider) {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let model = add_model(&admin, provider, "fake-model").await;
    let folder = post(&user, "/api/folders", json!({"name": "Work"})).await["id"].clone();
    let agent = post(
        &user,
        "/api/agents",
        json!({"name": "Ada", "system_prompt": "You are Ada.", "model_id": model}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let res = user
        .http
        .post(user.url(&format!("/api/agents/{agent}/avatar")))
        .multipart(Form::new().part("avatar", Part::bytes(PNG.to_vec()).file_name("a.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let chat = post(
        &user,
        "/api/conversations",
        json!({"title": "With Ada", "agent_id": agent}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for text in ["Hello", "Show me code:\n```rust\nfn main() {}\n```"] {
        let res = user
            .post_json(
                "/api/chat/complete",
                json!({"conversation_id": chat, "content": text}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    user.put_json(
        &format!("/api/conversations/{chat}"),
        json!({"folder_id": folder, "tags": ["ideas", "work"], "pinned": true}),
    )
    .await;
    let old = post(
        &user,
        "/api/conversations",
        json!({"title": "Old stuff", "model_id": model}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    user.put_json(
        &format!("/api/conversations/{old}"),
        json!({"archived": true}),
    )
    .await;
    post(
        &user,
        "/api/notes",
        json!({"title": "Plan", "body": "# Steps\n1. one"}),
    )
    .await;
    post(
        &user,
        "/api/prompts",
        json!({"title": "Summarise", "body": "Summarise:"}),
    )
    .await;

    let bob = post(
        &user,
        "/api/agents",
        json!({"name": "Bob", "model_id": model}),
    )
    .await["id"]
        .clone();
    let room = post(
        &user,
        "/api/backrooms",
        json!({"title": "Ada and Bob", "scenario": "Talk.", "participants": [agent, bob],
               "turn_order": "round_robin", "max_turns": 3,
               "guards": {"loop_overlap": 55, "seat_token_cap": 5000}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    common::run_to_end(&user, room).await;
    // Something of the admin's, which the user's export must not carry.
    post(
        &admin,
        "/api/notes",
        json!({"title": "Admin secret", "body": "x"}),
    )
    .await;
    (admin, user, fake)
}

#[tokio::test]
async fn an_export_imported_into_an_empty_account_exports_the_same() {
    let server = TestServer::start().await;
    let (_admin, user, _fake) = fill(&server).await;
    let original = export(&user).await;
    assert_eq!(original["format"], "backrooms-account");
    let text = original.to_string();
    assert!(!text.contains("Admin secret"), "only the caller's data");
    assert!(
        !text.contains("api_key") && !text.contains("sk-"),
        "no provider secrets"
    );
    let thread = &original["threads"].as_array().unwrap()[0];
    assert_eq!(thread["tags"], json!(["ideas", "work"]));
    assert_eq!(thread["folder"], 0);
    assert!(thread["messages"][1]["completion_tokens"].as_i64().unwrap() > 0);
    assert!(thread["messages"][2]["content"]
        .as_str()
        .unwrap()
        .contains("```rust"));
    let room = &original["backrooms"][0];
    assert_eq!(room["state"], "finished");
    assert_eq!(room["turns"].as_array().unwrap().len(), 3);
    assert_eq!(
        room["guards"],
        json!({"loop_overlap": 55, "seat_token_cap": 5000, "cost_cap_usd": null})
    );
    assert_eq!(original["images"].as_array().unwrap().len(), 1);

    // A new account without its starter agents, then the import.
    let fresh = server.client();
    let res = fresh.register("carol", "carol-password-1").await;
    assert!(res.status().is_success(), "{}", res.status());
    let starters = json_of(fresh.get("/api/agents").await, StatusCode::OK).await;
    for a in starters.as_array().unwrap() {
        fresh.delete(&format!("/api/agents/{}", a["id"])).await;
    }
    let summary = json_of(import(&fresh, &original).await, StatusCode::CREATED).await;
    assert_eq!(summary["threads"], 2);
    assert_eq!(summary["agents"], 7, "5 starters, Ada and Bob");
    assert_eq!(summary["backrooms"], 1);
    assert_eq!(summary["notes"], 1);
    assert_eq!(summary["prompts"], 1);
    assert_eq!(summary["images"], 1);
    assert_eq!(summary["unknown_models"], json!([]));
    let again = export(&fresh).await;
    assert_eq!(content(again), content(original.clone()), "round trip");

    // Ids were remapped: the imported thread is a new one, and the
    // original account is untouched.
    let mine = json_of(
        user.get("/api/conversations?folder=&archived=false").await,
        StatusCode::OK,
    )
    .await;
    let theirs = json_of(fresh.get("/api/conversations").await, StatusCode::OK).await;
    assert_ne!(mine["items"][0]["id"], theirs["items"][0]["id"]);
    assert_eq!(content(export(&user).await), content(original));
    server.stop().await;
}

#[tokio::test]
async fn importing_adds_without_overwriting_and_bad_files_import_nothing() {
    let server = TestServer::start().await;
    let (_admin, user, _fake) = fill(&server).await;
    let original = export(&user).await;
    let before = counts(&user).await;

    // Into the same account: everything twice, the folder renamed.
    let summary = json_of(import(&user, &original).await, StatusCode::CREATED).await;
    assert_eq!(summary["renamed_folders"], 1);
    let after = counts(&user).await;
    let images = before[6];
    let doubled: Vec<usize> = before.iter().map(|n| n * 2).collect();
    assert_eq!(after[..6], doubled[..6]);
    assert_eq!(after[6], images * 2);
    let folders = json_of(user.get("/api/folders").await, StatusCode::OK).await;
    let names: Vec<&str> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Work", "Work (2)"]);
    let now = export(&user).await;

    // Each bad archive is refused with what is wrong, and nothing changes.
    let mut late_error = original.clone();
    let last = late_error["backrooms"][0]["turns"]
        .as_array()
        .unwrap()
        .len()
        - 1;
    late_error["backrooms"][0]["turns"][last]["role"] = json!("robot");
    let mut bad_ref = original.clone();
    bad_ref["threads"][1]["folder"] = json!(7);
    let mut bad_image = original.clone();
    bad_image["images"][0]["data"] = json!("PHN2Zz48L3N2Zz4=");
    let mut unknown_field = original.clone();
    unknown_field["threads"][0]["owner"] = json!(1);
    let mut wrong_format = original.clone();
    wrong_format["format"] = json!("something-else");
    for (archive, field) in [
        (late_error, "backrooms[0].turns"),
        (bad_ref, "threads[1].folder"),
        (bad_image, "images[0]"),
        (unknown_field, "file"),
        (wrong_format, "format"),
    ] {
        let res = import(&user, &archive).await;
        let body: Value = res.json().await.unwrap();
        assert!(
            body["field"].as_str().unwrap_or("").starts_with(field),
            "{field}: {body}"
        );
    }
    let res = user
        .http
        .post(user.url("/api/import"))
        .header("content-type", "application/json")
        .body("{\"format\": \"backrooms-account\", \"version\": 1, ")
        .send()
        .await
        .unwrap();
    let body = json_of(res, StatusCode::BAD_REQUEST).await;
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("not a Backrooms account export"));
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(201 * 1024 * 1024));
    let res = user
        .http
        .post(user.url("/api/import"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        content(export(&user).await),
        content(now),
        "nothing partially imported"
    );
    assert_eq!(
        server.client().get("/api/export").await.status(),
        StatusCode::UNAUTHORIZED
    );
    server.stop().await;
}

#[tokio::test]
async fn the_profile_page_exports_and_imports_with_plain_forms() {
    let server = TestServer::start().await;
    let (_admin, user, _fake) = fill(&server).await;
    let page = user.get("/profile").await.text().await.unwrap();
    assert!(page.contains(r#"href="/api/export""#));
    let file = export(&user).await.to_string().into_bytes();
    let form =
        |bytes: Vec<u8>| Form::new().part("file", Part::bytes(bytes).file_name("export.json"));
    let res = user
        .http
        .post(user.url("/account/import"))
        .multipart(form(file))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/profile");
    let page = user.get("/profile").await.text().await.unwrap();
    assert!(page.contains("Imported 2 thread(s)"), "{page}");
    let res = user
        .http
        .post(user.url("/account/import"))
        .multipart(form(b"not json".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/profile");
    let page = user.get("/profile").await.text().await.unwrap();
    assert!(page.contains("Nothing was imported."), "{page}");
    server.stop().await;
}
