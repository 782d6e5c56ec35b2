//! Starts the scheduled runs that come due: every 30 seconds, and at once
//! when the clock is set. Each due time starts one run, a new fork, within
//! its owner's quotas; why a time started nothing is kept on the schedule.

use crate::error::AppError;
use crate::server::engine::rooms::{self, Signal};
use crate::server::services::backrooms::{self, Due};
use crate::server::state::AppState;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(30);
/// Schedules started in one go, at most.
const BATCH: i64 = 50;

/// The scheduler's task, for the server's life.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = fire_due(&state).await {
                tracing::warn!("scheduled runs: {e}");
            }
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                () = state.clock.changed() => {}
            }
        }
    });
}

/// Starts every scheduled run due now; answers how many started.
pub async fn fire_due(state: &AppState) -> Result<usize, AppError> {
    let t = state.clock.now();
    let due = state
        .db
        .run(move |c| backrooms::claim_due_schedules(c, t, BATCH))
        .await?;
    let mut started = 0;
    for d in due {
        let outcome = fire(state, &d, t).await;
        match &outcome {
            Ok(run) => {
                started += 1;
                tracing::info!("backroom {} ran on schedule as {run}", d.backroom_id);
            }
            Err(why) => tracing::info!("backroom {} did not run on schedule: {why}", d.backroom_id),
        }
        let id = d.backroom_id;
        state
            .db
            .run(move |c| backrooms::record_schedule(c, id, t, outcome))
            .await?;
    }
    Ok(started)
}

/// One due time: the new run's id, or why nothing started.
async fn fire(state: &AppState, due: &Due, t: i64) -> Result<i64, String> {
    let id = due.backroom_id;
    let due = due.clone();
    let user = state
        .db
        .run(move |c| backrooms::schedule_runner(c, &due))
        .await
        .map_err(|e| e.message().to_string())?;
    // Within the owner's quotas now; each turn is admitted again as it runs.
    state
        .quotas
        .admit(&state.db, user)
        .await
        .map_err(|e| e.message().to_string())?
        .refund()
        .await;
    let run = state
        .db
        .run(move |c| backrooms::start_scheduled_run(c, user, id, t))
        .await
        .map_err(|e| e.message().to_string())?;
    rooms::announce(state, run, Signal::State);
    rooms::launch(state, run);
    Ok(run)
}
