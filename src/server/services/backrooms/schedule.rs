//! Scheduled runs: a backroom that runs again at the times a cron
//! expression names (UTC), each time as a new fork of it from its first
//! turn. The settings, which schedules are due, and claiming a due one so
//! that two schedulers never start the same time twice.

use super::read::owned;
use crate::error::AppError;
use crate::model::backroom::BackroomState;
use crate::model::backroom_schedule::{Schedule, ScheduleInput};
use crate::server::db::schema::backroom_schedules as schedules;
use crate::server::db::Conn;
use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use diesel::prelude::*;

/// The shortest time between two runs, in seconds.
pub const MIN_GAP: i64 = 15 * 60;
/// Expressions longer than this are refused before parsing.
const CRON_MAX: usize = 200;

#[derive(Queryable, Selectable)]
#[diesel(table_name = schedules)]
struct Row {
    backroom_id: i64,
    cron: String,
    next_at: i64,
    last_at: Option<i64>,
    last_run: Option<i64>,
    last_error: Option<String>,
    runs: i32,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::invalid("schedule", message)
}

/// Five fields (or an alias such as `@daily`), UTC.
fn parse(expr: &str) -> Result<Cron, AppError> {
    if expr.len() > CRON_MAX {
        return Err(bad(format!("cron is at most {CRON_MAX} characters.")));
    }
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(expr)
        .map_err(|e| bad(format!("cron “{expr}” is not a cron expression: {e}.")))
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default()
}

/// The first time `cron` names after `t`.
fn next(cron: &Cron, t: i64) -> Result<i64, AppError> {
    cron.find_next_occurrence(&at(t), false)
        .map(|d| d.timestamp())
        .map_err(|_| bad("The schedule never comes due."))
}

/// `HH:MM` as (hour, minute).
fn time_of_day(at: Option<&str>) -> Result<(u32, u32), AppError> {
    let at = at.unwrap_or("").trim();
    let parsed = at.split_once(':').and_then(|(h, m)| {
        let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        (at.len() <= 5 && h < 24 && m < 60).then_some((h, m))
    });
    parsed.ok_or_else(|| bad("at is a time of day, HH:MM (UTC), e.g. 09:30."))
}

/// `mon`, `Monday`...: 0 (Sunday) to 6, as cron counts.
fn weekday(day: Option<&str>) -> Result<u32, AppError> {
    const NAMES: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    let d = day.unwrap_or("").trim().to_lowercase();
    NAMES
        .iter()
        .position(|n| d.len() >= 3 && n.starts_with(&d))
        .map(|i| i as u32)
        .ok_or_else(|| bad("weekday is a day of the week, mon to sun."))
}

/// The cron expression `input` means, checked: it must come due, and no
/// more often than every [`MIN_GAP`].
pub fn expression(input: &ScheduleInput, t: i64) -> Result<String, AppError> {
    let expr = match input.every.trim() {
        "daily" => {
            let (h, m) = time_of_day(input.at.as_deref())?;
            format!("{m} {h} * * *")
        }
        "weekly" => {
            let (h, m) = time_of_day(input.at.as_deref())?;
            format!("{m} {h} * * {}", weekday(input.weekday.as_deref())?)
        }
        "cron" => input.cron.as_deref().unwrap_or("").trim().to_string(),
        _ => return Err(bad("every is daily, weekly or cron.")),
    };
    let cron = parse(&expr)?;
    // The gaps between its next runs, over a year of them at most.
    let mut last = next(&cron, t)?;
    for _ in 0..400 {
        let Ok(n) = next(&cron, last) else { break };
        if n - last < MIN_GAP {
            return Err(bad(format!(
                "“{expr}” runs more often than every {} minutes.",
                MIN_GAP / 60
            )));
        }
        if n - t > 366 * 86_400 {
            break;
        }
        last = n;
    }
    Ok(expr)
}

fn view(r: Row) -> Schedule {
    let description = parse(&r.cron)
        .map(|c| c.describe())
        .unwrap_or_else(|_| r.cron.clone());
    Schedule {
        description: format!("{} (UTC)", description.trim_end_matches('.')),
        cron: r.cron,
        next_at: r.next_at,
        last_at: r.last_at,
        last_run: r.last_run,
        last_error: r.last_error,
        runs: r.runs.into(),
    }
}

/// The backroom's schedule, if it has one.
pub fn get(conn: &mut Conn, id: i64) -> Result<Option<Schedule>, AppError> {
    Ok(schedules::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(view))
}

/// The owner sets when the backroom runs again; the next time counts from
/// `t` (what came before is kept).
pub fn set(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    input: &ScheduleInput,
    t: i64,
) -> Result<Schedule, AppError> {
    owned(conn, user_id, id)?;
    let cron = expression(input, t)?;
    let next_at = next(&parse(&cron)?, t)?;
    crate::each_backend!(conn, |c| diesel::insert_into(schedules::table)
        .values((
            schedules::backroom_id.eq(id),
            schedules::cron.eq(&cron),
            schedules::next_at.eq(next_at),
        ))
        .on_conflict(schedules::backroom_id)
        .do_update()
        .set((schedules::cron.eq(&cron), schedules::next_at.eq(next_at)))
        .execute(c))?;
    get(conn, id)?.ok_or(AppError::Internal)
}

/// The backroom no longer runs on its own.
pub fn clear(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    owned(conn, user_id, id)?;
    diesel::delete(schedules::table.find(id)).execute(conn)?;
    Ok(())
}

/// A schedule that came due, claimed by one scheduler.
#[derive(Clone)]
pub struct Due {
    pub backroom_id: i64,
    /// The run it started last time, to not start another over it.
    pub last_run: Option<i64>,
}

