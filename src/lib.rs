//! provlog: reads identity-provisioning log exports and explains every failure.
//!
//! The data flows one way: `cli` → `config` → `input` (one reader per shape) → `event` →
//! `classify` (with `catalog` and `reason`) → `report` → `render`. Only this file and
//! `main.rs` touch the process's standard streams.

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

use crate::catalog::{Catalog, Lang};
use crate::cli::{CatalogCommand, Cli, ColorArg, Command, LangArg};
use crate::error::{Exit, is_broken_pipe};
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
        None => i18n::lang_from_env(|k| std::env::var(k).ok()),
    }
}

fn color_of(arg: ColorArg, tty: bool) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
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
    let style = Style {
        lang,
        color: color_of(cli.global.color, tty),
        width: if tty {
            comfy_table::Table::new().width()
        } else {
            None
        },
    };
    let catalog = load_catalog(&cli.global.catalog)?;
    let exit = match cli.command {
        Command::Analyze(args) => {
            if args.files.is_empty() && io::stdin().is_terminal() {
                let _ = writeln!(
                    err,
                    "provlog: no input given. Try: provlog analyze EXPORT.json (or pipe an export into provlog analyze -)"
                );
                return Ok(Exit::Error);
            }
            let mut cfg = config::AnalyzeConfig::from_args(&args, chrono::Utc::now())?;
            let mut inputs = Vec::new();
            let mut problems = Vec::new();
            let (expanded, notes) = input::expand_noting(&args.files);
            for note in notes {
                cmd::analyze::warn(err, note);
            }
            for item in expanded {
                match item {
                    Ok(i) => inputs.push(i),
                    Err(p) => problems.push(p),
                }
            }
            let bom = if args.no_bom {
                false
            } else {
                args.bom || lang == Lang::Ja
            };
            cmd::analyze::run(
                &mut cfg,
                &inputs,
                problems,
                &catalog,
                cmd::analyze::Output {
                    writer: &mut out,
                    format: args.format,
                    style,
                    bom,
                    progress: io::stderr().is_terminal(),
                    draft: None,
                },
                err,
            )?
        }
        Command::Show(args) => {
            let cfg = config::ShowConfig::from_args(&args)?;
            if cfg.inputs.is_empty() && io::stdin().is_terminal() {
                let _ = writeln!(
                    err,
                    "provlog: no input given. Try: provlog show CHANGE_ID EXPORT.json"
                );
                return Ok(Exit::Error);
            }
            let mut inputs = Vec::new();
            let mut problems = Vec::new();
            for item in input::expand(&cfg.inputs) {
                match item {
                    Ok(i) => inputs.push(i),
                    Err(p) => problems.push(p),
                }
            }
            cmd::show::run(
                &cfg,
                &inputs,
                problems,
                &catalog,
                cmd::show::Output {
                    writer: &mut out,
                    format: args.format,
                    style,
                },
                err,
            )?
        }
        Command::Explain(args) if args.csv.is_some() => {
            let opts = cmd::explain_csv::Options::from_args(&args, style)?;
            cmd::explain_csv::run(&catalog, &opts, &mut io::stdin().lock(), &mut out, err)?;
            Exit::Ok
        }
        Command::Explain(args) => {
            let format = cmd::explain::format_of(args.format.map(Into::into))?;
            let stdin = io::stdin();
            if args.text.is_empty() && stdin.is_terminal() {
                let _ = writeln!(
                    err,
                    "provlog: nothing to explain. Try: provlog explain \"<error code or message>\""
                );
                return Ok(Exit::Error);
            }
            let system = cmd::explain::system_of(args.system.as_deref())?;
            let messages = cmd::explain::messages(&args.text, &mut stdin.lock())?;
            cmd::explain::run(
                &catalog,
                &messages,
                classify::Context {
                    task: args.task.as_deref(),
                    system,
                    code: args.code.as_deref(),
                },
                format,
                lang,
                &mut out,
            )?
        }
        Command::Diff(args) => {
            let cfg = config::DiffConfig::from_args(&args)?;
            if cfg.reads_stdin() && io::stdin().is_terminal() {
                let _ = writeln!(
                    err,
                    "provlog: '-' reads an export from stdin, but stdin is a terminal. Try: provlog diff OLD.json NEW.json"
                );
                return Ok(Exit::Error);
            }
            let bom = if args.no_bom {
                false
            } else {
                args.bom || lang == Lang::Ja
            };
            cmd::diff::run(
                &cfg,
                &catalog,
                cmd::diff::Output {
                    writer: &mut out,
                    format: args.format.into(),
                    style,
                    bom,
                },
                err,
            )?
        }
        Command::Fetch(args) => {
            return cmd::fetch::run(&args, cli.global.output.as_deref(), out, err);
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "provlog", &mut out);
            Exit::Ok
        }
        Command::Man { command, dir } => cmd::man::run(&command, dir.as_deref(), &mut out, err)?,
        Command::Catalog(c) => {
            match c {
                CatalogCommand::List {
                    system,
                    category,
                    format,
                } => {
                    let (s, c) = cmd::catalog::parse_filters(&system, &category)?;
                    cmd::catalog::list(&catalog, &s, &c, format, style, &mut out)?;
                }
                CatalogCommand::Show { id, format } => {
                    cmd::catalog::show(&catalog, &id, format, lang, &mut out)?
                }
                CatalogCommand::Export { format } => {
                    cmd::catalog::export(&catalog, format, lang, &mut out)?
                }
                CatalogCommand::Draft {
                    files,
                    system,
                    min_count,
                } => {
                    let system =
                        cmd::explain::system_of(Some(&system))?.unwrap_or(catalog::System::Entra);
                    if files.iter().any(|f| f.as_os_str() == "-") && io::stdin().is_terminal() {
                        let _ = writeln!(
                            err,
                            "provlog: '-' reads an export from stdin, but stdin is a terminal. Try: provlog catalog draft EXPORT.json"
                        );
                        return Ok(Exit::Error);
                    }
                    let mut cfg = config::AnalyzeConfig::draft();
                    let mut inputs = Vec::new();
                    let mut problems = Vec::new();
                    for item in input::expand(&files) {
                        match item {
                            Ok(i) => inputs.push(i),
                            Err(p) => problems.push(p),
                        }
                    }
                    let sources = files.iter().map(|f| f.display().to_string()).collect();
                    let exit = cmd::analyze::run(
                        &mut cfg,
                        &inputs,
                        problems,
                        &catalog,
                        cmd::analyze::Output {
                            writer: &mut out,
                            format: cli::FormatArg::Table,
                            style,
                            bom: false,
                            progress: io::stderr().is_terminal(),
                            draft: Some(render::draft::DraftOptions {
                                system,
                                min_count,
                                sources,
                            }),
                        },
                        err,
                    )?;
                    out.finish()?;
                    return Ok(exit);
                }
            }
            Exit::Ok
        }
    };
    // An interrupted report stays unwritten: the temporary file goes with `out`.
    if interrupt::requested() {
        return Ok(Exit::Interrupted);
    }
    out.finish()?;
    Ok(exit)
}
