//! `vzconnect user add|list` and `vzconnect contact add`.

use std::io::BufRead;

use clap::{Args, Subcommand};

use super::{CliError, Globals};
use crate::auth::password::{check_strength, hash_now};
use crate::clock::{Clock, SystemClock};
use crate::domain::records::{NewUser, User};
use crate::domain::{Email, Sub, Username};
use crate::store::Store;

/// `vzconnect user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add(UserAdd),
    /// List users.
    List,
}

/// `vzconnect user add`.
#[derive(Debug, Args)]
pub struct UserAdd {
    /// Login name (letters, digits, '.', '_', '-').
    #[arg(long, env = "VZCONNECT_USERNAME")]
    username: String,
    /// Email address.
    #[arg(long, env = "VZCONNECT_EMAIL")]
    email: String,
    /// Full name, shown to sites as displayName.
    #[arg(long, env = "VZCONNECT_NAME")]
    name: Option<String>,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long, env = "VZCONNECT_PASSWORD_STDIN")]
    password_stdin: bool,
}

/// `vzconnect contact …`.
#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Make two users contacts (friends) of each other.
    Add(ContactAdd),
}

/// `vzconnect contact add`.
#[derive(Debug, Args)]
pub struct ContactAdd {
    /// One user's username.
    #[arg(long, env = "VZCONNECT_USER")]
    user: String,
    /// The other user's username.
    #[arg(long, env = "VZCONNECT_CONTACT")]
    contact: String,
}

pub(super) async fn run_user(globals: &Globals, command: UserCommand) -> Result<(), CliError> {
    match command {
        UserCommand::Add(args) => {
            let username = Username::parse(&args.username)
                .map_err(|e| CliError::Usage(format!("--username: {e}")))?;
            let email =
                Email::parse(&args.email).map_err(|e| CliError::Usage(format!("--email: {e}")))?;
            let name = args
                .name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
            let password = read_password(args.password_stdin)?;
            check_strength(&password).map_err(CliError::Usage)?;
            let (store, _) = globals.open()?;
            let password_hash = hash_now(&password).map_err(CliError::Runtime)?;
            let user = store
                .create_user(NewUser {
                    sub: Sub::generate(),
                    username: username.as_str().to_string(),
                    email: email.as_str().to_string(),
                    name,
                    password_hash,
                    created_at: SystemClock.now(),
                })
                .await?;
            println!("created user {} (sub {})", user.username, user.sub);
            Ok(())
        }
        UserCommand::List => {
            let (store, _) = globals.open()?;
            let users = store.list_users()?;
            println!("{:<24} {:<20} {:<32} NAME", "SUB", "USERNAME", "EMAIL");
            for user in users {
                println!(
                    "{:<24} {:<20} {:<32} {}",
                    user.sub,
                    user.username,
                    user.email,
                    user.name.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
    }
}

fn read_password(from_stdin: bool) -> Result<String, CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Usage(format!("cannot read the password from stdin: {e}")))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    rpassword::prompt_password("Password: ").map_err(|_| {
        CliError::Usage("no terminal to ask for a password: use --password-stdin".into())
    })
}

pub(super) async fn run_contact(
    globals: &Globals,
    command: ContactCommand,
) -> Result<(), CliError> {
    let ContactCommand::Add(args) = command;
    let (store, _) = globals.open()?;
    let find = |name: &str, flag: &str| -> Result<User, CliError> {
        let username =
            Username::parse(name).map_err(|e| CliError::Usage(format!("{flag}: {e}")))?;
        store
            .find_login(username.as_str())?
            .map(|(user, _)| user)
            .ok_or_else(|| CliError::Usage(format!("{flag}: no user named '{name}'")))
    };
    let user = find(&args.user, "--user")?;
    let contact = find(&args.contact, "--contact")?;
    store
        .add_contact(user.id, contact.id, SystemClock.now())
        .await?;
    println!(
        "{} and {} are now contacts",
        user.username, contact.username
    );
    Ok(())
}
