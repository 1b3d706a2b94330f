//! CIDR plan checks (E0201..E0209) over every `network` block.
//!
//! Every block is parsed strictly ([`parse_block`]); the rest works on address
//! intervals. Two CIDR blocks are either disjoint or one contains the other, so every
//! overlap question is answered by one sort by start address and one sweep
//! ([`nested_pairs`]): O(n log n) in the number of blocks, never all pairs.
//!
//! To avoid cascades, a malformed block (E0201) takes part in no further check, and a
//! block written with host bits set (E0202), or in the other address family than its
//! network (E0209), is checked alone (prefix length, public space) but kept out of the
//! containment and overlap checks.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, CidrText, Cloud};
use ipnet::IpNet;
use std::cmp::Reverse;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One network and the clouds whose limits apply to it.
pub struct NetworkInput<'a> {
    pub network: &'a ast::Network,
    /// Clouds whose limits apply.
    pub clouds: Vec<Cloud>,
}

/// All CIDR checks over all networks; every problem reported, never stops at the first.
pub fn check(networks: &[NetworkInput], diags: &mut Vec<Diagnostic>) {
    let mut vpcs = Vec::new();
    for input in networks {
        if let Some(vpc) = check_network(input, diags) {
            vpcs.push(vpc);
        }
    }
    check_networks_overlap(&vpcs, diags);
}

/// Parses a CIDR block as written (strict): Ok(net) or the diagnostic for E0201/E0202.
#[allow(clippy::result_large_err)] // the diagnostic is the point of the error
pub fn parse_block(text: &CidrText) -> Result<IpNet, Diagnostic> {
    let net = parse_written(text)?;
    match host_bits(text, &net) {
        Some(d) => Err(d),
        None => Ok(net),
    }
}

// ---- parsing ------------------------------------------------------------------------

/// What is wrong with a block: the byte range of the offending part, and the words.
struct Bad {
    at: (usize, usize),
    message: String,
    label: String,
    help: String,
}

impl Bad {
    fn new(
        at: (usize, usize),
        message: String,
        label: impl Into<String>,
        help: impl Into<String>,
    ) -> Bad {
        Bad {
            at,
            message,
            label: label.into(),
            help: help.into(),
        }
    }
}

const V4_HELP: &str = "an IPv4 address is four decimal octets from 0 to 255, such as `10.0.0.0`";
const V6_HELP: &str =
    "an IPv6 address is groups of up to 4 hexadecimal digits separated by `:`, such as `fd00::`";

/// Parses the block as written, host bits and all; only E0201 is an error here.
#[allow(clippy::result_large_err)]
fn parse_written(text: &CidrText) -> Result<IpNet, Diagnostic> {
    parse_text(&text.node).map_err(|bad| malformed(text, bad))
}

/// E0201.
fn malformed(text: &CidrText, bad: Bad) -> Diagnostic {
    Diagnostic::new(Code::E0201, part(text, bad.at.0, bad.at.1), bad.message)
        .label(bad.label)
        .help(bad.help)
}

fn parse_text(s: &str) -> Result<IpNet, Bad> {
    match fast_v4(s.as_bytes()) {
        Some(net) => Ok(net),
        None => parse_careful(s),
    }
}

/// Parses any block, and says exactly what is wrong with a malformed one.
fn parse_careful(s: &str) -> Result<IpNet, Bad> {
    let whole = (0, s.len());
    if s.is_empty() {
        return Err(Bad::new(
            whole,
            "empty CIDR block".into(),
            "empty",
            "write a block such as `10.0.0.0/16`",
        ));
    }
    let Some(slash) = s.find('/') else {
        return Err(Bad::new(
            whole,
            format!("`{s}` has no prefix length"),
            "no `/` and prefix length",
            "write the block as address/prefix length, such as `10.0.0.0/16`",
        ));
    };
    let (addr, prefix) = (&s[..slash], &s[slash + 1..]);
    if let Some(second) = prefix.find('/') {
        let at = slash + 1 + second;
        return Err(Bad::new(
            (at, at + 1),
            format!("`{s}` has more than one `/`"),
            "second `/`",
            "write the block as address/prefix length, such as `10.0.0.0/16`",
        ));
    }
    if addr.is_empty() {
        return Err(Bad::new(
            (0, slash + 1),
            format!("`{s}` has no address before the `/`"),
            "no address",
            "write the block as address/prefix length, such as `10.0.0.0/16`",
        ));
    }
    let v6 = addr.contains(':');
    let ip = if v6 {
        IpAddr::V6(parse_v6(addr, s)?)
    } else {
        IpAddr::V4(parse_v4(addr, s)?)
    };
    let len = parse_prefix(prefix, slash + 1, s, if v6 { 128 } else { 32 })?;
    IpNet::new(ip, len).map_err(|_| {
        // Unreachable: the prefix length was checked against the family's maximum.
        Bad::new(
            whole,
            format!("`{s}` is not a valid CIDR block"),
            "not a CIDR block",
            "write a block such as `10.0.0.0/16`",
        )
    })
}

