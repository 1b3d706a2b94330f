//! Unit tests of the CIDR checks: parsing and its messages, each check, and the sweep
//! over many blocks.

use super::parse::{fast_v4, parse_careful};
use super::sweep::nested_pairs;
use super::*;
use crate::diag::Severity;
use crate::source::{FileId, Span, Spanned};
use ipnet::IpNet;
use std::net::Ipv4Addr;

/// Hands out synthetic, increasing spans so source order follows construction order.
#[derive(Default)]
pub(super) struct Gen {
    pos: usize,
}

impl Gen {
    pub(super) fn text(&mut self, s: &str) -> CidrText {
        let span = Span::new(FileId(0), self.pos, self.pos + s.len());
        self.pos += s.len() + 1;
        Spanned::new(s.to_string(), span)
    }

    fn name(&mut self, s: &str) -> ast::Name {
        self.text(s)
    }

    /// `subnets`: (name, private block, public block).
    pub(super) fn network(
        &mut self,
        name: &str,
        cidr: Option<&str>,
        subnets: &[(&str, &str, Option<&str>)],
        pods: Option<&str>,
        services: Option<&str>,
    ) -> ast::Network {
        let start = self.pos;
        let name = self.name(name);
        let cidr = cidr.map(|c| self.text(c));
        let subnets = subnets
            .iter()
            .map(|(n, c, p)| {
                let s = self.pos;
                let name = self.name(n);
                let cidr = self.text(c);
                let public = p.map(|p| self.text(p));
                ast::Subnet {
                    name,
                    cidr,
                    zone: None,
                    public,
                    secondary: Vec::new(),
                    span: Span::new(FileId(0), s, self.pos),
                }
            })
            .collect();
        let pods = pods.map(|c| self.text(c));
        let services = services.map(|c| self.text(c));
        ast::Network {
            cidr,
            subnets,
            pods,
            services,
            ..ast::Network::empty(name, Span::new(FileId(0), start, self.pos))
        }
    }
}

