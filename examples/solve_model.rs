//! Solves a model file written by `matome plan --export-model` with the HiGHS library
//! matome links, for machines without the `highs` command line (docs/model.md):
//!
//!     cargo run --release --example solve_model -- FILE.mps [SECONDS] [--plan PLAN_DIR]
//!
//! Prints HiGHS's status, objective, MIP dual bound and the wall time. With `--plan`,
//! every column is fixed to matome's plan in PLAN_DIR instead (y_hub = 1 per bundle,
//! x_facility_hub = 1 per bundled facility; scenarios whose units are whole facilities
//! in one trade-group set), so the solve says whether the plan is a feasible point of
//! the model and what it costs there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn rows(path: &Path) -> Result<Vec<csv::StringRecord>, String> {
    let t = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut r = csv::Reader::from_reader(t.trim_start_matches('\u{FEFF}').as_bytes());
    r.records()
        .map(|x| x.map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

/// matome's plan as column values: bundles.csv gives each bundle's hub, assignments.csv
/// each line's facility and bundle.
fn plan_point(dir: &Path) -> Result<Vec<(String, f64)>, String> {
    let hub_of: HashMap<String, String> = rows(&dir.join("bundles.csv"))?
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    let mut point: Vec<(String, f64)> = hub_of.values().map(|h| (format!("y_{h}"), 1.0)).collect();
    for r in rows(&dir.join("assignments.csv"))? {
        if let Some(hub) = hub_of.get(&r[7]) {
            let x = (format!("x_{}_{hub}", &r[1]), 1.0);
            if !point.contains(&x) {
                point.push(x);
            }
        }
    }
    Ok(point)
}

fn main() -> ExitCode {
    let mut file = None;
    let mut seconds = 60.0;
    let mut plan = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--plan" {
            plan = args.next().map(PathBuf::from);
        } else if file.is_none() {
            file = Some(PathBuf::from(a));
        } else {
            match a.parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => seconds = s,
                _ => {
                    eprintln!("SECONDS must be a positive number, not {a:?}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    let Some(file) = file else {
        eprintln!("usage: solve_model FILE.mps|FILE.lp [SECONDS (default 60)] [--plan PLAN_DIR]");
        return ExitCode::from(2);
    };
    let point = match plan.as_deref().map(plan_point).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match matome::solve::export::solve_file(&file, seconds, point.as_deref()) {
        Ok(r) => {
            println!(
                "{}{}: status {}, objective {:.0}, bound {:.0}, {:.1} s",
                file.display(),
                if point.is_some() { " at the plan" } else { "" },
                r.status,
                r.objective,
                r.bound,
                r.seconds
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
