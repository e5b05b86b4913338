//! Checks across rows and files, one function per code (named after it), each
//! returning its diagnostics. `check_all` runs them all; a check that depends on a file
//! that could not be read is skipped so one missing file does not flood the output.

use crate::diag::{codes, Diagnostic};
use crate::io::{ReadOutcome, CONTRACTS, DEPOTS, FACILITIES, LINES, TRAVEL, VENDORS};
use crate::model::TradeCatalogue;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

struct Ctx<'a> {
    o: &'a ReadOutcome,
    dir: PathBuf,
}

impl Ctx<'_> {
    fn file(&self, name: &str) -> PathBuf {
        self.o
            .sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| self.dir.join(name))
    }
    fn usable(&self, name: &str) -> bool {
        !self.o.lines.unusable.contains(&name)
    }
}

/// Runs every cross-row and cross-file check; the trade check needs the catalogue.
pub fn check_all(o: &ReadOutcome, trades: Option<&TradeCatalogue>) -> Vec<Diagnostic> {
    let dir = dataset_dir(o);
    let c = Ctx { o, dir };
    let mut d = Vec::new();
    d.extend(check_e0101_duplicate_facility_ids(&c));
    d.extend(check_w0103_facility_far_out(&c));
    d.extend(check_e0201_duplicate_line_ids(&c));
    d.extend(check_e0202_unknown_facility(&c));
    d.extend(check_e0203_unknown_contract(&c));
    if let Some(t) = trades {
        d.extend(check_e0204_unknown_trade(&c, t));
    }
    d.extend(check_e0205_pinned_without_contract(&c));
    d.extend(check_w0207_line_without_contract(&c));
    d.extend(check_e0301_duplicate_contract_ids(&c));
    d.extend(check_w0305_contract_without_lines(&c));
    d.extend(check_w0306_contract_value_mismatch(&c));
    d.extend(check_e0401_duplicate_depot_ids(&c));
    d.extend(check_e0402_depot_id_clash(&c));
    d.extend(check_e0403_travel_unknown_id(&c));
    d.extend(check_e0801_duplicate_vendor_ids(&c));
    if let Some(t) = trades {
        d.extend(check_e0802_vendor_unknown_trade(&c, t));
    }
    d.extend(check_w0803_contract_unknown_vendor(&c));
    d
}

fn check_e0801_duplicate_vendor_ids(c: &Ctx) -> Vec<Diagnostic> {
    duplicates(
        c.o.dataset.vendors.iter().map(|v| v.id.as_str()),
        &c.o.lines.vendors,
        &c.file(VENDORS),
        codes::DUPLICATE_VENDOR_ID,
        "vendor_id",
        "vendor_id",
    )
}

fn check_e0802_vendor_unknown_trade(c: &Ctx, trades: &TradeCatalogue) -> Vec<Diagnostic> {
    let file = c.file(VENDORS);
    let keys: Vec<&str> = trades.trades.iter().map(|t| t.key.as_str()).collect();
    let mut out = Vec::new();
    for (v, &line) in c.o.dataset.vendors.iter().zip(&c.o.lines.vendors) {
        for t in v.trades.iter().filter(|t| trades.get(t).is_none()) {
            out.push(Diagnostic::new(
                codes::VENDOR_UNKNOWN_TRADE,
                &file,
                Some(line),
                Some("trades"),
                format!(
                    "vendor '{}' lists trade '{t}', which is not in the trade catalogue (models/trades.toml)",
                    v.id
                ),
                match closest(t, &keys) {
                    Some(k) => format!("did you mean '{k}'? Separate trade keys with ';'"),
                    None => format!("use keys of the catalogue separated by ';': {}", keys.join(", ")),
                },
            ));
        }
    }
    out
}

/// With vendors.csv present, every contract's vendor should be one of its firms (by
/// id or name); a warning, since a contract held by a firm outside the list only
/// counts as not in-ward.
fn check_w0803_contract_unknown_vendor(c: &Ctx) -> Vec<Diagnostic> {
    if c.o.dataset.vendors.is_empty() || !c.usable(VENDORS) {
        return Vec::new();
    }
    let known: HashSet<&str> =
        c.o.dataset
            .vendors
            .iter()
            .flat_map(|v| [v.id.as_str(), v.name.as_str()])
            .collect();
    let file = c.file(CONTRACTS);
    c.o.dataset
        .contracts
        .iter()
        .zip(&c.o.lines.contracts)
        .filter(|(k, _)| !k.vendor.trim().is_empty() && !known.contains(k.vendor.trim()))
        .map(|(k, &line)| {
            Diagnostic::new(
                codes::CONTRACT_UNKNOWN_VENDOR,
                &file,
                Some(line),
                Some("vendor"),
                format!(
                    "vendor '{}' of contract '{}' is neither a vendor_id nor a name of vendors.csv",
                    k.vendor, k.id
                ),
                "add the firm to vendors.csv, or write its vendor_id or its name as vendors.csv does",
            )
        })
        .collect()
}

