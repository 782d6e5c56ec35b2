//! Live replies and backroom runs across replicas, through PostgreSQL's
//! `LISTEN/NOTIFY` (no networking of our own between replicas).
//!
//! A replica writing a reply publishes each delta, its usage and its end as
//! [`Note`]s while another replica lives (as the heartbeat sees, or since
//! a starting replica said hello); one task sends them in batches, a few
//! `pg_notify` calls per database round trip, each payload under
//! PostgreSQL's 8 000 bytes. Every replica listens on one connection of its own. A replica whose viewer
//! follows a reply written elsewhere keeps a *mirror* of it: the content
//! stored so far (written every 250 ms by the writer), then the deltas as
//! they come, by byte offset, so the same resume contract holds on every
//! replica. A delta that arrives past the mirror's end (published before
//! the mirror existed and not yet stored) waits until the stored content
//! catches up (a mirror with such a gap is checked against the database
//! every 250 ms); every mirror is checked every 2 s, which also ends one
//! whose writer died.
//!
//! Backroom controls (pause, stop, next, start), the runs' signals to
//! their viewers and how many watch through each replica travel the same
//! way.

use super::hub::{Hub, Live};
use super::room_registry::Signal;
use crate::server::db::{Db, Target};
use crate::server::services::{messages, replicas};
use crate::server::state::AppState;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// The one channel every replica listens on.
const CHANNEL: &str = "backrooms_live";
/// PostgreSQL refuses payloads of 8 000 bytes or more.
const PAYLOAD: usize = 7_000;
/// Notes waiting to be sent; past this they are dropped (a mirror then
/// catches up from the database).
const QUEUE: usize = 65_536;
/// How often the listening connection looks for notifications.
const POLL: Duration = Duration::from_millis(2);
/// How often mirrors with a gap are checked against the database...
const CHECK: Duration = Duration::from_millis(250);
/// ...and every mirror, every this many checks (2 s).
const CHECK_ALL_TICKS: u32 = 8;

/// One thing another replica may need to hear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Note {
    /// Reply `m` grew by `t`, which starts at byte `at`.
    #[serde(rename = "d")]
    Delta { m: i64, at: u64, t: String },
    #[serde(rename = "u")]
    Usage { m: i64, p: u32, c: u32 },
    /// Reply `m` ended; its final state is stored.
    #[serde(rename = "e")]
    End { m: i64 },
    /// Stop reply `m` (its writer acts on it).
    #[serde(rename = "s")]
    Stop { m: i64 },
    /// A backroom run's signal to its viewers.
    #[serde(rename = "r")]
    Room { b: i64, turn: Option<i64> },
    /// A control for the replica running backroom `b`.
    #[serde(rename = "c")]
    Control { b: i64, ctl: Control },
    /// How many follow backroom `b` through the sending replica.
    #[serde(rename = "v")]
    Viewers { b: i64, n: u64 },
    /// A replica started: the others send from now on.
    #[serde(rename = "h")]
    Hello,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Control {
    Launch,
    Pause,
    Stop,
    Nudge,
}

/// What one notification carries: the sending replica and its notes.
#[derive(Serialize, Deserialize)]
struct Payload {
    r: i64,
    n: Vec<Note>,
}

/// Where a replica puts what the others must hear. Cheap to clone. While
/// no other replica lives, nothing is sent.
#[derive(Clone)]
pub struct Tap {
    tx: mpsc::Sender<Note>,
    others: Arc<AtomicBool>,
}

impl Tap {
    pub fn send(&self, note: Note) {
        if self.others.load(Ordering::Relaxed) {
            self.push(note);
        }
    }

    fn push(&self, note: Note) {
        if self.tx.try_send(note).is_err() {
            tracing::warn!("the cross-replica queue is full: a note was dropped");
        }
    }
}

/// A reply written on another replica, as this one knows it.
struct Mirror {
    live: Arc<Live>,
    /// Deltas that start past `live`'s end, by where they start.
    waiting: Mutex<BTreeMap<u64, String>>,
}

