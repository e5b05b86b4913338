//! report.html: one self-contained page for the department (no network, no scripts):
//! before/after figures, the map, staff time freed by area, the bundle table, the
//! solver's word on quality and the assumptions, in Japanese and English.

use super::{esc, svg, trade_label};
use crate::plan::Plan;
use crate::text::{fixed, thousands as group};
use std::fmt::Write;

fn yen(v: f64) -> String {
    format!("¥{}", group(v.round() as i64))
}

fn row(s: &mut String, cells: &[String]) {
    s.push_str("<tr>");
    for c in cells {
        let _ = write!(s, "<td>{c}</td>");
    }
    s.push_str("</tr>\n");
}

fn head(s: &mut String, cells: &[&str]) {
    s.push_str("<thead><tr>");
    for c in cells {
        let _ = write!(s, "<th>{c}</th>");
    }
    s.push_str("</tr></thead>\n");
}

pub fn render(plan: &Plan) -> String {
    let a = &plan.accounts;
    let sc = &plan.scenario;
    let mut s = String::new();
    let title = format!(
        "包括委託計画 Comprehensive outsourcing plan — {} / {}",
        plan.inputs.dataset_name, sc.name
    );
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        STYLE,
        esc(&title)
    );
    if !sc.description.is_empty() {
        let _ = writeln!(s, "<p class=\"desc\">{}</p>", esc(&sc.description));
    }

    s.push_str("<h2>概要 Before and after</h2>\n<table class=\"figures\">\n");
    head(&mut s, &["", "現在 Before", "計画後 After", "差 Change"]);
    row(
        &mut s,
        &[
            "契約数 Contracts".into(),
            group(a.contracts_before as i64),
            format!(
                "{} <small>(包括 {} bundles + 継続 {} left as is)</small>",
                group(a.contracts_after as i64),
                a.bundles,
                a.contracts_left
            ),
            group(a.contracts_after as i64 - a.contracts_before as i64),
        ],
    );
    row(
        &mut s,
        &[
            "職員時間 Staff hours / year".into(),
            group(a.staff_hours_before.round() as i64),
            group(a.staff_hours_after.round() as i64),
            group((a.staff_hours_after - a.staff_hours_before).round() as i64),
        ],
    );
    row(
        &mut s,
        &[
            "常勤換算 Full-time equivalents".into(),
            fixed(a.staff_hours_before / plan.inputs.staff.hours_per_fte(), 1),
            fixed(a.staff_hours_after / plan.inputs.staff.hours_per_fte(), 1),
            fixed(-a.fte_freed, 1),
        ],
    );
    row(
        &mut s,
        &[
            "移動距離 Contractor travel km / year (各訪問を拠点から往復 each visit a round trip from its base)".into(),
            group(a.travel_km_before.round() as i64),
            group(a.travel_km_after.round() as i64),
            group((a.travel_km_after - a.travel_km_before).round() as i64),
        ],
    );
    s.push_str("</table>\n");
    let _ = writeln!(
        s,
        "<p class=\"lead\">削減される職員時間 Staff time freed: <b>{} h / year = {} FTE</b>. \
         感度 Sensitivity: if every single-contract figure were 25 % lower, {} h; 25 % higher, {} h.</p>",
        group(a.staff_hours_freed.round() as i64),
        fixed(a.fte_freed, 1),
        group(a.freed_if_contracts_25_lower.round() as i64),
        group(a.freed_if_contracts_25_higher.round() as i64),
    );
    let _ = writeln!(
        s,
        "<p>対象 Scope: {} of {} service lines bundled at {} of {} facilities; {} pinned, {} excluded by the scenario.</p>",
        group(a.lines_bundled as i64),
        group(a.lines_total as i64),
        group(a.facilities_bundled as i64),
        group(a.facilities_total as i64),
        a.lines_pinned,
        a.lines_excluded
    );

    s.push_str("<h2>地図 Map of bundles</h2>\n<p class=\"note\">色 = 包括契約 colour = bundle; ■ = 拠点 hub; 灰色 grey = not bundled; shaded = the bundle's convex hull.</p>\n");
    s.push_str(&svg::map(plan));

    s.push_str("\n<h2>地域別の職員時間 Staff hours by area</h2>\n");
    s.push_str(&svg::area_chart(plan));
    s.push_str("\n<table>\n");
    head(
        &mut s,
        &[
            "地域 Area",
            "現在 Before h",
            "計画後 After h",
            "削減 Freed h",
            "常勤換算 FTE freed",
        ],
    );
    for r in &a.by_area {
        row(
            &mut s,
            &[
                esc(&r.area),
                fixed(r.before, 0),
                fixed(r.after, 0),
                fixed(r.freed, 0),
                fixed(r.fte_freed, 2),
            ],
        );
    }
    s.push_str("</table>\n");

    s.push_str("<h2>包括契約一覧 Bundles</h2>\n");
    if let Some(note) = super::hub_note(plan) {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&note));
    }
    s.push_str("<table>\n");
    head(
        &mut s,
        &[
            "ID",
            "名称 Name",
            "中心 Centre (hub)",
            "地域 Area",
            "施設 Facilities",
            "業務 Lines",
            "業種数 Trades",
            "作業時間 Labour h/yr",
            "契約額 Value ¥/yr",
            "移動 Travel km/yr",
            "巡回 Round km",
            "職員 Admin h/yr",
        ],
    );
    for (i, b) in plan.bundles.iter().enumerate() {
        let trades: Vec<String> = b
            .trades
            .iter()
            .map(|t| esc(&trade_label(plan, t)))
            .collect();
        row(
            &mut s,
            &[
                format!(
                    "<span class=\"dot\" style=\"background:{}\"></span>{}",
                    svg::colour(i),
                    b.id
                ),
                esc(&b.name),
                esc(&b.hub_name),
                esc(&b.area),
                b.facilities.len().to_string(),
                b.lines.len().to_string(),
                format!(
                    "<span title=\"{}\">{}</span>",
                    trades.join(" / "),
                    b.trades.len()
                ),
                group(b.labour_hours.round() as i64),
                group(b.value),
                group(b.travel_km_year.round() as i64),
                fixed(b.route_km, 1),
                fixed(b.admin_hours, 0),
            ],
        );
    }
    s.push_str("</table>\n");

    s.push_str("<h2>入札参加可能業者 Bidders</h2>\n<table>\n");
    for (k, v) in super::bidders::facts(plan) {
        row(&mut s, &[esc(&k), esc(&v)]);
    }
    s.push_str("</table>\n<table>\n");
    let head_cells: Vec<String> = super::bidders::HEADER
        .iter()
        .map(|(ja, en)| format!("{ja} {en}"))
        .collect();
    head(
        &mut s,
        &head_cells.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for r in super::bidders::rows(plan) {
        row(&mut s, &r.iter().map(|c| esc(c)).collect::<Vec<_>>());
    }
    s.push_str("</table>\n");

    if let Some(r) = &plan.realignment {
        s.push_str("<h2>再編 Realignment against the earlier plan</h2>\n<table>\n");
        for (k, v) in super::realign::facts(r) {
            row(&mut s, &[esc(&k), esc(&v)]);
        }
        s.push_str("</table>\n<table>\n");
        head(&mut s, &super::realign::HEADER);
        for r in super::realign::rows(r) {
            row(&mut s, &r.iter().map(|c| esc(c)).collect::<Vec<_>>());
        }
        s.push_str("</table>\n<p class=\"note\">Every facility that changed bundle is in changes.csv.</p>\n");
    }
    if let Some(ph) = &plan.phase {
        s.push_str(&super::phase::html(plan, ph));
    }

    let sv = &plan.solver;
    s.push_str("<h2>最適化 Solver</h2>\n<table>\n");
    row(
        &mut s,
        &["目的関数 Objective (yearly cost)".into(), yen(sv.objective)],
    );
    row(&mut s, &["下界 Lower bound".into(), sv.bound_text()]);
    row(&mut s, &["ギャップ Gap".into(), sv.gap_text()]);
    row(
        &mut s,
        &[
            "状態 Status".into(),
            format!("{} ({}), 独立検証済み checked", sv.status, sv.mode),
        ],
    );
    if let Some(t) = sv.left_behind_text() {
        row(&mut s, &["打ち切り Left behind".into(), esc(&t)]);
    }
    s.push_str("</table>\n");

    s.push_str("<h2>前提 Assumptions</h2>\n<table>\n");
    head(
        &mut s,
        &["項目 Item", "値 Value", "単位 Unit", "出典 Source"],
    );
    for (key, f) in plan.inputs.staff.figures() {
        row(
            &mut s,
            &[
                format!("staff_time.{}", esc(&key)),
                fixed(f.value, 2),
                esc(&f.unit),
                esc(&crate::staff::sources::describe(&f.source)),
            ],
        );
    }
    let c = &sc.costs;
    row(
        &mut s,
        &[
            "scenario.costs.yen_per_staff_hour".into(),
            fixed(c.yen_per_staff_hour, 0),
            "¥/h".into(),
            esc(&crate::staff::sources::describe(SCENARIO_SOURCE)),
        ],
    );
    row(
        &mut s,
        &[
            "scenario.costs.yen_per_km".into(),
            fixed(c.yen_per_km, 0),
            "¥/km".into(),
            esc(&crate::staff::sources::describe(SCENARIO_SOURCE)),
        ],
    );
    row(
        &mut s,
        &[
            "scenario.costs.detour_factor".into(),
            fixed(c.detour_factor, 2),
            "road km / great-circle km".into(),
            esc(&crate::staff::sources::describe(&format!(
                "{SCENARIO_SOURCE}; used where travel.csv lacks a pair"
            ))),
        ],
    );
    if let Some(p) = &sc.phase {
        for (key, v, unit) in super::phase::assumptions(p) {
            row(
                &mut s,
                &[
                    key,
                    v,
                    unit.into(),
                    esc(&crate::staff::sources::describe(super::phase::PHASE_SOURCE)),
                ],
            );
        }
    }
    s.push_str("</table>\n");
    let _ = writeln!(
        s,
        "<p class=\"note\">{} 巡回 Round: one tour through the bundle's visited facilities (nearest neighbour + 2-opt).</p>\n</body>\n</html>",
        esc(&super::travel_sentence(plan))
    );
    s
}

/// Where the scenario's cost figures come from.
pub(super) const SCENARIO_SOURCE: &str =
    "scenario (the shipped scenarios' values: docs/sources.md#scenario-costs)";

const STYLE: &str = "body{font-family:'Hiragino Sans','Noto Sans JP','Yu Gothic',sans-serif;margin:24px;color:#222;max-width:1100px}\
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}\
td:first-child,th:first-child{text-align:left}.lead{font-size:16px}.note,.desc{color:#555;font-size:13px}\
.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:5px}svg{display:block;margin:8px 0}";
