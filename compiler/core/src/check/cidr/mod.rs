//! CIDR plan checks (E0201..E0209) over every `network` block.
//!
//! Every block is parsed strictly ([`parse_block`]); the rest works on address
//! intervals. Two CIDR blocks are either disjoint or one contains the other, so every
//! overlap question is answered by one sort by start address and one sweep
//! ([`sweep::nested_pairs`]): O(n log n) in the number of blocks, never all pairs.
//!
//! To avoid cascades, a malformed block (E0201) takes part in no further check, and a
//! block written with host bits set (E0202), or in the other address family than its
//! network (E0209), is checked alone (prefix length, public space) but kept out of the
//! containment and overlap checks.
//!
//! The parsing is in `parse`, the blocks and the sweep in `sweep`; this file holds the
//! entry [`check`], the checks of one network and the check across networks.

mod parse;
mod sweep;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wording_tests;

pub use parse::parse_block;

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::syntax::ast::{self, CidrText, Cloud};
use parse::{host_bits, malformed, parse_text, part};
use sweep::{interval, nested_pairs, overlap, report_overlaps, Block, Interval, Role};

/// One network and the clouds whose limits apply to it.
pub struct NetworkInput<'a> {
    pub network: &'a ast::Network,
    /// Clouds whose limits apply.
    pub clouds: Vec<Cloud>,
}

/// All CIDR checks over all networks; every problem reported, never stops at the first.
pub fn check(networks: &[NetworkInput], diags: &mut Vec<Diagnostic>) {
    let mut vpcs = Vec::new();
    for (i, input) in networks.iter().enumerate() {
        if let Some(vpc) = check_network(input, diags) {
            vpcs.push((i, vpc));
        }
    }
    check_networks_overlap(networks, &vpcs, diags);
}

// ---- one network --------------------------------------------------------------------

