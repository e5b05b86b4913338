//! The CSV tables (encoding detection, headers and aliases, values, cross-file checks,
//! the travel matrix), then the problem builder on what validates. The first byte
//! picks the file the rest replaces in a copy of the tiny dataset.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const FILES: [&str; 5] = [
    "facilities.csv",
    "service_lines.csv",
    "contracts.csv",
    "travel.csv",
    "depots.csv",
];

fn dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| common::tiny_dir("dataset"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let d = dir();
    let file = FILES[pick as usize % FILES.len()];
    common::put(&d.join(file), body);
    if let Some(ward) = common::validate(d) {
        let (_, staff) = common::tiny_ward();
        let s = matome::scenario::Scenario::default();
        let _ = matome::problem::build(&ward, &s, staff);
    }
    // Restore the file for the next input.
    match common::TINY.iter().find(|(f, _)| *f == file) {
        Some((_, bytes)) => common::put(&d.join(file), bytes),
        None => {
            let _ = std::fs::remove_file(d.join(file));
        }
    }
});
