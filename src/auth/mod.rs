//! Authenticating people: password hashing on a bounded pool, session ids, CSRF tokens.

pub mod csrf;
pub mod password;
pub mod session;
