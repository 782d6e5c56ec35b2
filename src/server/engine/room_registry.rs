//! The registry of backrooms that are running or watched: one `Room` each
//! (its viewers' channel and its run's flags). It knows nothing of the app
//! state, so `AppState` can hold it and `rooms.rs` can use both.

use super::stage::{Count, Stage};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, Notify};

/// What a room tells its stage: a turn began (or a human spoke), or the
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
    /// Streams following the run now.
    pub(super) viewers: Arc<Count>,
    /// The shared feed its viewers read, while anyone watches.
    pub(super) stage: Mutex<Option<Arc<Stage>>>,
}

impl Room {
    pub(super) fn control(&self) -> std::sync::MutexGuard<'_, RunFlags> {
        self.control.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_running(&self) -> bool {
        self.control().running
    }

    /// The streams following the run through this replica.
    pub fn viewers(&self) -> u64 {
        self.viewers.here()
    }

    /// What another replica says it serves of this room.
    pub fn viewers_elsewhere(&self, replica: i64, n: u64) {
        self.viewers.set_elsewhere(replica, n);
    }

    /// The stage its viewers read now, if anyone watches.
    pub(super) fn stage(&self) -> std::sync::MutexGuard<'_, Option<Arc<Stage>>> {
        self.stage.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Public streams one address may hold open at once.
pub const PER_ADDRESS: usize = 8;

/// Open public streams by the viewer's address.
#[derive(Default)]
pub struct Addresses {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// A public stream of one address, counted while it lives.
pub struct AddressSlot {
    addresses: Arc<Addresses>,
    ip: IpAddr,
}

impl Addresses {
    /// A slot for `ip`, or `None` when it holds [`PER_ADDRESS`] already.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<AddressSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_default();
        if *n >= PER_ADDRESS {
            return None;
        }
        *n += 1;
        Some(AddressSlot {
            addresses: self.clone(),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self
            .addresses
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// The rooms that are running or watched.
#[derive(Default)]
pub struct Rooms {
    map: Mutex<HashMap<i64, Arc<Room>>>,
    /// Public viewers' open streams by address.
    pub addresses: Arc<Addresses>,
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
                    viewers: Arc::default(),
                    stage: Mutex::default(),
                })
            })
            .clone()
    }

    /// The room if this replica has it (someone runs or watches it here).
    pub fn get(&self, id: i64) -> Option<Arc<Room>> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    }

    /// Tells the room's viewers here, if it has any.
    pub fn signal(&self, id: i64, signal: Signal) {
        if let Some(room) = self.get(id) {
            let _ = room.tx.send(signal);
        }
    }

    pub fn forget(&self, id: i64) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }
}
