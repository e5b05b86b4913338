//! Scenario files: how a plan is bundled (unit, hubs, limits, count, trade groups,
//! exclusions, costs, solver settings). Every key has a default, so an empty file is a
//! valid scenario; an unknown key is an error naming the key and the file. Sweeps
//! (many scenarios from one file) live in `sweep`.

pub mod sweep;
mod validate;

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
    /// Every bundle (every lot of it, under `lots`) must be open to at least this many
    /// prime bidders (firms of vendors.csv that perform its trades or are prime-capable
    /// and are qualified for its value).
    pub min_bidders: Option<usize>,
}

/// How a bundle is tendered (`lots`): as one lot, or as lots bidders choose among
/// (箕面's 希望業務選択方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Lots {
    /// The bundle is one lot.
    #[default]
    Whole,
    /// One lot per trade group of the bundle.
    ByTrade,
    /// One lot per area of the bundle.
    ByArea,
}

impl Lots {
    /// The scenario word.
    pub fn name(self) -> &'static str {
        match self {
            Lots::Whole => "whole",
            Lots::ByTrade => "by_trade",
            Lots::ByArea => "by_area",
        }
    }
}

/// Replanning from an earlier plan (`[replan]`, used with `matome plan --from DIR`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Replan {
    /// Bundles of the earlier plan kept exactly: their facilities stay, none joins.
    pub lock: Vec<String>,
    /// Yen a year counted for each facility moved away from its earlier bundle, so the
    /// plan changes only where that pays.
    pub change_cost_jpy: f64,
}

/// Rules about today's firms (`[vendors]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VendorRules {
    /// The prime contractor keeps today's in-ward firms as subcontractors for the
    /// work they hold (大牟田's rule), so their share of the value stays in the ward.
    pub subcontract_in_ward: bool,
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
    /// Road km from today's contractor's base to a site, for contracts whose vendor has
    /// no location in vendors.csv: every visit today is a round trip of this length.
    /// Assumption: a firm in or next to the ward (Setagaya is 58 km², about 8 km across).
    pub vendor_base_km: f64,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            yen_per_staff_hour: 5000.0,
            yen_per_km: 150.0,
            detour_factor: 1.3,
            vendor_base_km: 5.0,
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
    /// Stop after this many engine steps instead of by the clock: the same seed and
    /// thread count then give byte-identical files on any machine under any load.
    pub work_limit: Option<u64>,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            mode: SolverMode::Auto,
            time_limit_s: 10.0,
            rel_gap: 0.005,
            seed: 1,
            threads: 2,
            work_limit: None,
        }
    }
}

/// When a bundle may start (`[phase]`): its policy towards today's contracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PhasePolicy {
    /// A bundle starts in a year in which every one of its lines is free.
    #[default]
    Wait,
    /// A bundle starts once `min_share` of its value is free and takes in each other
    /// line at its contract's end (scope widened yearly).
    Absorb,
    /// Contracts still running when a bundle starts are ended early, at a cost.
    Terminate,
}

impl PhasePolicy {
    /// The scenario's word for the policy.
    pub fn key(self) -> &'static str {
        match self {
            PhasePolicy::Wait => "wait",
            PhasePolicy::Absorb => "absorb",
            PhasePolicy::Terminate => "terminate",
        }
    }
}

/// Earliest and latest fiscal year a phase-in may name (a sanity range, not a rule).
pub const PHASE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;
/// Most fiscal years one phase-in may span: the MIP has a column per bundle and year.
pub const PHASE_MAX_YEARS: i32 = 20;

/// Phase-in over fiscal years (`[phase]`, April–March); absent, every bundle starts at
/// once as in a plan without it. Keys that do not apply to the policy are ignored, so
/// one sweep can vary the policy over one base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Phase {
    /// First fiscal year in which a bundle may start (FY2025 = April 2025 – March 2026).
    pub first_year: Option<i32>,
    /// Last fiscal year of the phase-in period.
    pub last_year: Option<i32>,
    /// What happens to contracts still running.
    pub policy: PhasePolicy,
    /// Under `absorb`: the share of a bundle's annual value that must be free before it
    /// starts, in (0, 1].
    pub min_share: f64,
    /// Under `terminate`: yen per month still to run of each contract ended early.
    pub termination_cost_jpy_per_month: Option<f64>,
    /// Bundles that may start in one fiscal year (each needs a procurement in the year
    /// before); absent: no cap.
    pub max_launches_per_year: Option<usize>,
    /// Bundling with end dates in view: yen a year added to the bundling objective for
    /// each unit and each fiscal year between the year its last contract ends (its
    /// lines are all free) and the same year of its hub's facility, so that facilities
    /// freed in the same year tend to share a bundle. 0 (the default): bundling ignores
    /// end dates. See docs/phase-in.md for what it changes on the sample ward.
    pub end_year_mixing_jpy: f64,
}

