//! bundles.csv and assignments.csv, UTF-8 with a BOM so Excel in Japan opens them.

use crate::plan::Plan;
use crate::problem::LineFate;
use crate::text::fixed;

const BOM: &[u8] = "\u{FEFF}".as_bytes();

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    let body = w.into_inner().expect("writing to memory cannot fail");
    [BOM, &body].concat()
}

pub fn bundles_csv(plan: &Plan) -> Vec<u8> {
    let ward = plan.inputs.ward;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "bundle_id",
        "hub_id",
        "hub_name",
        "area",
        "trade_groups",
        "facilities",
        "facility_ids",
        "lines",
        "trades",
        "labour_hours",
        "value_jpy",
        "visits_per_year",
        "travel_km_year",
        "route_km",
        "admin_hours_year",
    ])
    .expect("memory");
    for b in &plan.bundles {
        let ids: Vec<&str> = b
            .facilities
            .iter()
            .map(|&f| ward.facilities()[f].id.as_str())
            .collect();
        w.write_record([
            b.id.clone(),
            b.hub_id.clone(),
            b.hub_name.clone(),
            b.area.clone(),
            b.groups.join(";"),
            b.facilities.len().to_string(),
            ids.join(";"),
            b.lines.len().to_string(),
            b.trades.join(";"),
            fixed(b.labour_hours, 1),
            b.value.to_string(),
            fixed(b.visits, 1),
            fixed(b.travel_km_year, 1),
            fixed(b.route_km, 2),
            fixed(b.admin_hours, 1),
        ])
        .expect("memory");
    }
    finish(w)
}

pub fn assignments_csv(plan: &Plan) -> Vec<u8> {
    let ward = plan.inputs.ward;
    // Unit -> bundle id.
    let mut unit_bundle = vec![""; plan.built.units.len()];
    for b in &plan.bundles {
        for &u in &b.units {
            unit_bundle[u] = b.id.as_str();
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "line_id",
        "facility_id",
        "facility_name",
        "area",
        "trade",
        "annual_cost_jpy",
        "old_contract",
        "new_contract",
        "reason",
    ])
    .expect("memory");
    for (l, line) in ward.lines().iter().enumerate() {
        let f = ward.facility_of(line);
        let (new, reason) = match plan.built.fates[l] {
            LineFate::Unit(u) => (unit_bundle[u].to_string(), String::new()),
            LineFate::Pinned => ("pinned".to_string(), "pinned".to_string()),
            LineFate::Excluded(e) => ("excluded".to_string(), e.key().to_string()),
        };
        w.write_record([
            line.id.clone(),
            f.id.clone(),
            f.name.clone(),
            f.area.clone(),
            ward.trade_of(line).key.clone(),
            line.annual_cost.0.to_string(),
            ward.contract_of(line)
                .map(|c| c.id.clone())
                .unwrap_or_default(),
            new,
            reason,
        ])
        .expect("memory");
    }
    finish(w)
}
