//! A run's figures against the fake provider: per participant tokens, cost
//! at its model's prices, time to first token and tokens per second, per
//! turn its length; the page draws them as SVG; only the owner sees them.

use crate::backrooms::{act, agent, get, room, setup, wait_state};
use crate::common::{json_of, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_finished_run_in_figures_and_svg() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    // Ada writes 10 tokens 30 ms apart; Bob 3 at once.
    let a = agent(&s, &s.user, "Ada", "chunks-10-30", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Figures", "participants": [a, b], "max_turns": 4}),
    )
    .await;
    let ada_model = get(&s.user, id).await["participants"][0]["model_id"].clone();
    let res = s
        .admin
        .put_json(
            &format!("/api/config/models/{ada_model}"),
            json!({"input_price": 1000.0, "output_price": 1000.0}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let empty = json_of(
        s.user.get(&format!("/api/backrooms/{id}/analytics")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(empty["turns"], json!([]));
    assert_eq!(empty["seats"][0]["ttft_ms"], Value::Null);
    act(&s.user, id, "start").await;
    wait_state(&s.user, id, "finished").await;

    let f = json_of(
        s.user.get(&format!("/api/backrooms/{id}/analytics")).await,
        StatusCode::OK,
    )
    .await;
    let (ada, bob) = (&f["seats"][0], &f["seats"][1]);
    assert_eq!(ada["name"], "Ada");
    assert_eq!(
        (
            &ada["turns"],
            &ada["prompt_tokens"],
            &ada["completion_tokens"]
        ),
        (&json!(2), &json!(22), &json!(20))
    );
    // $1 000 per million tokens: 42 tokens cost $0.042; Bob's model has no price.
    assert!(
        (ada["cost_usd"].as_f64().unwrap() - 0.042).abs() < 1e-9,
        "{f}"
    );
    assert_eq!(bob["cost_usd"], 0.0);
    assert_eq!(bob["completion_tokens"], 6);
    assert!((f["cost_usd"].as_f64().unwrap() - 0.042).abs() < 1e-9);
    assert_eq!(f["tokens"], 22 + 20 + 22 + 6);
    // Ada's first token comes 30 ms in; her other 9 take at least 270 ms,
    // so she cannot write faster than 10 / 0.27 s.
    assert!(ada["ttft_ms"].as_i64().unwrap() >= 30, "{ada}");
    let rate = ada["tokens_per_second"].as_f64().unwrap();
    assert!(rate > 0.0 && rate <= 10.0 / 0.27, "{ada}");
    let turns = f["turns"].as_array().unwrap();
    let who: Vec<(i64, &str, i64)> = turns
        .iter()
        .map(|t| {
            (
                t["number"].as_i64().unwrap(),
                t["speaker"].as_str().unwrap(),
                t["completion_tokens"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [(1, "Ada", 10), (2, "Bob", 3), (3, "Ada", 10), (4, "Bob", 3)]
    );
    assert_eq!(turns[0]["words"], 10);

    // The page draws it: four bar charts of two bars and a column per turn.
    let res = s.user.get(&format!("/backrooms/{id}/analytics")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert_eq!(page.matches("class=\"chart-svg\"").count(), 5, "{page}");
    assert_eq!(page.matches("<rect").count(), 4 * 2 + 4);
    for shown in [
        "Tokens per participant",
        "Turn lengths over the run",
        "Turn 3: Ada · 10 tokens",
        "Cost per participant",
        "4 agent turns · 70 tokens · $0.0420",
    ] {
        assert!(page.contains(shown), "the page shows {shown}");
    }
    let room_page = s
        .user
        .get(&format!("/backrooms/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(room_page.contains(&format!("/backrooms/{id}/analytics")));

    // Someone else gets nothing.
    let res = s.admin.get(&format!("/api/backrooms/{id}/analytics")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = s.admin.get(&format!("/backrooms/{id}/analytics")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("chart-svg"));
}
