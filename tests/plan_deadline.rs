//! No solver call holds a plan past its time limit: with every HiGHS call made deaf
//! and slow (the test hook `MATOME_TEST_SLOW_SOLVE_MS`, a minute, as a presolve that
//! loops is), `matome plan --time-limit 2` still ends within a second of its limit,
//! with a plan the independent checker and `matome check` accept, and says how many
//! calls it left behind. The phase MIP, which has no plan to fall back on, is refused
//! with a message instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The hook's sleep: far past anything the test allows.
const SLOW_MS: &str = "60000";
/// The plan's time limit, seconds.
const LIMIT: f64 = 2.0;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `matome plan` on `dataset` with every HiGHS call slowed; the wall time it took.
fn slow_plan(dataset: &Path, scenario: &Path, out: &Path) -> (Output, Duration) {
    let t0 = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_matome"))
        .arg("plan")
        .arg(dataset)
        .arg("--scenario")
        .arg(scenario)
        .args(["--quiet", "--time-limit", &LIMIT.to_string(), "--out"])
        .arg(out)
        .env("MATOME_TEST_SLOW_SOLVE_MS", SLOW_MS)
        .output()
        .unwrap();
    (o, t0.elapsed())
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

fn holds_the_deadline(mode: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join(format!("{mode}.toml"));
    std::fs::write(
        &scenario,
        // No target gap: the run cannot stop early on its bound before it reaches the
        // stages that call HiGHS.
        format!("name = \"{mode}\"\n[solver]\nmode = \"{mode}\"\nrel_gap = 0.0\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let ward = repo().join("datasets/setagaya-sample");
    let (o, wall) = slow_plan(&ward, &scenario, &out);
    assert!(o.status.success(), "{}", text(&o));
    let s = summary(&out);
    let solve = s["timing"]["solve_seconds"].as_f64().unwrap();
    // The solve itself within a second of its limit; the process (reading the ward,
    // writing seven files) within a few more, against a minute per HiGHS call.
    assert!(solve <= LIMIT + 1.0, "solve took {solve} s\n{}", text(&o));
    assert!(wall < Duration::from_secs(10), "the plan took {wall:?}");
    let left = s["solver"]["solver_calls_abandoned_at_deadline"]
        .as_u64()
        .unwrap();
    assert!(
        left >= 1,
        "no call was slowed: the test tests nothing\n{}",
        s["solver"]
    );
    assert_eq!(s["solver"]["checked"], true);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("{left} left behind at their deadline")),
        "{stdout}"
    );
    // The reports say so too, in both languages.
    for f in ["report.md", "report.html"] {
        let r = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(
            r.contains(&format!("HiGHS の呼び出し {left} 件")) && r.contains("left behind"),
            "{f} does not say calls were left behind"
        );
    }
    // A colleague's re-check from the files alone.
    let check = Command::new(env!("CARGO_BIN_EXE_matome"))
        .arg("check")
        .arg(&ward)
        .arg(&out)
        .arg("--scenario")
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", text(&check));
}

#[test]
fn a_solver_that_does_not_return_cannot_hold_an_exact_plan_past_its_limit() {
    holds_the_deadline("exact");
}

#[test]
fn a_solver_that_does_not_return_cannot_hold_a_heuristic_plan_past_its_limit() {
    holds_the_deadline("heuristic");
}

#[test]
fn a_phase_mip_that_does_not_return_is_named_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("phase.toml");
    std::fs::write(
        &scenario,
        "name = \"phase\"\n[phase]\nfirst_year = 2025\nlast_year = 2028\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (o, wall) = slow_plan(&repo().join("tests/fixtures/phase_tiny"), &scenario, &out);
    assert!(!o.status.success(), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("phase MIP") && stderr.contains("left behind"),
        "{}",
        text(&o)
    );
    assert!(!stderr.contains("panicked"), "{}", text(&o));
    // The engine's calls and then the phase MIP's, each ended at its limit.
    assert!(wall < Duration::from_secs(12), "the plan took {wall:?}");
    assert!(!out.exists(), "an output folder was written");
}
