//! Who is asking, and whether the post comes from this site.
//!
//! The site's own hosts are the host of `base_url`, the bound address and port (with
//! `localhost` forms when bound to loopback, any IP literal with the port when bound to every
//! address) and each `--allowed-host`. A post with an `Origin` is accepted only when both that
//! Origin and the `Host` (DNS rebinding sends the attacker's name as `Host`) are among them.
//! `X-Forwarded-Host`, `X-Forwarded-For` and `Forwarded` are read only from a `--trusted-proxy`
//! peer; the client is then the rightmost forwarded address that is not a trusted proxy.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, header};
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct Hosts {
    /// Lowercase `host` or `host:port` authorities.
    names: HashSet<String>,
    /// Bound to every address: any IP literal with this port is the server itself.
    any_ip_port: Option<u16>,
}

/// `https://User@Help.Example:8443/path` → `help.example:8443`, with the scheme's default port
/// dropped.
pub fn url_authority(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?.to_ascii_lowercase();
    if authority.is_empty() {
        return None;
    }
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => "",
    };
    Some(match authority.strip_suffix(default) {
        Some(bare) if !default.is_empty() => bare.to_string(),
        _ => authority,
    })
}

impl Hosts {
    pub fn new(base_url: Option<&str>, bound: SocketAddr, allowed: &[String]) -> Hosts {
        let mut names = HashSet::new();
        if let Some(authority) = base_url.and_then(url_authority) {
            names.insert(authority);
        }
        let port = bound.port();
        names.insert(bound.to_string());
        if bound.ip().is_loopback() {
            for host in ["localhost", "127.0.0.1", "[::1]"] {
                names.insert(format!("{host}:{port}"));
            }
        }
        for host in allowed {
            let host = host.trim().to_ascii_lowercase();
            match url_authority(&host) {
                Some(authority) => names.insert(authority),
                None => names.insert(host),
            };
        }
        Hosts {
            names,
            any_ip_port: bound.ip().is_unspecified().then_some(port),
        }
    }

    /// Whether `authority` (a `Host` value, or an Origin's host part) is this site.
    pub fn contains(&self, authority: &str) -> bool {
        let authority = authority.trim().to_ascii_lowercase();
        if self.names.contains(&authority) {
            return true;
        }
        self.any_ip_port.is_some_and(|port| {
            authority
                .parse::<SocketAddr>()
                .is_ok_and(|addr| addr.port() == port)
        })
    }

    /// Why a post is refused as cross-site, if it is. `host` is the effective host (the
    /// forwarded one from a trusted proxy, else `Host`).
    pub fn cross_site(&self, headers: &HeaderMap, host: Option<&str>) -> Option<&'static str> {
        if headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
        {
            return Some("cross-site posts are refused");
        }
        let origin = headers.get(header::ORIGIN)?;
        let Some(origin) = origin.to_str().ok().and_then(url_authority) else {
            return Some("posts from an opaque or malformed Origin are refused");
        };
        if !self.contains(&origin) {
            return Some("the Origin of this post is not this site: cross-site posts are refused");
        }
        if !host.is_some_and(|h| self.contains(h)) {
            return Some("the Host of this post is not this site's: refused");
        }
        None
    }
}

/// The peers whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct Proxies(Vec<IpNet>);

/// A `--trusted-proxy` that is not an address or a range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither an IP address nor a CIDR range")]
pub struct NotANet(pub String);

/// `10.0.0.1` or `10.0.0.0/8` (IPv4 or IPv6).
pub fn parse_net(text: &str) -> Result<IpNet, NotANet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| NotANet(text.to_string()))
}

