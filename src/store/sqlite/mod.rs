//! SQLite implementation of [`Store`]: WAL mode, a pool of read connections used inline on
//! the calling thread, and one writer thread with group commit (see `writer`).

mod audit;
pub mod backup;
mod checkpointer;
mod clients;
mod contacts;
mod keys;
mod purge;
mod sessions;
mod settings;
mod tokens;
mod users;
mod widgets;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::*;
use crate::clock::UnixTime;
use crate::domain::audit::{AuditEvent, AuditQuery};
use crate::domain::contact_query::ContactQuery;
use crate::domain::{ClientId, Profile, Sub};
use writer::{db_error, Job, TypedJob};

/// Migrations in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_openid_connect.sql"),
    include_str!("migrations/0003_logout_and_pairwise.sql"),
    include_str!("migrations/0004_profiles.sql"),
    include_str!("migrations/0005_contacts.sql"),
    include_str!("migrations/0006_widgets.sql"),
    include_str!("migrations/0007_accounts.sql"),
    include_str!("migrations/0008_session_activity.sql"),
    include_str!("migrations/0009_client_registration.sql"),
    include_str!("migrations/0010_client_trust.sql"),
    include_str!("migrations/0011_widget_sites.sql"),
    include_str!("migrations/0012_pending_signups.sql"),
    include_str!("migrations/0013_settings.sql"),
    include_str!("migrations/0014_purge_indexes.sql"),
    include_str!("migrations/0015_audit.sql"),
    include_str!("migrations/0016_sealed_access_tokens.sql"),
];

/// The writer's settings: no checkpoints of its own (the checkpoint thread runs them, so a
/// commit never waits for one) and a larger page cache for the B-trees it inserts into.
const WRITER_PRAGMAS: &str = "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -8192;";

/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 32;

/// The SQLite store. Cheap to share behind an `Arc`.
pub struct SqliteStore {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    writer: Mutex<mpsc::Sender<Box<dyn Job>>>,
    /// Dropped with the store, which ends the checkpoint thread.
    _checkpointer: mpsc::Sender<()>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and
    /// starts the writer thread.
    pub fn open(path: &Path) -> StoreResult<Self> {
        make_private(path)?;
        Self::start(path)
    }

    /// Opens the database at `path` only if it exists (commands that only read never
    /// create one).
    pub fn open_existing(path: &Path) -> StoreResult<Self> {
        if !path.is_file() {
            return Err(StoreError::NotFound(format!(
                "there is no database at {}",
                path.display()
            )));
        }
        make_private(path)?;
        Self::start(path)
    }

