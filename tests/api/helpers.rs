//! `spawn_app()` and the browser/client helpers the tests share.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use reqwest::header::LOCATION;
use reqwest::{redirect, Response, StatusCode};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use vzconnect::auth::password::hash_now;
pub use vzconnect::clock::FixedClock;
use vzconnect::clock::{Clock, SystemClock};
use vzconnect::crypto::{random_token, SecretKey};
pub use vzconnect::domain::outbound::OutboundRules;
use vzconnect::domain::records::{Client, NewUser};
use vzconnect::domain::{
    ClientId, GrantType, IdTokenAlg, RedirectUri, SignatureMethod, Sub, TokenEndpointAuthMethod,
};
use vzconnect::oidc::keys::{generate, ASYMMETRIC};
use vzconnect::store::sqlite::SqliteStore;
use vzconnect::store::Store;
use vzconnect::web::Metrics;
pub use vzconnect::web::RegistrationPolicy;

pub const PASSWORD: &str = "alice-password";
pub const REDIRECT_URI: &str = "http://127.0.0.1/callback";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// A registered client and its secret.
#[derive(Clone)]
pub struct TestClient {
    pub id: String,
    pub secret: Option<String>,
}

/// A running server with a seeded user and clients.
pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    pub store: Arc<SqliteStore>,
    pub db_path: PathBuf,
    /// Confidential, HMAC-SHA256, every grant type.
    pub web: TestClient,
    /// Confidential, HMAC-SHA1, code + refresh + implicit: a VZ-era site.
    pub vz: TestClient,
    /// Public (PKCE), code + refresh.
    pub public: TestClient,
    pub alice_sub: String,
    /// The server's secret key, for command-line runs against the same database.
    pub secret_key: String,
    /// Where the server's mail goes.
    pub outbox: PathBuf,
    /// The server's counters.
    pub metrics: Metrics,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// How a test server differs from the default one.
pub struct Options {
    /// Seconds a widget credential lives.
    pub widget_ttl: i64,
    /// The issuer, when it is not the listener's own http URL.
    pub issuer: Option<String>,
    /// Who may use `POST /register` (default: closed, as in production).
    pub registration: RegistrationPolicy,
    /// The outbound policy (default: insecure, so that the test's own receivers on
    /// 127.0.0.1 can be reached).
    pub outbound: OutboundRules,
    /// Proxies whose `X-Forwarded-For` counts (default: none).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A clock the test moves (default: the system clock).
    pub clock: Option<FixedClock>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            widget_ttl: 3600,
            issuer: None,
            registration: RegistrationPolicy::Closed,
            outbound: OutboundRules::Insecure,
            trusted_proxies: Vec::new(),
            clock: None,
        }
    }
}

/// A test server where anyone may use `POST /register`.
pub async fn spawn_app_open_registration() -> TestApp {
    spawn_app_with(Options {
        registration: RegistrationPolicy::Open,
        ..Options::default()
    })
    .await
}

