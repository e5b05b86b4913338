//! Benchmark readers: formats, distance conventions and clear errors. Tests that need
//! ../shared/benchmarks print a note and skip when it is absent.

use matome::bench::{detect_format, read_instance, Format};
use matome::solve::check::check;
use matome::solve::{HubCount, Solution};
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/benchmarks")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        println!("skipped: {} is absent", p.display());
        None
    }
}

#[test]
fn pmedcap_floors_distances() {
    let Some(path) = shared("cpmp/osman_christofides/pmedcap1_01.txt") else {
        return;
    };
    let inst = read_instance(&path, None).unwrap();
    assert_eq!(inst.format, Format::Pmedcap);
    assert_eq!(inst.problem.units.len(), 50);
    assert_eq!(inst.problem.hub_count, HubCount::Exact(5));
    for u in 0..50 {
        for h in [0, 7, 49] {
            let c = inst.problem.cost(u, h).unwrap();
            assert_eq!(c, c.floor());
        }
    }
}

#[test]
fn lorena_senne_reads_crlf_and_tabs() {
    let Some(sjc) = shared("cpmp/lorena_senne/SJC1.dat") else {
        return;
    };
    let inst = read_instance(&sjc, None).unwrap();
    assert_eq!((inst.problem.units.len(), inst.p), (100, Some(10)));
    assert_eq!(inst.problem.hubs[0].capacity, vec![720.0]);
    let Some(st) = shared("cpmp/stefanello2015/lin318_005.txt") else {
        return;
    };
    let inst = read_instance(&st, None).unwrap();
    assert_eq!((inst.problem.units.len(), inst.p), (318, Some(5)));
    assert_eq!(inst.problem.hubs[0].capacity, vec![3710.0]);
}

#[test]
fn sscflp_matrix_is_by_facility() {
    let Some(path) = shared("sscflp/holmberg1999/p1") else {
        return;
    };
    let inst = read_instance(&path, None).unwrap();
    assert_eq!(inst.name, "holmberg_p1");
    assert_eq!(
        (inst.problem.hubs.len(), inst.problem.units.len()),
        (10, 50)
    );
    // Facility 1's first costs in the file are 260, 239, 418.
    assert_eq!(inst.problem.cost(0, 0), Some(260.0));
    assert_eq!(inst.problem.cost(2, 0), Some(418.0));
    // Every customer to facility 1 is a valid (if over-capacity) plan for the checker.
    let r = check(
        &inst.problem,
        &Solution {
            assign: vec![0; 50],
        },
    );
    assert!(!r.feasible);
}

#[test]
fn detects_formats_from_contents() {
    let p = Path::new("x.txt");
    assert_eq!(
        detect_format(p, "1 713\n50 5 120\n1 2 62 3\n"),
        Some(Format::Pmedcap)
    );
    assert_eq!(
        detect_format(p, "100 10\r\n1 2 720 5\r\n"),
        Some(Format::LorenaSenne)
    );
    assert_eq!(detect_format(p, "10 50\n258 366\n"), Some(Format::Sscflp));
}

#[test]
fn bad_number_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("broken.dat");
    std::fs::write(&f, "3 1\n0 0 10 1\n1 x 10 1\n2 2 10 1\n").unwrap();
    let err = read_instance(&f, Some(Format::LorenaSenne))
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.dat:3") && err.contains("'x'"), "{err}");
    let short = dir.path().join("short.dat");
    std::fs::write(&short, "3 1\n0 0 10 1\n").unwrap();
    let err = read_instance(&short, Some(Format::LorenaSenne))
        .unwrap_err()
        .to_string();
    assert!(err.contains("ends"), "{err}");
}
