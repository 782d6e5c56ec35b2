//! Server functions behind the Backrooms pages. The room's controls answer
//! data to the island and, from a plain form (JavaScript off), a redirect
//! back to the room with the outcome.

use crate::error::AppError;
use crate::model::backroom::{BackroomState, BackroomSummary, BackroomView};
use leptos::prelude::*;
use leptos::server_fn::codec::{StreamingText, TextStream};

#[cfg(feature = "ssr")]
mod support {
    use crate::error::AppError;
    use crate::model::Flash;

    pub use crate::server::actions::backrooms;
    pub use crate::serverfns::support::caller;

    pub use crate::server::engine::rooms::Wire;
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
    let (state, caller) = support::caller().await?;
    support::backrooms::list(&state, &caller).await
}

/// The run's figures for the analytics page.
#[server(prefix = "/fn", endpoint = "backrooms/analytics")]
pub async fn load_analytics(
    id: i64,
) -> Result<crate::model::backroom_analytics::RunAnalytics, AppError> {
    let (state, caller) = support::caller().await?;
    support::backrooms::analytics(&state, &caller, id).await
}

/// Two branches side by side from where they split.
#[server(prefix = "/fn", endpoint = "backrooms/compare")]
pub async fn load_comparison(
    id: i64,
    other: i64,
) -> Result<crate::model::backroom::Comparison, AppError> {
    let (state, caller) = support::caller().await?;
    support::backrooms::compare(&state, &caller, id, other).await
}

#[server(prefix = "/fn", endpoint = "backrooms/get")]
pub async fn load_backroom(id: i64) -> Result<BackroomView, AppError> {
    let (state, caller) = support::caller().await?;
    support::backrooms::get(&state, &caller, id).await
}

/// Start, pause, resume or stop. Answers the new state (none to a plain
/// form, which is sent back to the room).
#[server(prefix = "/fn", endpoint = "backrooms/control")]
pub async fn room_control(id: i64, action: String) -> Result<Option<BackroomState>, AppError> {
    let (state, caller) = support::caller().await?;
    use support::backrooms;
    let result = match backrooms::control_named(&action) {
        Ok(control) => backrooms::control(&state, &caller, id, control).await,
        Err(e) => Err(e),
    };
    if support::plain().await {
        support::back(&format!("/backrooms/{id}"), &result, "Done.");
        return Ok(None);
    }
    result.map(|b| Some(b.state))
}

/// A viewer's message into the run, as a named human turn.
#[server(prefix = "/fn", endpoint = "backrooms/interject")]
pub async fn room_interject(id: i64, content: String) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    // `@Name` in the text makes it a whisper.
    let result = support::backrooms::interject(&state, &caller, id, content, None).await;
    if support::plain().await {
        support::back(&format!("/backrooms/{id}"), &result, "Your message is in.");
        return Ok(());
    }
    result.map(|_| ())
}

/// An agent enters the room, from the room's page (a plain form).
#[server(prefix = "/fn", endpoint = "backrooms/enter")]
pub async fn room_enter(id: i64, agent_id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = support::backrooms::enter(&state, &caller, id, agent_id).await;
    support::back(
        &format!("/backrooms/{id}#cast"),
        &result,
        "They enter at the next turn.",
    );
    result.map(|_| ())
}

/// A seat leaves the room, from the room's page (a plain form).
#[server(prefix = "/fn", endpoint = "backrooms/leave")]
pub async fn room_leave(id: i64, participant_id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = support::backrooms::leave(&state, &caller, id, participant_id).await;
    support::back(
        &format!("/backrooms/{id}#cast"),
        &result,
        "They leave at the next turn.",
    );
    result.map(|_| ())
}

/// Manual order: who speaks next.
#[server(prefix = "/fn", endpoint = "backrooms/next")]
pub async fn room_pick(id: i64, agent_id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = support::backrooms::pick(&state, &caller, id, agent_id).await;
    if support::plain().await {
        support::back(&format!("/backrooms/{id}"), &result, "Picked.");
        return Ok(());
    }
    result.map(|_| ())
}

/// A new draft from the transcript up to `turn`; opens it.
#[server(prefix = "/fn", endpoint = "backrooms/fork")]
pub async fn fork_room(
    id: i64,
    turn: Option<String>,
    participant: Option<String>,
    model_id: Option<String>,
    system_prompt: Option<String>,
    temperature: Option<String>,
) -> Result<(), AppError> {
    use crate::server::forms::fields::{amount, whole};
    let (state, caller) = support::caller().await?;
    let result = async {
        let turn = whole("turn", turn.as_deref())?;
        // "Fork with a change": one seat gets what the form fills in (an
        // empty field keeps the seat's own).
        let mut changes = Vec::new();
        if let Some(participant) = whole("changes", participant.as_deref())? {
            changes.push(crate::model::backroom::SeatChange {
                participant,
                model_id: whole("changes", model_id.as_deref())?,
                system_prompt: system_prompt.filter(|p| !p.trim().is_empty()),
                temperature: amount("changes", temperature.as_deref())?.map(|t| t as f32),
            });
        }
        support::backrooms::fork(&state, &caller, id, turn, changes).await
    }
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
    let (state, caller) = support::caller().await?;
    let result = support::backrooms::delete(&state, &caller, id).await;
    support::back("/backrooms", &result, "Backroom deleted.");
    Ok(())
}

