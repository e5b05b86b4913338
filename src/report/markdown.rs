//! report.md: the plan's figures as Markdown, for pasting into memos and tickets.

use crate::plan::Plan;
use crate::text::{fixed, thousands as group};
use std::fmt::Write;

pub fn render(plan: &Plan) -> String {
    let a = &plan.accounts;
    let sv = &plan.solver;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# 包括委託計画 Comprehensive outsourcing plan — {} / {}\n",
        plan.inputs.dataset_name, plan.scenario.name
    );
    if !plan.scenario.description.is_empty() {
        let _ = writeln!(s, "{}\n", plan.scenario.description);
    }
    let _ = writeln!(s, "| | 現在 Before | 計画後 After |\n|---|---:|---:|");
    let _ = writeln!(
        s,
        "| 契約数 Contracts | {} | {} ({} bundles + {} left as is) |",
        group(a.contracts_before as i64),
        group(a.contracts_after as i64),
        a.bundles,
        a.contracts_left
    );
    let _ = writeln!(
        s,
        "| 職員時間 Staff hours / year | {} | {} |",
        group(a.staff_hours_before.round() as i64),
        group(a.staff_hours_after.round() as i64)
    );
    let _ = writeln!(
        s,
        "| 移動距離 Travel km / year | {} | {} |\n\n{}\n",
        group(a.travel_km_before.round() as i64),
        group(a.travel_km_after.round() as i64),
        super::travel_sentence(plan)
    );
    let _ = writeln!(
        s,
        "**削減 Staff time freed: {} h / year = {} FTE** (single-contract figures −25 %: {} h; +25 %: {} h).\n",
        group(a.staff_hours_freed.round() as i64),
        fixed(a.fte_freed, 1),
        group(a.freed_if_contracts_25_lower.round() as i64),
        group(a.freed_if_contracts_25_higher.round() as i64)
    );
    let _ = writeln!(s, "## 地域別 By area\n\n| 地域 Area | Before h | After h | Freed h | FTE freed |\n|---|---:|---:|---:|---:|");
    for r in &a.by_area {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.area,
            fixed(r.before, 0),
            fixed(r.after, 0),
            fixed(r.freed, 0),
            fixed(r.fte_freed, 2)
        );
    }
    let _ = writeln!(
        s,
        "\n## 包括契約 Bundles\n\n| ID | 名称 Name | 中心 Centre (hub) | Area | Facilities | Lines | Labour h | Value ¥ | Travel km/yr | Round km |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|"
    );
    if let Some(note) = super::hub_note(plan) {
        let _ = writeln!(s, "\n{note}");
    }
    for b in &plan.bundles {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            b.id,
            b.name.replace('|', "/"),
            b.hub_name.replace('|', "/"),
            b.area,
            b.facilities.len(),
            b.lines.len(),
            group(b.labour_hours.round() as i64),
            group(b.value),
            group(b.travel_km_year.round() as i64),
            fixed(b.route_km, 1)
        );
    }
    let _ = writeln!(s, "\n## 入札参加可能業者 Bidders\n");
    for (k, v) in super::bidders::facts(plan) {
        let _ = writeln!(s, "- {k}: {v}");
    }
    let head: Vec<String> = super::bidders::HEADER
        .iter()
        .map(|(ja, en)| format!("{ja} {en}"))
        .collect();
    let _ = writeln!(s, "\n| {} |\n|---|---|---:|---|---:|", head.join(" | "));
    for r in super::bidders::rows(plan) {
        let cells: Vec<String> = r.iter().map(|c| c.replace('|', "/")).collect();
        let _ = writeln!(s, "| {} |", cells.join(" | "));
    }
    if let Some(r) = &plan.realignment {
        let _ = writeln!(s, "\n## 再編 Realignment against the earlier plan\n");
        for (k, v) in super::realign::facts(r) {
            let _ = writeln!(s, "- {k}: {v}");
        }
        let _ = writeln!(
            s,
            "\n| {} |\n|---|---:|---:|---:|---|",
            super::realign::HEADER.join(" | ")
        );
        for row in super::realign::rows(r) {
            let _ = writeln!(s, "| {} |", row.join(" | "));
        }
        let _ = writeln!(s, "\nEvery facility that changed bundle is in changes.csv.");
    }
    if let Some(ph) = &plan.phase {
        s.push_str(&super::phase::markdown(plan, ph));
    }
    let _ = writeln!(
        s,
        "\n## 最適化 Solver\n\nObjective ¥{} / year, lower bound {}, gap {}, status {} ({}), checked independently.",
        group(sv.objective.round() as i64),
        sv.bound_text(),
        sv.gap_text(),
        sv.status,
        sv.mode
    );
    if let Some(t) = sv.left_behind_text() {
        let _ = writeln!(s, "\n{t}");
    }
    s
}
