//! The phase-in in every report: phase.csv (one row per fiscal year, then the running
//! totals), the summary.json block, the report.html section with its timeline, the
//! report.md section and the 段階導入 sheet of plan.xlsx. All figures come from the
//! plan's `Phasing`; every one traces to contracts.csv's end dates, the scenario's
//! `[phase]` and `models/staff_time.toml`, as each section says.

use super::workbook::{Cell, Sheet};
use super::{esc, svg};
use crate::plan::phase::{fy_label, LedgerRow, Phasing};
use crate::plan::Plan;
use crate::scenario::PhasePolicy;
use crate::text::{fixed, thousands as group};
use serde_json::json;
use std::fmt::Write;

/// Where the `[phase]` figures come from.
pub(super) const PHASE_SOURCE: &str =
    "scenario [phase] (models/scenarios/phased.toml's values: docs/sources.md#phase-in-defaults)";

/// The `[phase]` rows of the assumptions table: (key, value, unit).
pub(super) fn assumptions(p: &crate::scenario::Phase) -> Vec<(String, String, &'static str)> {
    let mut v = vec![
        (
            "scenario.phase.first_year / last_year".to_string(),
            format!(
                "{}–{}",
                p.first_year.unwrap_or_default(),
                p.last_year.unwrap_or_default()
            ),
            "fiscal years (April–March)",
        ),
        ("scenario.phase.policy".into(), p.policy.key().into(), ""),
        (
            "scenario.phase.min_share".into(),
            fixed(p.min_share, 2),
            "share of annual value (absorb)",
        ),
        (
            "scenario.phase.max_launches_per_year".into(),
            p.max_launches_per_year
                .map_or("—".into(), |n| n.to_string()),
            "bundles a year",
        ),
    ];
    if let Some(c) = p.termination_cost_jpy_per_month {
        v.push((
            "scenario.phase.termination_cost_jpy_per_month".into(),
            fixed(c, 0),
            "¥ per contract and remaining month (terminate)",
        ));
    }
    if p.end_year_mixing_jpy > 0.0 {
        v.push((
            "scenario.phase.end_year_mixing_jpy".into(),
            fixed(p.end_year_mixing_jpy, 0),
            "¥ a year per unit and year apart (bundling)",
        ));
    }
    v
}

/// phase.csv's columns, in order.
pub const CSV_HEADER: [&str; 16] = [
    "fiscal_year",
    "bundles_launched",
    "lines_moved",
    "contracts_at_year_end",
    "staff_hours",
    "hours_freed",
    "fte_freed",
    "termination_cost_jpy",
    "contracts_moved",
    "cum_bundles_launched",
    "cum_lines_moved",
    "cum_staff_hours",
    "cum_hours_freed",
    "cum_net_hours",
    "cum_fte_years_freed",
    "cum_termination_cost_jpy",
];

fn csv_row(r: &LedgerRow, fte: f64) -> Vec<String> {
    vec![
        r.fiscal_year.to_string(),
        r.bundles_launched.to_string(),
        r.lines_moved.to_string(),
        r.contracts_at_year_end.to_string(),
        fixed(r.staff_hours, 1),
        fixed(r.hours_freed, 1),
        fixed(r.fte_freed, 2),
        fixed(r.termination_cost_jpy, 0),
        r.contracts_moved.to_string(),
        r.cum_bundles_launched.to_string(),
        r.cum_lines_moved.to_string(),
        fixed(r.cum_staff_hours, 1),
        fixed(r.cum_hours_freed, 1),
        fixed(r.cum_net_hours, 1),
        fixed(r.cum_hours_freed / fte, 2),
        fixed(r.cum_termination_cost_jpy, 0),
    ]
}

/// phase.csv, UTF-8 with a BOM like the other tables.
pub fn csv(plan: &Plan, ph: &Phasing) -> Vec<u8> {
    let fte = plan.inputs.staff.hours_per_fte();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).expect("memory");
    for r in &ph.ledger {
        w.write_record(csv_row(r, fte)).expect("memory");
    }
    let body = w.into_inner().expect("writing to memory cannot fail");
    ["\u{FEFF}".as_bytes(), &body].concat()
}

