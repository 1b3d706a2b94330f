//! `engc fmt [--check] FILE...`: rewrites files in the canonical layout (the
//! formatter of `engc_ide::format`, which reads tokens, so files with syntax errors are
//! formatted too). `-` formats stdin to stdout.

use super::{EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct FmtArgs {
    /// The .eng files to format in place (`-`: read stdin, write stdout).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write nothing; list the files that are not formatted (with the first lines that
    /// would change) and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

pub fn run(args: &FmtArgs) -> i32 {
    let mut code = EXIT_OK;
    for path in &args.files {
        let done = if path.as_os_str() == "-" {
            stdin(args.check)
        } else {
            file(path, args.check)
        };
        match done {
            Ok(true) => {}
            Ok(false) => code = code.max(EXIT_INPUT),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                code = EXIT_USAGE;
            }
        }
    }
    code
}

/// Formats one file; `Ok(false)` when `--check` finds it unformatted.
fn file(path: &Path, check: bool) -> std::io::Result<bool> {
    let bytes = std::fs::read(path)?;
    let text = String::from_utf8(bytes).map_err(|_| invalid("not UTF-8 text"))?;
    let out = engc_ide::format::format(&text);
    if out == text {
        return Ok(true);
    }
    if check {
        println!("{} is not formatted:", path.display());
        print!("{}", diff(&text, &out, 3));
        return Ok(false);
    }
    write_atomically(path, &out)?;
    Ok(true)
}

fn stdin(check: bool) -> std::io::Result<bool> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let out = engc_ide::format::format(&text);
    if check {
        if out != text {
            println!("<stdin> is not formatted:");
            print!("{}", diff(&text, &out, 3));
        }
        return Ok(out == text);
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(true)
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what)
}

/// Writes a temporary file beside `path` and renames it over `path`, so a reader never
/// sees half a file; the file's permissions are kept.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| invalid("not a file"))?;
    let tmp = dir.join(format!(
        ".{}.engc-fmt-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        std::fs::write(&tmp, text)?;
        std::fs::set_permissions(&tmp, std::fs::metadata(path)?.permissions())?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The changed lines of `old` against `new`, unified-style (`-` old, `+` new), one hunk
/// from the first to the last changed line, with `context` lines around it.
fn diff(old: &str, new: &str, context: usize) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_end, b_end) = (a.len() - tail, b.len() - tail);
    let from = head.saturating_sub(context);
    let (a_to, b_to) = (
        (a_end + context).min(a.len()),
        (b_end + context).min(b.len()),
    );
    let mut out = format!(
        "@@ -{},{} +{},{} @@\n",
        from + 1,
        a_to - from,
        from + 1,
        b_to - from
    );
    for l in &a[from..head] {
        out.push_str(&format!(" {l}\n"));
    }
    for l in &a[head..a_end] {
        out.push_str(&format!("-{l}\n"));
    }
    for l in &b[head..b_end] {
        out.push_str(&format!("+{l}\n"));
    }
    for l in &a[a_end..a_to] {
        out.push_str(&format!(" {l}\n"));
    }
    if head == a.len() && head == b.len() {
        // Only the line ends differ.
        out.push_str("(line ends or the final newline)\n");
    }
    out
}