/// Claims the schedules due at `t` (at most `limit`): each moves on to its
/// next time after `t`, so a schedule that was missed for days comes due
/// once, and a schedule another scheduler claimed first is not returned.
pub fn claim_due(conn: &mut Conn, t: i64, limit: i64) -> Result<Vec<Due>, AppError> {
    let rows: Vec<Row> = schedules::table
        .filter(schedules::next_at.le(t))
        .order(schedules::next_at)
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?;
    let mut due = Vec::new();
    for r in rows {
        let next_at = parse(&r.cron).and_then(|c| next(&c, t));
        // An expression that no longer comes due is parked a year out.
        let next_at = next_at.unwrap_or(t + 366 * 86_400);
        let won = diesel::update(
            schedules::table
                .find(r.backroom_id)
                .filter(schedules::next_at.eq(r.next_at)),
        )
        .set(schedules::next_at.eq(next_at))
        .execute(conn)?;
        if won == 1 {
            due.push(Due {
                backroom_id: r.backroom_id,
                last_run: r.last_run,
            });
        }
    }
    Ok(due)
}

/// What the time `t` that came due did: started `run`, or nothing, because
/// of `Err(why)`.
pub fn record(
    conn: &mut Conn,
    id: i64,
    t: i64,
    outcome: Result<i64, String>,
) -> Result<(), AppError> {
    let target = schedules::table.find(id);
    match outcome {
        Ok(run) => diesel::update(target)
            .set((
                schedules::last_at.eq(t),
                schedules::last_run.eq(Some(run)),
                schedules::last_error.eq(None::<String>),
                schedules::runs.eq(schedules::runs + 1),
            ))
            .execute(conn)?,
        Err(why) => diesel::update(target)
            .set((
                schedules::last_at.eq(t),
                schedules::last_error.eq(Some(why)),
            ))
            .execute(conn)?,
    };
    Ok(())
}

/// Whose run a due schedule starts: its owner, unless their account is
/// disabled or the run it started last time is still going.
pub fn runner(conn: &mut Conn, due: &Due) -> Result<i64, AppError> {
    use crate::server::db::schema::{backrooms, users};
    let user = super::read::owner(conn, due.backroom_id)?;
    let disabled: bool = users::table
        .find(user)
        .select(users::disabled)
        .first(conn)?;
    if disabled {
        return Err(AppError::forbidden("The owner's account is disabled."));
    }
    if let Some(prev) = due.last_run {
        let state: Option<BackroomState> = backrooms::table
            .find(prev)
            .select(backrooms::state)
            .first(conn)
            .optional()?;
        if state == Some(BackroomState::Running) {
            return Err(AppError::conflict(format!(
                "The run it started last time (backroom {prev}) was still going."
            )));
        }
    }
    Ok(user)
}

/// The scheduled run itself: a new fork of backroom `id` from its first
/// turn, titled with the time `t` it came due, set running.
pub fn start_run(conn: &mut Conn, user_id: i64, id: i64, t: i64) -> Result<i64, AppError> {
    use crate::server::db::schema::backrooms;
    conn.immediate_transaction(|conn| {
        let src = owned(conn, user_id, id)?;
        let run = super::fork::fork_in(conn, user_id, id, Some(0), &[])?;
        let title: String = format!(
            "{} (scheduled, {})",
            src.title,
            crate::text::format::date_time(t)
        )
        .chars()
        .take(super::limits::TITLE_MAX)
        .collect();
        diesel::update(backrooms::table.find(run.id))
            .set(backrooms::title.eq(title))
            .execute(conn)?;
        // A new draft: started as the Start button would.
        super::run_state::set_state(conn, run.id, BackroomState::Running, None)?;
        Ok(run.id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        every: &str,
        at: Option<&str>,
        weekday: Option<&str>,
        cron: Option<&str>,
    ) -> ScheduleInput {
        ScheduleInput {
            every: every.into(),
            at: at.map(Into::into),
            weekday: weekday.map(Into::into),
            cron: cron.map(Into::into),
        }
    }

    // Thursday 2030-01-03 08:00:00 UTC.
    const T: i64 = 1_893_657_600;

    #[test]
    fn daily_and_weekly_become_cron_and_come_due_in_utc() {
        let daily = expression(&input("daily", Some("09:30"), None, None), T).unwrap();
        assert_eq!(daily, "30 9 * * *");
        assert_eq!(next(&parse(&daily).unwrap(), T).unwrap(), T + 90 * 60);
        let weekly = expression(&input("weekly", Some("07:00"), Some("Monday"), None), T).unwrap();
        assert_eq!(weekly, "0 7 * * 1");
        // The next Monday: 2030-01-07 07:00.
        assert_eq!(
            next(&parse(&weekly).unwrap(), T).unwrap(),
            T + 4 * 86_400 - 3600
        );
    }

    #[test]
    fn bad_schedules_are_refused_with_the_reason() {
        for (i, why) in [
            (input("hourly", None, None, None), "every is"),
            (input("daily", Some("25:00"), None, None), "HH:MM"),
            (input("daily", None, None, None), "HH:MM"),
            (
                input("weekly", Some("08:00"), Some("someday"), None),
                "weekday",
            ),
            (input("cron", None, None, Some("61 * * * *")), "not a cron"),
            (input("cron", None, None, Some("*/5 * * * *")), "more often"),
            (input("cron", None, None, Some("0 0 30 2 *")), "never"),
        ] {
            let e = expression(&i, T).unwrap_err();
            assert_eq!(e.field(), Some("schedule"));
            assert!(e.message().contains(why), "{i:?}: {}", e.message());
        }
        assert_eq!(
            expression(&input("cron", None, None, Some("30 8 * * 1-5")), T).unwrap(),
            "30 8 * * 1-5"
        );
    }
}
