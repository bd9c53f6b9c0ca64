//! Load generator for a running vzconnect (`scripts/bench` starts one and runs this against
//! it). Each scenario runs for a fixed time with a fixed number of concurrent clients and
//! reports requests per second and latency percentiles; docs/performance.md records results.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use tokio::sync::Mutex;

#[derive(Parser)]
struct Args {
    /// The server's issuer URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    issuer: String,
    /// The demo client's secret (`serve --demo` prints it).
    #[arg(long)]
    demo_secret: String,
    /// A client registered for `client_credentials`, and its secret.
    #[arg(long)]
    client_id: String,
    #[arg(long)]
    client_secret: String,
    /// A code-flow client that signs id_tokens with ES256 (same redirect URI as the demo
    /// client), and its secret: runs the full flow authorize → token → PoCo with it.
    #[arg(long)]
    es256_client_id: Option<String>,
    #[arg(long)]
    es256_client_secret: Option<String>,
    /// Concurrent clients per scenario.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The bare actix baseline (`examples/baseline.rs`): run its scenarios too and print
    /// each vzconnect scenario's ratio to its floor.
    #[arg(long)]
    baseline: Option<String>,
    /// node oidc-provider's issuer, with the same client registered for
    /// `client_credentials`: run its scenarios too and print the ratios.
    #[arg(long)]
    peer: Option<String>,
}

/// A value from `name="…" value="…"` in a page.
fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field") + marker.len();
    let end = html[start..].find('"').expect("closing quote");
    unescape(&html[start..start + end])
}

/// Decodes the entities askama writes (`&#38;`, `&quot;`, …).
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').map_or(at, |e| at + e);
        let entity = &rest[at + 1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
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
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A browser: keeps cookies, does not follow redirects.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Signs `demo` in on `client`; true when the server accepted the password.
async fn sign_in(client: &Client, issuer: &str) -> bool {
    let Ok(page) = client.get(format!("{issuer}/login")).send().await else {
        return false;
    };
    let page = page.text().await.unwrap_or_default();
    let form = [
        ("csrf_token", hidden_field(&page, "csrf_token")),
        ("return_to", "/".to_string()),
        ("username", "demo".to_string()),
        ("password", "demo-password".to_string()),
    ];
    matches!(
        client.post(format!("{issuer}/login")).form(&form).send().await,
        Ok(r) if r.status() == StatusCode::SEE_OTHER
    )
}

fn authorize_url(issuer: &str, client_id: &str) -> String {
    format!(
        "{issuer}/oauth/authorize?response_type=code&client_id={client_id}\
         &redirect_uri={issuer}/demo/callback&scope=openid+profile+email&state=load"
    )
}

/// One code flow for a signed-in browser whose consent is remembered: authorize, then
/// redeem the code. Returns the token response.
async fn code_flow(
    browser: &Client,
    issuer: &str,
    (client_id, secret): (&str, &str),
) -> Option<Value> {
    let back = browser
        .get(authorize_url(issuer, client_id))
        .send()
        .await
        .ok()?;
    let location = back.headers().get("location")?.to_str().ok()?.to_string();
    let code = url::Url::parse(&location)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == "code")?
        .1
        .into_owned();
    let redirect_uri = format!("{issuer}/demo/callback");
    let response = browser
        .post(format!("{issuer}/oauth/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
        ])
        .send()
        .await
        .ok()?;
    (response.status() == StatusCode::OK).then_some(())?;
    response.json().await.ok()
}

/// A code flow, then the person's Portable Contacts record with the new access token.
async fn full_flow(browser: &Client, issuer: &str, client: (&str, &str)) -> bool {
    let Some(tokens) = code_flow(browser, issuer, client).await else {
        return false;
    };
    let Some(access) = tokens["access_token"].as_str() else {
        return false;
    };
    let poco = browser
        .get(format!("{issuer}/poco/@me/@self"))
        .bearer_auth(access);
    matches!(poco.send().await, Ok(r) if r.status() == StatusCode::OK)
}

