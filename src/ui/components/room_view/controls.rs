//! The bar over the room (state, turn and token counts, Start / Pause /
//! Resume / Stop) and, in manual order, "Who speaks next?". Each button is
//! a plain form too.

use super::Room;
use crate::model::backroom::BackroomState;
use crate::model::chat::MessageStatus;
use crate::serverfns::backrooms::{room_control, room_pick, RoomControl, RoomPick};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;

impl Room {
    fn control(self, action: &'static str) {
        if matches!(action, "start" | "resume") {
            crate::ui::browser::ask_to_notify();
        }
        spawn_local(async move {
            match room_control(self.id, action.to_string()).await {
                Ok(state) => {
                    self.errors.clear();
                    if let Some(state) = state {
                        self.live.state.set(state);
                    }
                    self.live.wake.update(|w| *w += 1);
                }
                Err(e) => self.errors.set_general(e),
            }
        });
    }

    fn pick(self, who: i64) {
        spawn_local(async move {
            if let Err(e) = room_pick(self.id, who).await {
                self.errors.set_general(e);
            }
        });
    }
}

#[component]
pub(super) fn RoomBar(room: Room, max_turns: i32) -> impl IntoView {
    let Room { id, live, .. } = room;
    let agent_turns = move || {
        live.lines.with(|ls| {
            ls.iter()
                .filter(|l| !l.human && l.status.get() != MessageStatus::Error)
                .count()
        })
    };
    let button = move |action: &'static str, label: &'static str, primary: bool| {
        view! {
            <form
                method="post"
                action=RoomControl::url()
                on:submit=move |ev| {
                    ev.prevent_default();
                    room.control(action);
                }
            >
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="action" value=action />
                <button type="submit" class="btn" class:btn-primary=primary>{label}</button>
            </form>
        }
    };
    view! {
        <div class="room-bar">
            <span class="badge room-state">{move || live.state.get().as_str()}</span>
            <span class="room-counter">
                {move || format!("Turn {} of {}", agent_turns(), max_turns)}
            </span>
            <span class="muted room-tokens" title="Tokens used; the turn being written is estimated until it ends">
                {move || {
                    // The turn being written counts as it grows (about four
                    // characters a token); its end brings the real count.
                    let writing = live.lines.with(|ls| {
                        ls.iter()
                            .filter(|l| l.status.get() == crate::model::chat::MessageStatus::Streaming)
                            .map(|l| l.content.with(|c| c.len()))
                            .sum::<usize>()
                    });
                    match writing {
                        0 => format!("{} tokens", live.tokens.get()),
                        n => format!("≈{} tokens", live.tokens.get() + n.div_ceil(4) as i64),
                    }
                }}
            </span>
            <span class="muted room-viewers" title="Watching now">
                {move || match live.viewers.get() {
                    0 => String::new(),
                    1 => "1 watching".to_string(),
                    n => format!("{n} watching"),
                }}
            </span>
            <div class="room-controls">
                {move || match live.state.get() {
                    _ if room.public => ().into_any(),
                    BackroomState::Draft => button("start", "Start", true).into_any(),
                    BackroomState::Running => view! { {button("pause", "Pause", false)} {button("stop", "Stop", false)} }.into_any(),
                    BackroomState::Paused => view! { {button("resume", "Resume", true)} {button("stop", "Stop", false)} }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
        </div>
    }
}

/// Manual order: a button per agent while the run waits for a speaker.
#[component]
pub(super) fn PickNext(room: Room) -> impl IntoView {
    let Room {
        id, live, people, ..
    } = room;
    view! {
        <Show when=move || live.state.get() == BackroomState::Running && room.speaking().is_none()>
            <div class="room-pick">
                <span>"Who speaks next?"</span>
                {people
                    .get_value()
                    .into_iter()
                    .map(|p| {
                        let pid = p.id;
                        view! {
                            <form
                                method="post"
                                action=RoomPick::url()
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    room.pick(pid);
                                }
                            >
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="agent_id" value=pid />
                                <button type="submit" class="btn btn-small" class:btn-primary=move || live.next.get() == Some(pid)>
                                    {p.name.clone()}
                                </button>
                            </form>
                        }
                    })
                    .collect_view()}
            </div>
        </Show>
    }
}
