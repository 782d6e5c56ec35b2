//! Running the server for a community over real HTTP: the admin's account
//! list and its rules (the last admin, disabling, a password the admin
//! chose, deletion), registration modes and invitations, the audit log,
//! and a user's own sessions.

use crate::common;

use common::{json_of, location, TestServer};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

fn db(server: &TestServer) -> backrooms::server::db::Conn {
    server.db()
}

fn sql(server: &TestServer, statement: &str) -> usize {
    diesel::sql_query(statement)
        .execute(&mut db(server))
        .expect(statement)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(server: &TestServer, table: &str, user: i64) -> i64 {
    diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE user_id = {user}"
    ))
    .get_result::<Count>(&mut db(server))
    .expect("count")
    .n
}

async fn id_of(admin: &common::Api, name: &str) -> i64 {
    let page = json_of(
        admin.get(&format!("/api/admin/users?q={name}")).await,
        StatusCode::OK,
    )
    .await;
    page["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == name)
        .unwrap_or_else(|| panic!("{name} in {page}"))["id"]
        .as_i64()
        .unwrap()
}

async fn audit_actions(admin: &common::Api) -> Vec<(String, String, Value)> {
    let page = json_of(admin.get("/api/admin/audit").await, StatusCode::OK).await;
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
                e["target"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_last_admin_can_be_neither_demoted_disabled_nor_deleted() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let admin_id = id_of(&admin, "admin").await;
    let user_id = id_of(&admin, "user").await;

    for (body, what) in [
        (json!({"role": "user"}), "demoted"),
        (json!({"disabled": true}), "disabled"),
    ] {
        let res = admin
            .put_json(&format!("/api/admin/users/{admin_id}"), body)
            .await;
        let err = json_of(res, StatusCode::CONFLICT).await;
        assert!(err["error"].as_str().unwrap().contains(what), "{err}");
    }
    let res = admin
        .delete_json(
            &format!("/api/admin/users/{admin_id}"),
            json!({"confirm": "admin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // A user cannot touch any of it.
    assert_eq!(
        user.put_json(
            &format!("/api/admin/users/{user_id}"),
            json!({"role": "admin"})
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        user.get("/api/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );

    // With a second admin, the first may step down.
    let res = admin
        .put_json(
            &format!("/api/admin/users/{user_id}"),
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = user
        .put_json(
            &format!("/api/admin/users/{admin_id}"),
            json!({"role": "user"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let profile = json_of(admin.get("/api/users/profile").await, StatusCode::OK).await;
    assert_eq!(profile["role"], "user");
    assert_eq!(
        admin.get("/api/admin/users").await.status(),
        StatusCode::FORBIDDEN,
        "a demoted admin loses the admin pages at once"
    );

    let log = audit_actions(&user).await;
    assert_eq!(
        log[..2],
        [
            ("user".into(), "demote".into(), json!("admin")),
            ("admin".into(), "promote".into(), json!("user")),
        ],
        "{log:?}"
    );
}

#[tokio::test]
async fn disabling_ends_every_session_at_once_and_sign_in_says_why() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let phone = server.client();
    assert_eq!(
        phone.login("user", "user password").await.status(),
        StatusCode::OK
    );
    let id = id_of(&admin, "user").await;

    let res = admin
        .put_json(&format!("/api/admin/users/{id}"), json!({"disabled": true}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for c in [&user, &phone] {
        assert_eq!(
            c.get("/api/conversations").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = user.get("/").await;
    assert!(res.status().is_redirection());
    assert!(location(&res).starts_with("/login"));

    let err = json_of(
        server.client().login("user", "user password").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        err["error"],
        "This account is disabled. Ask an admin of this server."
    );
    // The plain form says the same.
    let browser = server.client();
    let res = browser
        .post_form(
            "/fn/login",
            &[("username", "user"), ("password", "user password")],
        )
        .await;
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    let page = browser.get(&location(&res)).await.text().await.unwrap();
    assert!(page.contains("This account is disabled."), "{page}");

    let listed = json_of(admin.get("/api/admin/users?q=user").await, StatusCode::OK).await;
    assert_eq!(listed["accounts"][0]["disabled"], true);

    let res = admin
        .put_json(
            &format!("/api/admin/users/{id}"),
            json!({"disabled": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = server.client();
    assert_eq!(
        again.login("user", "user password").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        again.get("/api/conversations").await.status(),
        StatusCode::OK
    );
    let log = audit_actions(&admin).await;
    assert_eq!(log[0].1, "enable");
    assert_eq!(log[1], ("admin".into(), "disable".into(), json!("user")));
}

#[tokio::test]
async fn a_password_the_admin_sets_must_be_replaced_at_the_next_sign_in() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let id = id_of(&admin, "user").await;
    let res = admin
        .put_json(
            &format!("/api/admin/users/{id}"),
            json!({"new_password": "short"}),
        )
        .await;
    let err = json_of(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(err["field"], "new_password");

    let res = admin
        .put_json(
            &format!("/api/admin/users/{id}"),
            json!({"new_password": "given by the admin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        user.get("/api/conversations").await.status(),
        StatusCode::UNAUTHORIZED,
        "the old sessions ended"
    );
    assert_eq!(
        server
            .client()
            .login("user", "user password")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    let fresh = server.client();
    assert_eq!(
        fresh.login("user", "given by the admin").await.status(),
        StatusCode::OK
    );
    let profile = json_of(fresh.get("/api/users/profile").await, StatusCode::OK).await;
    assert_eq!(profile["must_change_password"], true);
    let err = json_of(fresh.get("/api/conversations").await, StatusCode::FORBIDDEN).await;
    assert!(err["error"].as_str().unwrap().contains("Choose your own"));
    let res = fresh.get("/").await;
    assert_eq!(location(&res), "/profile#password");
    let page = fresh.get("/profile").await.text().await.unwrap();
    assert!(page.contains("Choose your password"), "{page}");

    let same = fresh
        .put_json(
            "/api/users/profile",
            json!({"current_password": "given by the admin", "new_password": "given by the admin"}),
        )
        .await;
    assert_eq!(same.status(), StatusCode::BAD_REQUEST);
    let res = fresh
        .put_json(
            "/api/users/profile",
            json!({"current_password": "given by the admin", "new_password": "my very own"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        fresh.get("/api/conversations").await.status(),
        StatusCode::OK
    );
    let profile = json_of(fresh.get("/api/users/profile").await, StatusCode::OK).await;
    assert_eq!(profile["must_change_password"], false);
    assert_eq!(audit_actions(&admin).await[0].1, "set_password");
}

#[tokio::test]
async fn deleting_an_account_takes_its_data_and_needs_its_name() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let id = id_of(&admin, "user").await;
    let thread = json_of(
        user.post_json("/api/conversations", json!({"title": "mine"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let note = user
        .post_json("/api/notes", json!({"title": "n", "body": "b"}))
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);

    assert!(count(&server, "agents", id) > 0, "the starter agents");
    let res = admin
        .delete_json(
            &format!("/api/admin/users/{id}"),
            json!({"confirm": "User"}),
        )
        .await;
    let err = json_of(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(err["field"], "confirm");
    assert_eq!(
        user.get(&format!("/api/conversations/{}", thread["id"]))
            .await
            .status(),
        StatusCode::OK,
        "a wrong name deletes nothing"
    );

    let res = admin
        .delete_json(
            &format!("/api/admin/users/{id}"),
            json!({"confirm": "user"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        user.get("/api/conversations").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(count(&server, "conversations", id), 0);
    assert_eq!(count(&server, "notes", id), 0);
    assert_eq!(count(&server, "agents", id), 0);
    assert_eq!(
        admin
            .delete_json(
                &format!("/api/admin/users/{id}"),
                json!({"confirm": "user"})
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let log = audit_actions(&admin).await;
    assert_eq!(
        log[0],
        ("admin".into(), "delete_account".into(), json!("user"))
    );
}

#[tokio::test]
async fn the_account_list_searches_pages_and_counts_this_months_tokens() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let uid = id_of(&admin, "user").await;
    // 60 more accounts, stored directly (hashing 60 passwords proves nothing).
    let values: Vec<String> = (0..60)
        .map(|i| format!("('member{i:02}', 'x', 'user', 1700000000, 1700000000)"))
        .collect();
    sql(
        &server,
        &format!(
            "INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES {}",
            values.join(",")
        ),
    );
    // Two of the user's replies this month (in the ledger) and one long ago.
    let thread = json_of(
        user.post_json("/api/conversations", json!({"title": "t"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert!(thread["id"].as_i64().is_some());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let today = now / 86_400;
    sql(
        &server,
        &format!(
            "INSERT INTO usage_days (user_id, day, model, prompt_tokens, completion_tokens, cost_nanos, replies)
             VALUES ({uid}, {today}, 'a', 100, 20, 0, 1),
                    ({uid}, {today}, 'b', 7, 3, 0, 1),
                    ({uid}, 18000, 'a', 5000, 5000, 0, 1)"
        ),
    );

    let first = json_of(admin.get("/api/admin/users").await, StatusCode::OK).await;
    assert_eq!(first["total"], 62);
    assert_eq!(first["accounts"].as_array().unwrap().len(), 50);
    assert_eq!(first["next"], 50);
    let row = first["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == uid)
        .unwrap();
    assert_eq!(row["tokens_this_month"], 130);
    assert_eq!(row["threads"], 1);
    assert!(row["last_active_at"].as_i64().is_some(), "{row}");

    let second = json_of(
        admin.get("/api/admin/users?offset=50").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["accounts"].as_array().unwrap().len(), 12);
    assert_eq!(second["next"], Value::Null);

    let found = json_of(admin.get("/api/admin/users?q=ber0").await, StatusCode::OK).await;
    assert_eq!(found["total"], 10);
    let none = json_of(admin.get("/api/admin/users?q=%25").await, StatusCode::OK).await;
    assert_eq!(none["total"], 0, "% matches itself only");
    let bad = json_of(
        admin.get("/api/admin/users?offset=x").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad["field"], "offset");

    // The page shows the same accounts, and is for admins only.
    let page = admin
        .get("/admin/users?q=member0")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("member05") && !page.contains("member15"));
    assert_eq!(
        user.get("/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn invitations_let_people_in_until_used_up_expired_or_revoked() {
    let server = TestServer::start().await;
    let admin = server.client();
    assert_eq!(
        admin.register("admin", PW).await.status(),
        StatusCode::CREATED
    );
    let settings = json_of(
        admin
            .put_json("/api/admin/settings", json!({"registration": "invite"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        settings,
        json!({"registration": "invite", "registration_open": false,
               "own_keys": false, "own_keys_private_addresses": false})
    );

    let err = json_of(
        server.client().register("nobody", PW).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        err["error"].as_str().unwrap().contains("invitation"),
        "{err}"
    );

    let bad = admin
        .post_json("/api/admin/invites", json!({"max_uses": 101}))
        .await;
    assert_eq!(
        json_of(bad, StatusCode::BAD_REQUEST).await["field"],
        "max_uses"
    );
    let invite = json_of(
        admin
            .post_json(
                "/api/admin/invites",
                json!({"max_uses": 2, "expires_in_days": 7}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = invite["token"].as_str().unwrap().to_string();
    assert!(invite["link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/register?invite={token}")));
    assert_eq!(invite["state"], "usable");

    let register = |name: &'static str, token: String| {
        let c = server.client();
        async move {
            c.post_json(
                "/api/auth/register",
                json!({"username": name, "password": PW, "invite": token}),
            )
            .await
        }
    };
    assert_eq!(
        register("ann", token.clone()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        register("ben", token.clone()).await.status(),
        StatusCode::CREATED
    );
    let used = json_of(register("cat", token.clone()).await, StatusCode::FORBIDDEN).await;
    assert!(
        used["error"].as_str().unwrap().contains("used up"),
        "{used}"
    );
    let wrong = json_of(register("cat", "nope".into()).await, StatusCode::FORBIDDEN).await;
    assert!(wrong["error"].as_str().unwrap().contains("not valid"));

    // Expired.
    let old = json_of(
        admin.post_json("/api/admin/invites", json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    sql(
        &server,
        &format!("UPDATE invites SET expires_at = 1 WHERE id = {}", old["id"]),
    );
    let expired = json_of(
        register("dan", old["token"].as_str().unwrap().into()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(expired["error"].as_str().unwrap().contains("expired"));

    // Revoked.
    let gone = json_of(
        admin.post_json("/api/admin/invites", json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        admin
            .delete(&format!("/api/admin/invites/{}", gone["id"]))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let revoked = json_of(
        register("eve", gone["token"].as_str().unwrap().into()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(revoked["error"].as_str().unwrap().contains("revoked"));

    let listed = json_of(admin.get("/api/admin/invites").await, StatusCode::OK).await;
    let states: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["revoked", "expired", "used_up"]);
    assert_eq!(listed[2]["uses"], 2);

    // The plain form keeps the invitation on a failed try, and works.
    let fresh = json_of(
        admin.post_json("/api/admin/invites", json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    let t = fresh["token"].as_str().unwrap();
    let page = server
        .client()
        .get(&format!("/register?invite={t}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("value=\"{t}\"")),
        "the form carries it"
    );
    let browser = server.client();
    let res = browser
        .post_form(
            "/fn/register",
            &[("username", "ann"), ("password", PW), ("invite", t)],
        )
        .await;
    assert!(
        location(&res).starts_with(&format!("/register?invite={t}&")),
        "{}",
        location(&res)
    );
    let res = browser
        .post_form(
            "/fn/register",
            &[("username", "fay"), ("password", PW), ("invite", t)],
        )
        .await;
    assert_eq!(location(&res), "/");

    // Closed: no invitation helps. Open: none is needed. The old boolean
    // still works.
    admin
        .put_json("/api/admin/settings", json!({"registration": "closed"}))
        .await;
    let other = json_of(
        admin.post_json("/api/admin/invites", json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        register("gus", other["token"].as_str().unwrap().into())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let open = json_of(
        admin
            .put_json("/api/admin/settings", json!({"registration_open": true}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(open["registration"], "open");
    assert_eq!(
        server.client().register("hal", PW).await.status(),
        StatusCode::CREATED
    );

    let log = audit_actions(&admin).await;
    let actions: Vec<&str> = log.iter().map(|l| l.1.as_str()).collect();
    assert!(
        actions.contains(&"create_invite")
            && actions.contains(&"revoke_invite")
            && actions.contains(&"settings"),
        "{actions:?}"
    );
    let user = server.client();
    user.login("hal", PW).await;
    assert_eq!(
        user.get("/api/admin/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        user.get("/api/admin/invites").await.status(),
        StatusCode::FORBIDDEN
    );
}

const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

#[tokio::test]
async fn users_see_and_end_their_own_sessions_and_an_admin_ends_them_all() {
    let server = TestServer::start().await;
    let (admin, _) = server.admin_and_user().await;
    let phone = server.client_as(PHONE);
    let desktop = server.client_as(DESKTOP);
    for c in [&phone, &desktop] {
        assert_eq!(
            c.login("user", "user password").await.status(),
            StatusCode::OK
        );
        assert_eq!(c.get("/api/conversations").await.status(), StatusCode::OK);
    }
    let list = json_of(phone.get("/api/sessions").await, StatusCode::OK).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    let mine = list.iter().find(|s| s["current"] == true).unwrap();
    assert_eq!(mine["browser"], "Chrome on Android");
    assert_eq!(mine["address"], "127.0.0.1");
    let other = list
        .iter()
        .find(|s| s["browser"] == "Firefox on Linux")
        .unwrap_or_else(|| panic!("{list:?}"));
    let text = serde_json::to_string(list).unwrap();
    assert!(!text.contains("backrooms_session"), "no secret ids");

    // Another user cannot end it.
    let err = admin
        .delete(&format!("/api/sessions/{}", other["id"]))
        .await;
    assert_eq!(err.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        desktop.get("/api/conversations").await.status(),
        StatusCode::OK
    );

    let res = phone
        .delete(&format!("/api/sessions/{}", other["id"]))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        desktop.get("/api/conversations").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone.get("/api/conversations").await.status(),
        StatusCode::OK
    );

    let uid = id_of(&admin, "user").await;
    let res = admin
        .delete(&format!("/api/admin/users/{uid}/sessions"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        phone.get("/api/conversations").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(audit_actions(&admin).await[0].1, "end_sessions");
}

#[tokio::test]
async fn the_admin_pages_work_as_plain_forms() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let id = id_of(&admin, "user").await;
    let page = admin.get("/admin").await.text().await.unwrap();
    assert!(page.contains("Invitations") && page.contains("By invitation"));

    let res = admin
        .post_form(
            "/fn/admin/user",
            &[
                ("action", "disable"),
                ("id", &id.to_string()),
                ("back", "/admin/users?q=us&offset=0"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/users?q=us&offset=0");
    assert_eq!(
        user.get("/api/conversations").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = admin
        .post_form(
            "/fn/admin/user",
            &[
                ("action", "delete"),
                ("id", &id.to_string()),
                ("confirm", "nope"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        "/admin/users",
        "only its own page to go back to"
    );
    let page = admin.get("/admin/users").await.text().await.unwrap();
    assert!(page.contains("disabled"), "the row says so");

    let res = admin
        .post_form(
            "/fn/admin/invite",
            &[
                ("action", "create"),
                ("max_uses", "3"),
                ("expires_in_days", ""),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin#invites");
    let listed = json_of(admin.get("/api/admin/invites").await, StatusCode::OK).await;
    assert_eq!(listed[0]["max_uses"], 3);
    assert_eq!(listed[0]["expires_at"], Value::Null);

    let res = admin
        .post_form("/fn/set_registration", &[("mode", "invite")])
        .await;
    assert_eq!(location(&res), "/admin");
    let settings = json_of(admin.get("/api/admin/settings").await, StatusCode::OK).await;
    assert_eq!(settings["registration"], "invite");
    let audit = admin.get("/admin/audit").await.text().await.unwrap();
    assert!(
        audit.contains("disabled") && audit.contains("created an invitation"),
        "{audit}"
    );
}

async fn login_from(c: &common::Api, name: &str, password: &str, xff: &str) -> StatusCode {
    c.http
        .post(c.url("/api/auth/login"))
        .header("x-forwarded-for", xff)
        .json(&json!({"username": name, "password": password}))
        .send()
        .await
        .expect("request")
        .status()
}

#[tokio::test]
async fn only_trusted_proxies_decide_the_client_address() {
    // Not trusted: a forged header changes nothing, the peer is counted.
    let server = TestServer::start().await;
    server.admin_and_user().await;
    let c = server.client();
    for i in 0..20 {
        let status = login_from(
            &c,
            &format!("nobody{i}"),
            "wrong password",
            &format!("198.51.100.{i}"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(&c, "user", "user password", "198.51.100.99").await,
        StatusCode::TOO_MANY_REQUESTS,
        "every try came from the same peer"
    );
    drop(server.stop().await);

    // Trusted: each client behind the proxy is counted on its own.
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_with(
        dir.path(),
        &[("BACKROOMS_TRUSTED_PROXIES", "127.0.0.1/32, ::1")],
    )
    .await;
    server.admin_and_user().await;
    let c = server.client();
    for i in 0..20 {
        let status = login_from(&c, &format!("nobody{i}"), "wrong password", "203.0.113.5").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(&c, "user", "user password", "203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let other = server.client();
    assert_eq!(
        login_from(&other, "user", "user password", "6.6.6.6, 203.0.113.6").await,
        StatusCode::OK,
        "another client, read from the proxy's own hop"
    );
    let res = other
        .http
        .get(other.url("/api/conversations"))
        .header("x-forwarded-for", "203.0.113.6")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let sessions = json_of(other.get("/api/sessions").await, StatusCode::OK).await;
    let mine = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap();
    assert_eq!(
        mine["address"], "203.0.113.6",
        "the session shows the client, not the proxy"
    );
    drop(server.stop().await);
}