impl Default for Phase {
    fn default() -> Self {
        Phase {
            first_year: None,
            last_year: None,
            policy: PhasePolicy::Wait,
            min_share: 0.5,
            termination_cost_jpy_per_month: None,
            max_launches_per_year: None,
            end_year_mixing_jpy: 0.0,
        }
    }
}

impl Phase {
    /// The period's fiscal years, first to last (after `validate`).
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.first_year.unwrap_or(0)..=self.last_year.unwrap_or(-1)
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
    /// Facility kinds that may be a bundle's centre (hub) under `hubs = "facilities"`:
    /// a prime contractor's site office sits in a building, not a park. Empty (the
    /// default): any facility of the bundle.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hub_kinds: Vec<String>,
    /// Bundles never cross area boundaries.
    pub within_area: bool,
    /// Limits per bundle.
    pub limits: Limits,
    /// How a bundle is tendered.
    pub lots: Lots,
    /// Rules about today's firms.
    pub vendors: VendorRules,
    /// Replanning from an earlier plan.
    pub replan: Replan,
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
    /// Phase-in over fiscal years; absent, no phasing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "scenario".into(),
            description: String::new(),
            unit: UnitKind::Facility,
            hubs: HubSource::Facilities,
            hub_kinds: Vec::new(),
            within_area: true,
            limits: Limits::default(),
            lots: Lots::Whole,
            vendors: VendorRules::default(),
            replan: Replan::default(),
            bundles: BundleCount::default(),
            trade_groups: TradeGroups::default(),
            exclude: Exclusions::default(),
            costs: Costs::default(),
            solver: SolverSettings::default(),
            phase: None,
        }
    }
}

/// Why a scenario or sweep file cannot be used; every message names the file.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file cannot be read (the message says why and what to do).
    #[error("{}: {}", file.display(), crate::io::unreadable_sentence(error))]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        error: std::io::Error,
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
        let text = crate::io::read_regular_text(path).map_err(|error| ScenarioError::Read {
            file: path.to_path_buf(),
            error,
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
    fn phase_is_off_by_default_and_not_echoed() {
        let s = Scenario::parse("", Path::new("p.toml"), "p").unwrap();
        assert!(s.phase.is_none());
        let json = serde_json::to_value(&s).unwrap();
        assert!(json.get("phase").is_none(), "{json}");
    }

    #[test]
    fn phase_keys_are_checked_with_their_names() {
        let cases = [
            ("[phase]\nlast_year = 2028\n", "phase.first_year"),
            ("[phase]\nfirst_year = 1999\nlast_year = 2028\n", "phase.first_year"),
            ("[phase]\nfirst_year = 2025\nlast_year = 2024\n", "phase.last_year"),
            ("[phase]\nfirst_year = 2025\nlast_year = 2045\n", "phase.last_year"),
            (
                "[phase]\nfirst_year = 2025\nlast_year = 2028\nmin_share = 0.0\n",
                "phase.min_share",
            ),
            (
                "[phase]\nfirst_year = 2025\nlast_year = 2028\nmin_share = 1.5\n",
                "phase.min_share",
            ),
            (
                "[phase]\nfirst_year = 2025\nlast_year = 2028\npolicy = \"terminate\"\n",
                "phase.termination_cost_jpy_per_month",
            ),
            (
                "[phase]\nfirst_year = 2025\nlast_year = 2028\ntermination_cost_jpy_per_month = -1.0\n",
                "phase.termination_cost_jpy_per_month",
            ),
            (
                "[phase]\nfirst_year = 2025\nlast_year = 2028\nmax_launches_per_year = 0\n",
                "phase.max_launches_per_year",
            ),
        ];
        for (text, key) in cases {
            let e = Scenario::parse(text, Path::new("p.toml"), "p")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("`{key}`")) && e.contains("p.toml"),
                "{text}: {e}"
            );
        }
        let e = Scenario::parse(
            "[phase]\nfirst_year = 2025\nlast_year = 2028\npolicy = \"later\"\n",
            Path::new("p.toml"),
            "p",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("later") && e.contains("wait"), "{e}");
        let s = Scenario::parse(
            "[phase]\nfirst_year = 2025\nlast_year = 2028\npolicy = \"absorb\"\nmin_share = 0.6\nmax_launches_per_year = 6\n",
            Path::new("p.toml"),
            "p",
        )
        .unwrap();
        let p = s.phase.unwrap();
        assert_eq!(
            (p.years(), p.policy, p.max_launches_per_year),
            (2025..=2028, PhasePolicy::Absorb, Some(6))
        );
    }

    #[test]
    fn embedded_baseline_parses() {
        let s = Scenario::parse(EMBEDDED_BASELINE, Path::new("baseline.toml"), "baseline").unwrap();
        assert_eq!(s.name, "baseline");
    }
}
