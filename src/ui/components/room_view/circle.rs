//! The room itself: the agents seated around a space, the speaker lit, and
//! the latest words in a bubble.

use super::Room;
use crate::ui::components::agent_card::AgentAvatar;
use leptos::prelude::*;

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

#[component]
pub(super) fn RoomSpace(room: Room) -> impl IntoView {
    let people = room.people;
    let latest = move || room.live.lines.with(|ls| ls.last().cloned());
    view! {
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
                                class:speaking=move || room.speaking() == Some(pid)
                                style=format!("{};--agent:{}", seat_position(i, n), p.color)
                                data-participant=pid
                                title=p.name.clone()
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
                        let color = room.color(l.participant, "#888888");
                        view! {
                            <div class="bubble-head" style=format!("--agent:{color}")>
                                <strong>{l.speaker.clone()}</strong>
                                {l.human.then(|| view! { <span class="badge">"human"</span> })}
                                {move || {
                                    let to = l.whisper_to.get();
                                    (!to.is_empty()).then(|| view! { <span class="badge badge-whisper">{format!("whisper to {}", to.join(", "))}</span> })
                                }}
                            </div>
                            <p class="room-words" data-kind=move || l.kind.get().as_str()>{move || l.content.get()}</p>
                            {move || l.error.get().map(|e| view! { <p class="bubble-error" role="alert">{e}</p> })}
                        }
                            .into_any()
                    }
                    None => view! { <p class="muted">"Nobody has spoken yet."</p> }.into_any(),
                }}
            </div>
        </div>
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