/// The common case, a well-formed IPv4 block, in one pass over the bytes; None for
/// anything else, which the careful path then parses or explains.
fn fast_v4(s: &[u8]) -> Option<IpNet> {
    let (mut addr, mut octet, mut digits, mut dots) = (0u32, 0u32, 0u32, 0u32);
    let mut i = 0;
    loop {
        let b = *s.get(i)?;
        i += 1;
        match b {
            b'0'..=b'9' => {
                if digits == 1 && octet == 0 {
                    return None; // leading zero
                }
                octet = octet * 10 + u32::from(b - b'0');
                digits += 1;
                if octet > 255 {
                    return None;
                }
            }
            b'.' | b'/' if digits > 0 => {
                addr = addr << 8 | octet;
                (octet, digits) = (0, 0);
                if b == b'/' {
                    break;
                }
                dots += 1;
            }
            _ => return None,
        }
    }
    let prefix = &s[i..];
    if dots != 3
        || prefix.is_empty()
        || prefix.len() > 2
        || (prefix.len() == 2 && prefix[0] == b'0')
    {
        return None;
    }
    let mut len = 0u8;
    for &b in prefix {
        if !b.is_ascii_digit() {
            return None;
        }
        len = len * 10 + (b - b'0');
    }
    ipnet::Ipv4Net::new(Ipv4Addr::from(addr), len)
        .ok()
        .map(IpNet::V4)
}

/// The prefix length after the `/`, which starts at byte `at` of `s`.
fn parse_prefix(prefix: &str, at: usize, s: &str, max: u32) -> Result<u8, Bad> {
    let range = (at, at + prefix.len());
    let family = if max == 32 { "IPv4" } else { "IPv6" };
    let help = || format!("an {family} prefix length is a number of bits from 0 to {max}");
    if prefix.is_empty() {
        return Err(Bad::new(
            (at.saturating_sub(1), at),
            format!("`{s}` has no prefix length after the `/`"),
            "no prefix length",
            help(),
        ));
    }
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Bad::new(
            range,
            format!("prefix length `{prefix}` in `{s}` is not a number"),
            "not a number",
            help(),
        ));
    }
    if prefix.len() > 1 && prefix.starts_with('0') {
        let trimmed = prefix.trim_start_matches('0');
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        return Err(Bad::new(
            range,
            format!("prefix length `{prefix}` in `{s}` has a leading zero"),
            "leading zero",
            format!("write `/{trimmed}`"),
        ));
    }
    // At most 3 digits fit; anything longer is over every maximum (and would overflow).
    let len = if prefix.len() > 3 {
        u32::MAX
    } else {
        prefix.parse::<u32>().unwrap_or(u32::MAX)
    };
    if len > max {
        return Err(Bad::new(
            range,
            format!("prefix length `{prefix}` in `{s}` is over {max}"),
            format!("over {max}"),
            help(),
        ));
    }
    Ok(len as u8)
}

fn parse_v4(addr: &str, s: &str) -> Result<Ipv4Addr, Bad> {
    let n = addr.bytes().filter(|&b| b == b'.').count() + 1;
    if n != 4 {
        return Err(Bad::new(
            (0, addr.len()),
            format!("`{s}` has {n} octets, an IPv4 address has 4"),
            format!("{n} octets"),
            V4_HELP,
        ));
    }
    let mut value = [0u8; 4];
    let mut at = 0;
    for (i, octet) in addr.split('.').enumerate() {
        let range = (at, at + octet.len());
        at += octet.len() + 1;
        if octet.is_empty() {
            return Err(Bad::new(
                (range.0.saturating_sub(1), range.0 + 1),
                format!("empty octet in `{s}`"),
                "empty octet",
                V4_HELP,
            ));
        }
        if !octet.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Bad::new(
                range,
                format!("octet `{octet}` in `{s}` is not a decimal number"),
                "not a decimal number",
                V4_HELP,
            ));
        }
        if octet.len() > 1 && octet.starts_with('0') {
            let trimmed = octet.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            return Err(Bad::new(
                range,
                format!("octet `{octet}` in `{s}` has a leading zero"),
                "leading zero",
                format!("write `{trimmed}`: some tools read a leading zero as octal"),
            ));
        }
        let v = if octet.len() > 3 {
            u32::MAX
        } else {
            octet.parse::<u32>().unwrap_or(u32::MAX)
        };
        if v > 255 {
            return Err(Bad::new(
                range,
                format!("octet `{octet}` in `{s}` is over 255"),
                "over 255",
                V4_HELP,
            ));
        }
        value[i] = v as u8;
    }
    Ok(Ipv4Addr::from(value))
}

