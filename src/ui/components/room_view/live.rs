//! The run as the page knows it, kept current by following its events.

use crate::model::backroom::{event_id, BackroomState, RoomLine, TurnKind, TurnView, TURN_END};
use crate::model::chat::MessageStatus;
use crate::serverfns::backrooms::{follow_public_room, follow_room};
use crate::ui::browser;
use crate::ui::line_stream::{follow_lines, json, Retry, Step};
use leptos::prelude::*;

/// One turn on screen; a turn being written grows in place.
#[derive(Clone)]
pub(super) struct Line {
    pub id: i64,
    pub participant: Option<i64>,
    pub speaker: String,
    pub human: bool,
    /// A whisper: the seats that alone heard it.
    pub whisper_to: RwSignal<Vec<String>>,
    pub content: RwSignal<String>,
    pub status: RwSignal<MessageStatus>,
    pub kind: RwSignal<TurnKind>,
    pub error: RwSignal<Option<String>>,
    /// What the speaker's knowledge shelf gave the turn (shown once the
    /// page is loaded again).
    pub sources: Vec<crate::model::attachment::SourceView>,
}

impl Line {
    pub fn from_view(t: &TurnView) -> Line {
        Line {
            id: t.id,
            participant: t.participant_id,
            speaker: t.speaker.clone(),
            human: t.human,
            whisper_to: RwSignal::new(t.whisper_to.clone()),
            content: RwSignal::new(t.content.clone()),
            status: RwSignal::new(t.status),
            kind: RwSignal::new(t.kind),
            error: RwSignal::new(t.error.clone()),
            sources: t.sources.clone(),
        }
    }
}

/// Where the stream resumes for a page that shows `turns`.
pub(super) fn resume_point(turns: &[TurnView]) -> u64 {
    turns.last().map_or(0, |t| {
        if t.status == MessageStatus::Streaming {
            event_id(t.id, t.content.len() as u64)
        } else {
            event_id(t.id, TURN_END)
        }
    })
}

#[derive(Clone, Copy)]
pub(super) struct Live {
    pub state: RwSignal<BackroomState>,
    pub reason: RwSignal<Option<String>>,
    pub tokens: RwSignal<i64>,
    pub next: RwSignal<Option<i64>>,
    pub lines: RwSignal<Vec<Line>>,
    /// Interjections sent from this page that no turn has said yet.
    pub queued: RwSignal<Vec<String>>,
    /// Bumped when the page becomes visible again (or the run was resumed).
    pub wake: RwSignal<u32>,
    /// How many are watching now.
    pub viewers: RwSignal<u64>,
    /// The public link this page follows was revoked.
    pub revoked: RwSignal<bool>,
}

impl Live {
    fn apply(self, event: RoomLine) {
        match event {
            RoomLine::State(_, state, reason, tokens_used, next_participant) => {
                if over(state) {
                    self.queued.set(Vec::new());
                }
                // A run that stops running (ended, or paused on an error or a
                // limit) while the page is hidden says so.
                if self.state.get_untracked() == BackroomState::Running
                    && state != BackroomState::Running
                {
                    let title = match state {
                        BackroomState::Paused => "Backroom paused",
                        _ => "Backroom finished",
                    };
                    let why = reason
                        .clone()
                        .unwrap_or_else(|| format!("The run is {state}."));
                    browser::notify_if_hidden(title, &why, &browser::path());
                }
                self.state.set(state);
                self.reason.set(reason);
                self.tokens.set(tokens_used);
                self.next.set(next_participant);
            }
            RoomLine::TurnStart(_, turn_id, participant_id, speaker, human, whisper_to) => {
                if self.line(turn_id).is_none() {
                    self.lines.update(|ls| {
                        ls.push(Line {
                            id: turn_id,
                            participant: participant_id,
                            speaker,
                            human,
                            whisper_to: RwSignal::new(whisper_to),
                            content: RwSignal::new(String::new()),
                            status: RwSignal::new(MessageStatus::Streaming),
                            kind: RwSignal::new(TurnKind::Message),
                            error: RwSignal::new(None),
                            sources: Vec::new(),
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
            RoomLine::TurnEnd(_, turn_id, status, kind, whisper_to) => {
                if let Some(l) = self.line(turn_id) {
                    l.status.set(status);
                    l.kind.set(kind);
                    if !whisper_to.is_empty() {
                        l.whisper_to.set(whisper_to);
                    }
                    if l.human {
                        // That interjection has been said.
                        let said = l.content.get_untracked();
                        self.queued.update(|q| {
                            if let Some(i) = q.iter().position(|t| t.trim() == said.trim()) {
                                q.remove(i);
                            }
                        });
                    }
                }
            }
            RoomLine::Error(_, turn_id, message) => {
                if let Some(l) = self.line(turn_id) {
                    l.error.set(Some(message));
                }
            }
            RoomLine::Viewers(_, count) => self.viewers.set(count),
            RoomLine::Revoked(_) => self.revoked.set(true),
        }
    }

    fn line(self, id: i64) -> Option<Line> {
        self.lines
            .with_untracked(|ls| ls.iter().find(|l| l.id == id).cloned())
    }

    /// True once the run is over (tracked).
    pub fn ended(self) -> bool {
        over(self.state.get())
    }
}

/// A run in `state` has nothing more to follow.
fn over(state: BackroomState) -> bool {
    matches!(state, BackroomState::Finished | BackroomState::Stopped)
}

/// Follows the run until it ends (or its public link is revoked),
/// reconnecting from the last event id; through the public link `public`
/// when the page is a public room.
pub(super) async fn follow(id: i64, public: Option<String>, after: u64, live: Live) {
    follow_lines(
        after,
        move |after| {
            let public = public.clone();
            async move {
                match public {
                    Some(token) => follow_public_room(token, after).await,
                    None => follow_room(id, after).await,
                }
                .map(|s| s.into_inner())
            }
        },
        json::<RoomLine>,
        |event| {
            let point = event.id();
            let revoked = matches!(event, RoomLine::Revoked(_));
            live.apply(event);
            if revoked {
                Step::Stop
            } else {
                Step::More(Some(point))
            }
        },
        Retry {
            wake: live.wake,
            give_up_after: None,
            finished: move || over(live.state.get_untracked()),
        },
    )
    .await;
}
