//! `engc build -o DIR` never loses the user's data: what DIR may be, symbolic links,
//! concurrent builds, builds killed at any moment, and full or read-only file systems.
//! (Every failing step of the swap is injected in `cli::publish`'s unit tests.)

use crate::common;

use common::{engc_in, example, stderr, tree};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// `engc build INPUT -o OUT` in `dir`.
fn build(dir: &Path, input: &str, out: &str) -> Output {
    engc_in(dir, &["build", input, "-o", out])
}

#[test]
fn a_folder_with_a_foreign_manifest_is_never_replaced() {
    // The reported case: a project folder holding `src/`, the `.eng` file and some
    // other tool's `manifest.json` was replaced whole, and both were gone.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("src")).unwrap();
    std::fs::write(data.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(data.join("manifest.json"), "{\"name\": \"my-npm-thing\"}\n").unwrap();
    let before = tree(&data);
    let o = build(dir.path(), &example("quickstart"), "data");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not an engc output folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&data), before);
}

#[test]
fn a_folder_holding_an_input_or_the_current_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::copy(example("quickstart"), project.join("shop.eng")).unwrap();
    let before = tree(dir.path());
    for out in [".", "..", "../project", &project.display().to_string()] {
        let o = build(&project, "shop.eng", out);
        assert_eq!(o.status.code(), Some(2), "-o {out}");
        let err = stderr(&o);
        assert!(
            err.contains("holds the input") || err.contains("is the current folder"),
            "-o {out}: {err}"
        );
        assert!(
            !err.contains("no problems"),
            "no summary before the error: {err}"
        );
    }
    // Even an engc folder is refused when the input is inside it.
    let out = dir.path().join("out");
    assert_eq!(
        build(dir.path(), &example("quickstart"), "out")
            .status
            .code(),
        Some(0)
    );
    std::fs::copy(example("quickstart"), out.join("shop.eng")).unwrap();
    let o = build(
        dir.path(),
        &out.join("shop.eng").display().to_string(),
        "out",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(out.join("shop.eng").exists());
    assert_eq!(
        tree(&project),
        before
            .iter()
            .filter_map(|(p, c)| p
                .strip_prefix("project")
                .ok()
                .map(|p| (p.to_path_buf(), c.clone())))
            .collect::<Vec<_>>()
    );
}

#[test]
fn files_engc_did_not_write_are_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(
        build(dir.path(), &example("chalk"), "out").status.code(),
        Some(0)
    );
    // Files of an earlier build that the next one does not write go: engc wrote them.
    assert_eq!(
        build(dir.path(), &example("iomete"), "out").status.code(),
        Some(0)
    );
    assert!(!out.join("k8s").exists(), "Chalk's Kubernetes files went");
    // A file someone put there is kept, and the build says why it stops.
    std::fs::write(out.join("aws/notes.txt"), "mine").unwrap();
    let before = tree(&out);
    let o = build(dir.path(), &example("chalk"), "out");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds `aws/notes.txt`, which its manifest does not list"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&out), before);
    // A manifest from a newer engc's format, or edited to say another tool wrote it.
    std::fs::remove_file(out.join("aws/notes.txt")).unwrap();
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    std::fs::write(
        out.join("manifest.json"),
        manifest.replace("\"generator\": \"engc\"", "\"generator\": \"other\""),
    )
    .unwrap();
    assert_eq!(
        build(dir.path(), &example("chalk"), "out").status.code(),
        Some(2)
    );
    std::fs::write(
        out.join("manifest.json"),
        manifest.replace("\"format\": 1", "\"format\": 99"),
    )
    .unwrap();
    assert_eq!(
        build(dir.path(), &example("chalk"), "out").status.code(),
        Some(2)
    );
    // An empty folder is fine.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(
        build(dir.path(), &example("chalk"), "empty").status.code(),
        Some(0)
    );
}

#[test]
fn an_output_link_updates_the_folder_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    assert_eq!(
        build(dir.path(), &example("chalk"), "real").status.code(),
        Some(0)
    );
    std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
    let o = build(dir.path(), &example("iomete"), "link");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let link = std::fs::symlink_metadata(dir.path().join("link")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let manifest = std::fs::read_to_string(real.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"deployment\": \"iomete\""),
        "the target was updated"
    );
    // A link to nothing is refused, and stays.
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling")).unwrap();
    let o = build(dir.path(), &example("chalk"), "dangling");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("which does not exist"),
        "{}",
        stderr(&o)
    );
    assert!(std::fs::symlink_metadata(dir.path().join("dangling")).is_ok());
}

