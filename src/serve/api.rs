//! The routes: the page and its assets (built into the binary), and the JSON API the
//! page calls. Handlers that read or write files, validate or parse run on blocking
//! threads; a plan never runs here (it goes to the queue in `runs`).

use super::data::{self, Refused};
use super::runs::{rows_json, Request};
use super::{App, MAX_UPLOAD_BYTES};
use crate::scenario::sweep::Sweep;
use crate::scenario::Scenario;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");
/// Every scenario key as a form field: Japanese and English label, unit, explanation.
pub const FIELDS: &str = include_str!("assets/fields.json");

/// An API error: a status and a sentence for the page.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn bad(e: impl ToString) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, e.to_string())
}

fn not_found(e: impl ToString) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, e.to_string())
}

type ApiResult = Result<Response, ApiError>;

/// Runs blocking work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

pub fn routes(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            "/fields.json",
            get(|| async { asset("application/json", FIELDS) }),
        )
        .route(
            "/api/datasets",
            get(datasets)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/api/datasets/{name}/validation", get(validation))
        .route("/api/datasets/{name}/areas", get(areas))
        .route("/api/scenario/defaults", get(defaults))
        .route("/api/scenario/parse", post(parse_scenario))
        .route("/api/scenario/toml", post(scenario_toml))
        .route("/api/presets", get(presets))
        .route("/api/scenarios", get(saved_scenarios).post(save_scenario))
        .route("/api/runs", get(list_runs).post(start_run))
        .route("/api/runs/{id}", get(one_run))
        .route("/api/runs/{id}/events", get(events))
        .route("/api/runs/{id}/cancel", post(cancel_run))
        .route("/api/runs/{id}/files/{*path}", get(file))
        .route("/api/compare", get(compare))
        .fallback(|| async { not_found("no such page") })
        .with_state(app)
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

async fn index(State(app): State<Arc<App>>) -> Response {
    let page = INDEX.replace("{{TOKEN}}", &app.token);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

async fn datasets(State(app): State<Arc<App>>) -> ApiResult {
    let v = blocking(move || data::list(&app)).await?;
    Ok(Json(v).into_response())
}

#[derive(Deserialize)]
struct NameQuery {
    name: String,
}

async fn upload(State(app): State<Arc<App>>, Query(q): Query<NameQuery>, body: Bytes) -> ApiResult {
    let r = blocking(move || data::upload(&app, &q.name, &body)).await?;
    match r {
        Ok((name, kind)) => Ok((
            StatusCode::CREATED,
            Json(json!({ "name": name, "kind": kind })),
        )
            .into_response()),
        Err(Refused(code, msg)) => Err(ApiError(
            StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
            msg,
        )),
    }
}

async fn validation(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>) -> ApiResult {
    let v = blocking(move || data::validation(&app, &name))
        .await?
        .map_err(not_found)?;
    Ok(Json(v).into_response())
}

/// The dataset's optional `areas.geojson` (area outlines for the map, e.g. cut from
/// the national administrative boundaries); 404 when it has none.
async fn areas(State(app): State<Arc<App>>, UrlPath(name): UrlPath<String>) -> ApiResult {
    let bytes = blocking(move || {
        let dir = data::dataset_path(&app, &name).ok()?;
        let p = dir.join("areas.geojson");
        let meta = std::fs::symlink_metadata(&p).ok()?;
        if !meta.is_file() || meta.len() > MAX_UPLOAD_BYTES as u64 {
            return None;
        }
        let b = std::fs::read(&p).ok()?;
        // Only valid JSON goes to the page.
        serde_json::from_slice::<Value>(&b).ok().map(|_| b)
    })
    .await?
    .ok_or_else(|| not_found("this dataset has no areas.geojson"))?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], bytes).into_response())
}

