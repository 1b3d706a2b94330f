//! `engc check FILE...`

use super::{output, CommonArgs};

pub fn run(args: &CommonArgs) -> i32 {
    match output::compile(args) {
        Ok(c) => output::report(args, &c, "check"),
        Err(code) => code,
    }
}
