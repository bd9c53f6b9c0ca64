//! OpenID Connect Core 1.0 and Discovery 1.0 as plain functions: signing keys and the JWKS,
//! id_tokens, the discovery document and UserInfo claims. No HTTP, no SQL.

pub mod claims_request;
pub mod discovery;
pub mod id_token;
pub mod keys;
pub mod logout_token;
pub mod prompt;
pub mod subject;
pub mod userinfo;
