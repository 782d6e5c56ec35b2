//! The room page's schedule: when the backroom runs again on its own, each
//! time as a new fork, and what the last time did. Plain forms.

use crate::model::backroom_schedule::Schedule;
use crate::serverfns::backrooms::{ClearRoomSchedule, SetRoomSchedule};
use crate::text::format::date_time;
use crate::ui::components::flash::field_error;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

#[component]
pub fn RunSchedule(id: i64, schedule: Option<Schedule>) -> impl IntoView {
    let cron = schedule
        .as_ref()
        .map(|s| s.cron.clone())
        .unwrap_or_default();
    view! {
        <section class="room-schedule" id="schedule" aria-labelledby="schedule-title">
            <h3 id="schedule-title">"Schedule"</h3>
            {match schedule.clone() {
                Some(s) => view! {
                    <p>
                        {format!("Runs again on its own: {}, each time as a new fork from the first turn. ", s.description)}
                        <strong class="schedule-next">{format!("Next: {}.", date_time(s.next_at))}</strong>
                    </p>
                    <p class="muted">
                        {format!("{} run(s) so far. ", s.runs)}
                        {s.last_run.map(|r| view! { <a href=format!("/backrooms/{r}")>"The last run"</a> })}
                    </p>
                    {s.last_error.map(|e| view! {
                        <p class="notice notice-error">{format!("The last time started nothing: {e}")}</p>
                    })}
                }
                .into_any(),
                None => view! {
                    <p class="muted">
                        "Run this backroom again on its own, daily, weekly or on a cron schedule (UTC): each time a new fork from the first turn, within your quotas."
                    </p>
                }
                .into_any(),
            }}
            {field_error("room", "schedule")}
            <form method="post" action=SetRoomSchedule::url() class="room-schedule-form">
                <input type="hidden" name="id" value=id />
                <label class="field">
                    <span>"Every"</span>
                    <select name="every">
                        <option value="daily">"day"</option>
                        <option value="weekly">"week, on the day below"</option>
                        <option value="cron">"cron expression below"</option>
                    </select>
                </label>
                <label class="field">
                    <span>"At (UTC)"</span>
                    <input type="time" name="at" value="09:00" />
                </label>
                <label class="field">
                    <span>"Day of the week"</span>
                    <select name="weekday">
                        {DAYS
                            .iter()
                            .map(|(v, n)| view! { <option value=*v>{*n}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Cron (minute hour day month weekday, UTC)"</span>
                    <input type="text" name="cron" placeholder="30 8 * * 1-5" value=cron maxlength="200" />
                </label>
                <button type="submit" class="btn btn-small">"Save schedule"</button>
            </form>
            {schedule.is_some().then(|| view! {
                <form method="post" action=ClearRoomSchedule::url()>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="btn btn-small btn-danger">"Stop the schedule"</button>
                </form>
            })}
        </section>
    }
}
