//! What people feed matome that they did not mean to: UTF-16 from Excel's "Unicode
//! text", a FIFO or a folder where a file should be, an unreadable file, a symlink out
//! of the dataset, an output folder that cannot be made, a disk that fills while a plan
//! or an import is written, an interrupt during a plan and during its final write, a
//! stdout closed under a command (`| head`). Each ends in a clear message or a correct
//! read, never a hang, a panic or a half-written folder, and no input byte changes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn matome() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_matome"));
    c.current_dir(repo());
    c
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Waits for `child` at most `limit`; kills it and fails the test when it hangs.
fn finish(mut child: Child, limit: Duration, what: &str) -> Output {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{what} still ran after {limit:?}");
}

fn validate(dir: &Path) -> Output {
    let child = matome()
        .args(["validate", dir.to_str().unwrap(), "--models", "models"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, Duration::from_secs(20), "validate")
}

/// `matome plan DATASET --quiet --out OUT`, ready to run.
fn plan(dataset: &Path, out: &Path) -> Command {
    let mut c = matome();
    c.arg("plan")
        .arg(dataset)
        .args(["--models", "models", "--quiet", "--out"])
        .arg(out);
    c
}

/// `matome plan datasets/tiny --quiet --out OUT`, ready to run.
fn plan_tiny(out: &Path) -> Command {
    plan(Path::new("datasets/tiny"), out)
}

/// A copy of the tiny dataset in a temporary folder.
fn tiny_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ward");
    std::fs::create_dir(&ds).unwrap();
    for f in std::fs::read_dir(repo().join("datasets/tiny")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, ds.join(f.file_name().unwrap())).unwrap();
    }
    (dir, ds)
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut b: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn excel_unicode_text_and_utf16_without_bom_are_read() {
    let (_d, ds) = tiny_copy();
    let facilities = std::fs::read_to_string(ds.join("facilities.csv")).unwrap();
    // Excel's "Unicode text": UTF-16LE with a BOM, tabs between the fields.
    std::fs::write(
        ds.join("facilities.csv"),
        utf16le(&facilities.replace(',', "\t"), true),
    )
    .unwrap();
    let lines = std::fs::read_to_string(ds.join("service_lines.csv")).unwrap();
    std::fs::write(ds.join("service_lines.csv"), utf16le(&lines, false)).unwrap();
    let o = validate(&ds);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("facilities      8"), "{}", text(&o));
}

#[test]
fn a_fifo_where_a_file_should_be_is_refused_not_waited_on() {
    let (_d, ds) = tiny_copy();
    let before = std::fs::read(ds.join("facilities.csv")).unwrap();
    std::fs::remove_file(ds.join("contracts.csv")).unwrap();
    if !mkfifo(&ds.join("contracts.csv")) {
        eprintln!("skipped: no mkfifo here");
        return;
    }
    let o = validate(&ds);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("E0002") && text(&o).contains("not a regular file"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::read(ds.join("facilities.csv")).unwrap(),
        before,
        "no input byte changes"
    );

    // A FIFO as the scenario file: refused at once, nothing planned.
    let fifo = ds.parent().unwrap().join("scenario.toml");
    assert!(mkfifo(&fifo));
    let out = ds.parent().unwrap().join("out");
    let child = matome()
        .args([
            "plan",
            "datasets/tiny",
            "--models",
            "models",
            "--quiet",
            "--scenario",
        ])
        .arg(&fifo)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let o = finish(child, Duration::from_secs(20), "plan with a FIFO scenario");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a regular file"), "{}", text(&o));
    assert!(!out.exists());
}

