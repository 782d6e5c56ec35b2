//! Backrooms end to end against the fake provider (each agent on its own
//! fake model, so the requests tell who spoke): every turn order, the ends
//! of a run, the controls, interjections, errors, restarts, the event
//! stream shared by viewers and resumed by id, exports, forks, ownership.

use crate::common;

use backrooms::model::agent::AgentView;
use backrooms::model::backroom::{BackroomState, BackroomView};
use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, read, Api, Sse, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

pub(crate) struct Setup {
    pub(crate) admin: Api,
    pub(crate) user: Api,
    pub(crate) fake: FakeProvider,
    pub(crate) provider: i64,
}

pub(crate) async fn setup(server: &TestServer) -> Setup {
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    Setup {
        admin,
        user,
        fake,
        provider,
    }
}

/// An agent of `api` speaking through fake model `sdk`.
pub(crate) async fn agent(s: &Setup, api: &Api, name: &str, sdk: &str, talk: f32) -> i64 {
    let model = add_model(&s.admin, s.provider, sdk).await;
    let made: AgentView = read(
        api.post_json(
            "/api/agents",
            json!({"name": name, "system_prompt": format!("You are {name}."), "model_id": model,
                   "talkativeness": talk}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!((made.name.as_str(), made.model_id), (name, Some(model)));
    made.id
}

pub(crate) async fn room(api: &Api, body: Value) -> i64 {
    let made: BackroomView = read(
        api.post_json("/api/backrooms", body).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        made.state,
        BackroomState::Draft,
        "a new backroom waits for Start"
    );
    made.id
}

pub(crate) async fn get(api: &Api, id: i64) -> Value {
    json_of(
        api.get(&format!("/api/backrooms/{id}")).await,
        StatusCode::OK,
    )
    .await
}

pub(crate) async fn act(api: &Api, id: i64, action: &str) -> Value {
    json_of(
        api.post_empty(&format!("/api/backrooms/{id}/{action}"))
            .await,
        StatusCode::OK,
    )
    .await
}

/// Polls until `ok` holds for the backroom (10 s at most).
pub(crate) async fn wait_for(api: &Api, id: i64, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let b = get(api, id).await;
        if ok(&b) {
            return b;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "backroom {id} never got to: {what}; now {}",
        get(api, id).await
    );
}

pub(crate) async fn wait_state(api: &Api, id: i64, state: &str) -> Value {
    wait_for(api, id, state, |b| b["state"] == state).await
}

fn speakers(b: &Value) -> Vec<String> {
    b["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["speaker"].as_str().unwrap().to_string())
        .collect()
}

/// The chat requests the fake received for model `sdk`.
pub(crate) fn requests_for(fake: &FakeProvider, sdk: &str) -> Vec<Value> {
    fake.requests
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r["model"] == sdk)
        .cloned()
        .collect()
}

#[tokio::test]
async fn round_robin_runs_to_max_turns_and_each_agent_sees_its_own_view() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Pair", "scenario": "You meet in a corridor.", "participants": [a, b],
               "turn_order": "round_robin", "max_turns": 4}),
    )
    .await;
    assert_eq!(get(&s.user, id).await["state"], "draft");
    act(&s.user, id, "start").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Bob", "Ada", "Bob"]);
    assert!(done["state_reason"].as_str().unwrap().contains("4 turns"));
    let turns = done["turns"].as_array().unwrap();
    assert!(turns.iter().all(|t| t["status"] == "complete"
        && t["content"] == "Hello from the fake provider."
        && t["kind"] == "message"
        && t["completion_tokens"] == 3));
    assert_eq!(turns[0]["agent_id"], a);
    assert_eq!(turns[1]["agent_id"], b);
    assert_eq!(done["tokens_used"], 4 * 14);

    // Ada's second turn: her prompt, the scenario, her turn as assistant,
    // Bob's as a named user turn.
    let ada = requests_for(&s.fake, "alpha");
    assert_eq!(ada.len(), 2);
    let m = &ada[1]["messages"];
    assert_eq!(m[0], json!({"role": "system", "content": "You are Ada."}));
    assert_eq!(
        m[1],
        json!({"role": "user", "content": "You meet in a corridor."})
    );
    assert_eq!(
        m[2],
        json!({"role": "assistant", "content": "Hello from the fake provider."})
    );
    assert_eq!(
        m[3],
        json!({"role": "user", "content": "Bob: Hello from the fake provider."})
    );
    assert_eq!(m.as_array().unwrap().len(), 4);
    let bob = requests_for(&s.fake, "beta");
    assert_eq!(
        bob[0]["messages"][1]["content"],
        "You meet in a corridor.\n\nAda: Hello from the fake provider."
    );
    // A finished run cannot be started again.
    assert_eq!(
        s.user
            .post_empty(&format!("/api/backrooms/{id}/start"))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    server.stop().await;
}

