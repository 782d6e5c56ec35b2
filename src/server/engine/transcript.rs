//! What a room's stage has seen of its run, kept in memory so a viewer who
//! joins (or falls too far behind) is brought up to date from here, with
//! no read of the database and no replay of every delta: each turn's
//! unseen text comes as one piece.

use crate::error::AppError;
use crate::model::backroom::{event_id, BackroomState, RoomEvent, RoomFrame, TURN_END, TURN_SPAN};

struct Turn {
    id: i64,
    start: RoomEvent,
    text: String,
    /// `error` (if it failed) and `turn_end`, once it ended.
    ends: Vec<RoomEvent>,
}

#[derive(Default)]
pub(super) struct Transcript {
    /// The run's latest `state` event.
    state: Option<RoomEvent>,
    turns: Vec<Turn>,
}

impl Transcript {
    pub(super) fn record(&mut self, f: &RoomFrame) {
        match &f.event {
            RoomEvent::State { .. } => self.state = Some(f.event.clone()),
            RoomEvent::TurnStart { turn_id, .. } => self.turns.push(Turn {
                id: *turn_id,
                start: f.event.clone(),
                text: String::new(),
                ends: Vec::new(),
            }),
            RoomEvent::Delta { turn_id, text } => {
                if let Some(t) = self.turn(*turn_id) {
                    t.text.push_str(text);
                }
            }
            RoomEvent::Error { turn_id, .. } | RoomEvent::TurnEnd { turn_id, .. } => {
                if let Some(t) = self.turn(*turn_id) {
                    t.ends.push(f.event.clone());
                }
            }
            RoomEvent::Viewers { .. } | RoomEvent::Revoked => {}
        }
    }

    fn turn(&mut self, id: i64) -> Option<&mut Turn> {
        self.turns.iter_mut().rev().find(|t| t.id == id)
    }

    /// A resume id inside a turn's text must be a place in it.
    pub(super) fn check(&self, after: u64) -> Result<(), AppError> {
        let (turn, byte) = ((after / TURN_SPAN) as i64, (after % TURN_SPAN) as usize);
        if byte == 0 || byte as u64 >= TURN_END - 1 {
            return Ok(());
        }
        match self.turns.iter().find(|t| t.id == turn) {
            Some(t) if !t.text.is_char_boundary(byte.min(t.text.len())) => {
                Err(AppError::bad_request("That event id is not in this run."))
            }
            _ => Ok(()),
        }
    }

    /// Whether the run is over (finished or stopped).
    pub(super) fn over(&self) -> bool {
        matches!(
            self.state,
            Some(RoomEvent::State {
                state: BackroomState::Finished | BackroomState::Stopped,
                ..
            })
        )
    }