/// Checks one network; returns its own block when it can take part in W0205.
fn check_network<'a>(input: &NetworkInput<'a>, diags: &mut Vec<Diagnostic>) -> Option<Block<'a>> {
    let n = input.network;
    let mut written: Vec<(Role, &CidrText)> = Vec::with_capacity(2 * n.subnets.len() + 3);
    if let Some(c) = &n.cidr {
        written.push((Role::Vpc, c));
    }
    for (i, s) in n.subnets.iter().enumerate() {
        written.push((Role::Subnet(i), &s.cidr));
        if let Some(p) = &s.public {
            written.push((Role::Public(i), p));
        }
        for (j, (_, c)) in s.secondary.iter().enumerate() {
            written.push((Role::Secondary(i, j), c));
        }
    }
    if let Some(c) = &n.pods {
        written.push((Role::Pods, c));
    }
    if let Some(c) = &n.services {
        written.push((Role::Services, c));
    }
    if let Some(c) = &n.psc {
        written.push((Role::Psc, c));
    }
    if let Some(c) = &n.master {
        written.push((Role::Master, c));
    }

    // E0201, E0202.
    let mut blocks: Vec<Block<'a>> = Vec::with_capacity(written.len());
    for (role, text) in written {
        match parse_text(&text.node) {
            Err(bad) => diags.push(malformed(text, bad)),
            Ok(net) => {
                let exact = net.addr() == net.network();
                if !exact {
                    diags.extend(host_bits(text, &net));
                }
                let net = net.trunc();
                blocks.push(Block {
                    network: n,
                    role,
                    text,
                    net,
                    exact,
                    iv: interval(&net),
                });
            }
        }
    }
    if blocks.is_empty() {
        return None;
    }

    // E0209: the network's family is its own block's, else its first block's.
    let reference = match blocks.iter().position(|b| b.role == Role::Vpc) {
        Some(i) => i,
        None => (0..blocks.len())
            .min_by_key(|&i| blocks[i].pos())
            .unwrap_or(0),
    };
    let family_v6 = blocks[reference].v6();
    let name = |v6: bool| if v6 { "IPv6" } else { "IPv4" };
    for b in &blocks {
        if b.v6() != family_v6 {
            let r = &blocks[reference];
            diags.push(
                Diagnostic::new(
                    Code::E0209,
                    b.span(),
                    format!(
                        "block `{}` is {} but network `{}` is {}",
                        b.text.node,
                        name(b.v6()),
                        n.name.node,
                        name(family_v6),
                    ),
                )
                .label(format!("{} block", name(b.v6())))
                .with_secondary(r.span(), format!("{} is {}", r.what(), name(family_v6)))
                .help(format!(
                    "use {} blocks throughout, or declare a separate network for {}",
                    name(family_v6),
                    name(b.v6())
                )),
            );
        }
    }

    check_prefix_lengths(input, &blocks, diags);
    check_public_space(&blocks, diags);

    // The range checks take only blocks written exactly, in the network's family.
    let usable: Vec<&Block<'a>> = blocks
        .iter()
        .filter(|b| b.exact && b.v6() == family_v6)
        .collect();
    let vpc = usable.iter().copied().find(|b| b.role == Role::Vpc);
    // Secondary ranges (GCP) may lie outside the network's block but not over another
    // subnet block.
    let subnets: Vec<&Block<'a>> = usable
        .iter()
        .copied()
        .filter(|b| {
            matches!(
                b.role,
                Role::Subnet(_) | Role::Public(_) | Role::Secondary(..)
            )
        })
        .collect();
    let ranges: Vec<&Block<'a>> = usable
        .iter()
        .copied()
        .filter(|b| {
            matches!(
                b.role,
                Role::Pods | Role::Services | Role::Psc | Role::Master
            )
        })
        .collect();

    // E0203.
    if let Some(vpc) = vpc {
        for s in subnets
            .iter()
            .filter(|s| !matches!(s.role, Role::Secondary(..)))
        {
            if !vpc.contains(s) {
                diags.push(
                    Diagnostic::new(
                        Code::E0203,
                        s.span(),
                        format!("{} is not inside {}", s.describe(), vpc.describe()),
                    )
                    .label(format!("not inside `{}`", vpc.text.node))
                    .with_secondary(vpc.span(), format!("{} is declared here", vpc.what()))
                    .help(format!(
                        "pick a block inside `{}`, or widen the network's `cidr`",
                        vpc.text.node
                    )),
                );
            }
        }
    }

    // E0204, among the subnet blocks inside the network (the others already have E0203).
    let inside: Vec<&Block<'a>> = subnets
        .iter()
        .copied()
        .filter(|s| matches!(s.role, Role::Secondary(..)) || vpc.is_none_or(|v| v.contains(s)))
        .collect();
    let keys: Vec<Interval> = inside.iter().map(|b| b.interval()).collect();
    report_overlaps(
        Code::E0204,
        &inside,
        &nested_pairs(&keys),
        "give each subnet a block of its own",
        diags,
    );

    // E0206.
    let help = "pod, service, PSC and control-plane ranges must lie outside the network's block, its subnets and each other";
    // An AKS service range may lie inside the VNet, as long as it overlaps no subnet.
    let azure_only = input.clouds == [Cloud::Azure];
    let range_ivs: Vec<Interval> = ranges.iter().map(|b| b.iv).collect();
    for r in &ranges {
        let inside_ok = azure_only && r.role == Role::Services;
        if let Some(vpc) = vpc.filter(|v| !inside_ok && v.overlaps(r)) {
            diags.push(overlap(Code::E0206, r, vpc, 1, help));
            continue;
        }
        // Linear: one range against each subnet block. A secondary range that is
        // exactly a pod or service range is that range (GKE takes them by name): it is
        // checked as the range, below.
        let hits: Vec<&&Block> = subnets
            .iter()
            .filter(|s| s.overlaps(r))
            .filter(|s| !(matches!(s.role, Role::Secondary(..)) && range_ivs.contains(&s.iv)))
            .collect();
        if let Some(first) = hits.iter().min_by_key(|s| s.pos()) {
            diags.push(overlap(Code::E0206, r, first, hits.len(), help));
        }
    }
    let keys: Vec<Interval> = ranges.iter().map(|b| b.interval()).collect();
    report_overlaps(Code::E0206, &ranges, &nested_pairs(&keys), help, diags);

    vpc.copied()
}

// ---- E0207 --------------------------------------------------------------------------

/// The prefix lengths a cloud accepts for a role (IPv4), and what the cloud calls it.
fn limits(cloud: Cloud, role: Role) -> Option<(u8, u8, &'static str)> {
    let subnet = matches!(role, Role::Subnet(_) | Role::Public(_));
    match (cloud, role == Role::Vpc, subnet) {
        (Cloud::Aws, true, _) => Some((16, 28, "VPC")),
        (Cloud::Aws, _, true) => Some((16, 28, "subnet")),
        (Cloud::Gcp, true, _) => Some((8, 29, "network block")),
        (Cloud::Gcp, _, true) => Some((8, 29, "subnet range")),
        (Cloud::Azure, true, _) => Some((8, 29, "VNet")),
        (Cloud::Azure, _, true) => Some((8, 29, "subnet")),
        _ => None,
    }
}

