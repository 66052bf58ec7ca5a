//! Progress reporting: a listener hears every draw of a run, the results
//! do not change, and the command line never writes a bar into a pipe.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::run_in_root;
use pool_model::scenario::{Values, load};
use pool_model::uncertainty::{self, Options, progress};
use pool_model::{SourceMap, project};

#[derive(Default)]
struct Count {
    total: AtomicU64,
    done: AtomicU64,
    finished: AtomicU64,
}

impl progress::Listener for Count {
    fn start(&self, total: u64) {
        self.total.fetch_add(total, Ordering::SeqCst);
    }
    fn advance(&self, n: u64) {
        self.done.fetch_add(n, Ordering::SeqCst);
    }
    fn finish(&self) {
        self.finished.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_listener_hears_every_draw_and_changes_nothing() {
    let mut sources = SourceMap::new();
    let s = load(
        &common::root().join(Path::new("scenarios/birmingham.toml")),
        &mut sources,
    )
    .unwrap();
    let central = project(&s, &Values::central(&s)).unwrap();
    let options = Options {
        draws: 20_000,
        seed: 7,
        percentiles: vec![10, 50, 90],
        precision: None,
    };
    let before = uncertainty::ranges(&s, &central, &options).unwrap();
    let count = Arc::new(Count::default());
    progress::listen(count.clone());
    let after = uncertainty::ranges(&s, &central, &options).unwrap();
    assert_eq!(before, after);
    assert_eq!(count.total.load(Ordering::SeqCst), 20_000);
    assert_eq!(count.done.load(Ordering::SeqCst), 20_000);
    assert_eq!(count.finished.load(Ordering::SeqCst), 1);
}

#[test]
fn no_bar_is_written_into_a_pipe() {
    // Long enough (well over the half second before a bar appears) that a
    // bar would show if the terminal check were missing.
    let ran = run_in_root(&[
        "project",
        "scenarios/bench/large.toml",
        "--draws",
        "300000",
        "--format",
        "csv",
    ])
    .status(0);
    assert_eq!(ran.stderr, "");
    assert!(!ran.stdout.contains('\u{1b}'));
}
