//! Address blocks: a block's range, size and address space, and how it relates to the
//! deployment's other blocks.

use crate::Analysis;
use engc_core::syntax::ast::{self, Item};
use ipnet::IpNet;
use std::fmt::Write as _;

pub(super) fn size_note(c: &ast::CidrText) -> String {
    match engc_core::check::cidr::parse_block(c) {
        Ok(net) => format!(" ({} addresses)", address_count(&net)),
        Err(_) => String::new(),
    }
}

fn address_count(net: &IpNet) -> String {
    let bits = net.max_prefix_len() - net.prefix_len();
    if bits >= 64 {
        format!("2^{bits}")
    } else {
        group_digits(1u64 << bits)
    }
}

fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every address block of the user's files, with what it is.
fn all_blocks(a: &Analysis) -> Vec<(String, &ast::CidrText)> {
    let mut out = Vec::new();
    for (_, f) in &a.comp.files {
        for i in &f.items {
            let Item::Network(n) = i else { continue };
            let net = &n.name.node;
            if let Some(c) = &n.cidr {
                out.push((format!("network `{net}`"), c));
            }
            for s in &n.subnets {
                out.push((format!("subnet `{}` of `{net}`", s.name.node), &s.cidr));
                if let Some(p) = &s.public {
                    out.push((
                        format!("public range of subnet `{}` of `{net}`", s.name.node),
                        p,
                    ));
                }
            }
            if let Some(p) = &n.pods {
                out.push((format!("pod range of `{net}`"), p));
            }
            for s in &n.subnets {
                for (name, c) in &s.secondary {
                    out.push((
                        format!(
                            "secondary range `{}` of subnet `{}` of `{net}`",
                            name.node, s.name.node
                        ),
                        c,
                    ));
                }
            }
            if let Some(p) = &n.psc {
                out.push((format!("Private Service Connect range of `{net}`"), p));
            }
            if let Some(m) = &n.master {
                out.push((format!("control-plane range of `{net}`"), m));
            }
            if let Some(s) = &n.services {
                out.push((format!("service range of `{net}`"), s));
            }
        }
    }
    out
}

pub fn cidr_hover(a: &Analysis, c: &ast::CidrText) -> String {
    let net = match engc_core::check::cidr::parse_block(c) {
        Ok(n) => n,
        Err(d) => return format!("`{}`: {}", c.node, d.message),
    };
    let mut md = format!("**{}**\n\n", net.trunc());
    let _ = writeln!(
        md,
        "- addresses `{}` to `{}`",
        net.network(),
        net.broadcast()
    );
    let _ = writeln!(
        md,
        "- {} addresses (/{})",
        address_count(&net),
        net.prefix_len()
    );
    if net.trunc() != net {
        let _ = writeln!(md, "- host bits are set: the block is `{}`", net.trunc());
    }
    let _ = writeln!(
        md,
        "- {}",
        if engc_core::vocab::address_ranges::private_range(&net).is_some() {
            "private address space"
        } else {
            "public address space"
        }
    );
    let mut rel = Vec::new();
    for (what, other) in all_blocks(a) {
        if other.span == c.span {
            continue;
        }
        let Ok(o) = engc_core::check::cidr::parse_block(other) else {
            continue;
        };
        let (o, n) = (o.trunc(), net.trunc());
        let text = if o == n {
            format!("the same block as {what}")
        } else if o.contains(&n) {
            format!("inside {what} (`{o}`)")
        } else if n.contains(&o) {
            format!("contains {what} (`{o}`)")
        } else if o.contains(&n.network()) || n.contains(&o.network()) {
            format!("**overlaps** {what} (`{o}`)")
        } else {
            continue;
        };
        rel.push(text);
    }
    if rel.is_empty() {
        md.push_str("\noverlaps no other block of the deployment\n");
    } else {
        md.push('\n');
        for r in rel {
            let _ = writeln!(md, "- {r}");
        }
    }
    md.trim_end().to_string()
}
