//! Whispers in a backroom: a viewer's interjection addressed with `@Name`
//! or `visible_to`, and an agent's turn that opens with `@Name`, reach only
//! those seats' prompts (asserted on what the fake provider received); the
//! transcript, the live events and the export mark them; bad addressees
//! are refused.

use crate::backrooms::{act, agent, events_url, get, requests_for, room, setup, wait_state};
use crate::common::{json_of, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Everything the fake was sent for model `sdk`, as one string.
fn heard(s: &crate::backrooms::Setup, sdk: &str) -> String {
    requests_for(&s.fake, sdk)
        .iter()
        .map(|r| r["messages"].to_string())
        .collect()
}

#[tokio::test]
async fn a_whisper_reaches_only_the_seats_it_names() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Secrets", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    let say = |body: Value| {
        let api = &s.user;
        async move {
            api.post_json(&format!("/api/backrooms/{id}/interject"), body)
                .await
        }
    };
    let to_bob = json_of(
        say(json!({"content": "@Bob the exit is behind the yellow door"})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(to_bob["whisper_to"], json!(["Bob"]));
    let to_ada = json_of(
        say(json!({"content": "The password is swordfish.", "visible_to": [a]})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(to_ada["whisper_to"], json!(["Ada"]));
    let all = json_of(
        say(json!({"content": "Everyone hears this."})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(all.get("whisper_to"), None);
    // Addressees that are not seats, or none at all, are refused.
    for bad in [json!([999_999]), json!([])] {
        let err = json_of(
            say(json!({"content": "hm", "visible_to": bad})).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(err["field"], "visible_to");
    }

    act(&s.user, id, "start").await;
    wait_state(&s.user, id, "finished").await;
    let (ada, bob) = (heard(&s, "alpha"), heard(&s, "beta"));
    assert!(
        ada.contains("swordfish") && !ada.contains("yellow door"),
        "{ada}"
    );
    assert!(
        bob.contains("yellow door") && !bob.contains("swordfish"),
        "{bob}"
    );
    assert!(ada.contains("Everyone hears this") && bob.contains("Everyone hears this"));
    assert!(
        bob.contains("(whispering to you)"),
        "marked for its hearer: {bob}"
    );

    // Viewers see them marked: the transcript, the events, the export.
    let view = get(&s.user, id).await;
    let marks: Vec<Value> = view["turns"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["human"] == true)
        .map(|t| t.get("whisper_to").cloned().unwrap_or(Value::Null))
        .collect();
    assert_eq!(marks, [json!(["Bob"]), json!(["Ada"]), Value::Null]);
    let events = SseReader::new(s.user.get(&events_url(id)).await)
        .all()
        .await;
    let starts: Vec<Value> = events
        .iter()
        .filter(|e| e.data["type"] == "turn_start" && e.data["human"] == true)
        .map(|e| e.data.get("whisper_to").cloned().unwrap_or(Value::Null))
        .collect();
    assert_eq!(starts, marks);
    let md = s
        .user
        .get(&format!("/api/backrooms/{id}/export?format=md"))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(md.contains("whispering to Bob"), "{md}");
    server.stop().await;
}

#[tokio::test]
async fn an_agent_whispers_by_opening_its_turn_with_a_name() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "whisper-Bob", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let c = agent(&s, &s.user, "Cy", "gamma", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Asides", "participants": [a, b, c], "max_turns": 4}),
    )
    .await;
    // Following live from the start: the turn's end says who it was for.
    let mut live = SseReader::new(s.user.get(&events_url(id)).await);
    act(&s.user, id, "start").await;
    wait_state(&s.user, id, "finished").await;
    let (bob, cy) = (heard(&s, "beta"), heard(&s, "gamma"));
    assert!(
        bob.contains("Ada (whispering to you): @Bob psst: the key is under the mat."),
        "{bob}"
    );
    assert!(
        !cy.contains("the key is under the mat"),
        "Cy never hears it: {cy}"
    );
    assert!(cy.contains("Bob: "), "Cy hears Bob's turn: {cy}");
    // Ada remembers her own whisper when she speaks again.
    let ada = requests_for(&s.fake, "whisper-Bob");
    assert_eq!(ada.len(), 2);
    assert!(ada[1]["messages"]
        .to_string()
        .contains("the key is under the mat"));

    let view = get(&s.user, id).await;
    assert_eq!(view["turns"][0]["whisper_to"], json!(["Bob"]));
    assert_eq!(view["turns"][1].get("whisper_to"), None);
    let mut ends = Vec::new();
    while let Some(e) = live.next().await {
        if e.data["type"] == "turn_end" {
            ends.push(e.data.get("whisper_to").cloned().unwrap_or(Value::Null));
        }
        if e.data["type"] == "state" && e.data["state"] == "finished" {
            break;
        }
    }
    assert_eq!(
        ends,
        [json!(["Bob"]), Value::Null, Value::Null, json!(["Bob"])]
    );
    let md = s
        .user
        .get(&format!("/api/backrooms/{id}/export?format=md"))
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(md.contains("whispering to Bob"), "{md}");
    server.stop().await;
}
