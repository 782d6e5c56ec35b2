//! Backroom actions: create, read, delete, the run's controls, a viewer's
//! interjection, manual order, fork, template import and following the
//! live events. Someone else's backroom answers 404 everywhere.

use super::as_caller;
use crate::error::AppError;
use crate::model::backroom::{
    BackroomSummary, BackroomView, Comparison, Control, Guards, GuardsInput, NewBackroom,
    SeatChange, TurnView,
};
use crate::model::backroom_analytics::RunAnalytics;
use crate::model::backroom_schedule::{Schedule, ScheduleInput};
use crate::server::auth::caller::Caller;
use crate::server::db::Conn;
use crate::server::engine::room_registry::PER_ADDRESS;
use crate::server::engine::rooms::{self, Audience, Signal, ViewerFeed, Wire};
use crate::server::services::backrooms::{self, Published};
use crate::server::state::AppState;
use axum::body::Bytes;
use futures::stream::BoxStream;
use std::net::IpAddr;

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<BackroomSummary>, AppError> {
    as_caller(state, caller, backrooms::list).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewBackroom,
) -> Result<BackroomView, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::create(c, uid, &input)
    })
    .await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<BackroomView, AppError> {
    as_caller(state, caller, move |c, uid| backrooms::get(c, uid, id)).await
}

/// Deleting stops a run first; viewers hear that it is gone.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| backrooms::owned(c, uid, id)).await?;
    rooms::stop(state, id);
    as_caller(state, caller, move |c, uid| backrooms::delete(c, uid, id)).await?;
    rooms::announce(state, id, Signal::State);
    state.rooms.forget(id);
    Ok(())
}

/// A control button (start, pause, resume, stop), the same for every door.
/// A control the state does not allow is 409.
pub async fn control(
    state: &AppState,
    caller: &Caller,
    id: i64,
    control: Control,
) -> Result<BackroomView, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::transition(c, uid, id, control)
    })
    .await?;
    // Viewers hear of the new state before any turn it starts.
    rooms::announce(state, id, Signal::State);
    match control {
        Control::Start | Control::Resume => rooms::launch(state, id),
        Control::Pause => rooms::pause(state, id),
        Control::Stop => rooms::stop(state, id),
    }
    get(state, caller, id).await
}

/// The word a door received (a path segment, a form field) as a control:
/// an unknown one is 404, as for a route that does not exist.
pub fn control_named(word: &str) -> Result<Control, AppError> {
    Control::parse(word).ok_or_else(|| AppError::not_found("No such action."))
}

/// A viewer's message, as a human turn under the caller's name that every
/// agent sees from now on, or only the seats `visible_to` (participant or
/// agent ids) or its `@Name`s name: a whisper.
pub async fn interject(
    state: &AppState,
    caller: &Caller,
    id: i64,
    content: String,
    visible_to: Option<Vec<i64>>,
) -> Result<TurnView, AppError> {
    let name = caller.name.clone();
    let m = as_caller(state, caller, move |c, uid| {
        backrooms::interject(c, uid, id, &name, &content, visible_to.as_deref())
    })
    .await?;
    rooms::announce(state, id, Signal::Turn(m.id));
    let turn = m.id;
    let (number, whisper_to) = state
        .db
        .run(move |c| {
            let b = backrooms::load(c, id)?;
            Ok((
                backrooms::turn_count(c, &b)?,
                backrooms::whispered_to(c, turn)?,
            ))
        })
        .await?;
    let mut view = backrooms::turn_view(&m, number, &[]);
    view.whisper_to = whisper_to;
    Ok(view)
}

/// Agent `agent_id` enters the room from the next turn on; the transcript
/// says so. Answers the room.
pub async fn enter(
    state: &AppState,
    caller: &Caller,
    id: i64,
    agent_id: i64,
) -> Result<BackroomView, AppError> {
    let line = as_caller(state, caller, move |c, uid| {
        backrooms::enter(c, uid, id, agent_id)
    })
    .await?;
    recast(state, caller, id, line.id).await
}

/// A seat (its id, or its agent's) leaves the room from the next turn on;
/// the transcript says so. Answers the room.
pub async fn leave(
    state: &AppState,
    caller: &Caller,
    id: i64,
    seat: i64,
) -> Result<BackroomView, AppError> {
    let line = as_caller(state, caller, move |c, uid| {
        backrooms::leave(c, uid, id, seat)
    })
    .await?;
    recast(state, caller, id, line.id).await
}

/// After a cast change: viewers get its line, a run waiting on a pick
/// looks again, and the caller the room as it is now.
async fn recast(
    state: &AppState,
    caller: &Caller,
    id: i64,
    line: i64,
) -> Result<BackroomView, AppError> {
    rooms::announce(state, id, Signal::Turn(line));
    rooms::nudge(state, id);
    get(state, caller, id).await
}

