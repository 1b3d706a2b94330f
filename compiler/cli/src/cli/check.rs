//! `engc check FILE...`

use super::{output, CommonArgs};

pub fn run(args: &CommonArgs) -> i32 {
    let all = engc_core::backend::Target::ALL.into_iter().collect();
    // Every document is looked through for placeholders; none is kept.
    let args = &CommonArgs {
        only_placeholders: true,
        ..args.clone()
    };
    match output::compile(args, all) {
        Ok(c) => output::report(args, &c, "check"),
        Err(code) => code,
    }
}
