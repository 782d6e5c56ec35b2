//! One room's audience, however large. A single task follows the run (the
//! pump in `rooms.rs`) and puts each frame it makes once into a ring,
//! where it is encoded at most once per view (everything, or what the
//! public sees without details) and wire format (SSE, JSON lines), and
//! every viewer reads the same bytes from there.
//!
//! A viewer is a cursor into the ring, not a task or a queue: one that
//! falls more than [`RING`] frames behind (a slow phone, a stalled
//! socket) is skipped ahead, brought up to date from the transcript with
//! each turn's missed text in one piece, so it never holds the others
//! back and never makes memory grow. The viewer count goes out at most
//! once a [`TICK`], only when it changed, and a keep-alive every
//! [`KEEP_ALIVE`], each a single shared frame.

use super::transcript::Transcript;
use crate::error::AppError;
use crate::model::backroom::{RoomEvent, RoomFrame, RoomLine};
use axum::body::Bytes;
use futures::stream::{BoxStream, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Frames the ring keeps; a viewer further behind is skipped ahead.
pub const RING: usize = 1024;
/// How often the viewer count may go out.
pub const TICK: Duration = Duration::from_secs(1);
/// How often an idle stream gets a keep-alive.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How a viewer's stream is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wire {
    /// Server-Sent Events (the REST API, `/b/{token}/events`).
    Sse = 0,
    /// One JSON `RoomLine` per line (the page's own stream).
    Lines = 1,
}

/// A count another replica sent is forgotten after this long unless sent
/// again (each replica sends its own every few seconds while it has any).
pub const REMOTE_FRESH: Duration = Duration::from_secs(12);

/// How many streams follow a room: here, and on the other replicas as they
/// last said.
#[derive(Default)]
pub struct Count {
    here: AtomicU64,
    elsewhere: Mutex<HashMap<i64, (u64, Instant)>>,
}

impl Count {
    /// Everyone, on every replica.
    pub fn get(&self) -> u64 {
        let elsewhere = self.elsewhere.lock().unwrap_or_else(|e| e.into_inner());
        let others: u64 = elsewhere
            .values()
            .filter(|(_, at)| at.elapsed() < REMOTE_FRESH)
            .map(|(n, _)| n)
            .sum();
        self.here() + others
    }

    /// The streams this replica serves.
    pub fn here(&self) -> u64 {
        self.here.load(Ordering::Relaxed)
    }

    /// Replica `replica` says it serves `n`.
    pub fn set_elsewhere(&self, replica: i64, n: u64) {
        let mut elsewhere = self.elsewhere.lock().unwrap_or_else(|e| e.into_inner());
        match n {
            0 => elsewhere.remove(&replica),
            _ => elsewhere.insert(replica, (n, Instant::now())),
        };
    }

    /// Counts one viewer while the answer lives.
    pub fn watch(self: &Arc<Self>) -> Watching {
        self.here.fetch_add(1, Ordering::Relaxed);
        Watching(self.clone())
    }
}

/// One viewer, counted while it lives.
pub struct Watching(Arc<Count>);

impl Drop for Watching {
    fn drop(&mut self) {
        self.0.here.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Who follows a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The owner: everything.
    Owner,
    /// Anyone with the public link: no agent ids, provider errors or
    /// reasons unless the owner shows details; let go when the link is
    /// revoked.
    Public { details: bool },
}

impl Audience {
    fn plain(self) -> bool {
        self == Audience::Public { details: false }
    }
}

/// A frame without what the public may not see when details are hidden.
fn plain(mut f: RoomFrame) -> RoomFrame {
    match &mut f.event {
        RoomEvent::TurnStart { agent_id, .. } => *agent_id = None,
        RoomEvent::State { reason, .. } => *reason = None,
        RoomEvent::Error { message, .. } => *message = "This turn failed.".into(),
        _ => {}
    }
    f
}

fn name(e: &RoomEvent) -> &'static str {
    match e {
        RoomEvent::TurnStart { .. } => "turn_start",
        RoomEvent::Delta { .. } => "delta",
        RoomEvent::TurnEnd { .. } => "turn_end",
        RoomEvent::State { .. } => "state",
        RoomEvent::Error { .. } => "error",
        RoomEvent::Viewers { .. } => "viewers",
        RoomEvent::Revoked => "revoked",
    }
}

