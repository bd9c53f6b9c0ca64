//! Persistence behind one trait, so the protocol code never sees SQL and PostgreSQL can be
//! a second implementation. Reads are short indexed lookups that run inline; writes return
//! a future that resolves once their transaction has committed.

pub mod sqlite;

use std::future::Future;
use std::pin::Pin;

pub use crate::domain::records::*;

use crate::clock::UnixTime;
use crate::domain::audit::{AuditEvent, AuditQuery};
use crate::domain::contact_query::ContactQuery;
use crate::domain::{ClientId, Profile, Sub};

/// What went wrong in the store, without SQL details leaking to callers.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    /// A unique value (username, email, client id) is taken; the text names it.
    #[error("{0}")]
    Conflict(String),
    /// A referenced row does not exist; the text names it.
    #[error("{0}")]
    NotFound(String),
    /// The database failed; details were logged.
    #[error("database error: {0}")]
    Database(String),
    /// The database was written by a newer vzconnect: this binary must not touch it.
    #[error("{0}")]
    Incompatible(String),
    /// The database is busy, locked or out of space: worth trying again shortly.
    #[error("database temporarily unavailable: {0}")]
    Unavailable(String),
}

/// Result of a read.
pub type StoreResult<T> = Result<T, StoreError>;

/// A write in flight: resolves after the transaction holding it committed.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send>>;

