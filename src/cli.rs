//! The command line: clap derive structs and value enums. No logic, no I/O.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "provlog",
    version,
    about = "Read identity-provisioning log exports and explain every failure",
    long_about = "provlog reads Microsoft Entra provisioning-log exports (portal JSON and CSV \
downloads, Graph API pages, Azure Monitor and Log Analytics exports), groups the failures by \
cause, and says what each cause means and what to do. It also explains IIJ ID Service, \
CloudGate UNO and School Data Sync error messages.",
    after_help = "Examples:\n  provlog analyze export.json\n  provlog analyze export.json --format ndjson | jq .\n  provlog explain \"Forbidden (403) Insufficient privileges to complete the operation.\"\n  provlog catalog list --system iij"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Extra catalog entries (TOML, same format as the built-in catalog); an entry with a
    /// built-in id replaces it. May be given more than once.
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Language of the explanations and reports [default: from LC_ALL/LANG, else en]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// When to use colour (NO_COLOR is honoured by auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

// Parsed once per run; boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summary and failures grouped by diagnosis (the default command)
    #[command(
        after_help = "Examples:\n  provlog analyze export.json\n  provlog analyze ProvisioningLogs_2026-11-25.csv --status all\n  provlog analyze page-1.json page-2.json --group-by app\n  provlog analyze export.json --since 24h --category auth,permission\n  provlog analyze export.json --format ndjson | jq -r 'select(.diagnosis.category==\"license\") | .identity'"
    )]
    Analyze(AnalyzeArgs),
    /// Diagnose a pasted error code, catalog id or message (one per line on stdin)
    #[command(
        after_help = "Examples:\n  provlog explain SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering\n  provlog explain \"Maximum size of family_name has been exceeded.\"\n  pbpaste | provlog explain --format json"
    )]
    Explain(ExplainArgs),
    /// Browse and export the built-in catalog
    #[command(subcommand)]
    Catalog(CatalogCommand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Ja,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Ndjson,
    Csv,
    Markdown,
    /// One self-contained page with charts (open it in a browser, print it to PDF)
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    Diagnosis,
    Code,
    App,
    Cycle,
    Identity,
    Step,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Failure,
    Warning,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Export files or folders; `-` or nothing reads stdin
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Statuses to report: `all`, or a list of success, failure, skipped, warning
    #[arg(long, value_delimiter = ',', default_value = "failure,warning")]
    pub status: Vec<String>,
    /// Actions to report (create, update, delete, disable, stagedDelete, other)
    #[arg(long, value_delimiter = ',')]
    pub action: Vec<String>,
    /// Only events at or after this time (RFC 3339, or relative like 24h, 7d)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events before this time (RFC 3339, or relative like 24h, 7d)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Application (service principal name or id) containing this text
    #[arg(long)]
    pub app: Option<String>,
    /// Job id containing this text
    #[arg(long)]
    pub job: Option<String>,
    /// Cycle id, or `latest` for the cycle with the newest event
    #[arg(long)]
    pub cycle: Option<String>,
    /// Change id, or a unique start of one
    #[arg(long)]
    pub change: Option<String>,
    /// Identity (UPN, display name or object id) containing this text
    #[arg(long)]
    pub identity: Option<String>,
    /// Error codes or diagnosis ids
    #[arg(long, value_delimiter = ',')]
    pub code: Vec<String>,
    /// Diagnosis categories (auth, permission, license, conflict, ...)
    #[arg(long, value_delimiter = ',')]
    pub category: Vec<String>,
    /// Diagnosis systems (entra, iij, cloudgate, sds)
    #[arg(long, value_delimiter = ',')]
    pub system: Vec<String>,
    /// How to group failures in the table, JSON and Markdown views
    #[arg(long, value_enum, default_value_t = GroupBy::Diagnosis)]
    pub group_by: GroupBy,
    /// Exit with status 1 when events of this status (or worse) are found
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Also treat events kept with unreadable fields as an error (exit status 2)
    #[arg(long)]
    pub strict: bool,
    /// Write a UTF-8 byte-order mark before CSV output (default: on with --lang ja)
    #[arg(long, overrides_with = "no_bom")]
    pub bom: bool,
    /// Never write a byte-order mark
    #[arg(long)]
    pub no_bom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Error code, catalog id or message; without it, one per line from stdin
    #[arg(value_name = "CODE|MESSAGE")]
    pub text: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
    /// The IIJ job type or operation the message came with (validate.user, ...)
    #[arg(long)]
    pub task: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List entries
    List {
        #[arg(long, value_delimiter = ',')]
        system: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        category: Vec<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one entry in full
    Show {
        id: String,
        #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Table)]
        format: ExplainFormat,
    },
    /// Export the catalog (KQL classifies AADProvisioningLogs rows in Log Analytics)
    Export {
        #[arg(long, short = 'f', value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Kql,
}

/// `provlog FILE` means `provlog analyze FILE`: insert the subcommand when the first
/// argument that is not a global option is not a known command.
pub fn with_default_command(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const COMMANDS: &[&str] = &["analyze", "explain", "catalog", "help"];
    const GLOBAL_WITH_VALUE: &[&str] = &["--catalog", "--lang", "--color"];
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
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_command_is_analyze() {
        let args = |v: &[&str]| {
            v.iter()
                .map(Into::into)
                .collect::<Vec<std::ffi::OsString>>()
        };
        let got = with_default_command(args(&["provlog", "x.json"]));
        assert_eq!(got, args(&["provlog", "analyze", "x.json"]));
        let got = with_default_command(args(&["provlog", "--lang", "ja", "x.json"]));
        assert_eq!(got, args(&["provlog", "--lang", "ja", "analyze", "x.json"]));
        let got = with_default_command(args(&["provlog", "explain", "x"]));
        assert_eq!(got, args(&["provlog", "explain", "x"]));
        let got = with_default_command(args(&["provlog", "--version"]));
        assert_eq!(got, args(&["provlog", "--version"]));
    }

    #[test]
    fn analyze_defaults() {
        let cli = Cli::try_parse_from(["provlog", "analyze", "a.json"]).expect("parses");
        let Command::Analyze(a) = cli.command else {
            panic!("not analyze")
        };
        assert_eq!(a.status, vec!["failure", "warning"]);
        assert_eq!(a.group_by, GroupBy::Diagnosis);
        assert_eq!(a.format, FormatArg::Table);
    }
}
