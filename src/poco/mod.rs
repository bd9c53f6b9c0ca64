//! Portable Contacts 1.0 (Draft C): entries for `@self` and `@all`, the query language, and
//! the JSON and XML responses. No HTTP, no SQL.

pub mod entry;
pub mod query;
pub mod render;

pub use entry::{contact_entry, self_entry, xs_date_time};
