//! The backroom island: the bar and controls ([`controls`]), the room with
//! its seats ([`circle`]) or the transcript ([`terminal`]), breaking in
//! ([`composer`]), all kept current by following the run ([`live`]). The
//! cast list under it ([`cast`]) renders on the server only.

mod cast;
mod circle;
mod composer;
mod controls;
mod live;
mod terminal;

pub use cast::Cast;

use super::form_errors::FormErrors;
use crate::model::backroom::{BackroomView, ParticipantView};
use crate::ui::browser;
use circle::RoomSpace;
use composer::Interject;
use controls::{PickNext, RoomBar};
use leptos::prelude::*;
use leptos::task::spawn_local;
use live::{follow, resume_point, Line, Live};
use terminal::Terminal;

/// What the parts of the room share.
#[derive(Clone, Copy)]
struct Room {
    id: i64,
    /// Watched through a public link: no controls, no breaking in.
    public: bool,
    live: Live,
    people: StoredValue<Vec<ParticipantView>>,
    /// The errors of the controls and of breaking in.
    errors: FormErrors,
}

impl Room {
    /// The participant writing now, if any (tracked).
    fn speaking(self) -> Option<i64> {
        self.live.lines.with(|ls| {
            ls.iter()
                .rev()
                .find(|l| l.status.get() == crate::model::chat::MessageStatus::Streaming)
                .and_then(|l| l.participant)
        })
    }

    /// Participant `p`'s colour, else `fallback`.
    fn color(self, p: Option<i64>, fallback: &str) -> String {
        self.people
            .with_value(|ps| ps.iter().find(|x| Some(x.id) == p).map(|x| x.color.clone()))
            .unwrap_or_else(|| fallback.into())
    }
}

/// A backroom, live: the room (avatars around a space, the speaker lit, its
/// words in a bubble) and the terminal transcript, the controls and the
/// interjection box. With JavaScript off it is the same page with plain
/// forms, current as of its loading.
#[island]
pub fn RoomView(
    view: BackroomView,
    /// The public link's token when the page is a public room.
    public: Option<String>,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let id = view.id;
    let live = Live {
        state: RwSignal::new(view.state),
        reason: RwSignal::new(view.state_reason.clone()),
        tokens: RwSignal::new(view.tokens_used),
        next: RwSignal::new(view.next_participant),
        lines: RwSignal::new(view.turns.iter().map(Line::from_view).collect()),
        queued: RwSignal::new(Vec::new()),
        wake: RwSignal::new(0),
        viewers: RwSignal::new(0),
        revoked: RwSignal::new(false),
    };
    let after = resume_point(&view.turns);
    let room = Room {
        id,
        public: public.is_some(),
        live,
        people: StoredValue::new(view.participants.clone()),
        errors: FormErrors::new(&["content"]),
    };
    let manual = view.turn_order == crate::model::backroom::TurnOrder::Manual;

    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
        spawn_local(follow(id, public.clone(), after, live));
        browser::on_visible(move || live.wake.update(|w| *w += 1));
    });

    // "Backroom ready: press Start" is stale once the run has begun.
    Effect::new(move |first: Option<()>| {
        let state = live.state.get();
        if first.is_some() && state != crate::model::backroom::BackroomState::Draft {
            browser::drop_flash_notices();
        }
    });

    view! {
        <div class="room" node_ref=root data-state=move || live.state.get().as_str()>
            <RoomBar room=room max_turns=view.max_turns />
            <Show when=move || live.revoked.get()>
                <p class="notice notice-error room-revoked" role="alert">"The owner ended this public link: the room is no longer shown."</p>
            </Show>
            {move || live.reason.get().map(|r| view! { <p class="room-reason muted">{r}</p> })}
            {move || room.errors.general().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            {(manual && !room.public).then(|| view! { <PickNext room=room /> })}
            <div class="view-switch" role="radiogroup" aria-label="View">
                <input type="radio" name=format!("view-{id}") id=format!("view-room-{id}") class="view-room" checked />
                <label for=format!("view-room-{id}")>"Room"</label>
                <input type="radio" name=format!("view-{id}") id=format!("view-term-{id}") class="view-term" />
                <label for=format!("view-term-{id}")>"Terminal"</label>
                <RoomSpace room=room />
                <Terminal room=room />
            </div>
            <Show when=move || !live.ended() && !room.public>
                <Interject room=room />
            </Show>
        </div>
    }
}
