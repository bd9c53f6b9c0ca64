//! The command line: clients, users and contacts; bad input is exit code 2 and writes nothing.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub fn vzconnect(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args(args)
        .env("VZCONNECT_DATABASE", format!("sqlite://{db}"))
        .env_remove("VZCONNECT_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            // The command may refuse its flags and exit before reading stdin (broken pipe).
            .ok();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Registers a confidential `client_credentials` client on `db`; its id and secret.
pub fn add_m2m_client(db: &str) -> (String, String) {
    let args = [
        "client",
        "add",
        "--name",
        "M2M",
        "--grant-type",
        "client_credentials",
    ];
    let added = vzconnect(db, &[&args[..], &["--json"]].concat(), None);
    assert!(added.status.success());
    let client: Value = serde_json::from_slice(&added.stdout).unwrap();
    let field = |name: &str| client[name].as_str().unwrap().to_string();
    (field("client_id"), field("client_secret"))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn client_add_json_user_add_list_and_contact_add() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let db = db.to_str().unwrap();

    let out = vzconnect(
        db,
        &[
            "client",
            "add",
            "--name",
            "Site",
            "--redirect-uri",
            "https://site.example/cb",
            "--json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        client["grant_types"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(client["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(client["signature_method"], "hmac-sha256");
    let secret = client["client_secret"].as_str().unwrap();
    assert!(
        secret.len() >= 43
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let key_file = dir.path().join("cli.db.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let public = vzconnect(
        db,
        &[
            "client",
            "add",
            "--name",
            "App",
            "--redirect-uri",
            "com.example.app:/cb",
            "--public",
            "--signature-method",
            "hmac-sha1",
            "--json",
        ],
        None,
    );
    let public: Value = serde_json::from_str(&stdout(&public)).unwrap();
    assert!(public.get("client_secret").is_none());
    assert_eq!(public["token_endpoint_auth_method"], "none");

    let out = vzconnect(
        db,
        &[
            "user",
            "add",
            "--username",
            "Carol",
            "--email",
            "carol@example.org",
            "--name",
            "Carol C",
            "--password-stdin",
        ],
        Some("violet tractor 93 ridge\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vzconnect(
        db,
        &[
            "user",
            "add",
            "--username",
            "dave",
            "--email",
            "dave@example.org",
            "--password-stdin",
        ],
        Some("amber kettle 41 dune\n"),
    );
    assert!(out.status.success());
    let list = stdout(&vzconnect(db, &["user", "list"], None));
    assert!(list.contains("carol") && list.contains("carol@example.org") && list.contains("dave"));
    let add = [
        "contact",
        "add",
        "--user",
        "carol",
        "--contact",
        "dave",
        "--relationship",
        "colleague",
    ];
    let out = vzconnect(db, &add, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = stdout(&vzconnect(db, &["contact", "list", "--user", "dave"], None));
    assert!(
        listed.contains("carol") && listed.contains("colleague"),
        "mutual: {listed}"
    );
    let remove = ["contact", "remove", "--user", "dave", "--contact", "carol"];
    assert!(vzconnect(db, &remove, None).status.success());
    assert_eq!(
        stdout(&vzconnect(
            db,
            &["contact", "list", "--user", "carol"],
            None
        )),
        ""
    );
    assert_eq!(
        vzconnect(db, &remove, None).status.code(),
        Some(2),
        "not contacts any more"
    );
    let clients = stdout(&vzconnect(db, &["client", "list", "--json"], None));
    let clients: Value = serde_json::from_str(&clients).unwrap();
    assert_eq!(clients.as_array().unwrap().len(), 2);
    assert!(
        clients[0].get("client_secret").is_none(),
        "list never shows secrets"
    );
}

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bad.db");
    let db = db.to_str().unwrap();
    let cases: [(&[&str], Option<&str>); 7] = [
        (
            &[
                "client",
                "add",
                "--name",
                "S",
                "--redirect-uri",
                "http://site.example/cb",
            ],
            None,
        ),
        (
            &[
                "client",
                "add",
                "--name",
                "S",
                "--redirect-uri",
                "https://s.example/cb",
                "--grant-type",
                "password",
            ],
            None,
        ),
        (
            &[
                "client",
                "add",
                "--name",
                "S",
                "--redirect-uri",
                "https://s.example/cb",
                "--signature-method",
                "md5",
            ],
            None,
        ),
        (&["client", "add", "--name", "S"], None),
        (
            &[
                "user",
                "add",
                "--username",
                "x y",
                "--email",
                "x@example.org",
                "--password-stdin",
            ],
            Some("long-enough\n"),
        ),
        (
            &[
                "user",
                "add",
                "--username",
                "xy",
                "--email",
                "x@example.org",
                "--password-stdin",
            ],
            Some("short\n"),
        ),
        (&["serve", "--no-such-flag"], None),
    ];
    for (args, stdin) in cases {
        let out = vzconnect(db, args, stdin);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "{args:?}: one line, got {stderr}"
        );
        assert!(
            !dir.path().join("bad.db").exists(),
            "{args:?} created the database"
        );
    }
    let out = vzconnect(
        db,
        &[
            "user",
            "add",
            "--username",
            "erin",
            "--email",
            "erin@example.org",
            "--password-stdin",
        ],
        Some("copper lantern 77 fjord\n"),
    );
    assert!(out.status.success());
    let duplicate = vzconnect(
        db,
        &[
            "user",
            "add",
            "--username",
            "ERIN",
            "--email",
            "other@example.org",
            "--password-stdin",
        ],
        Some("copper lantern 77 fjord\n"),
    );
    assert_eq!(duplicate.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&duplicate.stderr).lines().count(),
        1
    );
    assert_eq!(
        stdout(&vzconnect(db, &["client", "list", "--json"], None)).trim(),
        "[]"
    );
    assert_eq!(
        stdout(&vzconnect(db, &["user", "list"], None))
            .lines()
            .count(),
        2,
        "header + erin only"
    );
    let bad_db = vzconnect(db, &["user", "list", "--database", "mysql://x"], None);
    assert_eq!(bad_db.status.code(), Some(2));
}

#[test]
fn a_short_or_unreadable_secret_key_is_a_clear_error_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vzconnect"))
            .args(["user", "list", "--database", &db])
            .args(args)
            .envs(envs.iter().copied())
            .output()
            .unwrap()
    };
    let hex_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let created = Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .args([
            "client",
            "add",
            "--name",
            "S",
            "--redirect-uri",
            "https://s.example/cb",
        ])
        .args(["--database", &db])
        .env("VZCONNECT_SECRET_KEY", hex_key)
        .output()
        .unwrap();
    assert!(created.status.success());
    let short = run(&[("VZCONNECT_SECRET_KEY", "c2hvcnQ")], &[]);
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("VZCONNECT_SECRET_KEY"));
    let missing = run(&[], &["--secret-key-file", "/nonexistent/vz.key"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/vz.key"));
    assert!(run(&[("VZCONNECT_SECRET_KEY", hex_key)], &[])
        .status
        .success());
}

#[tokio::test]
async fn a_client_added_while_the_server_runs_works_at_once() {
    let app = crate::helpers::spawn_app().await;
    let output = app.cli(&[
        "client",
        "add",
        "--name",
        "Late",
        "--redirect-uri",
        "https://late.example/cb",
        "--grant-type",
        "client_credentials",
        "--json",
    ]);
    let client: Value = serde_json::from_slice(&output).unwrap();
    let late = crate::helpers::TestClient {
        id: client["client_id"].as_str().unwrap().into(),
        secret: client["client_secret"].as_str().map(str::to_string),
    };
    let response = app
        .token(&late, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
}

#[test]
fn user_set_changes_the_profile_and_refuses_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.db");
    let db = db.to_str().unwrap();
    let add = [
        "user",
        "add",
        "--username",
        "frank",
        "--email",
        "frank@example.org",
        "--password-stdin",
    ];
    assert!(vzconnect(db, &add, Some("silver orchard 58 cove\n"))
        .status
        .success());
    let set = [
        "user",
        "set",
        "--username",
        "frank",
        "--given-name",
        "Frank",
        "--phone",
        "+1 555 0100",
        "--locality",
        "Hamburg",
        "--birthday",
        "1990-02-03",
    ];
    let out = vzconnect(db, &set, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad = vzconnect(
        db,
        &[
            "user",
            "set",
            "--username",
            "frank",
            "--birthday",
            "1990-02-30",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("birthday"));
    let store = vzconnect::store::sqlite::SqliteStore::open(std::path::Path::new(db)).unwrap();
    use vzconnect::store::Store;
    let (frank, _) = store.find_login("frank").unwrap().unwrap();
    assert_eq!(frank.profile.given_name.as_deref(), Some("Frank"));
    assert_eq!(
        frank.profile.birthday.as_deref(),
        Some("1990-02-03"),
        "the refused change wrote nothing"
    );
    assert_eq!(
        frank.profile.addresses[0].locality.as_deref(),
        Some("Hamburg")
    );
    assert_eq!(frank.profile.phone_numbers[0].primary, Some(true));
}
