//! An earlier plan's files as `matome check` reads them: assignments.csv, bundles.csv
//! or summary.json of a real plan of the tiny dataset, replaced by the input (first
//! byte picks which), then checked against the ward.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const FILES: [&str; 3] = ["assignments.csv", "bundles.csv", "summary.json"];

/// A plan folder of tiny (baseline, exact) and its three files as written.
fn plan() -> &'static (PathBuf, Vec<Vec<u8>>) {
    static P: OnceLock<(PathBuf, Vec<Vec<u8>>)> = OnceLock::new();
    P.get_or_init(|| {
        let (ward, staff) = common::tiny_ward();
        let inputs = matome::plan::Inputs {
            dataset_name: "tiny",
            ward,
            staff,
        };
        let mut s = matome::scenario::Scenario::default();
        s.solver.threads = 1;
        let p = matome::plan::plan(inputs, &s, None).expect("tiny plans");
        let out = common::scratch("plan").join("plan");
        let data = common::scratch("plan-data");
        matome::report::write(&p, &data, &out).expect("write plan");
        let files = FILES
            .iter()
            .map(|f| std::fs::read(out.join(f)).expect("plan file"))
            .collect();
        (out, files)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let (dir, originals) = plan();
    let k = pick as usize % FILES.len();
    common::put(&dir.join(FILES[k]), body);
    let (ward, staff) = common::tiny_ward();
    let inputs = matome::plan::Inputs {
        dataset_name: "tiny",
        ward,
        staff,
    };
    let scenario = matome::audit::echoed_scenario(dir).unwrap_or_default();
    let _ = matome::audit::check(inputs, &scenario, dir);
    common::put(&dir.join(FILES[k]), &originals[k]);
});
