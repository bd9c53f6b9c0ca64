//! Outgoing mail: over SMTP when `--smtp-url` is set (lettre), otherwise into an outbox
//! folder of `.eml` files, so signup and password reset work on a laptop. Links in mails are
//! secrets: they are never logged.

use std::path::PathBuf;

use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::{FileTransport, SmtpTransport, Transport};

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server (`smtp://` or `smtps://` URL, credentials in the URL).
    Smtp {
        transport: SmtpTransport,
        from: Mailbox,
    },
    /// A folder: one `.eml` file per mail.
    Outbox { dir: PathBuf, from: Mailbox },
}

impl Mailer {
    /// A mailer for `--smtp-url` if given, else the outbox folder.
    pub fn new(smtp_url: Option<&str>, outbox: PathBuf, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("--mail-from: {e}"))?;
        match smtp_url {
            Some(url) => {
                refuse_plain_credentials(url)?;
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| format!("--smtp-url: {e}"))?
                    .build();
                Ok(Self::Smtp { transport, from })
            }
            None => Ok(Self::Outbox { dir: outbox, from }),
        }
    }

    /// Sends a plain-text mail; runs the (blocking) transport off the async workers.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let mailer = self.clone();
        let (to, subject) = (to.to_string(), subject.to_string());
        tokio::task::spawn_blocking(move || mailer.send_now(&to, &subject, body))
            .await
            .map_err(|e| e.to_string())?
    }

    fn send_now(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let from = match self {
            Self::Smtp { from, .. } | Self::Outbox { from, .. } => from.clone(),
        };
        let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        match self {
            Self::Smtp { transport, .. } => transport
                .send(&message)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Self::Outbox { dir, .. } => {
                // Mails hold live links: the folder and each file are the owner's only.
                crate::private_files::ensure_dir(dir)
                    .map_err(|e| format!("outbox {}: {e}", dir.display()))?;
                let id = FileTransport::new(dir)
                    .send(&message)
                    .map_err(|e| e.to_string())?;
                crate::private_files::restrict_file(&dir.join(format!("{id}.eml")))
                    .map_err(|e| format!("outbox {}: {e}", dir.display()))?;
                log::info!("mail \"{subject}\" written to {}/{id}.eml", dir.display());
                Ok(())
            }
        }
    }
}

/// `smtp://` sends without TLS unless the URL asks for it: never with a password.
fn refuse_plain_credentials(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("--smtp-url: {e}"))?;
    let credentials = !parsed.username().is_empty() || parsed.password().is_some();
    let tls_required = parsed
        .query_pairs()
        .any(|(name, value)| name == "tls" && value == "required");
    if parsed.scheme() == "smtp" && credentials && !tls_required {
        return Err(
            "--smtp-url: smtp:// would send the password unencrypted; use smtps:// or add ?tls=required"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::refuse_plain_credentials;

    #[test]
    fn passwords_travel_over_tls_only() {
        assert!(refuse_plain_credentials("smtp://u:p@mail.example:587").is_err());
        assert!(refuse_plain_credentials("smtp://u:p@mail.example:587?tls=required").is_ok());
        assert!(refuse_plain_credentials("smtps://u:p@mail.example:465").is_ok());
        assert!(refuse_plain_credentials("smtp://localhost:25").is_ok());
    }
}
