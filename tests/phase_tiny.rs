//! Phase-in on tests/fixtures/phase_tiny, against start years and ledgers computed by
//! hand from its contracts.csv and models/staff_time.toml.
//!
//! Two areas, three facilities each, four trades a facility (fire_equipment, hvac,
//! elevator, water_tank), one contract per line: 24 contracts, each competitive, a
//! 4-year term, 12 payments: 28/4 + 8 + 9 = 24 h a year; today 24 × 24 = 576 h.
//! The plan is one bundle per area (B01 北沢 A1–A3, B02 玉川 B1–B3), each
//! 146.667 + 3 × 1.5 + 4 × 3 = 163.167 h a year, freeing F = 288 − 163.167 = 124.833 h
//! a year once full. A launch costs L = 80 + 60 = 140 h in the year before it starts.
//! Contract ends (first free fiscal year): B01 — A1, A2 and A3's fire/hvac 2025,
//! A3's elevator/water_tank 2026 (10 of 12 lines free in 2025); B02 — B1 2025, B2 and
//! B3 2027 (4 of 12 free in 2025). Period FY2025–FY2028 (four years).
//!
//! wait:      B01 from 2026: 3F − L = 234.5;  B02 from 2027: 2F − L = 109.667 (2028 would
//!            give F − L < 0). Net 344.167.
//! absorb 0.5: B01 may start 2025 with 10 lines (3 facilities, 4 trades: full bundle
//!            hours) while A3's two contracts run: 2025 frees 288 − 163.167 − 48 =
//!            76.833, then F: 76.833 + 3F − L = 311.333 > 234.5 → 2025. B02 has 4/12 free
//!            until 2027 → 2027. Net 421.
//! absorb 0.3: B02 may start 2025 (4/12 ≥ 0.3) with B1 only: 160.167 + 8 × 24 = 352.167 h
//!            against 288, −64.167 a year until 2027: from 2025 −18.667, 2026 45.5,
//!            2027 109.667 → the MIP still picks 2027.
//! terminate at ¥20,000 a month (4 h at ¥5,000/h): B01 2025 ends two contracts 12
//!            months early (96 h): 4F − L − 96 = 263.333 > 234.5 → 2025; B02 2025 would
//!            cost 8 × 24 months = 768 h, 2026 384 h → 2027. Net 373, ¥480,000 in FY2025.
//! terminate at ¥5,000 a month, at most one launch a year: both would start 2025
//!            (B01 335.333, B02 359.333 − 192 = 167.333); with the cap B01 2025 + B02 2026
//!            (234.5 − 96 = 138.5) = 473.833 beats B02 2025 + B01 2026 (401.833).

use matome::plan::phase::Phasing;
use matome::plan::{plan, Inputs};
use matome::scenario::Scenario;
use matome::staff::StaffModel;
use std::path::{Path, PathBuf};

/// A full bundle's hours a year: (80 + 60) / 3 + 40 + 12 × 4 + 12 × 1, 3 facilities, 4 trades.
const BUNDLE: f64 = 140.0 / 3.0 + 40.0 + 48.0 + 12.0 + 3.0 * 1.5 + 4.0 * 3.0;
/// Hours a full bundle frees a year: its twelve contracts at 24 h, less its own hours.
const F: f64 = 288.0 - BUNDLE;
const L: f64 = 140.0;

fn approx(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-3, "{what}: {a} != {b}");
}

fn phased(phase: &str) -> (Phasing, matome::plan::Accounts, Vec<String>) {
    phased_on("phase_tiny", phase)
}

