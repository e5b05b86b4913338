#![allow(dead_code)] // each target uses part of it
//! What the targets share: a private scratch folder, the tiny dataset, its ward.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The tiny dataset's files, built in (a target must not depend on the working folder).
pub const TINY: [(&str, &[u8]); 4] = [
    ("facilities.csv", include_bytes!("../../datasets/tiny/facilities.csv")),
    ("service_lines.csv", include_bytes!("../../datasets/tiny/service_lines.csv")),
    ("contracts.csv", include_bytes!("../../datasets/tiny/contracts.csv")),
    ("depots.csv", include_bytes!("../../datasets/tiny/depots.csv")),
];

/// A fresh folder for this process, in memory (/dev/shm) where there is one.
pub fn scratch(name: &str) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let d = base.join(format!("matome-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

/// A copy of the tiny dataset in a scratch folder.
pub fn tiny_dir(name: &str) -> PathBuf {
    let d = scratch(name);
    for (f, bytes) in TINY {
        std::fs::write(d.join(f), bytes).expect("write tiny");
    }
    d
}

/// The tiny dataset's validated ward and the built-in staff model, once.
pub fn tiny_ward() -> &'static (matome::ward::Ward, matome::staff::StaffModel) {
    static W: OnceLock<(matome::ward::Ward, matome::staff::StaffModel)> = OnceLock::new();
    W.get_or_init(|| {
        let d = tiny_dir("ward");
        let v = matome::validate::load_and_validate(&d, None).expect("tiny is valid");
        let staff = matome::staff::StaffModel::load(None).expect("built-in staff model");
        (v.ward, staff)
    })
}

/// The built-in trade catalogue and column aliases, parsed once (validate_dir parses
/// them on every call, which would be most of a run).
pub fn models() -> &'static (matome::model::TradeCatalogue, matome::io::columns::Aliases) {
    static M: OnceLock<(matome::model::TradeCatalogue, matome::io::columns::Aliases)> =
        OnceLock::new();
    M.get_or_init(|| {
        (
            matome::io::read_trades(None).expect("built-in trades"),
            matome::io::columns::Aliases::embedded(),
        )
    })
}

/// What `validate::load_and_validate` does, with the models parsed once: read, check,
/// resolve. `None` when the dataset has an error.
pub fn validate(dir: &Path) -> Option<matome::ward::Ward> {
    let (trades, aliases) = models();
    let outcome = matome::io::read_dataset_with(dir, aliases);
    let mut diags = outcome.diagnostics.clone();
    diags.extend(matome::validate::check_all(&outcome, Some(trades)));
    if diags.iter().any(|d| d.is_error()) {
        return None;
    }
    matome::ward::Ward::resolve(outcome.dataset, trades.clone()).ok()
}

/// Writes `bytes` as `path`.
pub fn put(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("write fuzz input");
}
