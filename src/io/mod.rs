//! Readers for the dataset folder and the model files. Everything a user can get wrong
//! becomes a coded `Diagnostic` with file, line and column; no reader panics, whatever
//! the bytes.

pub mod columns;
mod dataset;
pub mod decode;
pub mod table;
pub(crate) mod trades;
pub mod values;
mod write;
pub mod xlsx;

pub use dataset::{
    read_dataset, read_dataset_with, ReadOutcome, RowLines, CONTRACTS, DEPOTS, FACILITIES, LINES,
    TRAVEL, VENDORS,
};
pub use trades::{parse_trades, read_trades, EMBEDDED_TRADES};
pub use write::{write_dataset, write_dataset_atomic, write_folder_atomic, WriteError};

use std::path::{Path, PathBuf};

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
