//! How much interaction an authorization needs (OpenID Connect Core §3.1.2.1): `prompt`,
//! `max_age`, `login_hint` and `id_token_hint`, and the decision what to do next.

use crate::clock::UnixTime;
use crate::oauth::{ErrorCode, OAuthError, Params};

/// The interaction parameters of an authorization request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interaction {
    /// `prompt=none`: answer without showing any page, or fail.
    pub none: bool,
    /// `prompt=login` or `select_account`: show the sign-in form even with a session.
    pub login: bool,
    /// `prompt=consent`: ask even if a consent is remembered.
    pub consent: bool,
    /// `max_age`: the sign-in may be at most this many seconds old.
    pub max_age: Option<i64>,
    /// `login_hint`: pre-fills the username.
    pub login_hint: Option<String>,
    /// `id_token_hint`: an id_token naming the user the client expects.
    pub id_token_hint: Option<String>,
}

/// What the authorization endpoint does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Login,
    Consent,
    Respond,
}

/// Parses the interaction parameters.
pub fn parse(params: &Params) -> Result<Interaction, OAuthError> {
    let mut interaction = Interaction::default();
    if let Some(prompt) = params.get("prompt")? {
        for value in prompt.split(' ').filter(|v| !v.is_empty()) {
            match value {
                "none" => interaction.none = true,
                "login" | "select_account" => interaction.login = true,
                "consent" => interaction.consent = true,
                other => {
                    return Err(OAuthError::invalid_request(format!(
                        "unknown prompt value '{other}'"
                    )))
                }
            }
        }
        if interaction.none && prompt.split(' ').filter(|v| !v.is_empty()).count() > 1 {
            return Err(OAuthError::invalid_request(
                "prompt=none cannot be combined with other values",
            ));
        }
    }
    if let Some(max_age) = params.get("max_age")? {
        let seconds = max_age
            .parse::<i64>()
            .ok()
            .filter(|s| *s >= 0)
            .ok_or_else(|| OAuthError::invalid_request("max_age must be a number of seconds"))?;
        interaction.max_age = Some(seconds);
    }
    interaction.login_hint = params
        .get("login_hint")?
        .map(|h| h.chars().take(100).collect());
    interaction.id_token_hint = params.get("id_token_hint")?.map(str::to_string);
    Ok(interaction)
}

impl Interaction {
    /// Decides the next step for a browser whose session signed in at `auth_time` (`None`:
    /// no usable session), given whether a consent covering the request is remembered.
    pub fn next_step(
        &self,
        auth_time: Option<UnixTime>,
        consent_remembered: bool,
        now: UnixTime,
    ) -> Result<Step, OAuthError> {
        // Whole seconds: `max_age=1` one second after signing in asks again, and
        // `max_age=0` always does (Core §3.1.2.1: it equals prompt=login).
        let too_old = |t: UnixTime| self.max_age.is_some_and(|max| now - t >= max);
        let needs_login = match auth_time {
            None => true,
            Some(t) => self.login || too_old(t),
        };
        if needs_login {
            return self.unless_silent(
                Step::Login,
                ErrorCode::LoginRequired,
                "the user must sign in",
            );
        }
        if self.consent || !consent_remembered {
            return self.unless_silent(
                Step::Consent,
                ErrorCode::ConsentRequired,
                "the user must consent",
            );
        }
        Ok(Step::Respond)
    }

    fn unless_silent(&self, step: Step, code: ErrorCode, why: &str) -> Result<Step, OAuthError> {
        if self.none {
            Err(OAuthError::new(
                code,
                format!("{why}, and prompt=none forbids asking"),
            ))
        } else {
            Ok(step)
        }
    }
}

/// The request to return to after the sign-in form: without `prompt=login` and `max_age`
/// (a sign-in just happened, which satisfies both), so the same request does not ask again.
pub fn after_login(params: &Params) -> Params {
    let pairs = params
        .pairs()
        .iter()
        .filter_map(|(name, value)| {
            if name == "max_age" {
                return None;
            }
            if name != "prompt" {
                return Some((name.clone(), value.clone()));
            }
            let kept: Vec<&str> = value
                .split(' ')
                .filter(|v| !v.is_empty() && *v != "login" && *v != "select_account")
                .collect();
            (!kept.is_empty()).then(|| (name.clone(), kept.join(" ")))
        })
        .collect();
    Params::from_pairs(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interaction(query: &str) -> Interaction {
        parse(&Params::parse(query)).unwrap()
    }

    #[test]
    fn prompt_values_and_their_errors() {
        assert!(interaction("prompt=login consent").login);
        assert!(interaction("prompt=select_account").login);
        assert!(parse(&Params::parse("prompt=none login")).is_err());
        assert!(parse(&Params::parse("prompt=sometimes")).is_err());
        assert!(parse(&Params::parse("max_age=-1")).is_err());
        assert_eq!(interaction("max_age=0").max_age, Some(0));
    }

    #[test]
    fn next_step_follows_session_age_and_consent() {
        let plain = Interaction::default();
        assert_eq!(plain.next_step(None, true, 100), Ok(Step::Login));
        assert_eq!(plain.next_step(Some(50), false, 100), Ok(Step::Consent));
        assert_eq!(plain.next_step(Some(50), true, 100), Ok(Step::Respond));
        let aged = interaction("max_age=30");
        assert_eq!(aged.next_step(Some(50), true, 100), Ok(Step::Login));
        assert_eq!(aged.next_step(Some(80), true, 100), Ok(Step::Respond));
        assert_eq!(
            interaction("prompt=consent").next_step(Some(50), true, 100),
            Ok(Step::Consent)
        );
        assert_eq!(
            interaction("prompt=login").next_step(Some(99), true, 100),
            Ok(Step::Login)
        );
    }

    #[test]
    fn prompt_none_never_shows_a_page() {
        let silent = interaction("prompt=none");
        let code = |r: Result<Step, OAuthError>| r.unwrap_err().code;
        assert_eq!(
            code(silent.next_step(None, true, 100)),
            ErrorCode::LoginRequired
        );
        assert_eq!(
            code(silent.next_step(Some(50), false, 100)),
            ErrorCode::ConsentRequired
        );
        assert_eq!(silent.next_step(Some(50), true, 100), Ok(Step::Respond));
        let aged = interaction("prompt=none&max_age=10");
        assert_eq!(
            code(aged.next_step(Some(50), true, 100)),
            ErrorCode::LoginRequired
        );
    }

    #[test]
    fn after_login_drops_only_the_login_prompt() {
        let params = Params::parse("a=1&prompt=login+consent&max_age=0");
        assert_eq!(
            after_login(&params).pairs(),
            &[
                ("a".into(), "1".into()),
                ("prompt".into(), "consent".into())
            ]
        );
        let only_login = Params::parse("prompt=login&b=2");
        assert_eq!(
            after_login(&only_login).pairs(),
            &[("b".into(), "2".into())]
        );
    }
}
