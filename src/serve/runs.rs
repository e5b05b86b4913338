//! The run queue. Each run (one plan, or one sweep) gets its own folder under
//! `runs/ID/` and waits its turn in one queue: the engine is synchronous and uses the
//! machine's cores, so runs go one at a time, each on a blocking thread of its own,
//! while the server keeps answering. Progress goes to the pages by a watch channel
//! (server-sent events read it); a reload finds its run again by id. A run's outputs
//! are written by `report` exactly as `matome plan` / `matome scenarios` write them,
//! atomically, and only when the run was not cancelled.

use super::progress::Tracker;
use super::App;
use crate::plan::sweep::Row;
use crate::plan::Inputs;
use crate::scenario::sweep::Sweep;
use crate::scenario::Scenario;
use crate::staff::StaffModel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, watch};

/// A point of the progress chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Point {
    /// Seconds since the run started.
    pub t: f64,
    /// Best objective so far, yen a year.
    pub objective: Option<f64>,
    /// Best bound so far, yen a year.
    pub bound: Option<f64>,
    /// The figures cover only the parts of the ward finished so far.
    #[serde(default)]
    pub partial: bool,
}

/// What a page sees of a run (also `status.json` in its folder).
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct View {
    /// The run's id (its folder's name).
    pub id: String,
    /// `plan` or `sweep`.
    pub kind: String,
    /// The dataset's name under `datasets/`.
    pub dataset: String,
    /// The scenario's or sweep's name.
    pub name: String,
    /// `queued`, `running`, `done`, `failed`, `cancelled`, or `interrupted` (the
    /// server stopped while it ran).
    pub status: String,
    /// Runs ahead of it in the queue (0 when running or finished).
    pub ahead: usize,
    /// The engine's phase.
    pub phase: String,
    /// The engine's last message.
    pub message: String,
    /// Seconds since it started.
    pub elapsed: f64,
    /// Best objective so far, yen a year.
    pub objective: Option<f64>,
    /// Best bound so far, yen a year.
    pub bound: Option<f64>,
    /// (objective - bound) / objective, when both are known.
    pub gap: Option<f64>,
    /// The figures cover only the parts of the ward finished so far (the engine
    /// solves independent areas one after another).
    #[serde(default)]
    pub partial: bool,
    /// The chart.
    pub points: Vec<Point>,
    /// Scenarios done and in all (sweeps).
    pub done: usize,
    /// Scenarios in all (sweeps; 1 for a plan).
    pub total: usize,
    /// Why it failed.
    pub error: Option<String>,
    /// Output files written, relative to `out/`.
    pub files: Vec<String>,
    /// Seconds since 1970 when it was queued (orders the list).
    pub created: u64,
}

impl View {
    /// True once it will not change any more.
    pub fn finished(&self) -> bool {
        !matches!(self.status.as_str(), "queued" | "running")
    }
}

/// One run.
pub struct Run {
    /// Its folder.
    pub dir: PathBuf,
    view: Mutex<View>,
    cancel: AtomicBool,
    started: Mutex<Option<Instant>>,
    seq: u64,
    tx: watch::Sender<u64>,
    tracker: Mutex<Tracker>,
}

/// Most points kept for the chart (older ones are thinned).
const MAX_POINTS: usize = 400;

