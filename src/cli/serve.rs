//! `vzconnect serve`.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use clap::Args;

use super::{demo, Access, CliError, Globals};
use crate::app::AppConfig;
use crate::clock::{Clock, SystemClock};
use crate::config::{database_path, normalize_issuer};
use crate::domain::outbound::OutboundRules;
use crate::outbound::Outbound;
use crate::store::Store;
use crate::web::{parse_trusted_proxies, RegistrationPolicy};

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
    /// SMTP server for mail: smtps://user:password@mail.example:465, or
    /// smtp://user:password@mail.example:587?tls=required (default: the outbox).
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
    /// Who may use POST /register: closed, token (the initial access token
    /// --registration-token) or open (default: token when a token is set, else closed).
    #[arg(long, env = "VZCONNECT_REGISTRATION", value_parser = ["closed", "token", "open"])]
    registration: Option<String>,
    /// The initial access token that POST /register requires.
    #[arg(long, env = "VZCONNECT_REGISTRATION_TOKEN", hide_env_values = true)]
    registration_token: Option<String>,
    /// A reverse proxy (address or CIDR range, repeat for several) whose X-Forwarded-For is
    /// believed for the client's address (default: none; the peer's address counts).
    #[arg(
        long = "trusted-proxy",
        env = "VZCONNECT_TRUSTED_PROXY",
        value_delimiter = ' '
    )]
    trusted_proxies: Vec<String>,
    /// Seconds an idle keep-alive connection stays open (keep it longer than the idle timeout
    /// of the proxy or clients in front).
    #[arg(long, env = "VZCONNECT_KEEP_ALIVE", default_value_t = 75)]
    keep_alive: u64,
    /// Seconds a graceful shutdown (SIGTERM) waits for requests in flight; SIGINT stops at
    /// once.
    #[arg(long, env = "VZCONNECT_SHUTDOWN_GRACE", default_value_t = 5)]
    shutdown_grace: u64,
    /// Serve Prometheus metrics at /metrics on this address (default: not served).
    #[arg(long, env = "VZCONNECT_METRICS_BIND")]
    metrics_bind: Option<String>,
    /// Seconds a widget credential lives.
    #[arg(long, env = "VZCONNECT_WIDGET_TOKEN_TTL", default_value_t = 3600)]
    widget_token_ttl: i64,
}

/// The server's settings, checked: everything `serve` needs before it binds a port or opens
/// the database (`config check` shows the same).
pub(super) struct Settings {
    pub issuer: String,
    pub address: SocketAddr,
    pub metrics_address: Option<SocketAddr>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub registration: RegistrationPolicy,
    pub mailer: crate::mail::Mailer,
    pub rules: OutboundRules,
}

impl ServeArgs {
    /// Validates every setting; nothing is bound, opened or written.
    pub(super) fn check(&self, globals: &Globals) -> Result<Settings, CliError> {
        let issuer = normalize_issuer(
            &self
                .issuer
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.bind)),
        )
        .map_err(CliError::Usage)?;
        let address: SocketAddr = self.bind.parse().map_err(|_| {
            CliError::Usage(format!(
                "--bind: '{}' is not an address like 127.0.0.1:8080",
                self.bind
            ))
        })?;
        let metrics_address = self
            .metrics_bind
            .as_ref()
            .map(|bind| {
                bind.parse::<SocketAddr>().map_err(|_| {
                    CliError::Usage(format!(
                        "--metrics-bind: '{bind}' is not an address like 127.0.0.1:9090"
                    ))
                })
            })
            .transpose()?;
        let trusted_proxies =
            parse_trusted_proxies(&self.trusted_proxies).map_err(CliError::Usage)?;
        let registration = registration_policy(
            self.registration.as_deref(),
            self.registration_token.clone(),
        )?;
        if self.widget_token_ttl <= 0 {
            return Err(CliError::Usage(
                "--widget-token-ttl must be a positive number of seconds".into(),
            ));
        }
        if let Some(name) = &self.matrix_server_name {
            crate::matrix::MatrixUserId::parse(&format!("@check:{name}")).map_err(|_| {
                CliError::Usage(format!(
                    "--matrix-server-name: '{name}' is not a host[:port]"
                ))
            })?;
        }
        let outbox = self
            .outbox
            .clone()
            .unwrap_or_else(|| globals.beside_database("outbox"));
        let mailer = crate::mail::Mailer::new(self.smtp_url.as_deref(), outbox, &self.mail_from)
            .map_err(CliError::Usage)?;
        database_path(&globals.database).map_err(CliError::Usage)?;
        Ok(Settings {
            issuer,
            address,
            metrics_address,
            trusted_proxies,
            registration,
            mailer,
            rules: OutboundRules::from_flag(globals.allow_insecure_outbound),
        })
    }
}