/// Signs in and remembers consent for each of `clients`, so later authorizations go straight
/// back with a code.
async fn prepare(issuer: &str, clients: &[&str]) -> Client {
    let client = browser();
    assert!(sign_in(&client, issuer).await, "demo sign-in failed");
    for id in clients {
        remember_consent(&client, issuer, id).await;
    }
    client
}

async fn remember_consent(client: &Client, issuer: &str, client_id: &str) {
    let consent = client
        .get(authorize_url(issuer, client_id))
        .send()
        .await
        .unwrap();
    let next = consent.headers()["location"].to_str().unwrap().to_string();
    if next.starts_with("/consent") {
        let page = client
            .get(format!("{issuer}{next}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let form = [
            ("csrf_token", hidden_field(&page, "csrf_token")),
            ("request", hidden_field(&page, "request")),
            ("decision", "allow".into()),
            ("remember", "1".into()),
        ];
        client
            .post(format!("{issuer}/consent"))
            .form(&form)
            .send()
            .await
            .unwrap();
    }
}

/// Runs `op` from `concurrency` tasks for `seconds`, prints the numbers and returns the
/// operations completed per second.
async fn scenario<F, Fut>(name: &str, args: &Args, op: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(0u64));
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let op = op.clone();
            let latencies = latencies.clone();
            let errors = errors.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                let mut failed = 0;
                while Instant::now() < deadline {
                    let start = Instant::now();
                    if op().await {
                        mine.push(start.elapsed());
                    } else {
                        failed += 1;
                    }
                }
                latencies.lock().await.extend(mine);
                *errors.lock().await += failed;
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut all = latencies.lock().await.clone();
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let rate = all.len() as f64 / args.seconds as f64;
    println!(
        "| {name} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} |",
        args.concurrency,
        rate,
        pick(0.5),
        pick(0.99),
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        *errors.lock().await,
    );
    rate
}