fn run(networks: &[(&ast::Network, &[Cloud])]) -> Vec<Diagnostic> {
    let inputs: Vec<NetworkInput> = networks
        .iter()
        .map(|(n, c)| NetworkInput {
            network: n,
            clouds: c.to_vec(),
        })
        .collect();
    let mut diags = Vec::new();
    check(&inputs, &mut diags);
    diags
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

#[allow(clippy::result_large_err)]
fn one(s: &str) -> Result<IpNet, Diagnostic> {
    parse_block(&Gen::default().text(s))
}

fn style_ok(d: &Diagnostic) {
    let first = d.message.chars().next().unwrap();
    assert!(!first.is_uppercase(), "{}", d.message);
    assert!(!d.message.ends_with('.'), "{}", d.message);
    assert!(d.help.is_some(), "no help: {}", d.message);
}

const AWS: &[Cloud] = &[Cloud::Aws];
const NONE: &[Cloud] = &[];

// ---- E0201 / E0202 ----

#[test]
fn well_formed_blocks_parse() {
    for s in [
        "10.0.0.0/8",
        "0.0.0.0/0",
        "255.255.255.255/32",
        "fd00::/8",
        "fd00:1:2::/48",
        "::/0",
        "::ffff:10.0.0.0/120",
    ] {
        let net = one(s).unwrap_or_else(|d| panic!("{s}: {}", d.message));
        assert_eq!(net, s.parse::<IpNet>().unwrap());
    }
}

#[test]
fn malformed_blocks_say_what_is_wrong() {
    let d = one("300.1.1.1/8").unwrap_err();
    assert_eq!(d.code, "E0201");
    assert_eq!(d.message, "octet `300` in `300.1.1.1/8` is over 255");
    assert_eq!(d.span, Span::new(FileId(0), 0, 3));
    style_ok(&d);

    let d = one("10.0.0.0/33").unwrap_err();
    assert_eq!(d.code, "E0201");
    assert_eq!(d.message, "prefix length `33` in `10.0.0.0/33` is over 32");
    assert_eq!(d.span, Span::new(FileId(0), 9, 11));
    style_ok(&d);

    let d = one("fd00::/129").unwrap_err();
    assert_eq!(d.message, "prefix length `129` in `fd00::/129` is over 128");

    let d = one("10.0.0/8").unwrap_err();
    assert_eq!(d.message, "`10.0.0/8` has 3 octets, an IPv4 address has 4");
    let d = one("1.2.3.4.5/8").unwrap_err();
    assert_eq!(
        d.message,
        "`1.2.3.4.5/8` has 5 octets, an IPv4 address has 4"
    );
    let d = one("::g/64").unwrap_err();
    assert_eq!(d.message, "`g` in `::g/64` is not a hexadecimal digit");
    assert_eq!(d.span, Span::new(FileId(0), 2, 3));
    let d = one("1::2::3/64").unwrap_err();
    assert_eq!(d.message, "`::` appears more than once in `1::2::3/64`");
    let d = one("10.0.0.0").unwrap_err();
    assert_eq!(d.message, "`10.0.0.0` has no prefix length");
    let d = one("010.0.0.0/8").unwrap_err();
    assert_eq!(d.message, "octet `010` in `010.0.0.0/8` has a leading zero");
    for s in [
        "300.1.1.1/8",
        "10.0.0.0/33",
        "10.0.0/8",
        "1.2.3.4.5/8",
        "::g/64",
        "",
        "/8",
        "10.0.0.0/",
        "10.0.0.0/8/8",
        "10..0.0/8",
        "1:2:3/64",
        "12345::/64",
    ] {
        let d = one(s).unwrap_err();
        assert_eq!(d.code, "E0201", "{s}");
        style_ok(&d);
    }
}

#[test]
fn host_bits_suggest_the_network_address() {
    let d = one("10.130.1.0/16").unwrap_err();
    assert_eq!(d.code, "E0202");
    assert_eq!(d.message, "`10.130.1.0/16` has host bits set");
    let s = d.suggestion.as_ref().unwrap();
    assert_eq!(s.replacement, "10.130.0.0/16");
    assert_eq!(s.message, "use the network address `10.130.0.0/16`");
    assert_eq!(s.span, Span::new(FileId(0), 0, 13));
    style_ok(&d);
    assert!(one("10.130.0.0/16").is_ok());

    let d = one("fd00::1/64").unwrap_err();
    assert_eq!(d.suggestion.unwrap().replacement, "fd00::/64");
}

#[test]
fn parsing_never_panics() {
    let alphabet: Vec<char> = "0123456789.0123456789.:abcdefg/:/ü %".chars().collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut g = Gen::default();
    let mut accepted = 0;
    for _ in 0..50_000 {
        let len = (next() % 24) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if let Ok(net) = parse_block(&g.text(&s)) {
            // Whatever is accepted, ipnet accepts too.
            assert_eq!(Ok(net), s.parse::<IpNet>(), "{s}");
            accepted += 1;
        }
    }
    // Near-valid blocks: random octets, groups and prefix lengths.
    for _ in 0..50_000 {
        let r = next();
        let s = if r % 2 == 0 {
            let octet = |x: u64| match x % 8 {
                0 => "256".to_string(),
                1 => "01".to_string(),
                _ => (x % 256).to_string(),
            };
            let n = 3 + (r >> 8) % 3;
            let parts: Vec<String> = (0..n).map(|_| octet(next())).collect();
            format!("{}/{}", parts.join("."), (r >> 16) % 36)
        } else {
            let n = 1 + (r >> 8) % 9;
            let parts: Vec<String> = (0..n)
                .map(|_| match next() % 6 {
                    0 => String::new(),
                    1 => "fd00".to_string(),
                    _ => format!("{:x}", next() % 0x1_ffff),
                })
                .collect();
            format!("{}/{}", parts.join(":"), (r >> 16) % 132)
        };
        if let Ok(net) = parse_block(&g.text(&s)) {
            assert_eq!(Ok(net), s.parse::<IpNet>(), "{s}");
            accepted += 1;
        }
        // The fast path agrees with the careful one.
        let careful = parse_careful(&s).ok();
        match fast_v4(s.as_bytes()) {
            Some(net) => assert_eq!(Some(net), careful, "{s}"),
            None => assert!(careful.is_none_or(|n| n.max_prefix_len() == 128), "{s}"),
        }
    }
    assert!(accepted > 100, "{accepted}");
    for s in [
        "/",
        "//",
        ":/1",
        ".../1",
        "ü/8",
        "1.2.3.4/999999999999999999999",
        "::::/1",
    ] {
        assert!(parse_block(&g.text(s)).is_err(), "{s}");
    }
    // A span that does not match the text is kept whole.
    let odd = Spanned::new("300.0.0.0/8".to_string(), Span::new(FileId(0), 5, 2));
    assert_eq!(parse_block(&odd).unwrap_err().span, odd.span);
}

#[test]
fn check_reports_malformed_and_host_bits_and_goes_on() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("10.130.1.0/16"),
        &[
            ("a", "300.1.1.1/8", None),
            ("b", "10.130.0.0/20", Some("10.130.8.0/24")),
        ],
        None,
        None,
    );
    let d = run(&[(&n, AWS)]);
    assert_eq!(codes(&d), ["E0202", "E0201", "E0204"]);
}