pub(super) async fn run(globals: &Globals, args: ServeArgs) -> Result<(), CliError> {
    let Settings {
        issuer,
        address,
        metrics_address,
        trusted_proxies,
        registration,
        mailer,
        rules,
    } = args.check(globals)?;
    // Bind before writing anything, so a busy port leaves the database as it was.
    let listener = TcpListener::bind(address)
        .map_err(|e| CliError::Runtime(format!("cannot listen on {address}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| CliError::Runtime(e.to_string()))?;
    // Without --issuer the issuer is the address bound, the port included when it was 0.
    let issuer = if args.issuer.is_none() && address.port() == 0 {
        normalize_issuer(&format!("http://{bound}")).map_err(CliError::Usage)?
    } else {
        issuer
    };
    let metrics_listener = metrics_address
        .map(|address| {
            TcpListener::bind(address).map_err(|e| {
                CliError::Runtime(format!("cannot listen on {address} for metrics: {e}"))
            })
        })
        .transpose()?;
    let outbound = Outbound::new(rules).map_err(CliError::Runtime)?;
    let (store, key) = globals.open(Access::Create).await?;
    // A database that takes no writes (a read-only mount, say) would fail every request that
    // changes something: refuse to start instead.
    store.probe_write(SystemClock.now()).await.map_err(|e| {
        CliError::Runtime(format!(
            "the database does not take writes ({e}); the server does not start"
        ))
    })?;
    // A secret that cannot be opened would fail requests one by one: refuse to start instead.
    let broken = super::secret::unopenable(&store.sealed_values()?, &key);
    if !broken.is_empty() {
        return Err(CliError::Runtime(format!(
            "the secret key cannot open {}; the server does not start",
            broken.join(", ")
        )));
    }
    if args.demo {
        demo::ensure(store.as_ref(), &key, &issuer).await?;
    }
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let config = AppConfig {
        issuer: issuer.clone(),
        clock: Arc::new(SystemClock),
        workers,
        outbound,
        mailer,
        registration,
        trusted_proxies,
        matrix_server_name: args.matrix_server_name.clone(),
        widget_token_ttl: args.widget_token_ttl,
        demo: args.demo,
    };
    let (state, created) = crate::app::build(store, key, config).await?;
    for alg in created {
        println!("created a new {} signing key", alg.as_str());
    }
    if let Some(listener) = metrics_listener {
        let address = listener
            .local_addr()
            .map_err(|e| CliError::Runtime(e.to_string()))?;
        let server = crate::start_metrics_server(listener, state.metrics.clone())
            .map_err(|e| CliError::Runtime(e.to_string()))?;
        tokio::spawn(server);
        println!("metrics at http://{address}/metrics");
    }
    // The bound address, so `--bind 127.0.0.1:0` reports the port it got.
    log::info!("vzconnect listening on {bound} as {issuer}");
    println!("vzconnect listening on {bound} (issuer {issuer})");
    if rules == OutboundRules::Insecure {
        let warning = "--allow-insecure-outbound: outbound requests may use http and reach local and private addresses; never use this in production";
        log::warn!("{warning}");
        println!("warning: {warning}");
    }
    let connections = crate::Connections {
        workers,
        keep_alive: std::time::Duration::from_secs(args.keep_alive.max(1)),
        shutdown_grace: std::time::Duration::from_secs(args.shutdown_grace),
    };
    crate::start_server(listener, state, connections)
        .map_err(|e| CliError::Runtime(e.to_string()))?
        .await
        .map_err(|e| CliError::Runtime(e.to_string()))
}

/// `--registration` and `--registration-token` together.
fn registration_policy(
    mode: Option<&str>,
    token: Option<String>,
) -> Result<RegistrationPolicy, CliError> {
    let token = token.filter(|t| !t.is_empty());
    match (mode, token) {
        (None | Some("token"), Some(token)) if token.len() >= 16 => {
            Ok(RegistrationPolicy::Token(token))
        }
        (None | Some("token"), Some(_)) => Err(CliError::Usage(
            "--registration-token must be at least 16 characters".into(),
        )),
        (Some("token"), None) => Err(CliError::Usage(
            "--registration token needs --registration-token".into(),
        )),
        (None | Some("closed"), None) => Ok(RegistrationPolicy::Closed),
        (Some("open"), None) => Ok(RegistrationPolicy::Open),
        (Some(mode), Some(_)) => Err(CliError::Usage(format!(
            "--registration {mode} takes no --registration-token"
        ))),
        (Some(other), None) => Err(CliError::Usage(format!(
            "--registration: '{other}' (closed, token or open)"
        ))),
    }
}