fn check_prefix_lengths(input: &NetworkInput, blocks: &[Block], diags: &mut Vec<Diagnostic>) {
    let mut clouds = input.clouds.clone();
    clouds.sort();
    clouds.dedup();
    for b in blocks.iter().filter(|b| !b.v6()) {
        let len = b.net.prefix_len();
        let mut refused = Vec::new();
        let (mut lo, mut hi) = (0u8, 32u8);
        for &c in &clouds {
            let Some((min, max, what)) = limits(c, b.role) else {
                continue;
            };
            lo = lo.max(min);
            hi = hi.min(max);
            if len < min || len > max {
                refused.push(format!("{} ({what} /{min} to /{max})", c.title()));
            }
        }
        if refused.is_empty() {
            continue;
        }
        let by = match refused.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => refused.join(""),
        };
        let slash = b.text.node.find('/').unwrap_or(0);
        let span = part(b.text, slash, b.text.node.len());
        let help = if lo <= hi {
            format!("use a prefix length from /{lo} to /{hi}")
        } else {
            "no prefix length suits every target cloud; declare a network per cloud".to_string()
        };
        diags.push(
            Diagnostic::new(
                Code::E0207,
                span,
                format!(
                    "prefix length /{len} of {} is refused by {by}",
                    b.describe()
                ),
            )
            .label(if len < lo {
                "block too large"
            } else {
                "block too small"
            })
            .help(help),
        );
    }
}

// ---- W0208 --------------------------------------------------------------------------

fn is_private(b: &Block) -> bool {
    let (v6, start, end) = b.iv;
    crate::vocab::address_ranges::holding(v6, start, end).is_some()
}

static PRIVATE_HELP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "pick a block inside a private range: {}",
        crate::vocab::address_ranges::ipv4_list()
    )
});

fn check_public_space(blocks: &[Block], diags: &mut Vec<Diagnostic>) {
    let help = |b: &Block| {
        if b.v6() {
            "pick a block inside the unique local range `fc00::/7`"
        } else {
            PRIVATE_HELP.as_str()
        }
    };
    let warning = |b: &Block| {
        Diagnostic::new(
            Code::W0208,
            b.span(),
            format!("{} uses public address space `{}`", b.what(), b.text.node),
        )
        .label("not a private range")
        .help(help(b))
    };
    // Public subnet blocks follow the network's own block: no warning of their own.
    let public_vpc = blocks
        .iter()
        .find(|b| b.role == Role::Vpc)
        .filter(|v| !is_private(v));
    let mut inside = 0usize;
    for b in blocks {
        if matches!(b.role, Role::Vpc | Role::Public(_)) || is_private(b) {
            continue;
        }
        // Inside a network already warned about: said once, on the network.
        if public_vpc.is_some_and(|v| v.contains(b)) {
            inside += 1;
            continue;
        }
        diags.push(warning(b));
    }
    if let Some(v) = public_vpc {
        let mut d = warning(v);
        match inside {
            0 => {}
            1 => d = d.note("1 block inside it is public address space as well"),
            n => {
                d = d.note(format!(
                    "{n} blocks inside it are public address space as well"
                ))
            }
        }
        diags.push(d);
    }
}

// ---- W0205 --------------------------------------------------------------------------

/// W0205 between networks that can reach each other: those of one cloud (a network
/// whose clouds are unknown belongs to every cloud), and those declared connected (`connect`, followed transitively). Each network's block takes
/// part in one sweep per cloud it belongs to and one per connected group, so the check
/// stays O(n log n); pairs found in several sweeps are reported once.
fn check_networks_overlap(
    inputs: &[NetworkInput],
    vpcs: &[(usize, Block)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut groups: Vec<Vec<usize>> = Cloud::ALL
        .iter()
        .map(|c| {
            (0..vpcs.len())
                .filter(|&v| {
                    let clouds = &inputs[vpcs[v].0].clouds;
                    clouds.is_empty() || clouds.contains(c)
                })
                .collect()
        })
        .collect();
    groups.extend(connected_groups(inputs, vpcs));
    let mut pairs = std::collections::BTreeSet::new();
    for group in &groups {
        let keys: Vec<Interval> = group.iter().map(|&v| vpcs[v].1.interval()).collect();
        for (a, b) in nested_pairs(&keys) {
            let (a, b) = (group[a], group[b]);
            if vpcs[a].0 != vpcs[b].0 {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
    let blocks: Vec<&Block> = vpcs.iter().map(|(_, b)| b).collect();
    let pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    report_overlaps(
        Code::W0205,
        &blocks,
        &pairs,
        "overlapping networks cannot be peered; give each network a block of its own",
        diags,
    );
}

/// The networks joined by `connect` (union-find over names), as groups of indices into
/// `vpcs`; groups of one are left out.
fn connected_groups(inputs: &[NetworkInput], vpcs: &[(usize, Block)]) -> Vec<Vec<usize>> {
    let index: std::collections::HashMap<&str, usize> = inputs
        .iter()
        .enumerate()
        .map(|(i, n)| (n.network.name.node.as_str(), i))
        .collect();
    let mut parent: Vec<usize> = (0..inputs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, n) in inputs.iter().enumerate() {
        for c in &n.network.connects {
            if let Some(&j) = index.get(c.node.as_str()) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (v, (i, _)) in vpcs.iter().enumerate() {
        by_root.entry(root(&mut parent, *i)).or_default().push(v);
    }
    by_root.into_values().filter(|g| g.len() > 1).collect()
}
