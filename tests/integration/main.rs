//! One integration-test binary that drives the real executable.

mod util;

mod analyze;
mod bad_input;
mod bad_input_matrix;
mod corpus;
mod diff;
mod events;
mod explain;
mod explain_csv;
mod fetch;
mod first_hour;
mod fuzz_regressions;
mod html;
mod inputs;
mod insights;
mod layered;
mod output_file;
mod output_safety;
mod parallel;
mod platform;
mod polish;
mod props;
mod readme;
mod redact;
mod show;
mod signals;