#[tokio::test]
async fn shuffled_gives_everyone_one_turn_per_round() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let ids = [
        agent(&s, &s.user, "A", "m-a", 0.5).await,
        agent(&s, &s.user, "B", "m-b", 0.5).await,
        agent(&s, &s.user, "C", "m-c", 0.5).await,
    ];
    let id = room(
        &s.user,
        json!({"title": "Three", "participants": ids, "turn_order": "shuffled", "max_turns": 9}),
    )
    .await;
    act(&s.user, id, "start").await;
    let done = wait_state(&s.user, id, "finished").await;
    let who = speakers(&done);
    assert_eq!(who.len(), 9);
    for round in who.chunks(3) {
        let mut r = round.to_vec();
        r.sort();
        assert_eq!(r, ["A", "B", "C"], "{who:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn natural_order_follows_names_then_talkativeness() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    // Ada always wants to talk and asks Cy; Bob never wants to; Cy answers.
    let ada = agent(&s, &s.user, "Ada", "mention-Cy", 1.0).await;
    let bob = agent(&s, &s.user, "Bob", "m-bob", 0.0).await;
    let cy = agent(&s, &s.user, "Cy", "m-cy", 0.0).await;
    let id = room(
        &s.user,
        json!({"title": "Natural", "participants": [bob, cy, ada], "turn_order": "natural",
               "max_turns": 4}),
    )
    .await;
    act(&s.user, id, "start").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Cy", "Ada", "Cy"]);
    server.stop().await;
}

#[tokio::test]
async fn manual_order_waits_for_a_viewer_to_pick() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Manual", "participants": [a, b], "turn_order": "manual", "max_turns": 2}),
    )
    .await;
    act(&s.user, id, "start").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let b0 = get(&s.user, id).await;
    assert_eq!(b0["state"], "running");
    assert_eq!(
        b0["turns"].as_array().unwrap().len(),
        0,
        "nobody speaks unpicked"
    );
    json_of(
        s.user
            .post_json(&format!("/api/backrooms/{id}/next"), json!({"agent_id": b}))
            .await,
        StatusCode::OK,
    )
    .await;
    wait_for(&s.user, id, "Bob spoke", |v| {
        v["turns"].as_array().unwrap().len() == 1
    })
    .await;
    let res = s
        .user
        .post_json(
            &format!("/api/backrooms/{id}/next"),
            json!({"agent_id": 99999}),
        )
        .await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "agent_id"
    );
    s.user
        .post_json(&format!("/api/backrooms/{id}/next"), json!({"agent_id": b}))
        .await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(speakers(&done), ["Bob", "Bob"]);
    server.stop().await;
}