/// A frame on the wire.
fn encode(f: RoomFrame, wire: Wire) -> Bytes {
    match wire {
        Wire::Sse => {
            let data = serde_json::to_string(&f.event).unwrap_or_else(|_| "{}".into());
            format!("id: {}\nevent: {}\ndata: {data}\n\n", f.id, name(&f.event)).into()
        }
        Wire::Lines => {
            let mut line = serde_json::to_string(&RoomLine::of(f)).unwrap_or_default();
            line.push('\n');
            line.into()
        }
    }
}

fn keep_alive(wire: Wire) -> Bytes {
    Bytes::from_static(match wire {
        Wire::Sse => b":\n\n",
        Wire::Lines => b"\n",
    })
}

/// One frame in the ring (or a keep-alive), with its encodings as viewers
/// ask for them.
struct Entry {
    frame: Option<RoomFrame>,
    encoded: [OnceLock<Bytes>; 4],
}

impl Entry {
    fn bytes(&self, plain_view: bool, wire: Wire) -> Bytes {
        self.encoded[plain_view as usize * 2 + wire as usize]
            .get_or_init(|| match &self.frame {
                None => keep_alive(wire),
                Some(f) if plain_view => encode(plain(f.clone()), wire),
                Some(f) => encode(f.clone(), wire),
            })
            .clone()
    }
}

struct Ring {
    entries: VecDeque<Entry>,
    /// The number of entries ever dropped off the front: the position of
    /// `entries[0]`.
    first: u64,
    transcript: Transcript,
    /// The last event id made.
    last: u64,
    /// The count last sent out.
    shown_viewers: u64,
    /// The transcript holds all the run had when the stage opened.
    primed: bool,
    /// Nothing more comes: viewers read what is left, then end.
    ended: bool,
}

impl Ring {
    fn end(&self) -> u64 {
        self.first + self.entries.len() as u64
    }
}

/// The shared feed of one room.
pub struct Stage {
    viewers: Arc<Count>,
    ring: RwLock<Ring>,
    /// The ring's end, sent after every change: what viewers wait on.
    changed: watch::Sender<u64>,
}

