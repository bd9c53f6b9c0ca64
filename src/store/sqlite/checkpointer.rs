//! The checkpoint thread: copies committed WAL frames back into the database file on its own
//! connection, so the writer thread only ever commits. A passive checkpoint never blocks a
//! writer or a reader; it copies what no reader still needs and leaves the rest for the next
//! round, and SQLite starts the WAL over once a round copied everything.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

static LOG: crate::log_limit::LogLimit = crate::log_limit::LogLimit::new("sqlite");

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(200);

/// Checkpoints `conn`'s database every [`EVERY`] until `stop`'s sender is dropped (the store
/// closed), then once more.
pub(super) fn run(conn: Connection, stop: Receiver<()>) {
    loop {
        let stopping = matches!(
            stop.recv_timeout(EVERY),
            Err(RecvTimeoutError::Disconnected)
        );
        if let Err(e) = checkpoint(&conn) {
            LOG.error(&format!("checkpoint: {e}"));
        }
        if stopping {
            return;
        }
    }
}

fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}