#[tokio::test]
async fn a_stop_pattern_ends_the_run_only_after_min_turns() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "stopper", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Stop", "participants": [a, b], "max_turns": 10, "min_turns": 3}),
    )
    .await;
    assert_eq!(get(&s.user, id).await["stop_patterns"], json!(["^C^C"]));
    act(&s.user, id, "start").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Bob", "Ada"]);
    assert!(done["state_reason"].as_str().unwrap().contains("^C^C"));
    // Custom patterns replace the default.
    let id = room(
        &s.user,
        json!({"title": "Stop 2", "participants": [a, b], "max_turns": 3,
               "stop_patterns": ["fake provider"]}),
    )
    .await;
    act(&s.user, id, "start").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Bob"]);
    server.stop().await;
}

#[tokio::test]
async fn the_token_budget_ends_the_run() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    // Each fake turn uses 14 tokens: after three, 42 >= 30.
    let id = room(
        &s.user,
        json!({"title": "Budget", "participants": [a, b], "max_turns": 50, "token_budget": 30}),
    )
    .await;
    act(&s.user, id, "start").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(done["turns"].as_array().unwrap().len(), 3);
    assert_eq!(done["tokens_used"], 42);
    assert!(done["state_reason"]
        .as_str()
        .unwrap()
        .contains("token budget"));
    server.stop().await;
}

