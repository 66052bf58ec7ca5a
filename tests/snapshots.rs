//! Snapshots (insta) of every output format of every shipped scenario.
//! Review changes with `cargo insta review`; never accept blindly.

mod common;

use common::{root, run_in_root};

const FORMATS: [&str; 4] = ["table", "markdown", "csv", "json"];

fn shipped_scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
}

#[test]
fn every_format_of_every_shipped_scenario() {
    for name in shipped_scenarios() {
        let stem = name.trim_end_matches(".toml");
        for format in FORMATS {
            let path = format!("scenarios/{name}");
            let ran = run_in_root(&["project", &path, "--format", format]).status(0);
            insta::assert_snapshot!(format!("project_{stem}_{format}"), ran.stdout);
        }
    }
}
