//! `provlog fetch`'s options.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FetchFormat {
    /// One JSON array, as the portal's download writes it
    Json,
    /// One event per line
    Ndjson,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Output format
    #[arg(help_heading = "Output", long, short = 'f', value_enum, default_value_t = FetchFormat::Json)]
    pub format: FetchFormat,
    /// Continue the interrupted fetch that wrote FILE (its pages are kept, none is fetched twice)
    #[arg(help_heading = "Output", long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Stop after this many events
    #[arg(help_heading = "Output", long, value_name = "N")]
    pub max_events: Option<u64>,
    /// Events per page asked of Graph ($top)
    #[arg(help_heading = "Output", long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
    /// Statuses to fetch: `all` (the default), or a list of success, failure, skipped, warning
    #[arg(
        help_heading = "Filters",
        long,
        value_delimiter = ',',
        default_value = "all"
    )]
    pub status: Vec<String>,
    /// Actions to fetch (create, update, delete, disable, stagedDelete, other)
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
    /// Cycle id
    #[arg(help_heading = "Filters", long)]
    pub cycle: Option<String>,
    /// Change id, or the start of one
    #[arg(help_heading = "Filters", long)]
    pub change: Option<String>,
    /// Sign in with a device code: a URL and a code are shown, to open on any device [default
    /// when nothing else is configured and stdin is a terminal]
    #[arg(help_heading = "Sign-in", long, conflicts_with_all = ["access_token_file", "az"])]
    pub device_code: bool,
    /// Use the access token in FILE (else PROVLOG_ACCESS_TOKEN, when set)
    #[arg(
        help_heading = "Sign-in",
        long,
        value_name = "FILE",
        conflicts_with = "az"
    )]
    pub access_token_file: Option<PathBuf>,
    /// Take the token from the Azure CLI (`az account get-access-token`)
    #[arg(help_heading = "Sign-in", long)]
    pub az: bool,
    /// Directory (tenant) id [default: AZURE_TENANT_ID; `organizations` for --device-code]
    #[arg(help_heading = "Sign-in", long, value_name = "ID")]
    pub tenant: Option<String>,
    /// Application (client) id [default: AZURE_CLIENT_ID]
    #[arg(help_heading = "Sign-in", long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Microsoft Graph endpoint (national clouds: https://graph.microsoft.us,
    /// https://microsoftgraph.chinacloudapi.cn, ...)
    #[arg(
        help_heading = "Sign-in",
        long,
        value_name = "URL",
        default_value = "https://graph.microsoft.com"
    )]
    pub graph_url: String,
    /// Microsoft Entra sign-in endpoint (national clouds: https://login.microsoftonline.us,
    /// https://login.chinacloudapi.cn, ...)
    #[arg(
        help_heading = "Sign-in",
        long,
        value_name = "URL",
        default_value = "https://login.microsoftonline.com"
    )]
    pub authority_url: String,
}
