//! The progress bar of long Monte Carlo runs: drawn on stderr with
//! `indicatif`, only when stderr is a terminal (never into pipes, files or
//! CI logs), and only once a run has taken more than half a second, so
//! quick runs stay quiet.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::uncertainty::progress::{Listener, listen};

/// How long a run goes before its bar appears.
const QUIET_FOR: Duration = Duration::from_millis(500);

/// Installs the terminal bar if stderr is a terminal.
pub fn install() {
    if std::io::stderr().is_terminal() {
        listen(Arc::new(Terminal::default()));
    }
}

#[derive(Default)]
struct Terminal {
    run: Mutex<Option<Run>>,
}

struct Run {
    began: Instant,
    bar: ProgressBar,
    shown: bool,
}

impl Listener for Terminal {
    fn start(&self, total: u64) {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:24.cyan/blue} {percent:>3}% of {human_len} Monte Carlo draws, {eta} left",
        ) {
            bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
        }
        if let Ok(mut run) = self.run.lock() {
            *run = Some(Run {
                began: Instant::now(),
                bar,
                shown: false,
            });
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(mut guard) = self.run.lock() {
            if let Some(run) = guard.as_mut() {
                run.bar.inc(n);
                if !run.shown && run.began.elapsed() >= QUIET_FOR {
                    run.bar.set_draw_target(ProgressDrawTarget::stderr());
                    run.shown = true;
                }
            }
        }
    }

    fn finish(&self) {
        if let Ok(mut guard) = self.run.lock() {
            if let Some(run) = guard.take() {
                run.bar.finish_and_clear();
            }
        }
    }
}