/// Operations per second of every scenario, by name, for the ratios.
type Rates = Vec<(&'static str, f64)>;

/// A GET that must answer 200.
fn get_ok(http: &Client, url: String, bearer: Option<String>) -> impl Fn() -> GetFuture + Clone {
    let http = http.clone();
    move || {
        let mut request = http.get(&url);
        if let Some(token) = &bearer {
            request = request.bearer_auth(token);
        }
        Box::pin(
            async move { matches!(request.send().await, Ok(r) if r.status() == StatusCode::OK) },
        )
    }
}

type GetFuture = std::pin::Pin<Box<dyn Future<Output = bool> + Send>>;

/// A `client_credentials` token request that must answer 200.
fn client_credentials(
    http: &Client,
    url: String,
    id: String,
    secret: String,
) -> impl Fn() -> GetFuture + Clone {
    let http = http.clone();
    move || {
        let request = http
            .post(&url)
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")]);
        Box::pin(
            async move { matches!(request.send().await, Ok(r) if r.status() == StatusCode::OK) },
        )
    }
}

/// The peers' scenarios, then each vzconnect scenario's ratio to its yardstick.
async fn compare(args: &Args, http: &Client, ours: &Rates) {
    let mut theirs: Rates = Vec::new();
    if let Some(base) = &args.baseline {
        let base = base.trim_end_matches('/');
        let json = get_ok(http, format!("{base}/json"), None);
        theirs.push((
            "bare actix: JSON",
            scenario("bare actix: JSON", args, json).await,
        ));
        let hmac = client_credentials(http, format!("{base}/token"), "x".into(), "y".into());
        let name = "bare actix: form + HMAC";
        theirs.push((name, scenario(name, args, hmac).await));
    }
    if let Some(peer) = &args.peer {
        let peer = peer.trim_end_matches('/');
        let (id, secret) = (args.client_id.clone(), args.client_secret.clone());
        let name = "node oidc-provider: client_credentials";
        let op = client_credentials(http, format!("{peer}/token"), id, secret);
        theirs.push((name, scenario(name, args, op).await));
        let name = "node oidc-provider: discovery";
        let op = get_ok(
            http,
            format!("{peer}/.well-known/openid-configuration"),
            None,
        );
        theirs.push((name, scenario(name, args, op).await));
    }
    let rate = |rates: &Rates, name: &str| rates.iter().find(|(n, _)| *n == name).map(|r| r.1);
    println!("\n| vzconnect scenario | compared with | ratio |\n|---|---|---|");
    let pairs = [
        ("discovery document", "bare actix: JSON"),
        ("JWKS", "bare actix: JSON"),
        ("UserInfo (bearer)", "bare actix: JSON"),
        ("PoCo @me/@self (bearer)", "bare actix: JSON"),
        ("token: client_credentials", "bare actix: form + HMAC"),
        (
            "token: client_credentials",
            "node oidc-provider: client_credentials",
        ),
        ("discovery document", "node oidc-provider: discovery"),
    ];
    for (mine, yardstick) in pairs {
        if let (Some(a), Some(b)) = (rate(ours, mine), rate(&theirs, yardstick)) {
            let ratio = if b > 0.0 { a / b } else { 0.0 };
            println!("| {mine} | {yardstick} | {ratio:.2} |");
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Arc::new(Args::parse());
    let issuer = args.issuer.trim_end_matches('/').to_string();
    let mut clients = vec!["demo-client"];
    clients.extend(args.es256_client_id.as_deref());
    let signed_in = prepare(&issuer, &clients).await;
    let tokens = code_flow(&signed_in, &issuer, ("demo-client", &args.demo_secret))
        .await
        .expect("a first code flow");
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let http = Client::builder().redirect(Policy::none()).build().unwrap();

    println!(
        "| scenario | concurrency | per second | p50 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|"
    );
    let mut rates: Rates = Vec::new();
    let url = |path: &str| format!("{issuer}{path}");
    let name = "discovery document";
    let op = get_ok(&http, url("/.well-known/openid-configuration"), None);
    rates.push((name, scenario(name, &args, op).await));
    let name = "JWKS";
    rates.push((
        name,
        scenario(name, &args, get_ok(&http, url("/jwks.json"), None)).await,
    ));
    let name = "UserInfo (bearer)";
    let op = get_ok(&http, url("/userinfo"), Some(access.clone()));
    rates.push((name, scenario(name, &args, op).await));
    let name = "PoCo @me/@self (bearer)";
    let op = get_ok(&http, url("/poco/@me/@self"), Some(access));
    rates.push((name, scenario(name, &args, op).await));
    let name = "token: client_credentials";
    let (id, secret) = (args.client_id.clone(), args.client_secret.clone());
    let op = client_credentials(&http, url("/oauth/token"), id, secret);
    rates.push((name, scenario(name, &args, op).await));
    {
        let (issuer, secret) = (issuer.clone(), args.demo_secret.clone());
        let browser = signed_in.clone();
        scenario(
            "code flow: authorize + token (id_token RS256)",
            &args,
            move || {
                let (browser, issuer, secret) = (browser.clone(), issuer.clone(), secret.clone());
                async move {
                    let client = ("demo-client", secret.as_str());
                    code_flow(&browser, &issuer, client).await.is_some()
                }
            },
        )
        .await;
    }
    if let (Some(id), Some(secret)) = (&args.es256_client_id, &args.es256_client_secret) {
        let (issuer, id, secret) = (issuer.clone(), id.clone(), secret.clone());
        let browser = signed_in.clone();
        let name = "full code flow: authorize + token + PoCo (id_token ES256)";
        scenario(name, &args, move || {
            let (browser, issuer) = (browser.clone(), issuer.clone());
            let (id, secret) = (id.clone(), secret.clone());
            async move { full_flow(&browser, &issuer, (&id, &secret)).await }
        })
        .await;
    }
    {
        let issuer = issuer.clone();
        scenario("sign-in: form + argon2id", &args, move || {
            let issuer = issuer.clone();
            async move { sign_in(&browser(), &issuer).await }
        })
        .await;
    }
    if args.baseline.is_some() || args.peer.is_some() {
        compare(&args, &http, &rates).await;
    }
}