// ---- E0203 ----

#[test]
fn subnet_outside_its_network() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[
            ("a", "10.131.0.0/20", None),
            ("b", "10.130.240.0/20", Some("10.0.0.0/8")),
        ],
        None,
        None,
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["E0203", "E0203"]);
    assert_eq!(
        d[0].message,
        "subnet `a` (`10.131.0.0/20`) is not inside network `main` (`10.130.0.0/16`)"
    );
    assert_eq!(d[0].secondary[0].span, n.cidr.as_ref().unwrap().span);
    assert_eq!(d[1].span, n.subnets[1].public.as_ref().unwrap().span);
    style_ok(&d[0]);

    let ok = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[("b", "10.130.240.0/20", None)],
        None,
        None,
    );
    assert!(run(&[(&ok, NONE)]).is_empty());
}

// ---- E0204 ----

#[test]
fn overlapping_subnets() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[
            ("a", "10.130.0.0/20", Some("10.130.16.0/20")),
            ("b", "10.130.8.0/24", None),
            ("c", "10.130.32.0/20", Some("10.130.32.0/20")),
        ],
        None,
        None,
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["E0204", "E0204"]);
    assert_eq!(
        d[0].message,
        "subnet `b` (`10.130.8.0/24`) overlaps subnet `a` (`10.130.0.0/20`)"
    );
    assert_eq!(d[0].span, n.subnets[1].cidr.span);
    assert_eq!(d[0].secondary[0].span, n.subnets[0].cidr.span);
    assert_eq!(
        d[1].message,
        "public block of subnet `c` (`10.130.32.0/20`) overlaps subnet `c` (`10.130.32.0/20`)"
    );
    style_ok(&d[0]);

    // Adjacent blocks do not overlap.
    let ok = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[
            ("a", "10.130.0.0/20", Some("10.130.16.0/20")),
            ("b", "10.130.32.0/20", Some("10.130.48.0/20")),
        ],
        None,
        None,
    );
    assert!(run(&[(&ok, AWS)]).is_empty());

    // A later block over several earlier ones: one diagnostic, on the later block.
    let n = g.network(
        "main",
        None,
        &[
            ("a", "10.130.0.0/20", None),
            ("b", "10.130.16.0/20", None),
            ("c", "10.130.32.0/20", None),
            ("d", "10.130.0.0/16", None),
        ],
        None,
        None,
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["E0204"]);
    assert_eq!(d[0].span, n.subnets[3].cidr.span);
    assert_eq!(d[0].secondary[0].span, n.subnets[0].cidr.span);
    assert_eq!(d[0].notes, ["it overlaps 3 blocks in all"]);

    // A block outside the network is E0203 alone, not also an overlap with each subnet.
    let n = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[("a", "10.130.0.0/20", None), ("b", "10.0.0.0/8", None)],
        None,
        None,
    );
    assert_eq!(codes(&run(&[(&n, NONE)])), ["E0203"]);
}

#[test]
fn primary_is_the_later_in_the_source_even_when_it_is_larger() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        None,
        &[("a", "10.130.8.0/24", None), ("b", "10.130.0.0/20", None)],
        None,
        None,
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["E0204"]);
    assert_eq!(d[0].span, n.subnets[1].cidr.span);
    assert_eq!(d[0].secondary[0].span, n.subnets[0].cidr.span);
}

