//! Three replicas on one PostgreSQL (run under `scripts/with-postgres`;
//! `make test` runs these in its PostgreSQL pass only). A reply written on
//! one streams alike on the others and resumes across them; a cookie and
//! the login throttle hold on every replica; controls reach the replica
//! running a backroom, whose viewers are counted on every replica; a
//! replica killed (`kill -9`, the binary run as a process of its own)
//! mid-reply leaves it `interrupted`, and one killed mid-run has its run
//! finished by another, every turn intact.

use crate::backrooms::{act, agent, get, room, setup};
use crate::common::fake_provider::FakeProvider;
use crate::common::{
    add_model, add_provider, deltas, json_of, new_thread, on_postgres, Api, Process, Sse,
    SseReader, TestServer,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn needs_postgres() {
    assert!(
        on_postgres(),
        "replicas share a PostgreSQL: run these under scripts/with-postgres"
    );
}

/// The same signed-in browser, talking to another replica.
fn on(api: &Api, server: &TestServer) -> Api {
    at(api, &server.base)
}

fn at(api: &Api, base: &str) -> Api {
    Api {
        base: base.to_string(),
        http: api.http.clone(),
    }
}

/// Sends on `api`'s replica: the stream and the reply's id.
async fn send(api: &Api, conv: i64, content: &str) -> (SseReader, i64) {
    let res = api
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": conv, "content": content}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut r = SseReader::new(res);
    let start = r.next().await.expect("the start event");
    let reply = start.data["assistant_message_id"]
        .as_i64()
        .unwrap_or_default();
    assert!(reply > 0, "{:?}", start.data);
    (r, reply)
}

async fn follow(api: &Api, reply: i64, last: Option<&str>) -> SseReader {
    let mut req = api
        .http
        .get(api.url(&format!("/api/messages/{reply}/events")));
    if let Some(id) = last {
        req = req.header("last-event-id", id);
    }
    let res = req.send().await.expect("request");
    assert_eq!(res.status(), StatusCode::OK);
    SseReader::new(res)
}

fn expected(n: usize) -> String {
    (0..n).map(|i| format!("w{i} ")).collect()
}

async fn stored(api: &Api, conv: i64) -> Value {
    for _ in 0..200 {
        let t = json_of(
            api.get(&format!("/api/conversations/{conv}")).await,
            StatusCode::OK,
        )
        .await;
        let last = t["messages"].as_array().and_then(|m| m.last()).cloned();
        if last.is_some_and(|m| m["status"] != "streaming") {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reply never settled");
}

#[tokio::test]
async fn a_reply_streams_alike_on_every_replica_and_resumes_and_stops_across_them() {
    needs_postgres();
    let a = TestServer::start().await;
    let b = TestServer::start_in(&a.data_dir).await;
    let c = TestServer::start_in(&a.data_dir).await;
    let (admin, user) = a.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let model = add_model(&admin, provider, "chunks-40-40").await;
    let (ub, uc) = (on(&user, &b), on(&user, &c));

    // Sent on A, followed on B and C from the start.
    let conv = new_thread(&ub, model).await;
    let (mut on_a, reply) = send(&user, conv, "count").await;
    let (mut on_b, mut on_c) = (
        follow(&ub, reply, None).await,
        follow(&uc, reply, None).await,
    );
    let (seen_a, seen_b, seen_c) = tokio::join!(on_a.all(), on_b.all(), on_c.all());
    let text = expected(40);
    let frames = |seen: &[Sse]| -> Vec<(Option<String>, Value)> {
        seen.iter()
            .map(|e| (e.id.clone(), e.data.clone()))
            .collect()
    };
    let all_a = frames(&seen_a);
    for (name, seen) in [("B", &seen_b), ("C", &seen_c)] {
        assert_eq!(deltas(seen), text, "{name} got the whole reply");
        // After the catch-up (its first frame), frame for frame what A sent
        // from there to the end.
        let live = frames(&seen[1..]);
        let from = all_a
            .iter()
            .position(|f| Some(f) == live.first())
            .unwrap_or_else(|| panic!("{name}'s frames are not A's: {live:?}"));
        assert_eq!(live, all_a[from..], "{name}");
        let live_deltas = live.iter().filter(|(_, e)| e["type"] == "delta").count();
        assert!(
            live_deltas >= 20,
            "{name} followed live: {live_deltas} deltas"
        );
    }
    assert_eq!(
        seen_a.last().map(|e| e.data["status"].clone()),
        Some(json!("complete"))
    );

    // Followed on A, the tab closes; it comes back on B, then on C.
    let (mut sent, reply) = send(&uc, conv, "again").await;
    drop(sent.next().await);
    let mut on_a = follow(&user, reply, None).await;
    let mut got = Vec::new();
    while got.len() < 5 {
        let e = on_a.next().await.expect("an event");
        if e.data["type"] == "delta" {
            got.push(e);
        }
    }
    drop(on_a);
    let mut text_so_far = deltas(&got);
    let last = got.last().and_then(|e| e.id.clone()).unwrap_or_default();
    let mut on_b = follow(&ub, reply, Some(&last)).await;
    let mut more = Vec::new();
    while more.len() < 5 {
        let e = on_b.next().await.expect("an event");
        if e.data["type"] == "delta" {
            more.push(e);
        }
    }
    drop(on_b);
    text_so_far.push_str(&deltas(&more));
    let last = more.last().and_then(|e| e.id.clone()).unwrap_or_default();
    let rest = follow(&uc, reply, Some(&last)).await.all().await;
    text_so_far.push_str(&deltas(&rest));
    assert_eq!(text_so_far, text, "nothing lost, nothing doubled");
    drop(sent);
    let t = stored(&user, conv).await;
    assert_eq!(t["messages"][3]["content"], text);

    // A long reply on A: the thread is busy on B too, and Stop on C stops it.
    let long = add_model(&admin, provider, "chunks-400-30").await;
    let conv = new_thread(&user, long).await;
    let (mut on_a, reply) = send(&user, conv, "go on").await;
    drop(on_a.next().await);
    let busy = ub
        .post_json(
            "/api/chat/stream",
            json!({"conversation_id": conv, "content": "me too"}),
        )
        .await;
    assert_eq!(busy.status(), StatusCode::CONFLICT);
    let asked = Instant::now();
    let res = uc.post_empty(&format!("/api/messages/{reply}/stop")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let rest = on_a.all().await;
    assert_eq!(
        rest.last().map(|e| e.data["status"].clone()),
        Some(json!("stopped"))
    );
    assert!(asked.elapsed() < Duration::from_secs(5));
    let t = stored(&ub, conv).await;
    assert_eq!(t["messages"][1]["status"], "stopped");
    for s in [c, b, a] {
        s.stop().await;
    }
}

#[tokio::test]
async fn a_cookie_and_the_login_throttle_hold_on_every_replica() {
    needs_postgres();
    let a = TestServer::start().await;
    let b = TestServer::start_in(&a.data_dir).await;
    let c = TestServer::start_in(&a.data_dir).await;
    let (_admin, _user) = a.admin_and_user().await;

    // Signed in on A, the cookie works on C; signed out on B, it is over.
    let browser = a.client();
    json_of(browser.login("user", "user password").await, StatusCode::OK).await;
    let res = on(&browser, &c).get("/api/conversations").await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = on(&browser, &b).post_empty("/api/auth/logout").await;
    assert!(res.status().is_success(), "{}", res.status());
    let res = on(&browser, &c).get("/api/conversations").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Five wrong passwords, spread over the three: the next try is refused
    // wherever it lands, even with the right password.
    let guesser = a.client();
    for (i, server) in [&a, &b, &c, &a, &b].iter().enumerate() {
        let res = on(&guesser, server)
            .login("user", &format!("guess {i}"))
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let res = on(&guesser, &c).login("user", "user password").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let res = on(&guesser, &b).login("user", "user password").await;
    assert_eq!(res.status(), StatusCode::OK);
    for s in [c, b, a] {
        s.stop().await;
    }
}

#[tokio::test]
async fn a_reply_whose_replica_is_killed_becomes_interrupted_with_retry() {
    needs_postgres();
    let dir = tempfile::tempdir().expect("temp dir");
    let b = TestServer::start_in(dir.path()).await;
    let (admin, user) = b.admin_and_user().await;
    let a = Process::start(dir.path()).await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let model = add_model(&admin, provider, "chunks-600-50").await;
    let conv = new_thread(&user, model).await;
    let ua = at(&user, &a.base);
    let (mut on_a, reply) = send(&ua, conv, "a long one").await;
    drop(on_a.next().await);
    // Far enough in that some of it is stored (every 250 ms).
    let mut on_b = follow(&user, reply, None).await;
    let mut deltas_seen = 0;
    while deltas_seen < 12 {
        let e = on_b.next().await.expect("an event");
        deltas_seen += usize::from(e.data["type"] == "delta");
    }
    drop(on_a);
    a.kill();
    let killed = Instant::now();
    let rest = tokio::time::timeout(Duration::from_secs(40), on_b.all())
        .await
        .expect("the follower on B is told");
    assert_eq!(
        rest.last().map(|e| e.data["status"].clone()),
        Some(json!("interrupted")),
        "{:?}",
        rest.last()
    );
    let waited = killed.elapsed();
    assert!(
        waited >= Duration::from_secs(5),
        "not before the heartbeat lapses"
    );
    eprintln!("a killed replica's reply was interrupted after {waited:?}");
    let t = stored(&user, conv).await;
    let msg = &t["messages"][1];
    assert_eq!(msg["status"], "interrupted");
    let content = msg["content"].as_str().unwrap_or_default();
    assert!(
        expected(600).starts_with(content) && !content.is_empty(),
        "{content}"
    );
    // Retry works on the replica that is left.
    let res = user
        .post_empty(&format!("/api/messages/{reply}/regenerate"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    drop(res);
    b.stop().await;
}

/// Polls backroom `id` on `api` until `ok` holds (`secs` at most).
async fn until(api: &Api, id: i64, secs: u64, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = get(api, id).await;
        if ok(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "never got to: {what}; now {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn turns(v: &Value) -> Vec<Value> {
    v["turns"].as_array().cloned().unwrap_or_default()
}

fn streaming(v: &Value) -> bool {
    turns(v).iter().any(|t| t["status"] == "streaming")
}

#[tokio::test]
async fn controls_sent_to_any_replica_reach_the_one_running_the_run() {
    needs_postgres();
    let a = TestServer::start().await;
    let b = TestServer::start_in(&a.data_dir).await;
    let c = TestServer::start_in(&a.data_dir).await;
    let s = setup(&a).await;
    let ada = agent(&s, &s.user, "Ada", "chunks-20-60", 0.5).await;
    let bob = agent(&s, &s.user, "Bob", "chunks-20-61", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Far", "participants": [ada, bob], "max_turns": 8,
               "guards": {"loop_overlap": 0}}),
    )
    .await;
    let (ub, uc) = (on(&s.user, &b), on(&s.user, &c));
    // A viewer on C sees the run that A runs.
    let res = uc.get(&format!("/api/backrooms/{id}/events")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut viewer = SseReader::new(res);
    // And one on B: both count everyone.
    let res = ub.get(&format!("/api/backrooms/{id}/events")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let other_viewer = SseReader::new(res);
    act(&s.user, id, "start").await;
    until(&s.user, id, 10, "a turn streaming", streaming).await;

    // Pause on B: the turn being written ends, no other starts.
    assert_eq!(act(&ub, id, "pause").await["state"], "paused");
    let paused = until(&s.user, id, 10, "the turn done", |v| !streaming(v)).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(turns(&get(&s.user, id).await).len(), turns(&paused).len());

    // Resume on C, then Stop on B while a turn is written.
    act(&uc, id, "resume").await;
    until(&s.user, id, 10, "a turn streaming again", |v| {
        streaming(v) && turns(v).len() > turns(&paused).len()
    })
    .await;
    let asked = Instant::now();
    assert_eq!(act(&ub, id, "stop").await["state"], "stopped");
    let stopped = until(&s.user, id, 10, "the turn stopped", |v| !streaming(v)).await;
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(
        turns(&stopped).last().map(|t| t["status"].clone()),
        Some(json!("stopped"))
    );

    // The viewer on C saw every turn's words and the end.
    let seen = tokio::time::timeout(Duration::from_secs(10), viewer.all())
        .await
        .expect("the viewer's stream ends with the run");
    for t in turns(&stopped) {
        let words = t["content"].as_str().unwrap_or_default();
        let heard: String = seen
            .iter()
            .filter(|e| e.data["type"] == "delta" && e.data["turn_id"] == t["id"])
            .map(|e| e.data["text"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(heard, words, "turn {}", t["id"]);
    }
    let counts: Vec<&Value> = seen
        .iter()
        .filter(|e| e.data["type"] == "viewers")
        .map(|e| &e.data["count"])
        .collect();
    assert!(counts.contains(&&json!(2)), "{counts:?}");
    drop(other_viewer);
    for s in [c, b, a] {
        s.stop().await;
    }
}

#[tokio::test]
async fn a_run_whose_replica_is_killed_is_finished_by_another_with_every_turn_intact() {
    needs_postgres();
    let dir = tempfile::tempdir().expect("temp dir");
    let b = TestServer::start_in(dir.path()).await;
    let c = TestServer::start_in(dir.path()).await;
    let s = setup(&b).await;
    let a = Process::start(dir.path()).await;
    let ada = agent(&s, &s.user, "Ada", "chunks-20-50", 0.5).await;
    let bob = agent(&s, &s.user, "Bob", "chunks-20-51", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Lasting", "participants": [ada, bob], "max_turns": 5,
               "guards": {"loop_overlap": 0}}),
    )
    .await;
    // Started on A, which runs it.
    act(&at(&s.user, &a.base), id, "start").await;
    let before = until(&s.user, id, 20, "turn 3 being written", |v| {
        turns(v).len() >= 3 && streaming(v)
    })
    .await;
    a.kill();
    let killed = Instant::now();
    until(&s.user, id, 60, "the run going on elsewhere", |v| {
        turns(v).iter().any(|t| t["status"] == "interrupted") && streaming(v)
    })
    .await;
    eprintln!(
        "a killed replica's run went on elsewhere after {:?}",
        killed.elapsed()
    );
    let done = until(&s.user, id, 60, "finished by another replica", |v| {
        v["state"] == "finished"
    })
    .await;
    let after = turns(&done);
    let kept: Vec<&Value> = turns(&before)
        .iter()
        .filter(|t| t["status"] == "complete")
        .map(|t| {
            after
                .iter()
                .find(|u| u["id"] == t["id"])
                .unwrap_or(&Value::Null)
        })
        .collect();
    let finished_before: Vec<Value> = turns(&before)
        .into_iter()
        .filter(|t| t["status"] == "complete")
        .collect();
    assert_eq!(kept.len(), finished_before.len());
    for (old, new) in finished_before.iter().zip(kept) {
        assert_eq!(old, new, "a finished turn is intact");
    }
    let statuses: Vec<&str> = after
        .iter()
        .map(|t| t["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "interrupted").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == "complete").count(),
        5,
        "{statuses:?}"
    );
    for t in after.iter().filter(|t| t["status"] == "complete") {
        assert_eq!(t["content"], expected(20));
    }
    for s in [c, b] {
        s.stop().await;
    }
}
