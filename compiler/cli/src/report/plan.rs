//! The network plan drawn as address ranges: per network a bar for its block, with
//! its subnets and other ranges placed where their addresses fall (inline SVG, each
//! shape titled for screen readers), and a table of every range.

use super::html::{esc, Page};
use engc_core::model::Network;
use std::net::IpAddr;

/// A range of the plan: what it is and its block as written.
struct Range {
    name: String,
    /// What the drawing writes in its shape (the lane says the kind).
    short: String,
    kind: &'static str,
    cidr: String,
    zone: Option<String>,
}

/// First and last address and the number of addresses of a block, as integers (IPv4
/// in the low 32 bits); None for a block that is not one (`${param}`).
fn bounds(cidr: &str) -> Option<(u128, u128, bool)> {
    let (addr, len) = cidr.split_once('/')?;
    let addr: IpAddr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let (value, bits, v4) = match addr {
        IpAddr::V4(a) => (u32::from(a) as u128, 32, true),
        IpAddr::V6(a) => (u128::from(a), 128, false),
    };
    if len > bits {
        return None;
    }
    let host = bits - len;
    let size_mask = if host == 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    let first = value & !size_mask;
    Some((first, first | size_mask, v4))
}

fn address(v: u128, v4: bool) -> String {
    match v4 {
        true => std::net::Ipv4Addr::from(v as u32).to_string(),
        false => std::net::Ipv6Addr::from(v).to_string(),
    }
}

fn ranges(n: &Network) -> Vec<Range> {
    let mut out = Vec::new();
    let mut add = |name: String, kind, cidr: &str, zone: Option<String>| {
        let short = name.split(" (").next().unwrap_or(&name).to_string();
        out.push(Range {
            name,
            short,
            kind,
            cidr: cidr.to_string(),
            zone,
        })
    };
    for s in &n.subnets {
        add(s.name.clone(), "subnet", &s.cidr, s.zone.clone());
        if let Some(p) = &s.public {
            add(
                format!("{} (public)", s.name),
                "public subnet",
                p,
                s.zone.clone(),
            );
        }
        for (name, block) in &s.secondary {
            add(
                format!("{} / {name}", s.name),
                "secondary range",
                block,
                None,
            );
        }
    }
    for (name, kind, block) in [
        ("pods", "pod range", &n.pods),
        ("services", "service range", &n.services),
        ("psc", "private service connect", &n.psc),
        ("master", "control plane", &n.master),
    ] {
        if let Some(b) = block {
            add(name.to_string(), kind, b, None);
        }
    }
    out
}

/// Lanes of the drawing: which kinds go on which line under the block's bar.
fn lane(kind: &str) -> usize {
    match kind {
        "subnet" => 1,
        "public subnet" => 2,
        _ => 3,
    }
}

const WIDTH: f64 = 960.0;
const LANE: f64 = 34.0;

pub fn write(page: &mut Page, networks: &[Network]) {
    page.open_section("network", "Network plan");
    if networks.is_empty() {
        page.line("<p>The deployment declares no network.</p>");
    }
    for n in networks {
        let id = format!("network-{}", super::slug(&n.name));
        page.line(&format!(
            "<section aria-labelledby=\"{id}\"><h3 id=\"{id}\">Network {}</h3>",
            esc(&n.name)
        ));
        let block = n.cidr.as_deref().unwrap_or("");
        let clouds: Vec<&str> = n.clouds.iter().map(|c| c.title()).collect();
        page.line(&format!(
            "<p>Block <code>{}</code> for {}.{}</p>",
            esc(if block.is_empty() { "(none)" } else { block }),
            esc(&clouds.join(", ")),
            match n.connects.is_empty() {
                true => String::new(),
                false => format!(" Connects to {}.", esc(&n.connects.join(", "))),
            }
        ));
        let ranges = ranges(n);
        if let Some((first, last, v4)) = bounds(block) {
            draw(page, n, &ranges, (first, last, v4));
        }
        table(page, n, &ranges, bounds(block));
        page.line("</section>");
    }
    page.close_section();
}

