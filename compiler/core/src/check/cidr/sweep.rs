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
        let mut s = String::new();
        self.push_what(&mut s);
        s
    }

    /// [`Block::what`] appended to `s`: pieces pushed, not formatted (the overlap check
    /// words one diagnostic per block, 200,000 on a large plan).
    pub(super) fn push_what(&self, s: &mut String) {
        let quoted = |s: &mut String, before: &str, name: &str| {
            s.push_str(before);
            s.push('`');
            s.push_str(name);
            s.push('`');
        };
        match self.role {
            Role::Vpc => quoted(s, "network ", &self.network.name.node),
            Role::Subnet(i) => quoted(s, "subnet ", &self.network.subnets[i].name.node),
            Role::Public(i) => quoted(
                s,
                "public block of subnet ",
                &self.network.subnets[i].name.node,
            ),
            Role::Secondary(i, j) => {
                let subnet = &self.network.subnets[i];
                quoted(s, "secondary range ", &subnet.secondary[j].0.node);
                quoted(s, " of subnet ", &subnet.name.node);
            }
            Role::Pods => s.push_str("pod range"),
            Role::Services => s.push_str("service range"),
            Role::Psc => s.push_str("Private Service Connect range"),
            Role::Master => s.push_str("control-plane range"),
        }
    }

    /// `subnet `a` (`10.0.0.0/20`)`.
    pub(super) fn describe(&self) -> String {
        let mut s = String::new();
        self.push_describe(&mut s);
        s
    }

    fn push_describe(&self, s: &mut String) {
        self.push_what(s);
        s.push_str(" (`");
        s.push_str(&self.text.node);
        s.push_str("`)");
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
/// each later block, in source order, with the first of the earlier blocks it overlaps
/// and how many those are.
pub(super) fn group_by_later<'b, 'a>(
    blocks: &[&'b Block<'a>],
    pairs: &[(usize, usize)],
) -> Vec<(&'b Block<'a>, &'b Block<'a>, usize)> {
    // Each block's rank in source order (position, then index): the pairs are then
    // sorted as plain numbers. The blocks usually come in source order already, which
    // the stable sort finds in one pass.
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| (blocks[i].pos(), i));
    let mut rank = vec![0; blocks.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let mut ordered: Vec<(usize, usize)> = pairs
        .iter()
        .map(|&(a, b)| {
            let (a, b) = (rank[a], rank[b]);
            (a.max(b), a.min(b))
        })
        .collect();
    ordered.sort_unstable();
    let mut groups: Vec<(&'b Block<'a>, &'b Block<'a>, usize)> = Vec::new();
    let mut current = None;
    for (l, e) in ordered {
        match groups.last_mut() {
            Some(group) if current == Some(l) => group.2 += 1,
            _ => {
                groups.push((blocks[order[l]], blocks[order[e]], 1));
                current = Some(l);
            }
        }
    }
    groups
}

/// `primary` overlaps `first` (and `count - 1` more blocks). Each string is sized
/// once and filled by pieces: this runs once per overlapping block.
pub(super) fn overlap(
    code: Code,
    primary: &Block,
    first: &Block,
    count: usize,
    help: &str,
) -> Diagnostic {
    let mut message = String::with_capacity(64 + 2 * 40);
    primary.push_describe(&mut message);
    message.push_str(" overlaps ");
    first.push_describe(&mut message);
    let mut label = String::with_capacity(first.text.node.len() + 11);
    label.push_str("overlaps `");
    label.push_str(&first.text.node);
    label.push('`');
    let mut declared = String::with_capacity(48);
    first.push_what(&mut declared);
    declared.push_str(" is declared here");
    let d = Diagnostic::new(code, primary.span(), message)
        .label(label)
        .with_secondary(first.span(), declared)
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
    for (later, first, count) in group_by_later(blocks, pairs) {
        diags.push(overlap(code, later, first, count, help));
    }
}
