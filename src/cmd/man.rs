//! `provlog man`: the manual pages, one per command and subcommand.

use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Exit;

/// The command tree as the pages show it: built, so that a subcommand is named
/// `provlog-analyze` and its page lists the options it takes.
fn built() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// `provlog man`: every page into `dir`, or the page of one (sub)command to the output.
pub fn run(path: &[String], dir: Option<&Path>, ctx: &mut super::Context) -> Result<Exit> {
    let (w, err) = (&mut *ctx.out, &mut *ctx.err);
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
        clap_mangen::generate_to(built(), dir)
            .with_context(|| format!("{}: cannot write the pages", dir.display()))?;
        let pages = pages(&built());
        super::warn(
            err,
            format!("wrote {} pages to {}", pages.len(), dir.display()),
        );
        return Ok(Exit::Ok);
    }
    let mut cmd = built();
    for (i, name) in path.iter().enumerate() {
        let Some(sub) = cmd.find_subcommand(name).cloned() else {
            let known: Vec<String> = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name().to_owned())
                .collect();
            bail!(
                "man: no page for '{}' (the pages are for: {})",
                path[..=i].join(" "),
                known.join(", ")
            );
        };
        cmd = sub;
    }
    clap_mangen::Man::new(cmd).render(w)?;
    Ok(Exit::Ok)
}

/// The file names of every page, as `--dir` writes them.
pub fn pages(cmd: &clap::Command) -> Vec<String> {
    let mut out = vec![format!(
        "{}.1",
        cmd.get_display_name().unwrap_or(cmd.get_name())
    )];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out.extend(pages(sub));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_for_every_command_and_subcommand() {
        let pages = pages(&built());
        for want in [
            "provlog.1",
            "provlog-analyze.1",
            "provlog-show.1",
            "provlog-explain.1",
            "provlog-diff.1",
            "provlog-catalog.1",
            "provlog-catalog-draft.1",
            "provlog-man.1",
        ] {
            assert!(pages.iter().any(|p| p == want), "{want} in {pages:?}");
        }
        assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    }
}