/// Every key with its default, for the form: the keys a scenario file leaves out
/// when they are empty (`hub_kinds`) or absent (`[phase]`) included.
async fn defaults() -> ApiResult {
    let mut v = serde_json::to_value(Scenario::default()).map_err(bad)?;
    let phase = serde_json::to_value(crate::scenario::Phase::default()).map_err(bad)?;
    if let Some(m) = v.as_object_mut() {
        m.entry("hub_kinds").or_insert(json!([]));
        m.entry("phase").or_insert(phase);
    }
    Ok(Json(v).into_response())
}

#[derive(Deserialize)]
struct TomlBody {
    toml: String,
    #[serde(default)]
    name: Option<String>,
}

/// Scenario TOML → the scenario as JSON (for the form), or the error with its key.
async fn parse_scenario(Json(b): Json<TomlBody>) -> ApiResult {
    let name = b.name.unwrap_or_else(|| "scenario".into());
    let s = Scenario::parse(&b.toml, Path::new("scenario.toml"), &name).map_err(bad)?;
    Ok(Json(s).into_response())
}

/// JSON's `null` (a key left blank) has no TOML form: the key is left out, which
/// means its default.
fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k, drop_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(drop_nulls).collect()),
        x => x,
    }
}

/// The form's scenario (JSON) → checked TOML text.
async fn scenario_toml(Json(v): Json<Value>) -> ApiResult {
    let mut v = drop_nulls(v);
    // The form always has the phase-in fields; without a first year there is none.
    if let Some(m) = v.as_object_mut() {
        if m.get("phase")
            .is_some_and(|p| p.get("first_year").is_none())
        {
            m.remove("phase");
        }
    }
    let t = toml::Value::try_from(v).map_err(bad)?;
    let s = Scenario::from_value(t, Path::new("form"), "scenario").map_err(bad)?;
    let text = toml::to_string(&s).map_err(bad)?;
    Ok(Json(json!({ "toml": text, "name": s.name })).into_response())
}

fn read_tomls(dir: &Path) -> Vec<Value> {
    let mut v = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                if let (Some(stem), Ok(text)) = (p.file_stem(), std::fs::read_to_string(&p)) {
                    v.push(json!({ "name": stem.to_string_lossy(), "toml": text }));
                }
            }
        }
    }
    v.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    v
}

async fn presets(State(app): State<Arc<App>>) -> ApiResult {
    let v = blocking(move || {
        json!({
            "scenarios": read_tomls(&app.presets_dir.join("scenarios")),
            "sweeps": read_tomls(&app.presets_dir.join("sweeps")),
        })
    })
    .await?;
    Ok(Json(v).into_response())
}

async fn saved_scenarios(State(app): State<Arc<App>>) -> ApiResult {
    let v = blocking(move || read_tomls(&app.data_dir.join("scenarios"))).await?;
    Ok(Json(v).into_response())
}

async fn save_scenario(State(app): State<Arc<App>>, Json(b): Json<TomlBody>) -> ApiResult {
    let name = data::safe_name(b.name.as_deref().unwrap_or("")).map_err(bad)?;
    Scenario::parse(&b.toml, Path::new(&format!("{name}.toml")), &name).map_err(bad)?;
    let dir = app.data_dir.join("scenarios");
    let r = blocking(move || {
        let tmp = dir.join(format!(".{name}.toml.tmp"));
        let _writing = crate::stop::Writing::begin(&tmp);
        std::fs::write(&tmp, &b.toml)?;
        std::fs::rename(&tmp, dir.join(format!("{name}.toml")))?;
        Ok::<_, std::io::Error>(name)
    })
    .await?;
    let name = r.map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((StatusCode::CREATED, Json(json!({ "name": name }))).into_response())
}

async fn list_runs(State(app): State<Arc<App>>) -> ApiResult {
    Ok(Json(app.runs.list()).into_response())
}