/// What each policy means, in one sentence each language.
fn policy_text(ph: &Phasing) -> String {
    let p = &ph.phase;
    match p.policy {
        PhasePolicy::Wait => "待機 wait: 包括契約は、その業務の現行契約がすべて満了した年度に開始する / a bundle starts in a fiscal year by which every contract of its lines has ended".into(),
        PhasePolicy::Absorb => format!(
            "吸収 absorb: 年間契約額の {} % 以上が満了した年度に開始し、残りは各契約の満了時に追加する / a bundle starts once {} % of its annual value is free and takes in each other line when its contract ends",
            fixed(100.0 * p.min_share, 0),
            fixed(100.0 * p.min_share, 0)
        ),
        PhasePolicy::Terminate => format!(
            "中途解約 terminate: 開始時に残る現行契約は解約し、残り1か月につき ¥{} を要する / contracts still running when a bundle starts are ended early at ¥{} a contract and remaining month",
            group(p.termination_cost_jpy_per_month.unwrap_or(0.0).round() as i64),
            group(p.termination_cost_jpy_per_month.unwrap_or(0.0).round() as i64)
        ),
    }
}

fn cap_text(ph: &Phasing) -> String {
    match ph.phase.max_launches_per_year {
        Some(n) => format!("年 {n} 件まで at most {n} a year"),
        None => "上限なし no cap".into(),
    }
}

/// Where the ledger's figures come from, one sentence each language.
const SOURCES: &str = "出典 Sources: 満了日 end dates — contracts.csv `end` (a line is free from the first fiscal year, April–March, after it); 職員時間 staff hours — models/staff_time.toml (today's contracts as in the plan's accounts: a contract keeps its full hours while any of its lines waits; a bundle's hours for the facilities and trades it holds so far); 準備 launch hours — bundle.specification + bundle.procurement, in the year before a bundle starts; 政策・上限・解約費用 policy, cap and termination cost — the scenario's [phase]; the MIP weighs termination yen at costs.yen_per_staff_hour.";

pub fn json(plan: &Plan, ph: &Phasing) -> serde_json::Value {
    let fte = plan.inputs.staff.hours_per_fte();
    let r = |v: f64, k: i32| {
        let m = 10f64.powi(k);
        let x = (v * m).round() / m;
        if x == 0.0 {
            0.0
        } else {
            x
        }
    };
    let last = ph.ledger.last().expect("a ledger has rows");
    json!({
        "policy": ph.phase.policy.key(),
        "first_year": ph.years[0],
        "last_year": last.fiscal_year,
        "min_share": ph.phase.min_share,
        "max_launches_per_year": ph.phase.max_launches_per_year,
        "termination_cost_jpy_per_month": ph.phase.termination_cost_jpy_per_month,
        "staff_hours_today": r(ph.baseline_hours, 1),
        "bundles_after_period": ph.deferred(),
        "bundles": plan.bundles.iter().enumerate().map(|(i, b)| json!({
            "bundle_id": b.id,
            "name": b.name,
            "earliest_start": ph.earliest[i],
            "start": ph.starts[i],
            "launch_year": ph.starts[i].map(|s| s - 1),
        })).collect::<Vec<_>>(),
        "ledger": ph.ledger.iter().map(|x| json!({
            "fiscal_year": x.fiscal_year,
            "bundles_launched": x.bundles_launched,
            "lines_moved": x.lines_moved,
            "contracts_moved": x.contracts_moved,
            "contracts_at_year_end": x.contracts_at_year_end,
            "staff_hours": r(x.staff_hours, 1),
            "hours_freed": r(x.hours_freed, 1),
            "fte_freed": r(x.fte_freed, 2),
            "termination_cost_jpy": r(x.termination_cost_jpy, 0),
            "cum_hours_freed": r(x.cum_hours_freed, 1),
            "cum_staff_hours": r(x.cum_staff_hours, 1),
            "cum_net_hours": r(x.cum_net_hours, 1),
            "cum_fte_years_freed": r(x.cum_hours_freed / fte, 2),
            "cum_termination_cost_jpy": r(x.cum_termination_cost_jpy, 0),
        })).collect::<Vec<_>>(),
        "solver": {
            "objective_net_hours": r(ph.solver.objective_hours, 1),
            "upper_bound_net_hours": r(ph.solver.bound_hours, 1),
            "gap": r(ph.solver.gap, 6),
            "status": ph.solver.status,
            "binaries": ph.solver.binaries,
            "continuous": ph.solver.continuous,
            "rows": ph.solver.rows,
            "checked": true,
        },
    })
}

