//! A dataset given as one workbook: the bytes as `ward.xlsx`, read and validated.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn path() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| common::scratch("xlsx").join("ward.xlsx"))
}

fuzz_target!(|data: &[u8]| {
    common::put(path(), data);
    let _ = common::validate(path());
});
