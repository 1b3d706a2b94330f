//! A batch build (`engc build --customers`): what each further customer costs beyond
//! the one check of the source, file writing aside.
//!
//! `cargo bench --bench customers` builds the Chalk example for 1 and for 201
//! customers in process (each with its own external id, namespace, log group, region
//! and account), every target, and prints the median time of each and the cost per
//! further customer: (t(201) - t(1)) / 200. It fails when that is 1 ms or more.

use engc::backend::Target;
use engc::pipeline::Customer;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn customers(n: usize) -> Vec<Customer> {
    (0..n)
        .map(|i| {
            let set = [
                ("external_id", format!("customer-{i:04}")),
                ("namespace", format!("ns-{i}")),
                ("log_group", format!("/c{i}/engine")),
                ("region", "eu-west-1".to_string()),
                (
                    "account_id",
                    format!("{:012}", 100_000_000_000u64 + i as u64),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            Customer {
                name: format!("c{i}"),
                set,
                set_from: Default::default(),
            }
        })
        .collect()
}

fn build(text: &str, customers: &[Customer]) -> Duration {
    let options = engc::Options {
        outputs: Some(Target::ALL.into_iter().collect::<BTreeSet<_>>()),
        unset: customers
            .iter()
            .flat_map(|c| c.set.keys().cloned())
            .collect(),
        ..engc::Options::default()
    };
    let t = Instant::now();
    let (c, per) = engc::compile_batch(
        vec![engc::Input {
            name: "chalk.eng".into(),
            path: None,
            bytes: text.as_bytes().to_vec(),
        }],
        &engc::loader::DiskLoader,
        &options,
        customers,
    );
    let elapsed = t.elapsed();
    assert!(!c.has_errors());
    assert_eq!(per.len(), customers.len());
    assert!(per
        .iter()
        .all(|p| p.model.is_some() && !p.outputs.is_empty()));
    elapsed
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chalk.eng");
    let text = std::fs::read_to_string(path).unwrap();
    let (one, many) = (customers(1), customers(201));
    build(&text, &many); // warm the catalogs
    let t1 = median((0..15).map(|_| build(&text, &one)).collect());
    let tn = median((0..7).map(|_| build(&text, &many)).collect());
    let per = (tn.saturating_sub(t1)) / 200;
    println!(
        "chalk, every target: 1 customer {:.2} ms, 201 customers {:.2} ms: {:.3} ms per further customer",
        t1.as_secs_f64() * 1000.0,
        tn.as_secs_f64() * 1000.0,
        per.as_secs_f64() * 1000.0
    );
    assert!(
        per < Duration::from_millis(1),
        "each further customer should cost under 1 ms"
    );
}
