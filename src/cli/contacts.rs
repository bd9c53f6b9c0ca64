//! `vzconnect contact add|remove|list`: contacts are mutual, so each command changes both.

use clap::{Args, Subcommand};

use super::{Access, CliError, Globals};
use crate::clock::{Clock, SystemClock};
use crate::domain::contact_query::ContactQuery;
use crate::domain::records::User;
use crate::domain::Username;
use crate::store::Store;

/// `vzconnect contact …`.
#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Make two users contacts (friends) of each other.
    Add(ContactAdd),
    /// End a contact, both ways.
    Remove(ContactPair),
    /// List a user's contacts.
    List(ContactOwner),
}

/// Two users.
#[derive(Debug, Args)]
pub struct ContactPair {
    /// One user's username.
    #[arg(long, env = "VZCONNECT_USER")]
    user: String,
    /// The other user's username.
    #[arg(long, env = "VZCONNECT_CONTACT")]
    contact: String,
}

/// `vzconnect contact add`.
#[derive(Debug, Args)]
pub struct ContactAdd {
    #[command(flatten)]
    pair: ContactPair,
    /// PoCo `relationships` value, e.g. friend, colleague, family.
    #[arg(long, env = "VZCONNECT_RELATIONSHIP", default_value = "friend")]
    relationship: String,
}

/// One user.
#[derive(Debug, Args)]
pub struct ContactOwner {
    /// Whose contacts.
    #[arg(long, env = "VZCONNECT_USER")]
    user: String,
}

fn find(store: &dyn Store, name: &str, flag: &str) -> Result<User, CliError> {
    let username = Username::parse(name).map_err(|e| CliError::Usage(format!("{flag}: {e}")))?;
    store
        .find_login(username.as_str())?
        .map(|(user, _)| user)
        .ok_or_else(|| CliError::Usage(format!("{flag}: no user named '{name}'")))
}

pub(super) async fn run(globals: &Globals, command: ContactCommand) -> Result<(), CliError> {
    let (store, _) = globals.open(Access::Existing).await?;
    let store = store.as_ref();
    match command {
        ContactCommand::Add(args) => {
            let relationship = args.relationship.trim().to_lowercase();
            if relationship.is_empty()
                || !relationship
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-')
            {
                return Err(CliError::Usage(
                    "--relationship must be one word, e.g. friend".into(),
                ));
            }
            let user = find(store, &args.pair.user, "--user")?;
            let contact = find(store, &args.pair.contact, "--contact")?;
            store
                .add_contact(user.id, contact.id, relationship, SystemClock.now())
                .await?;
            println!(
                "{} and {} are now contacts",
                user.username, contact.username
            );
        }
        ContactCommand::Remove(pair) => {
            let user = find(store, &pair.user, "--user")?;
            let contact = find(store, &pair.contact, "--contact")?;
            if !store.remove_contact(user.id, contact.id).await? {
                return Err(CliError::Usage(format!(
                    "{} and {} are not contacts",
                    user.username, contact.username
                )));
            }
            println!(
                "{} and {} are no longer contacts",
                user.username, contact.username
            );
        }
        ContactCommand::List(owner) => {
            let user = find(store, &owner.user, "--user")?;
            let mut query = ContactQuery {
                count: 1000,
                ..ContactQuery::default()
            };
            loop {
                let (total, page) = store.query_contacts(user.id, &query)?;
                for contact in &page {
                    println!(
                        "{:<20} {:<12} {}",
                        contact.user.username,
                        contact.relationship,
                        contact.user.display_name()
                    );
                }
                query.start_index += page.len();
                if page.is_empty() || query.start_index >= total {
                    break;
                }
            }
        }
    }
    Ok(())
}
