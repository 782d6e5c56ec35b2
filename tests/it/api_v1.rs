//! Personal access tokens and the `/v1` API other programs use, over real
//! HTTP against the fake provider: tokens shown once and hashed at rest,
//! revoked, expired and disabled answer 401, a token reaches only its own
//! account's data; OpenAI's and Anthropic's formats, streamed and whole,
//! with an agent as the model, translated across provider formats, errors
//! in each format's shape, usage and limits counted.

use crate::common;

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, Api, TestServer};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Requests with a token and no cookie, as another program makes them.
struct Program {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Program {
    fn new(server: &TestServer, token: &str) -> Program {
        Program {
            http: reqwest::Client::new(),
            base: server.url(""),
            token: token.to_string(),
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

async fn token(api: &Api, name: &str) -> (i64, String) {
    let made = json_of(
        api.post_json("/api/tokens", json!({"name": name})).await,
        StatusCode::CREATED,
    )
    .await;
    (
        made["id"].as_i64().unwrap(),
        made["token"].as_str().unwrap().to_string(),
    )
}

/// One server-sent event as raw text: its name ("" when unnamed) and data.
struct Event {
    event: String,
    data: String,
}

/// Every event of a stream that ends.
async fn events(res: reqwest::Response) -> Vec<Event> {
    let text = res.text().await.unwrap();
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut e = Event {
                event: String::new(),
                data: String::new(),
            };
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    e.event = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    e.data.push_str(v.trim_start());
                }
            }
            e
        })
        .collect()
}

fn db(server: &TestServer) -> backrooms::server::db::Conn {
    server.db()
}

