//! What an output path names, decided before anything is written.
//!
//! The rules (docs/limits.md, "What the tool reads and writes"):
//!
//! * missing, or a regular file the user may write: replaced atomically
//!   (a temporary file beside it, renamed over it when complete);
//! * a symbolic link (or a chain of them): followed, and what it names is
//!   treated by these rules; the link stays a link. A dangling link creates
//!   its target, as a shell's `>` would;
//! * a character device (`/dev/null`, a terminal) or a FIFO, and the
//!   descriptor aliases `/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`:
//!   written in place, never replaced;
//! * a regular file the user may not write (see [`writable_by`]), a
//!   directory, a block device or a socket: refused.

use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use super::OutputError;

/// How many symbolic links are followed before giving up, as the kernel's
/// own limit (`ELOOP`).
const MAX_LINKS: usize = 40;

/// Where and how an output is written.
#[derive(Debug)]
pub(super) enum Target {
    /// Written to a temporary file in `at`'s directory and renamed over
    /// `at`; `existing` is the file replaced, if there is one.
    Replace {
        at: PathBuf,
        existing: Option<Metadata>,
    },
    /// Opened and written where it is: a device, a FIFO or a descriptor
    /// alias. `append` for an alias of a regular file, so that a shell's
    /// `>>` is honoured and nothing before it is overwritten.
    InPlace { append: bool },
}

/// Decides how `path` (as the user gave it; `name` for messages) is
/// written, or why it is not.
pub(super) fn classify(path: &Path, name: &str) -> Result<Target, OutputError> {
    let io = |error| OutputError::Io {
        path: name.to_string(),
        error,
    };
    // `out/` names a directory, whatever is there (or is not).
    if path.to_string_lossy().ends_with('/') {
        return Err(OutputError::IsDirectory { path: name.into() });
    }
    match fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_dir() {
                return Err(OutputError::IsDirectory { path: name.into() });
            }
            if kind.is_file() {
                let at = match follow_links(path).map_err(io)? {
                    Followed::Descriptor => return Ok(Target::InPlace { append: true }),
                    Followed::Path(at) => at,
                };
                if !may_replace(&meta) {
                    return Err(OutputError::ReadOnly {
                        path: name.into(),
                        mode: mode(&meta),
                    });
                }
                return Ok(Target::Replace {
                    at,
                    existing: Some(meta),
                });
            }
            match special_kind(&meta) {
                Some(kind) => Err(OutputError::Special {
                    path: name.into(),
                    kind,
                }),
                None => Ok(Target::InPlace { append: false }),
            }
        }
        // Missing, or a link to something missing.
        Err(e) if e.kind() == io::ErrorKind::NotFound => match follow_links(path).map_err(io)? {
            Followed::Descriptor => Ok(Target::InPlace { append: true }),
            Followed::Path(at) => {
                check_directory(&at, name)?;
                Ok(Target::Replace { at, existing: None })
            }
        },
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => Err(OutputError::NotADirectory {
            path: name.into(),
            dir: first_non_directory(path).display().to_string(),
        }),
        Err(e) => Err(io(e)),
    }
}

/// The ancestor of `path` that is there but is not a directory (for
/// `b.toml/x/out.csv`, `b.toml`), else `path`'s directory.
fn first_non_directory(path: &Path) -> &Path {
    path.ancestors()
        .skip(1)
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        .unwrap_or_else(|| directory_of(path))
}

/// The directory a file `at` is in (`.` for a bare name).
pub(super) fn directory_of(at: &Path) -> &Path {
    match at.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Refuses a file whose directory is missing or not a directory.
pub(super) fn check_directory(at: &Path, name: &str) -> Result<(), OutputError> {
    let dir = directory_of(at);
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(OutputError::NotADirectory {
            path: name.into(),
            dir: dir.display().to_string(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => Err(OutputError::NotADirectory {
            path: name.into(),
            dir: dir.display().to_string(),
        }),
        Err(_) => Err(OutputError::MissingDirectory {
            path: name.into(),
            dir: dir.display().to_string(),
        }),
    }
}

/// Where a chain of symbolic links ends.
enum Followed {
    /// A path that is not a link (it may not exist).
    Path(PathBuf),
    /// A link in `/proc` (`/dev/stdout` ends there): it names an open
    /// descriptor, not a path, and is written through, never replaced.
    Descriptor,
}

/// Follows `path`'s last component through symbolic links to the path
/// that is not a link, so that a link is written through and stays a link.
fn follow_links(path: &Path) -> io::Result<Followed> {
    let mut at = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                if is_descriptor_link(&at) {
                    return Ok(Followed::Descriptor);
                }
                let to = fs::read_link(&at)?;
                // A relative link is relative to the directory it is in.
                at = directory_of(&at).join(to);
            }
            _ => return Ok(Followed::Path(at)),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a chain (a loop?)"
    )))
}

