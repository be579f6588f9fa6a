//! Any bytes as the portal's three CSV files (split at `\n~~~\n`: events, steps, modified
//! properties) and, alone, as one CSV of events; then classification and every output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlog::input::{Collect, read_bytes, read_set_bytes};

mod common;

fn split3(data: &[u8]) -> (&[u8], Option<&[u8]>, Option<&[u8]>) {
    const SEP: &[u8] = b"\n~~~\n";
    let find = |d: &[u8]| d.windows(SEP.len()).position(|w| w == SEP);
    match find(data) {
        None => (data, None, None),
        Some(i) => {
            let rest = &data[i + SEP.len()..];
            match find(rest) {
                None => (&data[..i], Some(rest), None),
                Some(k) => (&data[..i], Some(&rest[..k]), Some(&rest[k + SEP.len()..])),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (variant, bytes) = match data.split_first() {
        Some((v, rest)) => (*v, rest),
        None => (0, data),
    };
    let (events, steps, props) = split3(bytes);
    let mut sink = Collect::default();
    let outcome = read_set_bytes(
        ("ProvisioningLogs_x.csv", events),
        steps.map(|s| ("ProvisioningLogs_ProvisioningSteps_x.csv", s)),
        props.map(|p| ("ProvisioningLogs_ModifiedProperties_x.csv", p)),
        &mut sink,
    );
    common::exercise(sink, &outcome, variant);
    // The events part alone, through shape detection (Log Analytics CSV).
    let mut sink = Collect::default();
    let outcome = read_bytes("la.csv", events, &mut sink);
    common::exercise(sink, &outcome, variant.wrapping_add(1));
});