impl Stage {
    pub(super) fn new(viewers: Arc<Count>) -> Stage {
        Stage {
            viewers,
            ring: RwLock::new(Ring {
                entries: VecDeque::new(),
                first: 0,
                transcript: Transcript::default(),
                last: 0,
                shown_viewers: 0,
                primed: false,
                ended: false,
            }),
            changed: watch::channel(0).0,
        }
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Ring> {
        self.ring.write().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Ring> {
        self.ring.read().unwrap_or_else(|e| e.into_inner())
    }

    fn wake(&self, end: u64) {
        self.changed.send_replace(end);
    }

    /// Adds frames together: a viewer sees all of them or none yet.
    pub(super) fn push(&self, frames: impl IntoIterator<Item = RoomFrame>) {
        let end = {
            let mut ring = self.write();
            for f in frames {
                ring.transcript.record(&f);
                ring.last = ring.last.max(f.id);
                ring.entries.push_back(Entry {
                    frame: Some(f),
                    encoded: Default::default(),
                });
            }
            trim(&mut ring);
            ring.end()
        };
        self.wake(end);
    }

    /// The viewer count, when it changed since it last went out.
    pub(super) fn count_viewers(&self) {
        let count = self.viewers.get();
        let end = {
            let mut ring = self.write();
            if ring.shown_viewers == count {
                return;
            }
            ring.shown_viewers = count;
            let id = ring.last;
            ring.entries.push_back(Entry {
                frame: Some(RoomFrame {
                    id,
                    event: RoomEvent::Viewers { count },
                }),
                encoded: Default::default(),
            });
            trim(&mut ring);
            ring.end()
        };
        self.wake(end);
    }

    pub(super) fn keep_alive(&self) {
        let end = {
            let mut ring = self.write();
            ring.entries.push_back(Entry {
                frame: None,
                encoded: Default::default(),
            });
            trim(&mut ring);
            ring.end()
        };
        self.wake(end);
    }

    /// The public link was revoked: public viewers get `revoked` and end.
    pub(super) fn revoke(&self) {
        let id = self.read().last;
        self.push([RoomFrame {
            id,
            event: RoomEvent::Revoked,
        }]);
    }

    /// The transcript now holds what the run had: viewers may join.
    pub(super) fn prime(&self) {
        let end = {
            let mut ring = self.write();
            if ring.primed {
                return;
            }
            ring.primed = true;
            ring.end()
        };
        self.wake(end);
    }

    /// Nothing more comes (the run is over, or nobody watches).
    pub(super) fn end(&self) {
        let end = {
            let mut ring = self.write();
            ring.ended = true;
            ring.end()
        };
        self.wake(end);
    }

    pub(super) fn is_ended(&self) -> bool {
        self.read().ended
    }

    /// A viewer who has seen up to event id `after`: what it missed, then
    /// the run live. `counted` keeps it in the room's viewer count.
    pub(super) async fn join(
        self: Arc<Self>,
        after: u64,
        audience: Audience,
        wire: Wire,
        counted: Watching,
    ) -> Result<ViewerFeed, AppError> {
        let mut changed = self.changed.subscribe();
        loop {
            {
                let ring = self.read();
                if ring.primed || ring.ended {
                    break;
                }
            }
            if changed.changed().await.is_err() {
                break;
            }
        }
        let mut seat = Seat {
            stage: self.clone(),
            plain: audience.plain(),
            public: audience != Audience::Owner,
            wire,
            cursor: 0,
            floor: after,
            last: after,
            pending: None,
            changed,
            done: false,
            _counted: counted,
        };
        {
            let ring = self.read();
            ring.transcript.check(after)?;
            let frames = ring.transcript.since(after, self.viewers.get());
            seat.cursor = ring.end();
            seat.pending = seat.own(frames);
        }
        Ok(ViewerFeed {
            seat,
            held: Vec::new(),
        })
    }

    /// Told after every change to the ring.
    fn changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

/// One viewer's feed of a stage: read as a stream (`into_stream`), or
/// without waiting by a writer that serves many viewers of the same stage
/// at once (`take`, woken by `changes`).
pub struct ViewerFeed {
    seat: Seat,
    /// What must live as long as the viewer does (its address's slot).
    held: Vec<Box<dyn Send + Sync>>,
}

impl ViewerFeed {
    /// Keeps `x` until the feed is dropped.
    pub fn hold(mut self, x: impl Send + Sync + 'static) -> ViewerFeed {
        self.held.push(Box::new(x));
        self
    }

    /// The viewer's chunks as they come; the stream ends with the feed.
    pub fn into_stream(self) -> BoxStream<'static, Bytes> {
        futures::stream::unfold(self, |mut feed| async move {
            let chunk = feed.seat.next().await?;
            Some((chunk, feed))
        })
        // Polled again after its end, it answers the end again.
        .fuse()
        .boxed()
    }

    /// Everything new for this viewer now, as one chunk, without waiting.
    pub fn take(&mut self) -> Option<Bytes> {
        if self.seat.pending.is_none() && !self.seat.done {
            self.seat.read();
        }
        self.seat.pending.take()
    }

    /// Nothing more comes: the run ended, or (for the public) the link
    /// was revoked, and everything was taken.
    pub fn is_done(&self) -> bool {
        self.seat.done && self.seat.pending.is_none()
    }

    /// Which stage this feed reads: feeds with the same key change
    /// together.
    pub fn stage_key(&self) -> usize {
        Arc::as_ptr(&self.seat.stage) as usize
    }

    /// Told (with a new value) whenever the stage may have something new
    /// for this feed; closed once the stage is gone.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.seat.stage.changes()
    }
}

fn trim(ring: &mut Ring) {
    while ring.entries.len() > RING {
        ring.entries.pop_front();
        ring.first += 1;
    }
}

/// Chunks joined into one: one alone is handed on as it is (the shared
/// encoding itself), with no allocation.
#[derive(Default)]
struct Joined {
    first: Option<Bytes>,
    more: Vec<u8>,
}

impl Joined {
    fn push(&mut self, chunk: Bytes) {
        match self.first.take() {
            None if self.more.is_empty() => self.first = Some(chunk),
            first => {
                if let Some(first) = first {
                    self.more.extend_from_slice(&first);
                }
                self.more.extend_from_slice(&chunk);
            }
        }
    }

