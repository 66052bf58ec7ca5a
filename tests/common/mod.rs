//! A small builder for integration tests that drive the real binary:
//! write files into a temporary directory, run `pool-model` there, and
//! assert exit code, stdout and stderr in one expression.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

pub struct Test {
    dir: TempDir,
    args: Vec<String>,
}

pub struct Ran {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    pub fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (text) into the test directory.
    pub fn file(self, name: &str, text: &str) -> Test {
        self.bytes(name, text.as_bytes())
    }

    pub fn bytes(self, name: &str, bytes: &[u8]) -> Test {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write");
        self
    }

    pub fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    pub fn run(&self) -> Ran {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.run_with(&args)
    }

    /// Runs the binary in the test directory with these arguments (the
    /// builder's own arguments are ignored), so one directory serves
    /// several runs.
    pub fn run_with(&self, args: &[&str]) -> Ran {
        let output = Command::cargo_bin("pool-model")
            .expect("binary")
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .expect("run");
        let ran = Ran {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            output,
        };
        assert!(
            !ran.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            ran.stderr
        );
        ran
    }
}

impl Ran {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn status(self, code: i32) -> Ran {
        assert_eq!(
            self.code(),
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn stderr_has(self, needle: &str) -> Ran {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn stdout_has(self, needle: &str) -> Ran {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// The repository root, for shipped scenarios.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped scenario files (`scenarios/*.toml`), sorted.
pub fn shipped_scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
}

/// Runs the binary from the repository root.
pub fn run_in_root(args: &[&str]) -> Ran {
    let output = Command::cargo_bin("pool-model")
        .expect("binary")
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run");
    let ran = Ran {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    };
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    ran
}

/// Strips the `⟨` marker from `text` and returns the text with the
/// 1-based line and character column where the marker stood.
pub fn marked(text: &str) -> (String, usize, usize) {
    let at = text.find('⟨').expect("a ⟨ marker");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (text.replacen('⟨', "", 1), line, column)
}
