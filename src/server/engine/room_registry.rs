//! The registry of backrooms that are running or watched: one `Room` each
//! (its viewers' channel and its run's flags). It knows nothing of the app
//! state, so `AppState` can hold it and `rooms.rs` can use both.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, Notify};

/// What a room tells its viewers: a turn began (or a human spoke), or the
/// run's state changed (read it from SQLite).
#[derive(Clone, Copy, Debug)]
pub enum Signal {
    Turn(i64),
    State,
}

#[derive(Default)]
pub(super) struct RunFlags {
    pub(super) running: bool,
    pub(super) pause: bool,
    pub(super) stop: bool,
    pub(super) current: Option<i64>,
}

pub struct Room {
    pub id: i64,
    pub(super) tx: broadcast::Sender<Signal>,
    control: Mutex<RunFlags>,
    pub(super) wake: Notify,
}

impl Room {
    pub(super) fn control(&self) -> std::sync::MutexGuard<'_, RunFlags> {
        self.control.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_running(&self) -> bool {
        self.control().running
    }
}

/// The rooms that are running or watched.
#[derive(Default)]
pub struct Rooms {
    map: Mutex<HashMap<i64, Arc<Room>>>,
}

impl Rooms {
    pub fn room(&self, id: i64) -> Arc<Room> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(id)
            .or_insert_with(|| {
                Arc::new(Room {
                    id,
                    tx: broadcast::channel(256).0,
                    control: Mutex::default(),
                    wake: Notify::new(),
                })
            })
            .clone()
    }

    pub fn forget(&self, id: i64) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }
}
