//! The cast changing mid-run: an agent enters and a seat leaves while the
//! run is paused; from the next turn on the newcomer speaks and the one
//! who left does not (asserted on what the fake provider received), the
//! transcript says so, and the limits hold.

use crate::backrooms::{act, agent, get, requests_for, room, setup, wait_for, wait_state};
use crate::common::{json_of, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn speakers(b: &Value) -> Vec<String> {
    b["turns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["kind"] != "cast")
        .map(|t| t["speaker"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn an_agent_enters_and_another_leaves_at_the_next_turn() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "chunks-4-30", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let c = agent(&s, &s.user, "Cy", "gamma", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Comings", "participants": [a, b], "max_turns": 6}),
    )
    .await;
    let path = format!("/api/backrooms/{id}/participants");

    // Two must stay; someone in the room cannot enter again.
    let res = s.user.delete(&format!("{path}/{b}")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err = json_of(
        s.user.post_json(&path, json!({"agent_id": a})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(err["field"], "agent_id");

    act(&s.user, id, "start").await;
    // Pause once a turn is under way; it finishes, then the run waits.
    let turns = |v: &Value| v["turns"].as_array().cloned().unwrap_or_default();
    wait_for(&s.user, id, "a turn begun", |v| !turns(v).is_empty()).await;
    act(&s.user, id, "pause").await;
    let paused = wait_for(&s.user, id, "paused with no turn streaming", |v| {
        v["state"] == "paused" && turns(v).iter().all(|t| t["status"] != "streaming")
    })
    .await;
    let before = speakers(&paused).len();
    assert!(before >= 1);

    let view = json_of(
        s.user.post_json(&path, json!({"agent_id": c})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(view["participants"].as_array().map(Vec::len), Some(3));
    let view = json_of(s.user.delete(&format!("{path}/{b}")).await, StatusCode::OK).await;
    let bob = view["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "Bob")
        .cloned()
        .unwrap_or_default();
    assert_eq!(bob["left"], true);
    let lines: Vec<(Value, Value, Value)> = view["turns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["kind"] == "cast")
        .map(|t| {
            (
                t["content"].clone(),
                t["speaker"].clone(),
                t["human"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (json!("Cy enters the room."), json!("Cy"), json!(false)),
            (json!("Bob leaves the room."), json!("Bob"), json!(false)),
        ]
    );
    // Someone not in the room cannot leave it.
    let res = s.user.delete(&format!("{path}/{b}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let bob_asked = requests_for(&s.fake, "beta").len();
    act(&s.user, id, "resume").await;
    let done = wait_state(&s.user, id, "finished").await;
    let after: Vec<String> = speakers(&done).split_off(before);
    assert!(after.iter().all(|w| w != "Bob"), "{after:?}");
    assert!(after.iter().any(|w| w == "Cy"), "{after:?}");
    assert_eq!(
        requests_for(&s.fake, "beta").len(),
        bob_asked,
        "Bob is not asked again"
    );
    // Everyone still there hears the change, as the room speaking.
    let cy = requests_for(&s.fake, "gamma")[0]["messages"].to_string();
    assert!(
        cy.contains("Room: Cy enters the room.") && cy.contains("Bob leaves the room."),
        "{cy}"
    );
    assert_eq!(get(&s.user, id).await["state"], "finished");

    // An ended run's cast no longer changes.
    let res = s.user.post_json(&path, json!({"agent_id": b})).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // A fork has the cast as it was where it was cut: after the changes,
    // Bob has left and Cy is in; before them, Bob is in and Cy is not yet.
    let left = |v: &Value| -> Vec<(String, bool)> {
        v["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["name"].as_str().unwrap_or_default().to_string(),
                    p.get("left").and_then(Value::as_bool).unwrap_or(false),
                )
            })
            .collect()
    };
    let fork_at = |turn: usize| {
        let api = &s.user;
        async move {
            json_of(
                api.post_json(&format!("/api/backrooms/{id}/fork"), json!({"turn": turn}))
                    .await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    let whole = fork_at(done["turns"].as_array().map_or(0, Vec::len)).await;
    let named = |v: Vec<(String, bool)>| {
        let mut v = v;
        v.sort();
        v
    };
    assert_eq!(
        named(left(&whole)),
        [
            ("Ada".into(), false),
            ("Bob".into(), true),
            ("Cy".into(), false)
        ]
    );
    let early = fork_at(before).await;
    assert_eq!(
        named(left(&early)),
        [
            ("Ada".into(), false),
            ("Bob".into(), false),
            ("Cy".into(), true)
        ]
    );
    // Run on, the early fork never asks Cy, who has not come in there.
    let early_id = early["id"].as_i64().unwrap_or_default();
    let cy_asked = requests_for(&s.fake, "gamma").len();
    act(&s.user, early_id, "start").await;
    wait_state(&s.user, early_id, "finished").await;
    assert_eq!(requests_for(&s.fake, "gamma").len(), cy_asked);
    server.stop().await;
}

#[tokio::test]
async fn a_fork_with_a_changed_seat_goes_on_with_the_change() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    // The other model says something else, so the branches differ.
    let other = crate::common::add_model(&s.admin, s.provider, "chunks-3-0").await;
    let id = room(
        &s.user,
        json!({"title": "Original", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    act(&s.user, id, "start").await;
    wait_state(&s.user, id, "finished").await;
    let fork_path = format!("/api/backrooms/{id}/fork");

    // Changes that name no seat, a model out of reach or a temperature
    // out of range are refused.
    for bad in [
        json!([{"participant": 999_999, "temperature": 1.0}]),
        json!([{"participant": b, "model_id": 999_999}]),
        json!([{"participant": b, "temperature": 3.0}]),
        json!([{"participant": b}, {"participant": b}]),
    ] {
        let err = json_of(
            s.user
                .post_json(&fork_path, json!({"turn": 1, "changes": bad}))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(err["field"], "changes", "{bad}");
    }

    // From turn 1, Bob on another model with another prompt.
    let fork = json_of(
        s.user
            .post_json(
                &fork_path,
                json!({"turn": 1, "changes": [{"participant": b, "model_id": other,
                       "system_prompt": "You are Bob, now a poet.", "temperature": 0.2}]}),
            )
            .await,
        StatusCode::CREATED,
    )
    .await;
    let bob = |v: &Value| {
        v["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "Bob")
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(bob(&fork)["model_id"], other);
    assert_eq!(bob(&fork)["system_prompt"], "You are Bob, now a poet.");
    assert_eq!(fork["turns"].as_array().map(Vec::len), Some(1));
    // The original keeps its cast.
    assert_ne!(bob(&get(&s.user, id).await)["model_id"], other);

    let fid = fork["id"].as_i64().unwrap_or_default();
    act(&s.user, fid, "start").await;
    wait_state(&s.user, fid, "finished").await;
    let asked = requests_for(&s.fake, "chunks-3-0");
    assert_eq!(asked.len(), 1, "Bob's turn went to the other model");
    assert_eq!(
        asked[0]["messages"][0]["content"],
        "You are Bob, now a poet."
    );
    assert!((asked[0]["temperature"].as_f64().unwrap_or(0.0) - 0.2).abs() < 1e-6);

    // Side by side from the split: turn 1 alike, then each its own.
    let c = json_of(
        s.user
            .get(&format!("/api/backrooms/{id}/compare/{fid}"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["shared"], 1);
    assert_eq!(
        c["left"]["turns"][0]["content"],
        "Hello from the fake provider."
    );
    assert_eq!(c["right"]["turns"][0]["content"], "w0 w1 w2 ");
    assert_eq!(bob(&c["right"])["model_id"], other);
    let page = s.user.get(&format!("/backrooms/{id}/compare/{fid}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("they split after turn 1"), "{html}");
    assert!(html.contains("w0 w1 w2"));
    // The fork's page links to it; someone else's backroom is not found.
    let fork_page = s
        .user
        .get(&format!("/backrooms/{fid}"))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(fork_page.contains(&format!("/backrooms/{id}/compare/{fid}")));

    // The same from the room's page, a plain form: Ada with another prompt
    // from the start, the empty fields keeping her own.
    let page = s
        .user
        .get(&format!("/backrooms/{id}"))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("Fork with a change"));
    let id_s = id.to_string();
    let ada = a.to_string();
    let form = |temperature: &'static str| {
        let (id_s, ada) = (id_s.clone(), ada.clone());
        let api = &s.user;
        async move {
            api.post_form(
                "/fn/backrooms/fork",
                &[
                    ("id", id_s.as_str()),
                    ("turn", "0"),
                    ("participant", ada.as_str()),
                    ("model_id", ""),
                    ("system_prompt", "You are Ada, now terse."),
                    ("temperature", temperature),
                ],
            )
            .await
        }
    };
    let bad = form("9").await;
    assert_eq!(crate::common::location(&bad), format!("/backrooms/{id}"));
    let res = form("").await;
    let to = crate::common::location(&res);
    let made: i64 = to
        .trim_start_matches("/backrooms/")
        .parse()
        .unwrap_or_default();
    assert!(made > fid, "redirected to the new fork: {to}");
    let formed = get(&s.user, made).await;
    let ada_seat = formed["participants"][0].clone();
    assert_eq!(ada_seat["system_prompt"], "You are Ada, now terse.");
    let original = get(&s.user, id).await;
    assert_eq!(
        ada_seat["temperature"],
        original["participants"][0]["temperature"]
    );
    assert_eq!(
        ada_seat["model_id"],
        original["participants"][0]["model_id"]
    );
    assert_eq!(formed["turns"].as_array().map(Vec::len), Some(0));
    assert_eq!(formed["forked_from"], id);
    let res = s
        .admin
        .get(&format!("/api/backrooms/{id}/compare/{fid}"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}
