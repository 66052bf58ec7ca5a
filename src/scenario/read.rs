//! Reading a scenario file's bytes from disk, bounded.
//!
//! The first step of the flow (file -> bytes -> [`super::add_bytes`]). The
//! size limit is checked on the bytes actually read, never on what the file
//! system says: a FIFO, a pipe, `/dev/zero` or a `/proc` file reports a size
//! of 0 whatever it holds. At most [`MAX_FILE_BYTES`] + 1 bytes are read, so
//! an endless source stops at the limit in milliseconds and bounded memory.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::time::Duration;

use crate::error::Diagnostic;
use crate::limits::MAX_FILE_BYTES;

/// How long opening a FIFO may wait before a terminal is told why.
const FIFO_NOTICE_AFTER: Duration = Duration::from_millis(200);

/// Reads at most [`MAX_FILE_BYTES`] bytes of `path`; `name` is what a
/// diagnostic calls the file.
pub fn read_bounded(path: &Path, name: &str) -> Result<Vec<u8>, Diagnostic> {
    let metadata = std::fs::metadata(path).map_err(|e| io_diagnostic(name, &e))?;
    if metadata.is_dir() {
        return Err(Diagnostic::file(
            name,
            "is a directory, not a scenario file",
        ));
    }
    let file = if is_fifo(&metadata) {
        open_fifo(path, name)
    } else {
        std::fs::File::open(path)
    }
    .map_err(|e| io_diagnostic(name, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_diagnostic(name, &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(name));
    }
    Ok(bytes)
}

fn too_large(name: &str) -> Diagnostic {
    Diagnostic::file(
        name,
        format!(
            "is more than {MAX_FILE_BYTES} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes (4 MiB)"
        ),
    )
    .help("a scenario is a few kilobytes of TOML: check this is the right file")
}

#[cfg(unix)]
fn is_fifo(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    metadata.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::Metadata) -> bool {
    false
}

/// Opens a FIFO for reading. Opening blocks until something opens it for
/// writing; when that takes longer than [`FIFO_NOTICE_AFTER`] and stderr is
/// a terminal, the person at it is told what the tool is waiting for. (In
/// CI, with stderr a pipe or a file, the wait is silent: the job's own
/// timeout ends it.) A FIFO that already has a writer, such as
/// `<(generate)`, opens at once and says nothing.
fn open_fifo(path: &Path, name: &str) -> std::io::Result<std::fs::File> {
    let (sent, opened) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = sent.send(std::fs::File::open(owned));
    });
    if let Ok(result) = opened.recv_timeout(FIFO_NOTICE_AFTER) {
        return result;
    }
    if std::io::stderr().is_terminal() {
        eprintln!(
            "pool-model: waiting for a program to write to the FIFO {name} (press Ctrl-C to stop)"
        );
    }
    opened
        .recv()
        .unwrap_or_else(|_| Err(std::io::Error::other("the FIFO could not be opened")))
}

/// Why a path cannot be used, in a few words.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot be read: {e}"),
    }
}

fn io_diagnostic(name: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::file(name, io_reason(e))
}
