//! `matome plan DATASET`: read and validate the dataset, read the scenario and the
//! staff-time model, plan, check, write the outputs and print a before/after summary.
//! Exit codes: 0 plan written; 1 the dataset is invalid or no plan exists (infeasible
//! scenario, no solution in time, failed check); 2 bad arguments, scenario or models
//! file, or output location; 130 interrupted (nothing half-written).

use super::inputs::{apply_overrides, load_inputs, load_scenario};
use super::progress::Progress;
use super::{exit_code, whole, Invalid};
use anyhow::Context;
use clap::Args;
use matome::io::resolve_models_dir;
use matome::plan::{Plan, PlanError};
use matome::text::{fixed, thousands as group};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args)]
#[command(after_help = "Exit codes:
  0  the plan was written
  1  the dataset is invalid, or no plan exists (infeasible scenario, no solution in time,
     failed check); nothing is written
  2  usage error: bad arguments, scenario or models file, or output location
  130 interrupted (Ctrl-C or SIGTERM): a write under way is finished first; nothing is
      half-written")]
pub struct PlanArgs {
    /// Dataset folder (facilities.csv, service_lines.csv, contracts.csv, … or the same as
    /// .xlsx), or one workbook with a sheet per table (施設, 業務, 契約, 移動, 拠点).
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
    /// Stop after N engine steps instead of by the clock (overrides solver.work_limit):
    /// the same seed and --threads then give byte-identical files on any machine under
    /// any load (summary.json then leaves its timings out). About 20,000 steps are a
    /// nominal second.
    #[arg(long, value_name = "N")]
    pub work_limit: Option<u64>,
    /// An earlier plan's folder to continue from: its bundles keep their ids where they
    /// keep their hub; the scenario's [replan] keys lock bundles (lock = ["B03"]) and
    /// count a yearly cost per facility moved (change_cost_jpy); changes.csv lists every
    /// facility that changed bundle.
    #[arg(long, value_name = "PLAN_DIR")]
    pub from: Option<PathBuf>,
    /// Also write the scenario's full compact MIP to FILE (.mps or .lp), with facility
    /// and hub ids as column and row names, before solving; see docs/model.md for how to
    /// solve it with the HiGHS command line and what it must give.
    #[arg(long, value_name = "FILE")]
    pub export_model: Option<PathBuf>,
    /// No progress display.
    #[arg(long)]
    pub quiet: bool,
    /// Print every solver step on stderr, one line each, with the time since the start
    /// (parts, construction, LNS, MIP, bounds).
    #[arg(long, conflicts_with = "quiet")]
    pub verbose: bool,
}

pub fn run(args: PlanArgs) -> ExitCode {
    exit_code("plan", run_inner(&args))
}

