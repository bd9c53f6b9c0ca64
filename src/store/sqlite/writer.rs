//! The single writer thread: takes write jobs from a queue, runs as many as are waiting in
//! one transaction (each in its own savepoint, so one failure does not undo the others),
//! commits once, and only then answers each job (group commit).

use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::store::{StoreError, StoreResult};

/// The most jobs one transaction holds; bounds the latency of the first job in a batch.
const MAX_BATCH: usize = 512;

/// A write waiting for the writer thread.
pub(super) trait Job: Send {
    /// Runs the job's statements inside the open transaction.
    fn run(&mut self, conn: &Connection);
    /// Answers the caller once the transaction's fate is known.
    fn finish(self: Box<Self>, committed: StoreResult<()>);
}

/// A job with a typed result delivered through a oneshot channel.
pub(super) struct TypedJob<T, F> {
    work: Option<F>,
    result: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> TypedJob<T, F>
where
    F: FnOnce(&Connection) -> StoreResult<T> + Send,
    T: Send,
{
    pub(super) fn new(work: F, reply: oneshot::Sender<StoreResult<T>>) -> Self {
        Self {
            work: Some(work),
            result: None,
            reply,
        }
    }
}

impl<T, F> Job for TypedJob<T, F>
where
    F: FnOnce(&Connection) -> StoreResult<T> + Send,
    T: Send,
{
    fn run(&mut self, conn: &Connection) {
        if let Some(work) = self.work.take() {
            self.result = Some(in_savepoint(conn, work));
        }
    }

    fn finish(self: Box<Self>, committed: StoreResult<()>) {
        let outcome = match (committed, self.result) {
            (Ok(()), Some(result)) => result,
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(StoreError::Database("write job did not run".into())),
        };
        // The caller may have gone away (client disconnected); nothing to do then.
        let _ = self.reply.send(outcome);
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.execute_batch("SAVEPOINT job").map_err(db_error)?;
    let result = work(conn);
    let end = if result.is_ok() {
        "RELEASE job"
    } else {
        "ROLLBACK TO job; RELEASE job"
    };
    conn.execute_batch(end).map_err(db_error)?;
    result
}

/// Runs the writer loop until every sender is gone.
pub(super) fn run(conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let committed = commit_batch(&conn, &mut batch);
        for job in batch {
            job.finish(committed.clone());
        }
    }
}

fn commit_batch(conn: &Connection, batch: &mut [Box<dyn Job>]) -> StoreResult<()> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(db_error)?;
    for job in batch.iter_mut() {
        job.run(conn);
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(db_error(e));
    }
    Ok(())
}

/// Maps a SQLite error to a store error, logging it through [`LOG`]. Busy, locked, full and
/// I/O errors pass: they are `Unavailable`, which callers answer with 503 and `Retry-After`.
pub(super) fn db_error(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::*;
    let transient = matches!(
        e.sqlite_error_code(),
        Some(DatabaseBusy | DatabaseLocked | DiskFull | SystemIoFailure | OutOfMemory | CannotOpen)
    );
    let message = e.to_string();
    LOG.error(&message);
    if transient {
        StoreError::Unavailable(message)
    } else {
        StoreError::Database(message)
    }
}

/// Store errors come in floods when the disk is full: each message is logged once a minute.
static LOG: crate::log_limit::LogLimit = crate::log_limit::LogLimit::new("sqlite");
