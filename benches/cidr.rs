//! Times `check::cidr::check` over 100,000 blocks. A plain `main` (harness = false),
//! no extra crates: `cargo bench --bench cidr`.

use engc::check::cidr::{check, NetworkInput};
use engc::source::{FileId, Span, Spanned};
use engc::syntax::ast::{Cloud, Network, Subnet};
use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

const BLOCKS: usize = 100_000;
const RUNS: usize = 20;

struct Gen {
    pos: usize,
}

impl Gen {
    fn text(&mut self, s: String) -> Spanned<String> {
        let span = Span::new(FileId(0), self.pos, self.pos + s.len());
        self.pos += s.len() + 1;
        Spanned::new(s, span)
    }

    fn network(
        &mut self,
        name: String,
        cidr: String,
        subnets: Vec<(String, String, String)>,
    ) -> Network {
        let start = self.pos;
        let name = self.text(name);
        let cidr = Some(self.text(cidr));
        let subnets = subnets
            .into_iter()
            .map(|(n, c, p)| {
                let s = self.pos;
                Subnet {
                    name: self.text(n),
                    cidr: self.text(c),
                    zone: None,
                    public: Some(self.text(p)),
                    secondary: Vec::new(),
                    span: Span::new(FileId(0), s, self.pos),
                }
            })
            .collect();
        Network {
            cidr,
            subnets,
            ..Network::empty(name, Span::new(FileId(0), start, self.pos))
        }
    }
}

/// The k-th /28 of 10.0.0.0/8.
fn block28(k: usize) -> String {
    format!("{}/28", Ipv4Addr::from(0x0a00_0000u32 + (k as u32) * 16))
}

/// One /8 network of 49,999 subnets (a private and a public /28 each, written in a
/// scrambled address order) and a pod range: 100,000 blocks, no overlap.
fn one_big_network(g: &mut Gen) -> Vec<Network> {
    let pairs = (BLOCKS - 1) / 2;
    let subnets = (0..pairs)
        .map(|i| {
            let k = (i * 7919) % pairs;
            (format!("s{i}"), block28(2 * k), block28(2 * k + 1))
        })
        .collect();
    let mut net = g.network("big".into(), "10.0.0.0/8".into(), subnets);
    net.pods = Some(g.text("100.64.0.0/16".into()));
    vec![net]
}

/// 1,000 networks, each a /20 of 10.0.0.0/8 with 49 subnets (a private and a public
/// /28 each) and a pod range: 100,000 blocks.
fn many_networks(g: &mut Gen) -> Vec<Network> {
    (0..1_000u32)
        .map(|n| {
            let base = 0x0a00_0000u32 + (n << 12);
            let subnets = (0..49u32)
                .map(|i| {
                    let a = base + i * 32;
                    (
                        format!("s{i}"),
                        format!("{}/28", Ipv4Addr::from(a)),
                        format!("{}/28", Ipv4Addr::from(a + 16)),
                    )
                })
                .collect();
            let mut net = g.network(
                format!("n{n}"),
                format!("{}/20", Ipv4Addr::from(base)),
                subnets,
            );
            net.pods = Some(g.text("100.64.0.0/16".into()));
            net
        })
        .collect()
}

fn time(label: &str, networks: &[Network]) {
    let inputs: Vec<NetworkInput> = networks
        .iter()
        .map(|n| NetworkInput {
            network: n,
            clouds: vec![Cloud::Gcp],
        })
        .collect();
    let blocks: usize = networks
        .iter()
        .map(|n| 1 + n.subnets.len() * 2 + n.pods.iter().count())
        .sum();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut found = 0;
    for _ in 0..RUNS {
        let mut diags = Vec::new();
        let start = Instant::now();
        check(black_box(&inputs), &mut diags);
        times.push(start.elapsed());
        found = black_box(diags).len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "cidr::check, {label}: {blocks} blocks, best {:.2} ms, median {:.2} ms over {RUNS} runs ({found} diagnostics)",
        ms(times[0]),
        ms(times[RUNS / 2]),
    );
}

fn main() {
    let mut g = Gen { pos: 0 };
    time("one network", &one_big_network(&mut g));
    time("1,000 networks", &many_networks(&mut g));
}