#[test]
fn one_overlap_among_100_000_blocks() {
    const N: usize = 100_000;
    let mut g = Gen::default();
    // Subnet k gets the k-th /28 of 10.0.0.0/8, laid out in a scrambled order.
    let blocks: Vec<String> = (0..N)
        .map(|i| {
            let k = (i * 7919) % N;
            let a = 0x0a00_0000u32 + (k as u32) * 16;
            format!("{}/28", Ipv4Addr::from(a))
        })
        .collect();
    let names: Vec<String> = (0..N).map(|i| format!("s{i}")).collect();
    let (earlier, later) = (12_345, 77_777);
    let mut spec: Vec<(&str, String)> = names
        .iter()
        .map(|n| n.as_str())
        .zip(blocks.iter().cloned())
        .collect();
    // The later subnet takes the upper half of the earlier one's block.
    let base: Ipv4Addr = blocks[earlier].trim_end_matches("/28").parse().unwrap();
    spec[later].1 = format!("{}/29", Ipv4Addr::from(u32::from(base) + 8));
    let subnets: Vec<(&str, &str, Option<&str>)> =
        spec.iter().map(|(n, c)| (*n, c.as_str(), None)).collect();
    let n = g.network("big", Some("10.0.0.0/8"), &subnets, None, None);

    let d = run(&[(&n, &[Cloud::Gcp])]);
    assert_eq!(codes(&d), ["E0204"], "{d:?}");
    assert_eq!(d[0].span, n.subnets[later].cidr.span);
    assert_eq!(d[0].secondary.len(), 1);
    assert_eq!(d[0].secondary[0].span, n.subnets[earlier].cidr.span);
    assert!(d[0].message.contains(&format!("subnet `s{later}`")));
    assert!(d[0].message.contains(&format!("subnet `s{earlier}`")));
}

#[test]
fn nested_pairs_finds_each_contained_block_once() {
    let keys = [
        (false, 0, 255),
        (false, 0, 127),
        (false, 128, 255),
        (false, 256, 511),
        (true, 0, 255),
        (false, 64, 127),
    ];
    let mut pairs = nested_pairs(&keys);
    pairs.sort();
    assert_eq!(pairs, [(0, 1), (0, 2), (1, 5)]);
}

// ---- W0205 ----

#[test]
fn overlapping_networks() {
    let mut g = Gen::default();
    let a = g.network("a", Some("10.0.0.0/8"), &[], None, None);
    let b = g.network("b", Some("10.1.0.0/16"), &[], None, None);
    let c = g.network("c", Some("10.2.0.0/16"), &[], None, None);
    let d = run(&[(&a, NONE), (&b, NONE), (&c, NONE)]);
    assert_eq!(codes(&d), ["W0205", "W0205"]);
    assert_eq!(d[0].severity, Severity::Warning);
    assert_eq!(
        d[0].message,
        "network `b` (`10.1.0.0/16`) overlaps network `a` (`10.0.0.0/8`)"
    );
    assert_eq!(d[0].secondary[0].span, a.cidr.as_ref().unwrap().span);
    style_ok(&d[0]);
    assert!(run(&[(&b, NONE), (&c, NONE)]).is_empty());
}

/// W0205 alone (the AWS /8 is E0207 as well).
fn w0205(networks: &[(&ast::Network, &[Cloud])]) -> Vec<Diagnostic> {
    run(networks)
        .into_iter()
        .filter(|d| d.code == Code::W0205)
        .collect()
}

/// Only networks of one cloud, or connected ones, are compared: a GCP network inside
/// both an AWS and an Azure network is compared with neither, as the two are not with
/// each other; a fourth, AWS network inside all three is compared with the AWS one.
#[test]
fn overlap_only_within_a_cloud_or_when_connected() {
    const AZURE: &[Cloud] = &[Cloud::Azure];
    const GCP: &[Cloud] = &[Cloud::Gcp];
    let mut g = Gen::default();
    let a = g.network("a", Some("10.0.0.0/8"), &[], None, None);
    let b = g.network("b", Some("10.0.0.0/12"), &[], None, None);
    let mut c = g.network("c", Some("10.0.0.0/16"), &[], None, None);
    let d = g.network("d", Some("10.0.0.0/24"), &[], None, None);
    assert!(w0205(&[(&a, AWS), (&b, AZURE), (&c, GCP)]).is_empty());
    let r = w0205(&[(&a, AWS), (&b, AZURE), (&c, GCP), (&d, AWS)]);
    assert_eq!(codes(&r), ["W0205"]);
    assert_eq!(
        r[0].message,
        "network `d` (`10.0.0.0/24`) overlaps network `a` (`10.0.0.0/8`)"
    );
    // c connected to a (declared on either side): compared, once.
    c.connects.push(g.name("a"));
    let r = w0205(&[(&a, AWS), (&b, AZURE), (&c, GCP)]);
    assert_eq!(codes(&r), ["W0205"]);
    assert!(r[0].message.starts_with("network `c`"), "{}", r[0].message);
    // a network of several clouds is compared within each.
    let r = w0205(&[(&a, AWS), (&b, &[Cloud::Aws, Cloud::Azure])]);
    assert_eq!(codes(&r), ["W0205"]);
}

