//! This replica's heartbeat, and the sweep that ends or takes over what
//! dead replicas left (`services::replicas`).

use crate::server::services::replicas;
use crate::server::state::AppState;
use std::time::Duration;

/// Beats and sweeps every [`replicas::HEARTBEAT`] seconds for the life of
/// the server.
pub fn start(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(replicas::HEARTBEAT));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let me = state.replica;
            let beat = state.db.run(move |c| {
                replicas::beat(c, me)?;
                replicas::alive(c)
            });
            match beat.await {
                Ok(alive) => {
                    if let Some(relay) = &state.relay {
                        relay.set_alive(alive.len());
                    }
                }
                Err(e) => {
                    tracing::warn!("this replica's heartbeat failed: {e}");
                    continue;
                }
            }
            sweep(&state).await;
        }
    });
}

/// Ends the replies dead replicas were writing and takes over their runs.
pub async fn sweep(state: &AppState) {
    let swept = match state.db.run(replicas::sweep).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("could not look for dead replicas' work: {e}");
            return;
        }
    };
    if swept.replies > 0 {
        tracing::warn!(
            "{} reply(ies) lost their replica: marked interrupted",
            swept.replies
        );
    }
    for id in swept.runs {
        tracing::warn!(
            backroom.id = id,
            "a backroom run lost its replica: taking it over"
        );
        super::rooms::launch(state, id);
    }
}
