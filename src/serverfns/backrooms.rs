//! Server functions behind the Backrooms pages. The room's controls answer
//! data to the island and, from a plain form (JavaScript off), a redirect
//! back to the room with the outcome.

use crate::error::AppError;
use crate::model::backroom::{BackroomSummary, BackroomView};
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;
    use crate::model::Flash;

    pub use crate::serverfns::support::caller;

    pub use crate::serverfns::support::plain_form as plain;

    /// From a plain form: back to `path` with the outcome.
    pub fn back<T>(path: &str, result: &Result<T, AppError>, notice: &str) {
        let flash = match result {
            Ok(_) => Flash::notice(notice),
            Err(e) => Flash::error("room", e.field(), e.message()),
        };
        crate::server::flash::redirect(path, flash);
    }
}

#[server(prefix = "/fn", endpoint = "backrooms/list")]
pub async fn load_backrooms() -> Result<Vec<BackroomSummary>, AppError> {
    use crate::server::services::backrooms;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state.db.run(move |c| backrooms::list(c, uid)).await
}

#[server(prefix = "/fn", endpoint = "backrooms/get")]
pub async fn load_backroom(id: i64) -> Result<BackroomView, AppError> {
    use crate::server::services::backrooms;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state.db.run(move |c| backrooms::get(c, uid, id)).await
}

/// Start, pause, resume or stop. Answers the new state.
#[server(prefix = "/fn", endpoint = "backrooms/control")]
pub async fn room_control(id: i64, action: String) -> Result<String, AppError> {
    let (state, caller) = support::caller().await?;
    let result = crate::server::engine::rooms::control(&state, caller.id, id, &action).await;
    if support::plain().await {
        support::back(&format!("/backrooms/{id}"), &result, "Done.");
        return Ok(String::new());
    }
    result.map(|b| b.state)
}

/// A viewer's message into the run, as a named human turn.
#[server(prefix = "/fn", endpoint = "backrooms/interject")]
pub async fn room_interject(id: i64, content: String) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result =
        crate::server::engine::rooms::interject(&state, caller.id, caller.name, id, content).await;
    if support::plain().await {
        support::back(&format!("/backrooms/{id}"), &result, "Your message is in.");
        return Ok(());
    }
    result.map(|_| ())
}

/// Manual order: who speaks next.
#[server(prefix = "/fn", endpoint = "backrooms/next")]
pub async fn room_pick(id: i64, agent_id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = crate::server::engine::rooms::pick(&state, caller.id, id, agent_id).await;
    if support::plain().await {
        support::back(&format!("/backrooms/{id}"), &result, "Picked.");
        return Ok(());
    }
    result.map(|_| ())
}

/// A new draft from the transcript up to `turn`; opens it.
#[server(prefix = "/fn", endpoint = "backrooms/fork")]
pub async fn fork_room(id: i64, turn: Option<i64>) -> Result<(), AppError> {
    use crate::server::services::backrooms;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let result = state
        .db
        .run(move |c| backrooms::fork(c, uid, id, turn))
        .await;
    match &result {
        Ok(b) => support::back(
            &format!("/backrooms/{}", b.id),
            &result,
            "Forked: start it when ready.",
        ),
        Err(_) => support::back(&format!("/backrooms/{id}"), &result, ""),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "backrooms/delete")]
pub async fn delete_room(id: i64) -> Result<(), AppError> {
    use crate::server::engine::rooms;
    use crate::server::services::backrooms;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let result = async {
        state.db.run(move |c| backrooms::owned(c, uid, id)).await?;
        rooms::stop(&state, id);
        state.db.run(move |c| backrooms::delete(c, uid, id)).await?;
        rooms::announce(&state, id, rooms::Signal::State);
        state.rooms.forget(id);
        Ok::<(), crate::error::AppError>(())
    }
    .await;
    support::back("/backrooms", &result, "Backroom deleted.");
    Ok(())
}

/// A UniversalBackrooms template (JSONL) into a new draft backroom.
#[server(prefix = "/fn", endpoint = "backrooms/import")]
pub async fn import_template(title: String, template: String) -> Result<(), AppError> {
    use crate::server::services::backrooms;
    let (state, caller) = support::caller().await?;
    let result = state
        .db
        .run(move |c| backrooms::import_template(c, &caller, &title, &template))
        .await;
    match &result {
        Ok(b) => support::back(
            &format!("/backrooms/{}", b.id),
            &result,
            "Imported: start it when ready.",
        ),
        Err(_) => support::back("/backrooms", &result, ""),
    }
    Ok(())
}

/// The room's events after event id `after`, one JSON `RoomLine` per line.
#[server(prefix = "/fn", endpoint = "backrooms/follow", output = StreamingText)]
pub async fn follow_room(id: i64, after: u64) -> Result<TextStream<AppError>, AppError> {
    use crate::server::services::backrooms;
    use futures::StreamExt;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state.db.run(move |c| backrooms::owned(c, uid, id)).await?;
    let frames = crate::server::engine::rooms::follow(&state, id, after).await?;
    let lines = frames.map(|f| {
        let line = crate::model::backroom::RoomLine::of(f);
        let mut line = serde_json::to_string(&line).unwrap_or_default();
        line.push('\n');
        Ok::<String, AppError>(line)
    });
    Ok(TextStream::new(lines))
}