#[tokio::test]
async fn pause_resume_stop_and_interject() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "chunks-10-40", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "chunks-10-41", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Controls", "participants": [a, b], "max_turns": 20}),
    )
    .await;
    for action in ["pause", "resume"] {
        assert_eq!(
            s.user
                .post_empty(&format!("/api/backrooms/{id}/{action}"))
                .await
                .status(),
            StatusCode::CONFLICT,
            "{action} on a draft"
        );
    }
    act(&s.user, id, "start").await;
    wait_for(&s.user, id, "a turn streaming", |v| {
        v["turns"]
            .as_array()
            .unwrap()
            .first()
            .is_some_and(|t| t["status"] == "streaming")
    })
    .await;
    // Pause: the current turn finishes, no next one starts.
    assert_eq!(act(&s.user, id, "pause").await["state"], "paused");
    let paused = wait_for(&s.user, id, "turn 1 done", |v| {
        v["turns"][0]["status"] == "complete"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let still = get(&s.user, id).await;
    assert_eq!(still["turns"].as_array().unwrap().len(), 1, "{still}");
    assert_eq!(paused["state"], "paused");

    // Interject: a named human turn that the next agent sees.
    let turn = json_of(
        s.user
            .post_json(
                &format!("/api/backrooms/{id}/interject"),
                json!({"content": "Hello, agents!"}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(turn["human"], true);
    assert_eq!(turn["speaker"], "user");
    let res = s
        .user
        .post_json(
            &format!("/api/backrooms/{id}/interject"),
            json!({"content": "  "}),
        )
        .await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "content"
    );

    act(&s.user, id, "resume").await;
    wait_for(&s.user, id, "Bob's turn done", |v| {
        v["turns"][2]["status"] == "complete"
    })
    .await;
    let bob = requests_for(&s.fake, "chunks-10-41");
    let last = bob[0]["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(last.ends_with("user: Hello, agents!"), "{last}");

    // Stop: now, mid-turn, keeping what was written.
    wait_for(&s.user, id, "a turn streaming", |v| {
        v["turns"]
            .as_array()
            .unwrap()
            .last()
            .is_some_and(|t| t["status"] == "streaming" && t["content"] != "")
    })
    .await;
    assert_eq!(act(&s.user, id, "stop").await["state"], "stopped");
    let stopped = wait_for(&s.user, id, "turn stopped", |v| {
        v["turns"].as_array().unwrap().last().unwrap()["status"] == "stopped"
    })
    .await;
    let n = stopped["turns"].as_array().unwrap().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(get(&s.user, id).await["turns"].as_array().unwrap().len(), n);
    assert_eq!(
        s.user
            .post_json(
                &format!("/api/backrooms/{id}/interject"),
                json!({"content": "late"})
            )
            .await
            .status(),
        StatusCode::CONFLICT
    );
    server.stop().await;
}

#[tokio::test]
async fn a_provider_error_pauses_and_resume_retries_the_turn() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let bad = add_model(&s.admin, s.provider, "fault-500").await;
    let a = json_of(
        s.user
            .post_json("/api/agents", json!({"name": "Ada", "model_id": bad}))
            .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .clone();
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Faulty", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    act(&s.user, id, "start").await;
    let paused = wait_state(&s.user, id, "paused").await;
    assert_eq!(paused["turns"][0]["status"], "error");
    assert!(paused["turns"][0]["error"]
        .as_str()
        .unwrap()
        .contains("500"));
    assert!(paused["state_reason"]
        .as_str()
        .unwrap()
        .contains("Ada's turn failed"));
    // The provider is fixed; Resume retries Ada's turn.
    s.admin
        .put_json(
            &format!("/api/config/models/{bad}"),
            json!({"model_sdk_id": "alpha"}),
        )
        .await;
    act(&s.user, id, "resume").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Ada", "Bob"]);
    assert_eq!(done["turns"][1]["status"], "complete");
    server.stop().await;
}

#[tokio::test]
async fn a_restart_leaves_a_running_backroom_paused_and_intact() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Crash", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    act(&s.user, id, "start").await;
    let before = wait_state(&s.user, id, "finished").await;
    let conv: i64;
    let dir = server.data_dir.clone();
    let keep = server.stop().await;
    // What a crash leaves: the run marked running, a turn half written.
    {
        use diesel::prelude::*;
        let mut c = crate::common::db_in(&dir);
        conv = diesel::sql_query(format!(
            "UPDATE backrooms SET state = 'running', max_turns = 4 WHERE id = {id}"
        ))
        .execute(&mut c)
        .map(|_| 0)
        .unwrap();
        let _ = conv;
        let p = before["turns"][0]["participant_id"].as_i64().unwrap();
        diesel::sql_query(format!(
            "INSERT INTO messages (conversation_id, role, content, status, participant_id, speaker, kind, created_at, updated_at) \
             SELECT conversation_id, 'assistant', 'half a tu', 'streaming', {p}, 'Ada', 'message', 1, 1 FROM backrooms WHERE id = {id}"
        ))
        .execute(&mut c)
        .unwrap();
    }
    let server = TestServer::start_in(&dir).await;
    let user = server.client();
    json_of(user.login("user", "user password").await, StatusCode::OK).await;
    if crate::common::on_postgres() {
        // Among replicas, a run whose replica is gone is taken over and goes
        // on from its last finished turn.
        let done = wait_state(&user, id, "finished").await;
        let turns = done["turns"].as_array().unwrap();
        assert_eq!(turns[..2], before["turns"].as_array().unwrap()[..2]);
        assert_eq!(turns[2]["status"], "interrupted");
        assert_eq!(turns[2]["content"], "half a tu");
        assert_eq!(speakers(&done), ["Ada", "Bob", "Ada", "Ada", "Bob"]);
        server.stop().await;
        drop(keep);
        return;
    }
    let after = get(&user, id).await;
    assert_eq!(after["state"], "paused");
    assert_eq!(after["state_reason"], "the server restarted");
    let turns = after["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 3);
    assert_eq!(
        turns[..2],
        before["turns"].as_array().unwrap()[..2],
        "finished turns intact"
    );
    assert_eq!(turns[2]["status"], "interrupted");
    assert_eq!(turns[2]["content"], "half a tu");
    // Resume retries the cut-off turn with the same agent.
    act(&user, id, "resume").await;
    let done = wait_state(&user, id, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Bob", "Ada", "Ada", "Bob"]);
    drop(keep);
    server.stop().await;
}

pub(crate) fn events_url(id: i64) -> String {
    format!("/api/backrooms/{id}/events")
}

/// Deltas merged per turn: how a viewer sees the run, whatever the chunking.
fn normalized(events: &[Sse]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for e in events {
        let kind = e.data["type"].as_str().unwrap().to_string();
        // How many watch differs with when each viewer came.
        if kind == "viewers" {
            continue;
        }
        if kind == "delta" {
            if let Some((k, v)) = out.last_mut() {
                if k == "delta" && v["turn_id"] == e.data["turn_id"] {
                    let text = format!(
                        "{}{}",
                        v["text"].as_str().unwrap(),
                        e.data["text"].as_str().unwrap()
                    );
                    v["text"] = json!(text);
                    continue;
                }
            }
        }
        out.push((kind, e.data.clone()));
    }
    out
}

#[tokio::test]
async fn viewers_share_one_event_stream_and_resume_exactly() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "chunks-6-20", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "chunks-5-20", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Watched", "participants": [a, b], "max_turns": 3}),
    )
    .await;
    let one = s.user.get(&events_url(id)).await;
    assert_eq!(one.headers()["content-type"], "text/event-stream");
    let two = s.user.get(&events_url(id)).await;
    let (mut one, mut two) = (SseReader::new(one), SseReader::new(two));
    // Both get the draft state first.
    assert_eq!(one.next().await.unwrap().data["state"], "draft");
    assert_eq!(two.next().await.unwrap().data["state"], "draft");
    act(&s.user, id, "start").await;
    let (x, y) = tokio::join!(one.all(), two.all());
    assert_eq!(
        normalized(&x),
        normalized(&y),
        "two viewers see the same run"
    );
    let kinds: Vec<&str> = x.iter().map(|e| e.data["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "turn_start").count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == "turn_end").count(), 3);
    assert_eq!(x.last().unwrap().data["state"], "finished");
    let ids: Vec<u64> = x
        .iter()
        .map(|e| e.id.as_ref().unwrap().parse().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] <= w[1]),
        "ids only grow: {ids:?}"
    );
    let text: String = x
        .iter()
        .filter(|e| e.data["type"] == "delta")
        .map(|e| e.data["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "w0 w1 w2 w3 w4 w5 w0 w1 w2 w3 w4 w0 w1 w2 w3 w4 w5 ");
    let start = x.iter().find(|e| e.data["type"] == "turn_start").unwrap();
    assert_eq!(start.data["agent_id"], a);
    assert_eq!(start.data["speaker"], "Ada");
    let end = x.iter().find(|e| e.data["type"] == "turn_end").unwrap();
    assert_eq!(end.data["status"], "complete");
    assert_eq!(end.data["completion_tokens"], 6);

    // A late viewer resuming from any id gets exactly the rest.
    for cut in [1, 4, x.len() / 2, x.len() - 2] {
        let from = x[cut].id.clone().unwrap();
        let res = s
            .user
            .http
            .get(s.user.url(&events_url(id)))
            .header("Last-Event-ID", &from)
            .send()
            .await
            .unwrap();
        let rest = SseReader::new(res).all().await;
        // Skip the state snapshot that opens every stream.
        let rest: Vec<Sse> = rest.into_iter().skip(1).collect();
        let mut seen: Vec<Sse> = x[..=cut].to_vec();
        seen.extend(rest);
        let seen_text: String = seen
            .iter()
            .filter(|e| e.data["type"] == "delta")
            .map(|e| e.data["text"].as_str().unwrap())
            .collect();
        assert_eq!(seen_text, text, "resuming after event {cut} ({from})");
        assert_eq!(
            seen.iter().filter(|e| e.data["type"] == "turn_end").count(),
            3,
            "after {cut}"
        );
    }
    let res = s.user.get(&format!("{}?after=abc", events_url(id))).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    server.stop().await;
}

#[tokio::test]
async fn validation_ownership_export_fork_and_import() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let admins = agent(&s, &s.admin, "Private", "gamma", 0.5).await;
    for (body, field) in [
        (
            json!({"title": "", "participants": [a, b], "max_turns": 3}),
            "title",
        ),
        (
            json!({"title": "x", "participants": [a], "max_turns": 3}),
            "participants",
        ),
        (
            json!({"title": "x", "participants": [a, a], "max_turns": 3}),
            "participants",
        ),
        (
            json!({"title": "x", "participants": [a, admins], "max_turns": 3}),
            "participants",
        ),
        (
            json!({"title": "x", "participants": [a, b], "max_turns": 0}),
            "max_turns",
        ),
        (
            json!({"title": "x", "participants": [a, b], "max_turns": 501}),
            "max_turns",
        ),
        (
            json!({"title": "x", "participants": [a, b], "max_turns": 3, "min_turns": 4}),
            "min_turns",
        ),
        (
            json!({"title": "x", "participants": [a, b], "max_turns": 3, "turn_order": "chaos"}),
            "turn_order",
        ),
        (
            json!({"title": "x", "participants": [a, b], "max_turns": 3, "stop_patterns": [""]}),
            "stop_patterns",
        ),
        (
            json!({"title": "x", "participants": [a, b], "max_turns": 3, "token_budget": 0}),
            "token_budget",
        ),
    ] {
        let res = s.user.post_json("/api/backrooms", body).await;
        assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], field);
    }
    let id = room(
        &s.user,
        json!({"title": "The *Sea* Room", "scenario": "A beach.", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    act(&s.user, id, "start").await;
    wait_state(&s.user, id, "finished").await;

    // Someone else's backroom answers 404 everywhere.
    for res in [
        s.admin.get(&format!("/api/backrooms/{id}")).await,
        s.admin.delete(&format!("/api/backrooms/{id}")).await,
        s.admin
            .post_empty(&format!("/api/backrooms/{id}/start"))
            .await,
        s.admin
            .post_empty(&format!("/api/backrooms/{id}/pause"))
            .await,
        s.admin
            .post_empty(&format!("/api/backrooms/{id}/resume"))
            .await,
        s.admin
            .post_empty(&format!("/api/backrooms/{id}/stop"))
            .await,
        s.admin
            .post_empty(&format!("/api/backrooms/{id}/fork"))
            .await,
        s.admin
            .post_json(
                &format!("/api/backrooms/{id}/interject"),
                json!({"content": "hi"}),
            )
            .await,
        s.admin
            .post_json(&format!("/api/backrooms/{id}/next"), json!({"agent_id": a}))
            .await,
        s.admin.get(&format!("/api/backrooms/{id}/events")).await,
        s.admin
            .get(&format!("/api/backrooms/{id}/export?format=json"))
            .await,
    ] {
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{}", res.url());
    }
    assert_eq!(
        json_of(s.admin.get("/api/backrooms").await, StatusCode::OK).await,
        json!([])
    );
    // Backroom transcripts are not chat threads.
    let threads = json_of(s.user.get("/api/conversations").await, StatusCode::OK).await;
    assert_eq!(threads["items"], json!([]));

    let md = s
        .user
        .get(&format!("/api/backrooms/{id}/export?format=md"))
        .await;
    assert_eq!(md.status(), StatusCode::OK);
    assert!(md.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("the-sea-room.md"));
    let md = md.text().await.unwrap();
    assert!(md.starts_with("# The *Sea* Room"));
    assert!(md.contains("### 1. Ada\n\nHello from the fake provider."));
    assert!(md.contains("### 2. Bob"));
    let txt = s
        .user
        .get(&format!("/api/backrooms/{id}/export?format=txt"))
        .await
        .text()
        .await
        .unwrap();
    assert!(txt.starts_with("actors: Ada, Bob\n"));
    assert!(txt.contains("<Ada#SYSTEM>\nYou are Ada."));
    assert!(txt.contains("<Bob>\nHello from the fake provider."));
    let json = json_of(
        s.user
            .get(&format!("/api/backrooms/{id}/export?format=json"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(json["participants"][0]["system_prompt"], "You are Ada.");
    assert_eq!(json["turns"][1]["completion_tokens"], 3);
    assert!(json["turns"][0]["total_ms"].is_number());
    assert_eq!(json["turn_order"], "round_robin");
    let res = s
        .user
        .get(&format!("/api/backrooms/{id}/export?format=pdf"))
        .await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "format"
    );

    // Fork from turn 1: same people and rules, one turn, a draft.
    let fork = json_of(
        s.user
            .post_json(&format!("/api/backrooms/{id}/fork"), json!({"turn": 1}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(fork["state"], "draft");
    assert_eq!(fork["forked_from"], id);
    assert_eq!(speakers(&fork), ["Ada"]);
    let fid = fork["id"].as_i64().unwrap();
    act(&s.user, fid, "start").await;
    let done = wait_state(&s.user, fid, "finished").await;
    assert_eq!(speakers(&done), ["Ada", "Bob"]);
    let res = s
        .user
        .post_json(&format!("/api/backrooms/{id}/fork"), json!({"turn": 9}))
        .await;
    assert_eq!(json_of(res, StatusCode::BAD_REQUEST).await["field"], "turn");

    // A UniversalBackrooms template prefills a new backroom.
    let template = "{\"system_prompt\": \"You explore.\", \"context\": [{\"role\": \"user\", \"content\": \"simulator@host:~/$\"}]}\n{\"system_prompt\": \"You are the CLI.\", \"context\": []}\n";
    let imported = json_of(
        s.user
            .post_json(
                "/api/backrooms/import",
                json!({"title": "CLI", "template": template}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(imported["scenario"], "simulator@host:~/$");
    assert_eq!(
        imported["participants"][1]["system_prompt"],
        "You are the CLI."
    );
    let res = s
        .user
        .post_json(
            "/api/backrooms/import",
            json!({"title": "Bad", "template": "not json"}),
        )
        .await;
    assert_eq!(
        json_of(res, StatusCode::BAD_REQUEST).await["field"],
        "template"
    );

    let list = json_of(s.user.get("/api/backrooms").await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(
        s.user
            .delete(&format!("/api/backrooms/{id}"))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.user.get(&format!("/api/backrooms/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn the_new_backroom_form_shows_faces_and_models_and_sets_the_speaking_order() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let ada = agent(&s, &s.user, "Ada", "model-for-ada", 0.5).await;
    let bob = agent(&s, &s.user, "Bob", "model-for-bob", 0.5).await;
    let cy = agent(&s, &s.user, "Cy", "model-for-cy", 0.5).await;
    let page = s.user.get("/backrooms/new").await.text().await.unwrap();
    assert!(page.contains("model-for-bob"), "each agent's model: {page}");
    assert!(page.contains(&format!(r#"name="seat_{cy}""#)));
    assert!(page.contains("Speaking position of Cy"));

    // Cy is put first; the others follow in the page's order.
    let (a, b, c) = (ada.to_string(), bob.to_string(), cy.to_string());
    let seat = format!("seat_{cy}");
    let res = s
        .user
        .post_form(
            "/backrooms/new",
            &[
                ("title", "Ordered"),
                ("participants", &a),
                ("participants", &b),
                ("participants", &c),
                (&seat, "1"),
                ("max_turns", "3"),
                ("turn_order", "round_robin"),
            ],
        )
        .await;
    let to = common::location(&res);
    let id: i64 = to.trim_start_matches("/backrooms/").parse().unwrap();
    let names: Vec<String> = get(&s.user, id).await["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Cy", "Ada", "Bob"]);

    // A position out of range comes back with a sentence, the title kept.
    let res = s
        .user
        .post_form(
            "/backrooms/new",
            &[
                ("title", "Kept title"),
                ("participants", &a),
                ("participants", &b),
                (&format!("seat_{ada}"), "12"),
                ("max_turns", "3"),
            ],
        )
        .await;
    assert_eq!(common::location(&res), "/backrooms/new");
    let page = s.user.get("/backrooms/new").await.text().await.unwrap();
    assert!(page.contains("A speaking position is a number from 1 to 8."));
    assert!(page.contains("Kept title"));
}
