//! Writing results: to stdout, or to a file (`-o`), never damaging what
//! the user has.
//!
//! What `-o PATH` does depends on what `PATH` names ([`target`]): a new
//! or regular file is written to a temporary file in the same directory
//! and renamed over the target only when complete, so a failed run never
//! leaves a half-written output, never damages an existing file, and
//! leaves no stray temporary file (it is removed when dropped, and on
//! SIGINT, SIGTERM or SIGHUP: [`interrupt`]). A symbolic link is written
//! through (it stays a link); a character device or a FIFO is written in
//! place; a read-only file, a directory, a block device or a socket is
//! refused. Every refusal and every write error names the path (exit 2).
//!
//! For tests only, debug builds read `POOL_MODEL_TEST_PAUSE_BEFORE_RENAME`
//! (milliseconds): the writer sleeps that long with its temporary file
//! complete and not yet renamed, so a test can signal it at that moment.

mod interrupt;
mod target;

use std::io::Write;
use std::path::Path;

use target::Target;

/// Why an output could not be written; names the path.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{path}: cannot write: the directory `{dir}` does not exist\n  = help: create it first, or write somewhere else"
    )]
    MissingDirectory { path: String, dir: String },
    #[error(
        "{path}: cannot write: `{dir}` is not a directory\n  = help: check the path: `{dir}` is a file, so nothing can be written inside it"
    )]
    NotADirectory { path: String, dir: String },
    #[error("{path} already exists: pool-model will not overwrite it")]
    Exists { path: String },
    #[error(
        "{path}: cannot write: it is a directory (or ends in `/`)\n  = help: name a file, not a directory"
    )]
    IsDirectory { path: String },
    #[error(
        "{path}: cannot write: the file is read-only (mode {mode:04o}); pool-model will not replace it\n  = help: make it writable first (chmod u+w {path}), or write to another file"
    )]
    ReadOnly { path: String, mode: u32 },
    #[error(
        "{path}: cannot write: it is {kind}, not a file\n  = help: write to a regular file (or a FIFO, or a character device such as /dev/null)"
    )]
    Special { path: String, kind: &'static str },
    #[error(
        "{path}: cannot write: it is the input {input}, which this run reads; pool-model will not write its results over an input\n  = help: {help}"
    )]
    IsInput {
        path: String,
        input: String,
        help: &'static str,
    },
    #[error("{path}: cannot write: {error}")]
    Io { path: String, error: std::io::Error },
}

/// Writes `bytes` to `path`, or to stdout when `path` is `None` or `-`.
/// A closed stdout pipe (`| head`) is not an error.
pub fn write(bytes: &[u8], path: Option<&Path>) -> Result<(), OutputError> {
    match path {
        Some(p) if p != Path::new("-") => write_file(bytes, p),
        _ => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(OutputError::Io {
                    path: "stdout".into(),
                    error: e,
                }),
                Ok(()) => Ok(()),
            }
        }
    }
}

/// Writes `bytes` to a new file at `path`, atomically, refusing to replace
/// anything already there (even if it appears while writing).
pub fn write_new(bytes: &[u8], path: &Path) -> Result<(), OutputError> {
    let name = path.display().to_string();
    if path.symlink_metadata().is_ok() {
        return Err(OutputError::Exists { path: name });
    }
    target::check_directory(path, &name)?;
    write_atomically(|w| w.write_all(bytes), path, None, false, &name)
}

/// Checks that `path` may be written by [`write`], without writing it: the
/// same refusals (a read-only file, a folder, a block device, a socket, a
/// loop of links), so a command writing several files can refuse before
/// writing any of them.
pub fn check_writable(path: &Path) -> Result<(), OutputError> {
    target::classify(path, &path.display().to_string()).map(drop)
}

/// Refuses an output `path` that is the same file (by device and inode,
/// however it is spelt: another name, a symbolic or a hard link) as one
/// of `inputs`. For `-`, the file standard output is open on is checked
/// ([`refuse_stdout_inputs`]).
pub fn refuse_inputs<'a>(
    path: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), OutputError> {
    if path == Path::new("-") {
        return refuse_stdout_inputs(inputs);
    }
    match inputs.into_iter().find(|input| same_file(path, input)) {
        Some(input) => Err(OutputError::IsInput {
            path: path.display().to_string(),
            input: input.display().to_string(),
            help: "write the results to another file",
        }),
        None => Ok(()),
    }
}

/// Refuses to write results to standard output when it is open on one of
/// `inputs` (`>> base.toml`, `1<> base.toml`): a shell's `>` has already
/// emptied the file before the run starts, but appending to an input or
/// writing over it in place is stopped here, before anything is written.
pub fn refuse_stdout_inputs<'a>(
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), OutputError> {
    let Some(stdout) = stdout_identity() else {
        return Ok(());
    };
    let found = inputs
        .into_iter()
        .find(|input| std::fs::metadata(input).is_ok_and(|m| identity(&m) == stdout));
    match found {
        Some(input) => Err(OutputError::IsInput {
            path: "stdout".to_string(),
            input: input.display().to_string(),
            help: "write the results to another file, e.g. -o results.csv",
        }),
        None => Ok(()),
    }
}

/// The file standard output is open on, when it is a regular file.
#[cfg(unix)]
fn stdout_identity() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then(|| identity(&meta))
}

#[cfg(not(unix))]
fn stdout_identity() -> Option<(u64, u64)> {
    None
}

/// Whether two paths name the same existing file (links followed).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => identity(&x) == identity(&y),
        _ => false,
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    // No inode numbers: files of the same length and modification time.
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    (meta.len(), modified)
}