#[tokio::test]
async fn tokens_are_shown_once_hashed_at_rest_and_refused_once_revoked_or_expired() {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let made = json_of(
        user.post_json(
            "/api/tokens",
            json!({"name": "my editor", "expires_in_days": 30}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = made["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("bk_") && secret.len() == 46, "{secret}");
    assert!(secret[3..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(made["expires_at"].as_i64().unwrap() > made["created_at"].as_i64().unwrap());

    // Listed by name and prefix; the token itself never again.
    let list = user.get("/api/tokens").await.text().await.unwrap();
    assert!(list.contains("my editor") && list.contains(&secret[..11]));
    assert!(!list.contains(&secret));
    // At rest only its SHA-256.
    let mut conn = db(&server);
    let stored: Vec<u8> =
        diesel::dsl::sql::<diesel::sql_types::Binary>("SELECT token_hash FROM api_tokens")
            .get_result(&mut conn)
            .unwrap();
    use sha2::Digest;
    assert_eq!(stored, sha2::Sha256::digest(secret.as_bytes()).to_vec());
    assert!(!server.stores(&secret));

    // It is the account, on the REST API, with no cookie and no Origin
    // check (a program is no browser page).
    let program = Program::new(&server, &secret);
    let me = json_of(program.get("/api/users/profile").await, StatusCode::OK).await;
    assert_eq!(me["username"], "user");
    let res = program
        .http
        .post(server.url("/api/notes"))
        .bearer_auth(&secret)
        .header("origin", "https://elsewhere.example")
        .json(&json!({"title": "From a script", "body": "hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let used = json_of(user.get("/api/tokens").await, StatusCode::OK).await;
    assert!(used[0]["last_used_at"].as_i64().is_some());

    // A token that is not one wins over a good cookie: 401.
    let res = user
        .http
        .get(user.url("/api/users/profile"))
        .bearer_auth("bk_not-a-real-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Expired: 401.
    diesel::sql_query("UPDATE api_tokens SET expires_at = 1")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        program.get("/api/users/profile").await.status(),
        StatusCode::UNAUTHORIZED
    );
    diesel::sql_query("UPDATE api_tokens SET expires_at = NULL")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        program.get("/api/users/profile").await.status(),
        StatusCode::OK
    );

    // A disabled account's token: 401; enabled again, it works again.
    let uid = me["id"].as_i64().unwrap();
    let path = format!("/api/admin/users/{uid}");
    let put = |disabled: bool| admin.put_json(&path, json!({"disabled": disabled}));
    assert_eq!(put(true).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        program.get("/api/users/profile").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(put(false).await.status(), StatusCode::NO_CONTENT);
    // (Disabling ended the user's browser session too.)
    assert_eq!(
        user.login("user", "user password").await.status(),
        StatusCode::OK
    );

    // Revoked: 401 at once. Someone else's token id is theirs to revoke.
    let id = made["id"].as_i64().unwrap();
    assert_eq!(
        admin.delete(&format!("/api/tokens/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        user.delete(&format!("/api/tokens/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let res = program.get("/v1/models").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error", "{body}");

    // Bad input says what is wrong.
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (
            json!({"name": "x", "expires_in_days": 0}),
            "expires_in_days",
        ),
    ] {
        let e = json_of(
            user.post_json("/api/tokens", body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(e["field"], field);
    }
}

#[tokio::test]
async fn a_token_reaches_only_its_own_accounts_data() {
    let server = TestServer::start().await;
    let (admin, alice) = server.admin_and_user().await;
    let thread = json_of(
        alice
            .post_json("/api/conversations", json!({"title": "Alice's"}))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (_, admins) = token(&admin, "admin's script").await;
    let program = Program::new(&server, &admins);
    // Not even an admin's token opens another account's thread.
    assert_eq!(
        program
            .get(&format!("/api/conversations/{thread}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let (_, alices) = token(&alice, "alice's").await;
    let program = Program::new(&server, &alices);
    assert_eq!(
        program
            .get(&format!("/api/conversations/{thread}"))
            .await
            .status(),
        StatusCode::OK
    );
    // And a user's token is no admin.
    assert_eq!(
        program.get("/api/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );
    // Pages and forms stay with the cookie: a token opens none.
    let res = program.get("/notes").await;
    assert!(res.url().path().starts_with("/login"), "{}", res.url());
}

struct Setup {
    server: TestServer,
    admin: Api,
    user: Api,
    program: Program,
    fake: FakeProvider,
}

async fn setup() -> Setup {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let openai = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    add_model(&admin, openai, "chunks-3-0").await;
    add_model(&admin, openai, "fault-500").await;
    let anthropic = add_provider(&admin, "fa", "anthropic", &fake.anthropic_base()).await;
    add_model(&admin, anthropic, "claude-fake").await;
    let (_, secret) = token(&user, "tests").await;
    let program = Program::new(&server, &secret);
    Setup {
        server,
        admin,
        user,
        program,
        fake,
    }
}

#[tokio::test]
async fn openai_chat_completions_whole_and_streamed_with_models_and_agents() {
    let s = setup().await;
    let agent = json_of(
        s.user
            .post_json(
                "/api/agents",
                json!({"name": "Pirate", "system_prompt": "Talk like a pirate.", "temperature": 0.3}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let models = json_of(s.program.get("/v1/models").await, StatusCode::OK).await;
    assert_eq!(models["object"], "list");
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"fo:chunks-3-0") && ids.contains(&"fa:claude-fake"),
        "{ids:?}"
    );
    assert!(ids.contains(&format!("agent:{agent}").as_str()));

    // Whole.
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "temperature": 0.5, "top_p": 0.9, "stop": "zz",
                   "messages": [{"role": "system", "content": "Be brief."},
                                {"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}),
        )
        .await;
    let body = json_of(res, StatusCode::OK).await;
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "fo:chunks-3-0");
    assert_eq!(body["choices"][0]["message"]["content"], "w0 w1 w2 ");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(body["usage"]["prompt_tokens"], 11);
    assert_eq!(body["usage"]["completion_tokens"], 3);
    let sent = s.fake.last_request();
    assert_eq!(sent["model"], "chunks-3-0");
    assert_eq!(sent["temperature"], 0.5);
    assert!((sent["top_p"].as_f64().unwrap() - 0.9).abs() < 1e-6);
    assert_eq!(sent["stop"], json!(["zz"]));
    assert_eq!(
        sent["messages"][0],
        json!({"role": "system", "content": "Be brief."})
    );

    // Streamed, usage included, ending in [DONE].
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "stream": true,
                   "stream_options": {"include_usage": true},
                   "messages": [{"role": "user", "content": "Hi"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let events = events(res).await;
    let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data.last(), Some(&"[DONE]"));
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "w0 w1 w2 ");
    let finish = &chunks[chunks.len() - 2];
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    let usage = chunks.last().unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["total_tokens"], 14);

    // An agent as the model: its prompt first, its temperature unless set.
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": format!("agent:{agent}"),
                   "messages": [{"role": "user", "content": "Ahoy?"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
    let sent = s.fake.last_request();
    assert_eq!(
        sent["messages"][0],
        json!({"role": "system", "content": "Talk like a pirate."})
    );
    assert!((sent["temperature"].as_f64().unwrap() - 0.3).abs() < 1e-6);

    // Usage is counted like a reply's: 3 replies of 14 tokens (the last
    // is booked as its stream ends, a moment after the client has it).
    let mut report = Value::Null;
    for _ in 0..40 {
        report = json_of(s.user.get("/api/usage").await, StatusCode::OK).await;
        if report["total"]["replies"] == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let total = &report["total"];
    assert_eq!(total["replies"], 3, "{report}");
    assert_eq!(
        total["prompt_tokens"].as_i64().unwrap() + total["completion_tokens"].as_i64().unwrap(),
        42
    );
    // Stateless: no thread was stored.
    let threads = json_of(s.user.get("/api/conversations").await, StatusCode::OK).await;
    assert!(threads["items"].as_array().unwrap().is_empty());
    drop(s.server);
}

#[tokio::test]
async fn openai_format_reaches_an_anthropic_provider_and_back() {
    let s = setup().await;
    let body = json_of(
        s.program
            .post(
                "/v1/chat/completions",
                json!({"model": "fa:claude-fake", "max_tokens": 50,
                       "messages": [{"role": "system", "content": "Be brief."},
                                    {"role": "user", "content": "Hi"}]}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(!body["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .is_empty());
    let sent = s.fake.last_request();
    assert_eq!(sent["system"], "Be brief.");
    assert_eq!(sent["max_tokens"], 50);
    assert_eq!(sent["messages"], json!([{"role": "user", "content": "Hi"}]));
}

#[tokio::test]
async fn anthropic_messages_whole_and_streamed_from_an_openai_provider() {
    let s = setup().await;
    // x-api-key carries the token, as Anthropic's clients send it.
    let res = s
        .program
        .http
        .post(s.server.url("/v1/messages"))
        .header("x-api-key", &s.program.token)
        .header("anthropic-version", "2023-06-01")
        .json(
            &json!({"model": "fo:chunks-3-0", "max_tokens": 64, "system": "Be brief.",
                      "messages": [{"role": "user", "content": "Hi"}]}),
        )
        .send()
        .await
        .unwrap();
    let body = json_of(res, StatusCode::OK).await;
    assert_eq!(body["type"], "message");
    assert_eq!(body["role"], "assistant");
    assert_eq!(
        body["content"],
        json!([{"type": "text", "text": "w0 w1 w2 "}])
    );
    assert_eq!(body["stop_reason"], "end_turn");
    assert_eq!(
        body["usage"],
        json!({"input_tokens": 11, "output_tokens": 3})
    );
    let sent = s.fake.last_request();
    assert_eq!(
        sent["messages"][0],
        json!({"role": "system", "content": "Be brief."})
    );
    assert_eq!(sent["max_tokens"], 64);

    let res = s
        .program
        .post(
            "/v1/messages",
            json!({"model": "fo:chunks-3-0", "max_tokens": 64, "stream": true,
                   "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let events = events(res).await;
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names.first(), Some(&"message_start"));
    assert_eq!(names[1], "content_block_start");
    assert_eq!(
        &names[names.len() - 3..],
        &["content_block_stop", "message_delta", "message_stop"]
    );
    let text: String = events
        .iter()
        .filter(|e| e.event == "content_block_delta")
        .map(|e| {
            serde_json::from_str::<Value>(&e.data).unwrap()["delta"]["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(text, "w0 w1 w2 ");
    let delta: Value = serde_json::from_str(&events[events.len() - 2].data).unwrap();
    assert_eq!(delta["usage"]["output_tokens"], 3);
    assert_eq!(delta["delta"]["stop_reason"], "end_turn");
}

#[tokio::test]
async fn v1_errors_come_in_each_formats_shape() {
    let s = setup().await;
    let openai_error = |res: reqwest::Response, status: StatusCode| async move {
        assert_eq!(res.status(), status);
        let body: Value = res.json().await.unwrap();
        assert!(body["error"]["message"].is_string(), "{body}");
        body
    };
    let e = openai_error(
        s.program
            .post(
                "/v1/chat/completions",
                json!({"model": "nope:nothing", "messages": [{"role": "user", "content": "Hi"}]}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["error"]["type"], "invalid_request_error");
    assert_eq!(e["error"]["code"], "model");
    let e = openai_error(
        s.program
            .post("/v1/chat/completions", json!({"model": "fo:chunks-3-0"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        e["error"]["message"].as_str().unwrap().contains("messages"),
        "{e}"
    );
    let e = openai_error(
        s.program
            .post(
                "/v1/chat/completions",
                json!({"model": "fo:chunks-3-0", "n": 2,
                       "messages": [{"role": "user", "content": "Hi"}]}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(e["error"]["code"], "n");
    let e = openai_error(
        s.program
            .post(
                "/v1/chat/completions",
                json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content":
                       [{"type": "image_url", "image_url": {"url": "data:x"}}]}]}),
            )
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("image_url"));
    // A provider fault is a 502 in the same shape.
    let e = openai_error(
        s.program
            .post(
                "/v1/chat/completions",
                json!({"model": "fo:fault-500", "messages": [{"role": "user", "content": "Hi"}]}),
            )
            .await,
        StatusCode::BAD_GATEWAY,
    )
    .await;
    assert_eq!(e["error"]["type"], "server_error");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("500"),
        "{e}"
    );
    // A long conversation (1 MB, past the REST API's 512 KB) is taken; past
    // 4 MB the refusal is a 413 in the same shape, not plain text.
    let long = "word ".repeat(200_000);
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": long}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let huge = "word ".repeat(900_000);
    let e = openai_error(
        s.program
            .post(
                "/v1/chat/completions",
                json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": huge}]}),
            )
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(e["error"]["type"], "invalid_request_error");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("4 MB"),
        "{e}"
    );
    // Signed out: 401.
    let res = reqwest::Client::new()
        .get(s.server.url("/v1/models"))
        .send()
        .await
        .unwrap();
    openai_error(res, StatusCode::UNAUTHORIZED).await;

    // Anthropic's shape on /v1/messages.
    let res = s
        .program
        .post(
            "/v1/messages",
            json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": "Hi"}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("max_tokens"),
        "{body}"
    );
    let res = reqwest::Client::new()
        .post(s.server.url("/v1/messages"))
        .header("x-api-key", "bk_revoked-or-never-was-a-token-at-all-000000")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");

    // Over a limit: 429 with Retry-After, in the shape.
    let me = json_of(s.user.get("/api/users/profile").await, StatusCode::OK).await;
    let admin = s.server.client();
    admin.login("admin", "admin password").await;
    let res = admin
        .put_json(
            &format!("/api/admin/users/{}/limits", me["id"]),
            json!({"tokens_per_day": 0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": "Hi"}]}),
        )
        .await;
    assert!(res.headers().contains_key("retry-after"));
    let e = openai_error(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(e["error"]["type"], "rate_limit_exceeded");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Daily token limit"));
}

#[tokio::test]
async fn the_profile_makes_shows_once_and_revokes_tokens_with_plain_forms() {
    let server = TestServer::start().await;
    let (_, user) = server.admin_and_user().await;
    let res = user
        .post_form(
            "/fn/tokens/create",
            &[("name", "My editor"), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(common::location(&res), "/profile#tokens");
    let html = user.get("/profile").await.text().await.unwrap();
    assert!(html.contains("Token My editor created."));
    let start = html.find(r#"class="token-value""#).expect(&html);
    let value = &html[start..];
    let token: String = value[value.find("bk_").unwrap()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(token.len(), 46);
    // Once: the next page has only its name and prefix.
    let again = user.get("/profile").await.text().await.unwrap();
    assert!(!again.contains(&token));
    assert!(again.contains("My editor") && again.contains(&token[..11]));

    let program = Program::new(&server, &token);
    assert_eq!(program.get("/v1/models").await.status(), StatusCode::OK);
    let id = json_of(user.get("/api/tokens").await, StatusCode::OK).await[0]["id"]
        .as_i64()
        .unwrap();
    // A refused name comes back beside the form.
    let res = user
        .post_form(
            "/fn/tokens/create",
            &[("name", " "), ("expires_in_days", "never")],
        )
        .await;
    let html = user
        .get(&common::location(&res))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Give the token a name."));
    let res = user
        .post_form("/fn/tokens/revoke", &[("id", &id.to_string())])
        .await;
    let html = user
        .get(&common::location(&res))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Token revoked"));
    assert_eq!(
        program.get("/v1/models").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_exchange_is_kept_as_a_thread_when_asked() {
    let s = setup().await;
    let ask = |content: &str| {
        json!({"model": "fo:chunks-3-0",
               "messages": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": "Plan a picnic"},
                            {"role": "assistant", "content": "w0 w1 w2 "},
                            {"role": "user", "content": content}]})
    };
    let post = |body: Value, keep: String| {
        let p = &s.program;
        async move {
            p.http
                .post(format!("{}/v1/chat/completions", p.base))
                .bearer_auth(&p.token)
                .header("X-Backrooms-Thread", keep.as_str())
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = post(ask("Where?"), "new".into()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let thread: i64 = res.headers()["x-backrooms-thread"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let finished = |thread: i64| {
        let user = &s.user;
        async move {
            for _ in 0..100 {
                let t = json_of(
                    user.get(&format!("/api/conversations/{thread}")).await,
                    StatusCode::OK,
                )
                .await;
                if t["messages"].as_array().unwrap().last().unwrap()["status"] == "complete" {
                    return t;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("the kept reply never finished");
        }
    };
    let t = finished(thread).await;
    let spoken: Vec<(&str, &str)> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
        .collect();
    assert_eq!(
        spoken,
        [
            ("user", "Plan a picnic"),
            ("assistant", "w0 w1 w2 "),
            ("user", "Where?"),
            ("assistant", "w0 w1 w2 ")
        ]
    );
    assert_eq!(t["title"], "Where?");
    let reply = t["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(reply["completion_tokens"], 3);

    // Streamed into the same thread: only the new turn is added.
    let mut body = ask("When?");
    body["stream"] = json!(true);
    let res = post(body, thread.to_string()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["x-backrooms-thread"],
        thread.to_string().as_str()
    );
    res.text().await.unwrap();
    let t = finished(thread).await;
    assert_eq!(t["messages"].as_array().unwrap().len(), 6);
    assert_eq!(t["messages"][4]["content"], "When?");
    // Counted once each: two replies in the ledger.
    let report = json_of(s.user.get("/api/usage").await, StatusCode::OK).await;
    assert_eq!(report["total"]["replies"], 2, "{report}");

    // Someone else's thread, or a bad header: refused in OpenAI's shape.
    let other = s.server.client();
    other.login("admin", "admin password").await;
    let theirs = json_of(
        other.post_json("/api/conversations", json!({})).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let res = post(ask("Hi"), theirs.to_string()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["error"]["type"], "not_found_error");
    let res = post(ask("Hi"), "yes please".into()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["error"]["code"], "X-Backrooms-Thread");
}

#[tokio::test]
async fn pictures_go_through_v1_in_both_formats_to_models_that_see_them() {
    let s = setup().await;
    // A 2x2 PNG, as clients send it.
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(2, 2)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(png.into_inner())
    };
    let openai_parts = json!([
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": format!("data:image/png;base64,{b64}")}}
    ]);
    // Not a model that sees pictures: 400 naming it, in OpenAI's shape.
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": openai_parts}]}),
        )
        .await;
    let e = json_of(res, StatusCode::BAD_REQUEST).await;
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fo:chunks-3-0"),
        "{e}"
    );
    for sdk in ["fo:chunks-3-0", "fa:claude-fake"] {
        let registry = json_of(s.admin.get("/api/model-registry").await, StatusCode::OK).await;
        let id = registry["providers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["models"].as_array().unwrap().clone())
            .find(|m| m["model_sdk_id"] == sdk)
            .and_then(|m| m["id"].as_i64())
            .unwrap();
        let res = s
            .admin
            .put_json(&format!("/api/config/models/{id}"), json!({"vision": true}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // OpenAI's parts in, to an OpenAI-format provider: the same parts out.
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": openai_parts}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent = s.fake.last_request();
    assert_eq!(sent["messages"][0]["content"], openai_parts);
    // OpenAI's parts in, to an Anthropic-format provider: an image block.
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fa:claude-fake", "messages": [{"role": "user", "content": openai_parts}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent = s.fake.last_request();
    assert_eq!(
        sent["messages"][0]["content"],
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": b64}},
            {"type": "text", "text": "What is this?"}
        ])
    );
    // Anthropic's image block in, to an OpenAI-format provider.
    let res = s
        .program
        .post(
            "/v1/messages",
            json!({"model": "fo:chunks-3-0", "max_tokens": 64, "messages": [{"role": "user", "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": b64}},
                {"type": "text", "text": "What is this?"}
            ]}]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        s.fake.last_request()["messages"][0]["content"],
        openai_parts
    );
    // A URL is never fetched.
    let res = s
        .program
        .post(
            "/v1/chat/completions",
            json!({"model": "fo:chunks-3-0", "messages": [{"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
            ]}]}),
        )
        .await;
    let e = json_of(res, StatusCode::BAD_REQUEST).await;
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no URL is fetched"),
        "{e}"
    );
}
