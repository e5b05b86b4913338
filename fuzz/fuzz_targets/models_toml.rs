//! The model files: the trade catalogue, the column alias table, the staff-time model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(body);
    match pick % 3 {
        0 => {
            let _ = matome::io::parse_trades(&text, Path::new("trades.toml"));
        }
        1 => {
            let _ = matome::io::columns::Aliases::parse(&text, Path::new("columns.toml"));
        }
        _ => {
            if let Ok(m) = matome::staff::StaffModel::parse(&text, "staff_time.toml") {
                let _ = (m.bundle_fixed_hours(), m.bundle_hours(3, 4), m.hours_per_fte());
            }
        }
    }
});
