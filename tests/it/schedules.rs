//! Scheduled runs against the fake provider, on a clock the test sets: a
//! daily schedule starts nothing before its time, then one new fork that
//! runs to its end; days missed start one run; over a quota, or while the
//! last run is still going, nothing starts and the schedule says why;
//! taking the schedule off stops it; bad schedules are refused.

use crate::backrooms::{agent, get, requests_for, room, setup, wait_for, wait_state};
use crate::common::{json_of, TestServer};
use backrooms::server::engine::scheduler::fire_due;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Thursday 2030-01-03 08:00:00 UTC.
const T: i64 = 1_893_657_600;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn schedule(b: &Value) -> &Value {
    &b["schedule"]
}

async fn rooms(api: &crate::common::Api) -> Vec<Value> {
    json_of(api.get("/api/backrooms").await, StatusCode::OK)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_daily_schedule_starts_a_new_fork_at_its_time_within_quotas() {
    let server = TestServer::start().await;
    let clock = &server.state().clock;
    let s = setup(&server).await;
    // Each turn takes about a second: a run is still going for a while.
    let a = agent(&s, &s.user, "Ada", "clock-20-50", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Morning", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    clock.set(T);
    let set = json_of(
        s.user
            .put_json(
                &format!("/api/backrooms/{id}/schedule"),
                json!({"every": "daily", "at": "09:00"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["cron"], "0 9 * * *");
    assert_eq!(set["next_at"], T + HOUR);
    assert_eq!(set["runs"], 0);
    assert!(set["description"].as_str().unwrap().contains("UTC"));
    assert_eq!(schedule(&get(&s.user, id).await)["next_at"], T + HOUR);
    let page = s
        .user
        .get(&format!("/backrooms/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("2030-01-03 09:00 UTC"),
        "the page shows the next run"
    );

    // A minute before its time nothing starts.
    clock.set(T + HOUR - 60);
    assert_eq!(fire_due(server.state()).await.unwrap(), 0);
    assert_eq!(rooms(&s.user).await.len(), 1);

    // At its time one fork starts from the first turn and runs to its end.
    clock.set(T + HOUR + 30);
    let after = wait_for(&s.user, id, "the first scheduled run", |b| {
        schedule(b)["runs"] == 1
    })
    .await;
    let sched = schedule(&after);
    assert_eq!(sched["last_at"], T + HOUR + 30);
    assert_eq!(sched["next_at"], T + HOUR + DAY);
    assert_eq!(sched["last_error"], Value::Null);
    let run = sched["last_run"].as_i64().unwrap();
    let done = wait_state(&s.user, run, "finished").await;
    assert_eq!(done["forked_from"], id);
    assert_eq!(done["title"], "Morning (scheduled, 2030-01-03 09:00 UTC)");
    assert_eq!(done["turns"].as_array().unwrap().len(), 2);
    assert_eq!(requests_for(&s.fake, "beta").len(), 1, "Bob spoke once");
    let template = get(&s.user, id).await;
    assert_eq!(
        template["state"], "draft",
        "the template itself does not run"
    );
    assert_eq!(template["turns"].as_array().unwrap().len(), 0);
    assert_eq!(rooms(&s.user).await.len(), 2);

    // Four days down: the missed times start one run, not four.
    clock.set(T + 4 * DAY + 2 * HOUR);
    let after = wait_for(&s.user, id, "the run after the missed days", |b| {
        schedule(b)["runs"] == 2
    })
    .await;
    assert_eq!(schedule(&after)["next_at"], T + 5 * DAY + HOUR);
    let second = schedule(&after)["last_run"].as_i64().unwrap();
    assert_ne!(second, run);

    // While that run is still going the next time starts nothing.
    clock.set(T + 5 * DAY + HOUR);
    let after = wait_for(&s.user, id, "a time that found the last run going", |b| {
        schedule(b)["last_at"] == T + 5 * DAY + HOUR
    })
    .await;
    assert_eq!(schedule(&after)["runs"], 2);
    assert!(
        schedule(&after)["last_error"]
            .as_str()
            .unwrap()
            .contains(&format!("backroom {second}) was still going")),
        "{after}"
    );
    wait_state(&s.user, second, "finished").await;

    // Over the owner's daily token limit the time starts nothing either.
    let me = json_of(s.user.get("/api/users/profile").await, StatusCode::OK).await;
    let res = s
        .admin
        .put_json(
            &format!("/api/admin/users/{}/limits", me["id"]),
            json!({"tokens_per_day": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    clock.set(T + 6 * DAY + HOUR);
    let after = wait_for(&s.user, id, "a time over the quota", |b| {
        schedule(b)["last_at"] == T + 6 * DAY + HOUR
    })
    .await;
    let usage = json_of(s.user.get("/api/limits").await, StatusCode::OK).await;
    assert_eq!(schedule(&after)["runs"], 2, "{after} {usage}");
    assert!(
        schedule(&after)["last_error"]
            .as_str()
            .unwrap()
            .starts_with("Daily token limit reached"),
        "{after}"
    );
    assert_eq!(schedule(&after)["next_at"], T + 7 * DAY + HOUR);
    assert_eq!(
        rooms(&s.user).await.len(),
        3,
        "no run started over the quota"
    );

    // Taken off, it no longer runs.
    let res = s
        .user
        .delete(&format!("/api/backrooms/{id}/schedule"))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(schedule(&get(&s.user, id).await), &Value::Null);
    clock.set(T + 30 * DAY);
    assert_eq!(fire_due(server.state()).await.unwrap(), 0);
    assert_eq!(rooms(&s.user).await.len(), 3);
}

#[tokio::test]
async fn bad_schedules_are_refused_and_only_the_owner_sets_one() {
    let server = TestServer::start().await;
    let s = setup(&server).await;
    let a = agent(&s, &s.user, "Ada", "alpha", 0.5).await;
    let b = agent(&s, &s.user, "Bob", "beta", 0.5).await;
    let id = room(
        &s.user,
        json!({"title": "Often", "participants": [a, b], "max_turns": 2}),
    )
    .await;
    let path = format!("/api/backrooms/{id}/schedule");
    for (body, why) in [
        (json!({"every": "hourly"}), "every is daily, weekly or cron"),
        (json!({"every": "daily", "at": "9h"}), "HH:MM"),
        (
            json!({"every": "weekly", "at": "09:00", "weekday": "someday"}),
            "weekday",
        ),
        (
            json!({"every": "cron", "cron": "*/5 * * * *"}),
            "more often than every 15 minutes",
        ),
        (
            json!({"every": "cron", "cron": "not cron"}),
            "not a cron expression",
        ),
    ] {
        let err = json_of(
            s.user.put_json(&path, body.clone()).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(err["field"], "schedule", "{body}");
        assert!(
            err["error"].as_str().unwrap().contains(why),
            "{body}: {err}"
        );
    }
    let weekly = json_of(
        s.user
            .put_json(
                &path,
                json!({"every": "weekly", "at": "07:30", "weekday": "sat"}),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(weekly["cron"], "30 7 * * 6");
    // Someone else's backroom is not found.
    let res = s
        .admin
        .put_json(&path, json!({"every": "daily", "at": "09:00"}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(s.admin.delete(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(schedule(&get(&s.user, id).await)["cron"], "30 7 * * 6");
}
