//! Public live rooms: the owner publishes a run, anyone with the link
//! (signed out) reads and follows it without what the owner keeps to
//! themselves, with a viewer count and resume, a few streams per address,
//! and revoking closes it at once.

use crate::common;

use common::fake_provider::FakeProvider;
use common::{add_model, add_provider, json_of, Api, Sse, SseReader, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Setup {
    server: TestServer,
    user: Api,
    _fake: FakeProvider,
    room: i64,
}

/// A draft backroom of two agents on fake models `sdks` (`chunks-N-D`: N
/// words, D ms apart).
async fn setup(sdks: [&str; 2]) -> Setup {
    let server = TestServer::start().await;
    let (admin, user) = server.admin_and_user().await;
    let fake = FakeProvider::start().await;
    let provider = add_provider(&admin, "fo", "openai", &fake.openai_base()).await;
    let mut seats = Vec::new();
    for (name, sdk) in ["Ada", "Bob"].into_iter().zip(sdks) {
        let model = add_model(&admin, provider, sdk).await;
        let body = json!({"name": name, "system_prompt": format!("Secret prompt of {name}."),
                          "model_id": model});
        seats.push(
            json_of(
                user.post_json("/api/agents", body).await,
                StatusCode::CREATED,
            )
            .await["id"]
                .clone(),
        );
    }
    let body = json!({"title": "On stage", "scenario": "A hidden premise.",
                      "participants": seats, "max_turns": 3});
    let room = json_of(
        user.post_json("/api/backrooms", body).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    Setup {
        server,
        user,
        _fake: fake,
        room,
    }
}

/// The owner presses `action` (start, stop...) on the room.
async fn control(s: &Setup, action: &str) {
    let path = format!("/api/backrooms/{}/{action}", s.room);
    json_of(s.user.post_empty(&path).await, StatusCode::OK).await;
}

async fn publish(api: &Api, room: i64, body: Value) -> Value {
    json_of(
        api.post_json(&format!("/api/backrooms/{room}/publish"), body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

/// A signed-out viewer's stream of `token`, resumed after `after`.
async fn watch(server: &TestServer, token: &str, after: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(server.url(&format!("/b/{token}/events")));
    if let Some(id) = after {
        req = req.header("Last-Event-ID", id);
    }
    req.send().await.unwrap()
}

/// Reads `reader` until it says `n` are watching (5 s at most).
async fn count_reaches(reader: &mut SseReader, n: u64) {
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            let e = reader.next().await.expect("the stream goes on");
            if kind(&e) == "viewers" && e.data["count"] == n {
                return;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the count never reached {n}"));
}

fn kind(e: &Sse) -> &str {
    e.data["type"].as_str().unwrap()
}

fn text(events: &[Sse]) -> String {
    events
        .iter()
        .filter(|e| kind(e) == "delta")
        .map(|e| e.data["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_published_run_is_watched_signed_out_without_what_the_owner_keeps() {
    let s = setup(["chunks-6-30", "chunks-5-30"]).await;
    let link = publish(&s.user, s.room, json!({})).await;
    let token = link["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 48);
    assert_eq!(link["url"], format!("/b/{token}"));
    assert!(link["embed"].as_str().unwrap().ends_with("/embed"));
    // Publishing again keeps the link; someone else cannot publish it.
    assert_eq!(publish(&s.user, s.room, json!({})).await["token"], token);
    let other = s.server.client();
    other.register("mallory", "mallory password").await;
    let res = other
        .post_json(&format!("/api/backrooms/{}/publish", s.room), json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Signed out: the room, its seats and transcript; no prompts, models,
    // scenario or agent ids.
    let anon = s.server.client();
    let view = json_of(
        anon.get(&format!("/api/public/rooms/{token}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(view["title"], "On stage");
    assert_eq!(view["scenario"], "");
    let seats = view["participants"].as_array().unwrap();
    assert_eq!(seats[0]["name"], "Ada");
    assert_eq!(seats[0]["system_prompt"], "");
    assert!(seats[0]["model"].is_null() && seats[0]["agent_id"].is_null());
    let page = anon.get(&format!("/b/{token}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("On stage"));
    assert!(!html.contains("Secret prompt"), "a prompt leaked");
    assert!(!html.contains("A hidden premise"), "the scenario leaked");
    assert!(!html.contains(">Start<"), "no controls for viewers");
    assert!(
        html.contains("http-equiv=\"refresh\""),
        "without scripts the page reloads"
    );
    // Only the embed view may be framed by other sites.
    let embed = anon.get(&format!("/b/{token}/embed")).await;
    assert_eq!(embed.status(), StatusCode::OK);
    assert!(embed.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors *"));

    // Two signed-out viewers: the count follows them; then the run.
    let mut one = SseReader::new(watch(&s.server, &token, None).await);
    assert_eq!(one.next().await.unwrap().data["state"], "draft");
    assert_eq!(one.next().await.unwrap().data["count"], 1);
    let mut two = SseReader::new(watch(&s.server, &token, None).await);
    assert_eq!(two.next().await.unwrap().data["state"], "draft");
    // The first viewer hears the count go up to 2; a third comes and
    // goes (before anything happens in the run): 3, then 2 again.
    count_reaches(&mut one, 2).await;
    let mut three = SseReader::new(watch(&s.server, &token, None).await);
    assert_eq!(three.next().await.unwrap().data["state"], "draft");
    count_reaches(&mut one, 3).await;
    drop(three);
    count_reaches(&mut one, 2).await;
    control(&s, "start").await;
    let seen = two.all().await;
    let starts: Vec<&Sse> = seen.iter().filter(|e| kind(e) == "turn_start").collect();
    assert_eq!(starts.len(), 3);
    assert!(starts.iter().all(|e| e.data["agent_id"].is_null()));
    assert_eq!(starts[0].data["speaker"], "Ada");
    let whole = text(&seen);
    assert_eq!(whole, "w0 w1 w2 w3 w4 w5 w0 w1 w2 w3 w4 w0 w1 w2 w3 w4 w5 ");
    assert_eq!(seen.last().unwrap().data["state"], "finished");
    // What the owner sees, minus what is kept: the same text.
    let owned = SseReader::new(
        s.user
            .get(&format!("/api/backrooms/{}/events", s.room))
            .await,
    )
    .all()
    .await;
    assert_eq!(text(&owned), whole);

    // Resuming from any id gives exactly the rest.
    for cut in [2, seen.len() / 2, seen.len() - 3] {
        let from = seen[cut].id.clone().unwrap();
        let rest = SseReader::new(watch(&s.server, &token, Some(&from)).await)
            .all()
            .await;
        let mut joined = seen[..=cut].to_vec();
        joined.extend(rest.into_iter().filter(|e| kind(e) != "state"));
        assert_eq!(text(&joined), whole, "resuming after event {cut}");
    }
    drop(one);

    // With details shown, the prompts and models are there too.
    publish(&s.user, s.room, json!({"show_details": true})).await;
    let view = json_of(
        anon.get(&format!("/api/public/rooms/{token}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        view["participants"][0]["system_prompt"],
        "Secret prompt of Ada."
    );
    assert_eq!(view["scenario"], "A hidden premise.");
}

#[tokio::test]
async fn revoking_closes_open_viewers_and_the_link_answers_404() {
    // Turns of 4 s: revoking cuts a viewer off in the middle of one.
    let s = setup(["chunks-40-100", "chunks-41-100"]).await;
    let token = publish(&s.user, s.room, json!({})).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    // One address holds at most 8 streams at once.
    let mut open = Vec::new();
    for _ in 0..8 {
        let res = watch(&s.server, &token, None).await;
        assert_eq!(res.status(), StatusCode::OK);
        open.push(SseReader::new(res));
    }
    let res = watch(&s.server, &token, None).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let mut viewer = open.pop().unwrap();
    drop(open);
    assert_eq!(viewer.next().await.unwrap().data["state"], "draft");
    control(&s, "start").await;
    // Watching the first turn being written...
    loop {
        let e = viewer.next().await.expect("the run goes on");
        if kind(&e) == "delta" {
            break;
        }
    }
    assert_eq!(
        s.user
            .delete(&format!("/api/backrooms/{}/publish", s.room))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // ...the viewer is told at once, mid-turn, then its stream ends.
    let rest = tokio::time::timeout(std::time::Duration::from_secs(2), viewer.all())
        .await
        .expect("the stream ends at once");
    assert_eq!(kind(rest.last().unwrap()), "revoked");
    assert!(
        !rest.iter().any(|e| kind(e) == "turn_end"),
        "cut off before the turn ended"
    );
    for path in [
        format!("/api/public/rooms/{token}"),
        format!("/b/{token}/events"),
        format!("/b/{token}"),
    ] {
        let res = reqwest::get(s.server.url(&path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        s.user
            .delete(&format!("/api/backrooms/{}/publish", s.room))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The owner's own stream is not touched by revoking.
    let res = s
        .user
        .get(&format!("/api/backrooms/{}/events", s.room))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    control(&s, "stop").await;
    // Published again: a new link, the old one stays dead.
    let again = publish(&s.user, s.room, json!({})).await;
    assert_ne!(again["token"], token.as_str());
}

/// A new connection's event stream is served straight off its socket
/// (`connection: close`); one that comes on a connection the router
/// already served goes through the router. Both say the same, resume
/// the same and refuse the same.
#[tokio::test]
async fn the_stream_is_the_same_off_the_socket_and_through_the_router() {
    let s = setup(["chunks-6-0", "chunks-5-0"]).await;
    let token = publish(&s.user, s.room, json!({})).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    control(&s, "start").await;
    loop {
        let room = json_of(
            s.user.get(&format!("/api/backrooms/{}", s.room)).await,
            StatusCode::OK,
        )
        .await;
        if room["state"] == "finished" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let events_path = s.server.url(&format!("/b/{token}/events"));
    let frames = |events: Vec<Sse>| -> Vec<(Option<String>, Value)> {
        events
            .into_iter()
            .filter(|e| kind(e) != "viewers")
            .map(|e| (e.id, e.data))
            .collect()
    };

    let fresh = reqwest::Client::new()
        .get(&events_path)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(
        fresh.headers()["connection"],
        "close",
        "served off the socket"
    );
    assert_eq!(fresh.headers()["content-type"], "text/event-stream");
    assert_eq!(fresh.headers()["x-content-type-options"], "nosniff");
    let off_socket = frames(SseReader::new(fresh).all().await);

    let client = reqwest::Client::new();
    let health = client.get(s.server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    health.bytes().await.unwrap();
    let reused = client.get(&events_path).send().await.unwrap();
    assert_eq!(reused.status(), StatusCode::OK);
    assert!(
        reused.headers().get("connection").is_none(),
        "through the router on the kept-alive connection"
    );
    let routed = frames(SseReader::new(reused).all().await);
    assert_eq!(off_socket, routed);
    assert_eq!(
        text_of(&off_socket),
        "w0 w1 w2 w3 w4 w5 w0 w1 w2 w3 w4 w0 w1 w2 w3 w4 w5 "
    );

    // Resuming off the socket gives exactly the rest.
    let cut = off_socket.len() / 2;
    let from = off_socket[cut].0.clone().unwrap();
    let rest = reqwest::Client::new()
        .get(&events_path)
        .header("Last-Event-ID", &from)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.headers()["connection"], "close");
    let rest = frames(SseReader::new(rest).all().await);
    assert_eq!(rest, off_socket[cut + 1..]);

    // Refused the same: a bad resume id, an unknown link.
    let bad = reqwest::Client::new()
        .get(&events_path)
        .header("Last-Event-ID", "soon")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.headers()["connection"], "close");
    let err = json_of(bad, StatusCode::BAD_REQUEST).await;
    assert_eq!(err["field"], "Last-Event-ID");
    let gone = reqwest::Client::new()
        .get(s.server.url("/b/0123456789abcdef/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

fn text_of(frames: &[(Option<String>, Value)]) -> String {
    frames
        .iter()
        .filter(|(_, d)| d["type"] == "delta")
        .map(|(_, d)| d["text"].as_str().unwrap_or_default())
        .collect()
}
