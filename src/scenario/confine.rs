//! Where a base scenario may come from (`extends`, SPEC 2.3).
//!
//! A base is read only when it is a regular `.toml` file that resolves
//! (symlinks followed) inside an allowed folder: the folder the run started
//! in, the top scenario's own folder, or a folder inside either. Everything
//! is decided before the base is opened, so nothing of a refused file (an
//! env file, `/proc/self/environ`, a key) can reach a diagnostic, and no
//! FIFO or device is ever opened as a base.
//!
//! [`admit`] is the rule, pure; where a path leads is the job of the
//! [`super::merge::Files`] in use, so files on disk and the in-memory files
//! of the fuzz harness meet the same rule.

use std::path::{Path, PathBuf};

/// What a resolved path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    Directory,
    /// A FIFO, a device or a socket.
    Other,
}

/// A path with every symlink and `..` followed, and what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub path: PathBuf,
    pub kind: Kind,
}

/// Why a base is not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The path as written does not end in `.toml`.
    NotToml,
    /// The path leads nowhere: no such file, permission denied, ...
    Unresolved(String),
    /// The path leads out of every allowed folder.
    Outside,
    Directory,
    /// A FIFO, a device or a socket.
    NotRegular,
    /// A symlink (or a path through one) to a file not named `.toml`.
    LinksToNonToml,
}

/// A file name that ends in `.toml` (in any case).
pub fn is_toml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
}

/// Decides whether the base written as `written` may be read, and if so
/// returns the resolved path to read. `resolve` is only asked when the
/// name is acceptable; `roots` are the allowed folders, resolved.
pub fn admit(
    written: &Path,
    resolve: impl FnOnce() -> Result<Resolved, String>,
    roots: &[PathBuf],
) -> Result<PathBuf, Refusal> {
    if !is_toml(written) {
        return Err(Refusal::NotToml);
    }
    let resolved = resolve().map_err(Refusal::Unresolved)?;
    if !roots.iter().any(|root| resolved.path.starts_with(root)) {
        return Err(Refusal::Outside);
    }
    match resolved.kind {
        Kind::Directory => Err(Refusal::Directory),
        Kind::Other => Err(Refusal::NotRegular),
        Kind::File if !is_toml(&resolved.path) => Err(Refusal::LinksToNonToml),
        Kind::File => Ok(resolved.path),
    }
}

impl Refusal {
    /// Why, in a few words, after "cannot read the base scenario PATH: ".
    pub fn reason(&self) -> String {
        match self {
            Refusal::NotToml => "its name does not end in .toml".to_string(),
            Refusal::Unresolved(why) => why.clone(),
            Refusal::Outside => "it is outside the folders a base may come from".to_string(),
            Refusal::Directory => "it is a directory".to_string(),
            Refusal::NotRegular => {
                "it is not a regular file (a FIFO, a device or a socket)".to_string()
            }
            Refusal::LinksToNonToml => {
                "it is a link to a file whose name does not end in .toml".to_string()
            }
        }
    }

    /// How to fix it; `roots` are the allowed folders.
    pub fn help(&self, roots: &[PathBuf]) -> String {
        match self {
            Refusal::NotToml | Refusal::LinksToNonToml => {
                "a base is a scenario file named NAME.toml; `extends` reads nothing else"
                    .to_string()
            }
            Refusal::Unresolved(_) => {
                "`extends` is a path relative to the file that extends".to_string()
            }
            Refusal::Outside => format!(
                "a base must be inside the folder the run started in or the scenario's own folder ({}): copy the base next to the scenario, or run from a folder that contains both",
                roots
                    .iter()
                    .map(|r| r.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Refusal::Directory | Refusal::NotRegular => {
                "`extends` names a scenario file, e.g. extends = \"birmingham.toml\"".to_string()
            }
        }
    }
}

/// Where `path` leads on disk, and what is there.
pub fn resolve_on_disk(path: &Path) -> Result<Resolved, String> {
    let path = std::fs::canonicalize(path).map_err(|e| super::read::io_reason(&e))?;
    let metadata = std::fs::metadata(&path).map_err(|e| super::read::io_reason(&e))?;
    let kind = if metadata.is_file() {
        Kind::File
    } else if metadata.is_dir() {
        Kind::Directory
    } else {
        Kind::Other
    };
    Ok(Resolved { path, kind })
}

/// The allowed folders on disk, resolved: the current folder and the
/// folder of the top scenario `top` (those that resolve).
pub fn roots_on_disk(top: &Path) -> Vec<PathBuf> {
    let folder = match top.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut roots: Vec<PathBuf> = [std::env::current_dir().ok(), Some(folder)]
        .into_iter()
        .flatten()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    roots.dedup();
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> impl FnOnce() -> Result<Resolved, String> {
        let path = PathBuf::from(path);
        move || {
            Ok(Resolved {
                path,
                kind: Kind::File,
            })
        }
    }

    fn roots() -> Vec<PathBuf> {
        vec![PathBuf::from("/run"), PathBuf::from("/run/scenarios")]
    }

    #[test]
    fn a_toml_file_inside_a_root_is_admitted() {
        assert_eq!(
            admit(
                Path::new("base.toml"),
                file("/run/scenarios/base.toml"),
                &roots()
            ),
            Ok(PathBuf::from("/run/scenarios/base.toml"))
        );
    }

    #[test]
    fn a_name_not_ending_in_toml_is_refused_before_it_is_resolved() {
        let refused = admit(
            Path::new("/proc/self/environ"),
            || panic!("resolved a refused name"),
            &roots(),
        );
        assert_eq!(refused, Err(Refusal::NotToml));
    }

    #[test]
    fn a_file_outside_every_root_is_refused() {
        assert_eq!(
            admit(Path::new("../x.toml"), file("/x.toml"), &roots()),
            Err(Refusal::Outside)
        );
        // A root is a whole folder name, not a prefix of one.
        assert_eq!(
            admit(Path::new("x.toml"), file("/running/x.toml"), &roots()),
            Err(Refusal::Outside)
        );
    }

    #[test]
    fn a_link_to_a_file_not_named_toml_is_refused() {
        assert_eq!(
            admit(Path::new("env.toml"), file("/run/.env"), &roots()),
            Err(Refusal::LinksToNonToml)
        );
    }

    #[test]
    fn directories_and_fifos_are_refused() {
        for (kind, why) in [
            (Kind::Directory, Refusal::Directory),
            (Kind::Other, Refusal::NotRegular),
        ] {
            let resolved = || {
                Ok(Resolved {
                    path: PathBuf::from("/run/b.toml"),
                    kind,
                })
            };
            assert_eq!(admit(Path::new("b.toml"), resolved, &roots()), Err(why));
        }
    }

    #[test]
    fn the_extension_is_matched_in_any_case() {
        assert!(is_toml(Path::new("BASE.TOML")));
        assert!(!is_toml(Path::new("base.toml.bak")));
        assert!(!is_toml(Path::new(".toml")));
    }
}
