//! Readers for the dataset folder and the model files. Everything a user can get wrong
//! becomes a coded `Diagnostic` with file, line and column; no reader panics, whatever
//! the bytes.

pub mod columns;
mod dataset;
pub mod decode;
pub mod folder;
pub mod row;
pub mod table;
pub(crate) mod trades;
pub mod values;
pub(crate) mod write;
pub mod xlsx;

pub use dataset::{
    read_dataset, read_dataset_with, ReadOutcome, RowLines, CONTRACTS, DEPOTS, FACILITIES, LINES,
    TRAVEL, VENDORS,
};
pub use trades::{parse_trades, read_trades, EMBEDDED_TRADES};
pub use write::{write_dataset, write_dataset_atomic, write_folder_atomic, WriteError};

use std::path::{Path, PathBuf};

/// Reads a whole file, refusing anything that is not a regular file (after following
/// symlinks): a FIFO would block the read forever, a device could stream without end,
/// a folder fails with an unhelpful message. Every reader of user files goes through it.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a FIFO, socket or device?)"
        };
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {what}"),
        ));
    }
    std::fs::read(path)
}

/// What a diagnostic says of a file `read_regular` could not read, Japanese first:
/// the message and what to do. A missing read permission (a file copied from a
/// colleague's share, a mode-000 file) says so and how to give it; any other error
/// keeps its own reason.
pub(crate) fn unreadable_words(e: &std::io::Error) -> (String, &'static str) {
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        (
            "読めません（読み取り権限がありません）/ cannot read the file: permission denied".into(),
            "matome を実行する利用者にこのファイルの読み取り権限を与えるか、読めるコピーに置き換えてください / \
             give the user running matome read permission on the file, or replace it with a readable copy",
        )
    } else {
        (
            format!("読めません / cannot read the file: {e}"),
            "読めるファイルか確かめてください / check that the path is a readable file",
        )
    }
}

/// `unreadable_words` as one sentence, for the errors of the scenario and model files:
/// what is wrong, then what to do.
pub(crate) fn unreadable_sentence(e: &std::io::Error) -> String {
    let (message, action) = unreadable_words(e);
    format!("{message} — {action}")
}

/// `read_regular` as UTF-8 text.
pub fn read_regular_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// The models folder of the convention shared by every command: `--models DIR` when
/// given, else `./models` when it exists, else `None` (use the embedded copies).
pub fn resolve_models_dir(given: Option<&Path>) -> Option<PathBuf> {
    match given {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let local = Path::new("models");
            local.is_dir().then(|| local.to_path_buf())
        }
    }
}