fn run_inner(args: &PlanArgs) -> anyhow::Result<()> {
    let models = resolve_models_dir(args.models.as_deref());
    let mut scenario = load_scenario(args.scenario.as_deref(), models.as_deref())?;
    apply_overrides(
        &mut scenario,
        args.time_limit,
        args.seed,
        args.threads,
        args.work_limit,
    )?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    matome::report::ensure_outside(&args.dataset, &out).map_err(whole)?;
    if let Some(m) = &args.export_model {
        matome::solve::export::check_extension(m).map_err(whole)?;
        matome::report::ensure_outside(&args.dataset, m).map_err(whole)?;
    }
    let loaded = load_inputs(&args.dataset, models.as_deref(), args.quiet)?;
    if let Some(m) = &args.export_model {
        export_model(&loaded, &scenario, m)?;
    }

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
    let earlier = match &args.from {
        Some(dir) => Some(matome::replan::Earlier::read(dir).map_err(whole)?),
        None => None,
    };
    let result =
        matome::plan::plan_from(loaded.inputs(), &scenario, earlier.as_ref(), Some(callback));
    progress.finish();
    let plan = result.map_err(|e: PlanError| {
        if e.is_infeasible()
            || matches!(
                e,
                PlanError::CheckFailed(_) | PlanError::Solver(_) | PlanError::Phase(_)
            )
        {
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

/// Writes the scenario's compact MIP (the problem `plan` then solves) to `path`.
fn export_model(
    loaded: &super::inputs::Loaded,
    scenario: &matome::scenario::Scenario,
    path: &Path,
) -> anyhow::Result<()> {
    let built = matome::problem::build(&loaded.ward, scenario, &loaded.staff).map_err(whole)?;
    let (units, hubs) = built.model_names(&loaded.ward);
    let size =
        matome::solve::export::write_model(&built.problem, &units, &hubs, path).map_err(whole)?;
    out!(
        "wrote model {}: {} columns, {} rows",
        path.display(),
        group(size.columns as i64),
        group(size.rows as i64)
    );
    Ok(())
}

fn print_summary(plan: &Plan, out: &Path, written: &[PathBuf]) {
    let a = &plan.accounts;
    let sv = &plan.solver;
    out!(
        "matome plan — {} / {}",
        plan.inputs.dataset_name,
        plan.scenario.name
    );
    out!(
        "  contracts        {} → {}  ({} bundles + {} left as is)",
        group(a.contracts_before as i64),
        group(a.contracts_after as i64),
        a.bundles,
        a.contracts_left
    );
    out!(
        "  staff hours/yr   {} → {}  freed {} h = {} FTE  (single-contract figures ±25 %: {} … {} h)",
        group(a.staff_hours_before.round() as i64),
        group(a.staff_hours_after.round() as i64),
        group(a.staff_hours_freed.round() as i64),
        fixed(a.fte_freed, 1),
        group(a.freed_if_contracts_25_lower.round() as i64),
        group(a.freed_if_contracts_25_higher.round() as i64)
    );
    out!(
        "  travel km/yr     {} → {}  (each visit a round trip from its base: vendor today, hub after; one round of every bundle: {} km)",
        group(a.travel_km_before.round() as i64),
        group(a.travel_km_after.round() as i64),
        group(a.route_km_total.round() as i64)
    );
    let m = &plan.market;
    let firms = if m.derived {
        "firms derived from contracts.csv".to_string()
    } else {
        format!("vendors.csv, {} firms", plan.inputs.ward.vendors().len())
    };
    let share = match (m.in_ward_share_before, m.in_ward_share_after) {
        (Some(b), Some(a)) => format!(
            "; in-ward firms' share {:.1} % → {:.1} %",
            100.0 * b,
            100.0 * a
        ),
        _ => String::new(),
    };
    out!(
        "  bidders          fewest {} for a bundle ({firms}){share}",
        m.fewest_bidders.map_or("—".to_string(), |f| f.to_string())
    );
    out!(
        "  objective        ¥{} / yr, bound {}, gap {}, {} ({}), checked, {} s",
        group(sv.objective.round() as i64),
        sv.bound_text(),
        sv.gap_text(),
        sv.status,
        sv.mode,
        fixed(plan.total_seconds, 1)
    );
    if sv.abandoned_calls > 0 {
        println!(
            "  solver calls     {} left behind at their deadline (HiGHS did not return); the plan is the best checked one found without them",
            sv.abandoned_calls
        );
    }
    if let Some(ph) = &plan.phase {
        let last = ph.ledger.last().expect("a ledger has rows");
        let starts: Vec<String> = ph
            .years
            .iter()
            .map(|&y| {
                let n = ph.starts.iter().filter(|s| **s == Some(y)).count();
                format!("FY{y} {n}")
            })
            .collect();
        out!(
            "  phase-in         {} {}–{}: starts {}{}; by FY{} {} h freed net of {} h of launches, ¥{} termination",
            ph.phase.policy.key(),
            ph.years[0],
            last.fiscal_year,
            starts.join(", "),
            match ph.deferred() {
                0 => String::new(),
                n => format!(", {n} after the period"),
            },
            last.fiscal_year,
            group(last.cum_net_hours.round() as i64),
            group(last.cum_staff_hours.round() as i64),
            group(last.cum_termination_cost_jpy.round() as i64),
        );
        out!(
            "  phase MIP        {} h net, bound {} h, gap {}, {}, {} binaries, {} s",
            group(ph.solver.objective_hours.round() as i64),
            group(ph.solver.bound_hours.round() as i64),
            ph.gap_text(),
            ph.solver.status,
            ph.solver.binaries,
            fixed(ph.solver.seconds, 2)
        );
    }
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if let Some(r) = &plan.realignment {
        out!(
            "  realignment      {} of {} facilities moved, {} new, {} closed (changes.csv){}",
            r.moved,
            r.common,
            r.new_facilities.len(),
            r.closed_facilities.len(),
            match r.fresh {
                Some((obj, moved)) => format!(
                    "; a fresh plan would move {moved} and cost ¥{} / yr less",
                    group((r.objective_without_change_cost - obj).round() as i64)
                ),
                None => String::new(),
            }
        );
    }
    out!("wrote {}: {}", out.display(), names.join(" "));
}
