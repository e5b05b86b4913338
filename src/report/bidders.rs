//! The bidders section shared by report.html, report.md and plan.xlsx: where the firms
//! come from, the fewest bidders of any bundle, the in-ward firms' share before and
//! after, and one row per bundle (its lots with their bidder counts, the bidders, the
//! in-ward firms able to subcontract).

use crate::plan::Plan;

/// (label, value) pairs above the table, Japanese first.
pub fn facts(plan: &Plan) -> Vec<(String, String)> {
    let m = &plan.market;
    let sc = &plan.scenario;
    let firms = if m.derived {
        "contracts.csv から推定 derived from contracts.csv (no vendors.csv): each vendor is a firm performing the trades of its contracts, qualified up to its largest contract, not prime-capable, location unknown".to_string()
    } else {
        format!("vendors.csv ({} firms)", plan.inputs.ward.vendors().len())
    };
    let pct = |x: Option<f64>| {
        x.map_or("不明 unknown".to_string(), |v| {
            format!("{:.1} %", 100.0 * v)
        })
    };
    let mut out = vec![
        ("業者の出典 Firms".to_string(), firms),
        (
            "入札単位 Lots".to_string(),
            match sc.lots {
                crate::scenario::Lots::Whole => "包括契約ごとに1件 one lot per bundle".to_string(),
                crate::scenario::Lots::ByTrade => {
                    "業種群ごと one lot per trade group (bidders choose lots)".to_string()
                }
                crate::scenario::Lots::ByArea => {
                    "地域ごと one lot per area (bidders choose lots)".to_string()
                }
            },
        ),
        (
            "最少入札可能業者数 Fewest bidders of any bundle".to_string(),
            match (m.fewest_bidders, sc.limits.min_bidders) {
                (Some(f), Some(k)) => format!("{f} (limits.min_bidders = {k})"),
                (Some(f), None) => f.to_string(),
                (None, _) => "—".to_string(),
            },
        ),
        (
            "区内業者の受注割合 In-ward firms' share of contracted value".to_string(),
            format!(
                "{} → {}",
                pct(m.in_ward_share_before),
                pct(m.in_ward_share_after)
            ),
        ),
    ];
    if m.in_ward_share_before.is_some() {
        out.push((
            "計画後の前提 After assumes".to_string(),
            if sc.vendors.subcontract_in_ward {
                "元請が区内業者を下請として継続 the prime keeps today's in-ward firms as subcontractors (vendors.subcontract_in_ward)".to_string()
            } else {
                "包括化した業務は区外の元請へ bundled work goes to a prime outside the ward; only lines left as is stay (set vendors.subcontract_in_ward = true for 大牟田's rule)".to_string()
            },
        ));
    }
    out
}

/// Per bundle: id, lots (label: bidders), fewest bidders, the bidders' names (whole
/// lots), in-ward subcontractor firms.
pub fn rows(plan: &Plan) -> Vec<[String; 5]> {
    let m = &plan.market;
    let name_of = |id: &str| {
        plan.inputs
            .ward
            .vendors()
            .iter()
            .find(|v| v.id == id)
            .map_or(id.to_string(), |v| v.name.clone())
    };
    m.bundles
        .iter()
        .map(|b| {
            let lots = b
                .lots
                .iter()
                .map(|l| format!("{}: {}", l.label, l.bidders.len()))
                .collect::<Vec<_>>()
                .join(", ");
            let names = if b.lots.len() == 1 {
                let mut n: Vec<String> = b.lots[0].bidders.iter().map(|i| name_of(i)).collect();
                if n.len() > 8 {
                    let more = n.len() - 8;
                    n.truncate(8);
                    n.push(format!("… +{more}"));
                }
                n.join(", ")
            } else {
                String::new()
            };
            let subs: std::collections::BTreeSet<&str> = b
                .in_ward_subcontractors
                .values()
                .flatten()
                .map(String::as_str)
                .collect();
            [
                b.bundle.clone(),
                lots,
                b.fewest.to_string(),
                names,
                subs.len().to_string(),
            ]
        })
        .collect()
}

/// The table's header, Japanese and English.
pub const HEADER: [(&str, &str); 5] = [
    ("包括契約", "Bundle"),
    ("入札単位と業者数", "Lots: bidders"),
    ("最少業者数", "Fewest bidders"),
    ("入札可能業者", "Bidders"),
    ("区内の下請候補", "In-ward subcontractors"),
];
