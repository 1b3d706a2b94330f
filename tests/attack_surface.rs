//! engc's own attack surface: what a `.eng` file from an untrusted author can make it
//! read. `use` reads only `.eng` files below the checked file's folder (or `--root`),
//! symbolic links resolved first, in the command line and the language server alike;
//! a refused path is never read, so its content can never reach a diagnostic.

use crate::common;

use common::{engc, engc_in, json_codes, stderr, write};
use std::path::Path;

const SECRET: &str = "AKIA-SECRET-MARKER";

/// A project folder beside a folder holding a secret `.eng` file.
fn layout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("project")).unwrap();
    std::fs::create_dir_all(dir.path().join("secret")).unwrap();
    // Not valid .eng: were it read, the syntax error would show this line.
    write(
        &dir.path().join("secret"),
        "creds.eng",
        format!("aws_secret_access_key = {SECRET}\n").as_bytes(),
    );
    dir
}

fn main_using(dir: &Path, target: &str) -> String {
    write(
        &dir.join("project"),
        "main.eng",
        format!("use \"{target}\"\ndeployment d {{\n  clouds aws\n}}\n").as_bytes(),
    )
}

#[test]
fn use_never_reads_a_file_that_is_not_eng() {
    let dir = layout();
    let main = main_using(dir.path(), "/etc/passwd");
    let o = engc(&["check", &main]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[E0002]: `use` reads only `.eng` files, not `/etc/passwd`"),
        "{err}"
    );
    assert!(!err.contains("root:"), "{err}");
    let o = engc(&["check", &main, "--format", "json"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("root:"));
}

#[test]
fn use_never_reads_outside_the_folder() {
    let dir = layout();
    for target in [
        "../secret/creds.eng",
        &dir.path().join("secret/creds.eng").display().to_string(),
        "../project/../secret/./creds.eng",
    ] {
        let main = main_using(dir.path(), target);
        let o = engc(&["check", &main]);
        assert_eq!(o.status.code(), Some(1), "{target}");
        let err = stderr(&o);
        assert!(err.contains("is outside"), "{target}: {err}");
        assert!(err.contains("the folder `use` may read"), "{err}");
        assert!(!err.contains(SECRET), "{target}: {err}");
    }
}

#[test]
fn a_link_inside_the_folder_to_a_file_outside_is_refused() {
    let dir = layout();
    std::os::unix::fs::symlink(
        dir.path().join("secret/creds.eng"),
        dir.path().join("project/shared.eng"),
    )
    .unwrap();
    let main = main_using(dir.path(), "shared.eng");
    let o = engc(&["check", &main]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("`shared.eng` is outside"), "{err}");
    assert!(err.contains("resolves to"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
}

#[test]
fn root_widens_the_folder_on_purpose() {
    let dir = layout();
    let main = main_using(dir.path(), "../secret/creds.eng");
    // With the parent as the root the file is read (and its syntax error shown).
    let o = engc(&["check", &main, "--root", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(SECRET), "{}", stderr(&o));
    // A root that is not a folder is a usage error.
    let o = engc(&["check", &main, "--root", "/no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    // Files below the folder are read as ever.
    write(
        &dir.path().join("project"),
        "net.eng",
        b"network n {\n  cidr 10.0.0.0/16\n}\n",
    );
    let main = main_using(dir.path(), "net.eng");
    let o = engc_in(&dir.path().join("project"), &["check", "main.eng"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(Path::new(&main).exists());
}

#[test]
fn use_graphs_with_cycles_and_fan_out_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let n = 150;
    for i in 0..n {
        let uses: String = (0..n).map(|j| format!("use \"f{j}.eng\"\n")).collect();
        write(
            dir.path(),
            &format!("f{i}.eng"),
            format!("{uses}store s{i}: bucket\n").as_bytes(),
        );
    }
    write(
        dir.path(),
        "main.eng",
        b"use \"f0.eng\"\ndeployment d {\n  clouds aws\n}\n",
    );
    let start = std::time::Instant::now();
    let o = engc_in(dir.path(), &["check", "main.eng", "--format", "json"]);
    assert!(start.elapsed().as_secs() < 20);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Each store once: W0113 (never used) per store, no duplicate-name errors.
    let codes = json_codes(&v);
    assert!(!codes.contains(&"E0102"), "{codes:?}");
}
