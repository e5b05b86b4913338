//! Scenario files: how a plan is bundled (unit, hubs, limits, count, trade groups,
//! exclusions, costs, solver settings). Every key has a default, so an empty file is a
//! valid scenario; an unknown key is an error naming the key and the file. Sweeps
//! (many scenarios from one file) live in `sweep`.

pub mod sweep;

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The scenario used when neither `--scenario` nor `./models` gives one.
pub const EMBEDDED_BASELINE: &str = include_str!("../../models/scenarios/baseline.toml");

/// The longest time limit a scenario or the command line may set, seconds (one week).
/// A longer one cannot be meant, and past ~1.8e19 s it no longer fits a `Duration`.
pub const MAX_TIME_LIMIT_S: f64 = 604_800.0;
/// The most solver threads a scenario may ask for. Each thread runs its own search
/// chain with its own copy of the plan: 100,000 threads held a 0.5 s plan of the
/// sample ward past 150 s, 256 threads past 2.9 s on two cores. The CLI further runs
/// no more threads than the machine has cores, with a warning.
pub const MAX_THREADS: usize = 256;
/// The most yen per staff hour or per km a scenario may set (a sanity bound: costs
/// beyond it overflow a plan's figures long before they could mean anything).
pub const MAX_YEN_RATE: f64 = 1_000_000.0;
/// The largest detour factor (road km over great-circle km); 10 is already absurd for
/// any road network.
pub const MAX_DETOUR: f64 = 10.0;

/// What the optimizer places as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// All bundleable lines of a facility (split only where trade groups may not share).
    #[default]
    Facility,
    /// A facility's lines of one trade group.
    FacilityTradeGroup,
}

/// Where bundles are served from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum HubSource {
    /// A facility of the bundle.
    #[default]
    Facilities,
    /// A depot of `depots.csv`.
    Depots,
}

/// Limits per bundle (`[limits]`); each is off when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Annual on-site labour hours per bundle.
    pub max_labour_hours: Option<f64>,
    /// Annual value per bundle, yen.
    pub max_value_jpy: Option<i64>,
    /// Minimum annual value per bundle, yen.
    pub min_value_jpy: Option<i64>,
    /// Facilities per bundle. Under `facility_trade_group` units a facility counts once
    /// per trade group it brings (never more lenient than the real count).
    pub max_facilities: Option<usize>,
    /// Distance from hub to any of its facilities, km (a response-time proxy).
    pub max_distance_km: Option<f64>,
}

/// The ward's bundle-count rule (`[bundles]`): free (no keys), exact (`count`), or a
/// range (`min`, `max`). `problem` turns it into the engine's hub count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BundleCount {
    /// Exactly this many bundles.
    pub count: Option<usize>,
    /// At least this many bundles.
    pub min: Option<usize>,
    /// At most this many bundles.
    pub max: Option<usize>,
}

/// Which trade groups may share a bundle (`[trade_groups]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TradeGroups {
    /// Sets of trade groups that may share a bundle. Empty: every group together.
    /// A group listed in no set forms a set of its own.
    pub together: Vec<Vec<String>>,
}

/// What stays outside bundling (`[exclude]`): those lines keep today's contracts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Exclusions {
    /// Bundle facilities run by a designated manager (指定管理者) too.
    pub include_designated_managers: bool,
    /// Facility kinds left out.
    pub kinds: Vec<String>,
    /// Facility ids left out.
    pub facilities: Vec<String>,
    /// Trade keys left out (their lines keep today's contracts).
    pub trades: Vec<String>,
}

/// What time and travel cost (`[costs]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Costs {
    /// Yen per staff hour (salary plus overhead). Default: assumption, about a Tokyo
    /// ward's fully loaded cost of a mid-career administrative employee.
    pub yen_per_staff_hour: f64,
    /// Yen per km driven by a contractor (vehicle, fuel, driver time). Assumption.
    pub yen_per_km: f64,
    /// Road distance over great-circle distance, used when `travel.csv` lacks a pair.
    /// Assumption: ~1.3 is the usual urban figure.
    pub detour_factor: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            yen_per_staff_hour: 5000.0,
            yen_per_km: 150.0,
            detour_factor: 1.3,
        }
    }
}