#[test]
fn a_folder_where_a_file_should_be_is_named() {
    let (_d, ds) = tiny_copy();
    std::fs::remove_file(ds.join("service_lines.csv")).unwrap();
    std::fs::create_dir(ds.join("service_lines.csv")).unwrap();
    let o = validate(&ds);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("service_lines.csv") && text(&o).contains("is a folder"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_symlink_out_of_the_dataset_is_read_with_a_warning() {
    let (d, ds) = tiny_copy();
    let outside = d.path().join("shared-contracts.csv");
    std::fs::rename(ds.join("contracts.csv"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, ds.join("contracts.csv")).unwrap();
    let o = validate(&ds);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("W0010") && text(&o).contains("shared-contracts.csv"),
        "{}",
        text(&o)
    );
    // A link inside the folder is no concern.
    std::fs::remove_file(ds.join("contracts.csv")).unwrap();
    std::fs::rename(&outside, ds.join("contracts-2026.csv")).unwrap();
    std::os::unix::fs::symlink("contracts-2026.csv", ds.join("contracts.csv")).unwrap();
    let o = validate(&ds);
    assert!(
        o.status.success() && !text(&o).contains("W0010"),
        "{}",
        text(&o)
    );
}

#[test]
fn an_output_folder_that_cannot_be_made_is_named_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    for out in [blocker.join("out"), blocker.clone()] {
        let o = plan_tiny(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("a-file"), "{}", text(&o));
        assert!(!text(&o).contains("panicked"), "{}", text(&o));
    }
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the blocking file remains: {left:?}");
}

#[test]
fn an_interrupt_during_a_plan_leaves_no_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // rel_gap 0: the solve does not stop early on a near-optimal plan.
    let base = std::fs::read_to_string(repo().join("models/scenarios/baseline.toml")).unwrap();
    let scenario = dir.path().join("slow.toml");
    std::fs::write(&scenario, base.replace("rel_gap = 0.005", "rel_gap = 0.0")).unwrap();
    let child = matome()
        .args([
            "plan",
            "datasets/setagaya-sample",
            "--models",
            "models",
            "--quiet",
            "--time-limit",
            "30",
        ])
        .arg("--scenario")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Reading and validating the sample takes well under this; the solve then runs
    // towards its 30 s limit when the interrupt comes.
    std::thread::sleep(Duration::from_secs(3));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if !killed {
        eprintln!("skipped: no kill command");
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    let o = finish(child, Duration::from_secs(20), "an interrupted plan");
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert!(text(&o).contains("interrupted: no output is half-written"));
    assert!(!out.exists(), "an interrupted plan left {}", out.display());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["slow.toml"], "no temporary folder either");
}

