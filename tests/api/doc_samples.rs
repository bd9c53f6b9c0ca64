//! The signature samples in `docs/token-response.md` work: the PHP, Python and JavaScript blocks
//! run under `php`, `python3` and `node`, and the Rust block (kept identical to
//! `docs/samples/verify_signature.rs`) is compiled in here.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

include!("../../docs/samples/verify_signature.rs");

const DOC: &str = "docs/token-response.md";
const RUST_SAMPLE: &str = "docs/samples/verify_signature.rs";

/// The runnable samples: fence tag in the doc, interpreter, file suffix.
const SCRIPTS: [(&str, &str, &str); 3] = [
    ("php", "php", ".php"),
    ("python", "python3", ".py"),
    ("javascript", "node", ".js"),
];

/// Asserts that the Rust signature sample accepts `response` signed with `client_secret`,
/// and rejects it once one character of `access_token` is changed.
pub fn assert_rust_sample_verifies(response: &Value, client_secret: &str) {
    let tampered = tamper(response);
    assert!(
        verify_vz_signature(response, client_secret),
        "the rust sample rejects a valid signature: {response}"
    );
    assert!(
        !verify_vz_signature(&tampered, client_secret),
        "the rust sample accepts a tampered response: {tampered}"
    );
}

/// Asserts that every signature sample in the docs (PHP, Python and JavaScript under their
/// interpreters, and Rust) accepts `response` and rejects it tampered.
pub fn assert_doc_samples_verify(response: &Value, client_secret: &str) {
    let doc = read_repo_file(DOC);
    let tampered = tamper(response);
    for (tag, program, suffix) in SCRIPTS {
        let script = tempfile::Builder::new()
            .prefix("verify-signature-")
            .suffix(suffix)
            .tempfile()
            .unwrap_or_else(|e| panic!("cannot create a temporary file: {e}"));
        let mut file = script.as_file();
        file.write_all(fenced_block(&doc, tag).as_bytes())
            .and_then(|()| file.flush())
            .unwrap_or_else(|e| panic!("cannot write the {tag} sample: {e}"));
        let script = script.into_temp_path();

        let output = run_script(program, &script, response, client_secret);
        assert_verdict(tag, &output, response, true);
        let output = run_script(program, &script, &tampered, client_secret);
        assert_verdict(tag, &output, &tampered, false);
    }
    assert_rust_sample_verifies(response, client_secret);
}

#[tokio::test]
#[ignore = "needs php, python3 and node: ./scripts/test runs it"]
async fn the_samples_verify_real_token_responses() {
    let app = crate::helpers::spawn_app().await;
    let secret = app.web.secret.clone().unwrap();
    let code = app.code_for(&app.web, "openid email").await;
    let body: Value = app.redeem(&app.web, &code).await.json().await.unwrap();
    assert_doc_samples_verify(&body, &secret);

    let back = app
        .authorize_with_consent(&[
            ("response_type", "token"),
            ("client_id", &app.web.id),
            ("scope", "openid"),
        ])
        .await;
    let params = crate::helpers::url_params(&back, true);
    let get = |name: &str| crate::helpers::param(&params, name).unwrap();
    let fragment = json!({
        "access_token": get("access_token"),
        "issued_at": get("issued_at").parse::<i64>().unwrap(),
        "user_id": get("user_id"),
        "expires_in": 3600,
        "signature": get("signature"),
        "signature_method": get("signature_method"),
    });
    assert_doc_samples_verify(&fragment, &secret);
}

#[test]
fn rust_block_in_docs_matches_sample_file() {
    assert_eq!(
        fenced_block(&read_repo_file(DOC), "rust"),
        read_repo_file(RUST_SAMPLE),
        "the rust block in {DOC} must equal {RUST_SAMPLE} byte for byte"
    );
}

#[test]
#[ignore = "needs php, python3 and node: ./scripts/test runs it"]
fn samples_verify_every_shared_vector() {
    let text = read_repo_file("tests/vectors/signature.json");
    let vectors: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("tests/vectors/signature.json is not JSON: {e}"));
    let cases = vectors["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("tests/vectors/signature.json has no `cases` array"));
    assert!(
        !cases.is_empty(),
        "tests/vectors/signature.json has no cases"
    );
    for case in cases {
        let mut response = json!({
            "access_token": case["access_token"],
            "token_type": "Bearer",
            "issued_at": case["issued_at"],
            "user_id": case["user_id"],
            "signature": case["signature"],
            "signature_method": case["signature_method"],
        });
        if !case["expires_in"].is_null() {
            response["expires_in"] = case["expires_in"].clone();
        }
        let secret = case["client_secret"]
            .as_str()
            .unwrap_or_else(|| panic!("a vector without client_secret: {case}"));
        assert_doc_samples_verify(&response, secret);
    }
}

fn read_repo_file(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The contents of the one fenced block opened by the line "```{tag}" in `markdown`.
fn fenced_block(markdown: &str, tag: &str) -> String {
    let opening = format!("```{tag}");
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() != opening {
            continue;
        }
        let mut block = String::new();
        for line in lines.by_ref() {
            if line.trim_end() == "```" {
                break;
            }
            block.push_str(line);
            block.push('\n');
        }
        blocks.push(block);
    }
    assert_eq!(
        blocks.len(),
        1,
        "{DOC} must have exactly one ```{tag} block"
    );
    blocks.remove(0)
}

/// `response` with the first character of its access token changed.
fn tamper(response: &Value) -> Value {
    let token = response["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no access_token in {response}"));
    let mut chars = token.chars();
    let first = match chars.next() {
        Some('a') => 'b',
        Some(_) => 'a',
        None => panic!("empty access_token in {response}"),
    };
    let mut tampered = response.clone();
    tampered["access_token"] = Value::String(std::iter::once(first).chain(chars).collect());
    tampered
}

/// Runs `program script` with the response on stdin and the secret in `CLIENT_SECRET`.
fn run_script(program: &str, script: &Path, response: &Value, client_secret: &str) -> Output {
    let mut child = Command::new(program)
        .arg(script)
        .env("CLIENT_SECRET", client_secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{program}` ({e}); the signature samples in {DOC} are tested with \
                 php, python3 and node, which must be installed and on PATH"
            )
        });
    if let Some(mut stdin) = child.stdin.take() {
        // A script that exits without reading its input fails the verdict check below, which
        // shows its stderr; a broken pipe here would only hide that.
        let _ = stdin.write_all(response.to_string().as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("`{program}` did not finish: {e}"))
}

fn assert_verdict(tag: &str, output: &Output, response: &Value, valid: bool) {
    let (verdict, code) = if valid {
        ("signature valid", 0)
    } else {
        ("signature invalid", 1)
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.code() == Some(code)
            && (stdout == verdict || stdout.strip_suffix('\n') == Some(verdict)),
        "the {tag} sample in {DOC} must print `{verdict}` and exit with {code} for {response}\n\
         status: {}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
    );
}
