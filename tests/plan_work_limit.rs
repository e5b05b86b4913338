//! `matome plan --work-limit N`: the engine stops by a count of its own steps, not by
//! the clock, so two runs with the same seed and thread count write byte-identical
//! files — here under the heuristic (the matheuristic's every phase), with the other
//! core kept busy by a second plan running at the same time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cmd(out: &Path, scenario: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_matome"));
    c.arg("plan")
        .arg(repo().join("datasets/tiny"))
        .arg("--scenario")
        .arg(scenario)
        .args([
            "--quiet",
            "--work-limit",
            "30000",
            "--threads",
            "2",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

#[test]
fn the_same_work_limit_seed_and_threads_give_byte_identical_files_under_load() {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(repo().join("models/scenarios/baseline.toml")).unwrap();
    let scenario = tmp.path().join("heuristic.toml");
    fs::write(
        &scenario,
        text.replace("[solver]\n", "[solver]\nmode = \"heuristic\"\n"),
    )
    .unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    // Run a and b at the same time, so each competes with the other for the cores.
    let ca = cmd(&a, &scenario).spawn().unwrap();
    let cb = cmd(&b, &scenario).spawn().unwrap();
    for c in [ca, cb] {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut names: Vec<String> = fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"summary.json".to_string()), "{names:?}");
    for n in &names {
        assert_eq!(
            fs::read(a.join(n)).unwrap(),
            fs::read(b.join(n)).unwrap(),
            "{n} differs between two runs"
        );
    }
    let summary = fs::read_to_string(a.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"stopped_after_engine_steps\": 30000"),
        "{summary}"
    );
    assert!(summary.contains("\"mode\": \"heuristic\""), "{summary}");
}
