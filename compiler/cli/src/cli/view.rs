//! What `engc graph` and `engc report` share: read and check the deployment, render one
//! text from the checked compilation, and print it or write it whole to a file
//! (written only when the input has no error; an existing file is left as it was).

use super::{output, ColorWhen, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use engc_core::{Compilation, Options};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The source options of a command that reads a deployment.
#[derive(clap::Args)]
pub struct SourceArgs {
    /// The .eng files (files they `use` are read too).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Set a parameter: `--set region=us-east-1` (repeatable; overrides `--set-file`).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = super::parse_set)]
    pub set: Vec<(String, String)>,
    /// Parameters from a JSON or YAML map of names to strings (repeatable).
    #[arg(long = "set-file", value_name = "FILE")]
    pub set_files: Vec<PathBuf>,
    /// The folder `use` may read files below (default: each input's own folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// When to colour the diagnostics printed on stderr.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

impl SourceArgs {
    /// The options of `engc check` these stand for (human diagnostics).
    pub fn common(&self) -> CommonArgs {
        CommonArgs {
            files: self.files.clone(),
            format: Format::Human,
            color: self.color,
            max_diagnostics: 200,
            set: self.set.clone(),
            set_files: self.set_files.clone(),
            strict: false,
            root: self.root.clone(),
            minimize: false,
            catalogs: Vec::new(),
            only_placeholders: false,
        }
    }
}

/// Checks the source, renders `what` (`graph`, `report`) with `render`, and prints it
/// or writes it whole to `out`. Exit 1 (nothing written) when the source has errors,
/// 2 when the text cannot be written.
pub fn run(
    source: &SourceArgs,
    out: Option<&Path>,
    what: &str,
    render: impl FnOnce(&Compilation, &Options) -> Option<String>,
) -> i32 {
    let common = source.common();
    // No documents are asked for: the text is drawn from the checked model.
    let (c, options) = match output::compile_with_options(&common, Default::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let counts = output::print_diagnostics(&common, &c);
    let Some(text) = (counts.errors == 0).then(|| render(&c, &options)).flatten() else {
        output::summary(&common, what, counts, Some("nothing written"));
        return EXIT_INPUT;
    };
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
        {
            eprintln!("error: writing the {what}: {e}");
            return EXIT_USAGE;
        }
        if counts.warnings > 0 {
            output::summary(&common, what, counts, None);
        }
        return EXIT_OK;
    };
    match write_whole(path, &text) {
        Ok(()) => {
            let wrote = format!("wrote {}", path.display());
            output::summary(&common, what, counts, Some(&wrote));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            EXIT_USAGE
        }
    }
}

/// Writes `text` beside `path`, then renames it over `path`: the file is the old one
/// or the new one, never half of either.
pub(super) fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".engc-new-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
