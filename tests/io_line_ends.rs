//! Diagnostics name the line an editor (and Excel) shows, whatever the line ends: CRLF
//! as Excel on Windows saves, LF, a lone CR (old Mac exports) and a mix of them, with a
//! quoted field that spans lines before the faulty row.

use matome::validate::validate_dir;
use std::fs;
use std::path::Path;

fn tiny() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/tiny"))
}

/// The file's lines joined by the line ends `ends` gives for each break.
fn join(lines: &[String], ends: &dyn Fn(usize) -> &'static str) -> String {
    let mut s = String::new();
    for (i, l) in lines.iter().enumerate() {
        s.push_str(l);
        s.push_str(ends(i));
    }
    s
}

fn lines_of(file: &str) -> Vec<String> {
    fs::read_to_string(tiny().join(file))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn lines_are_counted_as_an_editor_shows_them() {
    let styles: [(&str, &dyn Fn(usize) -> &'static str); 4] = [
        ("LF", &|_| "\n"),
        ("CRLF", &|_| "\r\n"),
        ("CR", &|_| "\r"),
        ("mixed", &|i| ["\r\n", "\n", "\r"][i % 3]),
    ];
    for (name, ends) in styles {
        let dir = tempfile::tempdir().unwrap();
        for f in ["contracts.csv", "depots.csv"] {
            fs::copy(tiny().join(f), dir.path().join(f)).unwrap();
        }
        // facilities.csv: line 3 (F02) gets a latitude of 95.
        let mut fac = lines_of("facilities.csv");
        fac[2] = fac[2].replace("35.656", "95");
        fs::write(dir.path().join("facilities.csv"), join(&fac, ends)).unwrap();
        // service_lines.csv: line 10 repeats the id of line 2 (L01).
        let mut sl = lines_of("service_lines.csv");
        let id = sl[9].split(',').next().unwrap().to_string();
        sl[9] = sl[9].replacen(&id, "L01", 1);
        fs::write(dir.path().join("service_lines.csv"), join(&sl, ends)).unwrap();

        let report = validate_dir(dir.path(), None);
        let find = |file: &str, code: &str| {
            report
                .diagnostics
                .iter()
                .find(|d| d.file.ends_with(file) && d.code == code)
                .unwrap_or_else(|| panic!("{name}: no {code} in {file}: {:?}", report.diagnostics))
        };
        let lat = find("facilities.csv", "E0102");
        assert_eq!(lat.line, Some(3), "{name}: bad latitude");
        let dup = report
            .diagnostics
            .iter()
            .find(|d| d.file.ends_with("service_lines.csv") && d.message.contains("already used"))
            .unwrap_or_else(|| panic!("{name}: no duplicate: {:?}", report.diagnostics));
        assert_eq!(dup.line, Some(10), "{name}: duplicate");
        assert!(dup.message.ends_with("line 2"), "{name}: {}", dup.message);
    }
}

#[test]
fn a_quoted_field_over_two_lines_counts_both() {
    for end in ["\n", "\r\n", "\r"] {
        let dir = tempfile::tempdir().unwrap();
        for f in ["service_lines.csv", "contracts.csv", "depots.csv"] {
            fs::copy(tiny().join(f), dir.path().join(f)).unwrap();
        }
        let mut fac = lines_of("facilities.csv");
        // The name of F01 (line 2) spans two lines; F03, on line 4 of the original, is
        // then on line 5 and gets a bad longitude.
        fac[1] = fac[1].replace("代沢小学校", &format!("\"代沢{end}小学校\""));
        fac[3] = fac[3].replace("139.652", "200");
        fs::write(dir.path().join("facilities.csv"), join(&fac, &|_| end)).unwrap();
        let report = validate_dir(dir.path(), None);
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == "E0102")
            .unwrap_or_else(|| panic!("{end:?}: {:?}", report.diagnostics));
        assert_eq!(d.line, Some(5), "{end:?}");
    }
}