fn draw(page: &mut Page, n: &Network, ranges: &[Range], (first, last, v4): (u128, u128, bool)) {
    let span = (last - first) as f64 + 1.0;
    let x = |v: u128| ((v.saturating_sub(first)) as f64 / span * WIDTH).clamp(0.0, WIDTH);
    let inside: Vec<(&Range, u128, u128)> = ranges
        .iter()
        .filter_map(|r| bounds(&r.cidr).map(|(a, b, _)| (r, a, b)))
        .filter(|(_, a, b)| *a >= first && *b <= last)
        .collect();
    // Only the lanes something is drawn on, in order.
    let mut lanes: Vec<usize> = inside.iter().map(|(r, _, _)| lane(r.kind)).collect();
    lanes.sort_unstable();
    lanes.dedup();
    let height = LANE * (lanes.len() + 1) as f64 + 24.0;
    let title_id = format!("plan-{}-title", super::slug(&n.name));
    page.line(&format!(
        "<figure><svg class=\"plan\" role=\"img\" aria-labelledby=\"{title_id}\" viewBox=\"0 0 {} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">",
        WIDTH + 2.0
    ));
    page.line(&format!(
        "<title id=\"{title_id}\">Address ranges of network {}: {} from {} to {}</title>",
        esc(&n.name),
        esc(n.cidr.as_deref().unwrap_or("")),
        address(first, v4),
        address(last, v4)
    ));
    page.line(&format!(
        "<g><title>{} {}</title><rect class=\"block\" x=\"1\" y=\"2\" width=\"{WIDTH}\" height=\"{}\"/><text x=\"6\" y=\"22\">{} {}</text></g>",
        esc(&n.name),
        esc(n.cidr.as_deref().unwrap_or("")),
        LANE - 6.0,
        esc(&n.name),
        esc(n.cidr.as_deref().unwrap_or(""))
    ));
    for (r, a, b) in inside {
        let (x0, x1) = (x(a), x(b.saturating_add(1)));
        let w = (x1 - x0).max(1.0);
        let row = lanes.iter().position(|l| *l == lane(r.kind)).unwrap_or(0) + 1;
        let y = 2.0 + LANE * row as f64;
        let label = match w >= 6.5 * r.short.chars().count() as f64 + 8.0 {
            true => format!(
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x0 + 5.0,
                y + 19.0,
                esc(&r.short)
            ),
            false => String::new(),
        };
        page.line(&format!(
            "<g><title>{} ({}) {}</title><rect class=\"{}\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{}\"/>{label}</g>",
            esc(&r.name),
            r.kind,
            esc(&r.cidr),
            r.kind.replace(' ', "-"),
            x0 + 1.0,
            LANE - 6.0
        ));
    }
    page.line(&format!(
        "<text class=\"axis\" x=\"1\" y=\"{:.1}\">{}</text><text class=\"axis\" x=\"{WIDTH}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        height - 4.0,
        address(first, v4),
        height - 4.0,
        address(last, v4)
    ));
    page.line("</svg>");
    page.line(&format!(
        "<figcaption>Where each range of <code>{}</code> falls in its block: the block on top, then the subnets, the public subnets, and the other ranges (secondary, pod, service) that lie inside it.</figcaption></figure>",
        esc(&n.name)
    ));
}

fn table(page: &mut Page, n: &Network, ranges: &[Range], block: Option<(u128, u128, bool)>) {
    page.line(&format!(
        "<table><caption>Address ranges of network {}</caption>",
        esc(&n.name)
    ));
    page.line("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Kind</th><th scope=\"col\">Block</th><th scope=\"col\">First address</th><th scope=\"col\">Last address</th><th scope=\"col\">Addresses</th><th scope=\"col\">Zone</th></tr></thead><tbody>");
    let whole = n.cidr.as_ref().map(|c| Range {
        name: n.name.clone(),
        short: n.name.clone(),
        kind: "block",
        cidr: c.clone(),
        zone: None,
    });
    for r in whole.iter().chain(ranges) {
        let (first, last, count, outside) = match bounds(&r.cidr) {
            Some((a, b, v4)) => (
                address(a, v4),
                address(b, v4),
                (b - a).saturating_add(1).to_string(),
                block.is_some_and(|(f, l, _)| a < f || b > l),
            ),
            None => Default::default(),
        };
        page.line(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.name),
            r.kind,
            if outside { " (outside the block)" } else { "" },
            esc(&r.cidr),
            first,
            last,
            count,
            esc(r.zone.as_deref().unwrap_or(""))
        ));
    }
    page.line("</tbody></table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_of_blocks() {
        let (a, b, v4) = bounds("10.130.0.0/16").unwrap();
        assert!(v4);
        assert_eq!(address(a, v4), "10.130.0.0");
        assert_eq!(address(b, v4), "10.130.255.255");
        assert_eq!(
            bounds("0.0.0.0/0").map(|(a, b, _)| b - a + 1),
            Some(1 << 32)
        );
        assert!(bounds("::/0").is_some());
        assert!(bounds("${vpc}").is_none());
        assert!(bounds("10.0.0.0/33").is_none());
    }
}