/// Which engine method runs: `auto` picks exact for small problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SolverMode {
    /// Exact for small problems, the matheuristic for large ones.
    #[default]
    Auto,
    /// The compact MIP.
    Exact,
    /// The matheuristic.
    Heuristic,
}

/// Engine settings (`[solver]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SolverSettings {
    /// Which method runs.
    pub mode: SolverMode,
    /// Wall-clock limit of a solve, seconds.
    pub time_limit_s: f64,
    /// Stop once the relative gap to the lower bound is below this.
    pub rel_gap: f64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Threads of the engine (and HiGHS).
    pub threads: usize,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            mode: SolverMode::Auto,
            time_limit_s: 10.0,
            rel_gap: 0.005,
            seed: 1,
            threads: 2,
        }
    }
}

/// One scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Names the output folder; defaults to the file name without `.toml`.
    pub name: String,
    /// A sentence for the report.
    pub description: String,
    /// What the optimizer places as a whole.
    pub unit: UnitKind,
    /// Where bundles are served from.
    pub hubs: HubSource,
    /// Bundles never cross area boundaries.
    pub within_area: bool,
    /// Limits per bundle.
    pub limits: Limits,
    /// How many bundles.
    pub bundles: BundleCount,
    /// Which trade groups may share a bundle.
    pub trade_groups: TradeGroups,
    /// What stays outside bundling.
    pub exclude: Exclusions,
    /// What time and travel cost.
    pub costs: Costs,
    /// Engine settings.
    pub solver: SolverSettings,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "scenario".into(),
            description: String::new(),
            unit: UnitKind::Facility,
            hubs: HubSource::Facilities,
            within_area: true,
            limits: Limits::default(),
            bundles: BundleCount::default(),
            trade_groups: TradeGroups::default(),
            exclude: Exclusions::default(),
            costs: Costs::default(),
            solver: SolverSettings::default(),
        }
    }
}

