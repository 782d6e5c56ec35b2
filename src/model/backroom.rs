//! Backrooms: agents conversing turn by turn on the server.

use serde::{Deserialize, Serialize};

/// How many agents a backroom seats.
pub const PARTICIPANTS: std::ops::RangeInclusive<usize> = 2..=8;

super::vocabulary::vocabulary! {
    /// Who speaks next: in seat order, shuffled each round, by name and
    /// talkativeness, or whoever the owner picks.
    pub enum TurnOrder {
        RoundRobin => "round_robin",
        Shuffled => "shuffled",
        Natural => "natural",
        Manual => "manual",
    }
}

impl TurnOrder {
    /// What the New backroom form calls it.
    pub fn label(self) -> &'static str {
        match self {
            TurnOrder::RoundRobin => "Round robin",
            TurnOrder::Shuffled => "Shuffled each round",
            TurnOrder::Natural => "Natural (by name, then talkativeness)",
            TurnOrder::Manual => "Manual (you pick)",
        }
    }
}

super::vocabulary::vocabulary! {
    /// What a turn is, read off its text: said, done (`*walks in*`) or
    /// thought (`(I wonder)`); or a change of the cast ("Ada enters the
    /// room."), said by the seat it is about.
    pub enum TurnKind {
        Message => "message",
        Action => "action",
        Thought => "thought",
        Cast => "cast",
    }
}

super::vocabulary::vocabulary! {
    /// Where a run is (the schema's CHECK lists the same five words).
    pub enum BackroomState {
        Draft => "draft",
        Running => "running",
        Paused => "paused",
        Finished => "finished",
        Stopped => "stopped",
    }
}

impl BackroomState {
    /// The state `control` takes a run in this state to, or `None` when it
    /// may not be pressed now. The one table of the state machine.
    pub fn after(self, control: Control) -> Option<BackroomState> {
        use BackroomState::*;
        match (self, control) {
            (Draft, Control::Start) => Some(Running),
            (Running, Control::Pause) => Some(Paused),
            (Paused, Control::Resume) => Some(Running),
            (Draft | Running | Paused, Control::Stop) => Some(Stopped),
            _ => None,
        }
    }
}

super::vocabulary::vocabulary! {
    /// A viewer's control button.
    pub enum Control {
        Start => "start",
        Pause => "pause",
        Resume => "resume",
        Stop => "stop",
    }
}

impl Control {
    /// The states this control may be pressed in.
    pub fn allowed_from(self) -> Vec<BackroomState> {
        BackroomState::ALL
            .iter()
            .copied()
            .filter(|s| s.after(self).is_some())
            .collect()
    }
}

/// `POST /api/backrooms`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewBackroom {
    /// Up to 200 characters, one line.
    pub title: String,
    /// The opening message every agent hears first (up to 32 KB).
    #[serde(default)]
    pub scenario: Option<String>,
    /// Agent ids, in speaking order (2 to 8).
    pub participants: Vec<i64>,
    /// Absent: `round_robin`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<TurnOrder>))]
    pub turn_order: Option<String>,
    /// Agent turns before the run finishes (1 to 500).
    pub max_turns: i32,
    /// Turns before a stop pattern may end the run (0 to `max_turns`; default 0).
    #[serde(default)]
    pub min_turns: Option<i32>,
    /// Literal strings; a turn containing one ends the run (after
    /// `min_turns`). Absent: `["^C^C"]`.
    #[serde(default)]
    pub stop_patterns: Option<Vec<String>>,
    /// The run finishes once it has used this many tokens (absent: no budget).
    #[serde(default)]
    pub token_budget: Option<i64>,
    /// What pauses the run (absent: loops detected at 80 %, no caps).
    #[serde(default)]
    pub guards: Option<GuardsInput>,
}

/// `PUT /api/backrooms/{id}/guards`, and a new backroom's `guards`: what
/// pauses the run, saying why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GuardsInput {
    /// Loop detection: the run pauses (reason `looping: ...`) when a new
    /// turn shares this percentage of its word trigrams with one of the
    /// four turns before it (turns under 12 words are not compared).
    /// 1 to 100; 0 turns it off; absent: 80.
    #[serde(default)]
    pub loop_overlap: Option<i64>,
    /// Tokens (prompt + completion) each seat may use over the run; the
    /// run pauses (`token cap: ...`) once a seat has. Absent: no cap.
    #[serde(default)]
    pub seat_token_cap: Option<i64>,
    /// What the run may cost in US dollars, at the models' prices; the run
    /// pauses (`cost cap: ...`) once it has. Absent: no cap.
    #[serde(default)]
    pub cost_cap_usd: Option<f64>,
}

