//! `provlog completions SHELL`: the completion script clap generates from the command line.

use anyhow::Result;
use clap_complete::Shell;

use super::Context;
use crate::cli::Cli;
use crate::error::Exit;

pub fn run(shell: Shell, ctx: &mut Context) -> Result<Exit> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "provlog", ctx.out);
    Ok(Exit::Ok)
}