/// The folder the outcome was read from (empty when unknown: files then print bare).
fn dataset_dir(o: &ReadOutcome) -> PathBuf {
    o.dir.clone().unwrap_or_default()
}

fn duplicates<'a>(
    ids: impl Iterator<Item = &'a str>,
    lines: &[usize],
    file: &Path,
    code: &str,
    column: &str,
    what: &str,
) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (id, &line) in ids.zip(lines) {
        if let Some(&prev) = first.get(id) {
            out.push(Diagnostic::new(
                code,
                file,
                Some(line),
                Some(column),
                format!("{what} '{id}' is already used on line {prev}"),
                format!("give each {what} its own id, or delete the repeated row"),
            ));
        } else {
            first.insert(id, line);
        }
    }
    out
}

fn check_e0101_duplicate_facility_ids(c: &Ctx) -> Vec<Diagnostic> {
    let ds = &c.o.dataset;
    duplicates(
        ds.facilities.iter().map(|f| f.id.as_str()),
        &c.o.lines.facilities,
        &c.file(FACILITIES),
        codes::DUPLICATE_FACILITY_ID,
        "facility_id",
        "facility_id",
    )
}

fn check_e0201_duplicate_line_ids(c: &Ctx) -> Vec<Diagnostic> {
    duplicates(
        c.o.dataset.lines.iter().map(|l| l.id.as_str()),
        &c.o.lines.lines,
        &c.file(LINES),
        codes::DUPLICATE_LINE_ID,
        "line_id",
        "line_id",
    )
}

fn check_e0301_duplicate_contract_ids(c: &Ctx) -> Vec<Diagnostic> {
    duplicates(
        c.o.dataset.contracts.iter().map(|k| k.id.as_str()),
        &c.o.lines.contracts,
        &c.file(CONTRACTS),
        codes::DUPLICATE_CONTRACT_ID,
        "contract_id",
        "contract_id",
    )
}

fn check_e0401_duplicate_depot_ids(c: &Ctx) -> Vec<Diagnostic> {
    duplicates(
        c.o.dataset.depots.iter().map(|k| k.id.as_str()),
        &c.o.lines.depots,
        &c.file(DEPOTS),
        codes::DUPLICATE_DEPOT_ID,
        "depot_id",
        "depot_id",
    )
}

/// Depots and facilities share one namespace: both can be a bundle's hub and both
/// appear in travel.csv.
fn check_e0402_depot_id_clash(c: &Ctx) -> Vec<Diagnostic> {
    let fac: HashSet<&str> =
        c.o.dataset
            .facilities
            .iter()
            .map(|f| f.id.as_str())
            .collect();
    let file = c.file(DEPOTS);
    c.o.dataset
        .depots
        .iter()
        .zip(&c.o.lines.depots)
        .filter(|(d, _)| fac.contains(d.id.as_str()))
        .map(|(d, &line)| {
            Diagnostic::new(
                codes::DEPOT_ID_CLASH,
                &file,
                Some(line),
                Some("depot_id"),
                format!("depot_id '{}' is also a facility_id", d.id),
                "give depots ids that no facility uses, e.g. a 'D' prefix",
            )
        })
        .collect()
}

/// A facility further than 5× the median distance from the median centre, and more
/// than 5 km from it, is most likely a typo (a swapped or truncated coordinate). The
/// 5 km floor keeps a compact ward's edge facilities quiet.
fn check_w0103_facility_far_out(c: &Ctx) -> Vec<Diagnostic> {
    let fs: Vec<(usize, &crate::model::Facility)> =
        c.o.dataset
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, f)| f.lat.is_finite() && f.lon.is_finite())
            .collect();
    if fs.len() < 5 {
        return Vec::new();
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let clat = median(fs.iter().map(|(_, f)| f.lat).collect());
    let clon = median(fs.iter().map(|(_, f)| f.lon).collect());
    let km = |lat: f64, lon: f64| {
        let dy = (lat - clat) * 111.0;
        let dx = (lon - clon) * 111.0 * clat.to_radians().cos();
        (dx * dx + dy * dy).sqrt()
    };
    let dists: Vec<f64> = fs.iter().map(|(_, f)| km(f.lat, f.lon)).collect();
    let limit = (5.0 * median(dists.clone())).max(5.0);
    let file = c.file(FACILITIES);
    fs.iter()
        .zip(dists)
        .filter(|(_, dist)| *dist > limit)
        .map(|((i, f), dist)| {
            Diagnostic::new(
                codes::FACILITY_FAR_OUT,
                &file,
                Some(c.o.lines.facilities[*i]),
                Some("lat"),
                format!(
                    "facility '{}' at ({}, {}) is {dist:.1} km from the centre of the others (limit {limit:.1} km)",
                    f.id, f.lat, f.lon
                ),
                "check the coordinates (swapped lat/lon, a missing digit); ignore if the site really is remote",
            )
        })
        .collect()
}

