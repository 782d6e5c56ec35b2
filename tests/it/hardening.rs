//! The attacker's checklist: hostile text in every field renders inert on
//! every page, security headers everywhere, a planted session is never
//! shared, `next=` cannot redirect away or crash, a rebinding host is
//! refused, and errors answer their own status with the JSON error.

use crate::common;

use common::fake_provider::FakeProvider;
use common::xss::{assert_inert, hostile, HOSTILE};
use common::{add_provider, json_of, location, session_cookie, Api, TestServer};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{redirect, Client, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

async fn created(res: reqwest::Response) -> Value {
    json_of(res, StatusCode::CREATED).await
}

/// The page's HTML, which must answer 200.
async fn page(api: &Api, path: &str) -> String {
    let res = api.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn hostile_text_in_every_field_is_inert_on_every_page() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;

    // Admin-set names show on the providers page and in every model picker.
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    json_of(
        admin
            .put_json(
                &format!("/api/config/providers/{provider}"),
                json!({"name": hostile(64)}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    let model = created(
        admin
            .post_json(
                "/api/config/models",
                json!({"provider_id": provider, "model_sdk_id": "xss", "name": HOSTILE}),
            )
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    admin
        .post_empty(&format!("/api/config/models/{model}/set-default"))
        .await;

    // A thread: title, a message, a reply full of markup, a tag, a folder.
    let folder = created(
        user.post_json("/api/folders", json!({"name": hostile(60)}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let thread = created(
        user.post_json("/api/conversations", json!({"title": HOSTILE}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let done = user
        .post_json(
            "/api/chat/complete",
            json!({"conversation_id": thread, "content": HOSTILE, "model_id": model}),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    json_of(
        user.put_json(
            &format!("/api/conversations/{thread}"),
            json!({"folder_id": folder, "tags": [hostile(40)]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let share = created(
        user.post_empty(&format!("/api/conversations/{thread}/share"))
            .await,
    )
    .await;

    // Notes, prompts, agents (every text field), a backroom run.
    let note = created(
        user.post_json("/api/notes", json!({"title": HOSTILE, "body": HOSTILE}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    created(
        user.post_json(
            "/api/prompts",
            json!({"title": hostile(100), "body": HOSTILE}),
        )
        .await,
    )
    .await;
    let mut agents = Vec::new();
    for _ in 0..2 {
        let a = created(
            user.post_json(
                "/api/agents",
                json!({"name": hostile(80), "description": HOSTILE, "system_prompt": HOSTILE,
                       "model_id": model}),
            )
            .await,
        )
        .await;
        agents.push(a["id"].as_i64().unwrap());
    }
    let room = created(
        user.post_json(
            "/api/backrooms",
            json!({"title": HOSTILE, "scenario": HOSTILE, "participants": agents,
                   "max_turns": 2, "stop_patterns": [hostile(100)]}),
        )
        .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    created(
        user.post_json(
            &format!("/api/backrooms/{room}/interject"),
            json!({"content": HOSTILE}),
        )
        .await,
    )
    .await;
    common::run_to_end(&user, room).await;

    let pages = [
        "/".to_string(),
        format!("/c/{thread}"),
        "/threads".into(),
        format!("/threads?folder={folder}"),
        format!("/search?q={}", "alert"),
        "/notes".into(),
        format!("/notes/{note}"),
        "/prompts".into(),
        "/agents".into(),
        format!("/agents/{}", agents[0]),
        "/backrooms".into(),
        "/backrooms/new".into(),
        format!("/backrooms/{room}"),
        "/profile".into(),
    ];
    for path in &pages {
        let html = page(&user, path).await;
        assert_inert(&html, path);
    }
    // The title is the user's text, shown as text.
    let html = page(&user, &format!("/c/{thread}")).await;
    assert!(
        html.contains("<title>x&lt;/title&gt;&lt;script&gt;"),
        "{html}"
    );
    let html = page(&user, &format!("/notes/{note}")).await;
    assert!(
        html.contains("&lt;/textarea&gt;&lt;img src=x"),
        "note body kept: {html}"
    );

    // The share link, signed out; the admin's pages.
    let anon = server.client();
    let share_url = share["url"].as_str().unwrap().to_string();
    let share_path = share_url
        .find("/s/")
        .map(|i| share_url[i..].to_string())
        .unwrap();
    assert_inert(&page(&anon, &share_path).await, &share_path);
    for path in ["/settings/providers", "/admin", "/"] {
        assert_inert(&page(&admin, path).await, path);
    }

    // Forms refilled from the flash cookie after an error.
    let note_id = note.to_string();
    let long_title = "t".repeat(300);
    let refills = [
        (
            "/fn/agents/save",
            vec![
                ("name", ""),
                ("system_prompt", HOSTILE),
                ("description", HOSTILE),
            ],
            "/agents/new",
        ),
        (
            "/fn/prompts/manage",
            vec![("action", "create"), ("title", ""), ("body", HOSTILE)],
            "/prompts",
        ),
        (
            "/backrooms/new",
            vec![
                ("title", HOSTILE),
                ("scenario", HOSTILE),
                ("stop_patterns", HOSTILE),
                ("max_turns", "x"),
            ],
            "/backrooms/new",
        ),
        (
            "/fn/notes/save",
            vec![("id", &note_id), ("title", &long_title), ("body", HOSTILE)],
            "/notes",
        ),
    ];
    for (action, fields, shown) in refills {
        let res = user.post_form(action, &fields).await;
        assert!(res.status().is_redirection(), "{action}: {}", res.status());
        let back = location(&res);
        assert!(back.starts_with(shown), "{action} went to {back}");
        let html = page(&user, &back).await;
        assert_inert(&html, &format!("{back} refilled by {action}"));
        assert!(
            html.contains("&lt;/textarea&gt;&lt;img src=x"),
            "{action}: the typed text is kept in {back}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;
    for path in [
        "/",
        "/notes",
        "/s/no-such-link",
        "/api/users/profile",
        "/healthz",
        "/api/nope",
    ] {
        let res = c.get(path).await;
        let h = res.headers();
        let get = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("referrer-policy"), "same-origin", "{path}");
        assert!(get("permissions-policy").contains("camera=()"), "{path}");
        let csp = get("content-security-policy");
        for rule in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "'wasm-unsafe-eval'",
        ] {
            assert!(csp.contains(rule), "{path}: {rule} missing from {csp}");
        }
        let script = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap_or_default()
            .to_string();
        assert!(!script.contains("unsafe-inline"), "{path}: {script}");
        assert!(!script.contains("'unsafe-eval'"), "{path}: {script}");
        let is_page = !path.starts_with("/api") && path != "/healthz";
        assert!(
            res.status().is_success() || path.starts_with("/s/") || path == "/api/nope",
            "{path}: {}",
            res.status()
        );
        if is_page {
            // Every inline script carries the page's nonce, a fresh one.
            let nonce = script
                .split_whitespace()
                .find_map(|s| s.strip_prefix("'nonce-"))
                .map(|s| s.trim_end_matches('\'').to_string())
                .unwrap_or_else(|| panic!("{path}: no nonce in {script}"));
            let html = res.text().await.unwrap();
            let mut inline = 0;
            for tag in html.split("<script").skip(1) {
                let open = tag.split('>').next().unwrap_or_default();
                if !open.contains("src=") {
                    inline += 1;
                    assert!(
                        open.contains(&format!("nonce=\"{nonce}\"")),
                        "{path}: inline script without the nonce: <script{open}>"
                    );
                }
            }
            assert!(inline >= 1, "{path}: the island loader is inline");
            let again = c.get(path).await;
            let next = again
                .headers()
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            assert!(!next.contains(&nonce), "{path}: the nonce is reused");
        }
    }
}

/// A client that sends exactly the cookie it is given (no cookie jar).
fn bare_client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_planted_session_is_never_shared_after_sign_in() {
    let server = TestServer::start().await;
    let (_admin, _user) = server.admin_and_user().await;
    server.client().register("victim", PW).await;
    let http = bare_client();

    for (how, path) in [("REST", "/api/auth/login"), ("form", "/fn/login")] {
        // The attacker signs in and plants that cookie in the victim's browser.
        let planted = session_cookie(&server.client().login("user", "user password").await)
            .expect("attacker's cookie");
        let req = http
            .post(server.url(path))
            .header("cookie", &planted)
            .header("origin", &server.base);
        let res = if how == "REST" {
            req.json(&json!({"username": "victim", "password": PW}))
                .send()
                .await
                .unwrap()
        } else {
            req.header("accept", "text/html")
                .form(&[("username", "victim"), ("password", PW), ("next", "/")])
                .send()
                .await
                .unwrap()
        };
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{how}"
        );
        let fresh = session_cookie(&res).expect("a new session cookie");
        assert_ne!(fresh, planted, "{how}: the session id must change");

        // The attacker's cookie is worth nothing now; the victim's works.
        let whoami = |cookie: String| {
            let http = http.clone();
            let url = server.url("/api/users/profile");
            async move { http.get(url).header("cookie", cookie).send().await.unwrap() }
        };
        let theirs = whoami(planted.clone()).await;
        assert_eq!(theirs.status(), StatusCode::UNAUTHORIZED, "{how}");
        let mine = json_of(whoami(fresh).await, StatusCode::OK).await;
        assert_eq!(mine["username"], "victim", "{how}");
    }
}

#[tokio::test]
async fn next_cannot_leave_the_site_or_break_the_answer() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;
    for (next, expected) in [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("\t//evil.example", "/"),
        ("/\r\nSet-Cookie: x=1", "/Set-Cookie:%20x=1"),
        ("/x\u{0}y", "/"),
        ("/x\u{b}y", "/"),
        ("https://evil.example", "/"),
        ("/notes\t/1", "/notes/1"),
        ("/c/é", "/c/%C3%A9"),
        ("/profile", "/profile"),
    ] {
        for path in ["/fn/login", "/fn/register"] {
            let fresh = server.client();
            let (user, pw) = if path == "/fn/login" {
                ("alice", PW)
            } else {
                ("nobody", "x")
            };
            let res = fresh
                .post_form(
                    path,
                    &[("username", user), ("password", pw), ("next", next)],
                )
                .await;
            assert_eq!(res.status(), StatusCode::FOUND, "{path} {next:?}");
            let to = location(&res);
            if path == "/fn/login" {
                assert_eq!(to, expected, "{path} {next:?}");
            } else {
                // Registration is closed: back to the form, next kept local.
                assert!(to.starts_with("/register?next="), "{to}");
                if expected == "/" {
                    assert!(to.ends_with("?next=/"), "{next:?} kept as {to}");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_rebinding_host_is_refused() {
    let server = TestServer::start().await;
    let http = bare_client();
    let evil = "rebind.evil.example";
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("rebind.evil.example"));
    headers.insert(
        "origin",
        HeaderValue::from_static("http://rebind.evil.example"),
    );
    let res = http
        .post(server.url("/api/auth/register"))
        .headers(headers.clone())
        .json(&json!({"username": "mallory", "password": PW}))
        .send()
        .await
        .unwrap();
    let body = json_of(res, StatusCode::BAD_REQUEST).await;
    assert!(body["error"].as_str().unwrap().contains("host"), "{body}");
    let form = http
        .post(server.url("/fn/register"))
        .headers(headers.clone())
        .header("accept", "text/html")
        .form(&[("username", "mallory"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::BAD_REQUEST, "{evil}");
    let read = http
        .get(server.url("/login"))
        .header("host", evil)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::BAD_REQUEST);

    // Nothing was created: the first real account is still the admin.
    let first = json_of(
        server.client().register("owner", PW).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["role"], "admin");
    // Our own names keep working.
    for host in ["localhost", "127.0.0.1"] {
        let port = server.base.rsplit(':').next().unwrap();
        let ok = http
            .get(server.url("/login"))
            .header("host", format!("{host}:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK, "{host}");
    }
}

/// Calls a server function the way an island does (not a plain form).
async fn call(api: &Api, name: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    api.http
        .post(api.url(&format!("/fn/{name}")))
        .header("origin", &api.base)
        .header("accept", "application/json")
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn server_functions_answer_what_rest_answers() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let note = created(
        admin
            .post_json("/api/notes", json!({"title": "Admin's", "body": "secret"}))
            .await,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let id = note.to_string();

    // Someone else's note: 404 with the same body as REST.
    let rest = json_of(
        user.get(&format!("/api/notes/{note}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let via_fn = json_of(
        call(&user, "notes/get", &[("id", &id)]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(via_fn, rest);
    assert!(!via_fn.to_string().contains("secret"));

    // Not allowed: 403; signed out: 401; a bad argument: 400 naming it.
    let forbidden = json_of(
        call(&user, "providers/settings", &[]).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(forbidden["error"].as_str().unwrap().contains("admin"));
    let anon = server.client();
    json_of(
        call(&anon, "notes/list", &[]).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let long = "x".repeat(200 * 1024);
    let bad = json_of(
        call(&user, "notes/preview", &[("body", &long)]).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad["field"], "body");
    let unparsable = call(&user, "notes/get", &[("id", "abc")]).await;
    assert_eq!(unparsable.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(unparsable, StatusCode::BAD_REQUEST).await["error"].is_string());
    // A plain form (JavaScript off) that fails still goes back to its page.
    let form = anon
        .http
        .post(anon.url("/fn/notes/save"))
        .header("origin", &anon.base)
        .header("referer", anon.url("/notes"))
        .header("accept", "text/html")
        .form(&[("id", id.as_str()), ("title", "t"), ("body", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FOUND);
    assert!(
        location(&form).starts_with(&anon.url("/notes")),
        "{}",
        location(&form)
    );
    // And success stays 200.
    let mine = call(&admin, "notes/get", &[("id", &id)]).await;
    assert_eq!(mine.status(), StatusCode::OK);
}

#[tokio::test]
async fn query_strings_that_do_not_parse_answer_json_naming_the_field() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;
    for (path, field) in [
        ("/api/conversations?limit=abc", "limit"),
        ("/api/conversations?archived=maybe", "archived"),
        ("/api/conversations?limit=99999999999999999999", "limit"),
        ("/api/search?q=x&offset=abc", "offset"),
    ] {
        let body = json_of(c.get(path).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["field"], field, "{path}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains(field),
            "{path}: {body}"
        );
    }
    assert_eq!(
        c.get("/api/conversations?limit=5&archived=true")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_agent_page_for_a_non_number_is_not_found() {
    let server = TestServer::start().await;
    let c = server.client();
    c.register("alice", PW).await;
    for path in ["/agents/abc", "/agents/12x", "/agents/99999"] {
        let res = c.get(path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            !html.contains("name=\"system_prompt\""),
            "{path}: no editor"
        );
    }
    assert_eq!(c.get("/agents/new").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_never_finishes_cannot_keep_the_server_from_stopping() {
    use tokio::io::AsyncWriteExt;
    let server = TestServer::start().await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // Half a request, never finished, and a connection that says nothing.
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let _silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(60), server.stop()).await;
    assert!(stopped.is_ok(), "the server never stopped");
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "the listener is gone"
    );
}
