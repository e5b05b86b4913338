//! Reader tests: header-based columns in any order, extra columns, BOM, CP932, UTF-16,
//! physical line numbers, and no panic on arbitrary bytes.

use matome::io::read_dataset;
use matome::model::Operator;
use matome::validate::load_and_validate;
use rand::{RngExt, SeedableRng};
use std::fs;
use std::path::{Path, PathBuf};

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny")
}

fn copy_tiny(dir: &Path) {
    for f in [
        "facilities.csv",
        "service_lines.csv",
        "contracts.csv",
        "depots.csv",
    ] {
        fs::copy(tiny().join(f), dir.join(f)).unwrap();
    }
}

/// Rewrites a CSV with its columns in the order given by `perm` (indices into the
/// original header), plus an extra column the reader must ignore.
fn permute_columns(path: &Path, perm: &[usize]) {
    let text = fs::read_to_string(path).unwrap();
    let out: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let fields: Vec<&str> = l.split(',').collect();
            let mut v: Vec<&str> = perm.iter().map(|&p| fields[p]).collect();
            v.push(if i == 0 { "memo" } else { "ignored, really" });
            v.iter()
                .map(|f| {
                    if f.contains(',') {
                        format!("\"{f}\"")
                    } else {
                        f.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    fs::write(path, out.join("\n") + "\n").unwrap();
}

#[test]
fn tiny_reads_without_diagnostics() {
    let o = read_dataset(&tiny());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(o.dataset.facilities.len(), 8);
    assert_eq!(o.dataset.lines.len(), 20);
    assert_eq!(o.dataset.contracts.len(), 13);
    assert_eq!(o.dataset.depots.len(), 2);
    assert_eq!(
        o.lines.facilities[0], 2,
        "first data row is physical line 2"
    );
}

#[test]
fn every_column_order_reads_the_same_dataset() {
    let reference = read_dataset(&tiny()).dataset;
    // Several permutations of each file: reversed, rotated by 1..n.
    for shift in 0..9 {
        let tmp = tempfile::tempdir().unwrap();
        copy_tiny(tmp.path());
        for (file, n) in [
            ("facilities.csv", 9),
            ("service_lines.csv", 8),
            ("contracts.csv", 7),
            ("depots.csv", 4),
        ] {
            let perm: Vec<usize> = if shift == 0 {
                (0..n).rev().collect()
            } else {
                (0..n).map(|i| (i + shift) % n).collect()
            };
            permute_columns(&tmp.path().join(file), &perm);
        }
        let o = read_dataset(tmp.path());
        assert!(
            o.diagnostics.is_empty(),
            "shift {shift}: {:?}",
            o.diagnostics
        );
        assert_eq!(o.dataset.facilities, reference.facilities, "shift {shift}");
        assert_eq!(o.dataset.lines, reference.lines, "shift {shift}");
        assert_eq!(o.dataset.contracts, reference.contracts, "shift {shift}");
        assert_eq!(o.dataset.depots, reference.depots, "shift {shift}");
    }
}

#[test]
fn utf8_bom_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tiny(tmp.path());
    let p = tmp.path().join("facilities.csv");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(fs::read(&p).unwrap());
    fs::write(&p, bytes).unwrap();
    let o = read_dataset(tmp.path());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(o.dataset.facilities[0].id, "F01");
}

#[test]
fn cp932_japanese_names_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tiny(tmp.path());
    // Names with characters only CP932 (not plain Shift_JIS) has: 髙 (IBM ext), ① (NEC).
    for f in ["facilities.csv", "contracts.csv"] {
        let p = tmp.path().join(f);
        let text = fs::read_to_string(&p)
            .unwrap()
            .replace("代沢小学校", "髙井戸①小学校")
            .replace("株式会社梅丘美装", "株式会社ｶﾅ美装");
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the test file must not be UTF-8"
        );
        fs::write(&p, &bytes).unwrap();
    }
    let v = load_and_validate(tmp.path(), None).expect("CP932 dataset is valid");
    assert_eq!(v.ward.facilities()[0].name, "髙井戸①小学校");
    assert_eq!(v.ward.facilities()[7].name, "深沢体育館");
    assert_eq!(v.ward.facilities()[7].operator, Operator::DesignatedManager);
    assert_eq!(v.ward.contracts()[1].vendor, "株式会社ｶﾅ美装");
}

