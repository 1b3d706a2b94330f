//! The overlap diagnostics' wording, built from pieces, against the `format!` wording it
//! replaced; the grouping of overlapping pairs by later block, by ranks, against the
//! sort by positions it replaced, on blocks whose index order is not source order.

use super::parse::parse_text;
use super::sweep::{group_by_later, interval, nested_pairs, overlap, Block, Role};
use super::tests::Gen;
use crate::diag::Code;
use crate::syntax::ast::{self, CidrText};

fn block<'a>(network: &'a ast::Network, role: Role, text: &'a CidrText) -> Block<'a> {
    let net = parse_text(&text.node)
        .ok()
        .expect("a well-formed block")
        .trunc();
    Block {
        network,
        role,
        text,
        net,
        exact: true,
        iv: interval(&net),
    }
}

/// The wording as it was written with `format!`.
fn what_formatted(b: &Block) -> String {
    let n = b.network;
    match b.role {
        Role::Vpc => format!("network `{}`", n.name.node),
        Role::Subnet(i) => format!("subnet `{}`", n.subnets[i].name.node),
        Role::Public(i) => format!("public block of subnet `{}`", n.subnets[i].name.node),
        Role::Secondary(i, j) => format!(
            "secondary range `{}` of subnet `{}`",
            n.subnets[i].secondary[j].0.node, n.subnets[i].name.node
        ),
        Role::Pods => "pod range".to_string(),
        Role::Services => "service range".to_string(),
        Role::Psc => "Private Service Connect range".to_string(),
        Role::Master => "control-plane range".to_string(),
    }
}

#[test]
fn pieces_word_every_role_as_format_did() {
    let mut g = Gen::default();
    let mut n = g.network(
        "main",
        Some("10.0.0.0/16"),
        &[("a", "10.0.0.0/24", Some("10.0.1.0/24"))],
        Some("10.1.0.0/16"),
        Some("10.2.0.0/16"),
    );
    let range = (g.text("pods-a"), g.text("10.3.0.0/16"));
    n.subnets[0].secondary.push(range);
    let (psc, master) = (g.text("10.4.0.0/16"), g.text("10.5.0.0/28"));
    let s = &n.subnets[0];
    let blocks = [
        block(&n, Role::Vpc, n.cidr.as_ref().unwrap()),
        block(&n, Role::Subnet(0), &s.cidr),
        block(&n, Role::Public(0), s.public.as_ref().unwrap()),
        block(&n, Role::Secondary(0, 0), &s.secondary[0].1),
        block(&n, Role::Pods, n.pods.as_ref().unwrap()),
        block(&n, Role::Services, n.services.as_ref().unwrap()),
        block(&n, Role::Psc, &psc),
        block(&n, Role::Master, &master),
    ];
    assert_eq!(
        blocks[3].describe(),
        "secondary range `pods-a` of subnet `a` (`10.3.0.0/16`)"
    );
    for p in &blocks {
        assert_eq!(p.what(), what_formatted(p));
        assert_eq!(
            p.describe(),
            format!("{} (`{}`)", what_formatted(p), p.text.node)
        );
        for (f, count) in blocks.iter().zip(1..) {
            let d = overlap(Code::E0204, p, f, count, "the help");
            let message = format!(
                "{} (`{}`) overlaps {} (`{}`)",
                what_formatted(p),
                p.text.node,
                what_formatted(f),
                f.text.node
            );
            assert_eq!(d.message, message);
            assert_eq!(d.label, format!("overlaps `{}`", f.text.node));
            assert_eq!(d.secondary.len(), 1);
            assert_eq!(d.secondary[0].span, f.span());
            let declared = format!("{} is declared here", what_formatted(f));
            assert_eq!(d.secondary[0].message, declared);
            assert_eq!(d.help.as_deref(), Some("the help"));
            let notes: Vec<String> = if count > 1 {
                vec![format!("it overlaps {count} blocks in all")]
            } else {
                vec![]
            };
            assert_eq!(d.notes, notes);
        }
    }
}

/// The grouping as it was: pairs sorted by the blocks' positions.
fn groups_by_position<'b, 'a>(
    blocks: &[&'b Block<'a>],
    pairs: &[(usize, usize)],
) -> Vec<(&'b Block<'a>, &'b Block<'a>, usize)> {
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
    ordered.sort_by_key(|&(l, e)| (blocks[l].pos(), l, blocks[e].pos(), e));
    let mut groups: Vec<(&Block, &Block, usize)> = Vec::new();
    for (l, e) in ordered {
        match groups.last_mut() {
            Some(g) if std::ptr::eq(g.0, blocks[l]) => g.2 += 1,
            _ => groups.push((blocks[l], blocks[e], 1)),
        }
    }
    groups
}

#[test]
fn grouping_by_rank_equals_grouping_by_position() {
    // 600 subnets on 40 /28s and some /27s over them, so blocks repeat and nest; the
    // slice handed to the grouping is scrambled, so index order is not source order.
    let names: Vec<String> = (0..600).map(|i| format!("s{i}")).collect();
    let cidrs: Vec<String> = (0..600u32)
        .map(|i| {
            let k = (i * 37) % 40;
            if i % 9 == 0 {
                format!("10.0.0.{}/27", (k / 2) * 32 % 256)
            } else {
                format!("10.0.{}.{}/28", k / 16, (k % 16) * 16)
            }
        })
        .collect();
    let spec: Vec<(&str, &str, Option<&str>)> = names
        .iter()
        .zip(&cidrs)
        .map(|(n, c)| (n.as_str(), c.as_str(), None))
        .collect();
    let n = Gen::default().network("big", None, &spec, None, None);
    let blocks: Vec<Block> = (0..n.subnets.len())
        .map(|i| block(&n, Role::Subnet(i), &n.subnets[i].cidr))
        .collect();
    for stride in [1, 7, 599] {
        let refs: Vec<&Block> = (0..blocks.len())
            .map(|i| &blocks[(i * stride) % blocks.len()])
            .collect();
        let keys: Vec<_> = refs.iter().map(|b| b.iv).collect();
        let pairs = nested_pairs(&keys);
        assert!(pairs.len() > 500);
        let (new, old) = (
            group_by_later(&refs, &pairs),
            groups_by_position(&refs, &pairs),
        );
        assert_eq!(new.len(), old.len());
        for ((l1, e1, c1), (l2, e2, c2)) in new.iter().zip(&old) {
            assert!(std::ptr::eq(*l1, *l2) && std::ptr::eq(*e1, *e2) && c1 == c2);
        }
    }
}