fn phased_on(dataset: &str, phase: &str) -> (Phasing, matome::plan::Accounts, Vec<String>) {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = repo.join("models");
    let v = matome::validate::load_and_validate(
        &repo.join("tests/fixtures").join(dataset),
        Some(&models),
    )
    .unwrap_or_else(|d| panic!("{dataset} invalid: {d:?}"));
    let staff = StaffModel::load(Some(&models)).unwrap();
    let text = format!("name = \"t\"\n[phase]\nfirst_year = 2025\nlast_year = 2028\n{phase}");
    let scenario = Scenario::parse(&text, Path::new("t.toml"), "t").unwrap();
    let inputs = Inputs {
        dataset_name: dataset,
        ward: &v.ward,
        staff: &staff,
    };
    let p = plan(inputs, &scenario, None).unwrap_or_else(|e| panic!("{e}"));
    let areas = p.bundles.iter().map(|b| b.area.clone()).collect();
    // The line order of the fixture: L01–L12 in 北沢, L13–L24 in 玉川.
    for (l, m) in p.phase.as_ref().unwrap().moves_in_fy.iter().enumerate() {
        let line = &v.ward.lines()[l];
        let end = v.ward.contract_of(line).unwrap().end;
        if let Some(y) = m {
            if !phase.contains("terminate") {
                assert!(
                    matome::plan::phase::free_from(end) <= *y,
                    "{} moves in FY{y} before its contract ends {end}",
                    line.id
                );
            }
        }
    }
    (p.phase.unwrap(), p.accounts, areas)
}

/// (fiscal_year, bundles_launched, lines_moved, contracts_moved, contracts_at_year_end,
/// staff_hours, hours_freed, termination_cost_jpy)
type Row = (i32, usize, usize, usize, usize, f64, f64, f64);

fn assert_ledger(p: &Phasing, want: &[Row]) {
    assert_eq!(p.ledger.len(), want.len());
    let (mut cum_freed, mut cum_staff, mut cum_lines) = (0.0, 0.0, 0);
    for (r, w) in p.ledger.iter().zip(want) {
        let y = r.fiscal_year;
        assert_eq!(
            (
                r.fiscal_year,
                r.bundles_launched,
                r.lines_moved,
                r.contracts_moved,
                r.contracts_at_year_end
            ),
            (w.0, w.1, w.2, w.3, w.4),
            "FY{y}"
        );
        approx(r.staff_hours, w.5, &format!("staff hours FY{y}"));
        approx(r.hours_freed, w.6, &format!("hours freed FY{y}"));
        approx(r.fte_freed, w.6 / 1850.0, &format!("FTE FY{y}"));
        approx(r.termination_cost_jpy, w.7, &format!("termination FY{y}"));
        cum_freed += w.6;
        cum_staff += w.5;
        cum_lines += w.2;
        approx(r.cum_hours_freed, cum_freed, &format!("cum freed FY{y}"));
        approx(r.cum_staff_hours, cum_staff, &format!("cum staff FY{y}"));
        approx(
            r.cum_net_hours,
            cum_freed - cum_staff,
            &format!("cum net FY{y}"),
        );
        assert_eq!(r.cum_lines_moved, cum_lines);
    }
    assert_eq!(p.solver.status, "optimal");
    assert!(p.solver.gap.abs() < 1e-6, "{:?}", p.solver);
}

#[test]
fn wait_starts_each_bundle_once_all_its_contracts_have_ended() {
    let (p, a, areas) = phased("policy = \"wait\"\n");
    assert_eq!(areas, ["北沢", "玉川"]);
    approx(a.staff_hours_before, 576.0, "before");
    approx(a.staff_hours_freed, 2.0 * F, "plan's annual hours freed");
    assert_eq!(p.starts, [Some(2026), Some(2027)]);
    assert_eq!(p.earliest, [Some(2026), Some(2027)]);
    assert_ledger(
        &p,
        &[
            (2024, 0, 0, 0, 24, 0.0, 0.0, 0.0),
            (2025, 0, 0, 0, 24, L, 0.0, 0.0),
            (2026, 1, 12, 12, 13, L, F, 0.0),
            (2027, 1, 12, 12, 2, 0.0, 2.0 * F, 0.0),
            (2028, 0, 0, 0, 2, 0.0, 2.0 * F, 0.0),
        ],
    );
    // The last year frees the plan's annual hours; the MIP's objective is the ledger's.
    approx(p.ledger[4].hours_freed, a.staff_hours_freed, "last year");
    approx(p.solver.objective_hours, 5.0 * F - 2.0 * L, "objective");
    approx(p.cumulative_net_hours(), 344.1667, "net");
}