fn mode(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

/// Lets every user into `top` (with `top_mode`) and read the dataset `ds` in it.
fn open_to_all(top: &Path, top_mode: u32, ds: &Path) {
    mode(top, top_mode);
    mode(ds, 0o755);
    for f in std::fs::read_dir(ds).unwrap() {
        mode(&f.unwrap().path(), 0o644);
    }
}

/// Whether every user may run `path`: the file and each folder above it have the
/// "others may execute" bit.
fn others_can_run(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .all(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

/// `matome ARGS` run by a user that cannot read mode-000 files: the current one when
/// it is not root, else `nobody` through setpriv. `None` (with the reason printed)
/// when that cannot be arranged here.
fn as_unprivileged(cwd: &Path, args: &[&str]) -> Option<Output> {
    let bin = Path::new(env!("CARGO_BIN_EXE_matome"));
    let uid = Command::new("id").arg("-u").output().ok()?;
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    let mut c = if !root {
        Command::new(bin)
    } else if !Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("skipped: running as root and there is no setpriv to drop to nobody");
        return None;
    } else if !others_can_run(bin) {
        eprintln!(
            "skipped: running as root and nobody may not run {}",
            bin.display()
        );
        return None;
    } else {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    };
    let child = c
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Some(finish(
        child,
        Duration::from_secs(20),
        "matome on an unreadable file",
    ))
}

#[test]
fn an_unreadable_file_is_named_with_what_to_do_and_nothing_is_planned() {
    let (d, ds) = tiny_copy();
    // Everyone may enter the folders and read every file but facilities.csv.
    open_to_all(d.path(), 0o777, &ds);
    let facilities = ds.join("facilities.csv");
    let before = std::fs::read(&facilities).unwrap();
    mode(&facilities, 0o000);
    let out = d.path().join("out");
    let runs: [&[&str]; 2] = [
        &["validate", "ward"],
        &["plan", "ward", "--quiet", "--out", out.to_str().unwrap()],
    ];
    for args in runs {
        let Some(o) = as_unprivileged(d.path(), args) else {
            return;
        };
        let all = text(&o);
        assert!(!o.status.success(), "{args:?}: {all}");
        assert!(!all.contains("panicked"), "{all}");
        assert!(
            all.contains("E0002") && all.contains("facilities.csv"),
            "the file is named: {all}"
        );
        assert!(
            all.contains("読めません") && all.contains("cannot read the file: permission denied"),
            "it says the file cannot be read, in Japanese and English: {all}"
        );
        assert!(
            all.contains("読み取り権限") && all.contains("read permission"),
            "and what to do: {all}"
        );
        assert!(!out.exists(), "{args:?} made {}", out.display());
    }
    mode(&facilities, 0o644);
    assert_eq!(
        std::fs::read(&facilities).unwrap(),
        before,
        "no input byte changes"
    );

    // So does a scenario file, once, before anything is planned.
    let scenario = d.path().join("mine.toml");
    std::fs::copy(repo().join("models/scenarios/baseline.toml"), &scenario).unwrap();
    mode(&scenario, 0o000);
    let args = [
        "plan",
        "ward",
        "--quiet",
        "--scenario",
        "mine.toml",
        "--out",
    ];
    let Some(o) = as_unprivileged(d.path(), &[&args[..], &[out.to_str().unwrap()]].concat()) else {
        return;
    };
    let all = text(&o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(
        all.contains("mine.toml: 読めません")
            && all.contains("cannot read the file: permission denied")
            && all.contains("read permission"),
        "{all}"
    );
    assert_eq!(
        all.matches("permission denied").count(),
        1,
        "said once: {all}"
    );
    assert!(!out.exists());

    // A dataset given as one workbook that may not be read says the same.
    let book = d.path().join("ward.xlsx");
    std::fs::write(&book, "not read").unwrap();
    mode(&book, 0o000);
    let Some(o) = as_unprivileged(d.path(), &["validate", "ward.xlsx"]) else {
        return;
    };
    let all = text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(
        all.contains("E0002")
            && all.contains("ward.xlsx")
            && all.contains("cannot read the file: permission denied")
            && all.contains("read permission"),
        "{all}"
    );
}

/// The bytes one unit of `ulimit -f` stands for in this `sh` (512 in dash and POSIX,
/// 1024 in bash): a one-unit limit lets `head` write exactly one unit of 2000 bytes.
fn ulimit_unit(dir: &Path) -> u64 {
    let f = dir.join("unit-probe");
    let _ = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; head -c 2000 /dev/zero > \"$0\"")
        .arg(&f)
        .status()
        .unwrap();
    let unit = std::fs::metadata(&f).unwrap().len();
    std::fs::remove_file(&f).unwrap();
    unit
}

/// `matome ARGS` where no file may grow past `limit` bytes, as on a disk that fills:
/// SIGXFSZ is ignored, so a write past the limit fails with EFBIG.
fn with_file_limit(limit_units: u64, args: &[&str]) -> Output {
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {limit_units}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_matome"))
        .args(args)
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(
        child,
        Duration::from_secs(60),
        "matome under a file-size limit",
    )
}

/// Every file of `dir` by name with its bytes.
fn snapshot(dir: &Path) -> Vec<(std::ffi::OsString, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A limit, in `ulimit -f` units, that the first of `sizes` (in the order written)
/// passes and a later one does not, so the write fails part-way.
fn limit_between(sizes: &[u64], unit: u64) -> u64 {
    let units = sizes[0].div_ceil(unit);
    assert!(
        sizes[1..].iter().any(|&s| s > units * unit),
        "no file after the first is larger than {} bytes: {sizes:?}",
        units * unit
    );
    units
}

/// A disk that fills while a plan or an import is written: a clear message naming the
/// file, a failing exit, no new folder, no temporary one, and an existing folder
/// exactly as it was. `args` end with `--out`; `order` and `sizes` are the files as
/// a normal run writes them.
fn disk_fills(args: &[&str], order: &[&str], sizes: &[u64], unit: u64) {
    let first = order[0];
    let limit = limit_between(sizes, unit);
    // The first file past the limit is the one named.
    let failing = order
        .iter()
        .zip(sizes)
        .find(|(_, &s)| s > limit * unit)
        .map(|(f, _)| *f)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for existing in [false, true] {
        let out = dir.path().join(if existing { "old" } else { "new" });
        if existing {
            std::fs::create_dir(&out).unwrap();
            std::fs::write(out.join("mine.txt"), "marker").unwrap();
            std::fs::write(out.join(first), "an older version").unwrap();
        }
        let before = existing.then(|| snapshot(&out));
        let mut a: Vec<&str> = args.to_vec();
        a.push(out.to_str().unwrap());
        let o = with_file_limit(limit, &a);
        let all = text(&o);
        assert_eq!(o.status.code(), Some(2), "{all}");
        assert!(!all.contains("panicked"), "{all}");
        assert!(
            all.contains("書き込めません")
                && all.contains(&format!("cannot write {}", out.join(failing).display()))
                && all.contains("File too large"),
            "names the file as it would be in place, and why: {all}"
        );
        assert!(
            all.contains("free some space or choose another output folder"),
            "says what to do: {all}"
        );
        assert_eq!(
            all.matches("File too large").count(),
            1,
            "says it once: {all}"
        );
        match before {
            Some(b) => assert_eq!(snapshot(&out), b, "the old folder is unchanged"),
            None => assert!(!out.exists(), "a half-written {}", out.display()),
        }
    }
    let mut left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["old"], "no temporary folder left");
}

#[test]
fn a_disk_that_fills_while_a_plan_is_written_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let o = plan_tiny(&full).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    // The order report::render writes them in.
    let order = ["report.html", "plan.xlsx", "report.md", "summary.json"];
    let sizes: Vec<u64> = order
        .iter()
        .map(|f| std::fs::metadata(full.join(f)).unwrap().len())
        .collect();
    let args = [
        "plan",
        "datasets/tiny",
        "--models",
        "models",
        "--quiet",
        "--out",
    ];
    disk_fills(&args, &order, &sizes, ulimit_unit(dir.path()));
}

#[test]
fn a_disk_that_fills_while_an_import_is_written_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let list = "tests/fixtures/opendata/newer_facilities.csv";
    let o = matome()
        .args(["import", "opendata", list, "--out"])
        .arg(&full)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let order = ["facilities.csv", "import-report.md"];
    let sizes: Vec<u64> = order
        .iter()
        .map(|f| std::fs::metadata(full.join(f)).unwrap().len())
        .collect();
    let args = ["import", "opendata", list, "--force", "--out"];
    disk_fills(&args, &order, &sizes, ulimit_unit(dir.path()));
}