impl Proxies {
    pub fn new(nets: Vec<IpNet>) -> Proxies {
        Proxies(nets)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address and the effective host of a request from `peer`.
    pub fn client<'a>(&self, peer: IpAddr, headers: &'a HeaderMap) -> (IpAddr, Option<&'a str>) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        if !self.trusts(peer) {
            return (peer, host);
        }
        let forwarded = forwarded_pairs(headers);
        let mut chain: Vec<IpAddr> = values(headers, "x-forwarded-for")
            .filter_map(parse_node)
            .collect();
        if chain.is_empty() {
            chain = forwarded
                .iter()
                .filter(|(k, _)| k == "for")
                .filter_map(|(_, v)| parse_node(v))
                .collect();
        }
        let client = chain
            .iter()
            .rev()
            .find(|ip| !self.trusts(**ip))
            .or(chain.first())
            .copied()
            .unwrap_or(peer);
        let forwarded_host = values(headers, "x-forwarded-host").last().or_else(|| {
            // `Forwarded: host=` values borrow from the header only when unquoted.
            values(headers, "forwarded")
                .flat_map(|v| v.split(';'))
                .filter_map(|kv| kv.split_once('='))
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
                .map(|(_, v)| v.trim().trim_matches('"'))
                .last()
        });
        (client, forwarded_host.or(host))
    }
}

/// Comma-separated items of every value of a header, trimmed.
fn values<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// `Forwarded: for=192.0.2.1;proto=https, for="[2001:db8::1]:4711"` as lowercase-key pairs.
fn forwarded_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    values(headers, "forwarded")
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:80`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(text: impl AsRef<str>) -> Option<IpAddr> {
    let text = text.as_ref().trim().trim_matches('"');
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.split(']').next())
                .and_then(|t| t.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_site_hosts() {
        let hosts = Hosts::new(
            Some("https://Help.Test/"),
            "127.0.0.1:8080".parse().unwrap(),
            &["docs.example:8443".into()],
        );
        for ok in [
            "help.test",
            "127.0.0.1:8080",
            "localhost:8080",
            "docs.example:8443",
        ] {
            assert!(hosts.contains(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "127.0.0.1:9090",
            "help.test.evil",
            "docs.example",
        ] {
            assert!(!hosts.contains(bad), "{bad}");
        }
        let any = Hosts::new(None, "0.0.0.0:8080".parse().unwrap(), &[]);
        assert!(any.contains("192.0.2.7:8080"));
        assert!(!any.contains("evil.example:8080"));
        assert_eq!(
            url_authority("https://a.test:443").as_deref(),
            Some("a.test")
        );
        assert_eq!(
            url_authority("http://a.test:8080/x").as_deref(),
            Some("a.test:8080")
        );
        assert_eq!(url_authority("null"), None);
    }

    #[test]
    fn origin_and_host_must_be_the_site() {
        let hosts = Hosts::new(None, "127.0.0.1:8080".parse().unwrap(), &[]);
        let own = "http://127.0.0.1:8080";
        let h = headers(&[]);
        assert!(
            hosts.cross_site(&h, Some("127.0.0.1:8080")).is_none(),
            "no Origin"
        );
        let h = headers(&[("origin", own)]);
        assert!(hosts.cross_site(&h, Some("127.0.0.1:8080")).is_none());
        assert!(hosts.cross_site(&h, Some("evil.example")).is_some());
        let h = headers(&[("origin", "http://evil.example")]);
        assert!(
            hosts.cross_site(&h, Some("evil.example")).is_some(),
            "rebinding"
        );
        let h = headers(&[("origin", "null")]);
        assert!(hosts.cross_site(&h, Some("127.0.0.1:8080")).is_some());
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(hosts.cross_site(&h, Some("127.0.0.1:8080")).is_some());
    }

    #[test]
    fn forwarding_headers_only_from_trusted_proxies() {
        let proxies = Proxies::new(vec![parse_net("10.0.0.0/8").unwrap()]);
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-for", "203.0.113.9, 198.51.100.4"),
            ("x-forwarded-for", "10.1.2.3"),
            ("x-forwarded-host", "help.test"),
        ]);
        let peer: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(proxies.client(peer, &h), (peer, Some("127.0.0.1:8080")));
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(
            proxies.client(proxy, &h),
            ("198.51.100.4".parse().unwrap(), Some("help.test"))
        );
        let h = headers(&[("forwarded", "for=\"[2001:db8::1]:4711\";host=help.test")]);
        assert_eq!(
            proxies.client(proxy, &h),
            ("2001:db8::1".parse().unwrap(), Some("help.test"))
        );
        assert_eq!(proxies.client(proxy, &headers(&[])).0, proxy);
        assert!(parse_net("nonsense").is_err());
        assert!(parse_net("::1").is_ok());
    }
}
