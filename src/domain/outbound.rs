//! The outbound-request policy as plain rules (no I/O): which URLs and which addresses the
//! server may send a request to on a client's behalf (back-channel logout, sector identifier
//! documents). Registration checks URLs with it up front; `crate::outbound` applies it to
//! every address a name resolves to, right before connecting. See `docs/security.md`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether outbound requests follow the rules or (`--allow-insecure-outbound`, for local
/// development and tests) may use http and local addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutboundRules {
    /// https only, public addresses only.
    #[default]
    Strict,
    /// http and any address allowed.
    Insecure,
}

impl OutboundRules {
    /// The rules for the flag's value.
    pub fn from_flag(allow_insecure: bool) -> Self {
        if allow_insecure {
            Self::Insecure
        } else {
            Self::Strict
        }
    }

    /// Checks a URL the server is asked to send requests to, before anything is stored or
    /// sent. The message says why a URL is refused.
    pub fn check_url(self, raw: &str) -> Result<url::Url, String> {
        let url = url::Url::parse(raw).map_err(|e| format!("'{raw}' is not a URL: {e}"))?;
        match (url.scheme(), self) {
            ("https", _) | ("http", Self::Insecure) => {}
            ("http", Self::Strict) => {
                return Err(format!(
                    "'{raw}' must use https: the server sends requests over TLS only"
                ))
            }
            _ => return Err(format!("'{raw}' must be an https URL")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("'{raw}' must not contain credentials"));
        }
        if url.fragment().is_some() {
            return Err(format!("'{raw}' must not have a fragment"));
        }
        if self == Self::Insecure {
            return Ok(url);
        }
        match url.host() {
            None => Err(format!("'{raw}' has no host")),
            Some(url::Host::Ipv4(ip)) => public_or_refused(raw, IpAddr::V4(ip)).map(|_| url),
            Some(url::Host::Ipv6(ip)) => public_or_refused(raw, IpAddr::V6(ip)).map(|_| url),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if name == "localhost" || name.ends_with(".localhost") || !name.contains('.') {
                    Err(format!(
                        "'{raw}' names a local host: the server sends requests only to public hosts"
                    ))
                } else {
                    Ok(url)
                }
            }
        }
    }

    /// Whether the server may connect to `ip` under these rules.
    pub fn allows(self, ip: IpAddr) -> bool {
        self == Self::Insecure || is_public(ip)
    }
}

fn public_or_refused(raw: &str, ip: IpAddr) -> Result<(), String> {
    if is_public(ip) {
        Ok(())
    } else {
        Err(format!(
            "'{raw}' points to a loopback, private, link-local or reserved address: the server sends requests only to public addresses"
        ))
    }
}

/// Whether `ip` is a public unicast address: not loopback, private, link-local, unique-local,
/// shared (CGNAT), multicast, unspecified, documentation or otherwise reserved. IPv6 forms
/// that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT), RFC 6598
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, RFC 2544
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x2001 && ip.segments()[1] == 0)) // Teredo: the tunnel hides the address
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_loopback() && !ip.is_unspecified() {
        return Some(low);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(low);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn strict_rules_want_https_and_a_public_host() {
        let strict = OutboundRules::Strict;
        assert!(strict.check_url("https://rp.example/logout").is_ok());
        for bad in [
            "http://rp.example/logout",
            "https://127.0.0.1/x",
            "https://[::ffff:10.0.0.1]/x",
            "https://localhost/x",
            "https://api.localhost/x",
            "https://intranet/x",
            "https://user:pw@rp.example/x",
            "ftp://rp.example/x",
            "https://rp.example/x#frag",
        ] {
            assert!(strict.check_url(bad).is_err(), "{bad}");
        }
        let message = strict.check_url("https://10.0.0.1/x").unwrap_err();
        assert!(message.contains("private"), "{message}");
        assert!(strict
            .check_url("http://rp.example/x")
            .unwrap_err()
            .contains("https"));
    }

    #[test]
    fn insecure_rules_allow_local_http() {
        let insecure = OutboundRules::Insecure;
        assert!(insecure.check_url("http://127.0.0.1:8080/x").is_ok());
        assert!(insecure.allows("127.0.0.1".parse().unwrap()));
        assert!(insecure.check_url("ftp://127.0.0.1/x").is_err());
        assert!(!OutboundRules::Strict.allows("127.0.0.1".parse().unwrap()));
    }
}