impl Run {
    fn new(dir: PathBuf, view: View, seq: u64) -> Run {
        Run {
            dir,
            view: Mutex::new(view),
            cancel: AtomicBool::new(false),
            started: Mutex::new(None),
            seq,
            tx: watch::channel(0).0,
            tracker: Mutex::new(Tracker::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of what the run looks like now.
    pub fn view(&self) -> View {
        self.lock().clone()
    }

    /// Changes the view and wakes every page watching it.
    fn update(&self, f: impl FnOnce(&mut View)) {
        {
            let mut v = self.lock();
            f(&mut v);
            if let Some(t0) = *self.started.lock().unwrap_or_else(|e| e.into_inner()) {
                if v.status == "running" {
                    v.elapsed = t0.elapsed().as_secs_f64();
                }
            }
        }
        self.tx.send_modify(|n| *n += 1);
    }

    /// A receiver that wakes on every change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.tx.subscribe()
    }

    /// Records one engine message.
    fn progress(&self, msg: &str) {
        let f = self
            .tracker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .feed(msg);
        let cancelling = self.cancel.load(Ordering::SeqCst);
        self.update(|v| {
            v.phase = f.phase;
            // A cancelled run keeps saying so until the engine returns.
            if !cancelling {
                v.message = msg.to_string();
            }
            v.partial = f.partial;
            let changed = f.objective != v.objective || f.bound != v.bound;
            v.objective = f.objective;
            v.bound = f.bound;
            v.gap = match (v.objective, v.bound) {
                (Some(o), Some(b)) if o.abs() > 0.0 => Some(((o - b) / o.abs()).max(0.0)),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            };
            if changed && (v.objective.is_some() || v.bound.is_some()) {
                if v.points.len() >= MAX_POINTS {
                    // Thin to every other point; the first and the newest stay.
                    let kept: Vec<Point> = v.points.iter().step_by(2).cloned().collect();
                    v.points = kept;
                }
                let t = v.elapsed;
                v.points.push(Point {
                    t,
                    objective: v.objective,
                    bound: v.bound,
                    partial: v.partial,
                });
            }
        });
    }
}

/// What a page asks to run.
#[derive(Debug, Clone, Deserialize)]
pub struct Request {
    /// `plan` or `sweep`.
    pub kind: String,
    /// A dataset name under `datasets/`.
    pub dataset: String,
    /// The scenario (plan) or sweep (sweep) as TOML text.
    pub toml: String,
}

/// Every run, and the queue.
pub struct Runs {
    dir: PathBuf,
    map: Mutex<BTreeMap<String, Arc<Run>>>,
    tx: mpsc::UnboundedSender<String>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<String>>>,
    seq: AtomicU64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Runs {
    /// Reads back the runs in `dir` (a run left running by a stopped server is
    /// `interrupted`).
    pub fn load(dir: &Path) -> Runs {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut map = BTreeMap::new();
        let mut seq = 0;
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let d = e.path();
                let Some(id) = d.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    continue;
                };
                if id.starts_with('.') || !d.is_dir() {
                    continue;
                }
                let text = std::fs::read_to_string(d.join("status.json")).unwrap_or_default();
                let Ok(mut view) = serde_json::from_str::<View>(&text) else {
                    continue;
                };
                if !view.finished() {
                    view.status = "interrupted".into();
                    view.error = Some(
                        "the server stopped while this run was queued or running; start it again"
                            .into(),
                    );
                }
                view.id = id.clone();
                seq += 1;
                map.insert(id, Arc::new(Run::new(d, view, seq)));
            }
        }
        Runs {
            dir: dir.to_path_buf(),
            map: Mutex::new(map),
            tx,
            rx: Mutex::new(Some(rx)),
            seq: AtomicU64::new(seq),
        }
    }

    fn map(&self) -> MutexGuard<'_, BTreeMap<String, Arc<Run>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The run of an id.
    pub fn get(&self, id: &str) -> Option<Arc<Run>> {
        self.map().get(id).cloned()
    }

