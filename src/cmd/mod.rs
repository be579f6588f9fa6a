//! One module per subcommand, each with one entry function.

pub mod analyze;
pub mod catalog;
pub mod diff;
pub mod explain;
pub mod explain_csv;
pub mod fetch;
pub mod man;
pub mod show;
