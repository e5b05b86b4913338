//! bundles.csv and assignments.csv, UTF-8 with a BOM so Excel in Japan opens them.

use crate::plan::Plan;
use crate::text::{fixed, inert};

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
        "name",
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
        "bidders",
        "bidder_ids",
        "lots",
        "in_ward_subcontractors",
    ])
    .expect("memory");
    for (i, b) in plan.bundles.iter().enumerate() {
        let m = &plan.market.bundles[i];
        // The whole bundle's bidders when it is one lot; else every lot's.
        let bidder_ids: Vec<&str> = if m.lots.len() == 1 {
            m.lots[0].bidders.iter().map(String::as_str).collect()
        } else {
            Vec::new()
        };
        let lots: Vec<String> = m
            .lots
            .iter()
            .map(|l| format!("{}:{}", l.label, l.bidders.len()))
            .collect();
        let subs: std::collections::BTreeSet<&str> = m
            .in_ward_subcontractors
            .values()
            .flatten()
            .map(String::as_str)
            .collect();
        let ids: Vec<&str> = b
            .facilities
            .iter()
            .map(|&f| ward.facilities()[f].id.as_str())
            .collect();
        w.write_record([
            inert(&b.id).into_owned(),
            inert(&b.name).into_owned(),
            inert(&b.hub_id).into_owned(),
            inert(&b.hub_name).into_owned(),
            inert(&b.area).into_owned(),
            inert(&b.groups.join(";")).into_owned(),
            b.facilities.len().to_string(),
            inert(&ids.join(";")).into_owned(),
            b.lines.len().to_string(),
            inert(&b.trades.join(";")).into_owned(),
            fixed(b.labour_hours, 1),
            b.value.to_string(),
            fixed(b.visits, 1),
            fixed(b.travel_km_year, 1),
            fixed(b.route_km, 2),
            fixed(b.admin_hours, 1),
            m.fewest.to_string(),
            inert(&bidder_ids.join(";")).into_owned(),
            inert(&lots.join(";")).into_owned(),
            subs.len().to_string(),
        ])
        .expect("memory");
    }
    finish(w)
}

pub fn assignments_csv(plan: &Plan) -> Vec<u8> {
    let ward = plan.inputs.ward;
    let destinations = plan.destinations();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "line_id",
        "facility_id",
        "facility_name",
        "area",
        "trade",
        "annual_cost_jpy",
        "old_contract",
        "new_contract",
        "reason",
    ];
    // Under [phase]: the fiscal year the line joins its bundle (empty when it stays, or
    // joins after the period).
    if plan.phase.is_some() {
        header.push("moves_in_fy");
    }
    w.write_record(&header).expect("memory");
    for (l, line) in ward.lines().iter().enumerate() {
        let f = ward.facility_of(line);
        let (new, reason) = &destinations[l];
        let mut record = vec![
            inert(&line.id).into_owned(),
            inert(&f.id).into_owned(),
            inert(&f.name).into_owned(),
            inert(&f.area).into_owned(),
            inert(&ward.trade_of(line).key).into_owned(),
            line.annual_cost.0.to_string(),
            ward.contract_of(line)
                .map(|c| inert(&c.id).into_owned())
                .unwrap_or_default(),
            inert(new).into_owned(),
            reason.clone(),
        ];
        if let Some(ph) = &plan.phase {
            record.push(ph.moves_in_fy[l].map(|y| y.to_string()).unwrap_or_default());
        }
        w.write_record(&record).expect("memory");
    }
    finish(w)
}

/// changes.csv: one row per facility whose bundle changed against the earlier plan.
pub fn changes_csv(r: &crate::replan::Realignment) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["facility_id", "from_bundle", "to_bundle", "reason"])
        .expect("memory");
    for c in &r.changes {
        w.write_record([
            inert(&c.facility_id).into_owned(),
            inert(&c.from_bundle).into_owned(),
            inert(&c.to_bundle).into_owned(),
            c.reason.clone(),
        ])
        .expect("memory");
    }
    finish(w)
}