/// The year labels of the ledger rows ("準備" marks the preparation year).
fn year_cell(ph: &Phasing, r: &LedgerRow) -> String {
    if r.fiscal_year < ph.years[0] {
        format!("{}（準備 preparation）", fy_label(r.fiscal_year))
    } else {
        fy_label(r.fiscal_year)
    }
}

const COLUMNS_JA_EN: [&str; 10] = [
    "年度 Fiscal year",
    "開始 Bundles started",
    "移行業務 Lines moved",
    "移行契約 Contracts moved",
    "年度末契約数 Contracts at year end",
    "準備時間 Launch hours",
    "削減時間 Hours freed",
    "常勤換算 FTE freed",
    "解約費用 Termination ¥",
    "累計純削減 Cumulative net hours",
];

fn cells(ph: &Phasing, r: &LedgerRow) -> Vec<String> {
    vec![
        year_cell(ph, r),
        r.bundles_launched.to_string(),
        group(r.lines_moved as i64),
        group(r.contracts_moved as i64),
        group(r.contracts_at_year_end as i64),
        group(r.staff_hours.round() as i64),
        group(r.hours_freed.round() as i64),
        fixed(r.fte_freed, 1),
        group(r.termination_cost_jpy.round() as i64),
        group(r.cum_net_hours.round() as i64),
    ]
}

fn lead(plan: &Plan, ph: &Phasing) -> String {
    let fte = plan.inputs.staff.hours_per_fte();
    let last = ph.ledger.last().expect("a ledger has rows");
    format!(
        "{} 年度末までの累計 By the end of {}: 削減 {} h freed − 準備 {} h of launches = <b>{} h</b> net ({} FTE-years){}; 期間内に開始しない包括契約 bundles not started in the period: {}.",
        fy_label(last.fiscal_year),
        fy_label(last.fiscal_year),
        group(last.cum_hours_freed.round() as i64),
        group(last.cum_staff_hours.round() as i64),
        group(last.cum_net_hours.round() as i64),
        fixed(last.cum_net_hours / fte, 1),
        if last.cum_termination_cost_jpy > 0.0 {
            format!(", 解約費用 termination ¥{}", group(last.cum_termination_cost_jpy.round() as i64))
        } else {
            String::new()
        },
        ph.deferred()
    )
}

fn solver_text(ph: &Phasing) -> String {
    let s = &ph.solver;
    format!(
        "段階導入MIP Phase MIP (包括契約 × 年度 bundles × years, good_lp + HiGHS): 目的 objective {} h net of launch hours and termination (at costs.yen_per_staff_hour), 上界 bound {} h, gap {}, {}; {} binary and {} continuous columns, {} rows; 独立検証済み checked against the ledger.",
        group(s.objective_hours.round() as i64),
        group(s.bound_hours.round() as i64),
        ph.gap_text(),
        s.status,
        s.binaries,
        group(s.continuous as i64),
        group(s.rows as i64)
    )
}

/// The report.html section.
pub fn html(plan: &Plan, ph: &Phasing) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<h2>段階導入 Phase-in {}–{}</h2>\n<p>{}; 開始数 launches: {}.</p>",
        fy_label(ph.years[0]),
        fy_label(*ph.years.last().expect("years")),
        esc(&policy_text(ph)),
        esc(&cap_text(ph))
    );
    s.push_str(&svg::timeline(plan, ph));
    s.push_str("\n<table>\n<thead><tr>");
    for c in COLUMNS_JA_EN {
        let _ = write!(s, "<th>{c}</th>");
    }
    s.push_str("</tr></thead>\n");
    for r in &ph.ledger {
        s.push_str("<tr>");
        for c in cells(ph, r) {
            let _ = write!(s, "<td>{}</td>", esc(&c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    let _ = writeln!(s, "<p class=\"lead\">{}</p>", lead(plan, ph));
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&solver_text(ph)));
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(SOURCES));
    s
}

