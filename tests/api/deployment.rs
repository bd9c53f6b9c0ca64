//! Production behind TLS: Debian's nginx, configured with the nginx configuration of
//! docs/deployment.md (listen addresses, server name, certificate and log moved to loopback
//! and a temporary folder), terminates TLS in front of the server. Through it the issuer is
//! the https URL, cookies are `Secure`, responses carry HSTS, `X-Forwarded-For` counts only
//! as far as nginx vouches for it, and the access log holds no query strings.

use std::net::{IpAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{redirect, StatusCode};
use vzconnect::clock::{Clock, SystemClock};

use crate::helpers::*;

const NGINX: &str = "/usr/sbin/nginx";
const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/deployment.md");

/// The one ```nginx block of docs/deployment.md.
fn documented_nginx_config() -> String {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let blocks: Vec<&str> = doc
        .split("```nginx\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().unwrap())
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "{DOC} must have exactly one ```nginx block"
    );
    blocks[0].to_string()
}

/// `text` with `from` replaced by `to`, which must occur exactly `times` times: when the
/// documented configuration changes, the test says which line it no longer finds.
fn replace(text: &str, from: &str, to: &str, times: usize) -> String {
    assert_eq!(
        text.matches(from).count(),
        times,
        "{DOC}'s nginx configuration: expected `{from}` {times} time(s)"
    );
    text.replace(from, to)
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground as the current user, killed when dropped (also when the test
/// fails). Its files live in `dir`.
struct Nginx {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        self.log("error.log")
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

/// A self-signed certificate for 127.0.0.1, where the documented configuration expects the
/// certificate and its key.
fn self_signed_certificate(dir: &Path) {
    let output = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(dir.join("privkey.pem"))
        .arg("-out")
        .arg(dir.join("fullchain.pem"))
        .output()
        .expect("openssl runs (scripts/test installs it)");
    assert!(
        output.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The documented configuration, moved to loopback: TLS on `https_port`, the redirect on
/// `http_port`, vzconnect at `upstream`, certificate and log in `dir`, inside a main
/// configuration that keeps every file nginx writes in `dir`.
fn nginx_config(dir: &Path, https_port: u16, http_port: u16, upstream: &str) -> String {
    let d = dir.display();
    let site = documented_nginx_config();
    let site = replace(
        &site,
        "    server 127.0.0.1:8080;\n",
        &format!("    server {upstream};\n"),
        1,
    );
    let site = replace(&site, "    listen [::]:80;\n", "", 1);
    let site = replace(&site, "    listen [::]:443 ssl;\n", "", 1);
    let site = replace(
        &site,
        "listen 80;",
        &format!("listen 127.0.0.1:{http_port};"),
        1,
    );
    let site = replace(
        &site,
        "listen 443 ssl;",
        &format!("listen 127.0.0.1:{https_port} ssl;"),
        1,
    );
    let site = replace(
        &site,
        "/etc/letsencrypt/live/id.example.org/",
        &format!("{d}/"),
        2,
    );
    let site = replace(
        &site,
        "/var/log/nginx/vzconnect.access.log",
        &format!("{d}/access.log"),
        2,
    );
    let site = replace(
        &site,
        "server_name id.example.org;",
        "server_name 127.0.0.1;",
        2,
    );
    let site = replace(
        &site,
        "https://id.example.org",
        &format!("https://127.0.0.1:{https_port}"),
        1,
    );
    assert!(!site.contains("example.org"), "{site}");
    format!(
        "daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{
    worker_connections 256;
}}
http {{
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{site}
}}
"
    )
}

/// A client that behaves like a browser (cookies, no redirects) and trusts the self-signed
/// certificate; it connects from `local` when given, else from 127.0.0.1.
fn browser_at(local: Option<IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .danger_accept_invalid_certs(true)
        .local_address(local)
        .build()
        .unwrap()
}

/// Where the guessing client connects from: neither the test's other requests (127.0.0.1) nor
/// nginx (127.0.0.2), so that the counts show whose address each request was charged to.
fn guesser() -> Option<IpAddr> {
    Some("127.0.0.3".parse().unwrap())
}

/// The test server and nginx in front of it, answering at `https` (and `http`, which only
/// redirects).
struct Deployment {
    app: TestApp,
    nginx: Nginx,
    https: String,
    http: String,
}

/// Starts vzconnect with the https issuer nginx will answer at, then nginx; tries again with
/// other ports if one was taken in between.
async fn deploy(clock: &FixedClock) -> Deployment {
    assert!(
        Path::new(NGINX).exists(),
        "{NGINX} is missing: install Debian's nginx package (scripts/test does)"
    );
    let mut last_log = String::new();
    for _ in 0..3 {
        let (https_port, http_port) = (free_port(), free_port());
        let https = format!("https://127.0.0.1:{https_port}");
        let app = spawn_app_with(Options {
            issuer: Some(https.clone()),
            trusted_proxies: vec!["127.0.0.2/32".parse().unwrap()],
            clock: Some(clock.clone()),
            ..Options::default()
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        self_signed_certificate(dir.path());
        let upstream = app.address.trim_start_matches("http://");
        let config = nginx_config(dir.path(), https_port, http_port, upstream);
        std::fs::write(dir.path().join("nginx.conf"), config).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut nginx = Nginx { child, dir };
        let probe = browser_at(None);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(response) = probe.get(format!("{https}/healthz")).send().await {
                if response.status() == StatusCode::OK {
                    return Deployment {
                        app,
                        nginx,
                        https,
                        http: format!("http://127.0.0.1:{http_port}"),
                    };
                }
            }
            if nginx.child.try_wait().unwrap().is_some() || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        last_log = nginx.error_log();
        assert!(
            last_log.contains("Address already in use"),
            "nginx did not come up:\n{last_log}"
        );
    }
    panic!("nginx found no free port:\n{last_log}");
}

/// One sign-in attempt from a fresh browser at `base`, with a forged `X-Forwarded-For`.
async fn attempt(
    http: reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
    forwarded: &str,
) -> reqwest::Response {
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    http.post(format!("{base}/login"))
        .header("X-Forwarded-For", forwarded)
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf_token", &hidden_field(&page, "csrf_token")),
            ("return_to", "/"),
        ])
        .send()
        .await
        .unwrap()
}

/// The `Set-Cookie` header that sets `name`.
fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set (status {})", response.status()))
}

#[tokio::test]
#[ignore = "needs nginx and openssl: ./scripts/test runs it"]
async fn behind_the_documented_nginx_the_issuer_is_https_cookies_are_secure_and_forwarded_for_is_checked(
) {
    let clock = FixedClock::at(SystemClock.now());
    let deployment = deploy(&clock).await;
    let Deployment {
        app, https, http, ..
    } = &deployment;
    let browser = browser_at(None);

    // Discovery names the public https URL, through nginx and straight from the listener.
    for base in [https.as_str(), app.address.as_str()] {
        let discovery: serde_json::Value = browser
            .get(format!("{base}/.well-known/openid-configuration"))
            .header("X-Forwarded-Proto", "http")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(discovery["issuer"], https.as_str(), "{base}");
        assert_eq!(discovery["token_endpoint"], format!("{https}/oauth/token"));
    }
    let ready = browser.get(format!("{https}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );

    // Plain http only redirects to the https URL.
    let plain = browser
        .get(format!("{http}/login?return_to=%2Faccount"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        location(&plain),
        format!("{https}/login?return_to=%2Faccount")
    );

    // Cookies are Secure and HttpOnly, and HSTS is on.
    let login = browser.get(format!("{https}/login")).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(
        login.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let csrf_cookie = set_cookie(&login, "vz_csrf");
    assert!(csrf_cookie.contains("; Secure"), "{csrf_cookie}");
    assert!(csrf_cookie.contains("; HttpOnly"), "{csrf_cookie}");
    let page = login.text().await.unwrap();
    let signed_in = browser
        .post(format!("{https}/login"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", &hidden_field(&page, "csrf_token")),
            ("return_to", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let session_cookie = set_cookie(&signed_in, "vz_session");
    assert!(session_cookie.contains("; Secure"), "{session_cookie}");
    assert!(session_cookie.contains("; HttpOnly"), "{session_cookie}");
    let home = browser.get(format!("{https}/")).send().await.unwrap();
    assert!(
        home.text().await.unwrap().contains("Alice Example"),
        "the Secure session cookie comes back over https"
    );

    // Forged X-Forwarded-For entries are not believed: nginx appends the address it saw,
    // 127.0.0.3, which is no trusted proxy, so every attempt counts for 127.0.0.3.
    for i in 0..21 {
        let response = attempt(
            browser_at(guesser()),
            https,
            &format!("guess{i}"),
            "wrong",
            &format!("203.0.113.{i}"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let held = attempt(
        browser_at(guesser()),
        https,
        "alice",
        PASSWORD,
        "203.0.113.99",
    )
    .await;
    assert_eq!(held.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(held.headers().contains_key("retry-after"));

    // Straight to the listener the header is ignored too: the peer's address counts.
    let direct = attempt(
        browser_at(guesser()),
        &app.address,
        "alice",
        PASSWORD,
        "198.51.100.7",
    )
    .await;
    assert_eq!(direct.status(), StatusCode::TOO_MANY_REQUESTS);

    // Another client through the same nginx is not held: the failures were charged to the
    // client nginx named, not to nginx.
    let other = attempt(browser_at(None), https, "alice", PASSWORD, "203.0.113.99").await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);

    // The access log keeps the path and drops the query, where VZ-era clients put tokens.
    let poco = browser
        .get(format!(
            "{https}/poco/@me/@self?access_token=not-for-the-log"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(poco.status(), StatusCode::UNAUTHORIZED);
    // nginx writes the line after it has sent the answer.
    let logged = "\"GET /poco/@me/@self\" 401";
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut access_log = deployment.nginx.log("access.log");
    while !access_log.contains(logged) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        access_log = deployment.nginx.log("access.log");
    }
    assert!(access_log.contains(logged), "{access_log}");
    assert!(!access_log.contains("not-for-the-log"), "{access_log}");

    assert!(
        !deployment.nginx.error_log().contains("[emerg]"),
        "{}",
        deployment.nginx.error_log()
    );
}
