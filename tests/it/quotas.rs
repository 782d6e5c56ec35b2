//! Usage and limits over real HTTP against the fake provider: the ledger
//! sums the stored tokens, cost follows the model's price, and every limit
//! (tokens per day and month, cost, replies at once, per minute) refuses
//! with 429, Retry-After and when it frees, also under 20 parallel sends,
//! and pauses a backroom with reason "quota".

use crate::common;

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, new_thread, Api, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

struct Setup {
    admin: Api,
    user: Api,
    user_id: i64,
    model: i64,
    _fake: FakeProvider,
}

async fn setup(server: &TestServer, sdk: &str) -> Setup {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let model = add_model(&admin, provider, sdk).await;
    let me = json_of(user.get("/api/users/profile").await, StatusCode::OK).await;
    Setup {
        admin,
        user,
        user_id: me["id"].as_i64().unwrap(),
        model,
        _fake: fake,
    }
}

/// Sends and reads the reply to its end.
async fn chat(api: &Api, thread: i64) {
    let res = try_send(api, thread, "hello").await;
    assert_eq!(res.status(), StatusCode::OK);
    SseReader::new(res).all().await;
}

async fn set_limits(s: &Setup, body: Value) {
    let res = s
        .admin
        .put_json(&format!("/api/admin/users/{}/limits", s.user_id), body)
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
}

async fn messages(api: &Api, thread: i64) -> Vec<Value> {
    json_of(
        api.get(&format!("/api/conversations/{thread}")).await,
        StatusCode::OK,
    )
    .await["messages"]
        .as_array()
        .unwrap()
        .clone()
}

/// Prompt and completion tokens stored on the thread's replies.
async fn tokens_of(api: &Api, thread: i64) -> i64 {
    messages(api, thread)
        .await
        .iter()
        .filter_map(|m| Some(m["prompt_tokens"].as_i64()? + m["completion_tokens"].as_i64()?))
        .sum()
}

/// A send that may be refused: the answer as it came.
async fn try_send(api: &Api, thread: i64, content: &str) -> reqwest::Response {
    api.post_json(
        "/api/chat/stream",
        json!({"conversation_id": thread, "content": content}),
    )
    .await
}