/// Leftovers beside `out`: only the output and the lock file may stay.
fn beside(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn concurrent_builds_into_one_folder_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = ["chalk", "iomete", "aichor", "quickstart"];
    let children: Vec<_> = (0..8)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_engc"))
                .args(["build", &example(inputs[i % 4]), "-o", "out"])
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(beside(dir.path()), [".out.engc-lock", "out"]);
    // Whole: the folder is exactly one deployment's build.
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap();
    let name = inputs
        .iter()
        .find(|n| {
            manifest.contains(&format!(
                "\"deployment\": \"{}\"",
                if **n == "quickstart" { "shop" } else { n }
            ))
        })
        .expect("a known deployment");
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(
        build(fresh.path(), &example(name), "out").status.code(),
        Some(0)
    );
    assert_eq!(
        tree(&dir.path().join("out")),
        tree(&fresh.path().join("out"))
    );
}

/// `kill -9` at random moments of rebuilds (1 in 600 left no folder before the swap
/// became one exchange). After each kill the folder is whole, old or new; the next
/// build removes what the killed one left.
#[test]
fn builds_killed_at_any_moment_leave_a_whole_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let fresh = tempfile::tempdir().unwrap();
    let mut whole = Vec::new();
    for name in ["chalk", "iomete"] {
        let o = build(fresh.path(), &example(name), name);
        assert_eq!(o.status.code(), Some(0));
        whole.push(tree(&fresh.path().join(name)));
    }
    // Spread the kills over a whole build, whatever this machine's speed.
    let started = std::time::Instant::now();
    assert_eq!(
        build(dir.path(), &example("chalk"), "out").status.code(),
        Some(0)
    );
    let span = started.elapsed().as_micros() as u64 * 5 / 4 + 1;
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    let mut left_behind = 0;
    for i in 0..120 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % span);
        let mut child = Command::new(env!("CARGO_BIN_EXE_engc"))
            .args(["build", &example(["chalk", "iomete"][i % 2]), "-o", "out"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&out);
        assert!(
            whole.contains(&now),
            "kill {i} after {delay:?} left a partial folder"
        );
        left_behind += beside(dir.path()).len().saturating_sub(2);
    }
    // The next build cleans every leftover.
    assert_eq!(
        build(dir.path(), &example("chalk"), "out").status.code(),
        Some(0)
    );
    assert_eq!(beside(dir.path()), [".out.engc-lock", "out"]);
    eprintln!("{left_behind} leftovers were removed by later builds");
}

/// A full and a read-only file system (tmpfs in a private mount namespace, as root):
/// the build fails with a clear message, and the existing folder stays as it was.
#[test]
fn full_and_read_only_file_systems_keep_the_old_folder() {
    let root = unsafe { libc::geteuid() } == 0;
    let unshare = Command::new("unshare")
        .args(["-m", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !root || !unshare {
        eprintln!("skipped: needs root and unshare (CI has both)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        r#"set -e
d='{d}'
mkdir -p "$d/fs"
mount -t tmpfs -o size=160k tmpfs "$d/fs"
cd "$d/fs"
'{engc}' build '{chalk}' -o out >/dev/null 2>&1
cp -r out "$d/before"
dd if=/dev/zero of=fill bs=1k count=100000 2>/dev/null || true
set +e
'{engc}' build '{iomete}' -o out 2>>"$d/err.txt"; echo "full=$?" >>"$d/result.txt"
rm -f fill
diff -r "$d/before" out >/dev/null && echo kept=yes >>"$d/result.txt"
ls -a >>"$d/result.txt"
cd "$d"
mount -o remount,ro "$d/fs"
cd "$d/fs"
'{engc}' build '{iomete}' -o out 2>>"$d/err.txt"; echo "ro=$?" >>"$d/result.txt"
diff -r "$d/before" out >/dev/null && echo kept_ro=yes >>"$d/result.txt"
cat "$d/result.txt" "$d/err.txt"
"#,
        d = dir.path().display(),
        engc = env!("CARGO_BIN_EXE_engc"),
        chalk = example("chalk"),
        iomete = example("iomete"),
    );
    let o = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("full=2"), "{out}\n{}", stderr(&o));
    assert!(out.contains("kept=yes"), "{out}");
    assert!(out.contains("ro=2"), "{out}");
    assert!(out.contains("kept_ro=yes"), "{out}");
    assert!(out.contains("no space left"), "{out}");
    assert!(out.contains("read-only file system"), "{out}");
    assert!(!out.contains("no problems"), "{out}");
    assert!(
        !out.lines().any(|l| l.starts_with(".out.engc-new-")),
        "the failed build removed its staging folder: {out}"
    );
}
