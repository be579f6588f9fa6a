//! One integration-test binary that drives the real executable.

mod util;

mod analyze;
mod bad_input;
mod diff;
mod events;
mod explain;
mod explain_csv;
mod html;
mod inputs;
mod insights;
mod polish;
mod readme;
mod redact;
mod show;
