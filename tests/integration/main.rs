//! One integration-test binary that drives the real executable.

mod util;

mod analyze;
mod bad_input;
mod bad_input_matrix;
mod explain;
mod fuzz_regressions;
mod inputs;
mod output_safety;
mod props;
mod signals;