    /// What brings a viewer who has seen up to event id `after` to here:
    /// the state, the viewer count, then each turn's unseen part (its
    /// start, the rest of its text as one delta, its end), with the state
    /// last instead once the run is over. Ids never go back.
    pub(super) fn since(&self, after: u64, viewers: u64) -> Vec<RoomFrame> {
        let mut out = Vec::new();
        let mut at = after;
        let over = self.over();
        if !over {
            if let Some(s) = &self.state {
                out.push(RoomFrame {
                    id: at,
                    event: s.clone(),
                });
            }
        }
        out.push(RoomFrame {
            id: at,
            event: RoomEvent::Viewers { count: viewers },
        });
        for t in &self.turns {
            let (start, end) = (event_id(t.id, 0), event_id(t.id, TURN_END));
            if end <= after {
                continue;
            }
            if after < start {
                out.push(RoomFrame {
                    id: start,
                    event: t.start.clone(),
                });
                at = start;
            }
            let from = after.saturating_sub(start) as usize;
            if let Some(rest) = t.text.get(from..).filter(|r| !r.is_empty()) {
                at = event_id(t.id, t.text.len() as u64);
                out.push(RoomFrame {
                    id: at,
                    event: RoomEvent::Delta {
                        turn_id: t.id,
                        text: rest.to_string(),
                    },
                });
            }
            for e in &t.ends {
                at = end;
                out.push(RoomFrame {
                    id: end,
                    event: e.clone(),
                });
            }
        }
        if over {
            if let Some(s) = &self.state {
                out.push(RoomFrame {
                    id: at,
                    event: s.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::backroom::TurnKind;
    use crate::model::chat::MessageStatus;

    fn state(s: BackroomState) -> RoomEvent {
        RoomEvent::State {
            state: s,
            reason: None,
            tokens_used: 0,
            next_participant: None,
        }
    }

    fn run() -> Transcript {
        let mut t = Transcript::default();
        let frames = [
            (0, state(BackroomState::Running)),
            (
                event_id(7, 0),
                RoomEvent::TurnStart {
                    turn_id: 7,
                    participant_id: Some(1),
                    agent_id: None,
                    speaker: "Ada".into(),
                    human: false,
                    whisper_to: Vec::new(),
                },
            ),
            (
                event_id(7, 4),
                RoomEvent::Delta {
                    turn_id: 7,
                    text: "Hé ".into(),
                },
            ),
            (
                event_id(7, 7),
                RoomEvent::Delta {
                    turn_id: 7,
                    text: "you".into(),
                },
            ),
            (
                event_id(7, TURN_END),
                RoomEvent::TurnEnd {
                    turn_id: 7,
                    status: MessageStatus::Complete,
                    kind: TurnKind::Message,
                    prompt_tokens: None,
                    completion_tokens: None,
                    whisper_to: Vec::new(),
                },
            ),
            (
                event_id(9, 0),
                RoomEvent::TurnStart {
                    turn_id: 9,
                    participant_id: Some(2),
                    agent_id: None,
                    speaker: "Bob".into(),
                    human: false,
                    whisper_to: Vec::new(),
                },
            ),
            (
                event_id(9, 2),
                RoomEvent::Delta {
                    turn_id: 9,
                    text: "Hi".into(),
                },
            ),
        ];
        for (id, event) in frames {
            t.record(&RoomFrame { id, event });
        }
        t
    }

    fn texts(frames: &[RoomFrame]) -> Vec<String> {
        frames
            .iter()
            .filter_map(|f| match &f.event {
                RoomEvent::Delta { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_viewer_gets_each_turns_unseen_text_in_one_piece() {
        let t = run();
        let all = t.since(0, 3);
        assert_eq!(texts(&all), ["Hé you", "Hi"]);
        assert!(matches!(all[0].event, RoomEvent::State { .. }));
        assert_eq!(all[1].event, RoomEvent::Viewers { count: 3 });
        // From inside the first turn: its rest, its end, the second turn.
        let rest = t.since(event_id(7, 4), 1);
        assert_eq!(texts(&rest), ["you", "Hi"]);
        assert_eq!(rest.last().map(|f| f.id), Some(event_id(9, 2)));
        // Ids never go back.
        assert!(rest.windows(2).all(|w| w[0].id <= w[1].id));
        // From the end of the first turn: only the second.
        let later = t.since(event_id(7, TURN_END), 1);
        assert_eq!(texts(&later), ["Hi"]);
        assert!(!later
            .iter()
            .any(|f| matches!(f.event, RoomEvent::TurnEnd { .. })));
    }

    #[test]
    fn an_id_inside_a_letter_is_refused() {
        let t = run();
        assert!(t.check(event_id(7, 3)).is_ok());
        assert!(t.check(event_id(7, 2)).is_err(), "inside 'é'");
        assert!(t.check(event_id(8, 5)).is_ok(), "unknown turns pass");
    }

    #[test]
    fn once_over_the_state_comes_last() {
        let mut t = run();
        t.record(&RoomFrame {
            id: event_id(9, 2),
            event: state(BackroomState::Finished),
        });
        let all = t.since(0, 1);
        assert!(matches!(
            all.last().map(|f| &f.event),
            Some(RoomEvent::State {
                state: BackroomState::Finished,
                ..
            })
        ));
        assert!(matches!(all[0].event, RoomEvent::Viewers { .. }));
    }
}