    /// Every run, newest first, each with its place in the queue.
    pub fn list(&self) -> Vec<View> {
        let runs: Vec<Arc<Run>> = self.map().values().cloned().collect();
        let mut v: Vec<(u64, View)> = runs.iter().map(|r| (r.seq, self.view(r))).collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.0));
        v.into_iter().map(|(_, v)| v).collect()
    }

    /// A run's view with the number of runs queued ahead of it.
    pub fn view(&self, run: &Run) -> View {
        let mut v = run.view();
        if v.status == "queued" {
            v.ahead = self
                .map()
                .values()
                .filter(|r| r.seq < run.seq && !r.view().finished())
                .count();
        }
        v
    }

    /// Puts a run in the queue: its folder holds the request and the TOML before it
    /// is listed, so a reload or a restart finds it.
    pub fn submit(&self, req: &Request, name: &str, total: usize) -> std::io::Result<String> {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        static N: AtomicUsize = AtomicUsize::new(0);
        let created = now_secs();
        let id = format!("{created}-{:03}", N.fetch_add(1, Ordering::SeqCst) % 1000);
        let dir = self.dir.join(&id);
        std::fs::create_dir(&dir)?;
        let file = if req.kind == "sweep" {
            "sweep.toml"
        } else {
            "scenario.toml"
        };
        std::fs::write(dir.join(file), &req.toml)?;
        let view = View {
            id: id.clone(),
            kind: req.kind.clone(),
            dataset: req.dataset.clone(),
            name: name.to_string(),
            status: "queued".into(),
            total,
            created,
            ..View::default()
        };
        write_status(&dir, &view)?;
        self.map()
            .insert(id.clone(), Arc::new(Run::new(dir, view, seq)));
        // The receiver lives as long as the worker; a send only fails without one,
        // and then the run stays queued, which the page shows.
        let _ = self.tx.send(id.clone());
        Ok(id)
    }

    /// Cancels a run: a queued one never starts; a running one's result is thrown
    /// away when the engine returns (at the latest at the scenario's time limit).
    /// False when it had already finished.
    pub fn cancel(&self, id: &str) -> Option<bool> {
        let run = self.get(id)?;
        let v = run.view();
        if v.finished() {
            return Some(false);
        }
        run.cancel.store(true, Ordering::SeqCst);
        if v.status == "queued" {
            run.update(|v| {
                v.status = "cancelled".into();
                v.message = "cancelled before it started".into();
            });
            let _ = write_status(&run.dir, &run.view());
        } else {
            run.update(|v| {
                v.message = "cancelling: the solver stops at its time limit at the latest; nothing of this run will be written".into();
            });
        }
        self.wake_queued();
        Some(true)
    }

    /// Queued runs' places changed: tell their pages.
    fn wake_queued(&self) {
        for r in self.map().values() {
            if r.view().status == "queued" {
                r.tx.send_modify(|n| *n += 1);
            }
        }
    }

    /// Starts the one worker that takes runs from the queue, one at a time.
    pub fn start_worker(&self, app: Arc<App>) {
        let Some(mut rx) = self.rx.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return;
        };
        tokio::spawn(async move {
            while let Some(id) = rx.recv().await {
                let Some(run) = app.runs.get(&id) else {
                    continue;
                };
                if run.cancel.load(Ordering::SeqCst) {
                    continue;
                }
                *run.started.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                run.update(|v| {
                    v.status = "running".into();
                    v.phase = "reading the dataset".into();
                });
                app.runs.wake_queued();
                let (a, r) = (app.clone(), run.clone());
                let outcome = tokio::task::spawn_blocking(move || execute(&a, &r))
                    .await
                    .unwrap_or_else(|e| Err(format!("the run stopped unexpectedly: {e}")));
                let cancelled = run.cancel.load(Ordering::SeqCst);
                run.update(|v| match (cancelled, outcome) {
                    (true, _) => {
                        v.status = "cancelled".into();
                        v.message = "cancelled; nothing was written".into();
                    }
                    (false, Ok(files)) => {
                        v.status = "done".into();
                        v.phase = "finished".into();
                        v.files = files;
                    }
                    (false, Err(e)) => {
                        v.status = "failed".into();
                        v.error = Some(e);
                    }
                });
                if let Err(e) = write_status(&run.dir, &run.view()) {
                    run.update(|v| {
                        v.status = "failed".into();
                        v.error = Some(format!("status.json could not be written: {e}"));
                    });
                }
                app.runs.wake_queued();
            }
        });
    }
}

/// status.json, written beside and renamed over the old one.
fn write_status(dir: &Path, view: &View) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(view).map_err(std::io::Error::other)?;
    let tmp = dir.join(".status.json.tmp");
    let _writing = crate::stop::Writing::begin(&tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join("status.json"))
}

/// Validates the dataset and reads the staff model, as `matome plan` does.
fn load(app: &App, dataset: &Path) -> Result<(crate::ward::Ward, StaffModel), String> {
    let v =
        crate::validate::load_and_validate(dataset, app.models_dir.as_deref()).map_err(|d| {
            let errors = d.iter().filter(|x| x.is_error()).count();
            format!(
                "the dataset is invalid: {errors} error(s); the Data page lists each with its row"
            )
        })?;
    let staff = StaffModel::load(app.models_dir.as_deref()).map_err(|e| e.to_string())?;
    Ok((v.ward, staff))
}

