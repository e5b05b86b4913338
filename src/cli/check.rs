//! `matome check DATASET PLAN_DIR`: re-verifies a plan folder from its files alone
//! (assignments.csv, bundles.csv, summary.json) against the dataset and the scenario,
//! and names every violation. Exit codes: 0 the plan holds; 1 it does not (or the
//! dataset is invalid); 2 usage error.

use super::inputs::load_inputs;
use super::{exit_code, Invalid};
use clap::Args;
use matome::audit::{self, TOL_HOURS, TOL_KM, TOL_YEN};
use matome::io::resolve_models_dir;
use matome::scenario::Scenario;
use matome::text::thousands;
use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "計画フォルダを、その中のファイルだけから検証し直します。
Re-verifies a plan folder from its files alone, without trusting the run that made it:
assignments.csv, bundles.csv and summary.json are read back and checked against the
dataset and the scenario:
  - every service line of the dataset appears exactly once;
  - pinned lines stay pinned, excluded lines stay excluded (with their reason), every
    other line is in a bundle of bundles.csv, and each unit is whole in one bundle;
  - every bundle keeps the scenario's limits: labour hours, value (max and min),
    facilities, distance from its hub, within_area, trade groups, its hub; and the
    bundle count rule holds;
  - bundles.csv's figures match its lines (facilities, lines, labour hours, value,
    travel, admin hours, trades, area);
  - summary.json's objective, bound, gap and status, staff hours and travel before and
    after, contract and line counts match what the files give.

Tolerances: the objective and bound ±1 yen (summary.json rounds to whole yen), hours
±0.1 h, km ±0.1 km (the files round to one decimal), plus 1e-9 relative.

The scenario is the one summary.json echoes, unless --scenario gives another (to ask
whether a plan also holds under stricter limits). --models must name the trade catalogue
and staff-time model the plan was made with. docs/check.md lists every violation kind.

Example:
  matome plan datasets/setagaya-sample --out out/baseline
  matome check datasets/setagaya-sample out/baseline

Exit codes:
  0  the plan holds
  1  it does not: every violation is printed as [kind] file:line: 日本語 / English, with
     the service line or bundle, the limit and the numbers; or the dataset is invalid
  2  usage error: bad arguments, PLAN_DIR is not a folder, the scenario (given or
     echoed) or the models cannot be read";

#[derive(Args)]
#[command(after_help = HELP)]
pub struct CheckArgs {
    /// The dataset the plan was made from (folder or workbook, as for `plan`).
    pub dataset: PathBuf,
    /// The plan folder `matome plan` wrote (assignments.csv, bundles.csv, summary.json).
    pub plan_dir: PathBuf,
    /// Check against this scenario instead of the one summary.json echoes.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Models folder (trades.toml, staff_time.toml) [default: ./models if present, else
    /// the copies built into matome].
    #[arg(long)]
    pub models: Option<PathBuf>,
}

pub fn run(args: CheckArgs) -> ExitCode {
    exit_code("check", run_inner(&args))
}

fn run_inner(args: &CheckArgs) -> anyhow::Result<()> {
    if !args.plan_dir.is_dir() {
        anyhow::bail!(
            "計画フォルダ {0} がありません / plan folder {0} does not exist or is not a folder",
            args.plan_dir.display()
        );
    }
    let models = resolve_models_dir(args.models.as_deref());
    let scenario = match &args.scenario {
        Some(p) => Scenario::load(p)?,
        None => audit::echoed_scenario(&args.plan_dir).map_err(anyhow::Error::msg)?,
    };
    let loaded = load_inputs(&args.dataset, models.as_deref(), true)?;
    let report = audit::check(loaded.inputs(), &scenario, &args.plan_dir);
    let yen =
        |x: Option<f64>| x.map_or("?".into(), |x| format!("¥{}", thousands(x.round() as i64)));
    out!(
        "matome check — {} / {} (scenario {})",
        loaded.name,
        args.plan_dir.display(),
        scenario.name
    );
    out!(
        "  {} service lines, {} bundles; objective recomputed {}, summary.json {}",
        report.lines,
        report.bundles,
        yen(report.objective),
        yen(report.stated_objective)
    );
    if report.holds() {
        out!(
            "計画は成り立っています / the plan holds (tolerances ±{TOL_YEN} yen, ±{TOL_HOURS} h, ±{TOL_KM} km)"
        );
        return Ok(());
    }
    let lines: Vec<String> = report.violations.iter().map(|v| v.to_string()).collect();
    let n = lines.len();
    Err(anyhow::Error::new(Invalid::Data(format!(
        "{}\n{n} 件の違反：計画は成り立っていません / {n} violation(s): the plan does not hold",
        lines.join("\n")
    ))))
}