/// The names of the files in `dir`, sorted.
fn names(dir: &Path) -> Vec<std::ffi::OsString> {
    let mut n: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    n.sort();
    n
}

fn interrupt(pid: u32) -> bool {
    Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn an_interrupt_while_a_plan_is_written_finishes_the_write_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let o = plan_tiny(&full).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.path().join("out");
    // 400 ms after each of the seven files: the write takes about 3 s.
    let child = plan_tiny(&out)
        .env("MATOME_TEST_SLOW_WRITE_MS", "400")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = dir.path().join(format!(".out.tmp-{}", child.id()));
    let t0 = Instant::now();
    while !tmp.exists() && t0.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(tmp.exists(), "the write never began");
    std::thread::sleep(Duration::from_millis(500));
    assert!(interrupt(child.id()), "no kill command");
    let o = finish(
        child,
        Duration::from_secs(20),
        "a plan interrupted while writing",
    );
    let all = text(&o);
    assert_eq!(o.status.code(), Some(130), "{all}");
    assert!(!all.contains("panicked"), "{all}");
    assert!(
        all.contains("中断しました") && all.contains("interrupted: no output is half-written"),
        "{all}"
    );
    if out.exists() {
        assert_eq!(names(&out), names(&full), "the folder is whole");
    }
    assert_eq!(
        names(dir.path()),
        if out.exists() {
            vec!["full", "out"]
        } else {
            vec!["full"]
        },
        "no temporary folder left"
    );
}