fn parse_v6(addr: &str, s: &str) -> Result<Ipv6Addr, Bad> {
    if let Ok(ip) = addr.parse::<Ipv6Addr>() {
        return Ok(ip);
    }
    // Say why std refused it, most specific reason first.
    if let Some((i, c)) = addr
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_hexdigit() || c == ':' || c == '.'))
    {
        return Err(Bad::new(
            (i, i + c.len_utf8()),
            format!("`{c}` in `{s}` is not a hexadecimal digit"),
            "not a hexadecimal digit",
            V6_HELP,
        ));
    }
    if let Some(first) = addr.find("::") {
        if let Some(second) = addr[first + 2..].find("::") {
            let at = first + 2 + second;
            return Err(Bad::new(
                (at, at + 2),
                format!("`::` appears more than once in `{s}`"),
                "second `::`",
                "`::` may stand for only one run of zero groups",
            ));
        }
    }
    let mut at = 0;
    for group in addr.split(':') {
        if group.len() > 4 && !group.contains('.') {
            return Err(Bad::new(
                (at, at + group.len()),
                format!("group `{group}` in `{s}` has more than 4 digits"),
                "more than 4 digits",
                V6_HELP,
            ));
        }
        at += group.len() + 1;
    }
    if !addr.contains('.') {
        let groups = addr.split(':').filter(|g| !g.is_empty()).count();
        if addr.contains("::") && groups >= 8 {
            return Err(Bad::new(
                (0, addr.len()),
                format!("`{s}` has {groups} groups and a `::`, at most 7 can be written with `::`"),
                "too many groups",
                V6_HELP,
            ));
        }
        if !addr.contains("::") && groups != 8 {
            return Err(Bad::new(
                (0, addr.len()),
                format!("`{s}` has {groups} groups, an IPv6 address has 8"),
                format!("{groups} groups"),
                format!("{V6_HELP}; `::` stands for a run of zero groups"),
            ));
        }
    }
    Err(Bad::new(
        (0, addr.len()),
        format!("`{addr}` in `{s}` is not a valid IPv6 address"),
        "not an IPv6 address",
        V6_HELP,
    ))
}

/// E0202 when the address has bits set below the prefix length.
fn host_bits(text: &CidrText, net: &IpNet) -> Option<Diagnostic> {
    if net.addr() == net.network() {
        return None;
    }
    let fixed = net.trunc();
    let host = net.max_prefix_len() - net.prefix_len();
    Some(
        Diagnostic::new(
            Code::E0202,
            text.span,
            format!("`{}` has host bits set", text.node),
        )
        .label("host bits set")
        .note(format!(
            "the last {host} bits of a /{} block's address must be zero",
            net.prefix_len()
        ))
        .suggest(
            text.span,
            fixed.to_string(),
            format!("use the network address `{fixed}`"),
        ),
    )
}

/// The span of bytes `start..end` of the text, when the span covers exactly the text.
fn part(text: &CidrText, start: usize, end: usize) -> Span {
    let s = text.span;
    let exact = s.end.checked_sub(s.start).map(|l| l as usize) == Some(text.node.len());
    if exact && start < end && end <= text.node.len() {
        Span {
            file: s.file,
            start: s.start + start as u32,
            end: s.start + end as u32,
        }
    } else {
        s
    }
}

// ---- blocks -------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Vpc,
    Subnet(usize),
    Public(usize),
    Pods,
    Services,
}

/// One parsed block of a network.
#[derive(Clone, Copy)]
struct Block<'a> {
    network: &'a ast::Network,
    role: Role,
    text: &'a CidrText,
    /// The block with any host bits cleared.
    net: IpNet,
    /// Written without host bits.
    exact: bool,
    /// `net` as addresses.
    iv: Interval,
}