/// The ledger frees a reply's place only after its end is stored; wait
/// until nothing of the user is in flight.
async fn idle(api: &Api) {
    for _ in 0..100 {
        let mine = json_of(api.get("/api/limits").await, StatusCode::OK).await;
        let busy = mine["limits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "concurrent" && l["used"].as_f64().unwrap() > 0.0);
        if !busy {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("a reply stayed in flight");
}

#[tokio::test]
async fn usage_sums_the_stored_tokens_and_costs_them_at_the_models_price() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-4-1").await;
    let res = s
        .admin
        .put_json(
            &format!("/api/config/models/{}", s.model),
            json!({"input_price": 2.5, "output_price": 10.0}),
        )
        .await;
    let model = json_of(res, StatusCode::OK).await;
    assert_eq!(model["input_price"], 2.5);
    let bad = s
        .admin
        .put_json(
            &format!("/api/config/models/{}", s.model),
            json!({"input_price": -1}),
        )
        .await;
    assert_eq!(
        json_of(bad, StatusCode::BAD_REQUEST).await["field"],
        "input_price"
    );

    let t = new_thread(&s.user, s.model).await;
    chat(&s.user, t).await;
    chat(&s.user, t).await;
    let stored: (i64, i64) = messages(&s.user, t)
        .await
        .iter()
        .filter(|m| m["role"] == "assistant")
        .fold((0, 0), |(p, c), m| {
            (
                p + m["prompt_tokens"].as_i64().unwrap(),
                c + m["completion_tokens"].as_i64().unwrap(),
            )
        });
    assert!(stored.0 > 0 && stored.1 == 8, "{stored:?}");

    let by_model = json_of(s.user.get("/api/usage?group=model").await, StatusCode::OK).await;
    assert_eq!(by_model["rows"].as_array().unwrap().len(), 1);
    let row = &by_model["rows"][0];
    assert_eq!(row["key"], "fo:chunks-4-1");
    assert_eq!(
        (
            row["prompt_tokens"].as_i64().unwrap(),
            row["completion_tokens"].as_i64().unwrap()
        ),
        stored
    );
    assert_eq!(row["replies"], 2);
    let cost = (stored.0 as f64 * 2.5 + stored.1 as f64 * 10.0) / 1e6;
    assert!((row["cost"].as_f64().unwrap() - cost).abs() < 1e-9, "{row}");

    // By day: every day of the month so far, today holding it all.
    let by_day = json_of(s.user.get("/api/usage").await, StatusCode::OK).await;
    let days = by_day["rows"].as_array().unwrap();
    assert_eq!(days.last().unwrap()["key"], by_day["to"]);
    assert_eq!(days.last().unwrap()["replies"], 2);
    assert_eq!(by_day["total"]["replies"], 2);

    let csv = s.user.get("/api/usage.csv?group=model").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("model,prompt_tokens,completion_tokens,replies,cost_usd,own_key_tokens\n")
    );
    assert!(text.contains(&format!("fo:chunks-4-1,{},{},2,", stored.0, stored.1)));

    // Only an admin sees another account's or everyone's.
    let admin_id = json_of(s.admin.get("/api/users/profile").await, StatusCode::OK).await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        s.user
            .get(&format!("/api/usage?user={admin_id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let by_user = json_of(s.admin.get("/api/usage?group=user").await, StatusCode::OK).await;
    assert_eq!(by_user["rows"][0]["key"], "user");
    assert_eq!(by_user["rows"][0]["replies"], 2);
    let bad = s.user.get("/api/usage?from=yesterday").await;
    assert_eq!(json_of(bad, StatusCode::BAD_REQUEST).await["field"], "from");
}

#[tokio::test]
async fn a_daily_token_limit_refuses_with_429_and_says_when_it_resets() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-3-1").await;
    let t = new_thread(&s.user, s.model).await;
    chat(&s.user, t).await;
    idle(&s.user).await;
    let used = tokens_of(&s.user, t).await;
    set_limits(&s, json!({"tokens_per_day": used})).await;

    let before = messages(&s.user, t).await.len();
    let res = try_send(&s.user, t, "one more").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&wait));
    let err: Value = res.json().await.unwrap();
    let why = err["error"].as_str().unwrap();
    assert!(
        why.contains("Daily token limit") && why.contains("resets at 00:00 UTC"),
        "{why}"
    );
    assert_eq!(
        messages(&s.user, t).await.len(),
        before,
        "nothing half-stored"
    );

    let mine = json_of(s.user.get("/api/limits").await, StatusCode::OK).await;
    let day = &mine["limits"][0];
    assert_eq!(day["kind"], "tokens_per_day");
    assert_eq!(day["limit"].as_f64().unwrap() as i64, used);
    assert_eq!(day["used"].as_f64().unwrap() as i64, used);
    assert!(day["resets_at"].as_i64().unwrap() % 86_400 == 0);

    // An override of null lifts it while the default still holds others.
    let res = s
        .admin
        .put_json("/api/admin/limits", json!({"tokens_per_day": 1}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    set_limits(&s, json!({"tokens_per_day": null})).await;
    chat(&s.user, t).await;
    let got = json_of(
        s.admin
            .get(&format!("/api/admin/users/{}/limits", s.user_id))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["overrides"], json!({"tokens_per_day": null}));
    assert_eq!(got["effective"]["tokens_per_day"], Value::Null);
    // The admin (no override) is held by the default of 1 token.
    let admin_thread = new_thread(&s.admin, s.model).await;
    chat(&s.admin, admin_thread).await;
    idle(&s.admin).await;
    let res = try_send(&s.admin, admin_thread, "again").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn twenty_parallel_sends_with_room_for_one_start_exactly_one() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-2-1").await;
    let t = new_thread(&s.user, s.model).await;
    chat(&s.user, t).await;
    idle(&s.user).await;
    let used = tokens_of(&s.user, t).await;
    set_limits(&s, json!({"tokens_per_day": used + 1})).await;

    let mut threads = Vec::new();
    for _ in 0..20 {
        threads.push(new_thread(&s.user, s.model).await);
    }
    let sends = threads.iter().map(|t| try_send(&s.user, *t, "race"));
    let answers = futures::future::join_all(sends).await;
    let started = answers
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((started, refused), (1, 19));
}

#[tokio::test]
async fn replies_at_once_and_per_minute_are_limited_too() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-20-50").await;
    set_limits(&s, json!({"concurrent": 1})).await;
    let mut threads = Vec::new();
    for _ in 0..20 {
        threads.push(new_thread(&s.user, s.model).await);
    }
    let sends = threads.iter().map(|t| try_send(&s.user, *t, "slow"));
    let answers = futures::future::join_all(sends).await;
    let ok: Vec<_> = answers
        .into_iter()
        .filter(|r| {
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                assert_eq!(r.headers()["retry-after"], "5");
            }
            r.status() == StatusCode::OK
        })
        .collect();
    assert_eq!(ok.len(), 1, "one reply at a time");
    for r in ok {
        SseReader::new(r).all().await;
    }
    idle(&s.user).await;
    chat(&s.user, threads[1]).await;

    set_limits(&s, json!({"concurrent": null, "requests_per_minute": 2})).await;
    let fast = add_model(
        &s.admin,
        json_of(
            s.admin
                .get(&format!("/api/config/models/{}", s.model))
                .await,
            StatusCode::OK,
        )
        .await["provider_id"]
            .as_i64()
            .unwrap(),
        "chunks-1-1",
    )
    .await;
    let t = new_thread(&s.user, fast).await;
    // Two replies were started within this minute already.
    let res = try_send(&s.user, t, "third").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let err: Value = res.json().await.unwrap();
    assert!(err["error"]
        .as_str()
        .unwrap()
        .contains("in the last minute"));
}