/// Runs one plan or sweep to its files; the error is a sentence for the page.
fn execute(app: &App, run: &Arc<Run>) -> Result<Vec<String>, String> {
    let v = run.view();
    let dataset = super::data::dataset_path(app, &v.dataset)?;
    let (ward, staff) = load(app, &dataset)?;
    let inputs = Inputs {
        dataset_name: &v.dataset,
        ward: &ward,
        staff: &staff,
    };
    let out = run.dir.join("out");
    if v.kind == "sweep" {
        execute_sweep(app, run, inputs, &dataset, &out)
    } else {
        let text =
            std::fs::read_to_string(run.dir.join("scenario.toml")).map_err(|e| e.to_string())?;
        let scenario = Scenario::parse(&text, Path::new("scenario.toml"), &v.name)
            .map_err(|e| e.to_string())?;
        run.update(|v| v.phase = "planning".into());
        let r = run.clone();
        let callback: crate::solve::ProgressFn = Arc::new(move |m: &str| r.progress(m));
        let plan =
            crate::plan::plan(inputs, &scenario, Some(callback)).map_err(|e| e.to_string())?;
        if run.cancel.load(Ordering::SeqCst) {
            return Err("cancelled".into());
        }
        run.update(|v| {
            v.phase = "writing the reports".into();
            v.done = 1;
        });
        let written = crate::report::write(&plan, &dataset, &out).map_err(|e| e.to_string())?;
        Ok(names(&written, &out))
    }
}

fn names(written: &[PathBuf], out: &Path) -> Vec<String> {
    written
        .iter()
        .filter_map(|p| p.strip_prefix(out).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn execute_sweep(
    app: &App,
    run: &Run,
    inputs: Inputs,
    dataset: &Path,
    out: &Path,
) -> Result<Vec<String>, String> {
    let v = run.view();
    let text = std::fs::read_to_string(run.dir.join("sweep.toml")).map_err(|e| e.to_string())?;
    let sweep = Sweep::parse(
        &text,
        Path::new("sweep.toml"),
        &app.presets_dir.join("sweeps"),
        &v.name,
    )
    .map_err(|e| e.to_string())?;
    let total = sweep.scenarios.len();
    run.update(|v| {
        v.total = total;
        v.phase = format!("0 / {total} scenarios");
    });
    let done = AtomicUsize::new(0);
    let on_done = |name: &str| {
        let n = done.fetch_add(1, Ordering::SeqCst) + 1;
        run.update(|v| {
            v.done = n;
            v.phase = format!("{n} / {total} scenarios");
            v.message = format!("done: {name}");
        });
    };
    let mut comparison = crate::plan::sweep::run(inputs, &sweep, 2, &on_done);
    if run.cancel.load(Ordering::SeqCst) {
        return Err("cancelled".into());
    }
    run.update(|v| v.phase = "writing the reports".into());
    let mut files = Vec::new();
    let mut unwritten = Vec::new();
    for (row, plan) in &comparison.plans {
        let dir = out.join(&plan.scenario.name);
        match crate::report::write(plan, dataset, &dir) {
            Ok(w) => files.extend(names(&w, out)),
            Err(e) => unwritten.push((*row, e.to_string())),
        }
    }
    for (row, reason) in unwritten {
        comparison.fail(row, &reason);
    }
    let title = format!("{} / {}", inputs.dataset_name, sweep.name);
    let written = crate::report::comparison::write(out, &title, &comparison.rows)
        .map_err(|e| e.to_string())?;
    files.extend(names(&written, out));
    let json =
        serde_json::to_vec_pretty(&rows_json(&comparison.rows)).map_err(|e| e.to_string())?;
    let w =
        crate::report::write_files(out, &[("comparison.json", json)]).map_err(|e| e.to_string())?;
    files.extend(names(&w, out));
    Ok(files)
}

/// The comparison rows as the Compare page reads them.
pub fn rows_json(rows: &[Row]) -> serde_json::Value {
    serde_json::Value::Array(
        rows.iter()
            .map(|r| {
                let f = r.figures.as_ref();
                serde_json::json!({
                    "name": r.name,
                    "outcome": r.outcome,
                    "reason": r.reason,
                    "pareto": r.pareto,
                    "contracts": f.map(|f| f.contracts),
                    "bundles": f.map(|f| f.bundles),
                    "staff_hours_freed": f.map(|f| f.staff_hours_freed),
                    "fte_freed": f.map(|f| f.fte_freed),
                    "travel_km_year": f.map(|f| f.travel_km_year),
                    "largest_value": f.map(|f| f.largest_value),
                    "over_soft": f.map(|f| f.over_soft),
                    "fewest_bidders": f.and_then(|f| f.fewest_bidders),
                    "in_ward_share": f.and_then(|f| f.in_ward_share),
                    "gap": f.map(|f| f.gap).filter(|g| g.is_finite()),
                })
            })
            .collect(),
    )
}
