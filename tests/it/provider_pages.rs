//! Settings > Providers as plain forms (JavaScript off): errors come back
//! next to the field with what was typed, never the API key; results show
//! on the page; non-admins are kept out. And the islands' server functions.

use crate::common;

use common::fake_provider::{FakeProvider, GOOD_KEY};
use common::{json_of, location, TestServer};
use reqwest::StatusCode;

const PAGE: &str = "/settings/providers";

#[tokio::test]
async fn add_edit_and_manage_models_through_forms() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;

    let page = admin.get(&format!("{PAGE}?add=openai")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"value="https://api.openai.com/v1""#),
        "preset fills the base URL"
    );
    assert!(html.contains(r#"data-preset="anthropic""#));

    // A bad URL: back to the form, the error under the field, the name kept,
    // the key not echoed anywhere.
    let res = admin
        .post_form(
            "/fn/providers/create",
            &[
                ("preset", "openai"),
                ("name", "My OpenAI"),
                ("provider_sdk_id", "openai"),
                ("api_format", "openai"),
                ("base_url", "not a url"),
                ("api_key", "sk-typed-secret-0001"),
                ("image_url", "/logos/openai.svg"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), format!("{PAGE}?add=openai#add"));
    let html = admin.get(&location(&res)).await.text().await.unwrap();
    assert!(html.contains("base_url must be an http"), "{html}");
    assert!(html.contains(r#"value="My OpenAI""#), "typed name kept");
    assert!(!html.contains("sk-typed-secret-0001"));
    // The flash is shown once.
    let again = admin.get(&location(&res)).await.text().await.unwrap();
    assert!(!again.contains("base_url must be an http"));

    let fake = FakeProvider::start().await;
    let res = admin
        .post_form(
            "/fn/providers/create",
            &[
                ("preset", "openai"),
                ("name", "Fake OpenAI"),
                ("provider_sdk_id", "fake"),
                ("api_format", "openai"),
                ("base_url", &fake.openai_base()),
                ("api_key", GOOD_KEY),
                ("image_url", "/logos/openai.svg"),
            ],
        )
        .await;
    let to = location(&res);
    assert!(to.starts_with(&format!("{PAGE}#provider-")), "{to}");
    let html = admin.get(PAGE).await.text().await.unwrap();
    assert!(html.contains("Added Fake OpenAI."));
    assert!(html.contains("Fake OpenAI"));
    assert!(html.contains("Key ••••1234"));
    assert!(!html.contains(GOOD_KEY));
    let id: i64 = to.rsplit('-').next().unwrap().parse().unwrap();

    // Add a model by id; a duplicate is refused next to the form.
    let add = |sdk: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_form(
                    "/fn/models/create",
                    &[
                        ("provider_id", &id.to_string()),
                        ("model_sdk_id", sdk),
                        ("name", ""),
                    ],
                )
                .await
        }
    };
    assert_eq!(
        location(&add("gpt-fake-mini").await),
        format!("{PAGE}#provider-{id}")
    );
    add("gpt-fake-mini").await;
    let html = admin.get(PAGE).await.text().await.unwrap();
    assert!(html.contains("fake:gpt-fake-mini already exists"), "{html}");

    // Make it the default through its form.
    let model_id = {
        let reg: serde_json::Value = admin.get("/api/model-registry").await.json().await.unwrap();
        reg["providers"][0]["models"][0]["id"].as_i64().unwrap()
    };
    admin
        .post_form(
            "/fn/models/act",
            &[
                ("id", &model_id.to_string()),
                ("provider_id", &id.to_string()),
                ("action", "default"),
            ],
        )
        .await;
    let reg: serde_json::Value = user.get("/api/model-registry").await.json().await.unwrap();
    assert_eq!(reg["default_model_id"], model_id);
    let html = admin.get(PAGE).await.text().await.unwrap();
    assert!(html.contains("★ default"));

    // "gpt-fake-mini" is no known seeing model; a form marks it as one, and
    // the pickers say so.
    assert_eq!(reg["providers"][0]["models"][0]["vision"], false);
    admin
        .post_form(
            "/fn/models/act",
            &[
                ("id", &model_id.to_string()),
                ("provider_id", &id.to_string()),
                ("action", "vision"),
            ],
        )
        .await;
    let reg: serde_json::Value = user.get("/api/model-registry").await.json().await.unwrap();
    assert_eq!(reg["providers"][0]["models"][0]["vision"], true);
    let html = admin.get(PAGE).await.text().await.unwrap();
    assert!(html.contains("now gets pictures."), "{html}");
    assert!(html.contains("Does not see pictures"));

    // Prices by form: a bad one is refused beside it, what was typed kept;
    // blank removes a price.
    let price = |input: &'static str, output: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_form(
                    "/fn/models/act",
                    &[
                        ("id", &model_id.to_string()),
                        ("provider_id", &id.to_string()),
                        ("action", "price"),
                        ("input_price", input),
                        ("output_price", output),
                    ],
                )
                .await
        }
    };
    let res = price("0.15", "lots").await;
    let html = admin.get(&location(&res)).await.text().await.unwrap();
    assert!(html.contains("A price is a number of USD per million tokens."));
    assert!(html.contains(r#"value="lots""#));
    let res = price("0.15", "20000").await;
    let html = admin.get(&location(&res)).await.text().await.unwrap();
    assert!(
        html.contains("A price is 0 to 10000 USD per million tokens."),
        "{html}"
    );
    price("0.15", "0.6").await;
    let m = json_of(
        admin.get(&format!("/api/config/models/{model_id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (m["input_price"].as_f64(), m["output_price"].as_f64()),
        (Some(0.15), Some(0.6))
    );
    let html = admin.get(PAGE).await.text().await.unwrap();
    assert!(html.contains("$0.15 / $0.6 per M"), "{html}");
    price("", "0.6").await;
    let m = json_of(
        admin.get(&format!("/api/config/models/{model_id}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(m["input_price"], serde_json::Value::Null);

    // The home page's picker has the default preselected.
    let home = user.get("/").await.text().await.unwrap();
    assert!(home.contains("gpt-fake-mini"));
    assert!(
        home.contains(&format!(r#"value="{model_id}" checked"#)),
        "default preselected: {home}"
    );

    // Edit: blank key keeps it; the enabled box unticked disables.
    admin
        .post_form(
            "/fn/providers/update",
            &[
                ("id", &id.to_string()),
                ("name", "Fake Renamed"),
                ("provider_sdk_id", "fake"),
                ("api_format", "openai"),
                ("base_url", &fake.openai_base()),
                ("api_key", ""),
                ("image_url", "/logos/openai.svg"),
            ],
        )
        .await;
    let p: serde_json::Value = admin
        .get(&format!("/api/config/providers/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["name"], "Fake Renamed");
    assert_eq!(p["has_api_key"], true);
    assert_eq!(p["is_enabled"], false);
    let reg: serde_json::Value = user.get("/api/model-registry").await.json().await.unwrap();
    assert_eq!(
        reg["default_model_id"],
        serde_json::Value::Null,
        "disabled provider: no default"
    );

    // Non-admins: the page is 403 and the forms change nothing.
    let res = user.get(PAGE).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!res.text().await.unwrap().contains("Fake Renamed"));
    user.post_form(
        "/fn/providers/delete",
        &[("id", &id.to_string()), ("cascade", "true")],
    )
    .await;
    assert_eq!(
        admin
            .get(&format!("/api/config/providers/{id}"))
            .await
            .status(),
        StatusCode::OK
    );

    // Delete with cascade from the confirmation form.
    admin
        .post_form(
            "/fn/providers/delete",
            &[("id", &id.to_string()), ("cascade", "true")],
        )
        .await;
    assert_eq!(
        admin
            .get(&format!("/api/config/providers/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn island_server_functions_test_and_import() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let created: serde_json::Value = admin
        .post_json(
            "/api/config/providers",
            serde_json::json!({"name": "F", "provider_sdk_id": "f", "api_format": "openai",
                               "base_url": fake.openai_base(), "api_key": GOOD_KEY}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();

    let call = |api: &common::Api, path: &str, body: String| {
        let req = api
            .http
            .post(api.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body);
        async move { req.send().await.unwrap() }
    };
    let res = call(&admin, "/fn/providers/test", format!("id={id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let t: serde_json::Value = res.json().await.unwrap();
    assert_eq!(t["ok"], true);

    let res = call(
        &admin,
        "/fn/providers/import",
        format!("id={id}&models[0]=gpt-fake-mini&models[1]=gpt-fake-large"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "2");

    let res = call(&user, "/fn/providers/test", format!("id={id}")).await;
    assert!(res.status().is_server_error() || res.status().is_client_error());
    assert!(res.text().await.unwrap().contains("Only an admin"));
}