#[test]
fn serve_still_stops_on_ctrl_c() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = matome()
        .args([
            "serve",
            "--port",
            "0",
            "--no-open",
            "--models",
            "models",
            "--data",
        ])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("http://127.0.0.1:"), "{first}");
    assert!(interrupt(child.id()), "no kill command");
    let o = finish(child, Duration::from_secs(10), "serve after Ctrl-C");
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
}

#[test]
fn a_closed_stdout_stops_no_command_with_a_panic_and_files_are_whole() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let o = plan_tiny(&full).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let imported = dir.path().join("imported");
    let list = "tests/fixtures/opendata/newer_facilities.csv";
    let runs: [&[&str]; 5] = [
        &[
            "plan",
            "datasets/tiny",
            "--models",
            "models",
            "--out",
            out_s,
        ],
        &["validate", "datasets/tiny", "--models", "models"],
        &[
            "import",
            "opendata",
            list,
            "--out",
            imported.to_str().unwrap(),
        ],
        &[
            "check",
            "datasets/tiny",
            full.to_str().unwrap(),
            "--models",
            "models",
        ],
        &["bench", "--generate", "50:5", "--time-limit", "1"],
    ];
    for args in runs {
        let mut child = matome()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // As `matome … | head -0`: the reader is gone before the first line.
        drop(child.stdout.take());
        let o = finish(
            child,
            Duration::from_secs(30),
            "a command with stdout closed",
        );
        let all = text(&o);
        assert!(!all.contains("panicked"), "{args:?}: {all}");
        assert!(
            matches!(o.status.code(), Some(0) | Some(141)),
            "{args:?}: {all}"
        );
    }
    assert_eq!(
        names(&out),
        names(&full),
        "the plan's files are all written"
    );
    assert!(imported.join("facilities.csv").is_file());
}