/// Why a scenario or sweep file cannot be used; every message names the file.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file cannot be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML, or a key that is no scenario key.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: PathBuf,
        /// What the TOML reader says, on one line.
        message: String,
    },
    /// A value out of range, or keys that exclude each other.
    #[error("{file}: `{key}`: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// The dotted key at fault.
        key: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Scenario {
    /// Reads a scenario file; the name defaults to the file stem.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = crate::io::read_regular_text(path).map_err(|source| ScenarioError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Scenario::parse(&text, path, &stem)
    }

    /// Parses scenario text; `file` is only used in messages.
    pub fn parse(text: &str, file: &Path, default_name: &str) -> Result<Scenario, ScenarioError> {
        let value: toml::Value = toml::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.to_path_buf(),
            message: one_line(&e.to_string()),
        })?;
        Scenario::from_value(value, file, default_name)
    }

    /// Builds a scenario from a parsed TOML table (sweeps merge tables before this).
    pub fn from_value(
        value: toml::Value,
        file: &Path,
        default_name: &str,
    ) -> Result<Scenario, ScenarioError> {
        let has_name = value.get("name").is_some();
        let mut s: Scenario =
            value
                .try_into()
                .map_err(|e: toml::de::Error| ScenarioError::Parse {
                    file: file.to_path_buf(),
                    message: one_line(&e.to_string()),
                })?;
        if !has_name {
            s.name = default_name.to_string();
        }
        s.validate(file)?;
        Ok(s)
    }

    /// Checks what serde cannot: ranges and combinations.
    pub fn validate(&self, file: &Path) -> Result<(), ScenarioError> {
        let bad = |key: &str, message: String| {
            Err(ScenarioError::Invalid {
                file: file.to_path_buf(),
                key: key.into(),
                message,
            })
        };
        if self.name.trim().is_empty()
            || self.name.contains(['/', '\\'])
            || self.name == "."
            || self.name == ".."
        {
            return bad(
                "name",
                format!(
                    "{:?} cannot name an output folder; use letters, digits, - or _",
                    self.name
                ),
            );
        }
        let l = &self.limits;
        if let Some(h) = l.max_labour_hours {
            if !(h.is_finite() && h > 0.0) {
                return bad(
                    "limits.max_labour_hours",
                    format!("{h} must be a positive number of hours"),
                );
            }
        }
        if let Some(v) = l.max_value_jpy {
            if v <= 0 {
                return bad("limits.max_value_jpy", format!("{v} must be positive yen"));
            }
        }
        if let Some(v) = l.min_value_jpy {
            if v < 0 {
                return bad(
                    "limits.min_value_jpy",
                    format!("{v} must be zero or positive yen"),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (l.min_value_jpy, l.max_value_jpy) {
            if lo > hi {
                return bad(
                    "limits.min_value_jpy",
                    format!("{lo} is above limits.max_value_jpy {hi}"),
                );
            }
        }
        if l.max_facilities == Some(0) {
            return bad("limits.max_facilities", "must be at least 1".into());
        }
        if let Some(d) = l.max_distance_km {
            if !(d.is_finite() && d > 0.0) {
                return bad(
                    "limits.max_distance_km",
                    format!("{d} must be a positive number of km"),
                );
            }
        }
        let b = &self.bundles;
        if b.count.is_some() && (b.min.is_some() || b.max.is_some()) {
            return bad(
                "bundles.count",
                "give either `count` or `min`/`max`, not both".into(),
            );
        }
        if b.count == Some(0) || b.max == Some(0) {
            return bad("bundles", "a plan needs at least one bundle".into());
        }
        if let (Some(lo), Some(hi)) = (b.min, b.max) {
            if lo > hi {
                return bad("bundles.min", format!("{lo} is above bundles.max {hi}"));
            }
        }
        let c = &self.costs;
        for (key, v) in [
            ("costs.yen_per_staff_hour", c.yen_per_staff_hour),
            ("costs.yen_per_km", c.yen_per_km),
        ] {
            if !(v.is_finite() && (0.0..=MAX_YEN_RATE).contains(&v)) {
                return bad(key, format!("{v} must be between 0 and {MAX_YEN_RATE} yen"));
            }
        }
        if !(c.detour_factor.is_finite() && (1.0..=MAX_DETOUR).contains(&c.detour_factor)) {
            return bad(
                "costs.detour_factor",
                format!(
                    "{} must be between 1 (roads are never shorter than the great circle) and {MAX_DETOUR}",
                    c.detour_factor
                ),
            );
        }
        let s = &self.solver;
        if !(s.time_limit_s.is_finite()
            && s.time_limit_s > 0.0
            && s.time_limit_s <= MAX_TIME_LIMIT_S)
        {
            return bad(
                "solver.time_limit_s",
                format!(
                    "{} must be positive seconds, at most {MAX_TIME_LIMIT_S} (one week)",
                    s.time_limit_s
                ),
            );
        }
        if !(s.rel_gap.is_finite() && (0.0..1.0).contains(&s.rel_gap)) {
            return bad("solver.rel_gap", format!("{} must be in [0, 1)", s.rel_gap));
        }
        if !(1..=MAX_THREADS).contains(&s.threads) {
            return bad(
                "solver.threads",
                format!("{} must be between 1 and {MAX_THREADS}", s.threads),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for g in self.trade_groups.together.iter().flatten() {
            if !seen.insert(g) {
                return bad(
                    "trade_groups.together",
                    format!("group `{g}` appears in more than one set"),
                );
            }
        }
        Ok(())
    }
}

/// toml's messages span several lines with a source excerpt; keep the first line and
/// the line number, which are what a user needs.
fn one_line(message: &str) -> String {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // toml 0.8: "TOML parse error at line 3, column 1", excerpt lines, then the cause.
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) if lines.len() > 1 => {
            format!(
                "{}: {}",
                first.trim_start_matches("TOML parse error at "),
                last
            )
        }
        (Some(first), _) => first.to_string(),
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_a_valid_scenario_named_after_the_file() {
        let s = Scenario::parse("", Path::new("x/quiet.toml"), "quiet").unwrap();
        assert_eq!(s.name, "quiet");
        assert_eq!(s.unit, UnitKind::Facility);
        assert!(s.within_area);
        assert_eq!(s.bundles, BundleCount::default(), "a free bundle count");
    }

    #[test]
    fn unknown_key_is_named_with_the_file() {
        let e = Scenario::parse("[limits]\nmax_houres = 3\n", Path::new("s/bad.toml"), "bad")
            .unwrap_err();
        let m = e.to_string();
        assert!(m.contains("s/bad.toml"), "{m}");
        assert!(m.contains("max_houres"), "{m}");
    }

    #[test]
    fn unknown_top_level_key_is_an_error() {
        let e = Scenario::parse("colour = \"red\"\n", Path::new("c.toml"), "c").unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn count_and_range_exclude_each_other() {
        let e = Scenario::parse("[bundles]\ncount = 5\nmax = 7\n", Path::new("b.toml"), "b")
            .unwrap_err();
        assert!(e.to_string().contains("bundles.count"), "{e}");
        let s = Scenario::parse("[bundles]\nmin = 2\nmax = 7\n", Path::new("b.toml"), "b").unwrap();
        assert_eq!((s.bundles.min, s.bundles.max), (Some(2), Some(7)));
    }

    #[test]
    fn detour_below_one_is_rejected() {
        let e = Scenario::parse("[costs]\ndetour_factor = 0.9\n", Path::new("d.toml"), "d")
            .unwrap_err();
        assert!(e.to_string().contains("costs.detour_factor"), "{e}");
    }

    /// Values that cannot be meant are refused with the key and the allowed range.
    #[test]
    fn values_that_cannot_be_meant_are_refused_with_key_and_range() {
        for (text, key, range) in [
            (
                "[solver]\nthreads = 100000\n",
                "solver.threads",
                "between 1 and 256",
            ),
            (
                "[solver]\nthreads = 0\n",
                "solver.threads",
                "between 1 and 256",
            ),
            (
                "[solver]\ntime_limit_s = 1e308\n",
                "solver.time_limit_s",
                "at most 604800",
            ),
            (
                "[solver]\ntime_limit_s = nan\n",
                "solver.time_limit_s",
                "positive seconds",
            ),
            (
                "[solver]\ntime_limit_s = -1.0\n",
                "solver.time_limit_s",
                "positive seconds",
            ),
            (
                "[solver]\ntime_limit_s = inf\n",
                "solver.time_limit_s",
                "positive seconds",
            ),
            (
                "[limits]\nmax_labour_hours = nan\n",
                "limits.max_labour_hours",
                "positive",
            ),
            (
                "[limits]\nmax_labour_hours = -5.0\n",
                "limits.max_labour_hours",
                "positive",
            ),
            (
                "[limits]\nmax_value_jpy = -1\n",
                "limits.max_value_jpy",
                "positive",
            ),
            (
                "[limits]\nmin_value_jpy = -1\n",
                "limits.min_value_jpy",
                "zero or positive",
            ),
            (
                "[limits]\nmax_distance_km = 0.0\n",
                "limits.max_distance_km",
                "positive",
            ),
            (
                "[limits]\nmax_distance_km = nan\n",
                "limits.max_distance_km",
                "positive",
            ),
            (
                "[limits]\nmax_facilities = 0\n",
                "limits.max_facilities",
                "at least 1",
            ),
            (
                "[costs]\nyen_per_km = 1e308\n",
                "costs.yen_per_km",
                "between 0 and 1000000",
            ),
            (
                "[costs]\nyen_per_staff_hour = -1.0\n",
                "costs.yen_per_staff_hour",
                "between 0",
            ),
            (
                "[costs]\ndetour_factor = 1e308\n",
                "costs.detour_factor",
                "and 10",
            ),
        ] {
            let e = Scenario::parse(text, Path::new("h.toml"), "h").unwrap_err();
            let m = e.to_string();
            assert!(
                m.contains("h.toml") && m.contains(key) && m.contains(range),
                "{text}: {m}"
            );
        }
        // Negative counts are no usize: the TOML reader names the key and the value.
        let e = Scenario::parse("[limits]\nmax_facilities = -3\n", Path::new("h.toml"), "h")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("-3") && e.contains("limits.max_facilities"),
            "{e}"
        );
    }

    #[test]
    fn embedded_baseline_parses() {
        let s = Scenario::parse(EMBEDDED_BASELINE, Path::new("baseline.toml"), "baseline").unwrap();
        assert_eq!(s.name, "baseline");
    }
}
