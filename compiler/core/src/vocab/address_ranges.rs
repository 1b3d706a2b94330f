//! Address ranges that are not public: RFC 1918 private IPv4, the RFC 6598 shared range
//! (carrier-grade NAT, which clusters use for pods) and RFC 4193 unique local IPv6.
//! Kept as numbers too, so that checking 100,000 blocks parses nothing.

use ipnet::IpNet;

pub struct Range {
    pub block: &'static str,
    pub name: &'static str,
    pub v6: bool,
    /// The first address, as a number.
    pub base: u128,
    pub prefix_len: u32,
}

pub const PRIVATE: &[Range] = &[
    Range {
        block: "10.0.0.0/8",
        name: "RFC 1918 private",
        v6: false,
        base: 0x0a00_0000,
        prefix_len: 8,
    },
    Range {
        block: "172.16.0.0/12",
        name: "RFC 1918 private",
        v6: false,
        base: 0xac10_0000,
        prefix_len: 12,
    },
    Range {
        block: "192.168.0.0/16",
        name: "RFC 1918 private",
        v6: false,
        base: 0xc0a8_0000,
        prefix_len: 16,
    },
    Range {
        block: "100.64.0.0/10",
        name: "RFC 6598 shared (carrier-grade NAT)",
        v6: false,
        base: 0x6440_0000,
        prefix_len: 10,
    },
    Range {
        block: "fc00::/7",
        name: "RFC 4193 unique local",
        v6: true,
        base: 0xfc00 << 112,
        prefix_len: 7,
    },
];

/// The range that holds all of the addresses `start..=end` (of an IPv6 block when
/// `v6`), if one does.
pub fn holding(v6: bool, start: u128, end: u128) -> Option<&'static Range> {
    PRIVATE.iter().find(|r| {
        let bits = if r.v6 { 128 } else { 32 };
        let last = r.base | ((1u128 << (bits - r.prefix_len)) - 1);
        r.v6 == v6 && r.base <= start && end <= last
    })
}

/// The range that holds all of `net`, if one does.
pub fn private_range(net: &IpNet) -> Option<&'static Range> {
    match net {
        IpNet::V4(n) => holding(
            false,
            u32::from(n.network()) as u128,
            u32::from(n.broadcast()) as u128,
        ),
        IpNet::V6(n) => holding(true, u128::from(n.network()), u128::from(n.broadcast())),
    }
}

/// The IPv4 ranges, for help text: `` `10.0.0.0/8`, `172.16.0.0/12`... ``.
pub fn ipv4_list() -> String {
    let v: Vec<String> = PRIVATE
        .iter()
        .filter(|r| !r.v6)
        .map(|r| format!("`{}`", r.block))
        .collect();
    match v.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => v.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_blocks() {
        for r in PRIVATE {
            let net: IpNet = r.block.parse().unwrap();
            assert_eq!(private_range(&net).map(|x| x.block), Some(r.block));
            assert_eq!(net.prefix_len() as u32, r.prefix_len, "{}", r.block);
        }
    }

    #[test]
    fn ranges() {
        let p = |s: &str| private_range(&s.parse().unwrap()).map(|r| r.block);
        assert_eq!(p("10.130.0.0/16"), Some("10.0.0.0/8"));
        assert_eq!(p("100.64.0.0/16"), Some("100.64.0.0/10"));
        assert_eq!(p("fd00::/8"), Some("fc00::/7"));
        assert_eq!(p("8.8.8.0/24"), None);
        assert_eq!(p("172.32.0.0/16"), None);
        assert_eq!(
            ipv4_list(),
            "`10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` or `100.64.0.0/10`"
        );
    }
}
