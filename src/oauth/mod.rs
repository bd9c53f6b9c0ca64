//! OAuth 2.0 protocol logic (RFC 6749, 7636, 7009, 7662, 9207) and the VZ Connect draft's
//! additions, as plain functions over plain structs: no HTTP, no SQL.

pub mod access_token;
pub mod authorize;
pub mod client_auth;
pub mod errors;
pub mod grants;
pub mod introspect;
pub mod issue;
pub mod params;
pub mod pkce;
pub mod redirect;
pub mod registration;
pub mod response_type;
pub mod revoke;
pub mod token_response;
pub mod tokens;
pub mod vz_signature;

pub use errors::{ErrorCode, OAuthError};
pub use params::Params;