impl Block<'_> {
    fn span(&self) -> Span {
        self.text.span
    }

    /// Position in the source, for "the later one".
    fn pos(&self) -> Span {
        self.text.span
    }

    fn what(&self) -> String {
        match self.role {
            Role::Vpc => format!("network `{}`", self.network.name.node),
            Role::Subnet(i) => format!("subnet `{}`", self.network.subnets[i].name.node),
            Role::Public(i) => format!(
                "public block of subnet `{}`",
                self.network.subnets[i].name.node
            ),
            Role::Pods => "pod range".to_string(),
            Role::Services => "service range".to_string(),
        }
    }

    /// `subnet `a` (`10.0.0.0/20`)`.
    fn describe(&self) -> String {
        format!("{} (`{}`)", self.what(), self.text.node)
    }

    fn v6(&self) -> bool {
        self.net.max_prefix_len() == 128
    }

    fn interval(&self) -> Interval {
        self.iv
    }

    /// Is `other` inside this block (same family)?
    fn contains(&self, other: &Block) -> bool {
        let (a, b) = (self.iv, other.iv);
        a.0 == b.0 && a.1 <= b.1 && b.2 <= a.2
    }

    fn overlaps(&self, other: &Block) -> bool {
        let (a, b) = (self.interval(), other.interval());
        a.0 == b.0 && a.1 <= b.2 && b.1 <= a.2
    }
}

/// (is IPv6, first address, last address).
type Interval = (bool, u128, u128);

fn interval(net: &IpNet) -> Interval {
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
fn nested_pairs(keys: &[Interval]) -> Vec<(usize, usize)> {
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
fn overlap(code: Code, primary: &Block, first: &Block, count: usize, help: &str) -> Diagnostic {
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
fn report_overlaps(
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
    }
    if let Some(c) = &n.pods {
        written.push((Role::Pods, c));
    }
    if let Some(c) = &n.services {
        written.push((Role::Services, c));
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
    let subnets: Vec<&Block<'a>> = usable
        .iter()
        .copied()
        .filter(|b| matches!(b.role, Role::Subnet(_) | Role::Public(_)))
        .collect();
    let ranges: Vec<&Block<'a>> = usable
        .iter()
        .copied()
        .filter(|b| matches!(b.role, Role::Pods | Role::Services))
        .collect();

    // E0203.
    if let Some(vpc) = vpc {
        for s in &subnets {
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
        .filter(|s| vpc.is_none_or(|v| v.contains(s)))
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
    let help =
        "pod and service ranges must lie outside the network's block, its subnets and each other";
    for r in &ranges {
        if let Some(vpc) = vpc.filter(|v| v.overlaps(r)) {
            diags.push(overlap(Code::E0206, r, vpc, 1, help));
            continue;
        }
        // Linear: one range against each subnet block.
        let hits: Vec<&&Block> = subnets.iter().filter(|s| s.overlaps(r)).collect();
        if let Some(first) = hits.iter().min_by_key(|s| s.pos()) {
            diags.push(overlap(Code::E0206, r, first, hits.len(), help));
        }
    }
    if let [a, b] = ranges[..] {
        if a.overlaps(b) {
            report_overlaps(Code::E0206, &[a, b], &[(0, 1)], help, diags);
        }
    }

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

fn check_networks_overlap(vpcs: &[Block], diags: &mut Vec<Diagnostic>) {
    let blocks: Vec<&Block> = vpcs.iter().collect();
    let keys: Vec<Interval> = vpcs.iter().map(|b| b.interval()).collect();
    let pairs: Vec<(usize, usize)> = nested_pairs(&keys)
        .into_iter()
        .filter(|&(a, b)| !std::ptr::eq(vpcs[a].network, vpcs[b].network))
        .collect();
    report_overlaps(
        Code::W0205,
        &blocks,
        &pairs,
        "overlapping networks cannot be peered; give each network a block of its own",
        diags,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::source::{FileId, Spanned};

    /// Hands out synthetic, increasing spans so source order follows construction order.
    #[derive(Default)]
    struct Gen {
        pos: usize,
    }

    impl Gen {
        fn text(&mut self, s: &str) -> CidrText {
            let span = Span::new(FileId(0), self.pos, self.pos + s.len());
            self.pos += s.len() + 1;
            Spanned::new(s.to_string(), span)
        }

        fn name(&mut self, s: &str) -> ast::Name {
            self.text(s)
        }

        /// `subnets`: (name, private block, public block).
        fn network(
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
                        span: Span::new(FileId(0), s, self.pos),
                    }
                })
                .collect();
            let pods = pods.map(|c| self.text(c));
            let services = services.map(|c| self.text(c));
            ast::Network {
                name,
                span: Span::new(FileId(0), start, self.pos),
                cloud: None,
                cidr,
                subnets,
                pods,
                services,
                acks: Vec::new(),
                repeated: Vec::new(),
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
}