/// 5e-324 and 2.2e-308 are numbers a register can hold (an export of a float that
/// should have been 0): they are read as the tiny values they are, and the plan made
/// from them passes `matome check`.
#[test]
fn subnormal_numbers_are_read_as_the_tiny_values_they_are_and_plan() {
    let (d, ds) = tiny_copy();
    let edit = |file: &str, from: &str, to: &str| {
        let p = ds.join(file);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{file} holds {from}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    };
    edit(
        "service_lines.csv",
        "L01,F01,custodial,240,8,7680000",
        "L01,F01,custodial,5e-324,2.2e-308,4.9e-324",
    );
    edit(
        "facilities.csv",
        "35.655,139.672,6000",
        "35.655,139.672,1e-310",
    );
    let out = d.path().join("out");
    let o = plan(&ds, &out).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let o = matome()
        .args([
            "check",
            ds.to_str().unwrap(),
            out.to_str().unwrap(),
            "--models",
            "models",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("panicked"), "{}", text(&o));
}

#[test]
fn an_output_folder_that_may_not_be_written_is_named_and_nothing_is_left() {
    let (d, ds) = tiny_copy();
    // Everyone may read the dataset; nobody but the owner may write beside it.
    open_to_all(d.path(), 0o755, &ds);
    let locked = d.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    mode(&locked, 0o555);
    let out = locked.join("out");
    let args = ["plan", "ward", "--quiet", "--out", out.to_str().unwrap()];
    let Some(o) = as_unprivileged(d.path(), &args) else {
        return;
    };
    let all = text(&o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(!all.contains("panicked"), "{all}");
    assert!(
        all.contains("書き込めません")
            && all.contains(&format!(
                "cannot write {}: Permission denied",
                out.display()
            )),
        "{all}"
    );
    assert!(all.contains("choose another output folder"), "{all}");
    assert!(
        names(&locked).is_empty(),
        "nothing is left in {}",
        locked.display()
    );
}

/// One HTTP/1.1 request to `matome serve` on 127.0.0.1:`port`; the response's body.
fn http(port: u16, method: &str, path: &str, token: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nx-matome-token: {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    r.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or(r)
}

/// Ctrl-C while `matome serve` writes a run's folder: the folder is finished first
/// (every file of a plan), then the server exits 130 leaving no temporary folder.
#[test]
fn serve_finishes_a_run_folder_being_written_before_it_stops() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let o = plan_tiny(&full).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let data = dir.path().join("data");
    let ds = data.join("datasets/tiny");
    std::fs::create_dir_all(&ds).unwrap();
    for f in std::fs::read_dir(repo().join("datasets/tiny")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, ds.join(f.file_name().unwrap())).unwrap();
    }
    let mut child = matome()
        .args([
            "serve",
            "--port",
            "0",
            "--no-open",
            "--models",
            "models",
            "--data",
        ])
        .arg(&data)
        .env("MATOME_TEST_SLOW_WRITE_MS", "400")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port: u16 = first
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no port in {first:?}"));
    let page = http(port, "GET", "/", "", "");
    let token = page
        .split_once("name=\"matome-token\" content=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(t, _)| t.to_string())
        .unwrap_or_else(|| panic!("no token in the page"));
    let run = http(
        port,
        "POST",
        "/api/runs",
        &token,
        r#"{"kind":"plan","dataset":"tiny","toml":""}"#,
    );
    let id = run
        .split_once("\"id\":\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(id, _)| id.to_string())
        .unwrap_or_else(|| panic!("no run id in {run}"));
    let run_dir = data.join("runs").join(&id);
    let tmp = run_dir.join(format!(".out.tmp-{}", child.id()));
    let t0 = Instant::now();
    while !tmp.exists() && t0.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(tmp.exists(), "the run's write never began");
    std::thread::sleep(Duration::from_millis(500));
    assert!(interrupt(child.id()), "no kill command");
    let o = finish(
        child,
        Duration::from_secs(20),
        "serve interrupted while writing",
    );
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert_eq!(
        names(&run_dir.join("out")),
        names(&full),
        "the run's folder is whole"
    );
    assert!(!tmp.exists(), "no temporary folder left");
}

/// A second Ctrl-C does not wait for the write (a hung network drive): it stops at
/// once, and the temporary folder goes with it.
#[test]
fn a_second_interrupt_stops_at_once_and_leaves_no_temporary_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // 3 s after each file: the write would take about 20 s.
    let child = plan_tiny(&out)
        .env("MATOME_TEST_SLOW_WRITE_MS", "3000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = dir.path().join(format!(".out.tmp-{}", child.id()));
    let t0 = Instant::now();
    while !tmp.exists() && t0.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(tmp.exists(), "the write never began");
    assert!(interrupt(child.id()), "no kill command");
    std::thread::sleep(Duration::from_millis(300));
    let second = Instant::now();
    assert!(interrupt(child.id()));
    let o = finish(child, Duration::from_secs(10), "a plan interrupted twice");
    let all = text(&o);
    assert!(second.elapsed() < Duration::from_secs(2), "{all}");
    assert_eq!(o.status.code(), Some(130), "{all}");
    assert!(
        all.contains("Ctrl-C again stops at once") && all.contains("without waiting"),
        "{all}"
    );
    assert!(
        names(dir.path()).is_empty(),
        "nothing left: {:?}",
        names(dir.path())
    );
}