    fn start(path: &Path) -> StoreResult<Self> {
        let conn = connect(path)?;
        migrate(&conn)?;
        // The writer only commits; checkpoints run on their own thread (see `checkpointer`).
        conn.execute_batch(WRITER_PRAGMAS).map_err(db_error)?;
        let (sender, receiver) = mpsc::channel::<Box<dyn Job>>();
        let thread_failed =
            |e: std::io::Error| StoreError::Database(format!("cannot start a store thread: {e}"));
        std::thread::Builder::new()
            .name("vzconnect-sqlite-writer".into())
            .spawn(move || writer::run(conn, receiver))
            .map_err(thread_failed)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let checkpoints = connect(path)?;
        std::thread::Builder::new()
            .name("vzconnect-sqlite-checkpoint".into())
            .spawn(move || checkpointer::run(checkpoints, stopped))
            .map_err(thread_failed)?;
        Ok(Self {
            path: path.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(sender),
            _checkpointer: stop,
        })
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
        let idle = self.lock_readers().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => connect(&self.path)?,
        };
        let result = f(&conn).map_err(db_error);
        let mut readers = self.lock_readers();
        if readers.len() < MAX_IDLE_READERS {
            readers.push(conn);
        }
        result
    }

    fn lock_readers(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.readers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn write<T, F>(&self, work: F) -> StoreFuture<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        submit(&self.writer_handle(), work)
    }

    /// A handle on the writer's queue, for a series of jobs (the purge's batches).
    fn writer_handle(&self) -> mpsc::Sender<Box<dyn Job>> {
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Queues `work` for the writer; resolves once its transaction committed.
fn submit<T, F>(writer: &mpsc::Sender<Box<dyn Job>>, work: F) -> StoreFuture<T>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
{
    let (reply, answer) = oneshot::channel();
    let job: Box<dyn Job> = Box::new(TypedJob::new(work, reply));
    let sent = writer.send(job).is_ok();
    let stopped = || StoreError::Unavailable("the writer thread has stopped".into());
    Box::pin(async move {
        if !sent {
            return Err(stopped());
        }
        answer.await.unwrap_or_else(|_| Err(stopped()))
    })
}

/// The database holds password hashes and sealed secrets: the file is created mode 0600
/// before SQLite opens it, and SQLite gives its `-wal` and `-shm` files the database file's
/// mode. Files left with looser modes by an older version are tightened.
fn make_private(path: &Path) -> StoreResult<()> {
    let failed = |e: std::io::Error| StoreError::Database(format!("{}: {e}", path.display()));
    crate::private_files::ensure_file(path).map_err(failed)?;
    for suffix in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let companion = PathBuf::from(name);
        if companion.exists() {
            crate::private_files::restrict_file(&companion).map_err(failed)?;
        }
    }
    Ok(())
}

fn connect(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open(path).map_err(db_error)?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(db_error)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )
    .map_err(db_error)?;
    conn.set_prepared_statement_cache_capacity(64);
    register_text_functions(&conn).map_err(db_error)?;
    Ok(conn)
}

/// Unicode-aware text comparison for Portable Contacts: the `unicase` collation sorts by full
/// case folding (not SQLite's ASCII-only NOCASE) and `fold(text)` folds for `contains` and
/// `startswith` filters.
fn register_text_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_collation("unicase", |a, b| {
        caseless::default_case_fold_str(a).cmp(&caseless::default_case_fold_str(b))
    })?;
    conn.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| caseless::default_case_fold_str(&t)))
        },
    )
}

