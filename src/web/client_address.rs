//! Which address a request comes from, for throttling: the peer's address, or behind a
//! reverse proxy listed in `--trusted-proxy` the nearest address in `X-Forwarded-For` that is
//! not one of those proxies. Headers from any other peer are ignored, since anyone can send
//! them.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// The client's address as throttling counts it (`"unknown"` when the peer is unknown, as in
/// some tests).
pub fn client_address(req: &HttpRequest, trusted_proxies: &[IpNet]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    from_chain(peer, &forwarded, trusted_proxies).to_string()
}

/// Walks the chain back from the peer while the hop is a trusted proxy (RFC 7239 §7.4's
/// advice for `X-Forwarded-For`): the first untrusted address is the client.
fn from_chain(peer: IpAddr, forwarded: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = canonical(peer);
    for hop in forwarded.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = canonical(ip),
            // A malformed entry ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

/// IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Parses `--trusted-proxy` values (CIDR, or a single address).
pub fn parse_trusted_proxies(values: &[String]) -> Result<Vec<IpNet>, String> {
    values
        .iter()
        .flat_map(|v| v.split([',', ' ']))
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<IpNet>()
                .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("--trusted-proxy: '{v}' is not an address or CIDR range"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = parse_trusted_proxies(&["10.0.0.0/8".into(), "::1".into()]).unwrap();
        // Straight from the internet: the header is a lie anyone can tell.
        assert_eq!(
            from_chain(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            from_chain(ip("10.0.0.2"), &["198.51.100.4"], &trusted),
            ip("198.51.100.4")
        );
        // A client that sends its own header through the proxy cannot choose its address.
        assert_eq!(
            from_chain(ip("10.0.0.2"), &["1.2.3.4", "198.51.100.4"], &trusted),
            ip("198.51.100.4")
        );
        // Two proxies deep.
        assert_eq!(
            from_chain(ip("::1"), &["198.51.100.4", "10.0.0.3"], &trusted),
            ip("198.51.100.4")
        );
        assert_eq!(
            from_chain(ip("10.0.0.2"), &["garbage"], &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            from_chain(ip("::ffff:203.0.113.9"), &[], &[]),
            ip("203.0.113.9")
        );
        assert!(parse_trusted_proxies(&["nonsense".into()]).is_err());
    }
}
