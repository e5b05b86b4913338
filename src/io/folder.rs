//! Writing an output folder whole or not at all: every file goes into a temporary
//! sibling folder (`.NAME.tmp-PID`), which takes the folder's place only when all are
//! complete. A failure part-way (a full disk, a file over a size limit) or an
//! interrupt (see `crate::stop`) leaves the folder as it was and no temporary folder.

use crate::stop::Writing;
use std::io;
use std::path::{Path, PathBuf};

/// How the finished temporary folder takes the place of `out`.
#[derive(Debug, Clone, Copy)]
pub enum Commit<'a> {
    /// Moves these files into `out` one by one (each rename atomic), leaving every
    /// other file there alone; a new `out` is the temporary folder renamed.
    Merge(&'a [&'a str]),
    /// Replaces `out` whole: the old folder is moved aside, the new one renamed in,
    /// then the old one removed.
    Replace,
}

/// A write that failed: the path it was writing (as it would be in place, not in the
/// temporary folder, when the failing file is known) and the I/O error.
#[derive(Debug)]
pub struct FolderError {
    /// The file or folder being written.
    pub path: PathBuf,
    /// The I/O error.
    pub error: io::Error,
}

/// A file named in an I/O error, so that `write_folder` can say which file failed.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
struct InFile {
    name: PathBuf,
    error: io::Error,
}

/// Tags `error` with the file (in the temporary folder) it happened on.
pub fn in_file(path: &Path, error: io::Error) -> io::Error {
    let name = path.file_name().map_or_else(PathBuf::new, PathBuf::from);
    io::Error::new(error.kind(), InFile { name, error })
}

/// Writes `bytes` as `name` in the temporary folder `dir`, tagging an error with the
/// file (and honouring the test hook of `crate::stop`).
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).map_err(|e| in_file(&p, e))?;
    crate::stop::test_pause_after_file();
    Ok(())
}

/// The failing file in place in `out` when `error` names one, else `out`.
fn locate(out: &Path, error: io::Error) -> FolderError {
    if !error.get_ref().is_some_and(|inner| inner.is::<InFile>()) {
        return FolderError {
            path: out.to_path_buf(),
            error,
        };
    }
    let kind = error.kind();
    match error.into_inner().map(|inner| inner.downcast::<InFile>()) {
        Some(Ok(f)) => FolderError {
            path: out.join(f.name),
            error: f.error,
        },
        // Checked above to be an `InFile`; kept total all the same.
        _ => FolderError {
            path: out.to_path_buf(),
            error: kind.into(),
        },
    }
}

/// Runs `fill` on a new temporary sibling folder of `out`, then puts its files in
/// place as `commit` says: `out` either keeps its old content or holds everything
/// `fill` wrote, never a part. When `fill` or the commit fails, the temporary folder
/// is removed. The caller checks beforehand whether `out` may be written at all.
pub fn write_folder(
    out: &Path,
    commit: Commit,
    fill: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<(), FolderError> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(at(&parent))?;
    let base = out
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{base}.tmp-{}", std::process::id()));
    // Held until the files are in place; dropping it removes what is left of `tmp`.
    let _writing = Writing::begin(&tmp);
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(at(&tmp))?;
    }
    // Named as the folder the user asked for: the temporary one is ours.
    std::fs::create_dir(&tmp).map_err(at(out))?;
    fill(&tmp).map_err(|e| locate(out, e))?;
    match commit {
        Commit::Merge(names) => merge(&tmp, out, names),
        Commit::Replace => replace(&tmp, out, &parent, &base),
    }
}

/// Maps an I/O error to a `FolderError` at `path`.
fn at(path: &Path) -> impl FnOnce(io::Error) -> FolderError + '_ {
    move |error| FolderError {
        path: path.to_path_buf(),
        error,
    }
}

fn merge(tmp: &Path, out: &Path, names: &[&str]) -> Result<(), FolderError> {
    if !out.exists() && std::fs::rename(tmp, out).is_ok() {
        return Ok(());
    }
    std::fs::create_dir_all(out).map_err(at(out))?;
    for name in names {
        let (from, to) = (tmp.join(name), out.join(name));
        std::fs::rename(&from, &to).map_err(at(&to))?;
    }
    std::fs::remove_dir(tmp).map_err(at(tmp))
}

fn replace(tmp: &Path, out: &Path, parent: &Path, base: &str) -> Result<(), FolderError> {
    if !out.exists() {
        return std::fs::rename(tmp, out).map_err(at(out));
    }
    let old = parent.join(format!(".{base}.old-{}", std::process::id()));
    std::fs::rename(out, &old).map_err(at(out))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(at(out)(e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// What a write error says to do, Japanese first, by its kind: a full disk or a
/// size limit asks for space or another place; anything else for another place.
pub fn write_advice(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::FileTooLarge | io::ErrorKind::QuotaExceeded => {
            "ディスクの空きが足りないか、ファイルの大きさの上限を超えました。空きを作るか別の出力先を選んでください \
             / the disk is full or the file is over a size limit: free some space or choose another output folder"
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "この場所には書き込めません。別の出力先を選んでください / this place cannot be written: choose another output folder"
        }
        _ => "別の出力先を選んでください / choose another output folder",
    }
}

impl std::fmt::Display for FolderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "書き込めません / cannot write {}: {} — {}",
            self.path.display(),
            self.error,
            write_advice(&self.error)
        )
    }
}

/// No `source`: the message already holds the I/O error, and a printed chain would
/// repeat it.
impl std::error::Error for FolderError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that cannot be written is named as it would be in place; an existing
    /// folder stays as it was and no temporary folder is left, under either commit.
    #[test]
    fn a_failing_file_is_named_in_place_and_the_old_folder_stays() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("old");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("keep.txt"), "mine").unwrap();
        for commit in [Commit::Replace, Commit::Merge(&["a.csv", "b.csv"])] {
            let e = write_folder(&out, commit, |tmp| {
                write_file(tmp, "a.csv", b"1")?;
                write_file(tmp, "missing/b.csv", b"2")
            })
            .unwrap_err();
            assert_eq!(e.path, out.join("b.csv"), "{e}");
            assert!(e.to_string().contains("cannot write"), "{e}");
            assert_eq!(
                std::fs::read_to_string(out.join("keep.txt")).unwrap(),
                "mine"
            );
            assert!(!out.join("a.csv").exists());
            let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
            assert_eq!(left.len(), 1, "no temporary folder: {left:?}");
        }
    }

    #[test]
    fn replace_swaps_the_whole_folder_and_merge_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("keep.txt"), "mine").unwrap();
        write_folder(&out, Commit::Merge(&["a.csv"]), |t| {
            write_file(t, "a.csv", b"1")
        })
        .unwrap();
        assert!(out.join("keep.txt").exists() && out.join("a.csv").exists());
        write_folder(&out, Commit::Replace, |t| write_file(t, "b.csv", b"2")).unwrap();
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b.csv"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