/// Whether a link lives in procfs, where links name open files rather
/// than paths (`/proc/self/fd/1` reads as `pipe:[1234]` or a file's path).
fn is_descriptor_link(link: &Path) -> bool {
    cfg!(target_os = "linux")
        && fs::canonicalize(directory_of(link)).is_ok_and(|d| d.starts_with("/proc"))
}

/// What kind of special file is refused, or `None` for one written in
/// place (a character device or a FIFO).
#[cfg(unix)]
fn special_kind(meta: &Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_char_device() || kind.is_fifo() {
        None
    } else if kind.is_block_device() {
        Some("a block device (a disk)")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        Some("a special file")
    }
}

#[cfg(not(unix))]
fn special_kind(_: &Metadata) -> Option<&'static str> {
    Some("a special file")
}

/// The permission bits, for messages.
#[cfg(unix)]
fn mode(meta: &Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(meta: &Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o666
    }
}

/// Whether the running user may replace this regular file.
#[cfg(unix)]
fn may_replace(meta: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    writable_by(meta.mode(), meta.uid(), meta.gid(), &User::current())
}

#[cfg(not(unix))]
fn may_replace(meta: &Metadata) -> bool {
    !meta.permissions().readonly()
}

/// Who is running: effective user, effective group, supplementary groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct User {
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
}

#[cfg(unix)]
impl User {
    fn current() -> User {
        // SAFETY: these calls only read the process's credentials; the
        // buffer passed to getgroups is as long as the count given.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let count = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
        let mut groups: Vec<libc::gid_t> = vec![0; usize::try_from(count).unwrap_or(0)];
        let got = unsafe { libc::getgroups(count.max(0), groups.as_mut_ptr()) };
        groups.truncate(usize::try_from(got).unwrap_or(0));
        User { uid, gid, groups }
    }
}

/// Whether `user` may write a file of this mode and owner, decided from
/// the permission bits as the kernel does for a shell's `>`: the owner's
/// bits for the owner, the group's for a member, the others' otherwise.
/// Root, whom the kernel lets write anything, is held to the bits too: a
/// file nobody may write (no `w` bit at all, `chmod a-w`) was made
/// read-only on purpose, and is not replaced even for root.
pub(super) fn writable_by(mode: u32, owner: u32, group: u32, user: &User) -> bool {
    let bit = if user.uid == 0 {
        0o222
    } else if user.uid == owner {
        0o200
    } else if user.gid == group || user.groups.contains(&group) {
        0o020
    } else {
        0o002
    };
    mode & bit != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(uid: u32, gid: u32, groups: &[u32]) -> User {
        User {
            uid,
            gid,
            groups: groups.to_vec(),
        }
    }

    #[test]
    fn root_may_write_a_file_someone_may_write_but_not_one_nobody_may() {
        let root = user(0, 0, &[]);
        assert!(writable_by(0o644, 1000, 1000, &root));
        assert!(writable_by(0o440 | 0o002, 1000, 1000, &root));
        assert!(!writable_by(0o444, 0, 0, &root));
        assert!(!writable_by(0o555, 1000, 1000, &root));
    }

    #[test]
    fn a_user_is_held_to_the_bits_of_their_class_only() {
        let alice = user(1000, 100, &[100, 200]);
        // The owner's bits, even when the group's or others' would allow.
        assert!(writable_by(0o600, 1000, 100, &alice));
        assert!(!writable_by(0o466, 1000, 100, &alice));
        // The group's bits for a member (effective or supplementary).
        assert!(writable_by(0o660, 0, 200, &alice));
        assert!(!writable_by(0o646, 0, 200, &alice));
        // The others' bits otherwise.
        assert!(!writable_by(0o664, 0, 0, &alice));
        assert!(writable_by(0o666, 0, 0, &alice));
    }

    #[cfg(unix)]
    #[test]
    fn a_chain_of_links_is_followed_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let end = dir.path().join("sub/end.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("sub/end.csv", dir.path().join("one")).unwrap();
        std::os::unix::fs::symlink("one", dir.path().join("two")).unwrap();
        match follow_links(&dir.path().join("two")).unwrap() {
            Followed::Path(at) => assert_eq!(at, end),
            Followed::Descriptor => panic!("not a descriptor"),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn dev_stdout_is_a_descriptor_alias() {
        assert!(matches!(
            follow_links(Path::new("/dev/stdout")).unwrap(),
            Followed::Descriptor
        ));
    }
}
