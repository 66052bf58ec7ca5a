//! The bad-input corpus (tests/bad/, written by tools/bad_corpus.py): every
//! file is rejected by `check` and by `project` with exit code 2, every
//! expected diagnostic appears at its line and column with its phrase, and
//! nothing panics. The tricky-valid corpus (tests/good/) is accepted.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("pool-model")
        .unwrap()
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Checks one file against its expected diagnostics, with both commands.
fn rejects(cwd: &Path, file: &str, expected: &[(String, String)]) -> Vec<String> {
    let mut failures = Vec::new();
    for command in ["check", "project"] {
        let (code, _, stderr) = run(cwd, &[command, file]);
        if stderr.contains("panicked") {
            failures.push(format!("{file} ({command}): panicked\n{stderr}"));
        }
        if code != 2 {
            failures.push(format!("{file} ({command}): exit {code}, not 2\n{stderr}"));
        }
        for (place, phrase) in expected {
            let head = format!("error: {place}: ");
            let found = stderr
                .lines()
                .any(|l| l.starts_with(&head) && l.contains(phrase.as_str()));
            if !found {
                failures.push(format!(
                    "{file} ({command}): no `{head}...{phrase}...` in\n{stderr}"
                ));
            }
        }
    }
    failures
}

#[test]
fn every_bad_file_is_rejected_at_its_locations() {
    let bad = dir("bad");
    let mut names: Vec<String> = std::fs::read_dir(&bad)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 100, "the corpus has {} files", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let stem = name.trim_end_matches(".toml");
        let expected = std::fs::read_to_string(bad.join(format!("{stem}.expected")))
            .unwrap_or_else(|_| panic!("{stem}.expected is missing"));
        let expected: Vec<(String, String)> = expected
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (place, phrase) = l.split_once(' ').unwrap();
                let place = if place.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                    format!("{name}:{place}")
                } else {
                    place.to_string()
                };
                (place, phrase.to_string())
            })
            .collect();
        failures.extend(rejects(&bad, name, &expected));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Cases too big to keep in the repository, written at test time.
#[test]
fn generated_hostile_files_are_rejected() {
    let t = common::Test::new();
    let base = std::fs::read_to_string(dir("bad").join("bases/good.toml")).unwrap();
    // A 100,000-character line: windowed in the report, located exactly.
    let long = base.replacen(
        "name = \"Base\"",
        &format!("name = \"Base\"\nnote = \"{}\"", "x".repeat(100_000)),
        1,
    );
    std::fs::write(t.path().join("long_line.toml"), &long).unwrap();
    // 101 services, 65 partners: over the documented limits.
    let mut many = base.clone();
    for i in 0..100 {
        many.push_str(&format!("\n[[service]]\nid = \"s{i}\"\nname = \"S\"\nlead = \"council\"\ncontributions = {{ council = 1 }}\n"));
    }
    std::fs::write(t.path().join("many_services.toml"), &many).unwrap();
    let mut partners = base.clone();
    for i in 0..63 {
        partners.push_str(&format!(
            "\n[[partner]]\nid = \"p{i}\"\nname = \"P\"\nkind = \"other\"\n"
        ));
    }
    std::fs::write(t.path().join("many_partners.toml"), &partners).unwrap();
    // Over 4 MiB.
    std::fs::write(
        t.path().join("huge.toml"),
        format!("{base}\n# {}\n", "x".repeat(5 * 1024 * 1024)),
    )
    .unwrap();
    let cases: [(&str, Vec<(String, String)>); 4] = [
        (
            "long_line.toml",
            vec![("long_line.toml:3:1".into(), "unknown key `note`".into())],
        ),
        (
            "many_services.toml",
            vec![(
                "many_services.toml:".into(),
                "too many [[service]] entries: at most 100".into(),
            )],
        ),
        (
            "many_partners.toml",
            vec![(
                "many_partners.toml:".into(),
                "too many [[partner]] entries: at most 64".into(),
            )],
        ),
        (
            "huge.toml",
            vec![("huge.toml".into(), "scenario files are limited to".into())],
        ),
    ];
    let mut failures = Vec::new();
    for (file, expected) in &cases {
        for command in ["check", "project"] {
            let (code, _, stderr) = run(t.path(), &[command, file]);
            if code != 2 || stderr.contains("panicked") {
                failures.push(format!("{file} ({command}): exit {code}\n{stderr}"));
            }
            for (head, phrase) in expected {
                let ok = stderr.lines().any(|l| {
                    l.starts_with(&format!("error: {head}")) && l.contains(phrase.as_str())
                });
                if !ok {
                    failures.push(format!(
                        "{file} ({command}): no `{head}...{phrase}` in\n{}",
                        &stderr[..stderr.len().min(2000)]
                    ));
                }
            }
            assert!(
                stderr.len() < 20_000,
                "{file}: the report stays readable ({} bytes)",
                stderr.len()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_tricky_but_valid_file_is_accepted() {
    let good = dir("good");
    let mut names: Vec<String> = std::fs::read_dir(&good)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    let mut failures = Vec::new();
    for name in &names {
        for args in [
            vec!["check", name.as_str()],
            vec!["project", name.as_str(), "--draws", "500"],
        ] {
            let (code, _, stderr) = run(&good, &args);
            if code != 0 {
                failures.push(format!("{name} ({}): exit {code}\n{stderr}", args[0]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
