//! The command line (DESIGN "Command line"): every flag also reads `VZCONNECT_<FLAG>`.
//! Bad input is one line on stderr and exit code 2, with nothing written.

mod audit;
mod backup;
mod clients;
pub mod config_file;
mod contacts;
mod demo;
mod keys;
mod secret;
mod serve;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::config::{database_path, KeySource};
use crate::crypto::{constant_time_eq, SecretKey};
use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError};

/// vzconnect: an OAuth 2.0 / OpenID Connect identity provider speaking VZ Connect.
#[derive(Debug, Parser)]
#[command(name = "vzconnect", version, about)]
pub struct Cli {
    /// Database URL.
    #[arg(
        long,
        global = true,
        env = "VZCONNECT_DATABASE",
        default_value = "sqlite://vzconnect.db"
    )]
    pub database: String,
    /// File holding the secret key (default: <database file>.key, created on first start).
    #[arg(long, global = true, env = "VZCONNECT_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// Let outbound requests (back-channel logout, sector identifier documents) and the URLs
    /// registered for them use http and local addresses: for development and tests only.
    #[arg(long, global = true, env = "VZCONNECT_ALLOW_INSECURE_OUTBOUND")]
    pub allow_insecure_outbound: bool,
    /// An optional TOML file of settings (flag > environment > file > default); see
    /// docs/configuration.md.
    #[arg(long, global = true, env = "VZCONNECT_CONFIG")]
    pub config: Option<PathBuf>,
    /// How log lines are written: text or json (filter with RUST_LOG, default info).
    #[arg(
        long,
        global = true,
        env = "VZCONNECT_LOG_FORMAT",
        value_enum,
        default_value_t
    )]
    pub log_format: crate::logging::LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(Box<serve::ServeArgs>),
    /// Manage users.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Manage clients (third-party sites).
    #[command(subcommand)]
    Client(clients::ClientCommand),
    /// Manage contacts between users.
    #[command(subcommand)]
    Contact(contacts::ContactCommand),
    /// Manage the keys that sign id_tokens.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Manage the secret key that seals client secrets and signing keys.
    #[command(subcommand)]
    Secret(secret::SecretCommand),
    /// Check the settings (flags, environment, --config file) and print the effective ones.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Read the security event trail.
    Audit(audit::AuditArgs),
    /// Write a consistent copy of the database while the server runs.
    Backup(backup::BackupArgs),
    /// Replace the database with a copy, after checking it (stop the server first).
    Restore(backup::RestoreArgs),
}

/// `vzconnect config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the server's settings as `serve` would (binding nothing, opening nothing)
    /// and print the effective ones, secrets masked.
    Check(Box<serve::ServeArgs>),
}

/// A command's failure: bad input (exit 2) or a failure while running (exit 1).
#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Runtime(String),
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) | StoreError::NotFound(m) | StoreError::Incompatible(m) => {
                Self::Usage(m)
            }
            StoreError::Database(m) | StoreError::Unavailable(m) => Self::Runtime(m),
        }
    }
}

