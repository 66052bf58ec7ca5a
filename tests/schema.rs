//! The published JSON Schema (docs/pool-model.schema.json) is generated from
//! the output types; these tests fail when it is stale and check that the
//! JSON of every shipped scenario validates against it.
//!
//! Regenerate it with `UPDATE_SCHEMA=1 cargo test --test schema`.

mod common;

use common::{root, run_in_root};

const SCHEMA: &str = "docs/pool-model.schema.json";

#[test]
fn committed_schema_is_current() {
    let generated = pool_model::report::json::schema();
    let path = root().join(SCHEMA);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA} is stale: run `UPDATE_SCHEMA=1 cargo test --test schema` and commit it"
    );
}

#[test]
fn json_of_every_shipped_scenario_validates() {
    let schema: serde_json::Value =
        serde_json::from_str(&pool_model::report::json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let rel = format!("scenarios/{}", path.file_name().unwrap().to_string_lossy());
        let ran = run_in_root(&["project", &rel, "--format", "json"]).status(0);
        let doc: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{rel}: {errors:?}");
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn the_schema_rejects_a_document_missing_a_field() {
    let schema: serde_json::Value =
        serde_json::from_str(&pool_model::report::json::schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let ran = run_in_root(&["project", "scenarios/birmingham.toml", "--format", "json"]);
    let mut doc: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    doc.as_object_mut().unwrap().remove("npv");
    assert!(!validator.is_valid(&doc));
}
