//! What the analyses of a principal's access add to checking: the risk analysis
//! (effective access of every principal, then the capability table: W0411) and the
//! dead-grant checks (W0408, W0409, W0418-W0420), on each example.
//!
//! `cargo bench --bench risk` prints the median time of each, catalogs warm, beside the
//! whole check in process, and fails when the risk analysis of the Chalk example takes
//! 1 ms or more.

use engc::resolve::decls;
use std::path::Path;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm the catalogs
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut chalk_risk = Duration::ZERO;
    for name in ["chalk", "iomete", "aichor", "quickstart"] {
        let text =
            std::fs::read_to_string(root.join("examples").join(format!("{name}.eng"))).unwrap();
        let options = engc::Options::default();
        let c = engc::compile_str(&format!("{name}.eng"), &text, &options);
        let model = c.model.as_ref().expect("the examples check");
        let d = decls::collect(&c.stdlib, &c.files, &mut Vec::new());
        let mut found = 0;
        let risk = time(200, || {
            let principals = engc::access::effective(&d, model);
            found = engc::access::risk::findings(&principals).len();
        });
        let dead = time(50, || {
            let mut diags = Vec::new();
            engc::check::aws_dead::check(&d, &mut diags);
        });
        let whole = time(30, || {
            engc::compile_str(&format!("{name}.eng"), &text, &options);
        });
        println!(
            "{name:<11} risk analysis: {:>9} ({found} findings)   dead grants: {:>9}   whole check: {:>9}",
            ms(risk),
            ms(dead),
            ms(whole)
        );
        if name == "chalk" {
            chalk_risk = risk;
        }
    }
    assert!(
        chalk_risk < Duration::from_millis(1),
        "the risk analysis of the Chalk example takes {} (the budget is 1 ms)",
        ms(chalk_risk)
    );
}
