//! Cross-site writes, secrets in responses, unknown API paths, health.

use crate::common;

use common::{json_of, TestServer};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";

#[tokio::test]
async fn writes_from_a_foreign_origin_are_refused() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;

    let evil = c
        .http
        .post(c.url("/api/auth/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = evil.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("Cross-origin"));
    assert_eq!(
        c.get("/api/users/profile").await.status(),
        StatusCode::OK,
        "still signed in"
    );

    let evil_pw = c
        .http
        .put(c.url("/api/users/profile"))
        .header("origin", "https://evil.example")
        .json(&json!({"current_password": PW, "new_password": "hijacked!!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(evil_pw.status(), StatusCode::FORBIDDEN);
    let evil_form = c
        .http
        .post(c.url("/fn/logout"))
        .header("referer", "https://evil.example/page")
        .send()
        .await
        .unwrap();
    assert_eq!(evil_form.status(), StatusCode::FORBIDDEN);

    // The password did not change; a same-origin write works.
    let ok = c
        .http
        .post(c.url("/api/auth/logout"))
        .header("origin", server.base.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.client().login("alice", PW).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn no_response_ever_contains_a_password_hash() {
    let server = TestServer::start().await;
    let admin = server.client();
    let mut bodies = vec![admin.register("alice", PW).await.text().await.unwrap()];
    for path in [
        "/api/users/profile",
        "/api/admin/settings",
        "/",
        "/profile",
        "/admin",
    ] {
        let res = admin.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        bodies.push(res.text().await.unwrap());
    }
    bodies.push(admin.login("alice", PW).await.text().await.unwrap());
    bodies.push(
        admin
            .put_json(
                "/api/users/profile",
                json!({"current_password": PW, "new_password": "another password"}),
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    bodies.push(admin.get("/api/users/profile").await.text().await.unwrap());
    let stored = server.stored_text();
    assert!(
        stored.contains("$argon2id$"),
        "the hash is stored as argon2id"
    );
    for body in bodies {
        assert!(!body.contains("$argon2"), "hash leaked: {body}");
        assert!(!body.contains("password_hash"), "field leaked: {body}");
    }
}

#[tokio::test]
async fn health_and_unknown_api_paths() {
    let server = TestServer::start().await;
    let c = server.client();
    let health = c.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    let missing = json_of(c.get("/api/nope").await, StatusCode::NOT_FOUND).await;
    assert!(missing["error"].is_string());
}