    fn done(self) -> Option<Bytes> {
        self.first
            .or_else(|| (!self.more.is_empty()).then(|| Bytes::from(self.more)))
    }
}

/// One viewer: where it is in the ring and what it has been sent.
struct Seat {
    stage: Arc<Stage>,
    plain: bool,
    public: bool,
    wire: Wire,
    /// The next ring position to read.
    cursor: u64,
    /// Turn frames up to this id were sent before the viewer read the ring.
    floor: u64,
    /// The last event id sent.
    last: u64,
    pending: Option<Bytes>,
    changed: watch::Receiver<u64>,
    done: bool,
    _counted: Watching,
}

/// What a viewer does with one frame of the ring.
enum Take {
    Shared,
    Skip,
    /// Its own copy: a delta with the first `n` bytes already sent, or a
    /// frame that must not take an id back.
    Own(RoomFrame),
}

impl Seat {
    /// Frames made for this viewer alone (catching up), on the wire.
    fn own(&mut self, frames: Vec<RoomFrame>) -> Option<Bytes> {
        let mut out = Vec::new();
        for f in frames {
            self.last = self.last.max(f.id);
            let f = if self.plain { plain(f) } else { f };
            out.extend_from_slice(&encode(f, self.wire));
        }
        (!out.is_empty()).then(|| Bytes::from(out))
    }

    fn take(&self, f: &RoomFrame) -> Take {
        match &f.event {
            RoomEvent::TurnStart { .. } | RoomEvent::TurnEnd { .. } | RoomEvent::Error { .. }
                if f.id <= self.floor =>
            {
                Take::Skip
            }
            RoomEvent::Delta { .. } if f.id <= self.floor => Take::Skip,
            RoomEvent::Delta { turn_id, text } => {
                let start = f.id.saturating_sub(text.len() as u64);
                if start >= self.floor {
                    return Take::Shared;
                }
                match text.get((self.floor - start) as usize..) {
                    Some(rest) => Take::Own(RoomFrame {
                        id: f.id,
                        event: RoomEvent::Delta {
                            turn_id: *turn_id,
                            text: rest.to_string(),
                        },
                    }),
                    None => Take::Skip,
                }
            }
            RoomEvent::Revoked if !self.public => Take::Skip,
            RoomEvent::State { .. } | RoomEvent::Viewers { .. } | RoomEvent::Revoked
                if f.id < self.last =>
            {
                Take::Own(RoomFrame {
                    id: self.last,
                    event: f.event.clone(),
                })
            }
            _ => Take::Shared,
        }
    }

