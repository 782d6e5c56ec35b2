//! Slows down password guessing: after a few failures for one username or
//! from one address, further attempts are refused for a growing delay.
//! In memory on purpose: a restart forgiving everyone is acceptable, and it
//! costs no write per attempt.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per username before delays start.
const FREE_PER_USER: u32 = 5;
/// Failures allowed per client address (many people can share one).
const FREE_PER_ADDR: u32 = 20;
const MAX_DELAY: Duration = Duration::from_secs(300);
/// An entry with no failure for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Bounds memory under a flood of distinct usernames.
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    blocked_until: Option<Instant>,
}

#[derive(Default)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Entry>>,
}

fn keys(username: &str, addr: Option<&str>) -> [(String, u32); 2] {
    [
        (format!("u:{}", username.to_lowercase()), FREE_PER_USER),
        (format!("a:{}", addr.unwrap_or("-")), FREE_PER_ADDR),
    ]
}

impl LoginThrottle {
    /// `Err(wait)` when this attempt must be refused without checking the
    /// password.
    pub fn check(&self, username: &str, addr: Option<&str>) -> Result<(), Duration> {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let wait = keys(username, addr)
            .iter()
            .filter_map(|(k, _)| entries.get(k)?.blocked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match wait {
            Some(w) => Err(w),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, username: &str, addr: Option<&str>) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| now.duration_since(e.last_failure) < FORGET_AFTER);
        }
        for (key, free) in keys(username, addr) {
            let entry = entries.entry(key).or_insert(Entry {
                failures: 0,
                last_failure: now,
                blocked_until: None,
            });
            if now.duration_since(entry.last_failure) >= FORGET_AFTER {
                entry.failures = 0;
            }
            entry.failures += 1;
            entry.last_failure = now;
            if entry.failures >= free {
                let over = (entry.failures - free).min(16);
                let delay = Duration::from_secs(1u64 << over).min(MAX_DELAY);
                entry.blocked_until = Some(now + delay);
            }
        }
    }

    /// A correct password clears the username's record (not the address's:
    /// one good account must not unlock guessing at others).
    pub fn record_success(&self, username: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&format!("u:{}", username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_free_attempts_and_success_clears() {
        let t = LoginThrottle::default();
        for _ in 0..FREE_PER_USER - 1 {
            t.record_failure("Alice", Some("1.2.3.4"));
            assert!(t.check("alice", Some("1.2.3.4")).is_ok());
        }
        t.record_failure("alice", Some("1.2.3.4"));
        let wait = t.check("ALICE", Some("5.6.7.8")).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        // Another user from the same address is not blocked yet.
        assert!(t.check("bob", Some("1.2.3.4")).is_ok());
        t.record_success("alice");
        assert!(t.check("alice", Some("9.9.9.9")).is_ok());
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let t = LoginThrottle::default();
        for _ in 0..40 {
            t.record_failure("carol", None);
        }
        let wait = t.check("carol", None).unwrap_err();
        assert!(wait > Duration::from_secs(60) && wait <= MAX_DELAY);
    }
}
