//! The portable (non-AVX2) paths of Monte Carlo give the same bytes as the
//! AVX2 ones: every shipped scenario's JSON and CSV, and the benchmark files
//! at up to a million draws (where percentiles are found by the tally), with
//! and without `POOL_MODEL_PORTABLE=1` (src/uncertainty/simd.rs).

use std::path::Path;
use std::process::Command;

fn run(args: &[&str], portable: bool) -> Vec<u8> {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("pool-model"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env_remove("POOL_MODEL_PORTABLE");
    if portable {
        command.env("POOL_MODEL_PORTABLE", "1");
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn same_bytes(args: &[&str]) {
    let vector = run(args, false);
    let portable = run(args, true);
    assert!(
        vector == portable,
        "{args:?}: the portable paths gave different bytes"
    );
    assert!(!vector.is_empty());
}

#[test]
fn portable_paths_give_the_same_bytes_for_every_shipped_scenario() {
    let mut files: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| format!("scenarios/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    for file in &files {
        same_bytes(&["project", file, "--format", "json"]);
    }
    same_bytes(&["project", "scenarios/plymouth.toml", "--format", "csv"]);
}

#[test]
fn portable_paths_give_the_same_bytes_at_a_million_draws() {
    same_bytes(&[
        "project",
        "scenarios/bench/large.toml",
        "--draws",
        "1000000",
        "--format",
        "json",
    ]);
    // Caps that bind in most draws: the water-filling lanes.
    same_bytes(&[
        "project",
        "scenarios/bench/capped.toml",
        "--draws",
        "200000",
        "--format",
        "json",
    ]);
}
