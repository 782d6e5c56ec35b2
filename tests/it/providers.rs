//! Providers and models over real HTTP: validation, admin-only writes,
//! encrypted keys, the one global default, test connection and import
//! against a fake provider.

use crate::common;

use common::fake_provider::{FakeProvider, GOOD_KEY};
use common::{json_of, Api, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn add_provider(admin: &Api, body: Value) -> Value {
    json_of(
        admin.post_json("/api/config/providers", body).await,
        StatusCode::CREATED,
    )
    .await
}

async fn add_model(admin: &Api, provider_id: i64, sdk: &str) -> Value {
    json_of(
        admin
            .post_json(
                "/api/config/models",
                json!({"provider_id": provider_id, "model_sdk_id": sdk}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await
}

fn openai(base: &str, key: &str) -> Value {
    json!({"name": "OpenAI", "provider_sdk_id": "openai", "api_format": "openai",
           "base_url": base, "api_key": key, "image_url": "/logos/openai.svg"})
}

#[tokio::test]
async fn provider_crud_validation_and_admin_only() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let secret = "sk-test-very-secret-abcd";

    let p = add_provider(&admin, openai("https://api.openai.com/v1/", secret)).await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["has_api_key"], true);
    assert_eq!(p["api_key_last4"], "abcd");
    assert_eq!(p["base_url"], "https://api.openai.com/v1");
    assert_eq!(p["api_format"], "openai");
    assert!(p.get("api_key").is_none());

    // Duplicates: name (any case) and slug.
    let dup = admin
        .post_json(
            "/api/config/providers",
            json!({"name": "openai", "provider_sdk_id": "other", "api_format": "openai"}),
        )
        .await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let dup = admin
        .post_json(
            "/api/config/providers",
            json!({"name": "Other", "provider_sdk_id": "openai", "api_format": "openai"}),
        )
        .await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);

    // Bad input names the field.
    for (body, field) in [
        (
            json!({"name": " ", "provider_sdk_id": "x", "api_format": "openai"}),
            "name",
        ),
        (
            json!({"name": "x".repeat(65), "provider_sdk_id": "x", "api_format": "openai"}),
            "name",
        ),
        (
            json!({"name": "X", "provider_sdk_id": "Bad Slug", "api_format": "openai"}),
            "provider_sdk_id",
        ),
        (
            json!({"name": "X", "provider_sdk_id": "x", "api_format": "gemini"}),
            "api_format",
        ),
        (
            json!({"name": "X", "provider_sdk_id": "x", "api_format": "openai", "base_url": "ftp://x"}),
            "base_url",
        ),
        (
            json!({"name": "X", "provider_sdk_id": "x", "api_format": "openai", "base_url": format!("https://x.com/{}", "a".repeat(2100))}),
            "base_url",
        ),
        (
            json!({"name": "X", "provider_sdk_id": "x", "api_format": "openai", "api_key": "two words"}),
            "api_key",
        ),
        (
            json!({"name": "X", "provider_sdk_id": "x", "api_format": "openai", "image_url": "javascript:alert(1)"}),
            "image_url",
        ),
    ] {
        let err = json_of(
            admin.post_json("/api/config/providers", body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(err["field"], field, "{err}");
    }

    // Update: omitting the key keeps it, "" clears it.
    let upd = json_of(
        admin
            .put_json(
                &format!("/api/config/providers/{id}"),
                json!({"name": "OpenAI Prod"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(upd["name"], "OpenAI Prod");
    assert_eq!(upd["has_api_key"], true);
    let upd = json_of(
        admin
            .put_json(
                &format!("/api/config/providers/{id}"),
                json!({"api_key": ""}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(upd["has_api_key"], false);
    assert_eq!(upd["api_key_last4"], Value::Null);

    let list = json_of(admin.get("/api/config/providers").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        admin.get("/api/config/providers/999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/api/config/providers/abc").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .put_json("/api/config/providers/999", json!({"name": "x"}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A plain user can do none of it; a signed-out visitor is 401.
    for res in [
        user.get("/api/config/providers").await,
        user.get(&format!("/api/config/providers/{id}")).await,
        user.post_json("/api/config/providers", openai("https://x.com", "k"))
            .await,
        user.put_json(&format!("/api/config/providers/{id}"), json!({"name": "x"}))
            .await,
        user.delete(&format!("/api/config/providers/{id}")).await,
        user.post_empty(&format!("/api/config/providers/{id}/test"))
            .await,
        user.post_json(
            "/api/config/models",
            json!({"provider_id": id, "model_sdk_id": "m"}),
        )
        .await,
    ] {
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{}", res.url());
    }
    assert_eq!(
        server.client().get("/api/config/providers").await.status(),
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(
        admin
            .delete(&format!("/api/config/providers/{id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin
            .get(&format!("/api/config/providers/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn api_keys_are_encrypted_at_rest_and_never_returned() {
    let server = TestServer::start().await;
    let (admin, _) = server.admin_and_user().await;
    let secret = "sk-plaintext-must-not-leak-9876";
    let p = add_provider(&admin, openai("https://api.openai.com/v1", secret)).await;
    let id = p["id"].as_i64().unwrap();
    let mut bodies = vec![p.to_string()];
    for path in [
        "/api/config/providers".to_string(),
        format!("/api/config/providers/{id}"),
        "/api/model-registry".to_string(),
    ] {
        bodies.push(admin.get(&path).await.text().await.unwrap());
    }
    for body in &bodies {
        assert!(!body.contains(secret), "key leaked: {body}");
    }
    assert!(
        !server.stores(secret),
        "the key is in the database in plaintext"
    );
}

#[tokio::test]
async fn a_changed_secret_key_fails_decryption_clearly() {
    let server = TestServer::start_with(
        tempfile::tempdir().unwrap().keep().as_path(),
        &[("BACKROOMS_SECRET_KEY", &"11".repeat(32))],
    )
    .await;
    let (admin, _) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let p = add_provider(&admin, openai(&fake.openai_base(), GOOD_KEY)).await;
    let id = p["id"].as_i64().unwrap();
    let dir = server.data_dir.clone();
    server.stop().await;

    let server = TestServer::start_with(&dir, &[("BACKROOMS_SECRET_KEY", &"22".repeat(32))]).await;
    let admin2 = server.client();
    assert_eq!(
        admin2.login("admin", "admin password").await.status(),
        StatusCode::OK
    );
    let view = json_of(
        admin2.get(&format!("/api/config/providers/{id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["has_api_key"], true);
    assert!(view["api_key_error"]
        .as_str()
        .unwrap()
        .contains("cannot be decrypted"));
    let test = json_of(
        admin2
            .post_empty(&format!("/api/config/providers/{id}/test"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(test["error"]
        .as_str()
        .unwrap()
        .contains("Enter the key again"));
    // Re-entering the key heals it.
    json_of(
        admin2
            .put_json(
                &format!("/api/config/providers/{id}"),
                json!({"api_key": GOOD_KEY}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let test = json_of(
        admin2
            .post_empty(&format!("/api/config/providers/{id}/test"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(test["ok"], true);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn models_and_exactly_one_global_default() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let p = add_provider(&admin, openai("https://api.openai.com/v1", "sk-x-1234")).await;
    let pid = p["id"].as_i64().unwrap();

    let a = add_model(&admin, pid, "gpt-a").await;
    assert_eq!(a["model_sdk_id"], "openai:gpt-a");
    assert_eq!(a["name"], "gpt-a");
    assert_eq!(a["is_enabled"], true);
    let b = add_model(&admin, pid, "openai:gpt-b").await;
    assert_eq!(b["model_sdk_id"], "openai:gpt-b");
    let c = add_model(&admin, pid, "gpt-c").await;
    let dup = admin
        .post_json(
            "/api/config/models",
            json!({"provider_id": pid, "model_sdk_id": "openai:gpt-a"}),
        )
        .await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let bad = json_of(
        admin
            .post_json(
                "/api/config/models",
                json!({"provider_id": 999, "model_sdk_id": "x"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad["field"], "provider_id");
    let bad = json_of(
        admin
            .post_json(
                "/api/config/models",
                json!({"provider_id": pid, "model_sdk_id": "has space"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad["field"], "model_sdk_id");

    let listed = json_of(
        admin
            .get(&format!("/api/config/models/provider/{pid}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(
        admin.get("/api/config/models/provider/999").await.status(),
        StatusCode::NOT_FOUND
    );

    let (ida, idb, idc) = (
        a["id"].as_i64().unwrap(),
        b["id"].as_i64().unwrap(),
        c["id"].as_i64().unwrap(),
    );

    // The first model added became the default (there was none).
    let reg = json_of(user.get("/api/model-registry").await, StatusCode::OK).await;
    assert_eq!(reg["default_model_id"], ida);
    assert_eq!(reg["providers"][0]["models"].as_array().unwrap().len(), 3);

    // Many concurrent set-default calls: exactly one default remains.
    let mut calls = Vec::new();
    for i in 0..24 {
        let id = [ida, idb, idc][i % 3];
        let http = admin.http.clone();
        let url = admin.url(&format!("/api/config/models/{id}/set-default"));
        calls.push(tokio::spawn(async move {
            http.post(url).send().await.unwrap().status()
        }));
    }
    for call in calls {
        assert_eq!(call.await.unwrap(), StatusCode::OK);
    }
    let listed = json_of(
        admin
            .get(&format!("/api/config/models/provider/{pid}"))
            .await,
        StatusCode::OK,
    )
    .await;
    let defaults = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["is_default"] == true)
        .count();
    assert_eq!(defaults, 1);

    // The database itself refuses a second default.
    {
        use diesel::prelude::*;
        let mut conn = server.db();
        let res = diesel::sql_query("UPDATE provider_models SET is_default = 1").execute(&mut conn);
        assert!(
            res.is_err(),
            "a second default must violate the partial unique index"
        );
    }

    let def = json_of(
        admin
            .post_empty(&format!("/api/config/models/{idb}/set-default"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(def["is_default"], true);
    let reg = json_of(user.get("/api/model-registry").await, StatusCode::OK).await;
    assert_eq!(reg["default_model_id"], idb);
    let m = &reg["providers"][0]["models"];
    assert_eq!(
        m.as_array()
            .unwrap()
            .iter()
            .filter(|m| m["is_default"] == true)
            .count(),
        1
    );
    assert_eq!(reg["providers"][0]["provider_sdk_id"], "openai");
    assert_eq!(reg["providers"][0]["image_url"], "/logos/openai.svg");

    // Disabling the default leaves no default (never a silent pick), and
    // disabled models leave the registry.
    let off = json_of(
        admin
            .put_json(
                &format!("/api/config/models/{idb}"),
                json!({"is_enabled": false}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(off["is_default"], false);
    let reg = json_of(user.get("/api/model-registry").await, StatusCode::OK).await;
    assert_eq!(reg["default_model_id"], Value::Null);
    assert_eq!(reg["providers"][0]["models"].as_array().unwrap().len(), 2);
    assert_eq!(
        admin
            .post_empty(&format!("/api/config/models/{idb}/set-default"))
            .await
            .status(),
        StatusCode::CONFLICT,
        "a disabled model cannot become the default"
    );

    // Deleting the default also leaves none.
    json_of(
        admin
            .post_empty(&format!("/api/config/models/{ida}/set-default"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        admin
            .delete(&format!("/api/config/models/{ida}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin
            .get(&format!("/api/config/models/{ida}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let reg = json_of(user.get("/api/model-registry").await, StatusCode::OK).await;
    assert_eq!(reg["default_model_id"], Value::Null);

    // Renaming a model and its id.
    let renamed = json_of(
        admin
            .put_json(
                &format!("/api/config/models/{idc}"),
                json!({"name": "GPT C", "model_sdk_id": "gpt-c2"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "GPT C");
    assert_eq!(renamed["model_sdk_id"], "openai:gpt-c2");

    // Changing the provider's slug keeps model ids in step.
    json_of(
        admin
            .put_json(
                &format!("/api/config/providers/{pid}"),
                json!({"provider_sdk_id": "oai"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let m = json_of(
        admin.get(&format!("/api/config/models/{idc}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(m["model_sdk_id"], "oai:gpt-c2");

    // A provider with models is only deleted with cascade.
    let refused = admin.delete(&format!("/api/config/providers/{pid}")).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        admin
            .delete(&format!("/api/config/providers/{pid}?cascade=true"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin
            .get(&format!("/api/config/models/{idc}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let reg = json_of(user.get("/api/model-registry").await, StatusCode::OK).await;
    assert_eq!(reg["providers"], json!([]));
}

#[tokio::test]
async fn test_connection_and_import_against_a_fake_provider() {
    let server = TestServer::start().await;
    let (admin, _) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;

    let good = add_provider(&admin, openai(&fake.openai_base(), GOOD_KEY)).await;
    let gid = good["id"].as_i64().unwrap();
    let t = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{gid}/test"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["ok"], true);
    assert!(t["latency_ms"].as_u64().is_some());
    assert_eq!(
        t["models"],
        json!(["gpt-fake-mini", "gpt-fake-large", "gpt-fake-vision"])
    );

    let wrong_key = "sk-wrong-key-5555";
    let bad = add_provider(
        &admin,
        json!({"name": "Bad", "provider_sdk_id": "bad", "api_format": "openai",
               "base_url": fake.openai_base(), "api_key": wrong_key}),
    )
    .await;
    let t = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{}/test", bad["id"]))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["ok"], false);
    let err = t["error"].as_str().unwrap();
    assert!(
        err.contains("401") && err.contains("Incorrect API key provided"),
        "{err}"
    );
    assert!(!err.contains(wrong_key), "the key is redacted: {err}");

    let slow = add_provider(
        &admin,
        json!({"name": "Slow", "provider_sdk_id": "slow", "api_format": "openai", "base_url": fake.slow_base()}),
    )
    .await;
    let t = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{}/test", slow["id"]))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["ok"], false);
    assert!(
        t["error"]
            .as_str()
            .unwrap()
            .contains("no answer within 1 s"),
        "{t}"
    );

    let refused = add_provider(
        &admin,
        json!({"name": "Down", "provider_sdk_id": "down", "api_format": "openai", "base_url": "http://127.0.0.1:9/v1"}),
    )
    .await;
    let t = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{}/test", refused["id"]))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["ok"], false);
    assert!(
        t["error"].as_str().unwrap().contains("cannot connect"),
        "{t}"
    );

    let claude = add_provider(
        &admin,
        json!({"name": "Anthropic", "provider_sdk_id": "anthropic", "api_format": "anthropic",
               "base_url": fake.anthropic_base(), "api_key": GOOD_KEY}),
    )
    .await;
    let cid = claude["id"].as_i64().unwrap();
    let t = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{cid}/test"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(t["models"], json!(["claude-fake-sonnet"]));

    // Import two picked models, then again: nothing new.
    let picked = json!({"models": ["gpt-fake-mini", "gpt-fake-large"]});
    let r = json_of(
        admin
            .post_json(
                &format!("/api/config/providers/{gid}/import-models"),
                picked.clone(),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = r["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model_sdk_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["openai:gpt-fake-mini", "openai:gpt-fake-large"]);
    let r = json_of(
        admin
            .post_json(
                &format!("/api/config/providers/{gid}/import-models"),
                picked,
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["imported"], json!([]));
    assert_eq!(r["skipped"], json!(["gpt-fake-mini", "gpt-fake-large"]));
    let unknown = json_of(
        admin
            .post_json(
                &format!("/api/config/providers/{gid}/import-models"),
                json!({"models": ["nope"]}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(unknown["field"], "models");
    // No body: everything not there yet.
    let r = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{gid}/import-models"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["imported"].as_array().unwrap().len(), 1);
    // Display names come from the provider when it has them.
    let r = json_of(
        admin
            .post_empty(&format!("/api/config/providers/{cid}/import-models"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["imported"][0]["name"], "Claude Fake Sonnet");
    // A failing provider is a 502 with its message.
    let r = json_of(
        admin
            .post_empty(&format!(
                "/api/config/providers/{}/import-models",
                bad["id"]
            ))
            .await,
        StatusCode::BAD_GATEWAY,
    )
    .await;
    assert!(r["error"].as_str().unwrap().contains("401"));
}
