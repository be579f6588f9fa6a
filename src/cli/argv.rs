//! The raw arguments rewritten before clap parses them: the default command, and
//! `--redact VALUE` joined into one argument.

/// `provlog FILE` means `provlog analyze FILE`: insert the subcommand when the first
/// argument that is not a global option is not a known command.
/// With no command and no file at all, an export piped in (`cat x.json | provlog`) is
/// analyzed too; on a terminal the usage is shown instead of waiting for input.
pub fn with_default_command(
    args: Vec<std::ffi::OsString>,
    stdin_is_terminal: bool,
) -> Vec<std::ffi::OsString> {
    const COMMANDS: &[&str] = &[
        "analyze",
        "explain",
        "show",
        "diff",
        "fetch",
        "catalog",
        "completions",
        "man",
        "help",
    ];
    const GLOBAL_WITH_VALUE: &[&str] = &[
        "--catalog",
        "--lang",
        "--color",
        "--table-style",
        "-o",
        "--output",
    ];
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if GLOBAL_WITH_VALUE.contains(&a.as_ref()) {
            i += 2;
            continue;
        }
        if a.starts_with("--")
            && GLOBAL_WITH_VALUE
                .iter()
                .any(|g| a.starts_with(&format!("{g}=")))
        {
            i += 1;
            continue;
        }
        if a == "-h" || a == "--help" || a == "-V" || a == "--version" {
            return args;
        }
        if COMMANDS.contains(&a.as_ref()) {
            return args;
        }
        let mut out = args.clone();
        out.insert(i, "analyze".into());
        return out;
    }
    if stdin_is_terminal {
        return args;
    }
    let mut out = args;
    out.push("analyze".into());
    out
}

/// `--redact keep-domain` means `--redact=keep-domain`. The value is optional, so clap
/// only takes it with `=`; otherwise `--redact export.json` would read the file name as the
/// value. Only the words that are values are joined; nothing after `--` is touched.
pub fn join_redact_value(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut it = args.into_iter().peekable();
    while let Some(a) = it.next() {
        if a == "--" {
            out.push(a);
            out.extend(it);
            break;
        }
        if a == "--redact"
            && let Some(next) = it.peek()
            && (next == "keep-domain" || next == "all")
        {
            let mut joined = a;
            joined.push("=");
            if let Some(v) = it.next() {
                joined.push(v);
            }
            out.push(joined);
            continue;
        }
        out.push(a);
    }
    out
}
