//! Plain records the store keeps and the protocol code reads; secrets appear here only as
//! hashes or sealed.

use super::{
    ClientId, GrantType, IdTokenAlg, Profile, RedirectUri, SignatureMethod, Sub,
    TokenEndpointAuthMethod,
};
use crate::clock::UnixTime;

/// Internal user key (never shown outside; `sub` is the public one).
pub type UserId = i64;

/// A person who can log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub sub: Sub,
    pub username: String,
    pub email: String,
    pub name: Option<String>,
    pub profile: Profile,
    /// Whether the person proved the address by following the verification link.
    pub email_verified: bool,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

impl User {
    /// The name shown to people and in PoCo `displayName`: the full name, else the username.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.username)
    }
}

/// A user to be created.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub sub: Sub,
    pub username: String,
    pub email: String,
    pub name: Option<String>,
    pub password_hash: String,
    /// Whether the email address is known to be the person's (they followed a link sent to
    /// it, or the operator vouched for it).
    pub email_verified: bool,
    pub created_at: UnixTime,
}

/// An account waiting for its email address to be confirmed: nothing exists under the
/// username or address until the link is followed, so signing up reveals no one's address.
#[derive(Debug, Clone)]
pub struct PendingSignup {
    /// Hash of the link's token.
    pub hash: String,
    pub username: String,
    pub email: String,
    pub name: Option<String>,
    pub password_hash: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// A registered client.
#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: ClientId,
    pub name: String,
    pub redirect_uris: Vec<RedirectUri>,
    pub grant_types: Vec<GrantType>,
    pub auth_method: TokenEndpointAuthMethod,
    pub signature_method: SignatureMethod,
    pub id_token_alg: IdTokenAlg,
    /// Where the browser may be sent after RP-initiated logout (exact match).
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    /// Where logout tokens are POSTed when a session the client took part in ends.
    pub backchannel_logout_uri: Option<RedirectUri>,
    /// `Some(sector)`: the client sees pairwise subject identifiers for that sector.
    pub sector_identifier: Option<String>,
    /// The document that named the sector's redirect URIs, when one was registered.
    pub sector_identifier_uri: Option<String>,
    /// Whether the operator registered or reviewed the client (`client verify`). Unverified
    /// clients get no automatic error redirects, and the consent page warns about them.
    pub verified: bool,
    /// Who may manage it in the developer portal.
    pub owner: Option<UserId>,
    /// Shown on the consent page and in the portal.
    pub description: Option<String>,
    /// The site's home page (RFC 7591 `client_uri`).
    pub client_uri: Option<String>,
    /// The site's logo, shown on the consent page (RFC 7591 `logo_uri`).
    pub logo_uri: Option<String>,
    /// RFC 7592: the hash of the token that reads, updates and deletes this registration.
    pub registration_token_hash: Option<String>,
    /// The client secret, AEAD-sealed with the server key; `None` for public clients.
    pub sealed_secret: Option<Vec<u8>>,
    pub created_at: UnixTime,
}

impl Client {
    /// Whether the client has no secret and must use PKCE.
    pub fn is_public(&self) -> bool {
        self.auth_method == TokenEndpointAuthMethod::None
    }

    /// Whether the client registered for `grant`.
    pub fn allows(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }

    /// Seals `secret` (or none, for a public client) under the server key, bound to the
    /// client id so a sealed secret copied to another client does not open.
    pub fn seal_secret(&mut self, key: &crate::crypto::SecretKey, secret: Option<&str>) {
        self.sealed_secret =
            secret.map(|s| key.seal(self.client_id.as_str().as_bytes(), s.as_bytes()));
    }

    /// The secret in plain text (the VZ signature and HS256 are keyed by it); `None` for a
    /// public client or a secret this key cannot open.
    pub fn secret(&self, key: &crate::crypto::SecretKey) -> Option<String> {
        let sealed = self.sealed_secret.as_ref()?;
        let plain = key.open(self.client_id.as_str().as_bytes(), sealed)?;
        String::from_utf8(plain).ok()
    }
}

/// A browser login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: UserId,
    pub auth_time: UnixTime,
    pub expires_at: UnixTime,
    pub user_agent: String,
}

/// Scopes a user chose to remember for a client.
#[derive(Debug, Clone)]
pub struct Consent {
    pub user_id: UserId,
    pub client_id: ClientId,
    pub scope: String,
    pub now: UnixTime,
}

/// An authorization code, stored by hash, valid once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthCode {
    pub code_hash: String,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub redirect_uri: String,
    /// Whether the authorization request named the redirect URI (then the token request must).
    pub redirect_uri_explicit: bool,
    pub scope: String,
    pub fields: Option<String>,
    pub code_challenge: Option<String>,
    /// OpenID Connect `nonce`, echoed in the id_token.
    pub nonce: Option<String>,
    /// The login session's id for id_tokens (`sid`).
    pub sid: Option<String>,
    /// The `claims` request parameter, as JSON.
    pub claims: Option<String>,
    pub auth_time: UnixTime,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
    pub redeemed: bool,
}

/// One authorization: the family every access and refresh token issued from it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub client_id: ClientId,
    pub user_id: Option<UserId>,
    pub scope: String,
    pub fields: Option<String>,
    pub created_at: UnixTime,
    /// When the user authenticated, for id_tokens issued on refresh.
    pub auth_time: Option<UnixTime>,
    /// The login session, for id_tokens issued on refresh.
    pub sid: Option<String>,
    /// The `claims` request parameter, as JSON.
    pub claims: Option<String>,
}

