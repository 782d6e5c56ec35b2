//! A run's guards against the fake provider: loop detection on a fake
//! that says the same words again, the cost cap at the models' prices and
//! the token cap per seat, each pausing the run with its reason; changing
//! them lets it go on; a fork keeps them; bad settings are refused.

use crate::backrooms::{act, agent, get, requests_for, room, setup, wait_for, wait_state};
use crate::common::{json_of, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn reason(b: &Value) -> String {
    b["state_reason"].as_str().unwrap_or_default().to_string()
}

fn turns(b: &Value) -> usize {
    b["turns"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_run_that_repeats_itself_pauses_as_looping_showing_which_turns() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    // Ada says the same 15 words every turn; Bob's 5-word answer is too
    // short to count as a loop.
    let a = agent(&s, &s.user, "Ada", "chunks-15-0", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Loop", "participants": [a, b], "max_turns": 6}),
    )
    .await;
    assert_eq!(get(&s.user, id).await["guards"]["loop_overlap"], 80);
    act(&s.user, id, "start").await;
    let paused = wait_state(&s.user, id, "paused").await;
    assert_eq!(turns(&paused), 3, "it pauses right after the repeat");
    assert_eq!(
        reason(&paused),
        "looping: turn 3 (Ada) repeats turn 1 (Ada), 100% the same"
    );

    // Detection off: the run goes on to its end.
    let guards = json_of(
        s.user
            .put_json(
                &format!("/api/backrooms/{id}/guards"),
                json!({"loop_overlap": 0}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(guards["loop_overlap"], Value::Null);
    act(&s.user, id, "resume").await;
    let done = wait_state(&s.user, id, "finished").await;
    assert_eq!(turns(&done), 6);

    // A threshold of 101 % names the field; someone else's room is not found.
    let res = s
        .user
        .put_json(
            &format!("/api/backrooms/{id}/guards"),
            json!({"loop_overlap": 101}),
        )
        .await;
    let err = json_of(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(err["field"], "loop_overlap");
    let res = s
        .admin
        .put_json(
            &format!("/api/backrooms/{id}/guards"),
            json!({"loop_overlap": 50}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = s
        .user
        .post_json(
            "/api/backrooms",
            json!({"title": "Bad", "participants": [a, b], "max_turns": 2,
                   "guards": {"cost_cap_usd": -1}}),
        )
        .await;
    let err = json_of(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(err["field"], "cost_cap_usd");
    server.stop().await;
}

#[tokio::test]
async fn the_cost_cap_and_the_token_cap_pause_the_run_until_raised() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Caps", "participants": [a, b], "max_turns": 20,
               "guards": {"cost_cap_usd": 0.02, "seat_token_cap": 1000}}),
    )
    .await;
    // $1 000 per million tokens: a fake turn (11 + 3 tokens) costs $0.014.
    let seats = get(&s.user, id).await["participants"].clone();
    for seat in seats.as_array().into_iter().flatten() {
        let res = s
            .admin
            .put_json(
                &format!("/api/config/models/{}", seat["model_id"]),
                json!({"input_price": 1000.0, "output_price": 1000.0}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    act(&s.user, id, "start").await;
    let paused = wait_state(&s.user, id, "paused").await;
    assert_eq!(turns(&paused), 2);
    assert_eq!(reason(&paused), "cost cap: the run cost $0.0280 of $0.0200");
    assert!((paused["guards"]["cost_usd"].as_f64().unwrap_or(0.0) - 0.028).abs() < 1e-9);

    // Resuming under the same cap pauses again before anyone speaks.
    let asked = s.fake.requests.lock().unwrap().len();
    act(&s.user, id, "resume").await;
    // (Resuming answered once the run was `running` again.)
    let again = wait_state(&s.user, id, "paused").await;
    assert_eq!(turns(&again), 2);
    assert!(reason(&again).starts_with("cost cap:"));
    assert_eq!(s.fake.requests.lock().unwrap().len(), asked);

    // A higher cost cap, and 20 tokens per seat: Ada's second turn (28
    // tokens) reaches hers.
    let res = s
        .user
        .put_json(
            &format!("/api/backrooms/{id}/guards"),
            json!({"cost_cap_usd": 1.0, "seat_token_cap": 20}),
        )
        .await;
    let guards = json_of(res, StatusCode::OK).await;
    assert_eq!(guards["seat_token_cap"], 20);
    assert!((guards["cost_usd"].as_f64().unwrap_or(0.0) - 0.028).abs() < 1e-9);
    act(&s.user, id, "resume").await;
    let capped = wait_for(&s.user, id, "Ada's cap", |b| {
        b["state"] == "paused" && reason(b).starts_with("token cap")
    })
    .await;
    assert_eq!(turns(&capped), 3);
    assert_eq!(reason(&capped), "token cap: Ada used 28 of 20 tokens");
    // Bob still may speak; then Ada's turn comes and she may not.
    act(&s.user, id, "resume").await;
    let bob = wait_for(&s.user, id, "Bob's cap", |b| {
        b["state"] == "paused" && reason(b).contains("Bob")
    })
    .await;
    assert_eq!(turns(&bob), 4);
    let ada_asked = requests_for(&s.fake, "alpha").len();
    act(&s.user, id, "resume").await;
    let held = wait_for(&s.user, id, "Ada held", |b| {
        b["state"] == "paused" && reason(b).contains("Ada")
    })
    .await;
    assert_eq!(turns(&held), 4, "Ada is not asked past her cap");
    assert_eq!(requests_for(&s.fake, "alpha").len(), ada_asked);

    // A fork keeps the settings and starts its cost at zero.
    let fork = json_of(
        s.user
            .post_empty(&format!("/api/backrooms/{id}/fork"))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(fork["guards"]["seat_token_cap"], 20);
    assert_eq!(fork["guards"]["cost_cap_usd"], 1.0);
    assert_eq!(fork["guards"]["cost_usd"], 0.0);
    server.stop().await;
}
