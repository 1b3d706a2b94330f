//! `engc build FILE --customers FILE.json -o DIR`: the source is checked once, then
//! each customer's values are checked where they land and its documents written to
//! DIR/<customer>/, each folder published by the same rules as a single build
//! ([`publish`]). A customer whose values fail writes nothing; the others are written.

use super::{output, publish, CommonArgs, Format, EXIT_INPUT, EXIT_OK, EXIT_USAGE};
use engc_core::backend::Target;
use engc_core::pipeline::Customer;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A customer's name is a folder name: `[A-Za-z0-9._-]+`, not `.` or `..`.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The customers of `file`, sorted by name. Errors are one line (exit 2).
pub fn read_customers(file: &Path) -> Result<Vec<Customer>, String> {
    let bytes = output::read_regular(file)?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("`{}` is not UTF-8 text", file.display()))?;
    let map: BTreeMap<String, BTreeMap<String, serde_yaml::Value>> = serde_yaml::from_str(&text)
        .map_err(|e| {
            format!(
                "`{}` is not a JSON or YAML map of customer names to maps of parameter values: {e}",
                file.display()
            )
        })?;
    if map.is_empty() {
        return Err(format!("`{}` names no customer", file.display()));
    }
    let mut customers = Vec::new();
    for (name, values) in map {
        if !safe_name(&name) {
            return Err(format!(
                "`{}`: `{}` cannot be a customer's name: it names a folder, so letters, digits, `.`, `_` and `-` only (not `.` or `..`)",
                file.display(),
                name.escape_debug()
            ));
        }
        let source = format!("`{}` (customer `{name}`)", file.display());
        let values = output::value_map(values, &source)?;
        customers.push(Customer {
            name,
            set_from: values
                .iter()
                .map(|(k, _)| (k.clone(), source.clone()))
                .collect(),
            set: values.into_iter().collect(),
        });
    }
    Ok(customers)
}

pub fn run(args: &CommonArgs, targets: BTreeSet<Target>, file: &Path, out: &Path) -> i32 {
    let customers = match read_customers(file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let (c, per_customer) = match output::compile_batch(args, targets, &customers) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let counts = output::print_diagnostics(args, &c);
    if counts.errors > 0 || c.model.is_none() {
        output::summary(args, "build", counts, None);
        return EXIT_INPUT;
    }
    let inputs: Vec<PathBuf> = c
        .sources
        .files()
        .filter_map(|(_, f)| f.path.clone())
        .collect();
    let mut code = EXIT_OK;
    let mut written = 0;
    for (customer, checked) in customers.iter().zip(&per_customer) {
        if args.format == Format::Human {
            eprintln!("customer `{}`:", customer.name);
        }
        let counts = output::print_list(args, &c.sources, &checked.diagnostics);
        let what = format!("build `{}`", customer.name);
        if counts.errors > 0 || checked.model.is_none() {
            output::summary(args, &what, counts, Some("nothing written"));
            code = code.max(EXIT_INPUT);
            continue;
        }
        let dir = out.join(&customer.name);
        match publish::publish(&dir, &checked.outputs, &inputs, &publish::RealFs) {
            Ok(()) => {
                written += 1;
                let wrote = format!("wrote {} files to {}", checked.outputs.len(), dir.display());
                output::summary(args, &what, counts, Some(&wrote));
            }
            Err(msg) => {
                eprintln!("error: {msg}");
                code = EXIT_USAGE;
            }
        }
    }
    if args.format == Format::Human {
        eprintln!(
            "build: {written} of {} customers written to {}",
            customers.len(),
            out.display()
        );
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_names_are_folder_names() {
        for ok in ["acme", "Acme-2", "a.b_c", "x.."] {
            assert!(safe_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "../x", "a b", "é", "a\\b", "a:b"] {
            assert!(!safe_name(bad), "{bad}");
        }
    }
}
