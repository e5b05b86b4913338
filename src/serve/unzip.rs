//! Unpacking an uploaded zip of CSV files, fail closed: every entry's name is checked
//! before anything is written (no `..`, no absolute path, no drive letter, no symbolic
//! link, no folder inside a folder), the entry count and the unpacked size are capped,
//! and files are created new (an existing file, or a link planted there, is never
//! followed). The caller unpacks into a fresh folder and renames it into place.

use super::{MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES};
use std::io::{Cursor, Read, Write};
use std::path::Path;
use thiserror::Error;

/// Why an upload was refused; nothing of it is kept.
#[derive(Debug, Error, PartialEq)]
pub enum UnzipError {
    /// Not a zip file.
    #[error("the file is not a zip archive nor an Excel workbook ({0})")]
    NotZip(String),
    /// A name that would land outside the dataset folder.
    #[error("refused: the zip entry `{0}` points outside the dataset folder (.. or an absolute path); nothing was unpacked")]
    Escapes(String),
    /// A symbolic link.
    #[error("refused: the zip entry `{0}` is a symbolic link; nothing was unpacked")]
    Symlink(String),
    /// Files two folders deep.
    #[error("the zip entry `{0}` sits in a folder inside a folder; put the CSV files at the top of the zip (or in one folder)")]
    Nested(String),
    /// Too many entries or too many bytes.
    #[error("refused: the zip is too large when unpacked ({0}); nothing was unpacked")]
    TooLarge(String),
    /// No table in it.
    #[error("the zip holds no .csv or .xlsx file")]
    Empty,
    /// Reading or writing failed.
    #[error("unpacking failed: {0}")]
    Io(String),
}

/// A checked entry: its index in the archive and the file name it gets.
struct Entry {
    index: usize,
    name: String,
}

/// Checks one raw entry name and returns its components.
fn components(raw: &str) -> Result<Vec<String>, UnzipError> {
    let name = raw.replace('\\', "/");
    let escapes = name.starts_with('/')
        || name.contains('\0')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split('/').any(|c| c == "..");
    if escapes {
        return Err(UnzipError::Escapes(raw.to_string()));
    }
    Ok(name
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_string)
        .collect())
}

/// Files a zip tool adds that are no table.
fn is_noise(parts: &[String]) -> bool {
    parts.iter().any(|p| p == "__MACOSX" || p.starts_with('.'))
}

/// Unpacks `bytes` into `dir` (which must exist and be empty); returns the file names.
pub fn unpack(bytes: &[u8], dir: &Path) -> Result<Vec<String>, UnzipError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| UnzipError::NotZip(e.to_string()))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(UnzipError::TooLarge(format!(
            "{} entries, at most {MAX_ZIP_ENTRIES}",
            zip.len()
        )));
    }
    // Every name first: one bad entry refuses the whole upload before a byte is written.
    let mut files: Vec<(usize, Vec<String>)> = Vec::new();
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index(i)
            .map_err(|e| UnzipError::NotZip(e.to_string()))?;
        let raw = f.name().map(|n| n.into_owned()).unwrap_or_default();
        let parts = components(&raw)?;
        let mode_link = f.unix_mode().is_some_and(|m| m & 0o170000 == 0o120000);
        if f.is_symlink() || mode_link {
            return Err(UnzipError::Symlink(raw));
        }
        if f.is_dir() || parts.is_empty() || is_noise(&parts) {
            continue;
        }
        declared = declared.saturating_add(f.size());
        files.push((i, parts));
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(UnzipError::TooLarge(format!(
            "{declared} bytes, at most {MAX_UNPACKED_BYTES}"
        )));
    }
    // One folder around everything (a zipped folder) is dropped; deeper is refused.
    let top: Option<&String> = files.first().map(|(_, p)| &p[0]);
    let strip = files
        .iter()
        .all(|(_, p)| p.len() == 2 && Some(&p[0]) == top);
    let mut entries = Vec::new();
    for (index, parts) in &files {
        let rest = if strip { &parts[1..] } else { &parts[..] };
        if rest.len() != 1 {
            return Err(UnzipError::Nested(parts.join("/")));
        }
        entries.push(Entry {
            index: *index,
            name: rest[0].clone(),
        });
    }
    if !entries.iter().any(|e| {
        let n = e.name.to_ascii_lowercase();
        n.ends_with(".csv") || n.ends_with(".xlsx")
    }) {
        return Err(UnzipError::Empty);
    }
    let mut written: u64 = 0;
    let mut names = Vec::new();
    let io = |e: std::io::Error| UnzipError::Io(e.to_string());
    for e in &entries {
        let f = zip
            .by_index(e.index)
            .map_err(|x| UnzipError::NotZip(x.to_string()))?;
        let path = dir.join(&e.name);
        // create_new: never through an existing file or link.
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io)?;
        // The declared sizes may lie: count what really comes out.
        let mut limited = f.take(MAX_UNPACKED_BYTES - written + 1);
        let n = std::io::copy(&mut limited, &mut out).map_err(io)?;
        written += n;
        if written > MAX_UNPACKED_BYTES {
            return Err(UnzipError::TooLarge(format!(
                "more than {MAX_UNPACKED_BYTES} bytes"
            )));
        }
        out.flush().map_err(io)?;
        names.push(e.name.clone());
    }
    Ok(names)
}

/// True when the bytes are an Excel workbook (a zip holding `xl/workbook.xml`).
pub fn is_workbook(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let found = zip.by_name("xl/workbook.xml").map(|mut f| {
        let mut b = [0u8; 1];
        f.read(&mut b).is_ok()
    });
    matches!(found, Ok(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(components("../etc/passwd").is_err());
        assert!(components("a/../../b").is_err());
        assert!(components("/abs.csv").is_err());
        assert!(components("C:/x.csv").is_err());
        assert!(components("..\\x.csv").is_err());
        assert_eq!(
            components("ward/facilities.csv").unwrap(),
            vec!["ward", "facilities.csv"]
        );
        assert_eq!(
            components("./facilities.csv").unwrap(),
            vec!["facilities.csv"]
        );
    }
}
