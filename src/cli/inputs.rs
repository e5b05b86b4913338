//! What `matome plan` and `matome scenarios` read before planning: the scenario (or
//! the baseline), the command-line overrides, the validated ward and the staff model.

use super::{whole, Invalid};
use matome::plan::Inputs;
use matome::scenario::{Scenario, ScenarioError};
use matome::staff::StaffModel;
use matome::ward::Ward;
use std::path::Path;

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

/// Writes the command-line overrides into the scenario so the summary echoes them,
/// validates the result, and runs no more threads than the machine has cores (with a
/// warning on stderr): more threads than cores only slow a plan down (256 threads held
/// a 0.5 s plan of the sample ward 2.9 s on two cores).
pub fn apply_overrides(
    s: &mut Scenario,
    time_limit: Option<f64>,
    seed: Option<u64>,
    threads: Option<usize>,
    work_limit: Option<u64>,
) -> Result<(), ScenarioError> {
    if work_limit.is_some() {
        s.solver.work_limit = work_limit;
    }
    if let Some(t) = time_limit {
        s.solver.time_limit_s = t;
    }
    if let Some(x) = seed {
        s.solver.seed = x;
    }
    if let Some(t) = threads {
        s.solver.threads = t;
    }
    s.validate(Path::new("command line"))?;
    // A run stopped by work repeats for its seed and thread count anywhere: keep the
    // thread count asked for.
    if s.solver.work_limit.is_none() {
        s.solver.threads = at_most_cores("solver.threads", s.solver.threads);
    }
    Ok(())
}

/// `requested`, or the machine's core count with a warning when it asks for more.
pub fn at_most_cores(key: &str, requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if requested > cores {
        eprintln!(
            "警告: {key} = {requested} はこの機械のコア数 {cores} を超えるため {cores} で実行します / \
             warning: {key} = {requested} is more than this machine's {cores} cores; running {cores} \
             (a plan repeats for a seed and thread count: pass --threads {cores} to repeat it elsewhere)"
        );
        cores
    } else {
        requested
    }
}