// ---- E0206 ----

#[test]
fn pod_and_service_ranges() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[("a", "10.130.0.0/20", None)],
        Some("10.130.128.0/17"),
        Some("10.130.128.0/20"),
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["E0206", "E0206", "E0206"]);
    assert_eq!(
        d[0].message,
        "pod range (`10.130.128.0/17`) overlaps network `main` (`10.130.0.0/16`)"
    );
    assert_eq!(
        d[2].message,
        "service range (`10.130.128.0/20`) overlaps pod range (`10.130.128.0/17`)"
    );
    style_ok(&d[0]);

    // Without a network block, ranges are checked against the subnets.
    let n = g.network(
        "main",
        None,
        &[("a", "10.130.0.0/20", None), ("b", "10.130.16.0/20", None)],
        Some("10.130.0.0/16"),
        None,
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["E0206"]);
    assert_eq!(d[0].secondary[0].span, n.subnets[0].cidr.span);
    assert_eq!(d[0].notes, ["it overlaps 2 blocks in all"]);

    let ok = g.network(
        "main",
        Some("10.130.0.0/16"),
        &[("a", "10.130.0.0/20", None)],
        Some("10.131.0.0/16"),
        Some("10.132.0.0/20"),
    );
    assert!(run(&[(&ok, NONE)]).is_empty());
}

// ---- E0207 ----

#[test]
fn prefix_lengths_clouds_refuse() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("10.0.0.0/12"),
        &[("a", "10.0.0.0/30", None)],
        None,
        None,
    );
    let d = run(&[(&n, &[Cloud::Aws, Cloud::Gcp])]);
    assert_eq!(codes(&d), ["E0207", "E0207"]);
    assert_eq!(
        d[0].message,
        "prefix length /12 of network `main` (`10.0.0.0/12`) is refused by AWS (VPC /16 to /28)"
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some("use a prefix length from /16 to /28")
    );
    let cidr = n.cidr.as_ref().unwrap().span;
    assert_eq!(
        d[0].span,
        Span::new(FileId(0), cidr.start as usize + 8, cidr.end as usize)
    );
    assert_eq!(
        d[1].message,
        "prefix length /30 of subnet `a` (`10.0.0.0/30`) is refused by AWS (subnet /16 to /28) and GCP (subnet range /8 to /29)"
    );
    style_ok(&d[0]);

    // GCP and Azure take a /12 network and a /29 subnet; no cloud, no limit.
    let ok = g.network(
        "main",
        Some("10.0.0.0/12"),
        &[("a", "10.0.0.0/29", None)],
        None,
        None,
    );
    assert!(run(&[(&ok, &[Cloud::Gcp, Cloud::Azure])]).is_empty());
    assert!(run(&[(&n, NONE)]).is_empty());
}

// ---- W0208 ----

#[test]
fn public_space_for_private_ranges() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("8.8.0.0/16"),
        &[("a", "8.8.0.0/20", Some("8.8.16.0/20"))],
        Some("11.0.0.0/16"),
        Some("100.64.0.0/16"),
    );
    let d = run(&[(&n, NONE)]);
    assert_eq!(codes(&d), ["W0208", "W0208"]);
    assert_eq!(
        d[0].message,
        "pod range uses public address space `11.0.0.0/16`"
    );
    assert_eq!(
        d[1].message,
        "network `main` uses public address space `8.8.0.0/16`"
    );
    assert_eq!(d[1].severity, Severity::Warning);
    assert_eq!(
        d[1].notes,
        ["1 block inside it is public address space as well"]
    );
    style_ok(&d[1]);

    // Public subnet blocks follow the network's rule; RFC 1918/6598 and ULA are fine.
    let ok = g.network(
        "main",
        Some("172.16.0.0/16"),
        &[("a", "172.16.0.0/20", Some("172.16.16.0/20"))],
        Some("100.64.0.0/16"),
        Some("192.168.0.0/20"),
    );
    assert!(run(&[(&ok, NONE)]).is_empty());
    let v6 = g.network(
        "v6",
        Some("fd00::/48"),
        &[("a", "fd00::/64", None)],
        None,
        None,
    );
    assert!(run(&[(&v6, NONE)]).is_empty());
    // A public block outside the network is E0203, not W0208.
    let out = g.network(
        "main",
        Some("10.0.0.0/16"),
        &[("a", "10.0.0.0/20", Some("52.0.0.0/20"))],
        None,
        None,
    );
    assert_eq!(codes(&run(&[(&out, NONE)])), ["E0203"]);
}

