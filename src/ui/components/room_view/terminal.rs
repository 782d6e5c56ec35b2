//! The transcript as a terminal log, each turn with "Fork from here" once
//! the run is not running.

use super::Room;
use crate::model::backroom::{BackroomState, TurnKind};
use crate::model::chat::MessageStatus;
use crate::serverfns::backrooms::ForkRoom;
use crate::ui::browser;
use crate::ui::components::attachment_list::Sources;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The log keeps its newest line in view as turns are written, unless the
/// reader scrolled up to read (scrolling back down follows again).
#[component]
pub(super) fn Terminal(room: Room) -> impl IntoView {
    let Room { id, live, .. } = room;
    let log = NodeRef::<leptos::html::Div>::new();
    let following = StoredValue::new(true);
    let to_end = move || {
        if let Some(el) = log.get_untracked() {
            browser::scroll_to_end(&el);
        }
    };
    Effect::new(move |_| {
        // Every new turn and every word of the one being written.
        live.lines.with(|ls| {
            ls.len();
            if let Some(l) = ls.last() {
                l.content.track();
            }
        });
        if following.get_value() {
            to_end();
        }
    });
    Effect::new(move |_| {
        // Switched to this view: at the end, if following.
        if let Some(el) = log.get() {
            browser::when_visible(&el, move || {
                if following.get_value() {
                    to_end();
                }
            });
        }
    });
    view! {
        <div
            class="terminal"
            role="log"
            aria-label="Transcript"
            node_ref=log
            on:scroll=move |_| {
                if let Some(el) = log.get_untracked() {
                    following.set_value(browser::at_end(&el));
                }
            }
        >
            <For each=move || live.lines.get() key=|l| l.id let:l>
                {
                    let color = room.color(l.participant, "#b0b0b0");
                    let number = move || live.lines.with(|ls| ls.iter().position(|x| x.id == l.id).map(|p| p + 1).unwrap_or(0));
                    view! {
                        <div class="term-turn" data-status=move || l.status.get().as_str() data-turn=l.id style=format!("--agent:{color}")>
                            <div class="term-head">
                                {format!("<{}{}>", l.speaker, if l.human { " (human)" } else { "" })}
                                {move || {
                                    let to = l.whisper_to.get();
                                    (!to.is_empty()).then(|| view! { <span class="term-whisper">{format!(" (whispers to {})", to.join(", "))}</span> })
                                }}
                                <span class="term-kind">{move || match l.kind.get() { TurnKind::Message => String::new(), k => format!(" [{k}]") }}</span>
                            </div>
                            <div class="term-text">{move || l.content.get()}</div>
                            <Sources sources=l.sources.clone() linked=false />
                            {move || l.error.get().map(|e| view! { <div class="term-error">{format!("error: {e}")}</div> })}
                            <Show when=move || !room.public && l.status.get() != MessageStatus::Streaming && live.state.get() != BackroomState::Running>
                                <form method="post" action=ForkRoom::url() class="term-fork">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="turn" value=number />
                                    <button type="submit" class="link-btn">"Fork from here"</button>
                                </form>
                            </Show>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
