//! `matome serve` at the HTTP level: requests go to the real router (Host and token
//! guards included) without a socket, through `tower::ServiceExt::oneshot`. Each test
//! has its own data folder. Fails closed: a foreign Host header, a missing or wrong
//! token, a foreign Origin, zip slip (`..`, absolute paths, symbolic links), an
//! oversized upload; a facility named `<script>…` is escaped in every output shown.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use matome::serve::{router, App, Config, TOKEN_HEADER};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PORT: u16 = 18999;
const HOST: &str = "127.0.0.1:18999";

struct Fixture {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    app: Arc<App>,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let config = Config {
            data_dir: data.clone(),
            models_dir: None,
            port: PORT,
        };
        let app = App::new(&config, PORT).unwrap();
        app.runs.start_worker(app.clone());
        let data = data.canonicalize().unwrap();
        Fixture {
            _tmp: tmp,
            data,
            app,
        }
    }

    fn router(&self) -> Router {
        router(self.app.clone())
    }

    /// Copies a dataset of the repository under `datasets/NAME`.
    fn copy_dataset(&self, from: &str, name: &str) -> PathBuf {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("datasets")
            .join(from);
        let dst = self.data.join("datasets").join(name);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(src).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
        dst
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
        let res = self.router().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, body, headers)
    }

    async fn get(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let req = Request::get(path)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        let (s, b, _) = self.send(req).await;
        (s, b)
    }

    async fn get_json(&self, path: &str) -> Value {
        let (s, b) = self.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&b));
        serde_json::from_slice(&b).unwrap()
    }

    async fn post(&self, path: &str, body: Body, token: Option<&str>) -> (StatusCode, Value) {
        let mut req = Request::post(path).header(header::HOST, HOST);
        if let Some(t) = token {
            req = req.header(TOKEN_HEADER, t);
        }
        let req = req
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .unwrap();
        let (s, b, _) = self.send(req).await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn post_ok(&self, path: &str, body: Body) -> (StatusCode, Value) {
        let token = self.app.token.clone();
        self.post(path, body, Some(&token)).await
    }

    async fn start_plan(&self, dataset: &str, toml: &str) -> String {
        let body = json!({ "kind": "plan", "dataset": dataset, "toml": toml }).to_string();
        let (s, v) = self.post_ok("/api/runs", Body::from(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_str().unwrap().to_string()
    }

    async fn wait(&self, id: &str) -> Value {
        let t0 = Instant::now();
        loop {
            let v = self.get_json(&format!("/api/runs/{id}")).await;
            if !matches!(v["status"].as_str(), Some("queued") | Some("running")) {
                return v;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "run {id} did not finish: {v}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A zip of (name, bytes) entries, plus symbolic links (name, target).
fn zip_of(files: &[(&str, &[u8])], links: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        w.start_file(*name, opt).unwrap();
        w.write_all(bytes).unwrap();
    }
    for (name, target) in links {
        w.add_symlink(*name, *target, opt).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tiny_files() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny");
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, relative.
fn all_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_foreign_host_header_is_refused_on_every_route() {
    let f = Fixture::new();
    for host in [
        "evil.example",
        "evil.example:18999",
        "127.0.0.1.nip.io:18999",
        "localhost:1",
        "192.168.1.5:18999",
        "",
    ] {
        for path in ["/", "/api/datasets", "/app.js"] {
            let req = Request::get(path)
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap();
            let (s, b, _) = f.send(req).await;
            assert_eq!(s, StatusCode::MISDIRECTED_REQUEST, "{host} {path}");
            // The page (and its token) never reaches a rebinding site.
            assert!(!String::from_utf8_lossy(&b).contains(&f.app.token));
        }
        // Not even with the right token.
        let req = Request::post("/api/runs")
            .header(header::HOST, host)
            .header(TOKEN_HEADER, f.app.token.as_str())
            .body(Body::from("{}"))
            .unwrap();
        assert_eq!(f.send(req).await.0, StatusCode::MISDIRECTED_REQUEST);
    }
    for host in [HOST, "localhost:18999", "localhost"] {
        let req = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let (s, b, h) = f.send(req).await;
        assert_eq!(s, StatusCode::OK, "{host}");
        let page = String::from_utf8(b).unwrap();
        assert!(page.contains(&f.app.token), "the page carries the token");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
            "{csp}"
        );
        // No address outside this server in the page, its script or its styles.
        for p in ["/", "/app.js", "/app.css"] {
            let (_, b) = f.get(p).await;
            // The SVG namespace is a name, never fetched.
            let t = String::from_utf8(b)
                .unwrap()
                .replace("http://www.w3.org/2000/svg", "");
            assert!(
                !t.contains("http://") && !t.contains("https://") && !t.contains("//cdn"),
                "{p} names an address"
            );
        }
    }
}

#[tokio::test]
async fn a_state_changing_request_without_the_token_is_refused() {
    let f = Fixture::new();
    f.copy_dataset("tiny", "tiny");
    let run = json!({ "kind": "plan", "dataset": "tiny", "toml": "" }).to_string();
    let save = json!({ "name": "x", "toml": "" }).to_string();
    let routes: [(&str, Body); 4] = [
        ("/api/runs", Body::from(run.clone())),
        ("/api/scenarios", Body::from(save.clone())),
        (
            "/api/datasets?name=up",
            Body::from(zip_of(&[("facilities.csv", b"a")], &[])),
        ),
        ("/api/runs/1-000/cancel", Body::empty()),
    ];
    for (path, body) in routes {
        let (s, _) = f.post(path, body, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path} without a token");
    }
    let (s, _) = f
        .post(
            "/api/runs",
            Body::from(run.clone()),
            Some("0123456789abcdef0123456789abcdef"),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a wrong token");
    let short = &f.app.token[..10];
    let (s, _) = f
        .post("/api/runs", Body::from(run.clone()), Some(short))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a prefix of the token");
    // Nothing was queued, saved or stored.
    assert_eq!(f.get_json("/api/runs").await, json!([]));
    assert_eq!(f.get_json("/api/scenarios").await, json!([]));
    assert!(!f.data.join("datasets/up").exists());
    // A foreign Origin is refused even with the token (a page of another site).
    let req = Request::post("/api/runs")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, "http://evil.example")
        .header(TOKEN_HEADER, f.app.token.as_str())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(run.clone()))
        .unwrap();
    assert_eq!(f.send(req).await.0, StatusCode::FORBIDDEN);
    // With it, the run is accepted.
    let (s, v) = f.post_ok("/api/runs", Body::from(run)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn zip_slip_is_refused_and_nothing_is_unpacked() {
    let f = Fixture::new();
    let good = tiny_files();
    let good: Vec<(&str, &[u8])> = good
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "dotdot",
            zip_of(
                &[good.as_slice(), &[("../evil.csv", b"x".as_slice())]].concat(),
                &[],
            ),
            "outside",
        ),
        (
            "deep",
            zip_of(
                &[good.as_slice(), &[("a/../../../evil.csv", b"x".as_slice())]].concat(),
                &[],
            ),
            "outside",
        ),
        (
            "absolute",
            zip_of(
                &[good.as_slice(), &[("/tmp/evil.csv", b"x".as_slice())]].concat(),
                &[],
            ),
            "outside",
        ),
        (
            "backslash",
            zip_of(
                &[good.as_slice(), &[("..\\evil.csv", b"x".as_slice())]].concat(),
                &[],
            ),
            "outside",
        ),
        (
            "link",
            zip_of(&good, &[("travel.csv", "/etc/passwd")]),
            "symbolic link",
        ),
        (
            "nested",
            zip_of(
                &[good.as_slice(), &[("a/b/c.csv", b"x".as_slice())]].concat(),
                &[],
            ),
            "folder inside a folder",
        ),
        ("notzip", b"facility_id,name\n".to_vec(), "not a zip"),
    ];
    for (name, bytes, why) in cases {
        let (s, v) = f
            .post_ok(&format!("/api/datasets?name={name}"), Body::from(bytes))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{name}: {v}");
        assert!(v["error"].as_str().unwrap().contains(why), "{name}: {v}");
    }
    // Not a file was written anywhere in the data folder (no leftover temporary
    // folder either), nor beside it.
    let written: Vec<String> = all_files(&f.data)
        .into_iter()
        .filter(|p| !p.starts_with("presets"))
        .collect();
    assert_eq!(written, Vec::<String>::new());
    assert!(!f.data.parent().unwrap().join("evil.csv").exists());
    assert_eq!(
        std::fs::read_dir(f.data.join("datasets")).unwrap().count(),
        0
    );
    // A bad name is refused too.
    for bad in ["..", ".hidden", "a/b", "a%2F..%2Fb"] {
        let (s, _) = f
            .post_ok(
                &format!("/api/datasets?name={bad}"),
                Body::from(zip_of(&good, &[])),
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    }
    // The good zip, as a zipped folder, is unpacked flat and validates.
    let inside: Vec<(String, &[u8])> = good
        .iter()
        .map(|(n, b)| (format!("ward/{n}"), *b))
        .collect();
    let inside: Vec<(&str, &[u8])> = inside.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let (s, v) = f
        .post_ok("/api/datasets?name=ward", Body::from(zip_of(&inside, &[])))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut names = all_files(&f.data.join("datasets/ward"));
    names.sort();
    assert_eq!(
        names,
        vec![
            "contracts.csv",
            "depots.csv",
            "facilities.csv",
            "service_lines.csv"
        ]
    );
    let v = f.get_json("/api/datasets/ward/validation").await;
    assert_eq!(v["valid"], json!(true), "{v}");
    // A second upload under the same name does not replace it.
    let (s, _) = f
        .post_ok("/api/datasets?name=ward", Body::from(zip_of(&good, &[])))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_oversized_upload_is_refused() {
    let f = Fixture::new();
    let big = vec![b'a'; matome::serve::MAX_UPLOAD_BYTES + 1];
    let (s, _) = f.post_ok("/api/datasets?name=big", Body::from(big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!f.data.join("datasets/big").exists());
}

#[tokio::test]
async fn a_diagnostic_shows_its_file_line_column_and_row() {
    let f = Fixture::new();
    let dir = f.copy_dataset("tiny", "broken");
    let p = dir.join("facilities.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    // Line 3's latitude becomes a word.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[2] = lines[2].replacen("35.656", "north", 1);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let v = f.get_json("/api/datasets/broken/validation").await;
    assert_eq!(v["valid"], json!(false));
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "facilities.csv" && d["line"] == 3)
        .unwrap_or_else(|| panic!("no diagnostic at facilities.csv:3 in {v}"));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["column"], "lat");
    assert!(!d["action"].as_str().unwrap().is_empty());
    let row = &d["row"];
    assert_eq!(row["header"][5], "lat");
    assert_eq!(row["values"][5], "north");
    assert_eq!(row["values"][0], "F02");
    // A name outside the datasets folder is no dataset.
    let (s, _) = f.get("/api/datasets/..%2F..%2Fetc/validation").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_facility_named_script_is_escaped_in_every_output() {
    let f = Fixture::new();
    let dir = f.copy_dataset("tiny", "xss");
    let p = dir.join("facilities.csv");
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen("代沢小学校", evil, 1);
    std::fs::write(&p, text).unwrap();
    let id = f
        .start_plan("xss", "name = \"xss\"\n[solver]\ntime_limit_s = 5.0\n")
        .await;
    let v = f.wait(&id).await;
    assert_eq!(v["status"], "done", "{v}");
    // The report the page opens: escaped, and served sandboxed.
    let req = Request::get(format!("/api/runs/{id}/files/report.html"))
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let (s, body, h) = f.send(req).await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is shown, escaped"
    );
    assert!(!html.contains(evil) && !html.contains("<img src=x"));
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.starts_with("sandbox"), "{csp}");
    // The data the page reads are JSON and CSV, never HTML, and never sniffed as HTML.
    for file in ["bundles.geojson", "assignments.csv", "summary.json"] {
        let req = Request::get(format!("/api/runs/{id}/files/{file}"))
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        let (_, _, h) = f.send(req).await;
        let ct = h[header::CONTENT_TYPE].to_str().unwrap();
        assert!(!ct.contains("html"), "{file}: {ct}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    // The page's script sets every value as text: no innerHTML, no document.write.
    let (_, js) = f.get("/app.js").await;
    let js = String::from_utf8(js).unwrap();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!js.contains(sink), "app.js uses {sink}");
    }
}

#[tokio::test]
async fn runs_queue_keep_their_own_folders_and_reattach_by_id() {
    let f = Fixture::new();
    f.copy_dataset("tiny", "tiny");
    let a = f
        .start_plan("tiny", "name = \"same\"\n[solver]\nseed = 1\n")
        .await;
    let b = f
        .start_plan("tiny", "name = \"same\"\n[solver]\nseed = 2\n")
        .await;
    let c = f.start_plan("tiny", "name = \"same\"\n").await;
    assert!(a != b && b != c);
    // The third is cancelled before it starts (or, if the queue was that fast,
    // finishes): either way it says so and never writes a half.
    let (s, _) = f
        .post_ok(&format!("/api/runs/{c}/cancel"), Body::empty())
        .await;
    assert_eq!(s, StatusCode::OK);
    let va = f.wait(&a).await;
    let vb = f.wait(&b).await;
    let vc = f.wait(&c).await;
    assert_eq!(va["status"], "done", "{va}");
    assert_eq!(vb["status"], "done", "{vb}");
    assert!(
        matches!(vc["status"].as_str(), Some("cancelled") | Some("done")),
        "{vc}"
    );
    if vc["status"] == "cancelled" {
        assert!(!f.data.join("runs").join(&c).join("out").exists());
    }
    // Same scenario name, two folders, both complete.
    for id in [&a, &b] {
        let out = f.data.join("runs").join(id).join("out");
        for file in matome::report::FILES {
            assert!(out.join(file).is_file(), "{id}: {file}");
        }
        let s: Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let served = f
            .get_json(&format!("/api/runs/{id}/files/summary.json"))
            .await;
        assert_eq!(s, served);
    }
    // The progress reached the page: the objective charted is the plan's.
    let summary = f
        .get_json(&format!("/api/runs/{a}/files/summary.json"))
        .await;
    let obj = summary["solver"]["objective_jpy_per_year"]
        .as_f64()
        .unwrap();
    assert!(
        (va["objective"].as_f64().unwrap() - obj).abs() <= 1.0,
        "{va} vs {obj}"
    );
    assert!(!va["points"].as_array().unwrap().is_empty());
    // A reload reattaches: the events of a finished run give its final view.
    let (s, body) = f.get(&format!("/api/runs/{a}/events")).await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(text.starts_with("event: progress"), "{text}");
    assert!(text.contains("\"status\":\"done\""));
    // A restarted server lists the runs again.
    let again = App::new(
        &Config {
            data_dir: f.data.clone(),
            models_dir: None,
            port: PORT,
        },
        PORT,
    )
    .unwrap();
    let listed: Vec<String> = again.runs.list().iter().map(|v| v.id.clone()).collect();
    assert!(listed.contains(&a) && listed.contains(&b));
    // Outputs are reached by plain names only.
    for bad in [
        "../status.json",
        "..%2Fstatus.json",
        "%2Fetc%2Fpasswd",
        "out/../../x",
    ] {
        let (s, _) = f.get(&format!("/api/runs/{a}/files/{bad}")).await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::NOT_FOUND,
            "{bad}: {s}"
        );
    }
}

#[tokio::test]
async fn a_bad_scenario_is_an_answer_not_a_failed_run() {
    let f = Fixture::new();
    f.copy_dataset("tiny", "tiny");
    let body =
        json!({ "kind": "plan", "dataset": "tiny", "toml": "unit = \"galaxy\"" }).to_string();
    let (s, v) = f.post_ok("/api/runs", Body::from(body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("unit"), "{v}");
    let body = json!({ "kind": "plan", "dataset": "nope", "toml": "" }).to_string();
    let (s, _) = f.post_ok("/api/runs", Body::from(body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(f.get_json("/api/runs").await, json!([]));
    // The form's JSON comes back as TOML that parses to the same scenario.
    let defaults = f.get_json("/api/scenario/defaults").await;
    let (s, t) = f
        .post_ok("/api/scenario/toml", Body::from(defaults.to_string()))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let (s, back) = f
        .post_ok(
            "/api/scenario/parse",
            Body::from(json!({ "toml": t["toml"] }).to_string()),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // The form's extra keys (an empty hub_kinds, a phase-in without years) are no
    // scenario keys once written: the scenario is the default one.
    let mut want = defaults.clone();
    want.as_object_mut().unwrap().remove("phase");
    want.as_object_mut().unwrap().remove("hub_kinds");
    assert_eq!(back, want);
}

/// Every leaf key of a scenario has a form field (label, unit, explanation), and
/// every field is a key.
#[tokio::test]
async fn every_scenario_key_is_a_form_field() {
    fn leaves(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(x, &key, out);
                }
            }
            _ => out.push(prefix.to_string()),
        }
    }
    let f = Fixture::new();
    let mut keys = Vec::new();
    leaves(&f.get_json("/api/scenario/defaults").await, "", &mut keys);
    keys.sort();
    let fields = f.get_json("/fields.json").await;
    let mut named: Vec<String> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            for k in ["ja", "en", "help_ja", "help_en"] {
                assert!(!x[k].as_str().unwrap_or("").is_empty(), "{x}: {k}");
            }
            x["key"].as_str().unwrap().to_string()
        })
        .collect();
    named.sort();
    assert_eq!(named, keys);
}

#[tokio::test]
async fn a_running_plan_cancelled_writes_nothing() {
    let f = Fixture::new();
    f.copy_dataset("setagaya-sample", "ward");
    let id = f
        .start_plan("ward", "name = \"c\"\n[solver]\ntime_limit_s = 3.0\n")
        .await;
    let t0 = Instant::now();
    while f.get_json(&format!("/api/runs/{id}")).await["status"] != "running" {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the run never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (s, v) = f
        .post_ok(&format!("/api/runs/{id}/cancel"), Body::empty())
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["cancelled"], json!(true));
    let v = f.wait(&id).await;
    assert_eq!(v["status"], "cancelled", "{v}");
    assert!(!f.data.join("runs").join(&id).join("out").exists());
    // Cancelling a finished run changes nothing and says so.
    let (_, v) = f
        .post_ok(&format!("/api/runs/{id}/cancel"), Body::empty())
        .await;
    assert_eq!(v["cancelled"], json!(false));
}

/// The tiny dataset as one workbook, a sheet per table, cells typed as Excel holds them.
fn tiny_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy/mm/dd");
    for (file, bytes) in tiny_files() {
        let Some(stem) = file.strip_suffix(".csv") else {
            continue;
        };
        let ws = wb.add_worksheet();
        ws.set_name(stem).unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for (r, rec) in rdr.records().enumerate() {
            for (c, v) in rec.unwrap().iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if r == 0 {
                    ws.write_string(r, c, v).unwrap();
                } else if let Ok(n) = v.parse::<f64>() {
                    ws.write_number(r, c, n).unwrap();
                } else if v.len() == 10 && v.as_bytes()[4] == b'-' {
                    let d = ExcelDateTime::parse_from_str(v).unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                } else if v == "true" || v == "false" {
                    ws.write_boolean(r, c, v == "true").unwrap();
                } else if !v.is_empty() {
                    ws.write_string(r, c, v).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_workbook_upload_is_kept_whole_and_plans() {
    let f = Fixture::new();
    let (s, v) = f
        .post_ok("/api/datasets?name=book", Body::from(tiny_workbook()))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["kind"], "workbook");
    assert!(f.data.join("datasets/book.xlsx").is_file());
    assert_eq!(
        f.get_json("/api/datasets").await,
        json!([{ "name": "book", "kind": "workbook" }])
    );
    let v = f.get_json("/api/datasets/book/validation").await;
    assert_eq!(v["valid"], json!(true), "{v}");
    assert_eq!(v["summary"]["facilities"], json!(8));
    let id = f.start_plan("book", "").await;
    let v = f.wait(&id).await;
    assert_eq!(v["status"], "done", "{v}");
}
