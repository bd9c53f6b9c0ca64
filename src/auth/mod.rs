//! Authenticating people: password hashing on a bounded pool, session ids, CSRF tokens,
//! and throttling of guesses and floods.

pub mod csrf;
pub mod password;
pub mod session;
pub mod throttle;
