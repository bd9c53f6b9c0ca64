//! Newtypes parsed once at the boundary (CLI, HTTP, store), so the protocol core never
//! re-checks raw strings.

pub mod audit;
mod client;
pub mod contact_query;
pub mod outbound;
pub mod profile;
pub mod records;
mod redirect_uri;
mod scope;
mod user;

pub use client::{ClientId, GrantType, IdTokenAlg, SignatureMethod, TokenEndpointAuthMethod};
pub use profile::Profile;
pub use redirect_uri::RedirectUri;
pub use scope::{Scope, ScopeSet};
pub use user::{Email, Sub, Username};
