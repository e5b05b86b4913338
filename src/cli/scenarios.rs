//! `matome scenarios DATASET SWEEP.toml`: plan every scenario of a sweep in parallel,
//! write each plan into its own subfolder, and write one comparison. Exit codes: 0
//! when the comparison is written (infeasible members are rows with their reason); 1
//! when the dataset is invalid; 2 for bad arguments, sweep or scenario files, or
//! output location.

use super::inputs::{apply_overrides, load_inputs};
use super::progress::Progress;
use super::{exit_code, whole};
use clap::Args;
use matome::io::resolve_models_dir;
use matome::scenario::sweep::Sweep;
use matome::text::thousands;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Args)]
#[command(after_help = "Exit codes:
  0  the comparison was written (infeasible members are rows with their reason)
  1  the dataset is invalid; nothing is planned
  2  usage error: bad arguments, sweep, scenario or models file, or output location
  130 interrupted (Ctrl-C or SIGTERM): a write under way is finished first; nothing is
      half-written")]
pub struct ScenariosArgs {
    /// Dataset folder, or one workbook with a sheet per table.
    pub dataset: PathBuf,
    /// Sweep file (scenario files and/or grids over scenario keys).
    pub sweep: PathBuf,
    /// Output folder [default: out/<sweep name>]; one subfolder per scenario.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Models folder [default: ./models if present, else the built-in copies].
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Time limit per scenario in seconds (overrides each scenario's).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Scenarios planned at once
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// No progress display.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: ScenariosArgs) -> ExitCode {
    exit_code("scenarios", run_inner(&args))
}

fn run_inner(args: &ScenariosArgs) -> anyhow::Result<()> {
    let max = matome::scenario::MAX_THREADS;
    anyhow::ensure!(
        (1..=max).contains(&args.threads),
        "--threads {} must be between 1 and {max}",
        args.threads
    );
    let threads = super::inputs::at_most_cores("--threads", args.threads);
    let models = resolve_models_dir(args.models.as_deref());
    let mut sweep = Sweep::load(&args.sweep).map_err(whole)?;
    for s in &mut sweep.scenarios {
        apply_overrides(s, args.time_limit, None, None, None).map_err(whole)?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&sweep.name));
    matome::report::ensure_outside(&args.dataset, &out).map_err(whole)?;
    let loaded = load_inputs(&args.dataset, models.as_deref(), args.quiet)?;

    let total = sweep.scenarios.len();
    let progress = Progress::start(args.quiet, &format!("0 / {total} scenarios"));
    let bar = progress.bar();
    let done = AtomicUsize::new(0);
    let on_done = |name: &str| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        bar.set_message(format!("{n} / {total} scenarios (last: {name})"));
    };
    let mut comparison = matome::plan::sweep::run(loaded.inputs(), &sweep, threads, &on_done);
    progress.finish();
    // Each plan into its own folder, exactly as `matome plan` writes it; a plan that
    // cannot be written becomes a failed row.
    let mut unwritten = Vec::new();
    for (row, plan) in &comparison.plans {
        let dir = out.join(&plan.scenario.name);
        if let Err(e) = matome::report::write(plan, &args.dataset, &dir) {
            unwritten.push((*row, e.to_string()));
        }
    }
    for (row, reason) in unwritten {
        comparison.fail(row, &reason);
    }
    let rows = &comparison.rows;
    let title = format!("{} / {}", loaded.name, sweep.name);
    let written = matome::report::comparison::write(&out, &title, rows).map_err(whole)?;

    out!("matome scenarios — {title}: {} scenarios", total);
    for r in rows {
        match &r.figures {
            Some(f) => out!(
                "  {:<44} {:>6} contracts  {:>9} h freed  {:>10} km/yr  {}{}",
                r.name,
                f.contracts,
                thousands(f.staff_hours_freed.round() as i64),
                thousands(f.travel_km_year.round() as i64),
                r.outcome,
                if r.pareto { "  ★ Pareto" } else { "" }
            ),
            None => out!("  {:<44} {}: {}", r.name, r.outcome, r.reason),
        }
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    out!(
        "wrote {}: {} and one folder per scenario",
        out.display(),
        names.join(" ")
    );
    Ok(())
}
