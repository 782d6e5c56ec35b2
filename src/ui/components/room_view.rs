use super::agent_card::AgentAvatar;
use crate::model::backroom::{
    event_id, BackroomView, ParticipantView, RoomLine, TurnView, TURN_END,
};
use crate::serverfns::backrooms::{
    follow_room, room_control, room_interject, room_pick, ForkRoom, RoomControl, RoomInterject,
    RoomPick,
};
use crate::ui::browser;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;

/// One turn on screen; a turn being written grows in place.
#[derive(Clone)]
struct Line {
    id: i64,
    participant: Option<i64>,
    speaker: String,
    human: bool,
    content: RwSignal<String>,
    status: RwSignal<String>,
    kind: RwSignal<String>,
    error: RwSignal<Option<String>>,
}

impl Line {
    fn from_view(t: &TurnView) -> Line {
        Line {
            id: t.id,
            participant: t.participant_id,
            speaker: t.speaker.clone(),
            human: t.human,
            content: RwSignal::new(t.content.clone()),
            status: RwSignal::new(t.status.clone()),
            kind: RwSignal::new(t.kind.clone()),
            error: RwSignal::new(t.error.clone()),
        }
    }
}

/// Where the stream resumes for a page that shows `turns`.
fn resume_point(turns: &[TurnView]) -> u64 {
    turns.last().map_or(0, |t| {
        if t.status == "streaming" {
            event_id(t.id, t.content.len() as u64)
        } else {
            event_id(t.id, TURN_END)
        }
    })
}

#[derive(Clone, Copy)]
struct Live {
    state: RwSignal<String>,
    reason: RwSignal<Option<String>>,
    tokens: RwSignal<i64>,
    next: RwSignal<Option<i64>>,
    lines: RwSignal<Vec<Line>>,
    wake: RwSignal<u32>,
}

impl Live {
    fn apply(self, event: RoomLine) {
        match event {
            RoomLine::State(_, state, reason, tokens_used, next_participant) => {
                self.state.set(state);
                self.reason.set(reason);
                self.tokens.set(tokens_used);
                self.next.set(next_participant);
            }
            RoomLine::TurnStart(_, turn_id, participant_id, speaker, human) => {
                if self.line(turn_id).is_none() {
                    self.lines.update(|ls| {
                        ls.push(Line {
                            id: turn_id,
                            participant: participant_id,
                            speaker,
                            human,
                            content: RwSignal::new(String::new()),
                            status: RwSignal::new("streaming".into()),
                            kind: RwSignal::new("message".into()),
                            error: RwSignal::new(None),
                        })
                    });
                }
            }
            RoomLine::Delta(_, turn_id, text) => {
                if let Some(l) = self.line(turn_id) {
                    l.content.update(|c| c.push_str(&text));
                    browser::follow_bottom();
                }
            }
            RoomLine::TurnEnd(_, turn_id, status, kind) => {
                if let Some(l) = self.line(turn_id) {
                    l.status.set(status);
                    l.kind.set(kind);
                }
            }
            RoomLine::Error(_, turn_id, message) => {
                if let Some(l) = self.line(turn_id) {
                    l.error.set(Some(message));
                }
            }
        }
    }

    fn line(self, id: i64) -> Option<Line> {
        self.lines
            .with_untracked(|ls| ls.iter().find(|l| l.id == id).cloned())
    }
}

/// Follows the run until it ends, reconnecting from the last event id.
async fn follow(id: i64, mut after: u64, live: Live) {
    use futures::StreamExt;
    let mut failures = 0u32;
    loop {
        if let Ok(stream) = follow_room(id, after).await {
            let mut stream = std::pin::pin!(stream.into_inner());
            let mut buf = String::new();
            while let Some(Ok(chunk)) = stream.next().await {
                failures = 0;
                buf.push_str(&chunk);
                while let Some(end) = buf.find('\n') {
                    let line: String = buf.drain(..=end).collect();
                    if let Ok(event) = serde_json::from_str::<RoomLine>(line.trim()) {
                        after = after.max(event.id());
                        live.apply(event);
                    }
                }
            }
        }
        if matches!(live.state.get_untracked().as_str(), "finished" | "stopped") {
            return;
        }
        failures += 1;
        let before = live.wake.get_untracked();
        for _ in 0..(failures.min(10) * 4) {
            browser::sleep_ms(250).await;
            if live.wake.get_untracked() != before {
                break;
            }
        }
    }
}