async fn start_run(State(app): State<Arc<App>>, Json(req): Json<Request>) -> ApiResult {
    data::dataset_path(&app, &req.dataset).map_err(bad)?;
    // The TOML is checked before the run is queued, so a typo is an answer now, not a
    // failed run later.
    let (name, total) = match req.kind.as_str() {
        "plan" => {
            let s =
                Scenario::parse(&req.toml, Path::new("scenario.toml"), "scenario").map_err(bad)?;
            (s.name, 1)
        }
        "sweep" => {
            let s = Sweep::parse(
                &req.toml,
                Path::new("sweep.toml"),
                &app.presets_dir.join("sweeps"),
                "sweep",
            )
            .map_err(bad)?;
            (s.name, s.scenarios.len())
        }
        k => return Err(bad(format!("unknown run kind `{k}` (plan or sweep)"))),
    };
    let a = app.clone();
    let id = blocking(move || a.runs.submit(&req, &name, total))
        .await?
        .map_err(|e| {
            ApiError(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the run folder could not be written: {e}"),
            )
        })?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn one_run(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> ApiResult {
    let run = app
        .runs
        .get(&id)
        .ok_or_else(|| not_found(format!("no run `{id}`")))?;
    Ok(Json(app.runs.view(&run)).into_response())
}

async fn cancel_run(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> ApiResult {
    let r = app
        .runs
        .cancel(&id)
        .ok_or_else(|| not_found(format!("no run `{id}`")))?;
    Ok(Json(json!({ "cancelled": r })).into_response())
}

/// Server-sent events: the run's view now, then at every change (at most five a
/// second), until it has finished.
async fn events(
    State(app): State<Arc<App>>,
    UrlPath(id): UrlPath<String>,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let run = app
        .runs
        .get(&id)
        .ok_or_else(|| not_found(format!("no run `{id}`")))?;
    let rx = run.subscribe();
    let stream = futures_util::stream::unfold(
        (rx, run, app, true, false),
        |(mut rx, run, app, first, ended)| async move {
            if ended {
                return None;
            }
            if !first {
                if rx.changed().await.is_err() {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                rx.borrow_and_update();
            } else {
                rx.borrow_and_update();
            }
            let view = app.runs.view(&run);
            let done = view.finished();
            let ev = Event::default()
                .event("progress")
                .json_data(&view)
                .unwrap_or_else(|_| Event::default().comment("unserialisable"));
            Some((Ok(ev), (rx, run, app, false, done)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(Deserialize)]
struct FileQuery {
    #[serde(default)]
    download: Option<String>,
}

/// A relative path of plain components only.
fn clean(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| p.to_path_buf())
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "toml" => "text/plain; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// One output file of a run (`out/…`), or its scenario / sweep TOML. Reports are
/// shown sandboxed: they may not call the API nor load anything.
async fn file(
    State(app): State<Arc<App>>,
    UrlPath((id, path)): UrlPath<(String, String)>,
    Query(q): Query<FileQuery>,
) -> ApiResult {
    let run = app
        .runs
        .get(&id)
        .ok_or_else(|| not_found(format!("no run `{id}`")))?;
    let rel = clean(&path).ok_or_else(|| bad("refused: not a plain file path"))?;
    let full = if matches!(path.as_str(), "scenario.toml" | "sweep.toml") {
        run.dir.join(&rel)
    } else {
        run.dir.join("out").join(&rel)
    };
    let bytes = blocking(move || {
        let meta = std::fs::symlink_metadata(&full).ok()?;
        meta.is_file().then(|| std::fs::read(&full).ok()).flatten()
    })
    .await?
    .ok_or_else(|| not_found(format!("no file `{path}` in run `{id}`")))?;
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut res = ([(header::CONTENT_TYPE, content_type(&name))], bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox allow-scripts; default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"),
    );
    if q.download.is_some() {
        let ascii: String = path
            .replace('/', "_")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}_{ascii}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(res)
}

#[derive(Deserialize)]
struct CompareQuery {
    ids: String,
}

async fn compare(State(app): State<Arc<App>>, Query(q): Query<CompareQuery>) -> ApiResult {
    let keys: Vec<String> = q
        .ids
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if keys.is_empty() {
        return Err(bad("choose at least one saved plan"));
    }
    let rows = blocking(move || super::compare::rows(&app, &keys))
        .await?
        .map_err(bad)?;
    Ok(Json(rows_json(&rows)).into_response())
}