#[test]
fn absorb_starts_with_half_the_value_and_takes_in_the_rest_at_each_end() {
    let (p, _, _) = phased("policy = \"absorb\"\nmin_share = 0.5\n");
    assert_eq!(p.starts, [Some(2025), Some(2027)]);
    let first = 288.0 - BUNDLE - 2.0 * 24.0;
    approx(first, 76.8333, "2025 freed in 北沢");
    assert_ledger(
        &p,
        &[
            (2024, 0, 0, 0, 24, L, 0.0, 0.0),
            // 10 lines move in 2025; 北沢's elevator and water-tank contracts run on.
            (2025, 1, 10, 10, 14 + 1, 0.0, first, 0.0),
            (2026, 0, 2, 2, 12 + 1, L, F, 0.0),
            (2027, 1, 12, 12, 2, 0.0, 2.0 * F, 0.0),
            (2028, 0, 0, 0, 2, 0.0, 2.0 * F, 0.0),
        ],
    );
    approx(p.solver.objective_hours, 421.0, "objective");
    // A lower share lets 玉川 start in 2025, but starting before 2027 loses hours.
    let (p, _, _) = phased("policy = \"absorb\"\nmin_share = 0.3\n");
    assert_eq!(p.earliest, [Some(2025), Some(2025)]);
    assert_eq!(p.starts, [Some(2025), Some(2027)]);
}

#[test]
fn terminate_weighs_the_months_left_against_the_hours_freed() {
    let (p, _, _) = phased("policy = \"terminate\"\ntermination_cost_jpy_per_month = 20000\n");
    assert_eq!(p.starts, [Some(2025), Some(2027)]);
    assert_eq!(p.earliest, [Some(2025), Some(2025)]);
    assert_ledger(
        &p,
        &[
            (2024, 0, 0, 0, 24, L, 0.0, 0.0),
            (2025, 1, 12, 12, 13, 0.0, F, 480_000.0),
            (2026, 0, 0, 0, 13, L, F, 0.0),
            (2027, 1, 12, 12, 2, 0.0, 2.0 * F, 0.0),
            (2028, 0, 0, 0, 2, 0.0, 2.0 * F, 0.0),
        ],
    );
    approx(p.solver.objective_hours, 373.0, "objective");
    approx(
        p.ledger[4].cum_termination_cost_jpy,
        480_000.0,
        "cum termination",
    );
}

#[test]
fn the_launch_cap_holds_and_the_mip_chooses_which_bundle_waits() {
    let (p, _, _) = phased("policy = \"terminate\"\ntermination_cost_jpy_per_month = 5000\n");
    assert_eq!(p.starts, [Some(2025), Some(2025)]);
    approx(p.solver.objective_hours, 335.3333 + 167.3333, "uncapped");
    approx(
        p.ledger[1].termination_cost_jpy,
        1_080_000.0,
        "both in 2025",
    );
    let (p, _, _) = phased(
        "policy = \"terminate\"\ntermination_cost_jpy_per_month = 5000\nmax_launches_per_year = 1\n",
    );
    assert_eq!(p.starts, [Some(2025), Some(2026)]);
    for r in &p.ledger {
        assert!(r.bundles_launched <= 1, "FY{}", r.fiscal_year);
    }
    approx(p.solver.objective_hours, 473.8333, "capped");
    approx(p.ledger[1].termination_cost_jpy, 120_000.0, "B01 in 2025");
    approx(p.ledger[2].termination_cost_jpy, 480_000.0, "B02 in 2026");
    // A bundle that cannot pay its launch back within the period is not started: under
    // wait with the cap, one start a year still fits (2026, 2027).
    let (p, _, _) = phased("policy = \"wait\"\nmax_launches_per_year = 1\n");
    assert_eq!(p.starts, [Some(2026), Some(2027)]);
}

#[test]
fn a_bundle_that_cannot_pay_back_its_launch_in_the_period_is_deferred() {
    // FY2025–FY2027 under wait: 玉川 could start only in 2027, freeing F < L.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = repo.join("models");
    let v =
        matome::validate::load_and_validate(&repo.join("tests/fixtures/phase_tiny"), Some(&models))
            .unwrap();
    let staff = StaffModel::load(Some(&models)).unwrap();
    let s = Scenario::parse(
        "[phase]\nfirst_year = 2025\nlast_year = 2027\n",
        Path::new("t.toml"),
        "t",
    )
    .unwrap();
    let inputs = Inputs {
        dataset_name: "phase_tiny",
        ward: &v.ward,
        staff: &staff,
    };
    let p = plan(inputs, &s, None).unwrap().phase.unwrap();
    assert_eq!(p.starts, [Some(2026), None]);
    assert_eq!(p.deferred(), 1);
    approx(p.solver.objective_hours, 2.0 * F - L, "objective");
    assert!(p.moves_in_fy[12..].iter().all(|m| m.is_none()));
}