// ---- E0209 ----

#[test]
fn mixed_families() {
    let mut g = Gen::default();
    let n = g.network(
        "main",
        Some("10.0.0.0/16"),
        &[("a", "10.0.0.0/20", None), ("b", "fd00::/64", None)],
        None,
        None,
    );
    let d = run(&[(&n, AWS)]);
    assert_eq!(codes(&d), ["E0209"]);
    assert_eq!(
        d[0].message,
        "block `fd00::/64` is IPv6 but network `main` is IPv4"
    );
    assert_eq!(d[0].secondary[0].span, n.cidr.as_ref().unwrap().span);
    assert!(d[0].help.is_some());

    let ok = g.network(
        "main",
        Some("fd00::/48"),
        &[("a", "fd00::/64", Some("fd00:0:0:1::/64"))],
        None,
        None,
    );
    assert!(run(&[(&ok, AWS)]).is_empty());
}

#[test]
fn every_message_follows_the_style() {
    let mut g = Gen::default();
    let a = g.network(
        "a",
        Some("8.0.0.0/12"),
        &[
            ("x", "8.0.0.0/30", Some("9.0.0.0/20")),
            ("y", "8.0.0.0/20", Some("8.0.1.0/24")),
            ("z", "fd00::/64", None),
            ("w", "8.0.0.1/20", None),
        ],
        Some("8.0.0.0/16"),
        Some("8.0.0.0/16"),
    );
    let b = g.network("b", Some("8.0.0.0/16"), &[], None, None);
    let d = run(&[(&a, &[Cloud::Aws, Cloud::Gcp, Cloud::Azure]), (&b, AWS)]);
    let mut seen: Vec<&str> = codes(&d);
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        ["E0202", "E0203", "E0204", "E0206", "E0207", "E0209", "W0205", "W0208"]
    );
    for d in &d {
        style_ok(d);
    }
}

// ---- GCP secondary, PSC and control-plane ranges; AKS service ranges ----

#[test]
fn secondary_psc_and_master_ranges() {
    const GCP: &[Cloud] = &[Cloud::Gcp];
    let mut g = Gen::default();
    let mut n = g.network(
        "gke",
        Some("10.30.0.0/16"),
        &[("nodes", "10.30.0.0/20", None)],
        Some("10.64.0.0/14"),
        None,
    );
    // Outside the network's block, and the pod range is exactly the secondary range.
    let pods = (g.name("pods"), g.text("10.64.0.0/14"));
    n.subnets[0].secondary.push(pods);
    n.psc = Some(g.text("10.31.0.0/24"));
    n.master = Some(g.text("172.16.0.0/28"));
    assert!(run(&[(&n, GCP)]).is_empty(), "{:?}", run(&[(&n, GCP)]));
    // A secondary range over a subnet, a PSC range inside the block, a control-plane
    // range over the pods.
    let over = (g.name("over"), g.text("10.30.8.0/21"));
    n.subnets[0].secondary.push(over);
    n.psc = Some(g.text("10.30.64.0/24"));
    n.master = Some(g.text("10.64.0.0/28"));
    let d = run(&[(&n, GCP)]);
    assert_eq!(codes(&d), ["E0204", "E0206", "E0206"], "{d:?}");
    assert!(d[0]
        .message
        .contains("secondary range `over` of subnet `nodes`"));
    assert!(d[1].message.starts_with("Private Service Connect range"));
    assert!(d[2].message.starts_with("control-plane range"));
}

#[test]
fn an_aks_service_range_may_lie_inside_the_vnet() {
    const AZURE: &[Cloud] = &[Cloud::Azure];
    let mut g = Gen::default();
    let inside = g.network(
        "aks",
        Some("10.40.0.0/16"),
        &[("nodes", "10.40.0.0/20", None)],
        None,
        Some("10.40.64.0/20"),
    );
    assert!(run(&[(&inside, AZURE)]).is_empty());
    // Not on AWS, and not over a subnet.
    assert_eq!(codes(&run(&[(&inside, AWS)])), ["E0206"]);
    let over = g.network(
        "aks2",
        Some("10.40.0.0/16"),
        &[("nodes", "10.40.0.0/20", None)],
        None,
        Some("10.40.0.0/22"),
    );
    assert_eq!(codes(&run(&[(&over, AZURE)])), ["E0206"]);
}
