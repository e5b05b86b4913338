//! plan.xlsx: the plan as a workbook the department can file — 概要 Summary, 包括契約
//! Bundles, 割当 Assignments, one 業務一覧 sheet per bundle (its facility × trade matrix
//! of visits and annual cost: the table a specification 仕様書 attaches) and 前提
//! Assumptions. The figures are the ones the other reports show, from the same plan.

use super::workbook::{sheet_name, workbook, Cell, Sheet, WorkbookError};
use crate::plan::Plan;
use std::collections::BTreeMap;

fn h(ja: &str, en: &str) -> (String, String) {
    (ja.to_string(), en.to_string())
}

fn summary(plan: &Plan) -> Sheet {
    let a = &plan.accounts;
    let sv = &plan.solver;
    let fte = plan.inputs.staff.hours_per_fte();
    let mut rows = vec![
        vec![
            Cell::text("契約数 Contracts"),
            Cell::Count(a.contracts_before as i64),
            Cell::Count(a.contracts_after as i64),
            Cell::text("件"),
            Cell::text(format!(
                "包括契約 {} + 現行のまま {} (bundles + left as is)",
                a.bundles, a.contracts_left
            )),
        ],
        vec![
            Cell::text("職員時間 Staff hours"),
            Cell::Hours(a.staff_hours_before),
            Cell::Hours(a.staff_hours_after),
            Cell::text("h/年"),
            Cell::text(format!(
                "削減 freed {:.0} h = {:.1} FTE",
                a.staff_hours_freed, a.fte_freed
            )),
        ],
        vec![
            Cell::text("職員数換算 FTE"),
            Cell::Number(a.staff_hours_before / fte),
            Cell::Number(a.staff_hours_after / fte),
            Cell::text("人"),
            Cell::text(format!("1 FTE = {fte:.0} h/年")),
        ],
        vec![
            Cell::text("削減時間 ±25 % Freed, band"),
            Cell::Hours(a.freed_if_contracts_25_lower),
            Cell::Hours(a.freed_if_contracts_25_higher),
            Cell::text("h/年"),
            Cell::text("単独契約の時間 −25 % / +25 % のとき single-contract hours −25 % / +25 %"),
        ],
        vec![
            Cell::text("移動距離 Travel"),
            Cell::Km(a.travel_km_before),
            Cell::Km(a.travel_km_after),
            Cell::text("km/年"),
            Cell::text("各訪問を拠点から往復 every visit a round trip from its base: vendor today, hub after"),
        ],
    ];
    for r in &a.by_area {
        rows.push(vec![
            Cell::text(format!("職員時間 {} Staff hours by area", r.area)),
            Cell::Hours(r.before),
            Cell::Hours(r.after),
            Cell::text("h/年"),
            Cell::text(format!(
                "削減 freed {:.0} h = {:.2} FTE",
                r.freed, r.fte_freed
            )),
        ]);
    }
    rows.push(vec![
        Cell::text("目的関数 Objective"),
        Cell::Empty,
        Cell::Yen(sv.objective),
        Cell::text("円/年"),
        Cell::text(format!(
            "下界 bound {}, ギャップ gap {}, {} ({}), 独立検証済み checked{}",
            sv.bound_text(),
            sv.gap_text(),
            sv.status,
            sv.mode,
            sv.left_behind_text()
                .map_or(String::new(), |t| format!(". {t}"))
        )),
    ]);
    Sheet {
        name: "概要".into(),
        notes: vec![
            format!(
                "包括委託計画 Comprehensive outsourcing plan — {} / {}",
                plan.inputs.dataset_name, plan.scenario.name
            ),
            plan.scenario.description.clone(),
        ],
        header: vec![
            h("項目", "Item"),
            h("現在", "Before"),
            h("計画後", "After"),
            h("単位", "Unit"),
            h("備考", "Note"),
        ],
        rows,
    }
}

