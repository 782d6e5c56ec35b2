//! Live replies in memory: the content so far and a broadcast channel per
//! reply. A subscriber gets exactly what it has not seen (by byte offset),
//! then the live events, with nothing lost or doubled.

use super::relay::{Note, Tap};
use crate::error::AppError;
use crate::model::chat::{Frame, StreamEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, watch};

const CHANNEL: usize = 1024;

#[derive(Default)]
struct State {
    content: String,
    usage: Option<(u32, u32)>,
    /// The terminal event once the reply ended.
    end: Option<StreamEvent>,
}

/// One reply being generated.
pub struct Live {
    pub message_id: i64,
    pub thread_id: i64,
    state: Mutex<State>,
    tx: broadcast::Sender<Frame>,
    stop: watch::Sender<bool>,
    /// Where other replicas hear of it (PostgreSQL), if anywhere.
    tap: Option<Tap>,
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Live {
    fn relay(&self, note: impl FnOnce(i64) -> Note) {
        if let Some(tap) = &self.tap {
            tap.send(note(self.message_id));
        }
    }

    pub fn push_delta(&self, text: &str) {
        let mut s = lock(&self.state);
        let at = s.content.len() as u64;
        s.content.push_str(text);
        let seq = s.content.len() as u64;
        let _ = self.tx.send(Frame {
            seq,
            event: StreamEvent::Delta {
                text: text.to_string(),
            },
        });
        self.relay(|m| Note::Delta {
            m,
            at,
            t: text.to_string(),
        });
    }

    pub fn set_usage(&self, prompt: u32, completion: u32) {
        let mut s = lock(&self.state);
        s.usage = Some((prompt, completion));
        self.relay(|m| Note::Usage {
            m,
            p: prompt,
            c: completion,
        });
        let seq = s.content.len() as u64;
        let _ = self.tx.send(Frame {
            seq,
            event: StreamEvent::Usage {
                prompt_tokens: prompt,
                completion_tokens: completion,
            },
        });
    }

    pub fn content(&self) -> String {
        lock(&self.state).content.clone()
    }

    pub fn content_len(&self) -> usize {
        lock(&self.state).content.len()
    }

    /// Publishes the terminal event; later subscribers get it from here
    /// until the hub forgets the reply.
    pub fn end(&self, event: StreamEvent) {
        let mut s = lock(&self.state);
        let seq = s.content.len() as u64;
        s.end = Some(event.clone());
        let _ = self.tx.send(Frame { seq, event });
        self.relay(|m| Note::End { m });
    }

    pub fn has_ended(&self) -> bool {
        lock(&self.state).end.is_some()
    }

    pub fn usage(&self) -> Option<(u32, u32)> {
        lock(&self.state).usage
    }

    pub fn request_stop(&self) {
        let _ = self.stop.send(true);
    }

    pub fn stop_signal(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// What a client that has seen `after` bytes is missing, and the live
    /// feed from there (none when the reply already ended).
    pub fn subscribe(
        &self,
        after: usize,
    ) -> Result<(Vec<Frame>, Option<broadcast::Receiver<Frame>>), AppError> {
        let s = lock(&self.state);
        let frames = catch_up(&s.content, after, s.usage, s.end.clone())?;
        let rx = s.end.is_none().then(|| self.tx.subscribe());
        Ok((frames, rx))
    }
}

/// The frames that bring a client from `after` bytes to `content`, plus the
/// usage and the end when known. Shared by live and finished replies.
pub fn catch_up(
    content: &str,
    after: usize,
    usage: Option<(u32, u32)>,
    end: Option<StreamEvent>,
) -> Result<Vec<Frame>, AppError> {
    if after > content.len() || !content.is_char_boundary(after) {
        return Err(AppError::invalid(
            "Last-Event-ID",
            "Last-Event-ID is not a position this reply has reached.",
        ));
    }
    let seq = content.len() as u64;
    let mut frames = Vec::new();
    if after < content.len() {
        frames.push(Frame {
            seq,
            event: StreamEvent::Delta {
                text: content[after..].to_string(),
            },
        });
    }
    if let Some((p, c)) = usage {
        frames.push(Frame {
            seq,
            event: StreamEvent::Usage {
                prompt_tokens: p,
                completion_tokens: c,
            },
        });
    }
    if let Some(event) = end {
        frames.push(Frame { seq, event });
    }
    Ok(frames)
}

/// Every reply being generated in this process.
#[derive(Default)]
pub struct Hub {
    live: Mutex<HashMap<i64, Arc<Live>>>,
    /// Other replicas hear of every reply through it (PostgreSQL).
    tap: Option<Tap>,
}

impl Hub {
    /// A hub whose replies other replicas hear of.
    pub fn relayed(tap: Tap) -> Hub {
        Hub {
            live: Mutex::default(),
            tap: Some(tap),
        }
    }

    pub fn open(&self, message_id: i64, thread_id: i64) -> Arc<Live> {
        let (tx, _) = broadcast::channel(CHANNEL);
        let (stop, _) = watch::channel(false);
        let live = Arc::new(Live {
            message_id,
            thread_id,
            state: Mutex::new(State::default()),
            tx,
            stop,
            tap: self.tap.clone(),
        });
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(message_id, live.clone());
        live
    }

    pub fn get(&self, message_id: i64) -> Option<Arc<Live>> {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&message_id)
            .cloned()
    }

    pub fn close(&self, message_id: i64) {
        self.live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&message_id);
    }

    pub fn len(&self) -> usize {
        self.live.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_gives_exactly_the_rest() -> Result<(), Box<dyn std::error::Error>> {
        let hub = Hub::default();
        let live = hub.open(1, 1);
        live.push_delta("Hel");
        let (frames, rx) = live.subscribe(0)?;
        assert_eq!(frames[0].event, StreamEvent::Delta { text: "Hel".into() });
        let mut rx = rx.ok_or("no live feed")?;
        live.push_delta("lo é");
        let f = rx.try_recv()?;
        assert_eq!(f.seq, "Hello é".len() as u64);
        let (frames, _) = live.subscribe(5)?;
        assert_eq!(frames[0].event, StreamEvent::Delta { text: " é".into() });
        // Inside the two bytes of 'é' is not a position.
        assert!(live.subscribe(7).is_err());
        assert!(live.subscribe(100).is_err());
        live.end(StreamEvent::Done {
            status: crate::model::chat::MessageStatus::Complete,
            finish_reason: None,
        });
        let (frames, rx) = live.subscribe("Hello é".len())?;
        assert!(rx.is_none());
        assert!(frames.last().is_some_and(|f| f.event.is_terminal()));
        Ok(())
    }
}
