//! The client's address: the peer's, or, when the peer is one of
//! `BACKROOMS_TRUSTED_PROXIES`, the nearest untrusted hop of
//! `X-Forwarded-For` (read from the right, so a client cannot choose its
//! own address by sending the header itself). The login throttle and the
//! sessions list key on this.

use axum::http::HeaderMap;
use std::net::IpAddr;

pub fn address(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => client = ip,
            Ok(ip) => return ip,
            // Garbage from further out is not believed.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::address;
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(xff).unwrap());
        h
    }

    #[test]
    fn only_a_trusted_proxy_is_believed_and_only_for_its_own_hop() {
        let proxy = "10.0.0.2".parse().unwrap();
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        let h = headers("6.6.6.6, 203.0.113.7, 10.0.0.9");
        assert_eq!(
            address(proxy, &h, &trusted),
            "203.0.113.7".parse::<std::net::IpAddr>().unwrap()
        );
        // Untrusted peer: the header is ignored.
        let outsider = "198.51.100.1".parse().unwrap();
        assert_eq!(address(outsider, &h, &trusted), outsider);
        assert_eq!(address(proxy, &h, &[]), proxy);
        // Nothing usable: the proxy itself.
        assert_eq!(address(proxy, &headers("nonsense"), &trusted), proxy);
    }
}