fn bundles(plan: &Plan) -> Sheet {
    let ward = plan.inputs.ward;
    let rows = plan
        .bundles
        .iter()
        .map(|b| {
            let names: Vec<String> = b
                .trades
                .iter()
                .map(|k| {
                    ward.trades()
                        .get(k)
                        .map_or(k.clone(), |t| t.name_ja.clone())
                })
                .collect();
            vec![
                Cell::text(&b.id),
                Cell::text(&b.name),
                Cell::text(&b.hub_id),
                Cell::text(&b.hub_name),
                Cell::text(&b.area),
                Cell::Count(b.facilities.len() as i64),
                Cell::Count(b.lines.len() as i64),
                Cell::text(names.join("・")),
                Cell::Hours(b.labour_hours),
                Cell::Yen(b.value as f64),
                Cell::Number(b.visits),
                Cell::Km(b.travel_km_year),
                Cell::Km(b.route_km),
                Cell::Hours(b.admin_hours),
            ]
        })
        .collect();
    Sheet {
        name: "包括契約".into(),
        notes: vec![],
        header: vec![
            h("契約ID", "Bundle"),
            h("名称", "Name"),
            h("中心ID", "Centre (hub) id"),
            h("中心（拠点）", "Centre (hub)"),
            h("地域", "Area"),
            h("施設数", "Facilities"),
            h("業務数", "Lines"),
            h("業種", "Trades"),
            h("労務時間 h/年", "Labour hours"),
            h("年間契約額 円", "Value ¥/yr"),
            h("訪問回数/年", "Visits/yr"),
            h("移動距離 km/年", "Travel km/yr"),
            h("巡回1周 km", "Round km"),
            h("職員時間 h/年", "Admin hours"),
        ],
        rows,
    }
}

fn assignments(plan: &Plan) -> Sheet {
    let ward = plan.inputs.ward;
    let destinations = plan.destinations();
    let rows = ward
        .lines()
        .iter()
        .enumerate()
        .map(|(l, line)| {
            let f = ward.facility_of(line);
            let (new, reason) = &destinations[l];
            let mut row = vec![
                Cell::text(&line.id),
                Cell::text(&f.id),
                Cell::text(&f.name),
                Cell::text(&f.area),
                Cell::text(&ward.trade_of(line).name_ja),
                Cell::Yen(line.annual_cost.0 as f64),
                Cell::text(ward.contract_of(line).map_or("", |c| c.id.as_str())),
                Cell::text(new),
                Cell::text(reason),
            ];
            if let Some(ph) = &plan.phase {
                row.push(ph.moves_in_fy[l].map_or(Cell::Empty, |y| Cell::Count(i64::from(y))));
            }
            row
        })
        .collect();
    let mut header = vec![
        h("業務ID", "Line"),
        h("施設ID", "Facility id"),
        h("施設名", "Facility"),
        h("地域", "Area"),
        h("業種", "Trade"),
        h("年間委託料 円", "Annual cost ¥"),
        h("現行契約", "Old contract"),
        h("新契約", "New contract"),
        h("理由", "Reason"),
    ];
    if plan.phase.is_some() {
        header.push(h("移行年度", "Moves in FY"));
    }
    Sheet {
        name: "割当".into(),
        notes: vec![],
        header,
        rows,
    }
}

/// One bundle's facility × trade matrix: per trade, visits a year and annual cost; a
/// total row at the bottom.
fn matrix(plan: &Plan, b: &crate::problem::Bundle, taken: &[String]) -> Sheet {
    let ward = plan.inputs.ward;
    let trades: Vec<&str> = b.trades.iter().map(String::as_str).collect();
    // facility → trade → (visits, yen)
    let mut cells: BTreeMap<usize, BTreeMap<&str, (f64, i64)>> = BTreeMap::new();
    for &l in &b.lines {
        let line = &ward.lines()[l];
        let key = ward.trade_of(line).key.as_str();
        let e = cells
            .entry(line.facility)
            .or_default()
            .entry(key)
            .or_default();
        e.0 += line.visits_per_year;
        e.1 += line.annual_cost.0;
    }
    let mut header = vec![
        h("施設ID", "Facility id"),
        h("施設名", "Facility"),
        h("地区", "District"),
    ];
    for k in &trades {
        let (ja, en) = ward
            .trades()
            .get(k)
            .map_or((k.to_string(), k.to_string()), |t| {
                (t.name_ja.clone(), t.name_en.clone())
            });
        header.push((format!("{ja} 回/年"), format!("{en} visits/yr")));
        header.push((format!("{ja} 円/年"), format!("{en} ¥/yr")));
    }
    header.push(h("合計 円/年", "Total ¥/yr"));
    let mut totals: Vec<(f64, i64)> = vec![(0.0, 0); trades.len()];
    let mut rows = Vec::new();
    for &f in &b.facilities {
        let fac = &ward.facilities()[f];
        let mut row = vec![
            Cell::text(&fac.id),
            Cell::text(&fac.name),
            Cell::text(&fac.district),
        ];
        let mut sum = 0i64;
        for (i, k) in trades.iter().enumerate() {
            match cells.get(&f).and_then(|m| m.get(k)) {
                Some(&(v, y)) => {
                    row.push(Cell::Number(v));
                    row.push(Cell::Yen(y as f64));
                    totals[i].0 += v;
                    totals[i].1 += y;
                    sum += y;
                }
                None => {
                    row.push(Cell::Empty);
                    row.push(Cell::Empty);
                }
            }
        }
        row.push(Cell::Yen(sum as f64));
        rows.push(row);
    }
    let mut total = vec![Cell::text("合計 Total"), Cell::Empty, Cell::Empty];
    for &(v, y) in &totals {
        total.push(Cell::Number(v));
        total.push(Cell::Yen(y as f64));
    }
    total.push(Cell::Yen(totals.iter().map(|t| t.1).sum::<i64>() as f64));
    rows.push(total);
    Sheet {
        name: sheet_name(&format!("業務一覧 {}", b.id), taken),
        notes: vec![format!(
            "{} {} — 中心 centre (hub) {} ({}), 地域 area {}: 施設 {} 業務 {}",
            b.id,
            b.name,
            b.hub_name,
            b.hub_id,
            b.area,
            b.facilities.len(),
            b.lines.len()
        )],
        header,
        rows,
    }
}