/// A fork's change to one seat (`POST /api/backrooms/{id}/fork`,
/// `changes`): what is given replaces the seat's own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeatChange {
    /// The seat: its participant id, or its agent's id.
    pub participant: i64,
    /// Another model (one you may use).
    #[serde(default)]
    pub model_id: Option<i64>,
    /// Another system prompt (up to 32 KB).
    #[serde(default)]
    pub system_prompt: Option<String>,
    /// Another temperature (0 to 2).
    #[serde(default)]
    pub temperature: Option<f32>,
}

/// Two branches of a run side by side from the turn where they split
/// (`GET /api/backrooms/{id}/compare/{other}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comparison {
    pub left: Branch,
    pub right: Branch,
    /// Turns both have alike, from the start; each branch's `turns` are
    /// what comes after.
    pub shared: i64,
}

/// One side of a [`Comparison`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Branch {
    pub id: i64,
    pub title: String,
    pub state: BackroomState,
    /// Each seat as it is in this branch (name, model, temperature).
    pub participants: Vec<ParticipantView>,
    /// The turns after the split.
    pub turns: Vec<TurnView>,
}

/// A run's guards as they are now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Guards {
    /// Loop detection's threshold in percent; `null`: off.
    pub loop_overlap: Option<i64>,
    pub seat_token_cap: Option<i64>,
    pub cost_cap_usd: Option<f64>,
    /// What the run has cost so far (models without prices cost nothing).
    pub cost_usd: f64,
}

/// A seat: a snapshot of the agent taken when the backroom was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ParticipantView {
    pub id: i64,
    pub position: i32,
    /// The agent it was made from (`null` once that agent is deleted).
    pub agent_id: Option<i64>,
    pub name: String,
    pub avatar: String,
    pub color: String,
    pub system_prompt: String,
    /// `null`: the default model.
    pub model_id: Option<i64>,
    /// The model's display name (`null` for the default model).
    pub model: Option<String>,
    pub temperature: f32,
    pub max_tokens: Option<i32>,
    pub talkativeness: f32,
    /// The seat left the room mid-run: it takes no more turns.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub left: bool,
}

/// One turn of the transcript. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TurnView {
    pub id: i64,
    /// 1-based position in the transcript.
    pub number: i64,
    /// The seat that spoke (`null` for a viewer's interjection).
    pub participant_id: Option<i64>,
    /// The agent that seat was made from, while it exists.
    pub agent_id: Option<i64>,
    pub speaker: String,
    /// A viewer's interjection (not an agent).
    pub human: bool,
    pub content: String,
    pub kind: TurnKind,
    pub status: crate::model::chat::MessageStatus,
    /// The model that wrote the turn, as its provider names it.
    pub model_sdk_id: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    /// Milliseconds until the turn's first text.
    pub ttft_ms: Option<i32>,
    /// Milliseconds the whole turn took.
    pub total_ms: Option<i32>,
    /// What went wrong, when `status` is `error`.
    pub error: Option<String>,
    pub created_at: i64,
    /// The excerpts of the speaker's knowledge shelf the turn was given,
    /// numbered as it cites them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::model::attachment::SourceView>,
    /// A whisper: the seats (by name) that alone heard it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub whisper_to: Vec<String>,
}

/// A backroom with its seats and whole transcript. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BackroomView {
    pub id: i64,
    pub title: String,
    pub scenario: String,
    pub turn_order: TurnOrder,
    pub max_turns: i32,
    pub min_turns: i32,
    pub stop_patterns: Vec<String>,
    pub token_budget: Option<i64>,
    pub state: BackroomState,
    /// Why it paused, finished or stopped, in words.
    pub state_reason: Option<String>,
    pub tokens_used: i64,
    /// Manual order: the participant a viewer picked to speak next.
    pub next_participant: Option<i64>,
    /// The backroom this one was forked from.
    pub forked_from: Option<i64>,
    pub guards: Guards,
    /// When it runs again on its own, each time as a new fork (owner only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<crate::model::backroom_schedule::Schedule>,
    pub created_at: i64,
    pub updated_at: i64,
    pub participants: Vec<ParticipantView>,
    pub turns: Vec<TurnView>,
}

