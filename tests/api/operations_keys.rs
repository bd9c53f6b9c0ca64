//! The secret key cannot be lost silently: a missing or different key is refused before
//! anything changes, read-only commands create nothing, `secret rotate` re-seals everything at
//! once, and a server whose secrets cannot be opened does not start.

use std::path::Path;

use rusqlite::Connection;
use vzconnect::crypto::SecretKey;

use crate::cli::{stdout, vzconnect};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A database with one confidential client, made by the command line; its key file.
pub fn installation(dir: &Path) -> (String, std::path::PathBuf) {
    let db = dir.join("ops.db");
    let db = db.to_str().unwrap().to_string();
    let out = vzconnect(
        &db,
        &[
            "client",
            "add",
            "--name",
            "Site",
            "--redirect-uri",
            "https://site.example/cb",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    (db.clone(), dir.join("ops.db.key"))
}

fn snapshot(db: &str) -> Vec<(String, Vec<u8>)> {
    let conn = Connection::open(db).unwrap();
    let mut rows = conn
        .prepare("SELECT client_id, sealed_secret FROM clients ORDER BY client_id")
        .unwrap();
    rows.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_missing_or_different_key_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, key_file) = installation(dir.path());
    let original = std::fs::read_to_string(&key_file).unwrap();
    let before = snapshot(&db);

    std::fs::remove_file(&key_file).unwrap();
    for args in [
        &["client", "list"][..],
        &[
            "client",
            "add",
            "--name",
            "Other",
            "--redirect-uri",
            "https://o.example/cb",
        ],
        &["serve", "--bind", "127.0.0.1:0"],
    ] {
        let out = vzconnect(&db, args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let message = stderr(&out);
        assert!(message.contains(key_file.to_str().unwrap()), "{message}");
        assert!(message.contains("is missing") && message.contains("nothing was changed"));
        assert_eq!(message.lines().count(), 1, "one clear line");
        assert!(!key_file.exists(), "no new key was made");
    }

    std::fs::write(&key_file, SecretKey::generate().to_base64url()).unwrap();
    let out = vzconnect(&db, &["client", "list"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not the key the database"));

    std::fs::write(&key_file, original).unwrap();
    let out = vzconnect(&db, &["client", "list"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(&db), before);
}

#[test]
fn read_only_commands_never_create_a_database_or_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo.db");
    for args in [
        &["client", "list"][..],
        &["user", "list"],
        &["keys", "list"],
    ] {
        let out = vzconnect(typo.to_str().unwrap(), args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("there is no database"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn secret_rotate_reseals_everything_under_a_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let (db, key_file) = installation(dir.path());
    let out = vzconnect(&db, &["keys", "rotate"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let old = SecretKey::parse(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    let secrets: Vec<Vec<u8>> = snapshot(&db)
        .iter()
        .map(|(id, sealed)| old.open(id.as_bytes(), sealed).unwrap())
        .collect();

    let out = vzconnect(&db, &["secret", "rotate"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(key_file.to_str().unwrap()),
        "says where"
    );
    let new = SecretKey::parse(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    assert_ne!(new.to_base64url(), old.to_base64url());
    let kept = dir.path().join("ops.db.key.old");
    assert_eq!(
        SecretKey::parse(&std::fs::read_to_string(kept).unwrap())
            .unwrap()
            .to_base64url(),
        old.to_base64url()
    );
    let resealed: Vec<Vec<u8>> = snapshot(&db)
        .iter()
        .map(|(id, sealed)| {
            assert!(old.open(id.as_bytes(), sealed).is_none());
            new.open(id.as_bytes(), sealed).unwrap()
        })
        .collect();
    assert_eq!(resealed, secrets, "the same secrets, sealed anew");
    let conn = Connection::open(&db).unwrap();
    let keys: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT kid, private_sealed FROM signing_keys")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!keys.is_empty());
    for (kid, sealed) in keys {
        assert!(
            new.open(kid.as_bytes(), &sealed).is_some(),
            "signing key {kid}"
        );
    }
    let out = vzconnect(&db, &["client", "list"], None);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_server_whose_secrets_cannot_be_opened_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = installation(dir.path());
    Connection::open(&db)
        .unwrap()
        .execute("UPDATE clients SET sealed_secret = x'00112233'", [])
        .unwrap();
    let out = vzconnect(&db, &["serve", "--bind", "127.0.0.1:0"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot open the secret of client"));
    assert!(stderr(&out).contains("does not start"));
}
