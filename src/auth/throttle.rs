//! Slowing down guessing and flooding: failed sign-ins per account and per client address
//! earn growing waits, and mails and signups are counted per address and per source in fixed
//! windows. Time is passed in (the injectable clock), counters live in memory and forget
//! quiet keys, so a flood of made-up names cannot grow them without bound.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::clock::UnixTime;

/// Counters kept at most; past this, the quietest keys are dropped first.
const MAX_KEYS: usize = 100_000;

/// How failures turn into waits.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Failures that cost nothing.
    pub free: u32,
    /// The first wait, in seconds; each further failure doubles it.
    pub first_wait: i64,
    /// The longest wait.
    pub max_wait: i64,
    /// A key with no failure for this long starts over.
    pub forget_after: i64,
}

impl Backoff {
    /// Per account: five free tries, then 2 s, 4 s, … up to 15 minutes.
    pub const ACCOUNT: Backoff = Backoff {
        free: 5,
        first_wait: 2,
        max_wait: 15 * 60,
        forget_after: 24 * 3600,
    };
    /// Per client address: more free tries (people share addresses), the same growth.
    pub const SOURCE: Backoff = Backoff {
        free: 20,
        first_wait: 2,
        max_wait: 15 * 60,
        forget_after: 3600,
    };

    fn wait_after(&self, failures: u32) -> i64 {
        if failures <= self.free {
            return 0;
        }
        let doublings = (failures - self.free - 1).min(30);
        self.first_wait
            .saturating_mul(1_i64 << doublings)
            .min(self.max_wait)
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: UnixTime,
    blocked_until: UnixTime,
}

/// Failures per key, with a wait that grows with each one.
pub struct FailureThrottle {
    backoff: Backoff,
    keys: Mutex<HashMap<String, Failures>>,
}

impl FailureThrottle {
    /// A throttle that applies `backoff`.
    pub fn new(backoff: Backoff) -> Self {
        Self {
            backoff,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` while `key` must wait before its next try.
    pub fn check(&self, key: &str, now: UnixTime) -> Result<(), i64> {
        let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        match keys.get(key) {
            Some(f) if f.blocked_until > now => Err(f.blocked_until - now),
            _ => Ok(()),
        }
    }

    /// Records a failure; the wait it earned (0 while failures are free).
    pub fn failed(&self, key: &str, now: UnixTime) -> i64 {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if keys.len() >= MAX_KEYS && !keys.contains_key(key) {
            forget_quiet(&mut keys, now, self.backoff.forget_after);
        }
        let entry = keys.entry(key.to_string()).or_insert(Failures {
            count: 0,
            last: now,
            blocked_until: now,
        });
        if now - entry.last > self.backoff.forget_after {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        let wait = self.backoff.wait_after(entry.count);
        entry.blocked_until = now + wait;
        wait
    }

    /// A success: the key starts over.
    pub fn succeeded(&self, key: &str) {
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

fn forget_quiet(keys: &mut HashMap<String, Failures>, now: UnixTime, forget_after: i64) {
    keys.retain(|_, f| now - f.last <= forget_after && f.blocked_until > now);
    if keys.len() >= MAX_KEYS {
        // Still full of live keys: drop the half that failed longest ago.
        let mut lasts: Vec<UnixTime> = keys.values().map(|f| f.last).collect();
        lasts.sort_unstable();
        let cutoff = lasts[lasts.len() / 2];
        keys.retain(|_, f| f.last > cutoff);
    }
}

/// At most `max` events per key in each window of `window` seconds.
pub struct WindowLimit {
    max: u32,
    window: i64,
    keys: Mutex<HashMap<String, (UnixTime, u32)>>,
}

impl WindowLimit {
    /// A limit of `max` per `window` seconds.
    pub fn new(max: u32, window: i64) -> Self {
        Self {
            max,
            window,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an event for `key`; `Err(seconds)` until the window ends when it is one too many
    /// (and then it is not counted).
    pub fn take(&self, key: &str, now: UnixTime) -> Result<(), i64> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if keys.len() >= MAX_KEYS && !keys.contains_key(key) {
            let window = self.window;
            keys.retain(|_, (start, _)| now - *start < window);
            if keys.len() >= MAX_KEYS {
                keys.clear();
            }
        }
        let (start, count) = keys.entry(key.to_string()).or_insert((now, 0));
        if now - *start >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.max {
            return Err((*start + self.window - now).max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// Every limit the server applies to people's forms, in one place.
pub struct Throttles {
    /// Failed sign-ins per username (known or not).
    pub login_account: FailureThrottle,
    /// Failed sign-ins per client address.
    pub login_source: FailureThrottle,
    /// Reset and verification mails per address: 3 an hour.
    pub mail_address: WindowLimit,
    /// Reset and verification mails per client address: 10 an hour.
    pub mail_source: WindowLimit,
    /// Signups per client address: 5 an hour.
    pub signup_source: WindowLimit,
}

impl Default for Throttles {
    fn default() -> Self {
        Self {
            login_account: FailureThrottle::new(Backoff::ACCOUNT),
            login_source: FailureThrottle::new(Backoff::SOURCE),
            mail_address: WindowLimit::new(3, 3600),
            mail_source: WindowLimit::new(10, 3600),
            signup_source: WindowLimit::new(5, 3600),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_failures_and_end_on_time() {
        let throttle = FailureThrottle::new(Backoff::ACCOUNT);
        let t0 = 1_000;
        for _ in 0..5 {
            assert_eq!(throttle.failed("alice", t0), 0);
            assert_eq!(throttle.check("alice", t0), Ok(()));
        }
        assert_eq!(throttle.failed("alice", t0), 2);
        assert_eq!(throttle.check("alice", t0 + 1), Err(1));
        assert_eq!(throttle.check("alice", t0 + 2), Ok(()));
        assert_eq!(throttle.failed("alice", t0 + 2), 4);
        assert_eq!(throttle.failed("alice", t0 + 6), 8);
        assert_eq!(throttle.check("bob", t0 + 6), Ok(()), "other keys are free");
        throttle.succeeded("alice");
        assert_eq!(throttle.check("alice", t0 + 7), Ok(()));
        assert_eq!(throttle.failed("alice", t0 + 7), 0, "a success starts over");
    }

    #[test]
    fn waits_are_capped_and_quiet_keys_start_over() {
        let backoff = Backoff::ACCOUNT;
        assert_eq!(backoff.wait_after(1_000), backoff.max_wait);
        let throttle = FailureThrottle::new(backoff);
        for _ in 0..8 {
            throttle.failed("k", 0);
        }
        let later = backoff.forget_after + 1;
        assert_eq!(throttle.failed("k", later), 0);
    }

    #[test]
    fn window_limits_count_per_key_and_reopen() {
        let limit = WindowLimit::new(3, 3600);
        for _ in 0..3 {
            assert_eq!(limit.take("a@example.org", 10), Ok(()));
        }
        assert_eq!(limit.take("a@example.org", 10), Err(3600));
        assert_eq!(limit.take("b@example.org", 10), Ok(()));
        assert_eq!(limit.take("a@example.org", 3610), Ok(()));
    }
}
