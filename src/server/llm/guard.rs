//! Where an account's own provider may connect. Unless the admin allows
//! it, never to loopback, private, link-local, shared (CGNAT) or cloud
//! metadata addresses, so a user's "base URL" cannot reach the server's own
//! network. Checked on the addresses a name resolves to, for every new
//! connection (a resolver that refuses), on every redirect (a policy that
//! refuses) and on addresses written as such in a URL (reqwest does not
//! resolve those).

use super::chat::{ChatProvider, ChatRequest, ChatStream, LlmError};
use futures::future::BoxFuture;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Why an address is off limits, as a phrase ("a loopback address").
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refusal_v4(v4),
            None => refusal_v6(v6),
        },
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(100, 100, 100, 200) {
        Some("a cloud metadata address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_private() {
        Some("a private address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("a broadcast, multicast or reserved address")
    } else {
        None
    }
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Some("a cloud metadata address")
    } else if ip.is_unicast_link_local() {
        Some("a link-local address")
    } else if ip.is_unique_local() {
        Some("a private address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if ip.is_multicast() {
        Some("a broadcast, multicast or reserved address")
    } else {
        None
    }
}

/// A refused address: the sentence the user reads.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refused(host: &str, ip: IpAddr, why: &str) -> Refused {
    let reaches = if host.parse::<IpAddr>().is_ok() {
        format!("{host} is {why}")
    } else {
        format!("{host} resolves to {ip}, {why}")
    };
    Refused(format!(
        "{reaches}. Own keys may not reach loopback, private, link-local or metadata addresses on this server."
    ))
}

/// The host of a URL when it is an address (the URL parser has already
/// turned `2130706433` or `0x7f.1` into `127.0.0.1`).
fn host_ip(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// The refusal for a URL whose host is an address, if it is off limits.
pub fn literal_refusal(url: &Url) -> Option<Refused> {
    let ip = host_ip(url)?;
    refusal(ip).map(|why| refused(&ip.to_string(), ip, why))
}

/// Checks every address `host` resolves to: one off-limits address refuses
/// the name (a name that answers with both is someone's trick).
async fn resolve_checked(host: String) -> Result<Vec<SocketAddr>, Refused> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
        .await
        .map_err(|e| Refused(format!("{host} cannot be resolved: {e}")))?
        .collect();
    if let Some((ip, why)) = addrs
        .iter()
        .find_map(|a| refusal(a.ip()).map(|why| (a.ip(), why)))
    {
        return Err(refused(&host, ip, why));
    }
    Ok(addrs)
}

struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = resolve_checked(host).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Redirects followed at most, as reqwest's own default.
const MAX_REDIRECTS: usize = 10;

/// The client own keys use while private addresses are refused: the
/// guarded resolver, a redirect policy that checks each hop, and no proxy
/// from the environment (a proxy would resolve the name instead).
pub fn client(user_agent: &str, connect_timeout: Duration) -> reqwest::Result<reqwest::Client> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match literal_refusal(attempt.url()) {
            Some(refused) => attempt.error(refused),
            None => attempt.follow(),
        }
    });
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(user_agent)
        .dns_resolver(Arc::new(GuardedResolver))
        .redirect(policy)
        .no_proxy()
        .build()
}

/// For a base URL as it is saved: the same refusal a request would meet.
pub async fn check_url(url: &str) -> Result<(), Refused> {
    let url = Url::parse(url).map_err(|_| Refused(format!("{url} is not a URL.")))?;
    if let Some(refused) = literal_refusal(&url) {
        return Err(refused);
    }
    match url.host_str() {
        Some(host) if host_ip(&url).is_none() => {
            resolve_checked(host.to_string()).await.map(|_| ())
        }
        _ => Ok(()),
    }
}

/// A chat provider behind the guard: each reply first checks where its
/// base URL points now (a clear refusal); the guarded client then holds
/// every connection and redirect to the same rule.
struct Checked {
    inner: Box<dyn ChatProvider>,
    base: String,
}

impl ChatProvider for Checked {
    fn stream(&self, request: ChatRequest) -> BoxFuture<'static, Result<ChatStream, LlmError>> {
        let base = self.base.clone();
        let call = self.inner.stream(request);
        Box::pin(async move {
            check_url(&base)
                .await
                .map_err(|refused| LlmError::Connect(refused.0))?;
            call.await
        })
    }
}

pub fn checked(inner: Box<dyn ChatProvider>, base: String) -> Box<dyn ChatProvider> {
    Box::new(Checked { inner, base })
}

/// The guard's sentence inside a failed request, if the guard refused it.
pub fn explain(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return Some(refused.0.clone());
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(s: &str) -> Option<&'static str> {
        refusal(s.parse().unwrap())
    }

    #[test]
    fn off_limits_addresses_are_named() {
        assert_eq!(why("127.0.0.1"), Some("a loopback address"));
        assert_eq!(why("::1"), Some("a loopback address"));
        assert_eq!(why("::ffff:127.0.0.1"), Some("a loopback address"));
        assert_eq!(why("10.1.2.3"), Some("a private address"));
        assert_eq!(why("172.16.0.1"), Some("a private address"));
        assert_eq!(why("192.168.1.10"), Some("a private address"));
        assert_eq!(why("fd12::1"), Some("a private address"));
        assert_eq!(why("169.254.169.254"), Some("a cloud metadata address"));
        assert_eq!(why("fd00:ec2::254"), Some("a cloud metadata address"));
        assert_eq!(why("169.254.1.1"), Some("a link-local address"));
        assert_eq!(why("fe80::1"), Some("a link-local address"));
        assert_eq!(
            why("100.64.0.1"),
            Some("a shared (carrier-grade NAT) address")
        );
        assert_eq!(why("0.0.0.0"), Some("an unspecified address"));
        assert_eq!(why("::"), Some("an unspecified address"));
        assert_eq!(why("8.8.8.8"), None);
        assert_eq!(why("172.32.0.1"), None);
        assert_eq!(why("2606:4700::1111"), None);
    }

    #[test]
    fn addresses_written_in_urls_are_caught_in_every_spelling() {
        for url in [
            "http://127.0.0.1:11434/v1",
            "http://[::1]/v1",
            "http://2130706433/v1",
            "http://0x7f.1/v1",
            "http://169.254.169.254/latest/meta-data",
        ] {
            let refused = literal_refusal(&Url::parse(url).unwrap());
            assert!(refused.is_some(), "{url} passed");
        }
        let refused = literal_refusal(&Url::parse("http://10.0.0.5/v1").unwrap()).unwrap();
        assert!(
            refused.0.starts_with("10.0.0.5 is a private address."),
            "{refused}"
        );
        assert!(literal_refusal(&Url::parse("https://api.openai.com/v1").unwrap()).is_none());
    }

    #[tokio::test]
    async fn a_name_is_judged_by_what_it_resolves_to() {
        let refused = check_url("http://localhost:8080/v1").await.unwrap_err();
        assert!(
            refused.0.starts_with("localhost resolves to ") && refused.0.contains("loopback"),
            "{refused}"
        );
        assert!(check_url("http://[fe80::1]/").await.is_err());
    }
}
