//! Output folders: never inside the dataset, written whole or not at all.

use crate::io::folder::{write_file, write_folder, Commit, FolderError};
use std::path::{Component, Path, PathBuf};
use thiserror::Error;

/// Why an output folder was not written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The output folder is the dataset folder or inside it.
    #[error("refusing to write into the dataset folder: {out} is inside {dataset}; choose another --out")]
    InsideDataset {
        /// The output folder, resolved.
        out: PathBuf,
        /// The dataset folder, resolved.
        dataset: PathBuf,
    },
    /// A path could not be resolved.
    #[error("{path}: {error}")]
    Io {
        /// The path being resolved.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// Creating, writing or renaming failed (nothing was changed).
    #[error(transparent)]
    Write(#[from] FolderError),
    /// The plan workbook could not be made (nothing is written).
    #[error("plan.xlsx: {0}")]
    Workbook(#[from] super::workbook::WorkbookError),
    /// The output path is a file.
    #[error("{0} exists and is not a folder; choose another --out")]
    NotADirectory(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// An absolute, symlink-resolved form of a path that may not exist yet: its longest
/// existing ancestor canonicalised, the rest appended.
fn resolve(p: &Path) -> Result<PathBuf, OutputError> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_err(io(p))?.join(p)
    };
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                let comp = Path::new(part);
                match comp.components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::CurDir) | None => {}
                    _ => out.push(part),
                }
            }
            return Ok(out);
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            // A trailing `..` or `.`: keep walking up without losing it.
            (Some(parent), None) => {
                rest.push(
                    cur.components()
                        .next_back()
                        .map(|c| c.as_os_str().to_os_string())
                        .unwrap_or_default(),
                );
                cur = parent;
            }
            _ => return Ok(abs),
        }
    }
}

/// Refuses an output folder that is the dataset folder or inside it.
pub fn ensure_outside(dataset_dir: &Path, out_dir: &Path) -> Result<(), OutputError> {
    let dataset = resolve(dataset_dir)?;
    let out = resolve(out_dir)?;
    if out.starts_with(&dataset) {
        return Err(OutputError::InsideDataset { out, dataset });
    }
    Ok(())
}

/// Writes every file into a temporary folder beside `out_dir`, then moves them in: the
/// whole folder by one rename when `out_dir` is new, else file by file (each rename
/// atomic), leaving other files in an existing folder alone (`io::folder`).
pub fn write_files(out_dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(OutputError::NotADirectory(out_dir.to_path_buf()));
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    write_folder(out_dir, Commit::Merge(&names), |tmp| {
        files
            .iter()
            .try_for_each(|(name, bytes)| write_file(tmp, name, bytes))
    })?;
    Ok(files.iter().map(|(n, _)| out_dir.join(n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_inside_the_dataset_is_refused_even_through_dots() {
        let dir = tempfile::tempdir().unwrap();
        let ds = dir.path().join("ward");
        std::fs::create_dir(&ds).unwrap();
        assert!(ensure_outside(&ds, &ds).is_err());
        assert!(ensure_outside(&ds, &ds.join("out/x")).is_err());
        assert!(ensure_outside(&ds, &dir.path().join("other/../ward/new")).is_err());
        assert!(ensure_outside(&ds, &dir.path().join("out")).is_ok());
        assert!(ensure_outside(&ds, &dir.path().join("ward-out")).is_ok());
    }

    /// A write that fails part-way (as on a full disk: here the third file cannot be
    /// created) leaves neither a new folder nor a temporary one, and an existing
    /// folder exactly as it was.
    #[test]
    fn a_write_failing_part_way_leaves_nothing_half_written() {
        let dir = tempfile::tempdir().unwrap();
        let files = |third: &'static str| {
            vec![
                ("a.txt", b"new a".to_vec()),
                ("b.txt", b"new b".to_vec()),
                (third, b"never".to_vec()),
            ]
        };
        let out = dir.path().join("new");
        assert!(write_files(&out, &files("no-such-dir/c.txt")).is_err());
        assert!(!out.exists());
        let old = dir.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("a.txt"), "old a").unwrap();
        assert!(write_files(&old, &files("no-such-dir/c.txt")).is_err());
        assert_eq!(std::fs::read_to_string(old.join("a.txt")).unwrap(), "old a");
        assert!(!old.join("b.txt").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["old"], "no temporary folder left behind");
    }

    #[test]
    fn writes_new_and_existing_folders_and_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        write_files(&out, &[("x.txt", b"1".to_vec())]).unwrap();
        assert_eq!(std::fs::read(out.join("x.txt")).unwrap(), b"1");
        std::fs::write(out.join("mine.txt"), "keep").unwrap();
        write_files(&out, &[("x.txt", b"2".to_vec())]).unwrap();
        assert_eq!(std::fs::read(out.join("x.txt")).unwrap(), b"2");
        assert!(out.join("mine.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("a")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary folder left behind");
    }
}
