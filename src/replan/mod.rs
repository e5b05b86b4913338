//! Replanning from an earlier plan (`matome plan --from PLAN_DIR`): its
//! assignments.csv and bundles.csv say which bundle each facility was in and from
//! which hub; the new plan keeps locked bundles exactly, counts a cost for each
//! facility moved (`[replan] change_cost_jpy`), keeps the earlier bundle ids where a
//! bundle keeps its hub, and reports what changed: facilities new, closed or changed
//! since, one row per facility that changed bundle (changes.csv), and per bundle the
//! facilities kept, gained and lost.

use crate::problem::{Bundle, Continuity};
use crate::scenario::Scenario;
use crate::ward::Ward;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// An earlier plan as read from its folder.
#[derive(Debug, Clone, Default)]
pub struct Earlier {
    /// The folder.
    pub dir: PathBuf,
    /// Facility id → its bundle (the bundle of most of its bundled lines).
    pub facility_bundle: BTreeMap<String, String>,
    /// Bundle id → hub id.
    pub bundle_hub: BTreeMap<String, String>,
    /// Facility id → (trade, annual cost) of each of its lines, sorted.
    pub facility_lines: BTreeMap<String, Vec<(String, i64)>>,
}

/// Why an earlier plan cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReplanError {
    /// A file is missing or unreadable.
    #[error("{0}: cannot read the earlier plan's file: {1}; give --from the folder a `matome plan` wrote")]
    Read(PathBuf, String),
    /// A file lacks a column or a row is malformed.
    #[error("{0}:{1}: {2}")]
    Bad(PathBuf, usize, String),
    /// A locked bundle is not in the earlier plan, or cannot be kept.
    #[error("replan.lock: {0}")]
    Lock(String),
    /// `[replan]` keys without `--from`.
    #[error("the scenario's [replan] keys need an earlier plan: add --from PLAN_DIR")]
    NoEarlier,
}

/// The rows of a plan's CSV file: (line, the `need` columns' values).
type Rows = Vec<(usize, Vec<String>)>;

fn table(path: &Path, need: &[&str]) -> Result<Rows, ReplanError> {
    let bytes =
        std::fs::read(path).map_err(|e| ReplanError::Read(path.to_path_buf(), e.to_string()))?;
    let text = crate::io::decode::decode(&bytes).text;
    let lines = crate::io::table::LineIndex::new(&text);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut recs = r.records();
    let header = match recs.next() {
        Some(Ok(h)) => h,
        _ => {
            return Err(ReplanError::Bad(
                path.to_path_buf(),
                1,
                "no header row".into(),
            ))
        }
    };
    let mut cols = Vec::new();
    for n in need {
        match header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == *n)
        {
            Some(i) => cols.push(i),
            None => {
                return Err(ReplanError::Bad(
                    path.to_path_buf(),
                    1,
                    format!("column '{n}' is missing; is this a folder `matome plan` wrote?"),
                ))
            }
        }
    }
    let mut rows = Vec::new();
    for rec in recs {
        let rec = rec.map_err(|e| {
            ReplanError::Bad(
                path.to_path_buf(),
                e.position().map_or(0, |p| lines.line(p.byte())),
                format!("the row cannot be read: {e}"),
            )
        })?;
        let line = rec.position().map_or(0, |p| lines.line(p.byte()));
        let get = |i: usize| {
            rec.get(i)
                .unwrap_or("")
                .trim()
                .trim_start_matches('\'')
                .to_string()
        };
        rows.push((line, cols.iter().map(|&i| get(i)).collect()));
    }
    Ok(rows)
}

