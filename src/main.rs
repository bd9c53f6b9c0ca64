//! The `vzconnect` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    vzconnect::cli::run(vzconnect::cli::Cli::parse()).await
}
