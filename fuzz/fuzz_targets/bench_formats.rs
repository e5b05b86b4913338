//! The benchmark instance formats (pmedcap, Lorena–Senne, SSCFLP) and best-known
//! tables. The first byte picks the format (or leaves it to detection) and the name.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use matome::bench::Format;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| common::scratch("bench"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let names = ["pmedcap1.txt", "SJC1.dat", "p1", "cap41.txt", "best_known.csv"];
    let path = dir().join(names[pick as usize % names.len()]);
    common::put(&path, body);
    if pick as usize % names.len() == 4 {
        let _ = matome::bench::read::best_known(&path);
        return;
    }
    let format = match (pick / 8) % 4 {
        0 => None,
        1 => Some(Format::Pmedcap),
        2 => Some(Format::LorenaSenne),
        _ => Some(Format::Sscflp),
    };
    let _ = matome::bench::read::read_instance(&path, format);
});
