//! Own keys (BYOK) over real HTTP against the fake provider: off until the
//! admin allows them; only the owner ever sees or uses one (404 for anyone
//! else, "not an available model" in a thread); their usage is shown but
//! not counted against quotas; and a base URL that reaches loopback,
//! private or metadata addresses is refused after resolution, when it is
//! saved and again on every request.

use crate::common;

use common::fake_provider::{FakeProvider, GOOD_KEY};
use common::{add_model, add_provider, deltas, json_of, location, Api, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn settings(admin: &Api, body: Value) {
    let res = admin.put_json("/api/admin/settings", body).await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
}

/// Own keys on; private addresses as `private` says (the fake provider is
/// on loopback, so chatting with it needs them allowed).
async fn allow(admin: &Api, private: bool) {
    settings(
        admin,
        json!({"own_keys": true, "own_keys_private_addresses": private}),
    )
    .await;
}

fn own_provider(base: &str) -> Value {
    json!({"name": "My OpenAI", "provider_sdk_id": "mine", "api_format": "openai",
           "base_url": base, "api_key": GOOD_KEY})
}

/// As `api`: an own provider at `base` with model `sdk`; (provider, model).
async fn own_key(api: &Api, base: &str, sdk: &str) -> (i64, i64) {
    let p = json_of(
        api.post_json("/api/keys", own_provider(base)).await,
        StatusCode::CREATED,
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    let m = json_of(
        api.post_json(
            &format!("/api/keys/{id}/models"),
            json!({"model_sdk_id": sdk}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (id, m["id"].as_i64().unwrap())
}

async fn thread_on(api: &Api, model: i64) -> Value {
    json_of(
        api.post_json("/api/conversations", json!({"model_id": model}))
            .await,
        StatusCode::CREATED,
    )
    .await
}

/// Sends and reads the reply to its end: the reply's text.
async fn chat(api: &Api, thread: i64) -> String {
    let res = api
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": thread, "content": "hello"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    deltas(&SseReader::new(res).all().await)
}

async fn last_reply(api: &Api, thread: i64) -> Value {
    let t = json_of(
        api.get(&format!("/api/conversations/{thread}")).await,
        StatusCode::OK,
    )
    .await;
    t["messages"].as_array().unwrap().last().unwrap().clone()
}

#[tokio::test]
async fn own_keys_wait_for_the_admin_and_stop_when_turned_off() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;

    let res = user
        .post_json("/api/keys", own_provider(&fake.openai_base()))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(json_of(res, StatusCode::FORBIDDEN).await["error"]
        .as_str()
        .unwrap()
        .contains("turned off"));
    let got = json_of(admin.get("/api/admin/settings").await, StatusCode::OK).await;
    assert_eq!(got["own_keys"], false);

    allow(&admin, true).await;
    let (id, model) = own_key(&user, &fake.openai_base(), "gpt-fake-mini").await;
    let thread = thread_on(&user, model).await["id"].as_i64().unwrap();
    assert_eq!(chat(&user, thread).await, "Hello from the fake provider.");

    // Turned off: listed and removable, not usable.
    settings(&admin, json!({"own_keys": false})).await;
    let registry = json_of(user.get("/api/model-registry").await, StatusCode::OK).await;
    assert!(!registry["providers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["own_key"] == true));
    let res = user
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": thread, "content": "again"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Own keys are turned off"));
    let list = json_of(user.get("/api/keys").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        user.delete(&format!("/api/keys/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let list = json_of(user.get("/api/keys").await, StatusCode::OK).await;
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_own_key_is_seen_and_used_by_its_owner_alone() {
    let server = TestServer::start().await;
    let (admin, alice) = server.admin_and_user().await;
    let bob = server.client();
    assert_eq!(
        bob.register("bob", "bob password").await.status(),
        StatusCode::CREATED
    );
    let fake = FakeProvider::start().await;
    let shared = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    add_model(&admin, shared, "gpt-fake-mini").await;
    allow(&admin, true).await;

    let (id, model) = own_key(&alice, &fake.openai_base(), "chunks-3-0").await;
    let key = json_of(alice.get(&format!("/api/keys/{id}")).await, StatusCode::OK).await;
    assert_eq!(key["name"], "My OpenAI");
    assert_eq!(key["api_key_last4"], &GOOD_KEY[GOOD_KEY.len() - 4..]);
    assert_eq!(key["models"][0]["model_sdk_id"], "mine:chunks-3-0");
    assert!(
        !key.to_string().contains(GOOD_KEY),
        "the key left the server"
    );

    // Alice's picker has it under her keys, after the server's.
    let registry = json_of(alice.get("/api/model-registry").await, StatusCode::OK).await;
    let providers = registry["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 2);
    assert_eq!(providers[0]["own_key"], false);
    assert_eq!(providers[1]["own_key"], true);
    assert_eq!(providers[1]["models"][0]["id"], model);
    // It never became everyone's default.
    assert_ne!(registry["default_model_id"], model);

    // Bob sees nothing of it and can touch nothing.
    let registry = json_of(bob.get("/api/model-registry").await, StatusCode::OK).await;
    assert_eq!(registry["providers"].as_array().unwrap().len(), 1);
    assert!(json_of(bob.get("/api/keys").await, StatusCode::OK)
        .await
        .as_array()
        .unwrap()
        .is_empty());
    for res in [
        bob.get(&format!("/api/keys/{id}")).await,
        bob.put_json(&format!("/api/keys/{id}"), json!({"name": "mine now"}))
            .await,
        bob.delete(&format!("/api/keys/{id}")).await,
        bob.post_json(
            &format!("/api/keys/{id}/models"),
            json!({"model_sdk_id": "x"}),
        )
        .await,
        bob.post_empty(&format!("/api/keys/{id}/test")).await,
        bob.post_empty(&format!("/api/keys/{id}/import-models"))
            .await,
        bob.put_json(&format!("/api/keys/models/{model}"), json!({"name": "x"}))
            .await,
        bob.delete(&format!("/api/keys/models/{model}")).await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = bob
        .post_json("/api/conversations", json!({"model_id": model}))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("not an available model"));
    // Nor does an agent of Bob's borrow it.
    let res = bob
        .post_json("/api/agents", json!({"name": "Thief", "model_id": model}))
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Nor the admin's configuration pages: they hold the shared providers.
    let listed = json_of(admin.get("/api/config/providers").await, StatusCode::OK).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        admin
            .get(&format!("/api/config/providers/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .put_json(&format!("/api/config/models/{model}"), json!({"name": "x"}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post_empty(&format!("/api/config/models/{model}/set-default"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Alice chats on it, and a name and slug Bob picks the same are his own.
    let thread = thread_on(&alice, model).await["id"].as_i64().unwrap();
    assert_eq!(chat(&alice, thread).await, "w0 w1 w2 ");
    assert_eq!(
        last_reply(&alice, thread).await["model_sdk_id"],
        "mine:chunks-3-0"
    );
    let (_, bobs) = own_key(&bob, &fake.openai_base(), "gpt-fake-mini").await;
    assert_ne!(bobs, model);
    // A slug of the server's is taken for everyone; twice the same is too.
    let res = alice
        .post_json(
            "/api/keys",
            json!({"name": "Other", "provider_sdk_id": "fo", "api_format": "openai"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = alice
        .post_json("/api/keys", own_provider(&fake.openai_base()))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Test connection and import work on one's own key.
    let test = json_of(
        alice.post_empty(&format!("/api/keys/{id}/test")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(test["ok"], true, "{test}");
    let imported = json_of(
        alice
            .post_json(
                &format!("/api/keys/{id}/import-models"),
                json!({"models": ["gpt-fake-large"]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        imported["imported"][0]["model_sdk_id"],
        "mine:gpt-fake-large"
    );

    // Deleting Alice takes her keys with her.
    let alice_id = json_of(alice.get("/api/users/profile").await, StatusCode::OK).await["id"]
        .as_i64()
        .unwrap();
    let res = admin
        .delete_json(
            &format!("/api/admin/users/{alice_id}"),
            json!({"confirm": "user"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let db = count(
        &server,
        "SELECT COUNT(*) FROM providers WHERE owner_id IS NOT NULL",
    );
    assert_eq!(db, 1, "only Bob's own provider is left");
}

/// A number the database holds, read through the sqlite3 file directly.
fn count(server: &TestServer, sql: &str) -> i64 {
    use diesel::prelude::*;
    let mut conn = server.db();
    diesel::dsl::sql::<diesel::sql_types::BigInt>(sql)
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn own_key_usage_is_shown_but_not_counted_against_quotas() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let shared = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let shared_model = add_model(&admin, shared, "gpt-fake-mini").await;
    allow(&admin, true).await;
    let (_, model) = own_key(&user, &fake.openai_base(), "chunks-2-0").await;
    let me = json_of(user.get("/api/users/profile").await, StatusCode::OK).await;
    let res = admin
        .put_json(
            &format!("/api/admin/users/{}/limits", me["id"]),
            json!({"tokens_per_day": 20}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Far past the limit on the own key: every send starts.
    let thread = thread_on(&user, model).await["id"].as_i64().unwrap();
    for _ in 0..3 {
        assert_eq!(chat(&user, thread).await, "w0 w1 ");
    }
    let limits = json_of(user.get("/api/limits").await, StatusCode::OK).await;
    let day = &limits["limits"][0];
    assert_eq!(day["kind"], "tokens_per_day");
    assert_eq!(day["used"].as_f64().unwrap(), 0.0);

    // Shown in the usage report, by model: 3 × (11 prompt + 2 completion).
    let report = json_of(user.get("/api/usage?group=model").await, StatusCode::OK).await;
    let row = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "mine:chunks-2-0")
        .unwrap()
        .clone();
    assert_eq!(row["replies"], 3);
    assert_eq!(row["own_key_tokens"], 39);
    assert_eq!(report["total"]["own_key_tokens"], 39);
    let page = user.get("/usage").await.text().await.unwrap();
    assert!(page.contains("Tokens on own keys") && page.contains("mine:chunks-2-0"));

    // The server's key still counts: 13 tokens, then 26 > 20 refuses.
    let thread = thread_on(&user, shared_model).await["id"].as_i64().unwrap();
    chat(&user, thread).await;
    chat(&user, thread).await;
    let res = user
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": thread, "content": "more"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn own_key_addresses_are_refused_after_resolution_and_on_every_request() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    allow(&admin, false).await;

    for (base, why) in [
        (fake.openai_base(), "a loopback address"),
        ("http://localhost:9/v1".to_string(), "a loopback address"),
        ("http://[::1]:9/v1".to_string(), "a loopback address"),
        ("http://10.1.2.3/v1".to_string(), "a private address"),
        (
            "http://192.168.0.10:11434/v1".to_string(),
            "a private address",
        ),
        (
            "http://169.254.169.254/latest".to_string(),
            "a cloud metadata address",
        ),
        ("http://2130706433/v1".to_string(), "a loopback address"),
    ] {
        let res = user.post_json("/api/keys", own_provider(&base)).await;
        let body = json_of(res, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["field"], "base_url", "{base}: {body}");
        let message = body["error"].as_str().unwrap();
        assert!(message.contains(why), "{base}: {message}");
    }
    let res = user
        .post_json("/api/keys", own_provider("http://localhost:9/v1"))
        .await;
    assert!(res.text().await.unwrap().contains("localhost resolves to"));

    // Allowed, saved and working; then refused again: the very next
    // request is checked, not only the save.
    allow(&admin, true).await;
    let (id, model) = own_key(&user, &fake.openai_base(), "gpt-fake-mini").await;
    let thread = thread_on(&user, model).await["id"].as_i64().unwrap();
    assert_eq!(chat(&user, thread).await, "Hello from the fake provider.");
    allow(&admin, false).await;
    chat(&user, thread).await;
    let reply = last_reply(&user, thread).await;
    assert_eq!(reply["status"], "error");
    let error = reply["error"].as_str().unwrap();
    assert!(error.contains("a loopback address"), "{error}");
    let test = json_of(
        user.post_empty(&format!("/api/keys/{id}/test")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(test["ok"], false);
    assert!(
        test["error"].as_str().unwrap().contains("loopback"),
        "{test}"
    );
    // Changing the URL meets the same check.
    let res = user
        .put_json(
            &format!("/api/keys/{id}"),
            json!({"base_url": "http://127.0.0.2/v1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // The admin's own providers are the admin's business: never guarded.
    let shared = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let shared_model = add_model(&admin, shared, "gpt-fake-mini").await;
    let thread = thread_on(&user, shared_model).await["id"].as_i64().unwrap();
    assert_eq!(chat(&user, thread).await, "Hello from the fake provider.");
}

#[tokio::test]
async fn your_keys_works_with_plain_forms_and_shows_refusals_beside_them() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;

    // Off: the page says so and the menu has no link.
    let html = user.get("/settings/keys").await.text().await.unwrap();
    assert!(html.contains("Own keys are turned off on this server"));
    assert!(!html.contains(r#"href="/settings/keys""#));

    // The admin's form turns them on (checkboxes), and it is audited.
    let res = admin
        .post_form("/fn/set_own_keys", &[("allowed", "on")])
        .await;
    assert_eq!(location(&res), "/admin#own-keys");
    let got = json_of(admin.get("/api/admin/settings").await, StatusCode::OK).await;
    assert_eq!(got["own_keys"], true);
    assert_eq!(got["own_keys_private_addresses"], false);
    let audit = admin.get("/api/admin/audit").await.text().await.unwrap();
    assert!(audit.contains("own keys: on"), "{audit}");

    let form = |base: String| {
        vec![
            ("preset".to_string(), "ollama".to_string()),
            ("name".into(), "Home Ollama".into()),
            ("provider_sdk_id".into(), "home".into()),
            ("api_format".into(), "openai".into()),
            ("base_url".into(), base),
            ("api_key".into(), GOOD_KEY.into()),
            ("image_url".into(), "/logos/ollama.svg".into()),
            ("own".into(), "1".into()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let user = &user;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            user.post_form("/fn/providers/create", &pairs).await
        }
    };
    // A private address is refused beside the form, the typed name kept.
    let res = post(form(fake.openai_base())).await;
    assert_eq!(location(&res), "/settings/keys?add=ollama#add");
    let html = user.get(&location(&res)).await.text().await.unwrap();
    assert!(html.contains("a loopback address"), "{html}");
    assert!(html.contains(r#"value="Home Ollama""#));
    assert!(!html.contains(GOOD_KEY));

    // Allowed: added, listed with its key's last four, in the menu.
    admin
        .post_form(
            "/fn/set_own_keys",
            &[("allowed", "on"), ("private_addresses", "on")],
        )
        .await;
    let res = post(form(fake.openai_base())).await;
    let to = location(&res);
    assert!(to.starts_with("/settings/keys#provider-"), "{to}");
    let id = to.rsplit('-').next().unwrap().to_string();
    let res = user
        .post_form(
            "/fn/models/create",
            &[
                ("provider_id", &id),
                ("model_sdk_id", "gpt-fake-mini"),
                ("name", "Mini at home"),
                ("own", "1"),
            ],
        )
        .await;
    assert!(location(&res).starts_with("/settings/keys#provider-"));
    let html = user.get("/settings/keys").await.text().await.unwrap();
    assert!(html.contains("Home Ollama"));
    assert!(html.contains("home:gpt-fake-mini"));
    assert!(html.contains(&format!("Key ••••{}", &GOOD_KEY[GOOD_KEY.len() - 4..])));
    assert!(!html.contains(GOOD_KEY));
    assert!(!html.contains("Set as global default"));
    assert!(html.contains(r#"href="/settings/keys""#));
    // The chat page's picker offers it under "Your keys".
    let home = user.get("/").await.text().await.unwrap();
    assert!(
        home.contains(r#"class="model-section">Your keys"#),
        "{home}"
    );
    assert!(home.contains("Mini at home"));

    // The same form without `own` is the admin's: refused to a user.
    let mut shared = form(fake.openai_base());
    shared.pop();
    let res = post(shared).await;
    assert!(location(&res).starts_with("/settings/providers"));
    assert!(
        json_of(admin.get("/api/config/providers").await, StatusCode::OK)
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Deleting by form removes it and its models.
    let res = user
        .post_form(
            "/fn/providers/delete",
            &[("id", &id), ("cascade", "true"), ("own", "1")],
        )
        .await;
    assert_eq!(location(&res), "/settings/keys");
    assert!(json_of(user.get("/api/keys").await, StatusCode::OK)
        .await
        .as_array()
        .unwrap()
        .is_empty());
}
