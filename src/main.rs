//! The `vzconnect` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use vzconnect::cli::config_file::{self, FileSettings};
use vzconnect::cli::{run, Cli};

/// mimalloc returns freed memory to the system: a password hash takes 19 MiB for a moment,
/// and with the system allocator every blocking thread kept its own copy for good. Without
/// transparent huge pages (`no_thp`), small heaps are not rounded up to 2 MiB pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut command = Cli::command();
    // The settings file's values become the flags' defaults: flag > environment > file.
    let file = match config_file::config_path(&args) {
        None => FileSettings::new(),
        Some(path) => match config_file::load(&path, &command) {
            Ok(settings) => settings,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        },
    };
    command = config_file::with_defaults(command, &file);
    let parsed = command
        .clone()
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    match parsed {
        Ok((cli, matches)) => {
            vzconnect::logging::init(cli.log_format);
            let settings = config_file::effective(&command, &matches, &file);
            run(cli, settings).await
        }
        // Help and version go to stdout in full; a usage error is one line and exit code 2.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            let text = e.to_string();
            eprintln!(
                "{}",
                text.lines().next().unwrap_or("error: invalid arguments")
            );
            ExitCode::from(2)
        }
    }
}
