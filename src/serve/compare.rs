//! Comparing saved plans (the Compare page's "pick saved plans"): each plan's
//! summary.json as a comparison row, today's contracts first, Pareto marks by the
//! same rule as `matome scenarios` (`plan::sweep::mark_pareto`).

use super::App;
use crate::plan::sweep::{mark_pareto, Figures, Row};
use serde_json::Value;

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    let mut x = v;
    for p in path {
        x = x.get(p)?;
    }
    x.as_f64()
}

/// The plan folder of `ID` or `ID/SCENARIO` (a member of a sweep).
fn summary(app: &App, key: &str) -> Result<Value, String> {
    let (id, sub) = match key.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (key, None),
    };
    let run = app
        .runs
        .get(id)
        .ok_or_else(|| format!("there is no run `{id}`"))?;
    let mut dir = run.dir.join("out");
    if let Some(s) = sub {
        dir = dir.join(super::data::safe_name(s)?);
    }
    let text = std::fs::read_to_string(dir.join("summary.json")).map_err(|_| {
        format!("the run `{key}` has no plan (it failed, was cancelled or is still running)")
    })?;
    serde_json::from_str(&text).map_err(|e| format!("summary.json of `{key}`: {e}"))
}

/// Rows for the chosen plans.
pub fn rows(app: &App, keys: &[String]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let s = summary(app, key)?;
        let get = |p: &[&str]| {
            num(&s, p).ok_or_else(|| format!("summary.json of `{key}` lacks {}", p.join(".")))
        };
        if i == 0 {
            rows.push(Row {
                name: "status quo 現状".into(),
                outcome: "status quo",
                figures: Some(Figures {
                    contracts: get(&["contracts", "before"])? as usize,
                    bundles: 0,
                    staff_hours_freed: 0.0,
                    fte_freed: 0.0,
                    travel_km_year: get(&["travel_km_per_year", "before"])?,
                    largest_value: 0,
                    over_soft: 0,
                    fewest_bidders: None,
                    in_ward_share: None,
                    gap: 0.0,
                    solver_status: "status quo".into(),
                    phase: None,
                }),
                reason: String::new(),
                pareto: false,
            });
        }
        let name = s["scenario"]["name"].as_str().unwrap_or("?");
        rows.push(Row {
            name: format!("{name} ({key})"),
            outcome: "ok",
            figures: Some(Figures {
                contracts: get(&["contracts", "after"])? as usize,
                bundles: get(&["contracts", "bundles"])? as usize,
                staff_hours_freed: get(&["staff_hours", "freed"])?,
                fte_freed: get(&["staff_hours", "fte_freed"])?,
                travel_km_year: get(&["travel_km_per_year", "after"])?,
                largest_value: 0,
                over_soft: 0,
                fewest_bidders: None,
                in_ward_share: None,
                gap: get(&["solver", "gap"])?,
                solver_status: s["solver"]["status"].as_str().unwrap_or("").to_string(),
                phase: None,
            }),
            reason: String::new(),
            pareto: false,
        });
    }
    mark_pareto(&mut rows);
    Ok(rows)
}
