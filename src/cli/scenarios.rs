//! `matome scenarios DATASET SWEEP.toml`: plan every scenario of a sweep in parallel,
//! each into its own subfolder, and write one comparison. Exit codes: 0 when the
//! comparison is written (infeasible members are rows with their reason); 2 for bad
//! input or output location.

use super::plan::{apply_overrides, load_inputs, models_dir, Progress};
use clap::Args;
use matome::plan::Inputs;
use matome::scenario::sweep::Sweep;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Args)]
pub struct ScenariosArgs {
    /// Dataset folder.
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
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(m) => {
            eprintln!("matome scenarios: {m}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: &ScenariosArgs) -> Result<(), String> {
    let models = models_dir(args.models.as_deref());
    let mut sweep = Sweep::load(&args.sweep).map_err(|e| e.to_string())?;
    for s in &mut sweep.scenarios {
        apply_overrides(s, args.time_limit, None, None)?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&sweep.name));
    matome::report::ensure_outside(&args.dataset, &out).map_err(|e| e.to_string())?;
    let loaded = load_inputs(&args.dataset, models.as_deref(), args.quiet)?;
    let inputs = Inputs {
        dataset_name: &loaded.name,
        dataset: &loaded.dataset,
        trades: &loaded.trades,
        staff: &loaded.staff,
    };

    let total = sweep.scenarios.len();
    let progress = Progress::start(args.quiet, &format!("0 / {total} scenarios"));
    let bar = progress.bar();
    let done = AtomicUsize::new(0);
    let on_done = |name: &str| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        bar.set_message(format!("{n} / {total} scenarios (last: {name})"));
    };
    let rows =
        matome::plan::sweep::run(inputs, &sweep, &args.dataset, &out, args.threads, &on_done);
    progress.finish();
    let title = format!("{} / {}", loaded.name, sweep.name);
    let written =
        matome::report::comparison::write(&out, &title, &rows).map_err(|e| e.to_string())?;

    println!("matome scenarios — {title}: {} scenarios", total);
    for r in &rows {
        match &r.figures {
            Some(f) => println!(
                "  {:<44} {:>6} contracts  {:>9} h freed  {:>10} km/yr  {}{}",
                r.name,
                f.contracts,
                matome::plan::group_thousands(f.staff_hours_freed.round() as i64),
                matome::plan::group_thousands(f.travel_km_year.round() as i64),
                r.outcome,
                if r.pareto { "  ★ Pareto" } else { "" }
            ),
            None => println!("  {:<44} {}: {}", r.name, r.outcome, r.reason),
        }
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    println!(
        "wrote {}: {} and one folder per scenario",
        out.display(),
        names.join(" ")
    );
    Ok(())
}
