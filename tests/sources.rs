//! Every figure in models/ is traceable: each `source` of models/staff_time.toml names
//! an entry of docs/sources.md, every `docs/sources.md#ID` anywhere in models/ resolves,
//! and nothing in models/ cites a file a user of matome does not have.

use matome::staff::sources::{entries, references};
use matome::staff::StaffModel;
use std::path::{Path, PathBuf};

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

#[test]
fn every_source_in_models_resolves_to_docs_sources() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(repo.join("docs/sources.md")).unwrap();
    let ids: Vec<&str> = entries(&page).iter().map(|e| e.0).collect();

    let staff = StaffModel::load(Some(&repo.join("models"))).unwrap();
    for (key, f) in staff.figures() {
        let refs = references(&f.source);
        assert!(
            !refs.is_empty(),
            "staff_time.{key}: source {:?} names no entry",
            f.source
        );
        for r in refs {
            assert!(
                ids.contains(&r),
                "staff_time.{key}: docs/sources.md#{r} is not an entry"
            );
        }
    }

    let mut files = Vec::new();
    toml_files(&repo.join("models"), &mut files);
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            !text.contains("TRADES.md"),
            "{} cites TRADES.md",
            f.display()
        );
        for r in references(&text) {
            assert!(
                ids.contains(&r),
                "{}: docs/sources.md#{r} is not an entry",
                f.display()
            );
        }
    }
}

#[test]
fn a_source_that_points_nowhere_is_caught() {
    let page = "## known-entry — A title\n";
    let ids: Vec<&str> = entries(page).iter().map(|e| e.0).collect();
    let bad = references("docs/sources.md#unknown-entry: x");
    assert!(bad.iter().any(|r| !ids.contains(r)));
}