    /// Everything new in the ring for this viewer, as one chunk.
    fn read(&mut self) {
        let stage = self.stage.clone();
        let ring = stage.read();
        let end = ring.end();
        if self.cursor < ring.first {
            // Skipped ahead: what it missed, from the transcript.
            let frames = ring.transcript.since(self.last, stage.viewers.get());
            self.floor = self.last;
            self.cursor = end;
            self.pending = self.own(frames);
        } else {
            let mut chunks = Joined::default();
            let from = (self.cursor - ring.first) as usize;
            for e in ring.entries.range(from..) {
                self.cursor += 1;
                let Some(f) = &e.frame else {
                    chunks.push(e.bytes(self.plain, self.wire));
                    continue;
                };
                match self.take(f) {
                    Take::Skip => continue,
                    Take::Shared => chunks.push(e.bytes(self.plain, self.wire)),
                    Take::Own(f) => {
                        let f = if self.plain { plain(f) } else { f };
                        chunks.push(encode(f, self.wire));
                    }
                }
                self.last = self.last.max(f.id);
                if matches!(f.event, RoomEvent::Revoked) {
                    self.done = true;
                    break;
                }
            }
            self.pending = chunks.done();
        }
        if ring.ended && self.cursor >= end {
            self.done = true;
        }
    }

    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(chunk) = self.pending.take() {
                return Some(chunk);
            }
            if self.done {
                return None;
            }
            // Seen before reading, so a frame added meanwhile wakes us.
            self.changed.borrow_and_update();
            self.read();
            if self.pending.is_none() && !self.done && self.changed.changed().await.is_err() {
                self.done = true;
            }
        }
    }
}

