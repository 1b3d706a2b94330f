//! The rows of the speed table (README, "Speed"): whole `engc` processes, as a user
//! runs them, with their CPU time (user + system) and peak memory.
//!
//! `cargo bench --bench scale` prints, for the release build, the median CPU time and
//! the largest resident set of:
//! - `engc build` of the Chalk and IOMETE examples (every target);
//! - `engc check` of a minimal file, beside a process that does nothing (`true`);
//! - `engc check` and `engc build` of 10,000 access levels (generated here);
//! - `engc check` of 99,999 overlapping subnets, every diagnostic written in the human
//!   format to a file.
//!
//! It prints figures only: timings belong here, not in tests.

#[path = "../tests/common/generate.rs"]
mod generate;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// One finished process: CPU time and peak resident set.
struct Run {
    cpu: Duration,
    rss_kib: u64,
}

/// Runs `cmd` to completion, stderr to `stderr` (or nowhere), and reads its own usage
/// with `wait4` (not the sum over every child so far).
#[allow(clippy::zombie_processes)] // reaped by wait4 below
fn run(cmd: &mut Command, stderr: Option<&Path>) -> Run {
    let err = match stderr {
        Some(p) => Stdio::from(File::create(p).unwrap()),
        None => Stdio::null(),
    };
    let child = cmd.stdout(Stdio::null()).stderr(err).spawn().unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss_kib: usage.ru_maxrss as u64,
    }
}

/// Median CPU time and largest RSS of `n` runs.
fn measure(n: usize, mut f: impl FnMut() -> Run) -> (Duration, u64) {
    let mut runs: Vec<Run> = (0..n).map(|_| f()).collect();
    runs.sort_by_key(|r| r.cpu);
    let rss = runs.iter().map(|r| r.rss_kib).max().unwrap_or(0);
    (runs[runs.len() / 2].cpu, rss)
}

fn row(what: &str, (cpu, rss): (Duration, u64)) {
    println!(
        "| {what} | {:.1} ms | {:.1} MiB |",
        cpu.as_secs_f64() * 1000.0,
        rss as f64 / 1024.0
    );
}

/// 10,000 principals, each with one scoped access level, as `tests/robustness.rs`
/// checks them.
fn ten_thousand_levels() -> String {
    let header =
        "deployment big {\n  clouds aws, gcp, azure\n  managed_tag \"big/managed\" = \"true\"\n  \
                  name_prefix \"big\"\n  param external_id, client_id\n}\n\nstore data: bucket\n\n";
    format!("{header}{}", generate::access_levels(10_000))
}

/// 99,999 pairs of subnets on the same /28 (the second of each pair overlaps the
/// first): 99,999 E0204 errors, and one E0207 (the pairs need a /8, wider than AWS
/// allows; in a /16 the /28s would repeat, and each block would overlap more).
fn overlaps() -> String {
    let mut text =
        String::from("deployment x {\n  clouds aws\n}\n\nnetwork big {\n  cidr 10.0.0.0/8\n");
    for i in 0..99_999u32 {
        let ip = std::net::Ipv4Addr::from(0x0a00_0000 + i * 16);
        text.push_str(&format!("  subnet a{i} {ip}/28\n  subnet b{i} {ip}/28\n"));
    }
    text.push_str("}\n");
    text
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let engc = env!("CARGO_BIN_EXE_engc");
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let out = dir.path().join("out");
    let build = |input: &Path| {
        let out = out.clone();
        let input = input.to_path_buf();
        move || {
            run(
                Command::new(engc)
                    .arg("build")
                    .arg(&input)
                    .arg("-o")
                    .arg(&out),
                None,
            )
        }
    };
    let check = |input: &Path| {
        let input = input.to_path_buf();
        move || run(Command::new(engc).arg("check").arg(&input), None)
    };

    println!("| work | CPU (median) | peak RSS |");
    println!("|---|---|---|");
    for name in ["chalk", "iomete"] {
        let path = root.join("examples").join(format!("{name}.eng"));
        row(&format!("`engc build` {name}"), measure(21, build(&path)));
    }
    let minimal = write("minimal.eng", "deployment x {\n  clouds aws\n}\n");
    row("`engc check` minimal file", measure(41, check(&minimal)));
    row(
        "a process that does nothing (`true`)",
        measure(41, || run(&mut Command::new("true"), None)),
    );
    let big = write("levels.eng", &ten_thousand_levels());
    row("`engc check` 10,000 access levels", measure(3, check(&big)));
    row("`engc build` 10,000 access levels", measure(3, build(&big)));
    let ov = write("overlaps.eng", &overlaps());
    let report = dir.path().join("overlaps.txt");
    row(
        "`engc check` 99,999 overlap errors, human format to a file",
        measure(3, || {
            run(
                Command::new(engc)
                    .args(["check", "--max-diagnostics", "0", "--color", "never"])
                    .arg(&ov),
                Some(&report),
            )
        }),
    );
}
