//! Signals while an output is being written: SIGINT, SIGTERM or SIGHUP
//! must leave no temporary file behind and the old output intact.
//!
//! A temporary file exists only between [`create`] and the end of
//! [`Temp::persist`] (or its drop), and it is registered here, under one
//! lock, from the moment it is created. The first output written installs
//! a handler thread (`signal-hook`) for the three signals; on a signal it
//! marks the signal pending, takes the lock, removes any registered
//! temporary file, and ends the process as the signal would have (so a
//! shell sees 128 + the signal's number). The writer takes the same lock
//! for the rename and does not rename once a signal is pending: it removes
//! its temporary file and ends the same way. So an old output is either
//! replaced whole, by a rename that began before the signal, or left as it
//! was. Before the first output, and between outputs, the signals keep
//! their default action: nothing of ours is on disk to clean up.
//!
//! SIGKILL cannot be caught: a `.pool-model-*.tmp` file may then be left
//! beside the output (the output itself is still never half-written).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

use tempfile::NamedTempFile;

/// The temporary file that exists now, if any.
static REGISTERED: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The signal received, or 0.
static PENDING: AtomicI32 = AtomicI32::new(0);

fn registry() -> MutexGuard<'static, Option<PathBuf>> {
    // A panic while the lock was held leaves nothing inconsistent: the
    // value is a path or none.
    REGISTERED.lock().unwrap_or_else(|e| e.into_inner())
}

/// A registered temporary file: removed (and unregistered) when dropped,
/// under the lock, unless persisted.
pub(super) struct Temp {
    file: Option<NamedTempFile>,
}

/// Creates a temporary file with `make` and registers it, both under the
/// lock, so there is no moment when it exists unregistered.
pub(super) fn create(make: impl FnOnce() -> io::Result<NamedTempFile>) -> io::Result<Temp> {
    install();
    let mut registered = registry();
    let file = make()?;
    *registered = Some(file.path().to_path_buf());
    Ok(Temp { file: Some(file) })
}

impl Temp {
    pub(super) fn as_file_mut(&mut self) -> Option<&mut std::fs::File> {
        self.file.as_mut().map(NamedTempFile::as_file_mut)
    }

    /// Renames the temporary file to `to` (replacing it, or only if absent
    /// when `replace` is false), unless a signal has arrived.
    pub(super) fn persist(mut self, to: &Path, replace: bool) -> io::Result<()> {
        let mut registered = registry();
        let Some(file) = self.file.take() else {
            return Err(io::Error::other("the temporary file is gone"));
        };
        let signal = PENDING.load(Ordering::SeqCst);
        if signal != 0 {
            drop(file);
            *registered = None;
            die(signal);
        }
        let persisted = if replace {
            file.persist(to).map(drop)
        } else {
            file.persist_noclobber(to).map(drop)
        };
        *registered = None;
        // A failed rename hands the file back; dropping it removes it, still
        // under the lock.
        persisted.map_err(|e| e.error)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut registered = registry();
            drop(file);
            *registered = None;
        }
    }
}

/// Installs the handler thread, once.
#[cfg(unix)]
fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Without the handler the signals keep their default action: an
        // interrupted write may then leave its temporary file (never a
        // half-written output).
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    PENDING.store(signal, Ordering::SeqCst);
                    let mut registered = registry();
                    if let Some(path) = registered.take() {
                        let _ = std::fs::remove_file(path);
                    }
                    die(signal);
                }
            });
    });
}

#[cfg(not(unix))]
fn install() {}

/// Ends the process as `signal`'s default action would (with the lock
/// still held by the caller, so no temporary file can appear).
fn die(signal: i32) -> ! {
    #[cfg(unix)]
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal)
}