/// Runs a parsed command line and returns the process exit code; `settings` are the
/// effective settings `config check` prints.
pub async fn run(cli: Cli, settings: Vec<config_file::Effective>) -> ExitCode {
    match dispatch(cli, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(CliError::Runtime(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

async fn dispatch(cli: Cli, settings: Vec<config_file::Effective>) -> Result<(), CliError> {
    let globals = Globals {
        database: cli.database,
        secret_key_file: cli.secret_key_file,
        allow_insecure_outbound: cli.allow_insecure_outbound,
    };
    match cli.command {
        Command::Serve(args) => serve::run(&globals, *args).await,
        Command::User(command) => users::run_user(&globals, command).await,
        Command::Client(command) => clients::run(&globals, command).await,
        Command::Contact(command) => contacts::run(&globals, command).await,
        Command::Keys(command) => keys::run(&globals, command).await,
        Command::Secret(command) => secret::run(&globals, command).await,
        Command::Audit(args) => audit::run(&globals, args).await,
        Command::Config(ConfigCommand::Check(args)) => {
            args.check(&globals)?;
            print_settings(&settings);
            Ok(())
        }
        Command::Backup(args) => backup::backup(&globals, args).await,
        Command::Restore(args) => backup::restore(&globals, args).await,
    }
}

/// Settings whose values are secrets.
const SECRET_SETTINGS: [&str; 1] = ["registration-token"];

/// Prints `name = value  # source`, one per line, secrets masked.
fn print_settings(settings: &[config_file::Effective]) {
    println!("# the settings are valid; effective values and where they come from");
    for setting in settings {
        let values: Vec<String> = setting
            .values
            .iter()
            .map(|v| mask(&setting.name, v))
            .collect();
        let value = match values.as_slice() {
            [] => "(not set)".to_string(),
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        println!("{} = {value}  # {}", setting.name, setting.source);
    }
}

/// Hides secrets: whole values of secret settings, and passwords inside URLs.
fn mask(name: &str, value: &str) -> String {
    if SECRET_SETTINGS.contains(&name) {
        return "********".into();
    }
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("********"));
            url.to_string()
        }
        _ => value.to_string(),
    }
}

/// Flags every subcommand shares.
pub struct Globals {
    database: String,
    secret_key_file: Option<PathBuf>,
    allow_insecure_outbound: bool,
}

impl Globals {
    /// `<database file>.<suffix>`, for files that belong with the database.
    fn beside_database(&self, suffix: &str) -> PathBuf {
        let path = database_path(&self.database).unwrap_or_else(|_| PathBuf::from("vzconnect.db"));
        let mut name = path.into_os_string();
        name.push(format!(".{suffix}"));
        PathBuf::from(name)
    }

    /// Opens the store (applying migrations) and loads the secret key, refusing to go on
    /// when the key is missing or is not the one the database's sealed data belongs to.
    /// Only `access = Create` may create the database or the key file.
    async fn open(&self, access: Access) -> Result<(Arc<SqliteStore>, SecretKey), CliError> {
        let path = database_path(&self.database).map_err(CliError::Usage)?;
        let source = self.key_source(&path);
        // A malformed or unreadable key fails before any file is touched.
        let loaded = source.load().map_err(CliError::Usage)?;
        let store = match access {
            Access::Create => SqliteStore::open(&path),
            Access::Existing => SqliteStore::open_existing(&path),
        }
        .map_err(|e| match e {
            StoreError::NotFound(m) => CliError::Usage(format!(
                "{m}: check --database (only `vzconnect serve` and the commands that add something create a database)"
            )),
            StoreError::Incompatible(m) => CliError::Usage(format!("{}: {m}", path.display())),
            e => CliError::Runtime(format!("{}: {e}", path.display())),
        })?;
        let recorded = store.key_check()?;
        let sealed = store.sealed_values()?;
        let key = match loaded {
            Some(key) => key,
            None if recorded.is_none() && sealed.is_empty() && access == Access::Create => {
                source.create().map_err(CliError::Runtime)?
            }
            None if recorded.is_none() && sealed.is_empty() => {
                return Err(CliError::Usage(format!(
                    "{} is missing; `vzconnect serve` creates it",
                    source.describe()
                )))
            }
            None => {
                return Err(CliError::Usage(format!(
                    "{} is missing, and the database {} holds secrets sealed with it: restore the key file from your backup (or set VZCONNECT_SECRET_KEY or --secret-key-file); nothing was changed",
                    source.describe(),
                    path.display()
                )))
            }
        };
        let check = key.check_value();
        match recorded {
            Some(recorded) if !constant_time_eq(recorded.as_bytes(), check.as_bytes()) => {
                return Err(CliError::Usage(format!(
                    "{} is not the key the database {} was sealed with: use the key it was created with{}; nothing was changed",
                    source.describe(),
                    path.display(),
                    secret::interrupted_rotation_hint(&source, &path, &recorded),
                )))
            }
            Some(_) => {}
            // A database from before the check was recorded: the sealed data must open.
            None => {
                if let Some(value) = secret::unopenable(&sealed, &key).first() {
                    return Err(CliError::Usage(format!(
                        "{} cannot open {} in {}: use the key the database was created with; nothing was changed",
                        source.describe(),
                        value,
                        path.display()
                    )));
                }
                store.set_key_check(check).await?;
            }
        }
        Ok((Arc::new(store), key))
    }

    fn key_source(&self, database: &std::path::Path) -> KeySource {
        let env_key = std::env::var("VZCONNECT_SECRET_KEY").ok();
        KeySource::choose(env_key, self.secret_key_file.clone(), database)
    }
}

/// Whether a command may create the database and the key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `serve` and the commands that add something.
    Create,
    /// Every other command: the database must exist.
    Existing,
}

/// Common argument: emit JSON instead of a table.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON.
    #[arg(long, env = "VZCONNECT_JSON")]
    pub json: bool,
}
