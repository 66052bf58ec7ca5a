//! Any bytes as a scenario file: results or located diagnostics, never a
//! panic (see pool_model::harness and docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = pool_model::harness::exercise(data) {
        panic!("{broken}");
    }
});