fn check_e0202_unknown_facility(c: &Ctx) -> Vec<Diagnostic> {
    if !c.usable(FACILITIES) {
        return Vec::new();
    }
    let known: HashSet<&str> =
        c.o.dataset
            .facilities
            .iter()
            .map(|f| f.id.as_str())
            .collect();
    let file = c.file(LINES);
    c.o.dataset
        .lines
        .iter()
        .zip(&c.o.lines.lines)
        .filter(|(l, _)| !l.facility_id.is_empty() && !known.contains(l.facility_id.as_str()))
        .map(|(l, &line)| {
            Diagnostic::new(
                codes::UNKNOWN_FACILITY,
                &file,
                Some(line),
                Some("facility_id"),
                format!(
                    "line '{}' names facility '{}', which is not in facilities.csv",
                    l.id, l.facility_id
                ),
                "correct the facility_id or add the facility to facilities.csv",
            )
        })
        .collect()
}

fn check_e0203_unknown_contract(c: &Ctx) -> Vec<Diagnostic> {
    if !c.usable(CONTRACTS) {
        return Vec::new();
    }
    let known: HashSet<&str> =
        c.o.dataset
            .contracts
            .iter()
            .map(|k| k.id.as_str())
            .collect();
    let file = c.file(LINES);
    c.o.dataset
        .lines
        .iter()
        .zip(&c.o.lines.lines)
        .filter(|(l, _)| !l.contract_id.is_empty() && !known.contains(l.contract_id.as_str()))
        .map(|(l, &line)| {
            Diagnostic::new(
                codes::UNKNOWN_CONTRACT,
                &file,
                Some(line),
                Some("contract_id"),
                format!(
                    "line '{}' names contract '{}', which is not in contracts.csv",
                    l.id, l.contract_id
                ),
                "correct the contract_id or add the contract to contracts.csv",
            )
        })
        .collect()
}

fn check_e0204_unknown_trade(c: &Ctx, trades: &TradeCatalogue) -> Vec<Diagnostic> {
    let file = c.file(LINES);
    let keys: Vec<&str> = trades.trades.iter().map(|t| t.key.as_str()).collect();
    c.o.dataset
        .lines
        .iter()
        .zip(&c.o.lines.lines)
        .filter(|(l, _)| !l.trade.is_empty() && trades.get(&l.trade).is_none())
        .map(|(l, &line)| {
            Diagnostic::new(
                codes::UNKNOWN_TRADE,
                &file,
                Some(line),
                Some("trade"),
                format!(
                    "trade '{}' is not in the trade catalogue (models/trades.toml)",
                    l.trade
                ),
                match closest(&l.trade, &keys) {
                    Some(k) => format!("did you mean '{k}'? Otherwise use one of: {}; or add the trade to models/trades.toml", keys.join(", ")),
                    None => format!("use one of: {}; or add the trade to models/trades.toml", keys.join(", ")),
                },
            )
        })
        .collect()
}

fn check_e0205_pinned_without_contract(c: &Ctx) -> Vec<Diagnostic> {
    let file = c.file(LINES);
    c.o.dataset
        .lines
        .iter()
        .zip(&c.o.lines.lines)
        .filter(|(l, _)| l.pinned && l.contract_id.is_empty())
        .map(|(l, &line)| {
            Diagnostic::new(
                codes::PINNED_WITHOUT_CONTRACT,
                &file,
                Some(line),
                Some("contract_id"),
                format!(
                    "line '{}' is pinned (must stay in its own contract) but has no contract",
                    l.id
                ),
                "fill in its contract_id, or set pinned to false so it can be bundled",
            )
        })
        .collect()
}

