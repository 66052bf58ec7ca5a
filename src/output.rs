//! Writing results: to stdout, or atomically to a file (`-o`).
//!
//! A file is written to a temporary file in the same directory and renamed
//! over the target only when complete, so a failed run never leaves a
//! half-written output, never damages an existing file, and leaves no stray
//! temporary file (it is removed when dropped).

use std::io::Write;
use std::path::Path;

/// Why an output could not be written; names the path.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: cannot write: the directory `{dir}` does not exist")]
    MissingDirectory { path: String, dir: String },
    #[error("{path}: cannot write: `{dir}` is not a directory")]
    NotADirectory { path: String, dir: String },
    #[error("{path} already exists: pool-model will not overwrite it")]
    Exists { path: String },
    #[error("{path}: cannot write: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` atomically, or to stdout when `path` is `None`
/// or `-`. A closed stdout pipe (`| head`) is not an error.
pub fn write(bytes: &[u8], path: Option<&Path>) -> Result<(), OutputError> {
    match path {
        Some(p) if p != Path::new("-") => write_file(bytes, p),
        _ => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(OutputError::Io {
                    path: "stdout".into(),
                    source: e,
                }),
                Ok(()) => Ok(()),
            }
        }
    }
}

/// Writes `bytes` to a new file at `path`, atomically, refusing to replace
/// anything already there (even if it appears while writing).
pub fn write_new(bytes: &[u8], path: &Path) -> Result<(), OutputError> {
    write_to(bytes, path, false)
}

fn write_file(bytes: &[u8], path: &Path) -> Result<(), OutputError> {
    write_to(bytes, path, true)
}

fn write_to(bytes: &[u8], path: &Path, replace: bool) -> Result<(), OutputError> {
    let name = path.display().to_string();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::NotADirectory {
            path: name,
            dir: dir.display().to_string(),
        });
    }
    if !dir.is_dir() {
        return Err(OutputError::MissingDirectory {
            path: name,
            dir: dir.display().to_string(),
        });
    }
    let io = |source| OutputError::Io {
        path: name.clone(),
        source,
    };
    if path.is_dir() {
        return Err(io(std::io::Error::other("it is a directory")));
    }
    if !replace && path.symlink_metadata().is_ok() {
        return Err(OutputError::Exists { path: name });
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".pool-model-").suffix(".tmp");
    // A temporary file is private (0600); the output should not be. A new
    // file gets what `>` would give it (0666 less the umask), a replaced
    // file keeps its permissions.
    #[cfg(unix)]
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(io)?;
    #[cfg(unix)]
    if let Some(permissions) = existing {
        temp.as_file().set_permissions(permissions).map_err(io)?;
    }
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    if replace {
        temp.persist(path).map_err(|e| io(e.error))?;
    } else {
        temp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                OutputError::Exists { path: name.clone() }
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
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
}
