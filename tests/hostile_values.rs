//! Scenario and command-line values that cannot be meant: refused before any work
//! with the key and the allowed range (exit 2, nothing written), or, for more threads
//! than the machine has cores, clamped with a warning. No panic, no silent minute.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (Output, Duration) {
    let t0 = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap();
    (o, t0.elapsed())
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn plan(out: &Path, extra: &[&str]) -> (Output, Duration) {
    let mut args = vec![
        "plan",
        "datasets/tiny",
        "--models",
        "models",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Exit 2 with the key and range in stderr, no output folder, and no panic.
fn refused(out: &Path, extra: &[&str], key: &str, range: &str) {
    let (o, _) = plan(out, extra);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(2), "{extra:?}: {all}");
    assert!(all.contains(key) && all.contains(range), "{extra:?}: {all}");
    assert!(!all.contains("panicked"), "{all}");
    assert!(!out.exists(), "{extra:?} left {}", out.display());
}

#[test]
fn command_line_values_that_cannot_be_meant_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // These once ran for minutes (100,000 threads) or panicked (1e308 s).
    refused(
        &out,
        &["--threads", "100000", "--time-limit", "0.5"],
        "solver.threads",
        "between 1 and 256",
    );
    refused(
        &out,
        &["--time-limit", "1e308"],
        "solver.time_limit_s",
        "at most 604800",
    );
    refused(
        &out,
        &["--time-limit", "NaN"],
        "solver.time_limit_s",
        "positive seconds",
    );
    refused(
        &out,
        &["--time-limit=-1"],
        "solver.time_limit_s",
        "positive seconds",
    );
    refused(
        &out,
        &["--time-limit", "inf"],
        "solver.time_limit_s",
        "positive seconds",
    );
    refused(
        &out,
        &["--threads", "0"],
        "solver.threads",
        "between 1 and 256",
    );
}

#[test]
fn scenario_values_that_cannot_be_meant_are_refused_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (name, body, key, range) in [
        (
            "threads",
            "[solver]\nthreads = 100000\ntime_limit_s = 0.5\n",
            "solver.threads",
            "between 1 and 256",
        ),
        (
            "huge-limit",
            "[solver]\ntime_limit_s = 1e308\n",
            "solver.time_limit_s",
            "at most 604800",
        ),
        (
            "nan-cap",
            "[limits]\nmax_labour_hours = nan\n",
            "limits.max_labour_hours",
            "positive",
        ),
        (
            "negative-cap",
            "[limits]\nmax_value_jpy = -100\n",
            "limits.max_value_jpy",
            "positive",
        ),
        (
            "negative-min",
            "[limits]\nmin_value_jpy = -100\n",
            "limits.min_value_jpy",
            "zero or positive",
        ),
        (
            "zero-distance",
            "[limits]\nmax_distance_km = 0.0\n",
            "limits.max_distance_km",
            "positive",
        ),
        (
            "huge-rate",
            "[costs]\nyen_per_km = 1e308\n",
            "costs.yen_per_km",
            "between 0 and 1000000",
        ),
    ] {
        let p = dir.path().join(format!("{name}.toml"));
        std::fs::write(&p, body).unwrap();
        let (o, took) = plan(&out, &["--scenario", p.to_str().unwrap()]);
        let all = text(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {all}");
        assert!(
            all.contains(&format!("{name}.toml")) && all.contains(key) && all.contains(range),
            "{name}: {all}"
        );
        assert!(took < Duration::from_secs(20), "{name} took {took:?}");
        assert!(!out.exists());
    }
}

#[test]
fn more_threads_than_cores_run_as_many_as_cores_with_a_warning() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores >= 256 {
        eprintln!("skipped: this machine has {cores} cores");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (o, _) = plan(&out, &["--threads", "256", "--time-limit", "2"]);
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    assert!(
        all.contains(&format!(
            "solver.threads = 256 is more than this machine's {cores} cores; running {cores}"
        )),
        "{all}"
    );
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains(&format!("\"threads\": {cores}")),
        "the summary echoes what ran: {summary}"
    );
}

#[test]
fn bench_and_scenarios_refuse_the_same_values() {
    let (o, _) = run(&["bench", "--generate", "50:5", "--time-limit", "1e308"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("at most 604800"), "{}", text(&o));
    let (o, _) = run(&["bench", "--generate", "50:5", "--time-limit", "NaN"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!text(&o).contains("panicked"), "{}", text(&o));
    let (o, _) = run(&["bench", "--generate", "50:5", "--threads", "100000"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("between 1 and 256"), "{}", text(&o));
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = run(&[
        "scenarios",
        "datasets/tiny",
        "tests/fixtures/scenario_sweep_tiny.toml",
        "--models",
        "models",
        "--out",
        dir.path().join("o").to_str().unwrap(),
        "--threads",
        "100000",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("between 1 and 256"), "{}", text(&o));
}
