//! Error logs that stay readable in a flood: the first occurrence of a message is logged, the
//! repeats are counted, and once a minute a summary line says how many there were.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often repeats are summarised.
const INTERVAL: Duration = Duration::from_secs(60);
/// Distinct messages tracked at once; beyond this, new ones are logged without counting.
const MAX_MESSAGES: usize = 256;

/// A rate-limited error log for one source (`target`).
pub struct LogLimit {
    target: &'static str,
    seen: Mutex<Option<HashMap<String, Seen>>>,
}

struct Seen {
    since: Instant,
    repeats: u64,
}

/// What to do with one occurrence.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    /// Log it.
    Log,
    /// Log it, after a summary of the repeats before it.
    Summarise(u64),
    /// Count it only.
    Count,
}

impl LogLimit {
    /// A limiter whose lines start with `target`.
    pub const fn new(target: &'static str) -> Self {
        Self {
            target,
            seen: Mutex::new(None),
        }
    }

    /// Logs `message` at error level unless it was logged in the last minute.
    pub fn error(&self, message: &str) {
        match self.decide(message, Instant::now()) {
            Decision::Log => log::error!("{}: {message}", self.target),
            Decision::Summarise(repeats) => {
                log::error!(
                    "{}: {message} (and {repeats} more times in the last {} s)",
                    self.target,
                    INTERVAL.as_secs()
                )
            }
            Decision::Count => {}
        }
    }

    fn decide(&self, message: &str, now: Instant) -> Decision {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let seen = seen.get_or_insert_with(HashMap::new);
        match seen.get_mut(message) {
            Some(entry) if now.duration_since(entry.since) < INTERVAL => {
                entry.repeats += 1;
                Decision::Count
            }
            Some(entry) => {
                let repeats = std::mem::take(&mut entry.repeats);
                entry.since = now;
                if repeats == 0 {
                    Decision::Log
                } else {
                    Decision::Summarise(repeats)
                }
            }
            None => {
                if seen.len() < MAX_MESSAGES {
                    seen.insert(
                        message.to_string(),
                        Seen {
                            since: now,
                            repeats: 0,
                        },
                    );
                }
                Decision::Log
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_one_line_then_a_count_per_minute() {
        let limit = LogLimit::new("test");
        let t0 = Instant::now();
        assert_eq!(limit.decide("disk full", t0), Decision::Log);
        for i in 1..=12_790 {
            let at = t0 + Duration::from_millis(i);
            assert_eq!(limit.decide("disk full", at), Decision::Count);
        }
        assert_eq!(limit.decide("locked", t0), Decision::Log, "another message");
        let later = t0 + INTERVAL + Duration::from_secs(1);
        assert_eq!(
            limit.decide("disk full", later),
            Decision::Summarise(12_790)
        );
        let quiet = later + INTERVAL * 2;
        assert_eq!(limit.decide("disk full", quiet), Decision::Log);
    }
}
