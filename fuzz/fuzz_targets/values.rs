//! Any text as a value of SPEC 2.1 (money, percent, number, financial
//! year, range): a value or a helpful error, never a panic (issue 26: a
//! range whose ends sum past the decimal limit used to panic).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(broken) = pool_model::harness::values(text) {
            panic!("{broken}");
        }
    }
});
