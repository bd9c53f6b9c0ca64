//! The settings file and `config check`: flag > environment > file > default, secrets
//! masked, bad files refused; and docs/configuration.md lists exactly the settings there are.

use clap::CommandFactory;
use vzconnect::cli::config_file::setting_names;
use vzconnect::cli::Cli;

fn vzconnect(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vzconnect"))
        .current_dir(dir)
        .args(args)
        .env_remove("VZCONNECT_BIND")
        .env_remove("VZCONNECT_CONFIG")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn line<'a>(stdout: &'a str, setting: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{setting} = ")))
        .unwrap_or_else(|| panic!("no {setting} in {stdout}"))
}

#[test]
fn flags_beat_the_environment_which_beats_the_file_which_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vz.toml"),
        r#"
bind = "127.0.0.1:9001"
keep_alive = 120
registration-token = "sixteen-or-more-characters"
smtp-url = "smtps://mailer:s3cret-pw@mail.example:465"
trusted-proxy = ["10.0.0.0/8", "127.0.0.2"]
"#,
    )
    .unwrap();
    let out = vzconnect(
        dir.path(),
        &[
            "--config",
            "vz.toml",
            "config",
            "check",
            "--keep-alive",
            "30",
        ],
        &[("VZCONNECT_SHUTDOWN_GRACE", "9")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(line(&stdout, "keep-alive"), "keep-alive = 30  # flag");
    assert_eq!(
        line(&stdout, "shutdown-grace"),
        "shutdown-grace = 9  # environment"
    );
    assert_eq!(
        line(&stdout, "trusted-proxy"),
        "trusted-proxy = [10.0.0.0/8, 127.0.0.2]  # file"
    );
    assert_eq!(
        line(&stdout, "widget-token-ttl"),
        "widget-token-ttl = 3600  # default"
    );
    assert_eq!(
        line(&stdout, "registration-token"),
        "registration-token = ********  # file"
    );
    assert!(line(&stdout, "smtp-url").contains("mailer:********@mail.example"));
    assert!(!stdout.contains("s3cret-pw") && !stdout.contains("sixteen-or-more"));
    let env_wins = vzconnect(
        dir.path(),
        &["--config", "vz.toml", "config", "check"],
        &[("VZCONNECT_BIND", "127.0.0.1:9002")],
    );
    let stdout = String::from_utf8_lossy(&env_wins.stdout);
    assert_eq!(
        line(&stdout, "bind"),
        "bind = 127.0.0.1:9002  # environment"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "config check creates no database"
    );
}

#[test]
fn a_bad_settings_file_or_value_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (contents, expected) in [
        ("bogus = 1", "unknown setting 'bogus'"),
        ("bind = [", "vz.toml"),
        ("bind = { a = 1 }", "bind"),
        ("bind = \"not an address\"", "not an address"),
        ("smtp-url = \"smtp://u:p@mail.example:587\"", "unencrypted"),
    ] {
        std::fs::write(dir.path().join("vz.toml"), contents).unwrap();
        let out = vzconnect(dir.path(), &["--config", "vz.toml", "config", "check"], &[]);
        assert_eq!(out.status.code(), Some(2), "{contents}");
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(message.contains(expected), "{contents}: {message}");
        assert_eq!(message.trim().lines().count(), 1, "{message}");
    }
}

#[test]
fn the_configuration_page_lists_every_setting_and_no_other() {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/configuration.md"
    ))
    .unwrap();
    let table = page.split("## Every setting").nth(1).unwrap();
    let mut documented: Vec<String> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    documented.sort();
    assert_eq!(documented, setting_names(&Cli::command()));
}
