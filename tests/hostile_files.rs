//! Empty and header-only files, each of the four tables in turn: an empty file is
//! refused naming it (E0003, with the header row to write); a header without rows is
//! named (W0007) and a plan that needs rows says which are missing; nothing panics,
//! and a refused plan writes no folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn matome(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// datasets/tiny with `file` replaced by `body`.
fn tiny_with(file: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(repo().join("datasets/tiny")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    std::fs::write(dir.path().join(file), body).unwrap();
    dir
}

fn header(file: &str) -> String {
    let body = std::fs::read_to_string(repo().join("datasets/tiny").join(file)).unwrap();
    format!("{}\n", body.lines().next().unwrap())
}

const FILES: [&str; 4] = [
    "facilities.csv",
    "service_lines.csv",
    "contracts.csv",
    "depots.csv",
];

#[test]
fn an_empty_file_is_refused_with_the_header_to_write() {
    for file in FILES {
        let dir = tiny_with(file, "");
        let o = matome(&["validate", s(dir.path())]);
        let all = text(&o);
        assert_eq!(o.status.code(), Some(1), "{file}\n{all}");
        let line = all
            .lines()
            .find(|l| l.contains("E0003") && l.contains(&format!("{file}:1")))
            .unwrap_or_else(|| panic!("{file}: no E0003\n{all}"));
        // What to do: the header row itself (its required columns).
        let head = header(file);
        let first: Vec<&str> = head.trim().split(',').take(3).collect();
        assert!(
            line.contains(&format!("header row: {}", first.join(","))),
            "{line}"
        );
        let out = dir.path().with_extension("out");
        let p = matome(&["plan", s(dir.path()), "--quiet", "--out", s(&out)]);
        assert!(!p.status.success(), "{file}\n{}", text(&p));
        assert!(!text(&p).contains("panicked"), "{}", text(&p));
        assert!(
            !out.exists(),
            "{file}: a refused plan wrote {}",
            out.display()
        );
    }
}

#[test]
fn a_header_without_rows_is_named_and_the_plan_says_what_is_missing() {
    for file in FILES {
        let dir = tiny_with(file, &header(file));
        let o = matome(&["validate", s(dir.path())]);
        let all = text(&o);
        assert!(
            all.lines().any(|l| l.contains("W0007") && l.contains(file)),
            "{file}: no W0007\n{all}"
        );
        assert!(!all.contains("panicked"), "{all}");
        let out = dir.path().with_extension("out");
        let p = matome(&["plan", s(dir.path()), "--quiet", "--out", s(&out)]);
        let plan = text(&p);
        assert!(!plan.contains("panicked"), "{plan}");
        match file {
            // Depots are optional for the baseline (hubs are facilities).
            "depots.csv" => assert!(p.status.success(), "{plan}"),
            "service_lines.csv" => {
                assert!(!p.status.success(), "{plan}");
                assert!(plan.contains("no service lines"), "{plan}");
                assert!(!out.exists());
            }
            // Lines that name facilities or contracts no row defines: every one named.
            _ => {
                assert_eq!(p.status.code(), Some(1), "{plan}");
                assert!(plan.contains("nothing was planned"), "{plan}");
                assert!(!out.exists());
            }
        }
    }
}