impl Mirror {
    /// Adds what `text` (starting at byte `at`) has beyond what is known;
    /// keeps it for later when it starts past the end.
    fn apply(&self, at: u64, text: &str) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let longer = waiting.get(&at).is_none_or(|t| t.len() < text.len());
        if longer {
            waiting.insert(at, text.to_string());
        }
        loop {
            let len = self.live.content_len() as u64;
            let Some(entry) = waiting.first_entry() else {
                return;
            };
            if *entry.key() > len {
                return;
            }
            let (at, text) = entry.remove_entry();
            let skip = (len - at) as usize;
            if skip < text.len() && text.is_char_boundary(skip) {
                self.live.push_delta(&text[skip..]);
            }
        }
    }

    fn is_behind(&self) -> bool {
        !self
            .waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }
}

pub struct Relay {
    me: i64,
    db: Db,
    tap: Tap,
    /// Mirrors live in a hub of their own, which publishes nothing.
    remote: Hub,
    mirrors: Mutex<HashMap<i64, Arc<Mirror>>>,
}

impl Relay {
    /// The relay of replica `me` and the tap its hub publishes through;
    /// [`Relay::listen`] starts it once the app state exists.
    pub fn new(me: i64, db: Db) -> (Arc<Relay>, Tap, mpsc::Receiver<Note>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let tap = Tap {
            tx,
            others: Arc::new(AtomicBool::new(true)),
        };
        let relay = Arc::new(Relay {
            me,
            db,
            tap: tap.clone(),
            remote: Hub::default(),
            mirrors: Mutex::default(),
        });
        (relay, tap, rx)
    }

    pub fn send(&self, note: Note) {
        self.tap.send(note);
    }

    /// How many replicas live (this one included), as the heartbeat saw.
    pub fn set_alive(&self, replicas: usize) {
        self.tap.others.store(replicas > 1, Ordering::Relaxed);
    }

