//! `provlog fetch`: the flags turned into a fetch (`crate::fetch`), run into the output.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::Result;

use crate::cli::FetchArgs;
use crate::error::Exit;
use crate::output::Output;

pub fn run(
    args: &FetchArgs,
    output: Option<&Path>,
    out: Output,
    err: &mut dyn Write,
) -> Result<Exit> {
    let cfg = crate::fetch::Config::from_args(
        args,
        output,
        chrono::Utc::now(),
        |k| std::env::var(k).ok(),
        io::stdin().is_terminal(),
    )?;
    crate::fetch::run(cfg, out, err)
}
