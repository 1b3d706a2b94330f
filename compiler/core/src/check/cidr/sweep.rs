//! The blocks of a network as address intervals, and the one sort-and-sweep that finds
//! every nested (overlapping) pair; the overlap diagnostics built from those pairs.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, CidrText};
use ipnet::IpNet;
use std::cmp::Reverse;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    Vpc,
    Subnet(usize),
    Public(usize),
    /// (subnet, secondary range) indices.
    Secondary(usize, usize),
    Pods,
    Services,
    Psc,
    Master,
}

/// One parsed block of a network.
#[derive(Clone, Copy)]
pub(super) struct Block<'a> {
    pub(super) network: &'a ast::Network,
    pub(super) role: Role,
    pub(super) text: &'a CidrText,
    /// The block with any host bits cleared.
    pub(super) net: IpNet,
    /// Written without host bits.
    pub(super) exact: bool,
    /// `net` as addresses.
    pub(super) iv: Interval,
}

impl Block<'_> {
    pub(super) fn span(&self) -> Span {
        self.text.span
    }

    /// Position in the source, for "the later one".
    pub(super) fn pos(&self) -> Span {
        self.text.span
    }

    pub(super) fn what(&self) -> String {
        match self.role {
            Role::Vpc => format!("network `{}`", self.network.name.node),
            Role::Subnet(i) => format!("subnet `{}`", self.network.subnets[i].name.node),
            Role::Public(i) => format!(
                "public block of subnet `{}`",
                self.network.subnets[i].name.node
            ),
            Role::Secondary(i, j) => format!(
                "secondary range `{}` of subnet `{}`",
                self.network.subnets[i].secondary[j].0.node, self.network.subnets[i].name.node
            ),
            Role::Pods => "pod range".to_string(),
            Role::Services => "service range".to_string(),
            Role::Psc => "Private Service Connect range".to_string(),
            Role::Master => "control-plane range".to_string(),
        }
    }

    /// `subnet `a` (`10.0.0.0/20`)`.
    pub(super) fn describe(&self) -> String {
        format!("{} (`{}`)", self.what(), self.text.node)
    }

    pub(super) fn v6(&self) -> bool {
        self.net.max_prefix_len() == 128
    }

    pub(super) fn interval(&self) -> Interval {
        self.iv
    }

    /// Is `other` inside this block (same family)?
    pub(super) fn contains(&self, other: &Block) -> bool {
        let (a, b) = (self.iv, other.iv);
        a.0 == b.0 && a.1 <= b.1 && b.2 <= a.2
    }

    pub(super) fn overlaps(&self, other: &Block) -> bool {
        let (a, b) = (self.interval(), other.interval());
        a.0 == b.0 && a.1 <= b.2 && b.1 <= a.2
    }
}

/// (is IPv6, first address, last address).
pub(super) type Interval = (bool, u128, u128);

pub(super) fn interval(net: &IpNet) -> Interval {
    match net {
        IpNet::V4(n) => (
            false,
            u32::from(n.network()) as u128,
            u32::from(n.broadcast()) as u128,
        ),
        IpNet::V6(n) => (true, u128::from(n.network()), u128::from(n.broadcast())),
    }
}

/// Every interval that lies inside another, paired with its innermost container:
/// (container, contained), as indices. CIDR blocks are laminar (disjoint or nested), so
/// a sort by (family, start, larger first) and one sweep with a stack of the blocks
/// still open (the one furthest-reaching at the bottom) finds every overlap in
/// O(n log n). Equal blocks: the one with the lower index is the container.
pub(super) fn nested_pairs(keys: &[Interval]) -> Vec<(usize, usize)> {
    // Sort keys kept small: IPv4 in one u64 (start, then the end descending), IPv6 apart.
    let mut v4: Vec<(u64, usize)> = Vec::new();
    let mut v6: Vec<(u128, Reverse<u128>, usize)> = Vec::new();
    for (i, &(is_v6, start, end)) in keys.iter().enumerate() {
        if is_v6 {
            v6.push((start, Reverse(end), i));
        } else {
            let (start, end) = (start as u32, end as u32);
            v4.push(((u64::from(start) << 32) | u64::from(u32::MAX - end), i));
        }
    }
    v4.sort_unstable();
    v6.sort_unstable();
    let mut pairs = Vec::new();
    let v4 = v4.into_iter().map(|(key, i)| {
        let (start, end) = (key >> 32, u64::from(u32::MAX) - (key & 0xffff_ffff));
        (u128::from(start), u128::from(end), i)
    });
    sweep(v4, &mut pairs);
    sweep(
        v6.into_iter().map(|(s, Reverse(e), i)| (s, e, i)),
        &mut pairs,
    );
    pairs
}

/// One sweep over the (start, end, index) of blocks of one family sorted by start, larger
/// first. It keeps the blocks still open at the sweep position, each inside the one below.
fn sweep(order: impl Iterator<Item = (u128, u128, usize)>, pairs: &mut Vec<(usize, usize)>) {
    let mut open: Vec<(u128, usize)> = Vec::new();
    for (start, end, i) in order {
        while open.last().is_some_and(|&(e, _)| e < start) {
            open.pop();
        }
        if let Some(&(_, top)) = open.last() {
            pairs.push((top, i));
        }
        open.push((end, i));
    }
}

/// Overlapping pairs (indices into `blocks`) grouped by the later block in the source:
/// each later block with the earlier blocks it overlaps, in source order.
#[allow(clippy::type_complexity)]
fn group_by_later<'b, 'a>(
    blocks: &[&'b Block<'a>],
    pairs: &[(usize, usize)],
) -> Vec<(&'b Block<'a>, Vec<&'b Block<'a>>)> {
    let mut ordered: Vec<(usize, usize)> = pairs
        .iter()
        .map(|&(a, b)| {
            if (blocks[b].pos(), b) >= (blocks[a].pos(), a) {
                (b, a)
            } else {
                (a, b)
            }
        })
        .collect();
    ordered.sort_unstable_by_key(|&(l, e)| (blocks[l].pos(), l, blocks[e].pos(), e));
    let mut groups: Vec<(&'b Block<'a>, Vec<&'b Block<'a>>)> = Vec::new();
    let mut current = None;
    for (l, e) in ordered {
        match groups.last_mut() {
            Some(group) if current == Some(l) => group.1.push(blocks[e]),
            _ => {
                groups.push((blocks[l], vec![blocks[e]]));
                current = Some(l);
            }
        }
    }
    groups
}

/// `primary` overlaps `first` (and `count - 1` more blocks).
pub(super) fn overlap(
    code: Code,
    primary: &Block,
    first: &Block,
    count: usize,
    help: &str,
) -> Diagnostic {
    let d = Diagnostic::new(
        code,
        primary.span(),
        format!("{} overlaps {}", primary.describe(), first.describe()),
    )
    .label(format!("overlaps `{}`", first.text.node))
    .with_secondary(first.span(), format!("{} is declared here", first.what()))
    .help(help);
    if count > 1 {
        d.note(format!("it overlaps {count} blocks in all"))
    } else {
        d
    }
}

/// One diagnostic per block that overlaps blocks declared before it.
pub(super) fn report_overlaps(
    code: Code,
    blocks: &[&Block],
    pairs: &[(usize, usize)],
    help: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (later, earlier) in group_by_later(blocks, pairs) {
        if let Some(first) = earlier.first() {
            diags.push(overlap(code, later, first, earlier.len(), help));
        }
    }
}
