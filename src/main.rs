//! The provlog binary: an adapter from the process to `provlog::run`.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(provlog::run(std::env::args_os().collect()))
}
