//! Start-up and check time: what an editor or CI pays per run.
//!
//! `cargo bench --bench startup` prints, for the release build:
//! - loading the AWS catalog index and looking up one action (cold, in a fresh process);
//! - checking each example in process (median of many runs, catalogs warm);
//! - `engc check` of each example as a whole process (median wall time).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = Instant::now();
    let cat = engc::catalog::aws::catalog();
    let index = t.elapsed();
    let _ = cat.action("s3:GetObject");
    let first_action = t.elapsed();
    println!(
        "aws catalog index: {}; plus first action (s3): {}",
        ms(index),
        ms(first_action)
    );

    for name in ["chalk", "iomete", "aichor", "quickstart"] {
        let path = root.join("examples").join(format!("{name}.eng"));
        let text = std::fs::read_to_string(&path).unwrap();
        let runs: Vec<Duration> = (0..30)
            .map(|_| {
                let t = Instant::now();
                let c = engc::compile_str(&format!("{name}.eng"), &text, &engc::Options::default());
                assert!(!c.has_errors());
                t.elapsed()
            })
            .collect();
        let process: Vec<Duration> = (0..15)
            .map(|_| {
                let t = Instant::now();
                let status = Command::new(env!("CARGO_BIN_EXE_engc"))
                    .arg("check")
                    .arg(&path)
                    .output()
                    .unwrap()
                    .status;
                assert!(status.success());
                t.elapsed()
            })
            .collect();
        println!(
            "{name:<11} check in process: {:>9}   `engc check` process: {:>9}",
            ms(median(runs)),
            ms(median(process))
        );
    }
}