fn assumptions(plan: &Plan) -> Sheet {
    let mut rows: Vec<Vec<Cell>> = plan
        .inputs
        .staff
        .figures()
        .into_iter()
        .map(|(key, f)| {
            vec![
                Cell::text(format!("staff_time.{key}")),
                Cell::Number(f.value),
                Cell::text(&f.unit),
                Cell::text(crate::staff::sources::describe(&f.source)),
            ]
        })
        .collect();
    let c = &plan.scenario.costs;
    for (key, v, unit) in [
        (
            "scenario.costs.yen_per_staff_hour",
            c.yen_per_staff_hour,
            "¥/h",
        ),
        ("scenario.costs.yen_per_km", c.yen_per_km, "¥/km"),
        ("scenario.costs.detour_factor", c.detour_factor, "×"),
    ] {
        rows.push(vec![
            Cell::text(key),
            Cell::Number(v),
            Cell::text(unit),
            Cell::text(crate::staff::sources::describe(
                super::html::SCENARIO_SOURCE,
            )),
        ]);
    }
    if let Some(p) = &plan.scenario.phase {
        for (key, v, unit) in super::phase::assumptions(p) {
            rows.push(vec![
                Cell::text(key),
                Cell::text(v),
                Cell::text(unit),
                Cell::text(crate::staff::sources::describe(super::phase::PHASE_SOURCE)),
            ]);
        }
    }
    Sheet {
        name: "前提".into(),
        notes: vec!["すべての前提と出典 Every assumption with its unit and source".into()],
        header: vec![
            h("項目", "Item"),
            h("値", "Value"),
            h("単位", "Unit"),
            h("出典", "Source"),
        ],
        rows,
    }
}

/// The workbook's bytes.
/// 入札 Bidders: where the firms come from and the shares as notes, one row per bundle.
fn bidders(plan: &Plan) -> Sheet {
    let notes = super::bidders::facts(plan)
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let rows = super::bidders::rows(plan)
        .into_iter()
        .map(|[id, lots, fewest, names, subs]| {
            vec![
                Cell::text(id),
                Cell::text(lots),
                Cell::Count(fewest.parse().unwrap_or(0)),
                Cell::text(names),
                Cell::Count(subs.parse().unwrap_or(0)),
            ]
        })
        .collect();
    Sheet {
        name: "入札".into(),
        notes,
        header: super::bidders::HEADER
            .iter()
            .map(|(ja, en)| h(ja, en))
            .collect(),
        rows,
    }
}

pub fn render(plan: &Plan) -> Result<Vec<u8>, WorkbookError> {
    let mut sheets = vec![
        summary(plan),
        bundles(plan),
        bidders(plan),
        assignments(plan),
    ];
    for b in &plan.bundles {
        let taken: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
        sheets.push(matrix(plan, b, &taken));
    }
    if let Some(ph) = &plan.phase {
        sheets.push(super::phase::sheet(plan, ph));
    }
    sheets.push(assumptions(plan));
    workbook(&sheets)
}