#[tokio::test]
async fn a_monthly_cost_limit_counts_the_price_and_limits_validate() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-2-1").await;
    s.admin
        .put_json(
            &format!("/api/config/models/{}", s.model),
            json!({"input_price": 1000.0, "output_price": 1000.0}),
        )
        .await;
    set_limits(&s, json!({"cost_per_month": 0.01})).await;
    let t = new_thread(&s.user, s.model).await;
    chat(&s.user, t).await;
    idle(&s.user).await;
    let res = try_send(&s.user, t, "more").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let err: Value = res.json().await.unwrap();
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("Monthly cost limit"),
        "{err}"
    );

    for (body, field) in [
        (json!({"concurrent": 0}), "concurrent"),
        (json!({"tokens_per_day": -5}), "tokens_per_day"),
        (json!({"cost_per_month": -1.0}), "cost_per_month"),
    ] {
        let res = s.admin.put_json("/api/admin/limits", body).await;
        assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], field);
    }
    let res = s
        .admin
        .put_json("/api/admin/limits", json!({"tokens": 5}))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "unknown fields are refused"
    );
    assert_eq!(
        s.user.get("/api/admin/limits").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.user
            .put_json(&format!("/api/admin/users/{}/limits", s.user_id), json!({}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.admin.get("/api/admin/users/999999/limits").await.status(),
        StatusCode::NOT_FOUND
    );
    let audit = json_of(s.admin.get("/api/admin/audit").await, StatusCode::OK).await;
    assert_eq!(audit["entries"][0]["action"], "limits");
}

#[tokio::test]
async fn a_running_backroom_pauses_with_reason_quota() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-2-1").await;
    let mut seats = Vec::new();
    for name in ["Ada", "Bob"] {
        let a = json_of(
            s.user
                .post_json(
                    "/api/agents",
                    json!({"name": name, "system_prompt": "Talk.", "model_id": s.model}),
                )
                .await,
            StatusCode::CREATED,
        )
        .await;
        seats.push(a["id"].as_i64().unwrap());
    }
    let room = json_of(
        s.user
            .post_json(
                "/api/backrooms",
                json!({"title": "Quota", "participants": seats, "max_turns": 10}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    // Room for one turn.
    set_limits(&s, json!({"tokens_per_day": 1})).await;
    s.user
        .post_empty(&format!("/api/backrooms/{room}/start"))
        .await;
    let mut last = Value::Null;
    for _ in 0..200 {
        last = json_of(
            s.user.get(&format!("/api/backrooms/{room}")).await,
            StatusCode::OK,
        )
        .await;
        if last["state"] == "paused" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(last["state"], "paused", "{last}");
    let reason = last["state_reason"].as_str().unwrap();
    assert!(reason.starts_with("quota: Daily token limit"), "{reason}");
    let turns = last["turns"].as_array().map(|t| t.len()).unwrap_or(0);
    assert!(turns <= 1, "at most the one admitted turn: {last}");
}

#[tokio::test]
async fn the_usage_pages_draw_the_chart_and_show_whats_left() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-2-1").await;
    let t = new_thread(&s.user, s.model).await;
    chat(&s.user, t).await;
    idle(&s.user).await;

    let page = s.user.get("/usage").await.text().await.unwrap();
    assert!(page.contains("No limits apply to your account."));
    assert!(page.contains("<svg") && page.contains("class=\"usage-bar\""));
    assert!(page.contains("fo:chunks-2-1"), "the model's row");

    // The admin's form sets the defaults (an empty box is no limit).
    let res = s
        .admin
        .post_form(
            "/fn/admin/limits",
            &[
                ("tokens_per_day", "5000"),
                ("concurrent", ""),
                ("cost_per_month", "2.5"),
            ],
        )
        .await;
    assert_eq!(common::location(&res), "/admin#limits");
    let limits = json_of(s.admin.get("/api/admin/limits").await, StatusCode::OK).await;
    assert_eq!(limits["tokens_per_day"], 5000);
    assert_eq!(limits["cost_per_month"], 2.5);
    assert_eq!(limits["concurrent"], Value::Null);
    let res = s
        .admin
        .post_form("/fn/admin/limits", &[("tokens_per_day", "lots")])
        .await;
    assert_eq!(common::location(&res), "/admin#limits");
    let page = s.admin.get("/admin").await.text().await.unwrap();
    assert!(page.contains("tokens_per_day: enter a number"), "{page}");

    let used = tokens_of(&s.user, t).await;
    let page = s.user.get("/usage").await.text().await.unwrap();
    assert!(
        page.contains(&format!("Tokens today: {} of 5000 left", 5000 - used)),
        "{page}"
    );
    let menu = s.user.get("/notes").await.text().await.unwrap();
    assert!(
        menu.contains("class=\"menu-meter\""),
        "the menu shows what is left"
    );

    let all = s.admin.get("/admin/usage").await.text().await.unwrap();
    assert!(all.contains("By user") && all.contains(">user<"));
    assert_eq!(
        s.user.get("/admin/usage").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_refused_plain_form_send_comes_back_with_the_reason_and_the_text() {
    let server = TestServer::start().await;
    let s = setup(&server, "chunks-2-1").await;
    set_limits(&s, json!({"tokens_per_day": 0})).await;
    let res = s.user.send_form(&[("content", "Are you <there>?")]).await;
    let back = common::location(&res);
    assert_eq!(back, "/?new=1");
    let page = s.user.get(&back).await.text().await.unwrap();
    assert!(
        page.contains("Daily token limit reached: 0 of 0."),
        "{page}"
    );
    assert!(
        page.contains("Are you &lt;there&gt;?</textarea>"),
        "the typed text is back in the box, as text"
    );
    let threads = json_of(s.user.get("/api/conversations").await, StatusCode::OK).await;
    assert_eq!(threads["items"], json!([]), "no empty thread left");
}

#[tokio::test]
async fn an_accounts_limits_are_set_from_the_users_page_with_plain_forms() {
    let server = TestServer::start().await;
    let s = setup(&server, "gpt-fake-mini").await;
    let id = s.user_id.to_string();
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let admin = &s.admin;
        let id = id.clone();
        async move {
            let mut all = vec![("id", id.as_str()), ("back", "/admin/users?q=us")];
            all.extend(fields);
            admin.post_form("/fn/admin/users/limits", &all).await
        }
    };
    // Blank follows the default, "none" is no limit, a number is the limit.
    let res = post(vec![
        ("tokens_per_day", "5"),
        ("tokens_per_month", ""),
        ("cost_per_month", "2.5"),
        ("concurrent", "none"),
        ("requests_per_minute", ""),
    ])
    .await;
    assert_eq!(common::location(&res), "/admin/users?q=us");
    let got = json_of(
        s.admin
            .get(&format!("/api/admin/users/{}/limits", s.user_id))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        got["overrides"],
        json!({"tokens_per_day": 5, "cost_per_month": 2.5, "concurrent": null})
    );
    let html = s.admin.get("/admin/users").await.text().await.unwrap();
    assert!(html.contains("Limits saved."));
    assert!(
        html.contains(r#"name="tokens_per_day" value="5""#),
        "{html}"
    );
    assert!(html.contains(r#"name="concurrent" value="none""#));

    // A word that is not a number is refused in the account's row, and
    // nothing changes.
    let res = post(vec![("tokens_per_day", "lots")]).await;
    let html = s
        .admin
        .get(&common::location(&res))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("tokens_per_day: a number"), "{html}");
    let again = json_of(
        s.admin
            .get(&format!("/api/admin/users/{}/limits", s.user_id))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["overrides"], got["overrides"]);
    // Only an admin.
    let res = s
        .user
        .post_form(
            "/fn/admin/users/limits",
            &[("id", id.as_str()), ("tokens_per_day", "999999")],
        )
        .await;
    assert_ne!(res.status(), StatusCode::OK);
    let still = json_of(
        s.admin
            .get(&format!("/api/admin/users/{}/limits", s.user_id))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["overrides"]["tokens_per_day"], 5);
}
