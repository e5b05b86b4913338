//! Scenario and sweep files; a scenario that parses is built into a problem for the
//! tiny ward (where values that cannot be meant would overflow).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(body);
    if pick % 2 == 0 {
        if let Ok(s) = matome::scenario::Scenario::parse(&text, Path::new("f.toml"), "f") {
            let (ward, staff) = common::tiny_ward();
            let _ = matome::problem::build(ward, &s, staff);
        }
    } else {
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/scenarios");
        let _ = matome::scenario::sweep::Sweep::parse(&text, Path::new("s.toml"), &models, "s");
    }
});
