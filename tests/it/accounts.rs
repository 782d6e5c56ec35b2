//! Accounts over real HTTP: registration rules, sign-in, sign-out, password
//! changes and what a session cookie is worth after each.

use crate::common;

use common::{json_of, session_cookie, TestServer};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "correct horse battery";

#[tokio::test]
async fn first_account_is_admin_then_registration_closes_until_reopened() {
    let server = TestServer::start().await;
    let alice = server.client();
    let res = alice.register("alice", PW).await;
    assert!(
        session_cookie(&res).is_some(),
        "register sets a session cookie"
    );
    let body = json_of(res, StatusCode::CREATED).await;
    assert_eq!(body["username"], "alice");
    assert_eq!(body["role"], "admin");
    assert!(body["id"].as_i64().is_some());

    let profile = json_of(alice.get("/api/users/profile").await, StatusCode::OK).await;
    assert_eq!(profile["username"], "alice");
    assert_eq!(profile["role"], "admin");
    assert!(profile["created_at"].as_i64().unwrap() > 1_700_000_000);

    let bob = server.client();
    let res = bob.register("bob", PW).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "closed after the first admin"
    );
    assert!(session_cookie(&res).is_none());

    let settings = json_of(alice.get("/api/admin/settings").await, StatusCode::OK).await;
    assert_eq!(
        settings,
        json!({"registration": "closed", "registration_open": false,
               "own_keys": false, "own_keys_private_addresses": false})
    );
    let settings = json_of(
        alice
            .put_json("/api/admin/settings", json!({"registration_open": true}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(settings["registration_open"], true);

    let body = json_of(bob.register("bob", PW).await, StatusCode::CREATED).await;
    assert_eq!(body["role"], "user");
    assert_eq!(
        bob.get("/api/admin/settings").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bob.put_json("/api/admin/settings", json!({"registration_open": false}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let still_open = json_of(alice.get("/api/admin/settings").await, StatusCode::OK).await;
    assert_eq!(
        still_open["registration_open"], true,
        "a user's PUT changed nothing"
    );

    let signed_out = server.client();
    assert_eq!(
        signed_out.get("/api/admin/settings").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn duplicate_and_invalid_input_is_refused_with_the_field_named() {
    let server = TestServer::start().await;
    let c = server.client();
    assert_eq!(c.register("alice", PW).await.status(), StatusCode::CREATED);
    json_of(
        c.put_json("/api/admin/settings", json!({"registration_open": true}))
            .await,
        StatusCode::OK,
    )
    .await;

    let other = server.client();
    let dup = json_of(other.register("ALICE", PW).await, StatusCode::CONFLICT).await;
    assert!(dup["error"].as_str().unwrap().contains("taken"));

    for bad in ["ab", "a b", "émile", &"x".repeat(33), "semi;colon"] {
        let body = json_of(other.register(bad, PW).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["field"], "username", "username {bad:?}");
    }
    for bad in ["short", &"p".repeat(257)] {
        let body = json_of(other.register("carol", bad).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["field"], "password");
    }
    // Exactly at the limits is fine.
    assert_eq!(
        other
            .register(&"c".repeat(32), &"p".repeat(256))
            .await
            .status(),
        StatusCode::CREATED
    );

    let no_type = other
        .http
        .post(other.url("/api/auth/login"))
        .body(r#"{"username":"alice","password":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(no_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = no_type.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("application/json"));

    let broken = other
        .http
        .post(other.url("/api/auth/register"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);

    let missing = other
        .post_json("/api/auth/register", json!({"username": "dave"}))
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);

    let huge = other
        .post_json(
            "/api/auth/login",
            json!({"username": "x", "password": "y".repeat(600_000)}),
        )
        .await;
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn login_answers_alike_for_unknown_user_and_wrong_password_then_slows_down() {
    let server = TestServer::start().await;
    server.client().register("alice", PW).await;

    let c = server.client();
    let wrong = c.login("alice", "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let wrong: serde_json::Value = wrong.json().await.unwrap();
    let unknown = json_of(
        c.login("nobody", "not the password").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!(
        c.get("/api/users/profile").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Case-insensitive usernames, and a good login works.
    let ok = json_of(c.login("Alice", PW).await, StatusCode::OK).await;
    assert_eq!(ok["username"], "alice");
    assert_eq!(ok["role"], "admin");

    // Repeated failures: refused for a while, even with the right password.
    let attacker = server.client();
    for _ in 0..5 {
        assert_eq!(
            attacker.login("alice", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let blocked = attacker.login("alice", PW).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&wait));
}

#[tokio::test]
async fn logout_revokes_the_cookie_for_good() {
    let server = TestServer::start().await;
    let c = server.client();
    let res = c.register("alice", PW).await;
    let cookie = session_cookie(&res).unwrap();

    let raw = reqwest::Client::new();
    let with_old_cookie = || {
        raw.get(server.url("/api/users/profile"))
            .header("cookie", cookie.clone())
            .send()
    };
    assert_eq!(with_old_cookie().await.unwrap().status(), StatusCode::OK);

    let out = c.http.post(c.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        c.get("/api/users/profile").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_old_cookie().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "a copied cookie is worthless after logout"
    );
}

#[tokio::test]
async fn password_change_keeps_this_session_and_ends_the_others() {
    let server = TestServer::start().await;
    let phone = server.client();
    phone.register("alice", PW).await;
    let laptop = server.client();
    json_of(laptop.login("alice", PW).await, StatusCode::OK).await;

    let wrong = json_of(
        phone
            .put_json(
                "/api/users/profile",
                json!({"current_password": "nope nope", "new_password": "a new password"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(wrong["field"], "current_password");
    let short = json_of(
        phone
            .put_json(
                "/api/users/profile",
                json!({"current_password": PW, "new_password": "short"}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(short["field"], "new_password");
    assert_eq!(
        laptop.get("/api/users/profile").await.status(),
        StatusCode::OK
    );

    let changed = phone
        .put_json(
            "/api/users/profile",
            json!({"current_password": PW, "new_password": "a new password"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        phone.get("/api/users/profile").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        laptop.get("/api/users/profile").await.status(),
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );

    let fresh = server.client();
    assert_eq!(
        fresh.login("alice", PW).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.login("alice", "a new password").await.status(),
        StatusCode::OK
    );

    let signed_out = server.client();
    assert_eq!(
        signed_out
            .put_json(
                "/api/users/profile",
                json!({"current_password": PW, "new_password": "whatever123"})
            )
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;
    let dir = server.stop().await.expect("temp dir kept");

    let server = TestServer::start_in(dir.path()).await;
    let c2 = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    assert_eq!(
        c2.get(server.url("/api/users/profile"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // Same cookie jar as before the restart (cookies match by host, not port).
    let profile = json_of(
        c.http
            .get(server.url("/api/users/profile"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(profile["username"], "alice");
    drop(dir);
}