/// A test server set up as `options` say.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let widget_ttl = options.widget_ttl;
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("test.db");
    let store = Arc::new(SqliteStore::open(&db_path).unwrap());
    let key = SecretKey::generate();
    let now = SystemClock.now();
    let alice_sub = Sub::generate();
    let bob_sub = Sub::generate();
    for (sub, username, name) in [
        (&alice_sub, "alice", "Alice Example"),
        (&bob_sub, "bob", "Bob Example"),
    ] {
        store
            .create_user(NewUser {
                sub: sub.clone(),
                username: username.into(),
                email: format!("{username}@example.org"),
                name: Some(name.into()),
                password_hash: hash_now(PASSWORD).unwrap(),
                email_verified: true,
                created_at: now,
            })
            .await
            .unwrap();
    }
    use GrantType::*;
    let web = register(
        &store,
        &key,
        "Web Site",
        &[AuthorizationCode, RefreshToken, ClientCredentials, Implicit],
        SignatureMethod::HmacSha256,
        false,
    )
    .await;
    let vz = register(
        &store,
        &key,
        "VZ Site",
        &[AuthorizationCode, RefreshToken, Implicit],
        SignatureMethod::HmacSha1,
        false,
    )
    .await;
    let public = register(
        &store,
        &key,
        "Public App",
        &[AuthorizationCode, RefreshToken],
        SignatureMethod::HmacSha256,
        true,
    )
    .await;

    for key in signing_keys(&key) {
        store.add_signing_key(key).await.unwrap();
    }

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let issuer = options.issuer.unwrap_or_else(|| address.clone());
    let secret_key = key.to_base64url();
    let outbox = dir.path().join("outbox");
    let config = vzconnect::app::AppConfig {
        issuer,
        clock: match &options.clock {
            Some(fixed) => Arc::new(fixed.clone()) as Arc<dyn Clock>,
            None => Arc::new(SystemClock),
        },
        workers: 2,
        outbound: vzconnect::outbound::Outbound::new(options.outbound).unwrap(),
        mailer: vzconnect::mail::Mailer::new(None, outbox.clone(), "vzconnect <noreply@localhost>")
            .unwrap(),
        registration: options.registration,
        trusted_proxies: options.trusted_proxies,
        matrix_server_name: Some(vzconnect::matrix::server_name_from_issuer(&address)),
        widget_token_ttl: widget_ttl,
        demo: true,
    };
    // The same assembly as `vzconnect serve`: signing keys ensured, the purger started.
    let (state, _) = vzconnect::app::build(store.clone(), key, config)
        .await
        .unwrap();
    let metrics = state.metrics.clone();
    let server =
        vzconnect::start_server(listener, state, vzconnect::Connections::with_workers(2)).unwrap();
    tokio::spawn(server);
    TestApp {
        address,
        http: browser(),
        store,
        db_path,
        web,
        vz,
        public,
        alice_sub: alice_sub.as_str().to_string(),
        secret_key,
        outbox,
        metrics,
        _dir: dir,
    }
}

/// RS256 and ES256 keys, generated once per test run (RSA generation is slow), sealed with
/// this app's secret key.
fn signing_keys(secret: &SecretKey) -> Vec<vzconnect::domain::records::SigningKey> {
    static KEYS: std::sync::OnceLock<(SecretKey, Vec<vzconnect::domain::records::SigningKey>)> =
        std::sync::OnceLock::new();
    let (original, keys) = KEYS.get_or_init(|| {
        let original = SecretKey::generate();
        let keys = ASYMMETRIC
            .iter()
            .map(|alg| generate(*alg, &original, SystemClock.now()).unwrap())
            .collect();
        (original, keys)
    });
    keys.iter()
        .map(|k| {
            let der = original.open(k.kid.as_bytes(), &k.private_sealed).unwrap();
            vzconnect::domain::records::SigningKey {
                private_sealed: secret.seal(k.kid.as_bytes(), &der),
                ..k.clone()
            }
        })
        .collect()
}

/// A client that keeps cookies and does not follow redirects, like a test browser.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

async fn register(
    store: &SqliteStore,
    key: &SecretKey,
    name: &str,
    grants: &[GrantType],
    method: SignatureMethod,
    public: bool,
) -> TestClient {
    let id = random_token(16);
    let secret = (!public).then(|| random_token(32));
    let client = Client {
        client_id: ClientId::parse(&id).unwrap(),
        name: name.into(),
        redirect_uris: vec![RedirectUri::parse(REDIRECT_URI).unwrap()],
        grant_types: grants.to_vec(),
        auth_method: if public {
            TokenEndpointAuthMethod::None
        } else {
            TokenEndpointAuthMethod::ClientSecretBasic
        },
        signature_method: method,
        id_token_alg: IdTokenAlg::RS256,
        post_logout_redirect_uris: vec![],
        backchannel_logout_uri: None,
        sector_identifier: None,
        sector_identifier_uri: None,
        verified: true,
        owner: None,
        description: None,
        client_uri: None,
        logo_uri: None,
        registration_token_hash: None,
        sealed_secret: secret
            .as_ref()
            .map(|s| key.seal(id.as_bytes(), s.as_bytes())),
        created_at: SystemClock.now(),
    };
    store.create_client(client).await.unwrap();
    TestClient { id, secret }
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// Undoes askama's HTML escaping of attribute values (named and numeric entities).
pub fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of the hidden input `name` in a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html_unescape(&html[start..end])
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("no Location header (status {})", response.status()))
        .to_str()
        .unwrap()
        .to_string()
}

/// The parameters in a URL's query (or fragment, with `fragment = true`).
pub fn url_params(url: &str, fragment: bool) -> Vec<(String, String)> {
    let parsed = url::Url::parse(url).unwrap();
    let part = if fragment {
        parsed.fragment().unwrap_or("")
    } else {
        parsed.query().unwrap_or("")
    };
    url::form_urlencoded::parse(part.as_bytes())
        .into_owned()
        .collect()
}