/// A backroom in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BackroomSummary {
    pub id: i64,
    pub title: String,
    pub state: BackroomState,
    /// Agent turns taken so far.
    pub turns: i64,
    pub max_turns: i32,
    pub participants: Vec<crate::model::agent::AgentBadge>,
    pub updated_at: i64,
}

/// One event of a backroom's live stream. Its id (the SSE `id:`) orders
/// every event of the run: `turn id × 10⁹ + the byte length reached` (0 for
/// `turn_start`, 999 999 999 for `turn_end`), so a client resuming from the
/// last id it saw gets exactly the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomEvent {
    TurnStart {
        turn_id: i64,
        participant_id: Option<i64>,
        agent_id: Option<i64>,
        speaker: String,
        human: bool,
        /// A whisper: the seats (by name) that alone hear it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        whisper_to: Vec<String>,
    },
    Delta {
        turn_id: i64,
        text: String,
    },
    TurnEnd {
        turn_id: i64,
        status: crate::model::chat::MessageStatus,
        kind: TurnKind,
        prompt_tokens: Option<u32>,
        completion_tokens: Option<u32>,
        /// An agent's whisper (its turn opened with `@Name`s): the seats,
        /// by name, that alone hear it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        whisper_to: Vec<String>,
    },
    State {
        state: BackroomState,
        reason: Option<String>,
        tokens_used: i64,
        next_participant: Option<i64>,
    },
    Error {
        turn_id: i64,
        message: String,
    },
    /// How many are watching the run now (the owner's pages included).
    Viewers {
        count: u64,
    },
    /// The owner revoked the public link: a public viewer's stream ends.
    Revoked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoomFrame {
    pub id: u64,
    pub event: RoomEvent,
}

/// One line of the backroom page's own stream (`follow_room`): a
/// `RoomFrame` externally tagged with positional fields, so the browser's
/// code to read it stays small. The first field is the event id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RoomLine {
    /// State, reason, tokens used, next participant.
    State(u64, BackroomState, Option<String>, i64, Option<i64>),
    /// Turn, participant, speaker, human, whispered to.
    TurnStart(u64, i64, Option<i64>, String, bool, Vec<String>),
    /// Turn, text.
    Delta(u64, i64, String),
    /// Turn, status, kind, whispered to.
    TurnEnd(
        u64,
        i64,
        crate::model::chat::MessageStatus,
        TurnKind,
        Vec<String>,
    ),
    /// Turn, message.
    Error(u64, i64, String),
    /// Viewers watching now.
    Viewers(u64, u64),
    /// The public link was revoked.
    Revoked(u64),
}

impl RoomLine {
    /// Takes the frame, so a delta's text moves instead of being copied.
    pub fn of(f: RoomFrame) -> RoomLine {
        let id = f.id;
        match f.event {
            RoomEvent::State {
                state,
                reason,
                tokens_used,
                next_participant,
            } => RoomLine::State(id, state, reason, tokens_used, next_participant),
            RoomEvent::TurnStart {
                turn_id,
                participant_id,
                speaker,
                human,
                whisper_to,
                ..
            } => RoomLine::TurnStart(id, turn_id, participant_id, speaker, human, whisper_to),
            RoomEvent::Delta { turn_id, text } => RoomLine::Delta(id, turn_id, text),
            RoomEvent::TurnEnd {
                turn_id,
                status,
                kind,
                whisper_to,
                ..
            } => RoomLine::TurnEnd(id, turn_id, status, kind, whisper_to),
            RoomEvent::Error { turn_id, message } => RoomLine::Error(id, turn_id, message),
            RoomEvent::Viewers { count } => RoomLine::Viewers(id, count),
            RoomEvent::Revoked => RoomLine::Revoked(id),
        }
    }

    pub fn id(&self) -> u64 {
        match self {
            RoomLine::State(id, ..)
            | RoomLine::TurnStart(id, ..)
            | RoomLine::Delta(id, ..)
            | RoomLine::TurnEnd(id, ..)
            | RoomLine::Error(id, ..)
            | RoomLine::Viewers(id, ..)
            | RoomLine::Revoked(id) => *id,
        }
    }
}

pub const TURN_SPAN: u64 = 1_000_000_000;
pub const TURN_END: u64 = TURN_SPAN - 1;

/// The event id of byte `offset` of turn `turn_id`.
pub fn event_id(turn_id: i64, offset: u64) -> u64 {
    (turn_id.max(0) as u64) * TURN_SPAN + offset.min(TURN_END)
}