fn migrate(conn: &Connection) -> StoreResult<()> {
    let applied: usize = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(db_error)?;
    if applied > MIGRATIONS.len() {
        return Err(StoreError::Incompatible(format!(
            "the database has schema version {applied}, newer than this vzconnect ({})",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let version = index + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            db_error(e)
        })?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn create_user(&self, user: NewUser) -> StoreFuture<User> {
        self.write(move |c| users::create(c, &user))
    }
    fn find_user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.read(|c| users::find_by(c, "id", id))
    }
    fn find_user_by_sub(&self, sub: &str) -> StoreResult<Option<User>> {
        self.read(|c| users::find_by(c, "sub", sub))
    }
    fn find_login(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        self.read(|c| users::find_login(c, username))
    }
    fn list_users(&self) -> StoreResult<Vec<User>> {
        self.read(users::list)
    }
    fn find_user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.read(|c| users::find_by_email(c, email))
    }
    fn set_password(
        &self,
        id: UserId,
        hash: String,
        keep: Option<String>,
        revoke_access: bool,
        now: UnixTime,
    ) -> StoreFuture<Vec<String>> {
        self.write(move |c| users::set_password(c, id, &hash, keep.as_deref(), revoke_access, now))
    }
    fn create_signup(&self, signup: PendingSignup) -> StoreFuture<()> {
        self.write(move |c| users::create_signup(c, &signup))
    }
    fn complete_signup(&self, hash: &str, sub: Sub, now: UnixTime) -> StoreFuture<Option<User>> {
        let hash = hash.to_string();
        self.write(move |c| users::complete_signup(c, &hash, &sub, now))
    }
    fn create_link(&self, link: OneTimeLink) -> StoreFuture<()> {
        self.write(move |c| users::create_link(c, &link))
    }
    fn follow_link(
        &self,
        hash: &str,
        purpose: LinkPurpose,
        action: LinkAction,
        now: UnixTime,
    ) -> StoreFuture<Option<LinkFollowed>> {
        let hash = hash.to_string();
        self.write(move |c| users::follow_link(c, &hash, purpose, &action, now))
    }
    fn update_profile(
        &self,
        id: UserId,
        name: Option<String>,
        profile: Profile,
        now: UnixTime,
    ) -> StoreFuture<User> {
        self.write(move |c| users::update_profile(c, id, name.as_deref(), &profile, now))
    }

    fn create_client(&self, client: Client) -> StoreFuture<()> {
        self.write(move |c| clients::create(c, &client))
    }
    fn find_client(&self, client_id: &ClientId) -> StoreResult<Option<Client>> {
        self.read(|c| clients::find(c, client_id))
    }
    fn list_clients(&self) -> StoreResult<Vec<Client>> {
        self.read(clients::list)
    }
    fn list_owned_clients(&self, owner: UserId) -> StoreResult<Vec<Client>> {
        self.read(|c| clients::list_owned(c, owner))
    }
    fn update_client(&self, client: Client) -> StoreFuture<()> {
        self.write(move |c| clients::update(c, &client))
    }
    fn delete_client(&self, client_id: ClientId) -> StoreFuture<bool> {
        self.write(move |c| clients::delete(c, &client_id))
    }

    fn add_contact(
        &self,
        a: UserId,
        b: UserId,
        relationship: String,
        now: UnixTime,
    ) -> StoreFuture<()> {
        self.write(move |c| contacts::add(c, a, b, &relationship, now))
    }
    fn remove_contact(&self, a: UserId, b: UserId) -> StoreFuture<bool> {
        self.write(move |c| contacts::remove(c, a, b))
    }
    fn query_contacts(
        &self,
        owner: UserId,
        query: &ContactQuery,
    ) -> StoreResult<(usize, Vec<Contact>)> {
        self.read(|c| contacts::query(c, owner, query))
    }
    fn find_contact(&self, owner: UserId, contact: UserId) -> StoreResult<Option<Contact>> {
        self.read(|c| contacts::find(c, owner, contact))
    }

    fn create_session(&self, session: Session, replaces: Option<String>) -> StoreFuture<()> {
        self.write(move |c| sessions::create(c, &session, replaces.as_deref()))
    }
    fn find_session(&self, id_hash: &str, now: UnixTime) -> StoreResult<Option<Session>> {
        self.read(|c| sessions::find(c, id_hash, now))
    }
    fn delete_session(&self, id_hash: &str) -> StoreFuture<()> {
        let id_hash = id_hash.to_string();
        self.write(move |c| sessions::delete(c, &id_hash))
    }

    fn list_sessions(&self, user: UserId, now: UnixTime) -> StoreResult<Vec<SessionInfo>> {
        self.read(|c| sessions::list(c, user, now))
    }
    fn touch_session(&self, id_hash: &str, now: UnixTime) -> StoreFuture<()> {
        let id_hash = id_hash.to_string();
        self.write(move |c| sessions::touch(c, &id_hash, now))
    }
    fn end_sessions(
        &self,
        user: UserId,
        which: Option<String>,
        keep: Option<String>,
    ) -> StoreFuture<Vec<String>> {
        self.write(move |c| sessions::end(c, user, which.as_deref(), keep.as_deref()))
    }
    fn connected_apps(&self, user: UserId) -> StoreResult<Vec<ConnectedApp>> {
        self.read(|c| sessions::connected_apps(c, user))
    }
    fn disconnect_app(&self, user: UserId, client: ClientId, now: UnixTime) -> StoreFuture<()> {
        self.write(move |c| sessions::disconnect(c, user, &client, now))
    }
    fn find_consent(&self, user: UserId, client_id: &ClientId) -> StoreResult<Option<String>> {
        self.read(|c| sessions::find_consent(c, user, client_id))
    }
    fn save_consent(&self, consent: Consent) -> StoreFuture<()> {
        self.write(move |c| sessions::save_consent(c, &consent))
    }

    fn issue_authorization(&self, issued: IssuedAuthorization) -> StoreFuture<()> {
        self.write(move |c| {
            if let Some(code) = &issued.code {
                tokens::create_auth_code(c, code)?;
            }
            match &issued.grant {
                Some((grant, new)) => {
                    tokens::insert_grant(c, grant)?;
                    tokens::insert_tokens(c, new)
                }
                None => Ok(()),
            }
        })
    }
    fn find_auth_code(&self, code_hash: &str) -> StoreResult<Option<AuthCode>> {
        self.read(|c| tokens::find_auth_code(c, code_hash))
    }
    fn redeem_auth_code(
        &self,
        code_hash: &str,
        grant: Grant,
        new: NewTokens,
    ) -> StoreFuture<Redemption> {
        let code_hash = code_hash.to_string();
        self.write(move |c| tokens::redeem_auth_code(c, &code_hash, &grant, &new))
    }
    fn revoke_code_grant(&self, code_hash: &str, now: UnixTime) -> StoreFuture<()> {
        let code_hash = code_hash.to_string();
        self.write(move |c| tokens::revoke_code_grant(c, &code_hash, now))
    }

    fn access_standing(
        &self,
        grant_id: Option<&str>,
        token_id: &str,
    ) -> StoreResult<AccessStanding> {
        self.read(|c| tokens::access_standing(c, grant_id, token_id))
    }
    fn find_refresh_token(&self, hash: &str) -> StoreResult<Option<RefreshToken>> {
        self.read(|c| tokens::find_refresh_token(c, hash))
    }
    fn rotate_refresh_token(&self, old_hash: &str, new: NewTokens) -> StoreFuture<Rotation> {
        let old_hash = old_hash.to_string();
        self.write(move |c| tokens::rotate_refresh_token(c, &old_hash, &new))
    }
    fn revoke_access_token(&self, token_id: &str, expires_at: UnixTime) -> StoreFuture<()> {
        let token_id = token_id.to_string();
        self.write(move |c| tokens::revoke_access_token(c, &token_id, expires_at))
    }
    fn revoke_grant(&self, grant_id: &str, now: UnixTime) -> StoreFuture<()> {
        let grant_id = grant_id.to_string();
        self.write(move |c| tokens::revoke_grant(c, &grant_id, now))
    }
    fn clients_of_session(&self, sid: &str) -> StoreResult<Vec<ClientId>> {
        self.read(|c| sessions::clients_of_session(c, sid))
    }
    fn mint_widget_token(&self, token: WidgetToken, grant: Option<WidgetGrant>) -> StoreFuture<()> {
        self.write(move |c| widgets::mint(c, &token, grant.as_ref()))
    }
    fn find_widget_token(&self, hash: &str) -> StoreResult<Option<WidgetToken>> {
        self.read(|c| widgets::find(c, hash))
    }
    fn list_widget_grants(&self, user: UserId, of: WidgetsOf) -> StoreResult<Vec<WidgetGrant>> {
        self.read(|c| widgets::list(c, user, &of))
    }
    fn revoke_widgets(
        &self,
        user: UserId,
        of: WidgetsOf,
        widget: Option<String>,
        now: UnixTime,
    ) -> StoreFuture<usize> {
        self.write(move |c| widgets::revoke(c, user, &of, widget.as_deref(), now))
    }
    fn record_audit(&self, event: AuditEvent) -> StoreFuture<()> {
        self.write(move |c| audit::record(c, &event))
    }
    fn list_audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEvent>> {
        self.read(|c| audit::list(c, query))
    }
    fn probe_write(&self, now: UnixTime) -> StoreFuture<()> {
        self.write(move |c| settings::probe(c, now))
    }
    fn key_check(&self) -> StoreResult<Option<String>> {
        self.read(settings::key_check)
    }
    fn set_key_check(&self, check: String) -> StoreFuture<()> {
        self.write(move |c| settings::set_key_check(c, &check))
    }
    fn sealed_values(&self) -> StoreResult<Vec<SealedValue>> {
        self.read(settings::list)
    }
    fn reseal(&self, values: Vec<SealedValue>, check: String) -> StoreFuture<()> {
        self.write(move |c| settings::reseal(c, &values, &check))
    }
    fn list_signing_keys(&self) -> StoreResult<Vec<SigningKey>> {
        self.read(keys::list)
    }
    fn add_signing_key(&self, key: SigningKey) -> StoreFuture<()> {
        self.write(move |c| keys::add(c, &key))
    }
    fn purge_expired(&self, now: UnixTime) -> StoreFuture<usize> {
        let writer = self.writer_handle();
        Box::pin(async move {
            let mut deleted = 0;
            let mut grants_after = String::new();
            loop {
                let after = grants_after.clone();
                let batch = submit(&writer, move |c| purge::batch(c, now, &after)).await?;
                deleted += batch.deleted;
                match batch.grants_after {
                    Some(last) => grants_after = last,
                    None if !batch.more => return Ok(deleted),
                    None => {}
                }
                // Let the requests that queued meanwhile go first.
                tokio::task::yield_now().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::OptionalExtension;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("unit.db")).unwrap();
        (dir, store)
    }

    fn setting(store: &SqliteStore, name: &str) -> Option<String> {
        store
            .read(|c| {
                c.query_row("SELECT value FROM settings WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()
            })
            .unwrap()
    }

    #[tokio::test]
    async fn a_failing_job_rolls_back_only_itself_within_one_commit() {
        let (_dir, store) = store();
        // Hold the writer so the next two jobs wait and are committed together.
        let hold = store.write(|_| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            Ok(())
        });
        let failing = store.write(|c| {
            c.execute("INSERT INTO settings (name, value) VALUES ('a', '1')", [])
                .map_err(db_error)?;
            Err::<(), _>(StoreError::Conflict("refused after writing".into()))
        });
        let passing = store.write(|c| {
            c.execute("INSERT INTO settings (name, value) VALUES ('b', '2')", [])
                .map_err(db_error)?;
            Ok(())
        });
        let (held, failed, passed) = tokio::join!(hold, failing, passing);
        held.unwrap();
        assert!(matches!(failed, Err(StoreError::Conflict(_))));
        passed.unwrap();
        assert_eq!(setting(&store, "a"), None, "the failed job left nothing");
        assert_eq!(setting(&store, "b").as_deref(), Some("2"));
    }

    #[test]
    fn a_database_newer_than_the_binary_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.db");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 999")
            .unwrap();
        assert!(matches!(
            SqliteStore::open(&path),
            Err(StoreError::Incompatible(m)) if m.contains("newer than this vzconnect")
        ));
    }

    #[tokio::test]
    async fn one_purge_batch_deletes_at_most_its_limit_per_table() {
        let (_dir, store) = store();
        let rows = purge::BATCH + 20;
        store
            .write(move |c| {
                for i in 0..rows {
                    c.execute(
                        "INSERT INTO pending_signups
                         (hash, username, email, password_hash, created_at, expires_at)
                         VALUES (?1, 'u', 'e', 'h', 0, 1)",
                        [format!("h{i}")],
                    )
                    .map_err(db_error)?;
                }
                Ok(())
            })
            .await
            .unwrap();
        let first = store.write(|c| purge::batch(c, 10, "")).await.unwrap();
        assert_eq!(first.deleted as i64, purge::BATCH);
        assert!(first.more);
        let second = store.write(|c| purge::batch(c, 10, "")).await.unwrap();
        assert_eq!((second.deleted, second.more), (20, false));
        assert_eq!(store.purge_expired(10).await.unwrap(), 0);
    }
}
