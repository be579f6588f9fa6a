//! One integration-test binary that drives the real executable.

mod util;

mod analyze;
mod bad_input;
mod diff;
mod events;
mod explain;
mod inputs;
mod insights;
