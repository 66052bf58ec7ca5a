//! The first five minutes: `init`, shell completions and the man page.

mod common;

use common::{Test, run_in_root};
use pool_model::scenario::raw::keys;

#[test]
fn init_writes_a_starter_that_check_accepts_then_charts() {
    let test = Test::new();
    test.run_with(&["init"])
        .status(0)
        .stderr_has("Wrote scenario.toml")
        .stderr_has("pool-model check scenario.toml");
    test.run_with(&["check", "scenario.toml"])
        .status(0)
        .stdout_has("scenario.toml: ok (2 expectation(s) passed)");
    test.run_with(&["project", "scenario.toml", "--no-ranges"])
        .status(0)
        .stdout_has("Anytown learning disability and mental health pool");
    for kind in ["fan", "shares", "tornado", "partners"] {
        let out = format!("{kind}.svg");
        test.run_with(&[
            "chart",
            "scenario.toml",
            "--kind",
            kind,
            "-o",
            &out,
            "--draws",
            "1000",
        ])
        .status(0);
        let svg = std::fs::read_to_string(test.path().join(&out)).unwrap();
        assert!(svg.starts_with("<svg"), "{kind}");
    }
}

#[test]
fn init_never_overwrites() {
    let test = Test::new().file("mine.toml", "# my work\n");
    test.run_with(&["init", "mine.toml"])
        .status(2)
        .stderr_has("mine.toml already exists: pool-model will not overwrite it")
        .stderr_has("help: give another name");
    assert_eq!(
        std::fs::read_to_string(test.path().join("mine.toml")).unwrap(),
        "# my work\n"
    );
    test.run_with(&["init", "nowhere/new.toml"])
        .status(2)
        .stderr_has("does not exist");
}

#[test]
fn init_dash_prints_the_starter() {
    let ran = run_in_root(&["init", "-"]).status(0);
    assert_eq!(ran.stdout, include_str!("../src/commands/starter.toml"));
}

/// Every key the reader accepts is in the starter, explained.
#[test]
fn the_starter_uses_every_key() {
    let starter = include_str!("../src/commands/starter.toml");
    let tables: [(&str, &[&str]); 14] = [
        ("", keys::ROOT),
        ("scenario", keys::SCENARIO),
        ("assumptions", keys::ASSUMPTIONS),
        ("partner", keys::PARTNER),
        ("service", keys::SERVICE),
        ("risk_share", keys::RISK_SHARE),
        ("setting", keys::SETTING),
        ("shift", keys::SHIFT),
        ("saving", keys::SAVING),
        ("cost", keys::COST),
        ("variance", keys::VARIANCE),
        ("workforce", keys::WORKFORCE),
        ("monitoring", keys::MONITORING),
        ("correlation", keys::CORRELATION),
    ];
    for (table, list) in tables {
        for key in list {
            let written = [
                format!("{key} = "),
                format!("[{key}]"),
                format!("[[{key}]]"),
                format!("[[service.{key}]]"),
                format!("{key} = {{"),
                format!("{{ {key} = "),
                format!(", {key} = "),
            ];
            assert!(
                written.iter().any(|w| starter.contains(w.as_str())),
                "the starter lacks `{key}` of [{table}]"
            );
        }
    }
    for key in keys::EXPECT.iter().chain(keys::RANGE) {
        assert!(starter.contains(key), "the starter lacks `{key}`");
    }
    for word in ["extends", "drop = true", "--set"] {
        assert!(
            starter.contains(word),
            "the starter does not explain {word}"
        );
    }
}

#[test]
fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let ran = run_in_root(&["completions", shell]).status(0);
        for command in ["project", "check", "diff", "sensitivity", "chart", "init"] {
            assert!(ran.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    // Chart kinds complete too.
    let bash = run_in_root(&["completions", "bash"]).status(0);
    assert!(bash.stdout.contains("fan shares tornado partners"));
    run_in_root(&["completions", "tcsh"])
        .status(2)
        .stderr_has("possible values");
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let ran = run_in_root(&["man"]).status(0);
    assert!(ran.stdout.starts_with(".ie"), "{}", &ran.stdout[..40]);
    assert!(ran.stdout.contains(".TH pool-model 1"));
    for command in [
        "project",
        "check",
        "diff",
        "sensitivity",
        "chart",
        "init",
        "completions",
    ] {
        assert!(ran.stdout.contains(command), "man page lacks {command}");
    }
    let test = Test::new();
    test.run_with(&["man", "--dir", "man1"]).status(0);
    for page in ["pool-model.1", "pool-model-project.1", "pool-model-chart.1"] {
        assert!(test.path().join("man1").join(page).is_file(), "{page}");
    }
}

#[cfg(unix)]
#[test]
fn man_dir_refuses_a_read_only_page_and_writes_no_half_page() {
    use std::os::unix::fs::PermissionsExt;
    let test = Test::new().file("man1/pool-model-project.1", "mine\n");
    let page = test.path().join("man1/pool-model-project.1");
    std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o444)).unwrap();
    test.run_with(&["man", "--dir", "man1"])
        .status(2)
        .stderr_has("pool-model-project.1: cannot write: the file is read-only (mode 0444)");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "mine\n");
    // Every page is checked before any is written: no other page appeared.
    let names: Vec<_> = std::fs::read_dir(test.path().join("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["pool-model-project.1"]);
}
