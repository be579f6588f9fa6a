//! provlog: reads identity-provisioning log exports and explains every failure.
//!
//! The data flows one way: `cli` → `config` → `input` (one reader per shape) → `event` →
//! `classify` (with `catalog` and `reason`) → `report` → `render`; `cmd` holds one
//! orchestrating `run` per command, and this file builds their shared `cmd::Context`.
//! The standard streams are reached in few places: stdout through `output` (or the `-o`
//! file), stdin through `input` (a `-` input) and `cmd::stdin` (pasted messages), stderr
//! here, in `error` (the panic hook) and in `interrupt`.

pub mod attribute;
pub mod catalog;
pub mod classify;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod cycles;
pub mod diff;
pub mod error;
pub mod event;
pub mod fetch;
pub mod i18n;
pub mod input;
pub mod interrupt;
pub mod layers;
pub mod output;
pub mod platform;
pub mod reason;
pub mod redact;
pub mod render;
pub mod report;
pub mod template;
pub mod time;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};

use anyhow::{Context, Result};
use clap::Parser;

use crate::catalog::Catalog;
use crate::cli::{Cli, ColorArg, Command, LangArg, TableStyleArg};
use crate::error::{Exit, is_broken_pipe};
use crate::i18n::Lang;
use crate::render::Style;

/// Runs provlog with these arguments and returns the exit status.
pub fn run(args: Vec<OsString>) -> u8 {
    interrupt::install();
    error::install_panic_hook();
    if args.len() == 2 && (args[1] == "--version" || args[1] == "-V") {
        return print_version();
    }
    let args = cli::join_redact_value(cli::with_default_command(args, io::stdin().is_terminal()));
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            // --help and --version are not errors.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let result = dispatch(cli, &mut err);
    // Interrupted late (while rendering), the run still ends as interrupted, and quietly.
    if interrupt::requested() {
        return Exit::Interrupted.code();
    }
    match result {
        Ok(exit) => exit.code(),
        Err(e) if is_broken_pipe(&e) => Exit::Ok.code(),
        Err(e) => {
            let line = format!("provlog: {}\n", one_line_error(&e));
            let _ = err.write_all(line.as_bytes());
            Exit::Error.code()
        }
    }
}

/// `provlog --version`: the version and the built-in catalog's version and size.
fn print_version() -> u8 {
    let line = match Catalog::load(&[]) {
        Ok(c) => format!(
            "provlog {} (catalog {}, {} entries)",
            env!("CARGO_PKG_VERSION"),
            c.version,
            c.entries.len()
        ),
        Err(_) => format!("provlog {}", env!("CARGO_PKG_VERSION")),
    };
    match writeln!(io::stdout(), "{line}") {
        Ok(()) => Exit::Ok.code(),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Exit::Ok.code(),
        Err(_) => Exit::Error.code(),
    }
}

/// `{:#}` joins the chain with ": "; newlines inside any part are flattened so that the
/// error stays on one line, and control characters (a file name, a catalog value) are
/// shown visibly.
fn one_line_error(e: &anyhow::Error) -> String {
    render::one_line(&format!("{e:#}"))
}

fn lang_of(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Ja) => Lang::Ja,
        None => platform::default_lang(),
    }
}

fn color_of(arg: ColorArg, tty: bool) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn ascii_of(arg: TableStyleArg, tty: bool) -> bool {
    match arg {
        TableStyleArg::Unicode => false,
        TableStyleArg::Ascii => true,
        TableStyleArg::Auto => platform::ascii_tables_here(tty),
    }
}

fn load_catalog(files: &[std::path::PathBuf]) -> Result<Catalog> {
    let mut extra = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f)
            .with_context(|| format!("{}: cannot read the catalog file", f.display()))?;
        extra.push((f.display().to_string(), text));
    }
    Catalog::load(&extra)
}

fn dispatch(cli: Cli, err: &mut dyn Write) -> Result<Exit> {
    let lang = lang_of(cli.global.lang);
    let mut out = output::Output::open(cli.global.output.as_deref())?;
    let tty = out.is_terminal();
    // Once, before anything is written: also lets an interrupted progress bar be erased.
    let vt = platform::enable_colour();
    let style = Style {
        lang,
        // A Windows console that cannot take escape sequences gets none, even when asked.
        color: color_of(cli.global.color, tty) && vt,
        ascii: ascii_of(cli.global.table_style, tty),
        width: if tty {
            comfy_table::Table::new().width()
        } else {
            None
        },
    };
    // fetch writes its file itself: a stopped fetch still leaves the pages it got.
    if let Command::Fetch(args) = &cli.command {
        return cmd::fetch::run(args, cli.global.output.as_deref(), out, err);
    }
    let catalog = load_catalog(&cli.global.catalog)?;
    let mut ctx = cmd::Context {
        catalog,
        style,
        out: &mut out,
        err,
        stdin_is_terminal: io::stdin().is_terminal(),
        stderr_is_terminal: io::stderr().is_terminal(),
    };
    let exit = match cli.command {
        Command::Analyze(args) => cmd::analyze::run(args, &mut ctx)?,
        Command::Show(args) => cmd::show::run(args, &mut ctx)?,
        Command::Explain(args) => cmd::explain::run(args, &mut ctx)?,
        Command::Diff(args) => cmd::diff::run(args, &mut ctx)?,
        Command::Completions { shell } => cmd::completions::run(shell, &mut ctx)?,
        Command::Man { command, dir } => cmd::man::run(&command, dir.as_deref(), &mut ctx)?,
        Command::Catalog(c) => cmd::catalog::run(c, &mut ctx)?,
        // Unreachable whatever the input: the `if let` above returns for every fetch; fetch
        // takes the output by value (it commits its file even when stopped), so it cannot
        // go through `ctx` like the others.
        Command::Fetch(_) => unreachable!("fetch returned above"),
    };
    // An interrupted report stays unwritten: the temporary file goes with `out`.
    if interrupt::requested() {
        return Ok(Exit::Interrupted);
    }
    out.finish()?;
    Ok(exit)
}