/// An unpinned line without a contract is work not let today (done in house or new);
/// it can be bundled but adds no current contract to the "before" figures.
fn check_w0207_line_without_contract(c: &Ctx) -> Vec<Diagnostic> {
    let file = c.file(LINES);
    c.o.dataset
        .lines
        .iter()
        .zip(&c.o.lines.lines)
        .filter(|(l, _)| !l.pinned && l.contract_id.is_empty())
        .map(|(l, &line)| {
            Diagnostic::new(
                codes::LINE_WITHOUT_CONTRACT,
                &file,
                Some(line),
                Some("contract_id"),
                format!(
                    "line '{}' has no current contract; it is treated as work not let today",
                    l.id
                ),
                "fill in contract_id if a contract covers it",
            )
        })
        .collect()
}

/// A warning, not an error: a contract may cover work outside this dataset (another
/// department's sites), and it does not stop planning; it is left out of the counts.
fn check_w0305_contract_without_lines(c: &Ctx) -> Vec<Diagnostic> {
    if !c.usable(LINES) {
        return Vec::new();
    }
    let used: HashSet<&str> =
        c.o.dataset
            .lines
            .iter()
            .map(|l| l.contract_id.as_str())
            .collect();
    let file = c.file(CONTRACTS);
    c.o.dataset
        .contracts
        .iter()
        .zip(&c.o.lines.contracts)
        .filter(|(k, _)| !used.contains(k.id.as_str()))
        .map(|(k, &line)| {
            Diagnostic::new(
                codes::CONTRACT_WITHOUT_LINES,
                &file,
                Some(line),
                Some("contract_id"),
                format!("contract '{}' covers no service line", k.id),
                "point its lines' contract_id at it, or delete the contract if it has ended",
            )
        })
        .collect()
}

/// Tolerance: 1% of the contract value or ¥1,000, whichever is larger (rounding of
/// per-line shares in ward ledgers).
fn check_w0306_contract_value_mismatch(c: &Ctx) -> Vec<Diagnostic> {
    if !c.usable(LINES) {
        return Vec::new();
    }
    let mut sums: HashMap<&str, i64> = HashMap::new();
    for l in &c.o.dataset.lines {
        *sums.entry(l.contract_id.as_str()).or_default() += l.annual_cost.0;
    }
    let file = c.file(CONTRACTS);
    let mut out = Vec::new();
    for (k, &line) in c.o.dataset.contracts.iter().zip(&c.o.lines.contracts) {
        let Some(&sum) = sums.get(k.id.as_str()) else {
            continue;
        };
        let tol = (k.annual_value.0.abs() / 100).max(1000);
        if (k.annual_value.0 - sum).abs() > tol {
            out.push(Diagnostic::new(
                codes::CONTRACT_VALUE_MISMATCH,
                &file,
                Some(line),
                Some("annual_value_jpy"),
                format!(
                    "contract '{}' is worth {} yen a year but its lines cost {} yen",
                    k.id, k.annual_value.0, sum
                ),
                "check annual_value_jpy and the lines' annual_cost_jpy",
            ));
        }
    }
    out
}

fn check_e0403_travel_unknown_id(c: &Ctx) -> Vec<Diagnostic> {
    let ds = &c.o.dataset;
    let known: HashSet<&str> = ds
        .facilities
        .iter()
        .map(|f| f.id.as_str())
        .chain(ds.depots.iter().map(|d| d.id.as_str()))
        .collect();
    let file = c.file(TRAVEL);
    let mut out = Vec::new();
    for (from, to, line) in &c.o.lines.travel {
        for (col, id) in [("from_id", from), ("to_id", to)] {
            if !known.contains(id.as_str()) {
                out.push(Diagnostic::new(
                    codes::TRAVEL_UNKNOWN_ID,
                    &file,
                    Some(*line),
                    Some(col),
                    format!("'{id}' is neither a facility_id nor a depot_id"),
                    "correct the id or delete the row",
                ));
            }
        }
    }
    out
}

/// The known key nearest to `word` by edit distance, when it is near enough to be a
/// likely typo (at most a third of the word's length).
fn closest<'a>(word: &str, keys: &[&'a str]) -> Option<&'a str> {
    let (best, dist) = keys
        .iter()
        .map(|k| (*k, edit_distance(word, k)))
        .min_by_key(|x| x.1)?;
    (dist * 3 <= word.chars().count()).then_some(best)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_get_a_suggestion_and_nonsense_does_not() {
        let keys = ["tree_pruning", "hvac", "elevator"];
        assert_eq!(closest("tree_prunning", &keys), Some("tree_pruning"));
        assert_eq!(closest("elevater", &keys), Some("elevator"));
        assert_eq!(closest("catering", &keys), None);
    }
}