/// Seat `i` of `n` (up to 8) around the room, in tenths of a percent:
/// `50 + 37·cos`, `50 + 37·sin` of `i/n` of a turn from the top, worked out
/// beforehand so the browser needs no trigonometry.
const SEATS: [&[(u16, u16)]; 8] = [
    &[(500, 130)],
    &[(500, 130), (500, 870)],
    &[(500, 130), (820, 685), (180, 685)],
    &[(500, 130), (870, 500), (500, 870), (130, 500)],
    &[(500, 130), (852, 386), (717, 799), (283, 799), (148, 386)],
    &[
        (500, 130),
        (820, 315),
        (820, 685),
        (500, 870),
        (180, 685),
        (180, 315),
    ],
    &[
        (500, 130),
        (789, 269),
        (861, 582),
        (661, 833),
        (339, 833),
        (139, 582),
        (211, 269),
    ],
    &[
        (500, 130),
        (762, 238),
        (870, 500),
        (762, 762),
        (500, 870),
        (238, 762),
        (130, 500),
        (238, 238),
    ],
];

/// Seat `i` of `n` as `left`/`top` percentages (the middle past 8 seats).
fn seat_position(i: usize, n: usize) -> String {
    let (x, y) = SEATS
        .get(n.wrapping_sub(1))
        .and_then(|row| row.get(i))
        .copied()
        .unwrap_or((500, 500));
    format!("left:{}.{}%;top:{}.{}%", x / 10, x % 10, y / 10, y % 10)
}