    fn mirrors(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Mirror>>> {
        self.mirrors.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The live copy of reply `message_id` (of `thread_id`) written on
    /// another replica, caught up with what is stored.
    pub async fn mirror(
        &self,
        message_id: i64,
        thread_id: i64,
    ) -> Result<Arc<Live>, crate::error::AppError> {
        let (mirror, new) = {
            let mut mirrors = self.mirrors();
            match mirrors.get(&message_id) {
                Some(m) => (m.clone(), false),
                None => {
                    let m = Arc::new(Mirror {
                        live: self.remote.open(message_id, thread_id),
                        waiting: Mutex::default(),
                    });
                    mirrors.insert(message_id, m.clone());
                    (m, true)
                }
            }
        };
        if new {
            // Listening already: read what is stored only now, so nothing
            // published in between is missed.
            self.check(message_id, &mirror).await;
        }
        Ok(mirror.live.clone())
    }

    /// Brings a mirror up to what is stored; ends it once the reply has.
    async fn check(&self, id: i64, mirror: &Mirror) {
        let Ok(msg) = self.db.run(move |c| messages::get(c, id)).await else {
            return;
        };
        mirror.apply(0, &msg.content);
        if msg.status == crate::model::chat::MessageStatus::Streaming {
            return;
        }
        // Ended. A writer that died may have sent more than it stored: the
        // viewers keep what they saw, the stored reply is what remains.
        let (usage, end) = super::ending(&msg);
        if let Some((p, c)) = usage.filter(|u| mirror.live.usage() != Some(*u)) {
            mirror.live.set_usage(p, c);
        }
        mirror.live.end(end);
        self.mirrors().remove(&id);
        self.remote.close(id);
    }

    /// Starts sending this replica's notes and acting on the others'.
    pub fn listen(self: &Arc<Self>, state: AppState, target: Target, outbox: mpsc::Receiver<Note>) {
        let Target::Postgres(url) = target else {
            return;
        };
        tokio::spawn(send(self.me, self.db.clone(), outbox));
        // The replicas already running start sending at once.
        self.tap.push(Note::Hello);
        let (tx, inbox) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("relay-listen".into())
            .spawn(move || hear(&url, &tx))
            .map_err(|e| tracing::error!("cannot start the relay's listener: {e}"))
            .ok();
        tokio::spawn(self.clone().receive(state, inbox));
    }

    async fn receive(self: Arc<Self>, state: AppState, mut inbox: mpsc::UnboundedReceiver<String>) {
        let mut tick = tokio::time::interval(CHECK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks = 0u32;
        loop {
            tokio::select! {
                payload = inbox.recv() => match payload {
                    Some(p) => self.act(&state, &p).await,
                    None => return,
                },
                _ = tick.tick() => {
                    // A mirror with a gap at each tick; every mirror now and
                    // then (a writer that died sends no end).
                    ticks = ticks.wrapping_add(1);
                    let all = ticks.is_multiple_of(CHECK_ALL_TICKS);
                    let mirrors: Vec<(i64, Arc<Mirror>)> = self
                        .mirrors()
                        .iter()
                        .filter(|(_, m)| all || m.is_behind())
                        .map(|(k, v)| (*k, v.clone()))
                        .collect();
                    for (id, mirror) in mirrors {
                        self.check(id, &mirror).await;
                    }
                }
            }
        }
    }

    async fn act(&self, state: &AppState, payload: &str) {
        let Ok(Payload { r, n }) = serde_json::from_str::<Payload>(payload) else {
            tracing::warn!("an unreadable note from another replica was ignored");
            return;
        };
        let mine = r == self.me;
        if !mine {
            self.tap.others.store(true, Ordering::Relaxed);
        }
        for note in n {
            match note {
                Note::Delta { m, at, t } => {
                    let mirror = self.mirrors().get(&m).cloned();
                    if let Some(mirror) = mirror {
                        mirror.apply(at, &t);
                    }
                }
                Note::Usage { m, p, c } => {
                    let mirror = self.mirrors().get(&m).cloned();
                    if let Some(mirror) = mirror.filter(|m| !m.is_behind()) {
                        mirror.live.set_usage(p, c);
                    }
                }
                Note::End { m } => {
                    let mirror = self.mirrors().get(&m).cloned();
                    if let Some(mirror) = mirror {
                        self.check(m, &mirror).await;
                    }
                }
                _ if mine => {}
                Note::Stop { m } => {
                    if let Some(live) = state.hub.get(m) {
                        live.request_stop();
                    }
                }
                Note::Room { b, turn } => {
                    let signal = match turn {
                        Some(t) => Signal::Turn(t),
                        None => Signal::State,
                    };
                    state.rooms.signal(b, signal);
                }
                Note::Control { b, ctl } => super::rooms::heard(state, b, ctl),
                Note::Hello => {}
                Note::Viewers { b, n } => {
                    if let Some(room) = state.rooms.get(b) {
                        room.viewers_elsewhere(r, n);
                    }
                }
            }
        }
    }
}

/// Sends the notes in order, as many per round trip as are waiting.
async fn send(me: i64, db: Db, mut outbox: mpsc::Receiver<Note>) {
    let mut batch = Vec::new();
    while outbox.recv_many(&mut batch, 4096).await > 0 {
        let payloads = payloads(me, std::mem::take(&mut batch));
        let sent = db
            .run(move |c| {
                for p in &payloads {
                    crate::server::db::sql::notify(c, CHANNEL, p)?;
                }
                Ok(())
            })
            .await;
        if let Err(e) = sent {
            tracing::warn!("notes to the other replicas were lost: {e}");
        }
    }
}

/// The notes as JSON payloads under [`PAYLOAD`] bytes, long deltas split.
fn payloads(me: i64, notes: Vec<Note>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<Note> = Vec::new();
    let mut size = 0;
    let flush = |current: &mut Vec<Note>, out: &mut Vec<String>| {
        if !current.is_empty() {
            let n = std::mem::take(current);
            out.push(serde_json::to_string(&Payload { r: me, n }).unwrap_or_default());
        }
    };
    for note in notes.into_iter().flat_map(split) {
        // Escaping can grow text to six bytes a character at worst.
        let cost = match &note {
            Note::Delta { t, .. } => t.len() * 6 + 64,
            _ => 96,
        };
        if size + cost > PAYLOAD {
            flush(&mut current, &mut out);
            size = 0;
        }
        size += cost;
        current.push(note);
    }
    flush(&mut current, &mut out);
    out
}

/// A delta too long for one payload, in pieces cut between characters.
fn split(note: Note) -> Vec<Note> {
    const PIECE: usize = (PAYLOAD - 64) / 6;
    match note {
        Note::Delta { m, at, t } if t.len() > PIECE => {
            let mut pieces = Vec::new();
            let mut start = 0;
            while start < t.len() {
                let mut end = (start + PIECE).min(t.len());
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                pieces.push(Note::Delta {
                    m,
                    at: at + start as u64,
                    t: t[start..end].to_string(),
                });
                start = end;
            }
            pieces
        }
        other => vec![other],
    }
}

/// The listening connection, on a thread of its own (libpq's notifications
/// are read by polling); reconnects when the database goes away.
fn hear(url: &str, tx: &mpsc::UnboundedSender<String>) {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    loop {
        let conn = PgConnection::establish(url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                diesel::sql_query(format!("LISTEN {CHANNEL}"))
                    .execute(&mut c)
                    .map_err(|e| e.to_string())?;
                Ok(c)
            });
        let mut conn = match conn {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("the relay cannot listen yet: {e}");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        'read: loop {
            for n in conn.notifications_iter() {
                match n {
                    Ok(n) => {
                        if tx.send(n.payload).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::warn!("the relay's connection failed: {e}");
                        break 'read;
                    }
                }
            }
            if tx.is_closed() {
                return;
            }
            std::thread::sleep(POLL);
        }
    }
}

/// Whether the reply is written by another replica that lives.
pub fn elsewhere(conn: &mut crate::server::db::Conn, message_id: i64, me: i64) -> bool {
    replicas::owner_of(conn, message_id).is_ok_and(|o| o.is_some_and(|o| o != me))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_deltas_are_cut_between_characters_into_payloads_under_the_limit() {
        let text = "é".repeat(5_000) + "end";
        let notes = vec![
            Note::Delta {
                m: 7,
                at: 3,
                t: text.clone(),
            },
            Note::End { m: 7 },
        ];
        let out = payloads(1, notes);
        assert!(out.len() > 1);
        let mut joined = String::new();
        let mut next = 3;
        for p in &out {
            assert!(p.len() < 8_000, "{}", p.len());
            let p: Payload = serde_json::from_str(p).expect("json");
            for n in p.n {
                if let Note::Delta { at, t, .. } = n {
                    assert_eq!(at, next);
                    next += t.len() as u64;
                    joined.push_str(&t);
                }
            }
        }
        assert_eq!(joined, text);
    }

    #[test]
    fn a_mirror_takes_deltas_in_order_and_waits_for_a_gap_to_fill() {
        let hub = Hub::default();
        let mirror = Mirror {
            live: hub.open(1, 1),
            waiting: Mutex::default(),
        };
        mirror.apply(0, "Hello");
        mirror.apply(9, "ld");
        assert_eq!(mirror.live.content(), "Hello");
        assert!(mirror.is_behind());
        // Stored content reaches past the gap; the waiting delta follows.
        mirror.apply(0, "Hello wor");
        assert_eq!(mirror.live.content(), "Hello world");
        assert!(!mirror.is_behind());
        // A repeat adds nothing.
        mirror.apply(6, "world");
        assert_eq!(mirror.live.content(), "Hello world");
    }
}