#[test]
fn a_sweep_over_the_policy_compares_the_cumulative_hours_freed() {
    use std::process::Command;
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let o = Command::new(env!("CARGO_BIN_EXE_matome"))
        .args([
            "scenarios",
            repo.join("tests/fixtures/phase_tiny").to_str().unwrap(),
            repo.join("tests/fixtures/phase_sweep_tiny.toml")
                .to_str()
                .unwrap(),
            "--models",
            repo.join("models").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let all = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{all}");
    let bytes = std::fs::read(out.join("comparison.csv")).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let head = r.headers().unwrap().clone();
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}: {head:?}"))
    };
    let (name, net, term) = (
        col("scenario"),
        col("phase_cum_hours_freed_net"),
        col("phase_termination_cost_jpy"),
    );
    assert_eq!(head.get(head.len() - 1), Some("reason"));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.get(name).unwrap(),
                r.get(net).unwrap(),
                r.get(term).unwrap(),
            )
        })
        .collect();
    // Status quo and the baseline have no phase-in: empty cells. Then 344.167 (wait),
    // 421 (absorb), 373 (terminate, ¥480,000), as in the tests above; the ledger's
    // cumulative net hours is before termination: 373 + 96 = 469.
    assert_eq!(
        got,
        [
            ("status quo 現状", "", ""),
            ("baseline", "", ""),
            ("phase-policy=wait", "344.2", "0"),
            ("phase-policy=absorb", "421.0", "0"),
            ("phase-policy=terminate", "469.0", "480000"),
        ]
    );
    for p in ["wait", "absorb", "terminate"] {
        let f = out.join(format!("phase-policy={p}")).join("phase.csv");
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(text.lines().count(), 6, "{text}");
    }
    assert!(!out.join("baseline").join("phase.csv").exists());
    // Every report of a phased plan carries the phase-in; a plan without it does not.
    let wait = out.join("phase-policy=wait");
    let csv_text = std::fs::read_to_string(wait.join("phase.csv")).unwrap();
    assert!(
        csv_text.starts_with("\u{FEFF}fiscal_year,bundles_launched,lines_moved,contracts_at_year_end,staff_hours,hours_freed,fte_freed,termination_cost_jpy,"),
        "{csv_text}"
    );
    assert!(
        csv_text.contains("\n2026,1,12,13,140.0,124.8,0.07,0,12,"),
        "{csv_text}"
    );
    let asg = std::fs::read_to_string(wait.join("assignments.csv")).unwrap();
    let mut lines = asg.lines();
    assert!(lines.next().unwrap().ends_with(",reason,moves_in_fy"));
    assert!(
        lines.next().unwrap().ends_with(",2026"),
        "L01 joins 北沢 in FY2026"
    );
    assert!(
        asg.lines().nth(13).unwrap().ends_with(",2027"),
        "L13 joins 玉川 in FY2027"
    );
    let base_asg = std::fs::read_to_string(out.join("baseline").join("assignments.csv")).unwrap();
    assert!(base_asg.lines().next().unwrap().ends_with(",reason"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(wait.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["phase"]["bundles"][1]["start"], 2027);
    assert_eq!(summary["phase"]["solver"]["status"], "optimal");
    assert_eq!(summary["scenario"]["phase"]["policy"], "wait");
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("baseline").join("summary.json")).unwrap(),
    )
    .unwrap();
    assert!(base.get("phase").is_none() && base["scenario"].get("phase").is_none());
    let html = std::fs::read_to_string(wait.join("report.html")).unwrap();
    assert!(html.contains("段階導入 Phase-in") && html.contains("<svg class=\"timeline\""));
    let md = std::fs::read_to_string(wait.join("report.md")).unwrap();
    assert!(
        md.contains("| 令和8年度 FY2026 | 1 | 12 | 12 | 13 | 140 | 125 |"),
        "{md}"
    );
    {
        use calamine::{open_workbook, Reader, Xlsx};
        let wb: Xlsx<_> = open_workbook(wait.join("plan.xlsx")).unwrap();
        assert!(
            wb.sheet_names().contains(&"段階導入".to_string()),
            "{:?}",
            wb.sheet_names()
        );
        let wb: Xlsx<_> = open_workbook(out.join("baseline").join("plan.xlsx")).unwrap();
        assert!(!wb.sheet_names().contains(&"段階導入".to_string()));
    }
    let md = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(md.contains("421 h (FY2028)"), "{md}");
}

