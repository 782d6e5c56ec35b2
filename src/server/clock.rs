//! The time scheduled runs go by: the system's, or one a test sets. Setting
//! it wakes the scheduler at once.

use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::Notify;

#[derive(Default)]
pub struct Clock {
    /// Unix seconds a test set; 0: the system's time.
    fixed: AtomicI64,
    changed: Notify,
}

impl Clock {
    /// Unix seconds now.
    pub fn now(&self) -> i64 {
        match self.fixed.load(Ordering::Relaxed) {
            0 => crate::server::db::now(),
            t => t,
        }
    }

    /// From now on it is `t` (Unix seconds) until set again.
    pub fn set(&self, t: i64) {
        self.fixed.store(t, Ordering::Relaxed);
        self.changed.notify_one();
    }

    /// Until the time is set.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }
}