pub fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

pub async fn assert_oauth_error(
    response: Response,
    status: StatusCode,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status(), status, "status for {code}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
    body
}

impl TestApp {
    /// Registers one more confidential client (every grant, HMAC-SHA256, [`REDIRECT_URI`]),
    /// changed by `customize` before it is stored.
    pub async fn add_client(&self, customize: impl FnOnce(&mut Client)) -> TestClient {
        let key = SecretKey::parse(&self.secret_key).unwrap();
        let id = random_token(16);
        let secret = random_token(32);
        use GrantType::*;
        let mut client = Client {
            client_id: ClientId::parse(&id).unwrap(),
            name: "Extra Site".into(),
            redirect_uris: vec![RedirectUri::parse(REDIRECT_URI).unwrap()],
            grant_types: vec![AuthorizationCode, RefreshToken, Implicit],
            auth_method: TokenEndpointAuthMethod::ClientSecretBasic,
            signature_method: SignatureMethod::HmacSha256,
            id_token_alg: IdTokenAlg::RS256,
            post_logout_redirect_uris: vec![],
            backchannel_logout_uri: None,
            sector_identifier: None,
            sector_identifier_uri: None,
            verified: true,
            owner: None,
            description: None,
            client_uri: None,
            logo_uri: None,
            registration_token_hash: None,
            sealed_secret: None,
            created_at: SystemClock.now(),
        };
        customize(&mut client);
        let id = client.client_id.as_str().to_string();
        client.sealed_secret = Some(key.seal(id.as_bytes(), secret.as_bytes()));
        self.store.create_client(client).await.unwrap();
        TestClient {
            id,
            secret: Some(secret),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Signs in through the login form.
    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.login_in(&self.http, username, password).await
    }

    /// Signs in through the login form in another browser (`http`).
    pub async fn login_in(
        &self,
        http: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> Response {
        let page = http
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden_field(&page, "csrf_token");
        http.post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", &csrf),
                ("return_to", "/"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// GET /oauth/authorize with `query`.
    pub async fn authorize(&self, query: &[(&str, &str)]) -> Response {
        self.http
            .get(self.url("/oauth/authorize"))
            .query(query)
            .send()
            .await
            .unwrap()
    }

    /// Follows a redirect to the consent page and answers it.
    pub async fn answer_consent(
        &self,
        consent_url: &str,
        decision: &str,
        remember: bool,
    ) -> Response {
        let page = self.http.get(self.url(consent_url)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        let mut form = vec![
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("request", hidden_field(&page, "request")),
            ("decision", decision.to_string()),
        ];
        if remember {
            form.push(("remember", "1".into()));
        }
        self.http
            .post(self.url("/consent"))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Logs alice in, authorizes `client` for `scope` and returns the redirect back to the client.
    pub async fn authorize_with_consent(&self, query: &[(&str, &str)]) -> String {
        self.login("alice", PASSWORD).await;
        let response = self.authorize(query).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let next = location(&response);
        assert!(
            next.starts_with("/consent?"),
            "expected consent, got {next}"
        );
        let response = self.answer_consent(&next, "allow", false).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }

    /// A code for `client` with `scope` (PKCE with [`VERIFIER`]).
    pub async fn code_for(&self, client: &TestClient, scope: &str) -> String {
        let challenge = challenge(VERIFIER);
        let back = self
            .authorize_with_consent(&[
                ("response_type", "code"),
                ("client_id", &client.id),
                ("redirect_uri", REDIRECT_URI),
                ("scope", scope),
                ("state", "s1"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        param(&url_params(&back, false), "code").expect("a code in the redirect")
    }

    /// POST /oauth/token with Basic authentication for `client` (form body otherwise).
    pub async fn token(&self, client: &TestClient, form: &[(&str, &str)]) -> Response {
        let request = self.http.post(self.url("/oauth/token"));
        let request = match &client.secret {
            Some(secret) => request
                .header("Authorization", basic(&client.id, secret))
                .form(form),
            None => {
                let mut form = form.to_vec();
                form.push(("client_id", &client.id));
                request.form(&form)
            }
        };
        request.send().await.unwrap()
    }

    /// Redeems a code made by [`TestApp::code_for`].
    pub async fn redeem(&self, client: &TestClient, code: &str) -> Response {
        self.token(
            client,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ],
        )
        .await
    }

    /// Runs the `vzconnect` command line on this server's database, as an operator would
    /// while it runs; returns standard output and fails the test if the command fails.
    pub fn cli<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Vec<u8> {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"))
            .args(args)
            .env(
                "VZCONNECT_DATABASE",
                format!("sqlite://{}", self.db_path.display()),
            )
            .env("VZCONNECT_SECRET_KEY", &self.secret_key)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{:?}: {}",
            args.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// Runs the command line on this server's database expecting a usage error (exit 2);
    /// its standard error.
    pub fn cli_failure(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"))
            .args(args)
            .env(
                "VZCONNECT_DATABASE",
                format!("sqlite://{}", self.db_path.display()),
            )
            .env("VZCONNECT_SECRET_KEY", &self.secret_key)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    }

    /// Every row of every table, every column, to prove that a failed request changed
    /// nothing. Left out: the audit trail, which records failed attempts on purpose, when a
    /// session was last seen, and the readiness probe's own bookkeeping.
    pub fn db_snapshot(&self) -> Vec<(String, Vec<String>)> {
        let conn = Connection::open(&self.db_path).unwrap();
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name <> 'audit_events' ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        tables
            .into_iter()
            .map(|table| {
                let mut statement = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
                let columns = statement.column_count();
                // When a session was last seen is activity, not a change a request made.
                let kept: Vec<usize> = (0..columns)
                    .filter(|&i| statement.column_name(i).unwrap() != "last_seen_at")
                    .collect();
                let mut rows: Vec<String> = statement
                    .query_map([], |row| {
                        let values: Vec<String> = kept
                            .iter()
                            .map(|&i| {
                                format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap())
                            })
                            .collect();
                        Ok(values.join("|"))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .filter(|row| !row.starts_with("Text(\"write_probe\")"))
                    .collect();
                rows.sort();
                (table, rows)
            })
            .collect()
    }
}

/// A one-route HTTP server that records the bodies POSTed to it (a client's back-channel
/// logout endpoint); its URL and what it received.
pub async fn post_receiver() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/backchannel",
        listener.local_addr().unwrap().port()
    );
    let sink = received.clone();
    let server = actix_web::HttpServer::new(move || {
        let sink = sink.clone();
        actix_web::App::new().route(
            "/backchannel",
            actix_web::web::post().to(move |body: String| {
                let sink = sink.clone();
                async move {
                    sink.lock().unwrap().push(body);
                    actix_web::HttpResponse::Ok().finish()
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (url, received)
}

/// An id_token for `client` from a code flow with `openid` (alice signs in if she has not).
pub async fn id_token_for(app: &TestApp, client: &TestClient) -> String {
    let code = app.code_for(client, "openid").await;
    let body: serde_json::Value = app.redeem(client, &code).await.json().await.unwrap();
    body["id_token"].as_str().unwrap().to_string()
}

/// Waits up to five seconds until `count` reads at least `at_least`; whether it did.
pub async fn eventually(count: impl Fn() -> u64, at_least: u64) -> bool {
    for _ in 0..100 {
        if count() >= at_least {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// The first body `received` gets, waiting up to five seconds for it.
pub async fn first_post(received: &std::sync::Mutex<Vec<String>>) -> Option<String> {
    for _ in 0..100 {
        if let Some(first) = received.lock().unwrap().first().cloned() {
            return Some(first);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    None
}

/// Decodes an id_token with the server's published JWKS, checking signature, iss and aud.
pub async fn verify_with_jwks(app: &TestApp, token: &str, audience: &str) -> serde_json::Value {
    let jwks: jsonwebtoken::jwk::JwkSet = app
        .http
        .get(app.url("/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.expect("a kid in the header");
    let jwk = jwks
        .find(&kid)
        .unwrap_or_else(|| panic!("kid {kid} not in the JWKS"));
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[&app.address]);
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
        .unwrap()
        .claims
}

/// Starts `command` (`vzconnect serve` on port 0, or a shell around it) with its stdout piped
/// and returns it with the address it prints once it listens. The caller kills it and waits.
#[allow(clippy::zombie_processes)]
pub fn listening(mut command: std::process::Command) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server exited"
        );
        if let Some(rest) = line.strip_prefix("vzconnect listening on ") {
            let address = rest.split_whitespace().next().unwrap().to_string();
            return (child, address);
        }
    }
}
