//! The engine's infeasibility findings in ward terms: which facilities and lines, which
//! scenario key blocks them, with the numbers.

use crate::problem::{Built, DIM_FACILITIES, DIM_HOURS, DIM_KEYS, DIM_VALUE};
use crate::solve::{Diagnosis, Finding};
use crate::text::thousands as group;
use crate::ward::Ward;

fn amount(dim: usize, v: f64) -> String {
    match dim {
        DIM_HOURS => format!("{} labour hours a year", group(v.round() as i64)),
        DIM_VALUE => format!("¥{} a year", group(v.round() as i64)),
        DIM_FACILITIES => format!("{} facilities", v.round() as i64),
        // Lot values added by limits.min_bidders.
        _ => format!("¥{} a year of one lot", group(v.round() as i64)),
    }
}

fn unit_text(built: &Built, ward: &Ward, u: usize) -> String {
    let unit = &built.units[u];
    let lines: Vec<&str> = unit
        .lines
        .iter()
        .take(6)
        .map(|&l| ward.lines()[l].id.as_str())
        .collect();
    let more = if unit.lines.len() > 6 {
        format!(" and {} more", unit.lines.len() - 6)
    } else {
        String::new()
    };
    format!(
        "facility {} (lines {}{more})",
        built.problem.units[u].name,
        lines.join(", ")
    )
}

/// One sentence per finding, naming what is blocked and the key to change.
pub fn explain(built: &Built, ward: &Ward, diag: &Diagnosis) -> Vec<String> {
    // Capacity shortfalls with no hub able to open follow from the findings that keep
    // every hub shut; listing them too would bury the cause.
    let causes = diag
        .findings
        .iter()
        .any(|f| !matches!(f, Finding::CapacityShort { .. }));
    let mut out: Vec<String> = diag
        .findings
        .iter()
        .filter(|f| !(causes && matches!(f, Finding::CapacityShort { max_hubs: 0, .. })))
        .map(|f| match f {
            Finding::UnitTooHeavy { unit, dim, load, largest_capacity } => format!(
                "{} needs {} alone, above the per-bundle limit of {} ({}): raise the limit, exclude the facility, or pin its largest lines",
                unit_text(built, ward, *unit),
                amount(*dim, *load),
                amount(*dim, *largest_capacity),
                DIM_KEYS.get(*dim).copied().unwrap_or("limits.min_bidders"),
            ),
            Finding::NoAllowedHub { unit } => format!(
                "{} has no hub it may be served from: limits.max_distance_km, within_area, trade_groups or hubs = \"depots\" leave none",
                unit_text(built, ward, *unit)
            ),
            Finding::CapacityShort { dim, total_load, max_capacity, max_hubs } => format!(
                "all facilities together need {}, but the at most {max_hubs} bundles that can open (bundles.count / bundles.max, or the hubs facilities allow) hold {} under {}",
                amount(*dim, *total_load),
                amount(*dim, *max_capacity),
                DIM_KEYS.get(*dim).copied().unwrap_or("limits.min_bidders"),
            ),
            Finding::MinimumUnreachable { hub, dim, minimum, reachable } => format!(
                "a bundle served from {} reaches at most {} with every facility it may take, below the minimum {} (limits.min_value_jpy)",
                built.problem.hubs[*hub].name,
                amount(*dim, *reachable),
                amount(*dim, *minimum),
            ),
            Finding::TooFewHubs { required, available } => format!(
                "the scenario asks for {required} bundles (bundles.count / bundles.min) but only {available} can be formed"
            ),
            Finding::Other(m) => m.clone(),
        })
        .collect();
    if out.is_empty() {
        out.push("the solver proved that no plan meets every limit, without naming a single cause; loosen the limits one at a time".into());
    }
    out
}
