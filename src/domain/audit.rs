//! The security events the audit trail records, as operators and people read them.

use std::fmt;
use std::str::FromStr;

use crate::clock::UnixTime;
use crate::domain::records::{User, UserId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    SignIn,
    SignInFailed,
    Throttled,
    ConsentGiven,
    ConsentRevoked,
    PasswordChanged,
    PasswordReset,
    EmailVerified,
    AccountCreated,
    ClientRegistered,
    ClientVerified,
    ClientSecretRotated,
    ClientDeleted,
    KeysRotated,
    SecretKeyRotated,
    SessionEnded,
}

impl AuditKind {
    /// Every kind.
    pub const ALL: [AuditKind; 16] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::Throttled,
        Self::ConsentGiven,
        Self::ConsentRevoked,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::EmailVerified,
        Self::AccountCreated,
        Self::ClientRegistered,
        Self::ClientVerified,
        Self::ClientSecretRotated,
        Self::ClientDeleted,
        Self::KeysRotated,
        Self::SecretKeyRotated,
        Self::SessionEnded,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::Throttled => "throttled",
            Self::ConsentGiven => "consent_given",
            Self::ConsentRevoked => "consent_revoked",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::EmailVerified => "email_verified",
            Self::AccountCreated => "account_created",
            Self::ClientRegistered => "client_registered",
            Self::ClientVerified => "client_verified",
            Self::ClientSecretRotated => "client_secret_rotated",
            Self::ClientDeleted => "client_deleted",
            Self::KeysRotated => "keys_rotated",
            Self::SecretKeyRotated => "secret_key_rotated",
            Self::SessionEnded => "session_ended",
        }
    }

    /// In plain words, for the person's account page.
    pub fn description(self) -> &'static str {
        match self {
            Self::SignIn => "Signed in",
            Self::SignInFailed => "Failed sign-in",
            Self::Throttled => "Sign-in paused after failed attempts",
            Self::ConsentGiven => "Connected a site",
            Self::ConsentRevoked => "Disconnected a site",
            Self::PasswordChanged => "Changed the password",
            Self::PasswordReset => "Reset the password by mail",
            Self::EmailVerified => "Confirmed the email address",
            Self::AccountCreated => "Created the account",
            Self::ClientRegistered => "Registered a site",
            Self::ClientVerified => "A site was reviewed",
            Self::ClientSecretRotated => "Rotated a site's secret",
            Self::ClientDeleted => "Deleted a site",
            Self::KeysRotated => "Signing keys rotated",
            Self::SecretKeyRotated => "Secret key rotated",
            Self::SessionEnded => "Signed out",
        }
    }
}

impl FromStr for AuditKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown audit event '{s}'"))
    }
}

impl fmt::Display for AuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: UnixTime,
    pub kind: AuditKind,
    /// The person it concerns, when known.
    pub user_id: Option<UserId>,
    /// The username as given (a failed sign-in may name no one).
    pub username: Option<String>,
    pub client_id: Option<String>,
    /// The client address the request came from (`None` for the command line).
    pub source: Option<String>,
    pub detail: Option<String>,
}

impl AuditEvent {
    /// An event of `kind` now, with nothing else known yet.
    pub fn new(kind: AuditKind, at: UnixTime) -> Self {
        Self {
            at,
            kind,
            user_id: None,
            username: None,
            client_id: None,
            source: None,
            detail: None,
        }
    }
}

impl AuditEvent {
    /// The event concerns `user`.
    pub fn of(mut self, user: &User) -> Self {
        self.user_id = Some(user.id);
        self.username = Some(user.username.clone());
        self
    }

    /// The event concerns the site `client_id`.
    pub fn site(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_string());
        self
    }

    /// A short note (never a secret).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Which events to read.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub user_id: Option<UserId>,
    pub since: Option<UnixTime>,
    pub limit: usize,
}