/// Everything the server keeps. Implementations must make each write atomic.
pub trait Store: Send + Sync + 'static {
    /// Adds a user; `Conflict` if the username or email is taken.
    fn create_user(&self, user: NewUser) -> StoreFuture<User>;
    /// A user by internal id.
    fn find_user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// A user by subject, for `/poco/{sub}/@self`.
    fn find_user_by_sub(&self, sub: &str) -> StoreResult<Option<User>>;
    /// A user and their password hash, for login.
    fn find_login(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    /// A user by email address.
    fn find_user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// Sets a new password hash and ends every session but `keep`; with `revoke_access` also
    /// revokes every grant, consent, widget credential and unused link of the person. The
    /// ended sessions' hashes.
    fn set_password(
        &self,
        id: UserId,
        hash: String,
        keep: Option<String>,
        revoke_access: bool,
        now: UnixTime,
    ) -> StoreFuture<Vec<String>>;
    /// Stores an account that waits for its address to be confirmed.
    fn create_signup(&self, signup: PendingSignup) -> StoreFuture<()>;
    /// Creates the account a live signup link (by hash) stands for, under `sub`, its address
    /// verified; `None` for an unknown or expired link, `Conflict` if the username or address
    /// was taken meanwhile.
    fn complete_signup(&self, hash: &str, sub: Sub, now: UnixTime) -> StoreFuture<Option<User>>;
    /// Stores a single-use link (by hash).
    fn create_link(&self, link: OneTimeLink) -> StoreFuture<()>;
    /// Uses up a live link of `purpose` and applies `action` atomically; whose link it was
    /// and which sessions the action ended.
    fn follow_link(
        &self,
        hash: &str,
        purpose: LinkPurpose,
        action: LinkAction,
        now: UnixTime,
    ) -> StoreFuture<Option<LinkFollowed>>;
    /// Every user, oldest first.
    fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Replaces a user's display name and profile; returns the updated user.
    fn update_profile(
        &self,
        id: UserId,
        name: Option<String>,
        profile: Profile,
        now: UnixTime,
    ) -> StoreFuture<User>;

    /// Registers a client; `Conflict` if the id is taken.
    fn create_client(&self, client: Client) -> StoreFuture<()>;
    /// A client by id.
    fn find_client(&self, client_id: &ClientId) -> StoreResult<Option<Client>>;
    /// Every client, oldest first.
    fn list_clients(&self) -> StoreResult<Vec<Client>>;
    /// The clients a person registered in the developer portal.
    fn list_owned_clients(&self, owner: UserId) -> StoreResult<Vec<Client>>;
    /// Replaces a client's registration (not its id).
    fn update_client(&self, client: Client) -> StoreFuture<()>;
    /// Deletes a client and everything issued to it; whether it existed.
    fn delete_client(&self, client_id: ClientId) -> StoreFuture<bool>;

    /// Makes two users contacts of each other with `relationship` (idempotent; updates it).
    fn add_contact(
        &self,
        a: UserId,
        b: UserId,
        relationship: String,
        now: UnixTime,
    ) -> StoreFuture<()>;
    /// Ends a contact both ways; whether there was one.
    fn remove_contact(&self, a: UserId, b: UserId) -> StoreFuture<bool>;
    /// One page of a user's contacts matching `query`, and how many match in all.
    fn query_contacts(
        &self,
        owner: UserId,
        query: &ContactQuery,
    ) -> StoreResult<(usize, Vec<Contact>)>;
    /// `contact` as one of `owner`'s contacts, if it is one.
    fn find_contact(&self, owner: UserId, contact: UserId) -> StoreResult<Option<Contact>>;

    /// Stores a new login session, deleting `replaces` (session fixation defence).
    fn create_session(&self, session: Session, replaces: Option<String>) -> StoreFuture<()>;
    /// A live session by the hash of its id, refreshing nothing.
    fn find_session(&self, id_hash: &str, now: UnixTime) -> StoreResult<Option<Session>>;
    /// Ends a session.
    fn delete_session(&self, id_hash: &str) -> StoreFuture<()>;
    /// A user's live sessions, most recently used first.
    fn list_sessions(&self, user: UserId, now: UnixTime) -> StoreResult<Vec<SessionInfo>>;
    /// Records that a session was used now.
    fn touch_session(&self, id_hash: &str, now: UnixTime) -> StoreFuture<()>;
    /// Ends one of a user's sessions (`Some`), or all except `keep`; the ended sessions'
    /// hashes, so their sites can be told by back-channel logout.
    fn end_sessions(
        &self,
        user: UserId,
        which: Option<String>,
        keep: Option<String>,
    ) -> StoreFuture<Vec<String>>;
    /// The clients a user authorized.
    fn connected_apps(&self, user: UserId) -> StoreResult<Vec<ConnectedApp>>;
    /// Forgets a user's consent for a client and revokes every token it holds for them.
    fn disconnect_app(&self, user: UserId, client: ClientId, now: UnixTime) -> StoreFuture<()>;

    /// The scopes a user chose to remember for a client.
    fn find_consent(&self, user: UserId, client_id: &ClientId) -> StoreResult<Option<String>>;
    /// Remembers (adds to) the scopes a user granted a client.
    fn save_consent(&self, consent: Consent) -> StoreFuture<()>;

    /// Stores what one authorization response issued — its code (by hash), its grant and
    /// tokens — in one transaction: all of it or nothing.
    fn issue_authorization(&self, issued: IssuedAuthorization) -> StoreFuture<()>;
    /// An authorization code by hash, redeemed or not.
    fn find_auth_code(&self, code_hash: &str) -> StoreResult<Option<AuthCode>>;
    /// Atomically marks a code redeemed and issues its grant and tokens. If the code was
    /// already redeemed, issues nothing and revokes what the first redemption issued.
    fn redeem_auth_code(
        &self,
        code_hash: &str,
        grant: Grant,
        tokens: NewTokens,
    ) -> StoreFuture<Redemption>;
    /// Revokes everything issued from a redeemed code (its reuse was detected).
    fn revoke_code_grant(&self, code_hash: &str, now: UnixTime) -> StoreFuture<()>;

    /// What can end a sealed access token early — the grant it names (`None` for
    /// `client_credentials`) with its revocation, and the token's own (by its id) — read in
    /// one go with what a resource request needs next: the person and the client's sector.
    fn access_standing(
        &self,
        grant_id: Option<&str>,
        token_id: &str,
    ) -> StoreResult<AccessStanding>;
    /// A refresh token by hash, with its grant.
    fn find_refresh_token(&self, hash: &str) -> StoreResult<Option<RefreshToken>>;
    /// Atomically retires a refresh token and issues its successors. If it was already
    /// retired, issues nothing and revokes its whole family.
    fn rotate_refresh_token(&self, old_hash: &str, tokens: NewTokens) -> StoreFuture<Rotation>;
    /// Revokes one access token (by its id) until it would have expired anyway.
    fn revoke_access_token(&self, token_id: &str, expires_at: UnixTime) -> StoreFuture<()>;
    /// Revokes a grant: every access and refresh token in its family.
    fn revoke_grant(&self, grant_id: &str, now: UnixTime) -> StoreFuture<()>;

    /// The clients that received a code or tokens during the login session `sid`.
    fn clients_of_session(&self, sid: &str) -> StoreResult<Vec<ClientId>>;

    /// Stores a minted widget credential and, if the widget was named, remembers it.
    fn mint_widget_token(&self, token: WidgetToken, grant: Option<WidgetGrant>) -> StoreFuture<()>;
    /// A widget credential by hash.
    fn find_widget_token(&self, hash: &str) -> StoreResult<Option<WidgetToken>>;
    /// The widgets a user let know who they are (all, or those of one site), most recently
    /// used first.
    fn list_widget_grants(&self, user: UserId, of: WidgetsOf) -> StoreResult<Vec<WidgetGrant>>;
    /// Forgets a widget (`None`: every widget) of `of` and revokes its live credentials at
    /// once; how many credentials were revoked.
    fn revoke_widgets(
        &self,
        user: UserId,
        of: WidgetsOf,
        widget: Option<String>,
        now: UnixTime,
    ) -> StoreFuture<usize>;

    /// Records a security event.
    fn record_audit(&self, event: AuditEvent) -> StoreFuture<()>;
    /// Security events, newest first.
    fn list_audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEvent>>;
    /// A small real write through the writer, for readiness: `Ok` once it committed.
    fn probe_write(&self, now: UnixTime) -> StoreFuture<()>;
    /// The check value of the secret key the sealed data belongs to, once recorded.
    fn key_check(&self) -> StoreResult<Option<String>>;
    /// Records the secret key's check value.
    fn set_key_check(&self, check: String) -> StoreFuture<()>;
    /// Every value sealed with the secret key (client secrets, signing keys).
    fn sealed_values(&self) -> StoreResult<Vec<SealedValue>>;
    /// Replaces every sealed value and the key's check value in one transaction (a key
    /// rotation): all of them or none.
    fn reseal(&self, values: Vec<SealedValue>, check: String) -> StoreFuture<()>;

    /// Every signing key, newest first, retired ones included.
    fn list_signing_keys(&self) -> StoreResult<Vec<SigningKey>>;
    /// Adds a signing key and retires the active keys of its algorithm, in one transaction.
    fn add_signing_key(&self, key: SigningKey) -> StoreFuture<()>;

    /// Deletes expired sessions, signups, tokens and widget credentials, codes and links a
    /// day past expiry (kept that long so a late reuse is still recognised), and grants left
    /// with nothing; in small batches that interleave with other writes. How many rows went.
    fn purge_expired(&self, now: UnixTime) -> StoreFuture<usize>;
}
