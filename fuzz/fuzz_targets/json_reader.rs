//! Any bytes into the reader that detects the shape (JSON array, Graph pages, one object,
//! NDJSON, diagnostic records; CSV when the bytes do not start like JSON), then through
//! classification and every output format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlog::input::{Collect, read_bytes};

mod common;

fuzz_target!(|data: &[u8]| {
    let (variant, bytes) = match data.split_first() {
        Some((v, rest)) => (*v, rest),
        None => (0, data),
    };
    let mut sink = Collect::default();
    let outcome = read_bytes("fuzz.json", bytes, &mut sink);
    common::exercise(sink, &outcome, variant);
});
