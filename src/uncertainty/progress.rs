//! Progress of Monte Carlo runs, reported to whoever listens (the command
//! line draws a bar on a terminal; nothing listens by default).
//!
//! Reporting never changes a result: draws are the same whether or not a
//! listener is installed, and a listener only counts them.

use std::sync::{Arc, RwLock};

/// Something told how far a Monte Carlo run has got.
pub trait Listener: Send + Sync {
    /// A run of `total` draw-passes begins (draws times passes over them).
    fn start(&self, total: u64);
    /// `n` more draws are done.
    fn advance(&self, n: u64);
    /// The run is over.
    fn finish(&self);
}

static LISTENER: RwLock<Option<Arc<dyn Listener>>> = RwLock::new(None);

/// Installs the listener for every later run in this process.
pub fn listen(listener: Arc<dyn Listener>) {
    if let Ok(mut slot) = LISTENER.write() {
        *slot = Some(listener);
    }
}

fn with(f: impl FnOnce(&dyn Listener)) {
    if let Ok(slot) = LISTENER.read() {
        if let Some(l) = slot.as_deref() {
            f(l);
        }
    }
}

pub(crate) fn start(total: u64) {
    with(|l| l.start(total));
}

pub(crate) fn advance(n: u64) {
    with(|l| l.advance(n));
}

pub(crate) fn finish() {
    with(|l| l.finish());
}
