//! Firewall rules of a network (`ingress` / `egress`): ports (E0212), names (E0213),
//! peers (E0201/E0202 blocks, E0210 subnets by name, E0214 tags a cloud cannot take)
//! and administrative ports open to the internet (W0211, from
//! [`crate::vocab::admin_ports`]). Linear in the number of rules, peers and ports.

use super::cidr::{parse_block, NetworkInput};
use crate::diag::{closest, Code, Diagnostic};
use crate::syntax::ast::{Cloud, Direction, NetRule, Peer, Protocol};
use crate::vocab::admin_ports::{self, WORLD_BLOCKS, WORLD_TAGS};
use std::collections::{BTreeMap, HashMap};

/// `443` or `8000-8999` as (first, last), when both are ports and in order.
pub fn port_range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b) = (a.parse::<u16>().ok()?, b.parse::<u16>().ok()?);
    (a >= 1 && a <= b).then_some((a, b))
}

/// GCP's firewall names: a letter, then up to 62 lowercase letters, digits and `-`,
/// not ending with `-`.
fn gcp_name_ok(name: &str) -> bool {
    let b = name.as_bytes();
    (1..=63).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// `base` is the base of generated names (the name prefix or the deployment's name),
/// for the names the rules get on GCP.
pub fn check(networks: &[NetworkInput], base: &str, diags: &mut Vec<Diagnostic>) {
    for input in networks {
        let n = input.network;
        // E0115: the GCP firewall name `<base>-<network>-<rule>`.
        if input.clouds.contains(&Cloud::Gcp) {
            for r in &n.rules {
                let name = format!("{base}-{}-{}", n.name.node, r.name.node)
                    .to_lowercase()
                    .replace('_', "-");
                if !gcp_name_ok(&name) {
                    diags.push(
                        Diagnostic::new(
                            Code::E0115,
                            r.name.span,
                            format!(
                                "rule `{}` would make the GCP firewall name `{name}`, which GCP refuses",
                                r.name.node
                            ),
                        )
                        .label("the rule's name is part of the firewall's")
                        .help("GCP firewall names are 1 to 63 lowercase letters, digits and `-`, starting with a letter and not ending with `-`: shorten the rule's or the network's name"),
                    );
                }
            }
        }
        // E0213: names within the network (rules; secondary ranges share no namespace
        // with them, each kind is checked on its own).
        let mut seen: HashMap<&str, &NetRule> = HashMap::new();
        for r in &n.rules {
            if let Some(first) = seen.insert(&r.name.node, r) {
                seen.insert(&first.name.node, first);
                diags.push(twice(
                    "firewall rule",
                    &r.name.node,
                    "this network",
                    r.name.span,
                    first.name.span,
                ));
            }
        }
        for s in &n.subnets {
            let mut names: HashMap<&str, crate::source::Span> = HashMap::new();
            for (name, _) in &s.secondary {
                if let Some(first) = names.get(name.node.as_str()) {
                    let place = format!("subnet `{}`", s.name.node);
                    diags.push(twice(
                        "secondary range",
                        &name.node,
                        &place,
                        name.span,
                        *first,
                    ));
                } else {
                    names.insert(&name.node, name.span);
                }
            }
        }
        // Built only for rules to read (a network of 200,000 subnets may have none).
        if n.rules.is_empty() {
            continue;
        }
        let subnets: BTreeMap<&str, &str> = n
            .subnets
            .iter()
            .map(|s| (s.name.node.as_str(), s.cidr.node.as_str()))
            .collect();
        for r in &n.rules {
            check_rule(input, r, &subnets, diags);
        }
    }
}

fn twice(
    what: &str,
    name: &str,
    place: &str,
    span: crate::source::Span,
    first: crate::source::Span,
) -> Diagnostic {
    Diagnostic::new(
        Code::E0213,
        span,
        format!("{what} `{name}` is declared twice in {place}"),
    )
    .label("declared again here")
    .with_secondary(first, "first declared here")
    .help(format!("give each {what} a name of its own"))
}

fn check_rule(
    input: &NetworkInput,
    r: &NetRule,
    subnets: &BTreeMap<&str, &str>,
    diags: &mut Vec<Diagnostic>,
) {
    // E0212.
    let mut ranges = Vec::new();
    let portless = matches!(r.protocol.node, Protocol::Icmp | Protocol::All);
    for p in &r.ports {
        if portless {
            diags.push(
                Diagnostic::new(
                    Code::E0212,
                    p.span,
                    format!("`{}` takes no ports", r.protocol.node.as_str()),
                )
                .label("a port for a protocol without ports")
                .with_secondary(r.protocol.span, "the protocol")
                .help("remove the ports, or use `tcp` or `udp`"),
            );
            continue;
        }
        match port_range(&p.node) {
            Some(range) => ranges.push(range),
            None => diags.push(
                Diagnostic::new(
                    Code::E0212,
                    p.span,
                    format!("`{}` is not a port range", p.node),
                )
                .label("not a port from 1 to 65535, or a range `FIRST-LAST` in order")
                .help("write a port such as `443` or a range such as `8000-8999`"),
            ),
        }
    }
    if r.ports.is_empty() {
        ranges.push((1, 65535));
    }

    let clouds = &input.clouds;
    let mut world = None;
    for peer in &r.peers {
        match peer {
            Peer::Cidr(c) => match parse_block(c) {
                Err(d) => diags.push(d),
                Ok(_) if WORLD_BLOCKS.contains(&c.node.as_str()) => world = Some(c.span),
                Ok(_) => {}
            },
            Peer::Subnet(name) => {
                if !subnets.contains_key(name.node.as_str()) {
                    let mut d = Diagnostic::new(
                        Code::E0210,
                        name.span,
                        format!(
                            "network `{}` has no subnet `{}`",
                            input.network.name.node, name.node
                        ),
                    )
                    .label("not a subnet of this network");
                    d = match closest(&name.node, subnets.keys().copied()) {
                        Some(best) => d.suggest(name.span, best, format!("did you mean `{best}`?")),
                        None => {
                            d.help("name a `subnet` declared in this network, or write its block")
                        }
                    };
                    diags.push(d);
                }
            }
            Peer::Tag(t) => {
                if WORLD_TAGS.contains(&t.node.as_str()) {
                    world = Some(t.span);
                }
                let refused = if clouds.contains(&Cloud::Aws) {
                    Some((
                        "AWS security group rules take CIDR blocks, not tags",
                        "write the block or `subnet NAME` instead",
                    ))
                } else if r.direction.node == Direction::Egress && clouds.contains(&Cloud::Gcp) {
                    Some((
                        "GCP egress firewall rules take destination ranges, not tags",
                        "write the destination block or `subnet NAME` instead",
                    ))
                } else {
                    None
                };
                if let Some((why, help)) = refused {
                    diags.push(
                        Diagnostic::new(Code::E0214, t.span, format!("tag `{}`: {why}", t.node))
                            .label("a tag this network's cloud cannot use here")
                            .help(help),
                    );
                }
            }
        }
    }

    // W0211.
    let (Some(world), Direction::Ingress) = (world, r.direction.node) else {
        return;
    };
    let tcp = match r.protocol.node {
        Protocol::Tcp => Some(true),
        Protocol::Udp => Some(false),
        Protocol::All => None,
        Protocol::Icmp => return,
    };
    let mut open: Vec<&admin_ports::AdminPort> = ranges
        .iter()
        .flat_map(|&(a, b)| admin_ports::in_range(a, b, tcp))
        .collect();
    open.sort_by_key(|p| p.port);
    open.dedup_by_key(|p| p.port);
    let Some(first) = open.first() else { return };
    let list: Vec<String> = open
        .iter()
        .take(4)
        .map(|p| format!("{} ({})", p.port, p.service))
        .collect();
    let more = if open.len() > 4 {
        format!(" and {} more", open.len() - 4)
    } else {
        String::new()
    };
    diags.push(
        Diagnostic::new(
            Code::W0211,
            r.name.span,
            format!(
                "rule `{}` opens {} port {} to the whole internet",
                r.name.node,
                first.service,
                first.port
            ),
        )
        .label("administrative access from anywhere")
        .with_secondary(world, "every address")
        .note(format!("administrative ports opened: {}{more}", list.join(", ")))
        .help("allow only the addresses that administer it (a bastion subnet, a VPN range), or acknowledge with `ack W0211 \"reason\"`"),
    );
}
