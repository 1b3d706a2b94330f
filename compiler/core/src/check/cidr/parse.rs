//! Parsing a CIDR block as written: strict IPv4 and IPv6 text, E0201 with the exact
//! part that is wrong, and E0202 for host bits set.

use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::CidrText;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Parses a CIDR block as written (strict): Ok(net) or the diagnostic for E0201/E0202.
#[allow(clippy::result_large_err)] // the diagnostic is the point of the error
pub fn parse_block(text: &CidrText) -> Result<IpNet, Diagnostic> {
    let net = parse_written(text)?;
    match host_bits(text, &net) {
        Some(d) => Err(d),
        None => Ok(net),
    }
}

/// What is wrong with a block: the byte range of the offending part, and the words.
pub(super) struct Bad {
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
pub(super) fn malformed(text: &CidrText, bad: Bad) -> Diagnostic {
    Diagnostic::new(Code::E0201, part(text, bad.at.0, bad.at.1), bad.message)
        .label(bad.label)
        .help(bad.help)
}

pub(super) fn parse_text(s: &str) -> Result<IpNet, Bad> {
    match fast_v4(s.as_bytes()) {
        Some(net) => Ok(net),
        None => parse_careful(s),
    }
}

/// Parses any block, and says exactly what is wrong with a malformed one.
pub(super) fn parse_careful(s: &str) -> Result<IpNet, Bad> {
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
pub(super) fn fast_v4(s: &[u8]) -> Option<IpNet> {
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
pub(super) fn host_bits(text: &CidrText, net: &IpNet) -> Option<Diagnostic> {
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
pub(super) fn part(text: &CidrText, start: usize, end: usize) -> Span {
    let s = text.span;
    let exact = s.end.checked_sub(s.start).map(|l| l as usize) == Some(text.node.len());
    if exact && start < end && end <= text.node.len() {
        Span {
            file: s.file,
            start: s.start + start as u32,
            end: s.start + end as u32,
            via: s.via,
        }
    } else {
        s
    }
}