#[test]
fn utf16_from_excel_unicode_text_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tiny(tmp.path());
    let p = tmp.path().join("facilities.csv");
    let text = fs::read_to_string(&p).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    fs::write(&p, bytes).unwrap();
    let o = read_dataset(tmp.path());
    assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
    assert_eq!(o.dataset.facilities[1].name, "梅丘中学校");
}

#[test]
fn line_numbers_are_physical_lines_with_quoted_newlines() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tiny(tmp.path());
    let p = tmp.path().join("facilities.csv");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replace("F02,梅丘中学校,", "F02,\"梅丘中学校\n(旧校舎)\",")
        .replace(
            "F05,用賀小学校,elementary_school,玉川,用賀,35.627",
            "F05,用賀小学校,elementary_school,玉川,用賀,north",
        );
    fs::write(&p, text).unwrap();
    let o = read_dataset(tmp.path());
    assert_eq!(o.diagnostics.len(), 1, "{:?}", o.diagnostics);
    let d = &o.diagnostics[0];
    assert_eq!(d.code, "E0502");
    // F05 is on line 6 of the original file; the quoted newline above pushes it to 7.
    assert_eq!(d.line, Some(7));
    assert_eq!(d.column.as_deref(), Some("lat"));
    assert_eq!(o.dataset.facilities[1].name, "梅丘中学校\n(旧校舎)");
}

#[test]
fn thousands_separators_and_slash_dates_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tiny(tmp.path());
    let p = tmp.path().join("contracts.csv");
    let text = fs::read_to_string(&p).unwrap().replace(
        "C01,株式会社北沢ビルサービス,7680000,12,competitive,2023-04-01",
        "C01,株式会社北沢ビルサービス,\"7,680,000\",12,competitive,2023/4/1",
    );
    fs::write(&p, text).unwrap();
    let v = load_and_validate(tmp.path(), None).expect("valid");
    assert_eq!(v.ward.contracts()[0].annual_value.0, 7_680_000);
    assert_eq!(v.ward.contracts()[0].start.to_string(), "2023-04-01");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let originals: Vec<Vec<u8>> = ["facilities.csv", "service_lines.csv", "contracts.csv"]
        .iter()
        .map(|f| fs::read(tiny().join(f)).unwrap())
        .collect();
    for round in 0..150 {
        let tmp = tempfile::tempdir().unwrap();
        for (i, f) in ["facilities.csv", "service_lines.csv", "contracts.csv"]
            .iter()
            .enumerate()
        {
            let mut b = originals[i].clone();
            if round % 3 == 0 {
                // Pure noise.
                let n = rng.random_range(0..400);
                b = (0..n).map(|_| rng.random::<u8>()).collect();
            } else {
                // Corrupt a few bytes, truncate sometimes.
                for _ in 0..rng.random_range(1..20) {
                    let k = rng.random_range(0..b.len());
                    b[k] = rng.random::<u8>();
                }
                if round % 2 == 0 {
                    let keep = rng.random_range(0..b.len());
                    b.truncate(keep);
                }
            }
            fs::write(tmp.path().join(f), b).unwrap();
        }
        // Must return (Ok or Err), never panic.
        let _ = load_and_validate(tmp.path(), None);
    }
}

#[test]
fn missing_folder_is_reported_not_panicking() {
    let err = load_and_validate(Path::new("/no/such/dataset"), None).unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].code, "E0001");
}

#[test]
fn extra_columns_and_missing_optional_columns_are_fine() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tiny(tmp.path());
    // Drop the optional operator and pinned columns (last in each file): defaults apply.
    for f in ["facilities.csv", "service_lines.csv"] {
        let p = tmp.path().join(f);
        let text: Vec<String> = fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|l| l.rsplit_once(',').unwrap().0.to_string())
            .collect();
        fs::write(&p, text.join("\n")).unwrap();
    }
    let v = load_and_validate(tmp.path(), None).expect("valid");
    assert!(v
        .ward
        .facilities()
        .iter()
        .all(|f| f.operator == Operator::Direct));
    assert!(v.ward.lines().iter().all(|l| !l.pinned));
}
