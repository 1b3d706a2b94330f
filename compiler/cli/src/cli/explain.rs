//! `engc explain [CODE]`: what a diagnostic code means.

use super::{EXIT_OK, EXIT_USAGE};
use engc_core::diag::codes;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A code such as `E0301`; without one, every code is listed.
    code: Option<String>,
}

pub fn run(args: &ExplainArgs) -> i32 {
    match &args.code {
        None => {
            for c in codes::ALL {
                println!("{}  {}", c.code, c.summary);
            }
            EXIT_OK
        }
        Some(code) => match codes::lookup(&code.to_ascii_uppercase()) {
            Some(c) => {
                let sev = match c.severity {
                    engc_core::diag::Severity::Error => "error",
                    engc_core::diag::Severity::Warning => {
                        "warning (can be acknowledged with `ack CODE \"reason\"`)"
                    }
                    engc_core::diag::Severity::Note => "note",
                };
                println!("{}: {}\nseverity: {sev}", c.code, c.summary);
                EXIT_OK
            }
            None => {
                eprintln!(
                    "error: unknown diagnostic code `{code}` (run `engc explain` for the list)"
                );
                EXIT_USAGE
            }
        },
    }
}
