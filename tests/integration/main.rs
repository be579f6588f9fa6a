//! One integration-test binary that drives the real executable.

mod util;

mod analyze;
mod bad_input;
mod explain;
mod html;
mod inputs;
