//! `matome plan DATASET`: read and validate the dataset, read the scenario and the
//! staff-time model, plan, check, write the outputs and print a before/after summary.
//! Exit codes: 0 plan written; 1 the dataset is invalid or no plan exists (infeasible
//! scenario, no solution in time, failed check); 2 bad arguments, scenario or models
//! file, or output location.

use super::{exit_code, whole, Invalid};
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use matome::io::resolve_models_dir;
use matome::plan::{Inputs, Plan, PlanError};
use matome::scenario::{Scenario, ScenarioError};
use matome::staff::StaffModel;
use matome::text::{fixed, thousands as group};
use matome::ward::Ward;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
#[command(after_help = "Exit codes:
  0  the plan was written
  1  the dataset is invalid, or no plan exists (infeasible scenario, no solution in time,
     failed check); nothing is written
  2  usage error: bad arguments, scenario or models file, or output location")]
pub struct PlanArgs {
    /// Dataset folder (facilities.csv, service_lines.csv, contracts.csv, …).
    pub dataset: PathBuf,
    /// Scenario file [default: models/scenarios/baseline.toml].
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Output folder [default: out/<scenario name>]; never inside the dataset.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Models folder (trades.toml, staff_time.toml, scenarios/) [default: ./models if
    /// present, else the copies built into matome].
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Solver time limit in seconds (overrides the scenario's solver.time_limit_s).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Random seed (overrides solver.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Solver threads (overrides solver.threads).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress display.
    #[arg(long)]
    pub quiet: bool,
    /// Print every solver step on stderr, one line each, with the time since the start
    /// (parts, construction, LNS, MIP, bounds).
    #[arg(long, conflicts_with = "quiet")]
    pub verbose: bool,
}

/// The scenario file given, else the models folder's baseline, else the embedded one.
pub fn load_scenario(arg: Option<&Path>, models: Option<&Path>) -> anyhow::Result<Scenario> {
    if let Some(p) = arg {
        return Ok(Scenario::load(p)?);
    }
    if let Some(m) = models {
        let p = m.join("scenarios/baseline.toml");
        if p.is_file() {
            return Ok(Scenario::load(&p)?);
        }
    }
    Ok(Scenario::parse(
        matome::scenario::EMBEDDED_BASELINE,
        Path::new("baseline.toml (embedded)"),
        "baseline",
    )?)
}

/// Everything a plan reads, validated; shared with `matome scenarios`.
pub struct Loaded {
    pub ward: Ward,
    pub staff: StaffModel,
    pub name: String,
}

impl Loaded {
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            dataset_name: &self.name,
            ward: &self.ward,
            staff: &self.staff,
        }
    }
}

/// Validates the dataset (an invalid one is an `Invalid::Data` error listing every
/// diagnostic), prints its warnings unless `quiet`, and reads the staff-time model.
pub fn load_inputs(dataset: &Path, models: Option<&Path>, quiet: bool) -> anyhow::Result<Loaded> {
    let v = matome::validate::load_and_validate(dataset, models).map_err(|diags| {
        let mut m: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        m.push(format!(
            "{}: {} problem(s); nothing was planned",
            dataset.display(),
            diags.len()
        ));
        Invalid::Data(m.join("\n"))
    })?;
    if !quiet {
        for w in &v.warnings {
            eprintln!("{w}");
        }
    }
    let staff = StaffModel::load(models).map_err(whole)?;
    let name = dataset
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dataset.display().to_string());
    Ok(Loaded {
        ward: v.ward,
        staff,
        name,
    })
}

/// A spinner on stderr that appears only once a run has taken a second.
pub struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
    waiter: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start(quiet: bool, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        let done = Arc::new(AtomicBool::new(false));
        let waiter = (!quiet).then(|| {
            let (bar, done) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                for _ in 0..20 {
                    if done.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                if !done.load(Ordering::Relaxed) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            })
        });
        Progress { bar, done, waiter }
    }

    pub fn bar(&self) -> ProgressBar {
        self.bar.clone()
    }

    pub fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(w) = self.waiter.take() {
            let _ = w.join();
        }
        self.bar.finish_and_clear();
    }
}