/// A UniversalBackrooms template (JSONL) into a new draft backroom.
#[server(prefix = "/fn", endpoint = "backrooms/import")]
pub async fn import_template(title: String, template: String) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = support::backrooms::import_template(&state, &caller, title, template).await;
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
    let (state, caller) = support::caller().await?;
    let lines =
        support::backrooms::follow(&state, &caller, id, after, support::Wire::Lines).await?;
    Ok(text_stream(lines))
}

/// A public room as its link shows it, for anyone (signed in or not).
#[server(prefix = "/fn", endpoint = "backrooms/public")]
pub async fn load_public_room(token: String) -> Result<BackroomView, AppError> {
    let state = crate::serverfns::account::state()?;
    crate::server::actions::backrooms::public_view(&state, token).await
}

/// A public room's events after event id `after`, one JSON `RoomLine` per
/// line, for anyone with the link (a few streams per address at most).
#[server(prefix = "/fn", endpoint = "backrooms/public/follow", output = StreamingText)]
pub async fn follow_public_room(
    token: String,
    after: u64,
) -> Result<TextStream<AppError>, AppError> {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    let state = crate::serverfns::account::state()?;
    let (ConnectInfo(peer), headers): (ConnectInfo<SocketAddr>, axum::http::HeaderMap) =
        leptos_axum::extract()
            .await
            .map_err(|_| AppError::Internal)?;
    let address =
        crate::server::client::address(peer.ip(), &headers, &state.config.trusted_proxies);
    let lines = crate::server::actions::backrooms::follow_public(
        &state,
        token,
        after,
        address,
        support::Wire::Lines,
    )
    .await?
    .into_stream();
    Ok(text_stream(lines))
}

/// A room's shared stream of JSON lines, as the page's code reads it.
#[cfg(feature = "ssr")]
fn text_stream(
    lines: futures::stream::BoxStream<'static, axum::body::Bytes>,
) -> TextStream<AppError> {
    use futures::StreamExt;
    // The one copy per viewer: a text stream takes `String`s.
    TextStream::new(lines.map(|b| Ok(String::from_utf8_lossy(&b).into_owned())))
}

/// Publishes the room (or changes whether it shows details), from the
/// room's page; a plain form comes back to the room.
#[server(prefix = "/fn", endpoint = "backrooms/publish")]
pub async fn publish_room(id: i64, show_details: Option<String>) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result =
        crate::server::actions::backrooms::publish(&state, &caller, id, show_details.is_some())
            .await
            .map(|_| ());
    support::back(
        &format!("/backrooms/{id}#public"),
        &result,
        "Public: anyone with the link can watch.",
    );
    result
}

/// Changes the run's guards, from the room's page (empty fields: no cap;
/// loop detection 0: off). A plain form comes back to the room.
#[server(prefix = "/fn", endpoint = "backrooms/guards")]
pub async fn set_room_guards(
    id: i64,
    loop_overlap: Option<String>,
    seat_token_cap: Option<String>,
    cost_cap_usd: Option<String>,
) -> Result<(), AppError> {
    use crate::server::forms::fields::{amount, whole};
    let (state, caller) = support::caller().await?;
    let result = async {
        let input = crate::model::backroom::GuardsInput {
            loop_overlap: whole("loop_overlap", loop_overlap.as_deref())?,
            seat_token_cap: whole("seat_token_cap", seat_token_cap.as_deref())?,
            cost_cap_usd: amount("cost_cap_usd", cost_cap_usd.as_deref())?,
        };
        crate::server::actions::backrooms::set_guards(&state, &caller, id, input).await
    }
    .await
    .map(|_| ());
    support::back(&format!("/backrooms/{id}#guards"), &result, "Guards saved.");
    result
}

/// Sets when the backroom runs again on its own (`every`: daily, weekly
/// or cron). A plain form comes back to the room.
#[server(prefix = "/fn", endpoint = "backrooms/schedule")]
pub async fn set_room_schedule(
    id: i64,
    every: String,
    at: Option<String>,
    weekday: Option<String>,
    cron: Option<String>,
) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let input = crate::model::backroom_schedule::ScheduleInput {
        every,
        at,
        weekday,
        cron,
    };
    let result = support::backrooms::set_schedule(&state, &caller, id, input)
        .await
        .map(|_| ());
    support::back(
        &format!("/backrooms/{id}#schedule"),
        &result,
        "Schedule saved.",
    );
    result
}

/// The backroom no longer runs on its own.
#[server(prefix = "/fn", endpoint = "backrooms/unschedule")]
pub async fn clear_room_schedule(id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = support::backrooms::clear_schedule(&state, &caller, id).await;
    support::back(
        &format!("/backrooms/{id}#schedule"),
        &result,
        "It no longer runs on a schedule.",
    );
    result
}

/// Revokes the room's public link.
#[server(prefix = "/fn", endpoint = "backrooms/unpublish")]
pub async fn unpublish_room(id: i64) -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let result = crate::server::actions::backrooms::unpublish(&state, &caller, id).await;
    support::back(
        &format!("/backrooms/{id}#public"),
        &result,
        "The public link is revoked.",
    );
    result
}

/// The room's public link, if it has one (the path, `/b/{token}`).
#[server(prefix = "/fn", endpoint = "backrooms/publication")]
pub async fn load_publication(id: i64) -> Result<Option<(String, bool)>, AppError> {
    let (state, caller) = support::caller().await?;
    Ok(
        crate::server::actions::backrooms::publication(&state, &caller, id)
            .await?
            .map(|p| (format!("/b/{}", p.token), p.show_details)),
    )
}