/// A backroom, live: the room (avatars around a space, the speaker lit, its
/// words in a bubble) and the terminal transcript, the controls and the
/// interjection box. With JavaScript off it is the same page with plain
/// forms, current as of its loading.
#[island]
pub fn RoomView(view: BackroomView) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let id = view.id;
    let live = Live {
        state: RwSignal::new(view.state.clone()),
        reason: RwSignal::new(view.state_reason.clone()),
        tokens: RwSignal::new(view.tokens_used),
        next: RwSignal::new(view.next_participant),
        lines: RwSignal::new(view.turns.iter().map(Line::from_view).collect()),
        wake: RwSignal::new(0),
    };
    let after = resume_point(&view.turns);
    let people = StoredValue::new(view.participants.clone());
    let manual = view.turn_order == "manual";
    let max_turns = view.max_turns;
    let notice = RwSignal::new(None::<String>);
    let draft = RwSignal::new(String::new());

    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
        spawn_local(follow(id, after, live));
        browser::on_visible(move || live.wake.update(|w| *w += 1));
    });

    let control = move |action: &'static str| {
        spawn_local(async move {
            match room_control(id, action.to_string()).await {
                Ok(state) => {
                    notice.set(None);
                    live.state.set(state);
                    live.wake.update(|w| *w += 1);
                }
                Err(e) => notice.set(Some(crate::text::format::server_error(e))),
            }
        });
    };
    let pick = move |who: i64| {
        spawn_local(async move {
            if let Err(e) = room_pick(id, who).await {
                notice.set(Some(crate::text::format::server_error(e)));
            }
        });
    };
    let interject = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            match room_interject(id, text).await {
                Ok(()) => {
                    draft.set(String::new());
                    notice.set(None);
                }
                Err(e) => notice.set(Some(crate::text::format::server_error(e))),
            }
        });
    };

    let agent_turns = move || {
        live.lines.with(|ls| {
            ls.iter()
                .filter(|l| !l.human && l.status.get() != "error")
                .count()
        })
    };
    let speaking = move || {
        live.lines.with(|ls| {
            ls.iter()
                .rev()
                .find(|l| l.status.get() == "streaming")
                .and_then(|l| l.participant)
        })
    };
    let latest = move || live.lines.with(|ls| ls.last().cloned());
    let person =
        move |p: Option<i64>| people.with_value(|ps| ps.iter().find(|x| Some(x.id) == p).cloned());
    let ended = move || matches!(live.state.get().as_str(), "finished" | "stopped");

    let button = move |action: &'static str, label: &'static str, primary: bool| {
        view! {
            <form
                method="post"
                action=RoomControl::url()
                on:submit=move |ev| {
                    ev.prevent_default();
                    control(action);
                }
            >
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="action" value=action />
                <button type="submit" class="btn" class:btn-primary=primary>{label}</button>
            </form>
        }
    };

    view! {
        <div class="room" node_ref=root data-state=move || live.state.get()>
            <div class="room-bar">
                <span class="badge room-state">{move || live.state.get()}</span>
                <span class="room-counter">
                    {move || format!("Turn {} of {}", agent_turns(), max_turns)}
                </span>
                <span class="muted room-tokens">{move || format!("{} tokens", live.tokens.get())}</span>
                <div class="room-controls">
                    {move || match live.state.get().as_str() {
                        "draft" => button("start", "Start", true).into_any(),
                        "running" => view! { {button("pause", "Pause", false)} {button("stop", "Stop", false)} }.into_any(),
                        "paused" => view! { {button("resume", "Resume", true)} {button("stop", "Stop", false)} }.into_any(),
                        _ => ().into_any(),
                    }}
                </div>
            </div>
            {move || live.reason.get().map(|r| view! { <p class="room-reason muted">{r}</p> })}
            {move || notice.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            {manual
                .then(|| {
                    view! {
                        <Show when=move || live.state.get() == "running" && speaking().is_none()>
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
                                                    pick(pid);
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
                })}
            <div class="view-switch" role="radiogroup" aria-label="View">
                <input type="radio" name=format!("view-{id}") id=format!("view-room-{id}") class="view-room" checked />
                <label for=format!("view-room-{id}")>"Room"</label>
                <input type="radio" name=format!("view-{id}") id=format!("view-term-{id}") class="view-term" />
                <label for=format!("view-term-{id}")>"Terminal"</label>
                <div class="room-space">
                    <div class="room-floor">
                        {people
                            .get_value()
                            .into_iter()
                            .enumerate()
                            .map(|(i, p)| {
                                let n = people.with_value(Vec::len);
                                let pid = p.id;
                                view! {
                                    <div
                                        class="seat"
                                        class:speaking=move || speaking() == Some(pid)
                                        style=format!("{};--agent:{}", seat_position(i, n), p.color)
                                        data-participant=pid
                                    >
                                        <AgentAvatar avatar=p.avatar.clone() color=p.color.clone() size=56 />
                                        <span class="seat-name">{p.name.clone()}</span>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                    <div class="room-bubble" aria-live="polite">
                        {move || match latest() {
                            Some(l) => {
                                let color = person(l.participant).map(|p| p.color).unwrap_or_else(|| "#888888".into());
                                view! {
                                    <div class="bubble-head" style=format!("--agent:{color}")>
                                        <strong>{l.speaker.clone()}</strong>
                                        {l.human.then(|| view! { <span class="badge">"human"</span> })}
                                    </div>
                                    <p class="room-words" data-kind=move || l.kind.get()>{move || l.content.get()}</p>
                                    {move || l.error.get().map(|e| view! { <p class="bubble-error" role="alert">{e}</p> })}
                                }
                                    .into_any()
                            }
                            None => view! { <p class="muted">"Nobody has spoken yet."</p> }.into_any(),
                        }}
                    </div>
                </div>
                <div class="terminal" role="log" aria-label="Transcript">
                    <For each=move || live.lines.get() key=|l| l.id let:l>
                        {
                            let color = person(l.participant).map(|p| p.color).unwrap_or_else(|| "#b0b0b0".into());
                            let number = move || live.lines.with(|ls| ls.iter().position(|x| x.id == l.id).map(|p| p + 1).unwrap_or(0));
                            view! {
                                <div class="term-turn" data-status=move || l.status.get() data-turn=l.id style=format!("--agent:{color}")>
                                    <div class="term-head">
                                        {format!("<{}{}>", l.speaker, if l.human { " (human)" } else { "" })}
                                        <span class="term-kind">{move || match l.kind.get().as_str() { "message" => String::new(), k => format!(" [{k}]") }}</span>
                                    </div>
                                    <div class="term-text">{move || l.content.get()}</div>
                                    {move || l.error.get().map(|e| view! { <div class="term-error">{format!("error: {e}")}</div> })}
                                    <Show when=move || l.status.get() != "streaming" && live.state.get() != "running">
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
            </div>
            <Show when=move || !ended()>
                <form
                    class="composer room-composer"
                    method="post"
                    action=RoomInterject::url()
                    on:submit=move |ev| {
                        ev.prevent_default();
                        interject();
                    }
                >
                    <input type="hidden" name="id" value=id />
                    <div class="composer-row">
                        <textarea
                            name="content"
                            rows="1"
                            maxlength="10000"
                            placeholder="Break in: all agents hear it"
                            aria-label="Interject"
                            required
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        ></textarea>
                        <button type="submit" class="btn btn-primary send">"Say"</button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// The participant list under a room: who is who, on which model.
#[component]
pub fn Cast(participants: Vec<ParticipantView>) -> impl IntoView {
    view! {
        <ul class="cast">
            {participants
                .into_iter()
                .map(|p| {
                    view! {
                        <li style=format!("--agent:{}", p.color)>
                            <AgentAvatar avatar=p.avatar.clone() color=p.color.clone() size=28 />
                            <strong>{p.name.clone()}</strong>
                            <span class="muted">{p.model.clone().unwrap_or_else(|| "default model".into())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seats_sit_on_the_circle() {
        for n in 1..=8usize {
            for i in 0..n {
                let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
                let want = format!(
                    "left:{:.1}%;top:{:.1}%",
                    50.0 + 37.0 * a.cos(),
                    50.0 + 37.0 * a.sin()
                );
                assert_eq!(super::seat_position(i, n), want, "seat {i} of {n}");
            }
        }
        assert_eq!(super::seat_position(0, 9), "left:50.0%;top:50.0%");
    }
}
