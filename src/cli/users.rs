//! `vzconnect user add|list` and `vzconnect contact add`.

use std::io::BufRead;

use clap::{Args, Subcommand};

use super::{Access, CliError, Globals};
use crate::auth::password::{check_strength, hash_now};
use crate::clock::{Clock, SystemClock};
use crate::domain::profile::{Address, Plural, Profile};
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
    /// Change a user's profile (the PoCo fields and OpenID Connect claims).
    Set(Box<UserSet>),
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
    /// The address is not confirmed: the person must follow a link mailed to it before
    /// sites may be connected (default: the operator vouches for it).
    #[arg(long, env = "VZCONNECT_UNVERIFIED")]
    unverified: bool,
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
            check_strength(&password, &[username.as_str(), email.as_str()])
                .map_err(CliError::Usage)?;
            let (store, _) = globals.open(Access::Create).await?;
            let password_hash = hash_now(&password).map_err(CliError::Runtime)?;
            let user = store
                .create_user(NewUser {
                    sub: Sub::generate(),
                    username: username.as_str().to_string(),
                    email: email.as_str().to_string(),
                    name,
                    password_hash,
                    email_verified: !args.unverified,
                    created_at: SystemClock.now(),
                })
                .await?;
            println!("created user {} (sub {})", user.username, user.sub);
            Ok(())
        }
        UserCommand::Set(args) => set_profile(globals, *args).await,
        UserCommand::List => {
            let (store, _) = globals.open(Access::Existing).await?;
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

/// `vzconnect user set`: the flags given replace those fields; the others stay.
#[derive(Debug, Args)]
pub struct UserSet {
    /// Whose profile to change.
    #[arg(long, env = "VZCONNECT_USERNAME")]
    username: String,
    /// Full name (displayName); an empty value removes it.
    #[arg(long, env = "VZCONNECT_NAME")]
    name: Option<String>,
    #[arg(long, env = "VZCONNECT_GIVEN_NAME")]
    given_name: Option<String>,
    #[arg(long, env = "VZCONNECT_FAMILY_NAME")]
    family_name: Option<String>,
    #[arg(long, env = "VZCONNECT_MIDDLE_NAME")]
    middle_name: Option<String>,
    #[arg(long, env = "VZCONNECT_NICKNAME")]
    nickname: Option<String>,
    /// YYYY-MM-DD (year 0000 if unknown).
    #[arg(long, env = "VZCONNECT_BIRTHDAY")]
    birthday: Option<String>,
    /// male, female or undisclosed.
    #[arg(long, env = "VZCONNECT_GENDER")]
    gender: Option<String>,
    #[arg(long, env = "VZCONNECT_NOTE")]
    note: Option<String>,
    /// e.g. -08:00.
    #[arg(long, env = "VZCONNECT_UTC_OFFSET")]
    utc_offset: Option<String>,
    /// IANA time zone, e.g. Europe/Berlin.
    #[arg(long, env = "VZCONNECT_ZONEINFO")]
    zoneinfo: Option<String>,
    /// BCP 47 language tag, e.g. de-DE.
    #[arg(long, env = "VZCONNECT_LOCALE")]
    locale: Option<String>,
    /// Phone numbers (repeat; the first is primary).
    #[arg(long = "phone", env = "VZCONNECT_PHONE", value_delimiter = ',')]
    phones: Vec<String>,
    /// A photo URL (primary).
    #[arg(long, env = "VZCONNECT_PHOTO")]
    photo: Option<String>,
    /// A website URL.
    #[arg(long, env = "VZCONNECT_WEBSITE")]
    website: Option<String>,
    #[arg(long, env = "VZCONNECT_STREET_ADDRESS")]
    street_address: Option<String>,
    #[arg(long, env = "VZCONNECT_LOCALITY")]
    locality: Option<String>,
    #[arg(long, env = "VZCONNECT_REGION")]
    region: Option<String>,
    #[arg(long, env = "VZCONNECT_POSTAL_CODE")]
    postal_code: Option<String>,
    #[arg(long, env = "VZCONNECT_COUNTRY")]
    country: Option<String>,
}

/// An empty flag value clears the field.
fn set(field: &mut Option<String>, value: Option<String>) {
    if let Some(value) = value {
        let value = value.trim().to_string();
        *field = (!value.is_empty()).then_some(value);
    }
}

impl UserSet {
    /// Applies the flags to a profile.
    fn apply(self, user: &User) -> Result<(Option<String>, Profile), CliError> {
        let mut name = user.name.clone();
        let mut p = user.profile.clone();
        set(&mut name, self.name);
        set(&mut p.given_name, self.given_name);
        set(&mut p.family_name, self.family_name);
        set(&mut p.middle_name, self.middle_name);
        set(&mut p.nickname, self.nickname);
        set(&mut p.birthday, self.birthday);
        set(&mut p.gender, self.gender);
        set(&mut p.note, self.note);
        set(&mut p.utc_offset, self.utc_offset);
        set(&mut p.zoneinfo, self.zoneinfo);
        set(&mut p.locale, self.locale);
        if !self.phones.is_empty() {
            p.phone_numbers = self
                .phones
                .iter()
                .enumerate()
                .map(|(i, number)| Plural {
                    value: number.trim().to_string(),
                    kind: None,
                    primary: (i == 0).then_some(true),
                })
                .collect();
        }
        if let Some(photo) = self.photo {
            p.photos = vec![Plural {
                value: photo,
                kind: None,
                primary: Some(true),
            }];
        }
        if let Some(website) = self.website {
            p.urls.retain(|u| u.kind.as_deref() == Some("profile"));
            p.urls.push(Plural {
                value: website,
                kind: Some("home".into()),
                primary: None,
            });
        }
        let address_flags = [
            &self.street_address,
            &self.locality,
            &self.region,
            &self.postal_code,
            &self.country,
        ];
        if address_flags.iter().any(|f| f.is_some()) {
            let mut address = p.main_address().cloned().unwrap_or(Address {
                primary: Some(true),
                ..Address::default()
            });
            set(&mut address.street_address, self.street_address);
            set(&mut address.locality, self.locality);
            set(&mut address.region, self.region);
            set(&mut address.postal_code, self.postal_code);
            set(&mut address.country, self.country);
            let parts: Vec<&str> = [
                &address.street_address,
                &address.postal_code,
                &address.locality,
                &address.region,
                &address.country,
            ]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
            address.formatted = (!parts.is_empty()).then(|| parts.join("\n"));
            p.addresses = vec![address];
        }
        p.validate().map_err(CliError::Usage)?;
        Ok((name, p))
    }
}

pub(super) async fn set_profile(globals: &Globals, args: UserSet) -> Result<(), CliError> {
    let username =
        Username::parse(&args.username).map_err(|e| CliError::Usage(format!("--username: {e}")))?;
    let (store, _) = globals.open(Access::Existing).await?;
    let (user, _) = store
        .find_login(username.as_str())?
        .ok_or_else(|| CliError::Usage(format!("--username: no user named '{username}'")))?;
    let (name, profile) = args.apply(&user)?;
    let user = store
        .update_profile(user.id, name, profile, SystemClock.now())
        .await?;
    println!("updated {}", user.username);
    Ok(())
}