pub fn run(args: PlanArgs) -> ExitCode {
    exit_code("plan", run_inner(&args))
}

fn run_inner(args: &PlanArgs) -> anyhow::Result<()> {
    let models = resolve_models_dir(args.models.as_deref());
    let mut scenario = load_scenario(args.scenario.as_deref(), models.as_deref())?;
    apply_overrides(&mut scenario, args.time_limit, args.seed, args.threads)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    matome::report::ensure_outside(&args.dataset, &out).map_err(whole)?;
    let loaded = load_inputs(&args.dataset, models.as_deref(), args.quiet)?;

    let progress = Progress::start(
        args.quiet,
        &format!("planning {} / {}", loaded.name, scenario.name),
    );
    let bar = progress.bar();
    let verbose = args.verbose;
    let started = std::time::Instant::now();
    let callback: matome::solve::ProgressFn = Arc::new(move |m: &str| {
        if verbose {
            bar.suspend(|| eprintln!("[{:6.2}s] {m}", started.elapsed().as_secs_f64()));
        }
        bar.set_message(m.to_string());
    });
    let result = matome::plan::plan(loaded.inputs(), &scenario, Some(callback));
    progress.finish();
    let plan = result.map_err(|e: PlanError| {
        if e.is_infeasible() || matches!(e, PlanError::CheckFailed(_) | PlanError::Solver(_)) {
            anyhow::Error::new(Invalid::NoPlan(e))
        } else {
            whole(e)
        }
    })?;
    let written = matome::report::write(&plan, &args.dataset, &out)
        .with_context(|| format!("writing {}", out.display()))?;
    print_summary(&plan, &out, &written);
    Ok(())
}

/// Writes the command-line overrides into the scenario so the summary echoes them.
pub fn apply_overrides(
    s: &mut Scenario,
    time_limit: Option<f64>,
    seed: Option<u64>,
    threads: Option<usize>,
) -> Result<(), ScenarioError> {
    if let Some(t) = time_limit {
        s.solver.time_limit_s = t;
    }
    if let Some(x) = seed {
        s.solver.seed = x;
    }
    if let Some(t) = threads {
        s.solver.threads = t;
    }
    s.validate(Path::new("command line"))
}

fn print_summary(plan: &Plan, out: &Path, written: &[PathBuf]) {
    let a = &plan.accounts;
    let sv = &plan.solver;
    println!(
        "matome plan — {} / {}",
        plan.inputs.dataset_name, plan.scenario.name
    );
    println!(
        "  contracts        {} → {}  ({} bundles + {} left as is)",
        group(a.contracts_before as i64),
        group(a.contracts_after as i64),
        a.bundles,
        a.contracts_left
    );
    println!(
        "  staff hours/yr   {} → {}  freed {} h = {} FTE  (single-contract figures ±25 %: {} … {} h)",
        group(a.staff_hours_before.round() as i64),
        group(a.staff_hours_after.round() as i64),
        group(a.staff_hours_freed.round() as i64),
        fixed(a.fte_freed, 1),
        group(a.freed_if_contracts_25_lower.round() as i64),
        group(a.freed_if_contracts_25_higher.round() as i64)
    );
    println!(
        "  travel km/yr     {} → {}  (hub model; one round of every bundle: {} km)",
        group(a.travel_km_before.round() as i64),
        group(a.travel_km_after.round() as i64),
        group(a.route_km_total.round() as i64)
    );
    println!(
        "  objective        ¥{} / yr, bound {}, gap {}, {} ({}), checked, {} s",
        group(sv.objective.round() as i64),
        sv.bound_text(),
        sv.gap_text(),
        sv.status,
        sv.mode,
        fixed(plan.total_seconds, 1)
    );
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    println!("wrote {}: {}", out.display(), names.join(" "));
}