/// Stages driven by hand, for the tests of this module and of what
/// writes stages to viewers (`fan_out`).
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::model::backroom::{event_id, BackroomState};

    pub fn turn_start(turn: i64) -> RoomFrame {
        RoomFrame {
            id: event_id(turn, 0),
            event: RoomEvent::TurnStart {
                turn_id: turn,
                participant_id: Some(1),
                agent_id: Some(5),
                speaker: "Ada".into(),
                human: false,
                whisper_to: Vec::new(),
            },
        }
    }

    pub fn delta(turn: i64, end: u64, text: &str) -> RoomFrame {
        RoomFrame {
            id: event_id(turn, end),
            event: RoomEvent::Delta {
                turn_id: turn,
                text: text.into(),
            },
        }
    }

    /// A running stage viewers may join, and its viewer count.
    pub fn stage() -> (Arc<Stage>, Arc<Count>) {
        let count = Arc::new(Count::default());
        let stage = Arc::new(Stage::new(count.clone()));
        stage.push([RoomFrame {
            id: 0,
            event: RoomEvent::State {
                state: BackroomState::Running,
                reason: Some("why".into()),
                tokens_used: 0,
                next_participant: None,
            },
        }]);
        stage.prime();
        (stage, count)
    }

    pub fn push(stage: &Stage, frames: impl IntoIterator<Item = RoomFrame>) {
        stage.push(frames);
    }

    /// Nothing more comes: every feed ends once it has everything.
    pub fn end(stage: &Stage) {
        stage.end();
    }

    /// The owner's feed from the start, counted.
    pub async fn feed(stage: &Arc<Stage>, count: &Arc<Count>, wire: Wire) -> ViewerFeed {
        stage
            .clone()
            .join(0, Audience::Owner, wire, count.watch())
            .await
            .expect("a primed stage takes viewers")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{delta, stage, turn_start};
    use super::*;
    use crate::model::backroom::event_id;
    use futures::FutureExt;

    /// Everything the stream has ready now.
    fn ready(s: &mut BoxStream<'static, Bytes>) -> Vec<Bytes> {
        let mut out = Vec::new();
        while let Some(Some(b)) = s.next().now_or_never() {
            out.push(b);
        }
        out
    }

    fn text(chunks: &[Bytes]) -> String {
        chunks
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[tokio::test]
    async fn every_viewer_gets_the_same_bytes_encoded_once() -> Result<(), AppError> {
        let (stage, count) = stage();
        let mut a = stage
            .clone()
            .join(0, Audience::Owner, Wire::Sse, count.watch())
            .await?
            .into_stream();
        let mut b = stage
            .clone()
            .join(0, Audience::Owner, Wire::Sse, count.watch())
            .await?
            .into_stream();
        ready(&mut a);
        ready(&mut b);
        stage.push([turn_start(3), delta(3, 5, "Hello")]);
        let (ca, cb) = (ready(&mut a), ready(&mut b));
        assert!(text(&ca)
            .contains("event: delta\ndata: {\"type\":\"delta\",\"turn_id\":3,\"text\":\"Hello\"}"));
        assert_eq!(ca, cb);
        // One frame alone is handed out as the shared encoding itself.
        stage.push([delta(3, 6, "!")]);
        let (ca, cb) = (ready(&mut a), ready(&mut b));
        assert_eq!(ca[0].as_ptr(), cb[0].as_ptr(), "encoded once, shared");
        Ok(())
    }

    #[tokio::test]
    async fn a_slow_viewer_is_skipped_ahead_and_the_ring_stays_bounded() -> Result<(), AppError> {
        let (stage, count) = stage();
        let mut slow = stage
            .clone()
            .join(0, Audience::Owner, Wire::Lines, count.watch())
            .await?
            .into_stream();
        ready(&mut slow);
        stage.push([turn_start(3)]);
        let mut at = 0;
        for _ in 0..RING * 3 {
            at += 2;
            stage.push([delta(3, at, "ab")]);
        }
        assert!(stage.read().entries.len() <= RING);
        // It missed most frames: it gets the turn's text in one piece.
        let got = text(&ready(&mut slow));
        let deltas: Vec<RoomLine> = got
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .filter(|l| matches!(l, RoomLine::Delta(..)))
            .collect();
        assert_eq!(deltas.len(), 1);
        assert!(
            matches!(&deltas[0], RoomLine::Delta(id, 3, t) if t.len() == RING * 6 && *id == event_id(3, at))
        );
        // And it goes on live from there.
        stage.push([delta(3, at + 1, "c")]);
        assert!(text(&ready(&mut slow)).contains("\"c\""));
        Ok(())
    }

    #[tokio::test]
    async fn a_viewer_ahead_of_the_stage_gets_only_the_rest() -> Result<(), AppError> {
        let (stage, count) = stage();
        // Resuming at byte 3 of a turn the stage has not had yet.
        let mut v = stage
            .clone()
            .join(event_id(3, 3), Audience::Owner, Wire::Lines, count.watch())
            .await?
            .into_stream();
        ready(&mut v);
        stage.push([turn_start(3), delta(3, 5, "Hello"), delta(3, 8, " yo")]);
        let got = text(&ready(&mut v));
        assert!(!got.contains("TurnStart"), "{got}");
        assert!(got.contains("\"lo\"") && got.contains("\" yo\""), "{got}");
        Ok(())
    }

    #[tokio::test]
    async fn revoking_ends_public_viewers_only_and_hides_details() -> Result<(), AppError> {
        let (stage, count) = stage();
        let mut public = stage
            .clone()
            .join(
                0,
                Audience::Public { details: false },
                Wire::Sse,
                count.watch(),
            )
            .await?
            .into_stream();
        let mut owner = stage
            .clone()
            .join(0, Audience::Owner, Wire::Sse, count.watch())
            .await?
            .into_stream();
        assert!(!text(&ready(&mut public)).contains("why"));
        assert!(text(&ready(&mut owner)).contains("why"));
        stage.push([turn_start(3)]);
        assert!(text(&ready(&mut public)).contains("\"agent_id\":null"));
        assert!(text(&ready(&mut owner)).contains("\"agent_id\":5"));
        assert_eq!(count.get(), 2);
        stage.revoke();
        assert!(text(&ready(&mut public)).contains("event: revoked"));
        assert!(public.next().await.is_none(), "the public stream ends");
        drop(public);
        assert_eq!(count.get(), 1);
        assert!(ready(&mut owner).is_empty());
        stage.push([delta(3, 2, "hi")]);
        assert!(text(&ready(&mut owner)).contains("\"hi\""));
        stage.end();
        assert!(owner.next().await.is_none(), "the end ends everyone");
        Ok(())
    }
}
