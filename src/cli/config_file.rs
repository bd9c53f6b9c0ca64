//! The optional settings file (`--config FILE`, TOML): each key is a `serve` or global flag's
//! long name (`registration-token` or `registration_token`), its value what the flag would
//! take (an array for repeatable flags). Precedence is flag > environment > file > default:
//! the file's values become the flags' defaults before the command line is parsed.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Command;

/// The subcommands whose flags the file may set (and `config check`, which shows them).
const SETTING_COMMANDS: [&str; 1] = ["serve"];

/// The file's settings: flag name (kebab case) to its values.
pub type FileSettings = BTreeMap<String, Vec<String>>;

/// `--config FILE` from the raw arguments, else `VZCONNECT_CONFIG`.
pub fn config_path(args: &[OsString]) -> Option<PathBuf> {
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            break;
        }
        if text == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("VZCONNECT_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Reads the file; an unknown key, a value of the wrong kind or bad TOML is an error that
/// names the file.
pub fn load(path: &Path, command: &Command) -> Result<FileSettings, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--config: cannot read {}: {e}", path.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map_or(1, |span| text[..span.start].lines().count().max(1));
        format!(
            "--config: {}: line {line}: {}",
            path.display(),
            e.message().trim()
        )
    })?;
    let known = setting_names(command);
    let mut settings = FileSettings::new();
    for (key, value) in table {
        let name = key.replace('_', "-");
        if !known.contains(&name) || name == "config" {
            return Err(format!(
                "--config: {}: unknown setting '{key}' (see docs/configuration.md)",
                path.display()
            ));
        }
        let values = match value {
            toml::Value::Array(items) => items.into_iter().map(scalar).collect(),
            other => scalar(other).map(|v| vec![v]),
        }
        .map_err(|e| format!("--config: {}: {key}: {e}", path.display()))?;
        settings.insert(name, values);
    }
    Ok(settings)
}

fn scalar(value: toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(s) => Ok(s),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        other => Err(format!(
            "expected a string, number or true/false, found {}",
            other.type_str()
        )),
    }
}

/// Every flag the file may set: the global ones and those of the setting commands.
pub fn setting_names(command: &Command) -> Vec<String> {
    let mut names: Vec<String> = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    for sub in command
        .get_subcommands()
        .filter(|s| SETTING_COMMANDS.contains(&s.get_name()))
    {
        names.extend(
            sub.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string)),
        );
    }
    names.retain(|n| n != "help" && n != "version");
    names.sort();
    names.dedup();
    names
}

/// The command with the file's values as defaults: on the global flags and on the flags of
/// `serve` and `config check`.
pub fn with_defaults(command: Command, settings: &FileSettings) -> Command {
    fn apply(mut command: Command, settings: &FileSettings) -> Command {
        let ids: Vec<(String, String)> = command
            .get_arguments()
            .filter_map(|a| Some((a.get_id().to_string(), a.get_long()?.to_string())))
            .collect();
        for (id, long) in ids {
            if let Some(values) = settings.get(&long) {
                let values = values.clone();
                command = command.mut_arg(id, move |arg| arg.default_values(values));
            }
        }
        let names: Vec<String> = command
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .filter(|n| SETTING_COMMANDS.contains(&n.as_str()) || n == "config" || n == "check")
            .collect();
        for name in names {
            command = command.mut_subcommand(name, |sub| apply(sub, settings));
        }
        command
    }
    apply(command, settings)
}

/// One effective setting as `config check` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub name: String,
    pub values: Vec<String>,
    /// `flag`, `environment`, `file` or `default`.
    pub source: &'static str,
}

/// The effective settings of `config check`'s matches (the `serve` flags and the globals),
/// and where each value came from.
pub fn effective(
    command: &Command,
    matches: &clap::ArgMatches,
    file: &FileSettings,
) -> Vec<Effective> {
    use clap::parser::ValueSource;
    let Some(("config", config)) = matches.subcommand() else {
        return Vec::new();
    };
    let Some(("check", check)) = config.subcommand() else {
        return Vec::new();
    };
    let Some(check_command) = command
        .find_subcommand("config")
        .and_then(|c| c.find_subcommand("check"))
    else {
        return Vec::new();
    };
    let mut out: Vec<Effective> = check_command
        .get_arguments()
        .chain(command.get_arguments().filter(|a| a.is_global_set()))
        .filter_map(|arg| {
            let name = arg.get_long()?.to_string();
            if name == "help" || name == "config" {
                return None;
            }
            let id = arg.get_id().as_str();
            let values: Vec<String> = check
                .get_raw(id)
                .map(|v| v.map(|s| s.to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            let source = match check.value_source(id) {
                Some(ValueSource::CommandLine) => "flag",
                Some(ValueSource::EnvVariable) => "environment",
                _ if file.contains_key(&name) => "file",
                _ => "default",
            };
            Some(Effective {
                name,
                values,
                source,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}
