//! The parse floor for the benchmark: read the whole file into memory and let serde_json
//! walk it from one slice, skipping every value. provlog cannot be faster than this by
//! parsing alone, so `bench/run.sh` reports provlog's time as a multiple of it.
//!
//! `cargo run --release --example parse-floor -- FILE` (JSON array, Graph page or NDJSON).

use std::io::Read;

use serde::de::IgnoredAny;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse-floor FILE");
        return std::process::ExitCode::from(2);
    };
    let mut bytes = Vec::new();
    if let Err(e) = std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)) {
        eprintln!("parse-floor: {}: {e}", path.to_string_lossy());
        return std::process::ExitCode::from(2);
    }
    // Every top-level value, whitespace-separated (one array, or NDJSON lines).
    let mut values = 0u64;
    for v in serde_json::Deserializer::from_slice(&bytes).into_iter::<IgnoredAny>() {
        if let Err(e) = v {
            eprintln!("parse-floor: {e}");
            return std::process::ExitCode::from(2);
        }
        values += 1;
    }
    println!("{values}");
    std::process::ExitCode::SUCCESS
}
