//! `vzconnect serve`.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use clap::Args;

use super::{demo, CliError, Globals};
use crate::auth::password::PasswordPool;
use crate::clock::{Clock, SystemClock};
use crate::config::normalize_issuer;
use crate::matrix::server_name_from_issuer;
use crate::store::Store;
use crate::web::{ensure_signing_keys, AppState, MatrixSettings, Metrics, SigningKeys};

/// Widget credentials one user may mint per minute.
const MINTS_PER_MINUTE: u32 = 30;

/// `vzconnect serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "VZCONNECT_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Public base URL (default: http://<bind>).
    #[arg(long, env = "VZCONNECT_ISSUER")]
    issuer: Option<String>,
    /// Create a demo user and client, and print how to try the flow.
    #[arg(long, env = "VZCONNECT_DEMO")]
    demo: bool,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "VZCONNECT_WORKERS")]
    workers: Option<usize>,
    /// The server name in Matrix user ids for widget sign-in (default: the issuer's host:port).
    #[arg(long, env = "VZCONNECT_MATRIX_SERVER_NAME")]
    matrix_server_name: Option<String>,
    /// SMTP server for mail, e.g. smtp://user:password@mail.example:587 (default: the outbox).
    #[arg(long, env = "VZCONNECT_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of mail.
    #[arg(
        long,
        env = "VZCONNECT_MAIL_FROM",
        default_value = "vzconnect <noreply@localhost>"
    )]
    mail_from: String,
    /// Folder that receives mail when no SMTP server is set (default: <database file>.outbox).
    #[arg(long, env = "VZCONNECT_OUTBOX")]
    outbox: Option<std::path::PathBuf>,
    /// The initial access token that POST /register requires (default: registration is open).
    #[arg(long, env = "VZCONNECT_REGISTRATION_TOKEN", hide_env_values = true)]
    registration_token: Option<String>,
    /// Seconds a widget credential lives.
    #[arg(long, env = "VZCONNECT_WIDGET_TOKEN_TTL", default_value_t = 3600)]
    widget_token_ttl: i64,
}

pub(super) async fn run(globals: &Globals, args: ServeArgs) -> Result<(), CliError> {
    let issuer = normalize_issuer(
        &args
            .issuer
            .unwrap_or_else(|| format!("http://{}", args.bind)),
    )
    .map_err(CliError::Usage)?;
    let address: SocketAddr = args.bind.parse().map_err(|_| {
        CliError::Usage(format!(
            "--bind: '{}' is not an address like 127.0.0.1:8080",
            args.bind
        ))
    })?;
    // Bind before writing anything, so a busy port leaves the database as it was.
    let listener = TcpListener::bind(address)
        .map_err(|e| CliError::Runtime(format!("cannot listen on {address}: {e}")))?;
    if args.widget_token_ttl <= 0 {
        return Err(CliError::Usage(
            "--widget-token-ttl must be a positive number of seconds".into(),
        ));
    }
    if let Some(name) = &args.matrix_server_name {
        crate::matrix::MatrixUserId::parse(&format!("@check:{name}")).map_err(|_| {
            CliError::Usage(format!(
                "--matrix-server-name: '{name}' is not a host[:port]"
            ))
        })?;
    }
    let outbox = args
        .outbox
        .clone()
        .unwrap_or_else(|| globals.beside_database("outbox"));
    let mailer = crate::mail::Mailer::new(args.smtp_url.as_deref(), outbox, &args.mail_from)
        .map_err(CliError::Usage)?;
    let (store, key) = globals.open()?;
    for alg in ensure_signing_keys(store.as_ref(), &key, SystemClock.now()).await? {
        println!("created a new {} signing key", alg.as_str());
    }
    if args.demo {
        demo::ensure(store.as_ref(), &key, &issuer).await?;
    }
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let state = AppState {
        store,
        clock: Arc::new(SystemClock),
        key,
        passwords: PasswordPool::new(workers),
        metrics: Metrics::default(),
        keys: SigningKeys::default(),
        http: reqwest::Client::new(),
        mailer,
        registration_token: args.registration_token.clone(),
        matrix: MatrixSettings::new(
            args.matrix_server_name
                .clone()
                .unwrap_or_else(|| server_name_from_issuer(&issuer)),
            args.widget_token_ttl,
            MINTS_PER_MINUTE,
        ),
        secure_cookies: issuer.starts_with("https://"),
        issuer: issuer.clone(),
        demo: args.demo,
    };
    spawn_purger(state.store.clone(), state.clock.clone());
    log::info!("vzconnect listening on {} as {issuer}", args.bind);
    println!("vzconnect listening on {} (issuer {issuer})", args.bind);
    crate::start_server(listener, state, workers)
        .map_err(|e| CliError::Runtime(e.to_string()))?
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))
}

/// How often expired sessions, codes and tokens are deleted.
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Deletes expired rows in the background so the tables do not grow without bound.
fn spawn_purger(store: Arc<dyn Store>, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(PURGE_EVERY);
        loop {
            interval.tick().await;
            match store.purge_expired(clock.now()).await {
                Ok(0) => {}
                Ok(n) => log::info!("purged {n} expired sessions, codes and tokens"),
                Err(e) => log::warn!("purging expired rows failed: {e}"),
            }
        }
    });
}
