//! The `vzconnect` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;
use vzconnect::cli::{run, Cli};

#[actix_web::main]
async fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => {
            vzconnect::logging::init(cli.log_format);
            run(cli).await
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
