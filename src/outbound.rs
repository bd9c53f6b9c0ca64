//! Every request the server itself sends (back-channel logout tokens, sector identifier
//! documents) goes through [`Outbound`]: the URL is checked by the rules in
//! `domain::outbound`, each address a name resolves to is checked before connecting and the
//! connection goes only to an address that passed (no DNS rebinding between check and use),
//! redirects are never followed, timeouts are short and answers are read up to a bound.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::domain::outbound::OutboundRules;

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a whole request may take.
const TOTAL_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of an answer that is read.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Why an outbound request was not made or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    /// The policy forbids it; the text says why.
    #[error("refused: {0}")]
    Refused(String),
    /// The peer could not be reached or answered badly.
    #[error("{0}")]
    Failed(String),
}

/// The server's HTTP client for requests on a client's behalf. Cheap to clone.
#[derive(Clone)]
pub struct Outbound {
    http: reqwest::Client,
    rules: OutboundRules,
}

impl Outbound {
    /// A client that applies `rules`.
    pub fn new(rules: OutboundRules) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(CheckedResolver { rules }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TOTAL_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the outbound HTTP client: {e}"))?;
        Ok(Self { http, rules })
    }

    /// The rules this client applies (registration checks URLs with the same).
    pub fn rules(&self) -> OutboundRules {
        self.rules
    }

    /// POSTs a form; the answer's status.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<reqwest::StatusCode, OutboundError> {
        let url = self.rules.check_url(url).map_err(OutboundError::Refused)?;
        let response = self
            .http
            .post(url)
            .form(form)
            .send()
            .await
            .map_err(failed)?;
        Ok(response.status())
    }

    /// GETs a JSON document (at most [`MAX_RESPONSE_BYTES`]); a redirect or another status
    /// than 200 is a failure.
    pub async fn get_json(&self, url: &str) -> Result<serde_json::Value, OutboundError> {
        let url = self.rules.check_url(url).map_err(OutboundError::Refused)?;
        let mut response = self
            .http
            .get(url)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(failed)?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(OutboundError::Failed(format!(
                "answered {} (redirects are not followed)",
                response.status()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(OutboundError::Failed(format!(
                    "the answer is larger than {MAX_RESPONSE_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body)
            .map_err(|e| OutboundError::Failed(format!("the answer is not JSON: {e}")))
    }
}

fn failed(e: reqwest::Error) -> OutboundError {
    // The resolver's refusal arrives wrapped as a connect error; keep its words.
    let mut source: Option<&dyn std::error::Error> = Some(&e);
    while let Some(error) = source {
        if let Some(refused) = error.downcast_ref::<Refused>() {
            return OutboundError::Refused(refused.0.clone());
        }
        source = error.source();
    }
    OutboundError::Failed(e.without_url().to_string())
}

/// A name that resolved only to addresses the rules forbid.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Resolves names with the system resolver and hands the connector only the addresses the
/// rules allow, so the address that was checked is the address that is used.
struct CheckedResolver {
    rules: OutboundRules,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let rules = self.rules;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed = admit(rules, &host, found)?;
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// The addresses the rules allow; an error naming the host when none is left.
fn admit(
    rules: OutboundRules,
    host: &str,
    found: Vec<SocketAddr>,
) -> Result<Vec<SocketAddr>, Refused> {
    let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| rules.allows(a.ip())).collect();
    if allowed.is_empty() {
        return Err(Refused(format!(
            "{host} resolves to no public address: the server sends requests only to public addresses"
        )));
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter()
            .map(|a| SocketAddr::new(a.parse().unwrap(), 0))
            .collect()
    }

    #[test]
    fn only_checked_addresses_reach_the_connector() {
        let strict = OutboundRules::Strict;
        let mixed = addrs(&["127.0.0.1", "93.184.216.34", "::ffff:10.0.0.1"]);
        assert_eq!(
            admit(strict, "rp.example", mixed).unwrap(),
            addrs(&["93.184.216.34"])
        );
        let local = addrs(&["127.0.0.1", "::1"]);
        assert!(admit(strict, "rebind.example", local.clone())
            .unwrap_err()
            .0
            .contains("rebind.example"));
        assert_eq!(
            admit(OutboundRules::Insecure, "localhost", local.clone()).unwrap(),
            local
        );
    }

    #[tokio::test]
    async fn urls_outside_the_rules_are_refused_before_connecting() {
        let outbound = Outbound::new(OutboundRules::Strict).unwrap();
        let error = outbound
            .post_form("https://127.0.0.1:1/x", &[])
            .await
            .unwrap_err();
        assert!(matches!(error, OutboundError::Refused(_)), "{error:?}");
        let error = outbound.get_json("http://rp.example/").await.unwrap_err();
        assert!(matches!(error, OutboundError::Refused(_)), "{error:?}");
    }
}