/// The report.md section, with the same timeline as text (one line per bundle).
pub fn markdown(plan: &Plan, ph: &Phasing) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n## 段階導入 Phase-in {}–{}\n\n{}; 開始数 launches: {}.\n",
        fy_label(ph.years[0]),
        fy_label(*ph.years.last().expect("years")),
        policy_text(ph),
        cap_text(ph)
    );
    let _ = writeln!(s, "| {} |", COLUMNS_JA_EN.join(" | "));
    let _ = writeln!(s, "|---|{}", "---:|".repeat(COLUMNS_JA_EN.len() - 1));
    for r in &ph.ledger {
        let _ = writeln!(s, "| {} |", cells(ph, r).join(" | "));
    }
    let _ = writeln!(
        s,
        "\n{}\n",
        lead(plan, ph).replace("<b>", "**").replace("</b>", "**")
    );
    let years: Vec<String> = ph
        .ledger
        .iter()
        .map(|r| format!("{:02}", r.fiscal_year % 100))
        .collect();
    let _ = writeln!(
        s,
        "時系列 Timeline (◆ 調達 procurement, █ 全業務移行済み all lines in, ▒ 一部 part, · 現行契約 today's contracts):\n\n```\n{:<6} {}",
        "FY",
        years.join(" ")
    );
    for (i, b) in plan.bundles.iter().enumerate() {
        let marks: Vec<String> = ph
            .ledger
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let share = ph.timeline[i][k];
                let m = if ph.starts[i] == Some(r.fiscal_year + 1) {
                    "◆"
                } else if share >= 1.0 - 1e-9 {
                    "█"
                } else if share > 0.0 {
                    "▒"
                } else {
                    "·"
                };
                format!("{m:>2}")
            })
            .collect();
        let _ = writeln!(s, "{:<6} {}  {}", b.id, marks.join(" "), b.name);
    }
    s.push_str("```\n\n");
    let _ = writeln!(s, "{}\n\n{}", solver_text(ph), SOURCES);
    s
}

/// The 段階導入 sheet of plan.xlsx.
pub fn sheet(plan: &Plan, ph: &Phasing) -> Sheet {
    let fte = plan.inputs.staff.hours_per_fte();
    let mut rows: Vec<Vec<Cell>> = ph
        .ledger
        .iter()
        .map(|r| {
            vec![
                Cell::Count(r.fiscal_year as i64),
                Cell::text(year_cell(ph, r)),
                Cell::Count(r.bundles_launched as i64),
                Cell::Count(r.lines_moved as i64),
                Cell::Count(r.contracts_moved as i64),
                Cell::Count(r.contracts_at_year_end as i64),
                Cell::Hours(r.staff_hours),
                Cell::Hours(r.hours_freed),
                Cell::Number(r.fte_freed),
                Cell::Yen(r.termination_cost_jpy),
                Cell::Hours(r.cum_hours_freed),
                Cell::Hours(r.cum_staff_hours),
                Cell::Hours(r.cum_net_hours),
                Cell::Number(r.cum_hours_freed / fte),
                Cell::Yen(r.cum_termination_cost_jpy),
            ]
        })
        .collect();
    rows.push(vec![]);
    for (i, b) in plan.bundles.iter().enumerate() {
        rows.push(vec![
            Cell::Empty,
            Cell::text(format!(
                "{} {}: 開始 start {}, 調達 procurement {}, 最早 earliest {}",
                b.id,
                b.name,
                ph.starts[i].map_or("期間外 after the period".into(), fy_label),
                ph.starts[i].map_or("—".into(), |s| fy_label(s - 1)),
                ph.earliest[i].map_or("期間外 after the period".into(), fy_label)
            )),
        ]);
    }
    let h = |ja: &str, en: &str| (ja.to_string(), en.to_string());
    Sheet {
        name: "段階導入".into(),
        notes: vec![
            format!("段階導入 Phase-in — {}; {}", policy_text(ph), cap_text(ph)),
            solver_text(ph),
            SOURCES.into(),
        ],
        header: vec![
            h("年度", "Fiscal year"),
            h("年度名", "Label"),
            h("開始", "Bundles started"),
            h("移行業務", "Lines moved"),
            h("移行契約", "Contracts moved"),
            h("年度末契約数", "Contracts at year end"),
            h("準備時間 h", "Launch hours"),
            h("削減時間 h", "Hours freed"),
            h("常勤換算", "FTE freed"),
            h("解約費用 円", "Termination ¥"),
            h("累計削減 h", "Cum. hours freed"),
            h("累計準備 h", "Cum. launch hours"),
            h("累計純削減 h", "Cum. net hours"),
            h("累計 FTE年", "Cum. FTE-years"),
            h("累計解約費用 円", "Cum. termination ¥"),
        ],
        rows,
    }
}