/// A refresh token to store (by hash).
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub hash: String,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
}

/// What to store of the tokens issued together for one grant: the refresh token, if any (the
/// access token is sealed and stored nowhere).
#[derive(Debug, Clone)]
pub struct NewTokens {
    pub grant_id: String,
    pub issued_at: UnixTime,
    pub refresh: Option<NewRefreshToken>,
}

/// What one authorization response issued — a code, a grant with the access token handed out
/// at once, or both (hybrid) — written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct IssuedAuthorization {
    pub code: Option<AuthCode>,
    pub grant: Option<(Grant, NewTokens)>,
}

/// What the store knows about a sealed access token: the grant it names (if that still
/// exists) and whether the grant or the token itself was revoked.
#[derive(Debug, Clone, Default)]
pub struct AccessStanding {
    pub grant: Option<Grant>,
    pub revoked: bool,
    /// The person the grant belongs to, read with it.
    pub person: Option<User>,
    /// The grant's client's pairwise sector, read with it.
    pub sector: Option<String>,
}

/// An access token with the grant it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// The id the revocation list names it by.
    pub token_id: String,
    pub grant: Grant,
    pub scope: String,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
    pub revoked: bool,
    /// The person it acts for (`None` for `client_credentials`, or when they are gone).
    pub person: Option<User>,
    /// Its client's pairwise sector: the `sub` it sees the person by.
    pub sector: Option<String>,
}

impl AccessToken {
    /// Neither expired nor revoked (itself or its family).
    pub fn is_active(&self, now: UnixTime) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// A stored refresh token with the grant it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub grant: Grant,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
    /// Already exchanged for a successor: presenting it again is reuse.
    pub rotated: bool,
    pub revoked: bool,
}

impl RefreshToken {
    /// Usable: neither expired, revoked, nor already exchanged for a successor.
    pub fn is_active(&self, now: UnixTime) -> bool {
        !self.revoked && !self.rotated && now < self.expires_at
    }
}

/// A token a client presented to introspection or revocation, as the store found it: both
/// kinds share one namespace of values, access tokens looked up first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresentedToken {
    Access(Box<AccessToken>),
    Refresh(RefreshToken),
    Unknown,
}

/// Outcome of redeeming a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redemption {
    Redeemed,
    /// Someone redeemed it first; what they got is now revoked.
    AlreadyRedeemed,
}

/// Outcome of rotating a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    Rotated,
    /// It had been rotated before: the family is now revoked.
    Reused,
}

/// A key that signs id_tokens; the private part sealed with the server key.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub kid: String,
    pub alg: IdTokenAlg,
    pub private_sealed: Vec<u8>,
    /// The public JWK as published at `/jwks.json`.
    pub public_jwk: String,
    pub created_at: UnixTime,
    /// When a newer key replaced it; it stays published until its tokens expired.
    pub retired_at: Option<UnixTime>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// A user as one of another user's contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub user: User,
    /// PoCo `relationships`, e.g. `friend`.
    pub relationship: String,
    /// When the two became contacts.
    pub since: UnixTime,
}

/// A credential minted for a widget (MSC1960): opens only the federation UserInfo endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetToken {
    pub hash: String,
    pub user_id: UserId,
    /// The site that minted it (with the `widgets` scope).
    pub client_id: Option<ClientId>,
    pub widget_id: Option<String>,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
    pub revoked: bool,
}

/// A widget the user let know who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetGrant {
    pub user_id: UserId,
    /// The site the widget lives in; `None` for grants recorded before sites were.
    pub client_id: Option<ClientId>,
    pub widget_id: String,
    pub url: Option<String>,
    pub created_at: UnixTime,
    pub last_used_at: UnixTime,
}

/// Whose widget grants a store call concerns: everything of a person (their account page),
/// or only what one site created (the site's `/widgets` calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetsOf {
    /// Every widget grant of the person.
    Everyone,
    /// Only the grants this site created.
    Site(ClientId),
}

/// What a sealed value is (its id is the associated data it was sealed with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedKind {
    /// A client's secret; the id is the client id.
    ClientSecret,
    /// A signing key's private part; the id is the key id.
    SigningKey,
}

/// A value sealed with the server key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedValue {
    pub kind: SealedKind,
    pub id: String,
    pub sealed: Vec<u8>,
}

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    VerifyEmail,
    ResetPassword,
}

impl LinkPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

/// A single-use, expiring link sent by mail, stored by hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeLink {
    pub hash: String,
    pub user_id: UserId,
    pub purpose: LinkPurpose,
    pub expires_at: UnixTime,
}

/// What following a link does, applied in the same transaction that uses the link up.
#[derive(Clone, PartialEq, Eq)]
pub enum LinkAction {
    /// Marks the email address verified.
    VerifyEmail,
    /// Sets a new password hash, ends every session and revokes every access anyone was
    /// given to the account (the recovery of an account someone else may have held).
    SetPassword(String),
}

/// What following a link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFollowed {
    pub user_id: UserId,
    /// Sessions the action ended (their sites get back-channel logout).
    pub ended_sessions: Vec<String>,
}

/// A client a person authorized, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedApp {
    pub client_id: ClientId,
    pub client_name: String,
    /// Every scope granted in live grants or remembered consent, space separated.
    pub scope: String,
    /// When it was last authorized.
    pub since: UnixTime,
}

/// A login session as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id_hash: String,
    pub user_agent: String,
    pub auth_time: UnixTime,
    pub last_seen_at: UnixTime,
}