/// Manual order: who speaks next (a participant's agent id, or its own id).
pub async fn pick(
    state: &AppState,
    caller: &Caller,
    id: i64,
    who: i64,
) -> Result<BackroomView, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::pick(c, uid, id, who)
    })
    .await?;
    rooms::nudge(state, id);
    rooms::announce(state, id, Signal::State);
    get(state, caller, id).await
}

/// Changes what pauses the run (loop detection, the caps); a run paused
/// by a guard goes on once resumed.
pub async fn set_guards(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: GuardsInput,
) -> Result<Guards, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::set_guards(c, uid, id, &input)
    })
    .await
}

/// The backroom runs again on its own as `input` says, each time a new
/// fork; the next time counts from the server's clock.
pub async fn set_schedule(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: ScheduleInput,
) -> Result<Schedule, AppError> {
    let t = state.clock.now();
    as_caller(state, caller, move |c, uid| {
        backrooms::set_schedule(c, uid, id, &input, t)
    })
    .await
}

/// The backroom no longer runs on its own.
pub async fn clear_schedule(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::clear_schedule(c, uid, id)
    })
    .await
}

/// A new draft with the transcript up to `turn` (default: all of it), its
/// seats changed as `changes` says.
pub async fn fork(
    state: &AppState,
    caller: &Caller,
    id: i64,
    turn: Option<i64>,
    changes: Vec<SeatChange>,
) -> Result<BackroomView, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::fork(c, uid, id, turn, &changes)
    })
    .await
}

/// The run's figures: per participant and per turn.
pub async fn analytics(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<RunAnalytics, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::analytics(c, uid, id)
    })
    .await
}

/// Two of the caller's backrooms side by side from where they split.
pub async fn compare(
    state: &AppState,
    caller: &Caller,
    id: i64,
    other: i64,
) -> Result<Comparison, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::compare(c, uid, id, other)
    })
    .await
}

/// A UniversalBackrooms template (JSONL) into a new draft backroom.
pub async fn import_template(
    state: &AppState,
    caller: &Caller,
    title: String,
    template: String,
) -> Result<BackroomView, AppError> {
    let caller = caller.clone();
    state
        .db
        .run(move |c| backrooms::import_template(c, &caller, &title, &template))
        .await
}

/// The room's events after event id `after`, live until the run ends.
pub async fn follow(
    state: &AppState,
    caller: &Caller,
    id: i64,
    after: u64,
    wire: Wire,
) -> Result<BoxStream<'static, Bytes>, AppError> {
    as_caller(state, caller, move |c, uid| backrooms::owned(c, uid, id)).await?;
    Ok(rooms::follow(state, id, after, Audience::Owner, wire)
        .await?
        .into_stream())
}

/// Publishes the run at `/b/{token}` (the same link when already public).
pub async fn publish(
    state: &AppState,
    caller: &Caller,
    id: i64,
    show_details: bool,
) -> Result<Published, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::publish(c, uid, id, show_details)
    })
    .await
}

/// The run's public link, if it has one.
pub async fn publication(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Option<Published>, AppError> {
    as_caller(state, caller, move |c, uid| {
        backrooms::publication(c, uid, id)
    })
    .await
}

/// Revokes the link: it answers 404 at once and open public viewers are
/// told and let go.
pub async fn unpublish(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| backrooms::revoke(c, uid, id)).await?;
    rooms::revoke(state, id);
    Ok(())
}

/// The run as anyone with its link sees it.
pub async fn public_view(state: &AppState, token: String) -> Result<BackroomView, AppError> {
    state
        .db
        .run(move |c| backrooms::public_view(c, &token))
        .await
}

/// The public's live events of a published run, for a viewer at `address`
/// (at most `PER_ADDRESS` streams open at once from one address: 429).
pub async fn follow_public(
    state: &AppState,
    token: String,
    after: u64,
    address: IpAddr,
    wire: Wire,
) -> Result<ViewerFeed, AppError> {
    let find = {
        let token = token.clone();
        move |c: &mut Conn| backrooms::find_published(c, &token)
    };
    let p = state.db.run(find.clone()).await?;
    let slot = state
        .rooms
        .addresses
        .admit(address)
        .ok_or_else(|| AppError::TooManyRequests {
            message: format!(
                "At most {PER_ADDRESS} live rooms can be watched at once from one address."
            ),
            retry_after: 30,
        })?;
    let details = p.show_details;
    let frames = rooms::follow(
        state,
        p.backroom_id,
        after,
        Audience::Public { details },
        wire,
    )
    .await?;
    // Revoked meanwhile? (A revocation from now on reaches this viewer.)
    state.db.run(find).await?;
    // The slot is freed when the viewer's feed is dropped.
    Ok(frames.hold(slot))
}
