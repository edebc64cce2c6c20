//! The target policy (SSRF protection): which addresses deliveries may connect to. Host names are
//! resolved by [`PolicyResolver`], which hands the HTTP client only checked addresses, so a name
//! cannot pass the check with one address and connect to another (DNS rebinding).

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Where deliveries may go: public addresses always; private, loopback and unspecified ones only
/// inside an allowed range; link-local and cloud metadata addresses never.
#[derive(Debug, Clone, Default)]
pub struct TargetPolicy {
    /// Ranges of otherwise refused (private, loopback) addresses that are allowed.
    pub allow: Vec<IpNet>,
    /// Public addresses too must be in `allow` (for closed networks, and for tests that must
    /// not reach the internet).
    pub only_allowed: bool,
}

/// Why an address is refused; its Display is the message the user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0} is a link-local or cloud metadata address, which is never allowed")]
    Never(IpAddr),
    #[error(
        "{0} is a private, loopback or unspecified address; allow it with --allow-target CIDR \
         (WEBHOOK_ALLOW_TARGETS) if this server should deliver there"
    )]
    NotAllowed(IpAddr),
    #[error(
        "{0} is not in a range allowed by --allow-target, and this server delivers only to those \
         (--only-allowed-targets)"
    )]
    NotListed(IpAddr),
}

/// A host name every address of which was refused.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {refusal}")]
pub struct RefusedHost {
    pub host: String,
    pub refusal: Refusal,
}

/// A host name that does not resolve.
#[derive(Debug, thiserror::Error)]
#[error("cannot resolve {host}: {reason}")]
pub struct DnsFailure {
    pub host: String,
    pub reason: String,
}

impl TargetPolicy {
    pub fn check(&self, ip: IpAddr) -> Result<(), Refusal> {
        // An IPv4-mapped IPv6 address is checked as the IPv4 address it reaches.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if is_never(ip) {
            return Err(Refusal::Never(ip));
        }
        if self.allow.iter().any(|net| net.contains(&ip)) {
            Ok(())
        } else if is_restricted(ip) {
            Err(Refusal::NotAllowed(ip))
        } else if self.only_allowed {
            Err(Refusal::NotListed(ip))
        } else {
            Ok(())
        }
    }
}

/// Link-local (where cloud metadata services live) and the metadata addresses themselves.
fn is_never(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local() || v4 == Ipv4Addr::new(169, 254, 169, 254),
        IpAddr::V6(v6) => {
            (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
        }
    }
}

/// Addresses inside the server's own networks.
fn is_restricted(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_unspecified()
                || v4.is_broadcast()
                // 100.64/10: carrier-grade NAT, private in practice.
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.is_unspecified() || (v6.segments()[0] & 0xfe00) == 0xfc00
        }
    }
}

/// reqwest's resolver: the system's lookup, then the policy on every address.
#[derive(Debug, Clone)]
pub struct PolicyResolver {
    pub policy: Arc<TargetPolicy>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| DnsFailure {
                    host: host.clone(),
                    reason: e.to_string(),
                })?
                .collect();
            let Some(first) = found.first() else {
                return Err(DnsFailure {
                    host,
                    reason: "no address".into(),
                }
                .into());
            };
            let refusal = policy.check(first.ip()).err();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| policy.check(a.ip()).is_ok())
                .collect();
            match refusal {
                Some(refusal) if allowed.is_empty() => Err(RefusedHost { host, refusal }.into()),
                _ => Ok(Box::new(allowed.into_iter()) as Addrs),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn metadata_and_link_local_are_never_allowed() {
        let policy = TargetPolicy {
            allow: vec!["0.0.0.0/0".parse().unwrap(), "::/0".parse().unwrap()],
            only_allowed: false,
        };
        for never in [
            "169.254.169.254",
            "169.254.1.1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
        ] {
            assert!(
                matches!(policy.check(ip(never)), Err(Refusal::Never(_))),
                "{never}"
            );
        }
    }

    #[test]
    fn private_and_loopback_need_an_allowed_range() {
        let closed = TargetPolicy::default();
        for restricted in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                matches!(closed.check(ip(restricted)), Err(Refusal::NotAllowed(_))),
                "{restricted}"
            );
        }
        assert_eq!(closed.check(ip("93.184.216.34")), Ok(()));
        assert_eq!(closed.check(ip("2606:2800:220:1::1")), Ok(()));
        let open = TargetPolicy {
            allow: vec!["127.0.0.0/8".parse().unwrap()],
            only_allowed: false,
        };
        assert_eq!(open.check(ip("127.0.0.1")), Ok(()));
        assert!(open.check(ip("10.0.0.1")).is_err());
        let closed_network = TargetPolicy {
            only_allowed: true,
            ..open
        };
        assert_eq!(closed_network.check(ip("127.0.0.1")), Ok(()));
        assert_eq!(
            closed_network.check(ip("93.184.216.34")),
            Err(Refusal::NotListed(ip("93.184.216.34")))
        );
    }
}
