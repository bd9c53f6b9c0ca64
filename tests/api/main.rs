//! Integration tests: each test starts the real server on a random port with a fresh
//! SQLite database and talks HTTP to it like a browser or a client site would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod account_page;
mod authorize_errors;
mod browser;
mod claims;
mod cli;
mod code_flow;
mod codemap;
mod configuration;
mod demo;
mod deployment;
mod developers;
mod doc_examples;
mod doc_samples;
mod docs_site;
mod helpers;
mod languages;
mod logout;
mod oidc_behaviours;
mod oidc_interop;
mod operations_audit;
mod operations_backup;
mod operations_health;
mod operations_keys;
mod operations_logs;
mod operations_storage;
mod poco_contacts;
mod poco_docs;
mod poco_self;
mod public_shapes;
mod refresh_and_revoke;
mod registration;
mod robustness;
mod security_accounts;
mod security_registration;
mod security_small_holes;
mod security_throttling;
mod security_widgets;
mod signup_and_recovery;
mod store;
mod token_errors;
mod user_agent_flow;
mod vz_clients;
mod widgets;
