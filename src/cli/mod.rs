//! The command line: clap derive structs and value enums, and the two rewrites of the raw
//! arguments made before clap parses them (the default command, `--redact VALUE`). No I/O:
//! what the arguments mean is decided in `config` and `cmd`.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::GroupKey;

mod argv;
mod fetch;

pub use argv::{join_redact_value, with_default_command};
pub use fetch::{FetchArgs, FetchFormat};

#[derive(Debug, Parser)]
#[command(
    name = "provlog",
    // Help and errors say `provlog` whatever the executable is called (`provlog.exe`).
    bin_name = "provlog",
    version,
    about = "Read identity-provisioning log exports and explain every failure",
    long_about = "provlog reads Microsoft Entra provisioning-log exports (portal JSON and CSV \
downloads, Graph API pages, Azure Monitor and Log Analytics exports), groups the failures by \
cause, and says what each cause means and what to do. It also explains IIJ ID Service, \
CloudGate UNO and School Data Sync error messages.",
    after_help = "Examples:\n  provlog analyze export.json\n  provlog analyze export.json --format ndjson | jq .\n  provlog diff yesterday.json today.json\n  provlog explain \"Another object with the same value for property proxyAddresses already exists.\"\n  provlog catalog list --system iij"
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
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub catalog: Vec<PathBuf>,
    /// Language of the explanations and reports [default: the Windows display language;
    /// elsewhere from LC_ALL/LC_MESSAGES/LANG; else en]
    #[arg(long, global = true, help_heading = "Global options", value_enum)]
    pub lang: Option<LangArg>,
    /// When to use color (NO_COLOR is honored by auto)
    #[arg(long, global = true, help_heading = "Global options", value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// How tables are drawn: `ascii` for consoles that show box-drawing characters badly
    /// (auto: ascii on a Windows console whose code page is not UTF-8, or a terminal whose
    /// locale is not UTF-8 or TERM=dumb; box drawing in files and pipes)
    #[arg(long, global = true, help_heading = "Global options", value_enum, default_value_t = TableStyleArg::Auto, value_name = "STYLE")]
    pub table_style: TableStyleArg,
    /// Write the report to FILE instead of stdout. The file appears only when the report is
    /// whole (an interrupted run leaves the old file, if any, untouched); on Windows
    /// PowerShell 5.1 this keeps Japanese text and CSV intact, where `>` would re-encode them.
    #[arg(
        short = 'o',
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub output: Option<PathBuf>,
}