fn write_file(bytes: &[u8], path: &Path) -> Result<(), OutputError> {
    write_streamed(path, |w| w.write_all(bytes))
}

/// Writes to the file `path` (never stdout) what `fill` writes, with
/// [`write`]'s care: a regular file is written to a temporary file renamed
/// over it only when `fill` has finished without error, so output too
/// large to hold in memory (`--draws-out`) is written as it is made.
pub fn write_streamed(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let name = path.display().to_string();
    match target::classify(path, &name)? {
        Target::Replace { at, existing } => {
            write_atomically(fill, &at, existing.as_ref(), true, &name)
        }
        Target::InPlace { append } => write_in_place(fill, path, append, &name),
    }
}

/// Writes into a device, FIFO or descriptor alias where it is: opened for
/// writing, never created, truncated or replaced.
fn write_in_place(
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    path: &Path,
    append: bool,
    name: &str,
) -> Result<(), OutputError> {
    let io = |error| OutputError::Io {
        path: name.to_string(),
        error,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).append(append);
    // A terminal named by -o must not become the controlling terminal.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(io)?;
    let mut out = std::io::BufWriter::new(file);
    fill(&mut out).and_then(|()| out.flush()).map_err(io)
}

/// Writes a temporary file beside `at` and renames it over `at` (or, when
/// `replace` is false, to `at` only if nothing is there).
fn write_atomically(
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    at: &Path,
    existing: Option<&std::fs::Metadata>,
    replace: bool,
    name: &str,
) -> Result<(), OutputError> {
    let io = |error| OutputError::Io {
        path: name.to_string(),
        error,
    };
    let dir = target::directory_of(at);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".pool-model-").suffix(".tmp");
    // A temporary file is private (0600); the output should not be. A new
    // file gets what `>` would give it (0666 less the umask), a replaced
    // file keeps its permissions and, where the user may give it, its
    // owner and group.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = interrupt::create(|| builder.tempfile_in(dir)).map_err(|e| OutputError::Io {
        path: name.to_string(),
        error: std::io::Error::new(
            e.kind(),
            format!(
                "cannot create a temporary file in `{}`: {}",
                dir.display(),
                plain(&e)
            ),
        ),
    })?;
    let file = temp
        .as_file_mut()
        .ok_or_else(|| io(std::io::Error::other("the temporary file is gone")))?;
    if let Some(existing) = existing {
        keep_owner_and_mode(file, existing).map_err(io)?;
    }
    {
        let mut out = std::io::BufWriter::new(&mut *file);
        fill(&mut out).and_then(|()| out.flush()).map_err(io)?;
    }
    file.sync_all().map_err(io)?;
    pause_for_tests();
    temp.persist(at, replace).map_err(|e| {
        if !replace && e.kind() == std::io::ErrorKind::AlreadyExists {
            OutputError::Exists {
                path: name.to_string(),
            }
        } else {
            io(e)
        }
    })
}

/// Gives the temporary file the replaced file's owner and group (best
/// effort: only root may give a file away) and then its mode.
#[cfg(unix)]
fn keep_owner_and_mode(file: &std::fs::File, existing: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let ours = file.metadata()?;
    if (ours.uid(), ours.gid()) != (existing.uid(), existing.gid())
        && std::os::unix::fs::fchown(file, Some(existing.uid()), Some(existing.gid())).is_err()
    {
        let _ = std::os::unix::fs::fchown(file, None, Some(existing.gid()));
    }
    file.set_permissions(existing.permissions())
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &std::fs::File, existing: &std::fs::Metadata) -> std::io::Result<()> {
    file.set_permissions(existing.permissions())
}

/// An I/O error's message without tempfile's "at path ..." suffix.
fn plain(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" at path ") {
        Some(at) => text.get(..at).unwrap_or(&text).to_string(),
        None => text,
    }
}

/// The test-only pause (module docs); nothing in release builds.
fn pause_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("POOL_MODEL_TEST_PAUSE_BEFORE_RENAME")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write(b"a,b\n", Some(&path)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scenario.toml");
        write_new(b"first", &path).unwrap();
        let err = write_new(b"second", &path).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_not_private_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.svg");
        write(b"<svg/>", Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // What a plain create (and `>`) gives under this umask.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, b"").unwrap();
        let expected = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expected, "{mode:o} vs {expected:o}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(b"<svg></svg>", Some(&path)).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nowhere/out.csv");
        let err = write(b"x", Some(&path)).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        assert!(err.contains("out.csv"), "{err}");
    }

    #[test]
    fn an_input_is_refused_by_identity_not_by_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("b.toml");
        std::fs::write(&input, b"[scenario]\n").unwrap();
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&input, &hard).unwrap();
        let dotted = dir.path().join(".").join("b.toml");
        for out in [&input, &hard, &dotted] {
            let err = refuse_inputs(out, [input.as_path()]).unwrap_err();
            assert!(matches!(err, OutputError::IsInput { .. }), "{err}");
        }
        let other = dir.path().join("out.csv");
        assert!(refuse_inputs(&other, [input.as_path()]).is_ok());
        std::fs::write(&other, b"x").unwrap();
        assert!(refuse_inputs(&other, [input.as_path()]).is_ok());
        assert!(refuse_inputs(Path::new("-"), [input.as_path()]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_refused_and_left_as_it_was() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, b"keep").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = write(b"new", Some(&path)).unwrap_err();
        assert!(
            matches!(err, OutputError::ReadOnly { mode: 0o444, .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"keep");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write(b"new", Some(&link)).unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