impl Earlier {
    /// Reads `dir/assignments.csv` and `dir/bundles.csv`.
    pub fn read(dir: &Path) -> Result<Earlier, ReplanError> {
        let bundles = table(&dir.join("bundles.csv"), &["bundle_id", "hub_id"])?;
        let bundle_hub: BTreeMap<String, String> = bundles
            .into_iter()
            .map(|(_, v)| (v[0].clone(), v[1].clone()))
            .collect();
        let rows = table(
            &dir.join("assignments.csv"),
            &["facility_id", "trade", "annual_cost_jpy", "new_contract"],
        )?;
        let mut votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut facility_lines: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
        for (line, v) in rows {
            let cost = v[2].parse::<i64>().map_err(|_| {
                ReplanError::Bad(
                    dir.join("assignments.csv"),
                    line,
                    format!("annual_cost_jpy '{}' is not a whole number of yen", v[2]),
                )
            })?;
            facility_lines
                .entry(v[0].clone())
                .or_default()
                .push((v[1].clone(), cost));
            if bundle_hub.contains_key(&v[3]) {
                *votes
                    .entry(v[0].clone())
                    .or_default()
                    .entry(v[3].clone())
                    .or_default() += 1;
            }
        }
        for l in facility_lines.values_mut() {
            l.sort();
        }
        let facility_bundle = votes
            .into_iter()
            .filter_map(|(f, v)| {
                v.into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(b, _)| (f, b))
            })
            .collect();
        Ok(Earlier {
            dir: dir.to_path_buf(),
            facility_bundle,
            bundle_hub,
            facility_lines,
        })
    }

    /// What the engine must respect: earlier hubs, locked bundles, the change cost.
    /// Errs when a locked bundle is not in the earlier plan or its hub is gone.
    pub fn continuity(&self, ward: &Ward, scenario: &Scenario) -> Result<Continuity, ReplanError> {
        let index: HashMap<&str, usize> = ward
            .facilities()
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i))
            .collect();
        let mut c = Continuity {
            change_cost: scenario.replan.change_cost_jpy,
            ..Continuity::default()
        };
        for (f, b) in &self.facility_bundle {
            if let (Some(&i), Some(h)) = (index.get(f.as_str()), self.bundle_hub.get(b)) {
                c.earlier_hub.insert(i, h.clone());
            }
        }
        for lock in &scenario.replan.lock {
            let Some(hub) = self.bundle_hub.get(lock) else {
                return Err(ReplanError::Lock(format!(
                    "bundle '{lock}' is not in {} (its bundles: {})",
                    self.dir.join("bundles.csv").display(),
                    self.bundle_hub
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            let hub_known =
                index.contains_key(hub.as_str()) || ward.depots().iter().any(|d| &d.id == hub);
            if !hub_known {
                return Err(ReplanError::Lock(format!(
                    "bundle '{lock}' cannot be kept: its hub {hub} is no longer in the dataset; unlock it"
                )));
            }
            c.locked_hubs.insert(hub.clone());
            for (f, b) in &self.facility_bundle {
                if b == lock {
                    if let Some(&i) = index.get(f.as_str()) {
                        c.locked.insert(i, hub.clone());
                    }
                }
            }
        }
        Ok(c)
    }
}

/// One facility whose bundle changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// Facility id.
    pub facility_id: String,
    /// Earlier bundle, or empty.
    pub from_bundle: String,
    /// New bundle, or empty.
    pub to_bundle: String,
    /// `new facility`, `closed`, `moved`, `now left as is`, `now bundled`.
    pub reason: String,
}

/// Kept, gained and lost facilities of one bundle.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BundleChange {
    /// Bundle id (new plan's; an earlier id where the hub is kept).
    pub bundle: String,
    /// Facilities in it before and now.
    pub kept: usize,
    /// Facilities that joined.
    pub gained: usize,
    /// Facilities that left (or closed).
    pub lost: usize,
    /// Locked by the scenario.
    pub locked: bool,
}

/// What changed against the earlier plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Realignment {
    /// The earlier plan's folder.
    pub from: String,
    /// Facilities in the dataset but not in the earlier plan.
    pub new_facilities: Vec<String>,
    /// Facilities of the earlier plan no longer in the dataset.
    pub closed_facilities: Vec<String>,
    /// Facilities whose lines (trades or costs) changed.
    pub changed_facilities: Vec<String>,
    /// One per facility whose bundle changed, in facility order.
    pub changes: Vec<Change>,
    /// Per bundle of the new plan, then earlier bundles that are gone.
    pub bundles: Vec<BundleChange>,
    /// Facilities of both plans that changed bundle (moved, or in/out of bundling).
    pub moved: usize,
    /// Facilities of both plans.
    pub common: usize,
    /// The change cost per facility, yen a year.
    pub change_cost_jpy: f64,
    /// The plan's objective without the change costs, yen a year.
    pub objective_without_change_cost: f64,
    /// A fresh plan (no lock, no change cost) of the same scenario, when one was made:
    /// its objective and how many facilities it would move.
    pub fresh: Option<(f64, usize)>,
}