// Parsed once per run; boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summary and failures grouped by diagnosis (the default command)
    #[command(
        after_long_help = "Examples:\n  provlog analyze export.json\n  provlog analyze ProvisioningLogs_2026-11-25.csv --status all\n  provlog analyze page-1.json page-2.json --group-by app\n  provlog analyze export.json --since 24h --category auth,permission\n  provlog analyze export.json --format ndjson | jq -r 'select(.diagnosis.category==\"license\") | .identity'"
    )]
    Analyze(AnalyzeArgs),
    /// Diagnose a pasted error code, catalog id or message (one per line on stdin)
    #[command(
        after_long_help = "Examples:\n  provlog explain SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering\n  provlog explain \"Maximum size of family_name has been exceeded.\"\n  pbpaste | provlog explain --format json\n  provlog explain --csv job-history.csv > job-history.explained.csv\n  provlog explain --csv operation-log.csv --format table"
    )]
    Explain(ExplainArgs),
    /// Everything about one change, ready to paste into a support ticket
    #[command(
        after_long_help = "An argument that names an existing file or folder, or `-`, is an input; an argument of hex digits and dashes is a change id (or the start of one, like a short git hash). Inputs after `--` are always inputs. With no input, stdin is read.\n\nExamples:\n  provlog show 06c73914 export.json\n  provlog show 06c73914 17bfa0e2 ProvisioningLogs_2026-11-25.csv --format markdown --redact\n  provlog show 06c73914 --format json -- export.json"
    )]
    Show(ShowArgs),
    /// Failures that are new, resolved or persisting between two exports
    #[command(
        long_about = "Compares an older and a newer export (any input shapes, overlapping in time or not). \
Failures are keyed by identity and diagnosis. A key is `new` when it is failing at the end of NEW \
but was not at the end of OLD, `persisting` when it is failing at the end of both, and `resolved` \
when it was failing at the end of OLD and no longer is in NEW (the identity later succeeded, or \
the failure did not come back). An event present in both exports (the same change id) is \
counted once. Only failures are compared; warnings and skipped events are not.",
        after_long_help = "Examples:\n  provlog diff yesterday.json today.json\n  provlog diff --old mon.json --old tue.json --new wed.json\n  provlog diff exports/2026-11-24/ exports/2026-11-25/ --format markdown\n  provlog diff old.json new.json --format ndjson | jq -r 'select(.change==\"new\") | .identity'"
    )]
    Diff(DiffArgs),
    /// Read provisioning logs from Microsoft Graph, past the portal's download cap
    #[command(
        long_about = "Reads the provisioning logs from Microsoft Graph (GET /v1.0/auditLogs/provisioning), \
page by page, and writes them as a portal-style JSON array (what `provlog analyze` reads) or NDJSON. \
Filters are sent to Graph where Graph can apply them, and applied locally otherwise. Sign-in: \
AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an app with the AuditLog.Read.All \
application permission and admin consent); --device-code for a person at a terminal; or an existing \
token (--access-token-file, PROVLOG_ACCESS_TOKEN, --az). With -o FILE, an interrupted or failed run \
keeps the pages fetched so far and `--resume FILE` continues it.",
        after_long_help = "Examples:\n  provlog fetch --since 7d -o week.json\n  provlog fetch --since 24h --status failure --format ndjson | provlog analyze -\n  provlog fetch --device-code --since 2026-11-24T00:00:00Z -o day.json\n  provlog fetch --resume week.json\n  provlog fetch --az --graph-url https://graph.microsoft.us -o week.json"
    )]
    Fetch(FetchArgs),
    /// Browse and export the built-in catalog
    #[command(
        subcommand,
        after_long_help = "Examples:\n  provlog catalog list --system iij\n  provlog catalog show entra.scim-incompatible-filtering --lang ja\n  provlog catalog export --format kql > provlog.kql"
    )]
    Catalog(CatalogCommand),
    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    #[command(
        after_long_help = "Install, for example:\n  provlog completions bash > ~/.local/share/bash-completion/completions/provlog\n  provlog completions zsh > ~/.zfunc/_provlog\n  provlog completions fish > ~/.config/fish/completions/provlog.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(
        after_long_help = "Install every page, for example:\n  provlog man --dir ~/.local/share/man/man1\n\nOr read one:\n  provlog man analyze | man -l -"
    )]
    Man {
        /// The page of this subcommand (`analyze`, `catalog draft`, ...); without it, the
        /// page of provlog itself
        #[arg(value_name = "SUBCOMMAND")]
        command: Vec<String>,
        /// Write every page (provlog.1, provlog-analyze.1, ...) into this folder, creating
        /// it if needed
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
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
pub enum TableStyleArg {
    Auto,
    Unicode,
    Ascii,
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

/// The formats of `diff` and `explain`: every format but the HTML report, which is for
/// `analyze` (the help lists only what a command accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    Table,
    Json,
    Ndjson,
    Csv,
    Markdown,
}

impl From<TextFormat> for FormatArg {
    fn from(f: TextFormat) -> FormatArg {
        match f {
            TextFormat::Table => FormatArg::Table,
            TextFormat::Json => FormatArg::Json,
            TextFormat::Ndjson => FormatArg::Ndjson,
            TextFormat::Csv => FormatArg::Csv,
            TextFormat::Markdown => FormatArg::Markdown,
        }
    }
}

/// `--group-by` takes the report's own keys: one enum, named by `GroupKey::as_str`, with
/// the help for each value here, where the command line is described.
impl ValueEnum for GroupKey {
    fn value_variants<'a>() -> &'a [Self] {
        &GroupKey::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            GroupKey::Diagnosis => "The catalog entry that explains the failure",
            GroupKey::Code => "The raw error code",
            GroupKey::App => "The application (service principal)",
            GroupKey::Cycle => "Each cycle: time span, counts by action and status, top diagnoses",
            GroupKey::Identity => "The user or group",
            GroupKey::Step => "The provisioning step that failed",
            GroupKey::Attribute => {
                "invalid-data and conflict failures by the attribute (and value) they name"
            }
            GroupKey::Template => {
                "The message with names, ids, numbers and times masked: what the unclassified \
                 failures have in common (then `provlog catalog draft` turns them into entries)"
            }
            GroupKey::None => "No groups: one row per event",
        };
        Some(PossibleValue::new(self.as_str()).help(help))
    }
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
    #[arg(help_heading = "Output", long, short = 'f', value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Statuses to report: `all`, or a list of success, failure, skipped, warning
    #[arg(
        help_heading = "Filters",
        long,
        value_delimiter = ',',
        default_value = "failure,warning"
    )]
    pub status: Vec<String>,
    /// Actions to report (create, update, delete, disable, stagedDelete, other)
    #[arg(help_heading = "Filters", long, value_delimiter = ',')]
    pub action: Vec<String>,
    /// Only events at or after this time (RFC 3339, or relative like 24h, 7d)
    #[arg(help_heading = "Filters", long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events before this time (RFC 3339, or relative like 24h, 7d)
    #[arg(help_heading = "Filters", long, value_name = "TIME")]
    pub until: Option<String>,
    /// Application (service principal name or id) containing this text
    #[arg(help_heading = "Filters", long)]
    pub app: Option<String>,
    /// Job id containing this text
    #[arg(help_heading = "Filters", long)]
    pub job: Option<String>,
    /// Cycle id, or `latest` for the cycle with the newest event
    #[arg(help_heading = "Filters", long)]
    pub cycle: Option<String>,
    /// Change id, or a unique start of one
    #[arg(help_heading = "Filters", long)]
    pub change: Option<String>,
    /// Identity (UPN, display name or object id) containing this text
    #[arg(help_heading = "Filters", long)]
    pub identity: Option<String>,
    /// Error codes or diagnosis ids
    #[arg(help_heading = "Filters", long, value_delimiter = ',')]
    pub code: Vec<String>,
    /// Diagnosis categories (auth, permission, license, conflict, ...)
    #[arg(help_heading = "Filters", long, value_delimiter = ',')]
    pub category: Vec<String>,
    /// Diagnosis systems (entra, iij, cloudgate, sds)
    #[arg(help_heading = "Filters", long, value_delimiter = ',')]
    pub system: Vec<String>,
    /// How to group failures in the table, JSON and Markdown views
    #[arg(help_heading = "Output", long, value_enum, default_value_t = GroupKey::Diagnosis)]
    pub group_by: GroupKey,
    /// Exit with status 1 when events of this status (or worse) are found
    #[arg(help_heading = "Exit status", long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Also treat events kept with unreadable fields, and JSON read although it is not
    /// valid (a trailing comma), as an error (exit status 2)
    #[arg(help_heading = "Exit status", long)]
    pub strict: bool,
    /// Write a UTF-8 byte-order mark before CSV output (default: on with --lang ja)
    #[arg(help_heading = "Output", long, overrides_with = "no_bom")]
    pub bom: bool,
    /// Never write a byte-order mark
    #[arg(help_heading = "Output", long)]
    pub no_bom: bool,
    /// Replace people's names, UPNs, email addresses and object ids with stable pseudonyms
    /// (`--redact keep-domain` keeps the domain of addresses)
    #[arg(help_heading = "Output", long, value_enum, value_name = "HOW", num_args = 0..=1, require_equals = true, default_missing_value = "all")]
    pub redact: Option<RedactArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedactArg {
    /// Everything personal is replaced
    All,
    /// Email addresses and UPNs keep their domain (`user-0001@contoso.com`)
    KeepDomain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Change ids or unique starts of them, and export files or folders
    #[arg(value_name = "CHANGE_ID|FILE", required = true)]
    pub args: Vec<std::ffi::OsString>,
    /// Inputs named after `--`
    #[arg(last = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format (markdown is the one to paste into a ticket; json is one NDJSON line per event)
    #[arg(long, short = 'f', value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
    /// Replace people's names, UPNs, email addresses and object ids with stable pseudonyms
    /// (`--redact keep-domain` keeps the domain of addresses)
    #[arg(long, value_enum, value_name = "HOW", num_args = 0..=1, require_equals = true, default_missing_value = "all")]
    pub redact: Option<RedactArg>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older export (file or folder); more with --old
    #[arg(value_name = "OLD")]
    pub old_file: Option<PathBuf>,
    /// The newer export (file or folder); more with --new
    #[arg(value_name = "NEW")]
    pub new_file: Option<PathBuf>,
    /// A file or folder of the older export (repeatable; instead of OLD NEW)
    #[arg(help_heading = "Inputs", long, value_name = "FILE")]
    pub old: Vec<PathBuf>,
    /// A file or folder of the newer export (repeatable; instead of OLD NEW)
    #[arg(help_heading = "Inputs", long, value_name = "FILE")]
    pub new: Vec<PathBuf>,
    /// Output format
    #[arg(help_heading = "Output", long, short = 'f', value_enum, default_value_t = TextFormat::Table)]
    pub format: TextFormat,
    /// Write a UTF-8 byte-order mark before CSV output (default: on with --lang ja)
    #[arg(help_heading = "Output", long, overrides_with = "no_bom")]
    pub bom: bool,
    /// Never write a byte-order mark
    #[arg(help_heading = "Output", long)]
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
    /// Output format [default: table; csv with --csv]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<TextFormat>,
    /// The IIJ job type or operation the message came with (validate.user, ...)
    #[arg(long)]
    pub task: Option<String>,
    /// The system the message came from (entra, iij, cloudgate, sds): only its entries
    /// are candidates (an IIJ directory-sync event that quotes a SCIM error is IIJ's)
    #[arg(long, value_name = "SYSTEM", conflicts_with = "csv")]
    pub system: Option<String>,
    /// The error code shown beside the message, when it is pasted apart from it
    #[arg(long, value_name = "CODE", conflicts_with = "csv")]
    pub code: Option<String>,
    /// Classify every row of a console export (IIJ ID Service job list, CloudGate UNO
    /// operation log); `-` reads stdin
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    pub csv: Option<PathBuf>,
    /// The column holding the message [default: found from the headers]
    #[arg(long, value_name = "NAME", requires = "csv")]
    pub column: Option<String>,
    /// Text encoding of the CSV
    #[arg(long, value_enum, requires = "csv")]
    pub encoding: Option<EncodingArg>,
    /// Write a UTF-8 byte-order mark before CSV output (default: on when the input had
    /// one, was Shift_JIS, or with --lang ja)
    #[arg(long, overrides_with = "no_bom", requires = "csv")]
    pub bom: bool,
    /// Never write a byte-order mark
    #[arg(long, requires = "csv")]
    pub no_bom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 or UTF-16 by byte-order mark, else UTF-8 when valid, else Shift_JIS
    Auto,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "utf-16", alias = "utf16")]
    Utf16,
    /// Shift_JIS with the Windows (CP932) extensions
    #[value(
        name = "shift_jis",
        alias = "sjis",
        alias = "cp932",
        alias = "windows-31j"
    )]
    ShiftJis,
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
    /// Draft entries (TOML, for --catalog) for the failures of exports that no entry
    /// matched: one per message template, with pattern and examples filled in
    #[command(
        after_help = "Examples:\n  provlog catalog draft export.json > mine.toml\n  provlog analyze export.json --catalog mine.toml"
    )]
    Draft {
        /// Export files or folders; `-` reads stdin
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// The system the entries are for
        #[arg(long, default_value = "entra")]
        system: String,
        /// Leave out templates seen fewer times than this
        #[arg(long, value_name = "N", default_value_t = 1)]
        min_count: u64,
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
        let tty = true;
        let got = with_default_command(args(&["provlog", "x.json"]), tty);
        assert_eq!(got, args(&["provlog", "analyze", "x.json"]));
        let got = with_default_command(args(&["provlog", "--lang", "ja", "x.json"]), tty);
        assert_eq!(got, args(&["provlog", "--lang", "ja", "analyze", "x.json"]));
        let got = with_default_command(args(&["provlog", "-o", "w.json", "fetch"]), tty);
        assert_eq!(got, args(&["provlog", "-o", "w.json", "fetch"]));
        let got = with_default_command(args(&["provlog", "explain", "x"]), tty);
        assert_eq!(got, args(&["provlog", "explain", "x"]));
        let got = with_default_command(args(&["provlog", "--version"]), tty);
        assert_eq!(got, args(&["provlog", "--version"]));
        // Nothing but an export on stdin: analyze it; on a terminal, the usage.
        let got = with_default_command(args(&["provlog"]), false);
        assert_eq!(got, args(&["provlog", "analyze"]));
        let got = with_default_command(args(&["provlog", "--lang", "ja"]), false);
        assert_eq!(got, args(&["provlog", "--lang", "ja", "analyze"]));
        let got = with_default_command(args(&["provlog"]), true);
        assert_eq!(got, args(&["provlog"]));
    }

    #[test]
    fn redact_takes_its_value_with_or_without_equals() {
        let args = |v: &[&str]| {
            v.iter()
                .map(Into::into)
                .collect::<Vec<std::ffi::OsString>>()
        };
        let parse = |v: &[&str]| {
            let cli = Cli::try_parse_from(join_redact_value(args(v))).expect("parses");
            match cli.command {
                Command::Show(s) => (s.redact, s.args.len(), s.files.len()),
                Command::Analyze(a) => (a.redact, a.files.len(), 0),
                _ => panic!("unexpected command"),
            }
        };
        assert_eq!(
            parse(&["provlog", "show", "06c7", "--redact", "x.json"]),
            (Some(RedactArg::All), 2, 0)
        );
        assert_eq!(
            parse(&[
                "provlog",
                "show",
                "06c7",
                "--redact",
                "keep-domain",
                "x.json"
            ]),
            (Some(RedactArg::KeepDomain), 2, 0)
        );
        assert_eq!(
            parse(&["provlog", "analyze", "--redact=keep-domain", "x.json"]),
            (Some(RedactArg::KeepDomain), 1, 0)
        );
        assert_eq!(
            parse(&["provlog", "show", "06c7", "--", "--redact", "keep-domain"]),
            (None, 1, 2)
        );
        assert_eq!(parse(&["provlog", "analyze", "x.json"]), (None, 1, 0));
    }

    #[test]
    fn explain_csv_options() {
        let cli = Cli::try_parse_from([
            "provlog",
            "explain",
            "--csv",
            "jobs.csv",
            "--encoding",
            "cp932",
            "--column",
            "メッセージ",
        ])
        .expect("parses");
        let Command::Explain(a) = cli.command else {
            panic!("not explain")
        };
        assert_eq!(a.encoding, Some(EncodingArg::ShiftJis));
        assert_eq!(a.format, None);
        assert!(Cli::try_parse_from(["provlog", "explain", "--csv", "x.csv", "msg"]).is_err());
        assert!(Cli::try_parse_from(["provlog", "explain", "--column", "Message"]).is_err());
    }

    #[test]
    fn analyze_defaults() {
        let cli = Cli::try_parse_from(["provlog", "analyze", "a.json"]).expect("parses");
        let Command::Analyze(a) = cli.command else {
            panic!("not analyze")
        };
        assert_eq!(a.status, vec!["failure", "warning"]);
        assert_eq!(a.group_by, GroupKey::Diagnosis);
        assert_eq!(a.format, FormatArg::Table);
    }

    #[test]
    fn diff_takes_two_positionals_or_repeated_flags() {
        let cli = Cli::try_parse_from(["provlog", "diff", "a.json", "b.json"]).expect("parses");
        let Command::Diff(d) = cli.command else {
            panic!("not diff")
        };
        assert_eq!(d.old_file, Some(PathBuf::from("a.json")));
        assert_eq!(d.new_file, Some(PathBuf::from("b.json")));
        let cli =
            Cli::try_parse_from(["provlog", "diff", "--old", "a", "--old", "b", "--new", "c"])
                .expect("parses");
        let Command::Diff(d) = cli.command else {
            panic!("not diff")
        };
        assert_eq!(d.old.len(), 2);
        assert_eq!(d.new.len(), 1);
        assert!(Cli::try_parse_from(["provlog", "diff", "a", "b", "c"]).is_err());
    }
}