#[test]
fn an_end_year_mixing_cost_groups_facilities_freed_in_the_same_year() {
    // ¥1,000,000 a year per year apart exceeds a bundle's fixed cost (146.667 h at
    // ¥5,000 = ¥733,333 a year): no bundle then mixes facilities freed in different
    // years. Without it (the other tests) each area is one bundle.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = repo.join("models");
    let v =
        matome::validate::load_and_validate(&repo.join("tests/fixtures/phase_tiny"), Some(&models))
            .unwrap();
    let staff = StaffModel::load(Some(&models)).unwrap();
    let s = Scenario::parse(
        "[phase]\nfirst_year = 2025\nlast_year = 2028\nend_year_mixing_jpy = 1_000_000\n",
        Path::new("t.toml"),
        "t",
    )
    .unwrap();
    let inputs = Inputs {
        dataset_name: "phase_tiny",
        ward: &v.ward,
        staff: &staff,
    };
    let p = plan(inputs, &s, None).unwrap();
    let fac: Vec<Vec<&str>> = p
        .bundles
        .iter()
        .map(|b| {
            b.facilities
                .iter()
                .map(|&f| v.ward.facilities()[f].id.as_str())
                .collect()
        })
        .collect();
    assert_eq!(
        fac,
        [vec!["A1", "A2"], vec!["A3"], vec!["B1"], vec!["B2", "B3"]]
    );
}

#[test]
fn a_contract_shared_by_two_bundles_is_held_until_both_have_taken_its_lines() {
    // tests/fixtures/phase_shared_contract: phase_tiny with B1's elevator line moved
    // into A3's elevator contract C11 (ends 2026-03-31, now ¥2M, still 24 h a year):
    // 23 contracts, 552 h today. C11 is the one contract of two bundles (the MIP's
    // continuous columns); it leaves only when 玉川 has started too.
    let (p, a, _) = phased_on("phase_shared_contract", "policy = \"wait\"\n");
    approx(a.staff_hours_before, 552.0, "before");
    assert_eq!(p.starts, [Some(2026), Some(2027)]);
    assert!(p.solver.continuous > 0, "{:?}", p.solver);
    assert_ledger(
        &p,
        &[
            (2024, 0, 0, 0, 23, 0.0, 0.0, 0.0),
            (2025, 0, 0, 0, 23, L, 0.0, 0.0),
            // 北沢 takes its 12 lines; C11 still holds 玉川's elevator: 11 contracts leave.
            (2026, 1, 12, 11, 12 + 1, L, F - 24.0, 0.0),
            (2027, 1, 12, 12, 2, 0.0, 2.0 * F - 24.0, 0.0),
            (2028, 0, 0, 0, 2, 0.0, 2.0 * F - 24.0, 0.0),
        ],
    );
    approx(p.solver.objective_hours, 272.1667, "objective");

    let (p, _, _) = phased_on(
        "phase_shared_contract",
        "policy = \"absorb\"\nmin_share = 0.5\n",
    );
    assert_eq!(p.starts, [Some(2025), Some(2027)]);
    assert_ledger(
        &p,
        &[
            (2024, 0, 0, 0, 23, L, 0.0, 0.0),
            (
                2025,
                1,
                10,
                10,
                13 + 1,
                0.0,
                552.0 - 13.0 * 24.0 - BUNDLE,
                0.0,
            ),
            // L11 and L12 join 北沢; C12 leaves, C11 waits for 玉川.
            (2026, 0, 2, 1, 12 + 1, L, F - 24.0, 0.0),
            (2027, 1, 12, 12, 2, 0.0, 2.0 * F - 24.0, 0.0),
            (2028, 0, 0, 0, 2, 0.0, 2.0 * F - 24.0, 0.0),
        ],
    );
    approx(p.solver.objective_hours, 349.0, "objective");
}