/// Names the new bundles after the earlier ones where a bundle keeps its hub (and is
/// then the same contract continuing); others get ids after the earlier ones.
pub fn rename_bundles(bundles: &mut [Bundle], earlier: &Earlier) {
    let by_hub: BTreeMap<&str, &str> = earlier
        .bundle_hub
        .iter()
        .map(|(b, h)| (h.as_str(), b.as_str()))
        .collect();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut named = vec![None; bundles.len()];
    for (i, b) in bundles.iter().enumerate() {
        if let Some(&id) = by_hub.get(b.hub_id.as_str()) {
            if used.insert(id.to_string()) {
                named[i] = Some(id.to_string());
            }
        }
    }
    let mut next = earlier
        .bundle_hub
        .keys()
        .filter_map(|k| k.trim_start_matches('B').parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    for (i, b) in bundles.iter_mut().enumerate() {
        b.id = match named[i].take() {
            Some(id) => id,
            None => loop {
                next += 1;
                let id = format!("B{next:02}");
                if used.insert(id.clone()) {
                    break id;
                }
            },
        };
    }
}

/// The facility → bundle map of a plan's bundles.
pub fn facility_bundles(ward: &Ward, bundles: &[Bundle]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for b in bundles {
        for &f in &b.facilities {
            out.entry(ward.facilities()[f].id.clone())
                .or_insert_with(|| b.id.clone());
        }
    }
    out
}

/// Facilities that changed bundle between `earlier` and `now` (facility → bundle),
/// counted over facilities in both plans.
pub fn moved_count(earlier: &Earlier, ward: &Ward, now: &BTreeMap<String, String>) -> usize {
    ward.facilities()
        .iter()
        .filter(|f| earlier.facility_lines.contains_key(&f.id))
        .filter(|f| earlier.facility_bundle.get(&f.id) != now.get(&f.id))
        .count()
}

/// The realignment of a new plan against `earlier`.
pub fn realign(
    earlier: &Earlier,
    ward: &Ward,
    scenario: &Scenario,
    bundles: &[Bundle],
    objective: f64,
    fresh: Option<(f64, usize)>,
) -> Realignment {
    let now = facility_bundles(ward, bundles);
    let in_dataset: BTreeSet<&str> = ward.facilities().iter().map(|f| f.id.as_str()).collect();
    let mut lines_now: BTreeMap<&str, Vec<(String, i64)>> = BTreeMap::new();
    for l in ward.lines() {
        lines_now
            .entry(ward.facilities()[l.facility].id.as_str())
            .or_default()
            .push((ward.trades().trades[l.trade].key.clone(), l.annual_cost.0));
    }
    for v in lines_now.values_mut() {
        v.sort();
    }
    let mut new_facilities = Vec::new();
    let mut changed_facilities = Vec::new();
    let mut changes = Vec::new();
    let mut common = 0;
    for f in ward.facilities() {
        let before = earlier
            .facility_bundle
            .get(&f.id)
            .cloned()
            .unwrap_or_default();
        let after = now.get(&f.id).cloned().unwrap_or_default();
        match earlier.facility_lines.get(&f.id) {
            None => {
                new_facilities.push(f.id.clone());
                changes.push(Change {
                    facility_id: f.id.clone(),
                    from_bundle: String::new(),
                    to_bundle: after,
                    reason: "new facility".into(),
                });
                continue;
            }
            Some(old) => {
                common += 1;
                if lines_now.get(f.id.as_str()) != Some(old) {
                    changed_facilities.push(f.id.clone());
                }
            }
        }
        if before != after {
            let reason = match (before.is_empty(), after.is_empty()) {
                (true, false) => "now bundled",
                (false, true) => "now left as is",
                _ => "moved",
            };
            changes.push(Change {
                facility_id: f.id.clone(),
                from_bundle: before,
                to_bundle: after,
                reason: reason.into(),
            });
        }
    }
    let closed_facilities: Vec<String> = earlier
        .facility_lines
        .keys()
        .filter(|f| !in_dataset.contains(f.as_str()))
        .cloned()
        .collect();
    for f in &closed_facilities {
        changes.push(Change {
            facility_id: f.clone(),
            from_bundle: earlier.facility_bundle.get(f).cloned().unwrap_or_default(),
            to_bundle: String::new(),
            reason: "closed".into(),
        });
    }
    let moved = changes
        .iter()
        .filter(|c| c.reason != "new facility" && c.reason != "closed")
        .count();
    let mut per = Vec::new();
    let mut seen = BTreeSet::new();
    for b in bundles {
        seen.insert(b.id.clone());
        let members: BTreeSet<&str> = b
            .facilities
            .iter()
            .map(|&f| ward.facilities()[f].id.as_str())
            .collect();
        let before: BTreeSet<&str> = earlier
            .facility_bundle
            .iter()
            .filter(|(_, bb)| **bb == b.id)
            .map(|(f, _)| f.as_str())
            .collect();
        per.push(BundleChange {
            bundle: b.id.clone(),
            kept: members.intersection(&before).count(),
            gained: members.difference(&before).count(),
            lost: before.difference(&members).count(),
            locked: scenario.replan.lock.contains(&b.id),
        });
    }
    for id in earlier.bundle_hub.keys().filter(|k| !seen.contains(*k)) {
        let lost = earlier
            .facility_bundle
            .values()
            .filter(|b| *b == id)
            .count();
        per.push(BundleChange {
            bundle: id.clone(),
            kept: 0,
            gained: 0,
            lost,
            locked: false,
        });
    }
    // The engine counted the change cost for facilities served from another hub than
    // before: those that moved between bundles (ids follow hubs).
    let change_total = changes.iter().filter(|c| c.reason == "moved").count() as f64
        * scenario.replan.change_cost_jpy;
    Realignment {
        from: earlier.dir.display().to_string(),
        new_facilities,
        closed_facilities,
        changed_facilities,
        changes,
        bundles: per,
        moved,
        common,
        change_cost_jpy: scenario.replan.change_cost_jpy,
        objective_without_change_cost: objective - change_total,
        fresh,
    }
}
