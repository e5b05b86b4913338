//! Reads a dataset folder into a `Dataset`: facilities, service lines, contracts and
//! the optional depots and travel matrix. A row with a bad value is still kept (with a
//! neutral placeholder: NaN coordinates, zero amounts) so that cross-file checks do not
//! cascade into false "unknown id" errors; the value's own diagnostic makes the
//! dataset invalid, so no placeholder ever reaches a plan.

use super::columns::Aliases;
use super::table::{read_table, Table};
use crate::diag::{codes, Diagnostic};
use crate::model::{
    Contract, Dataset, Date, Depot, Facility, Operator, Procurement, ServiceLine, TravelEntry,
    Vendor,
};
use crate::units::{Hours, Km, Yen};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The facilities file of a dataset folder.
pub const FACILITIES: &str = "facilities.csv";
/// The service-lines file.
pub const LINES: &str = "service_lines.csv";
/// The contracts file.
pub const CONTRACTS: &str = "contracts.csv";
/// The depots file (optional).
pub const DEPOTS: &str = "depots.csv";
/// The road-matrix file (optional).
pub const TRAVEL: &str = "travel.csv";
/// The vendors file (optional).
pub const VENDORS: &str = "vendors.csv";

const FACILITY_COLUMNS: &[&str] = &[
    "facility_id",
    "name",
    "kind",
    "area",
    "district",
    "lat",
    "lon",
];
const LINE_COLUMNS: &[&str] = &[
    "line_id",
    "facility_id",
    "trade",
    "visits_per_year",
    "hours_per_visit",
    "annual_cost_jpy",
    "contract_id",
];
const CONTRACT_COLUMNS: &[&str] = &[
    "contract_id",
    "vendor",
    "annual_value_jpy",
    "payments_per_year",
    "procurement",
    "start",
    "end",
];
const DEPOT_COLUMNS: &[&str] = &["depot_id", "name", "lat", "lon"];
const TRAVEL_COLUMNS: &[&str] = &["from_id", "to_id", "km", "minutes"];
const VENDOR_COLUMNS: &[&str] = &["vendor_id", "name", "in_ward", "trades"];

/// What `read_dataset` found: everything it could read, and every problem.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Every row that could be read (bad values replaced by placeholders).
    pub dataset: Dataset,
    /// Every problem found while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// The 1-based line of each row kept, by file, in dataset order; the checks of
    /// `validate` use them to point at the row.
    pub lines: RowLines,
    /// The folder read, so later checks can name its files.
    pub dir: Option<std::path::PathBuf>,
    /// Where each table was read, as messages name it (`facilities.csv`, or
    /// `ward.xlsx [施設]`), by file constant (`FACILITIES`, …).
    pub sources: std::collections::HashMap<&'static str, std::path::PathBuf>,
}

/// Where each row kept was read: 1-based physical line numbers, by file.
#[derive(Debug, Default, Clone)]
pub struct RowLines {
    /// facilities.csv, one per `Dataset::facilities`.
    pub facilities: Vec<usize>,
    /// service_lines.csv, one per `Dataset::lines`.
    pub lines: Vec<usize>,
    /// contracts.csv, one per `Dataset::contracts`.
    pub contracts: Vec<usize>,
    /// depots.csv, one per `Dataset::depots`.
    pub depots: Vec<usize>,
    /// vendors.csv, one per `Dataset::vendors`.
    pub vendors: Vec<usize>,
    /// travel.csv: (from_id, to_id, line) of each pair kept.
    pub travel: Vec<(String, String, usize)>,
    /// Files that could not be used at all (missing or a required column absent).
    pub unusable: Vec<&'static str>,
}

/// Reads a dataset folder with the built-in column names and aliases; never fails and
/// never panics: what cannot be read is a diagnostic.
pub fn read_dataset(dir: &Path) -> ReadOutcome {
    read_dataset_with(dir, &Aliases::embedded())
}

/// Reads a dataset folder, mapping headers and values through `aliases`
/// (`models/columns.toml`).
pub fn read_dataset_with(dir: &Path, aliases: &Aliases) -> ReadOutcome {
    let mut out = ReadOutcome {
        dir: Some(dir.to_path_buf()),
        ..ReadOutcome::default()
    };
    let d = &mut out.diagnostics;
    let is_workbook = dir.is_file()
        && dir
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !dir.is_dir() && !is_workbook {
        d.push(Diagnostic::new(
            codes::MISSING_FILE,
            dir,
            None,
            None,
            "the dataset folder does not exist or is not a folder",
            "give the path of a folder holding facilities.csv, service_lines.csv and contracts.csv (or .xlsx), or of one workbook with a sheet per table",
        ));
        out.lines.unusable = vec![FACILITIES, LINES, CONTRACTS, DEPOTS, TRAVEL, VENDORS];
        return out;
    }
    let book = if is_workbook {
        match super::xlsx::Book::open(dir) {
            Ok(b) => Some(b),
            Err(e) => {
                d.push(*e);
                out.lines.unusable = vec![FACILITIES, LINES, CONTRACTS, DEPOTS, TRAVEL, VENDORS];
                return out;
            }
        }
    } else {
        None
    };
    let mut src = Source {
        dir,
        book,
        aliases,
        sources: Default::default(),
    };
    match src.table(FACILITIES, FACILITY_COLUMNS, true, d) {
        Some(t) => facilities(&t, &mut out.dataset, &mut out.lines, d),
        None => out.lines.unusable.push(FACILITIES),
    }
    match src.table(LINES, LINE_COLUMNS, true, d) {
        Some(t) => service_lines(&t, &mut out.dataset, &mut out.lines, d),
        None => out.lines.unusable.push(LINES),
    }
    match src.table(CONTRACTS, CONTRACT_COLUMNS, true, d) {
        Some(t) => contracts(&t, &mut out.dataset, &mut out.lines, d),
        None => out.lines.unusable.push(CONTRACTS),
    }
    match src.table(DEPOTS, DEPOT_COLUMNS, false, d) {
        Some(t) => depots(&t, &mut out.dataset, &mut out.lines, d),
        None => out.lines.unusable.push(DEPOTS),
    }
    match src.table(TRAVEL, TRAVEL_COLUMNS, false, d) {
        Some(t) => travel(&t, &mut out.dataset, &mut out.lines, d),
        None => out.lines.unusable.push(TRAVEL),
    }
    match src.table(VENDORS, VENDOR_COLUMNS, false, d) {
        Some(t) => vendors(&t, &mut out.dataset, &mut out.lines, d),
        None => out.lines.unusable.push(VENDORS),
    }
    out.sources = src.sources;
    out
}

/// Where a dataset's tables come from: a folder of CSV (or .xlsx) files, or one
/// workbook with a sheet per table.
struct Source<'a> {
    dir: &'a Path,
    /// The workbook, when `dir` is one.
    book: Option<super::xlsx::Book>,
    aliases: &'a Aliases,
    /// Where each table read came from, as messages name it.
    sources: HashMap<&'static str, PathBuf>,
}

impl Source<'_> {
    /// Reads the table of file `name` (`facilities.csv`, …): the CSV when it exists,
    /// else `facilities.xlsx` (its first sheet), else the sheet of the one workbook;
    /// records where it came from.
    fn table(
        &mut self,
        name: &'static str,
        required: &[&str],
        required_file: bool,
        d: &mut Vec<Diagnostic>,
    ) -> Option<Table> {
        let t = self.read(name, required, required_file, d)?;
        self.sources.insert(name, t.file.clone());
        Some(t)
    }

    fn read(
        &mut self,
        name: &'static str,
        required: &[&str],
        required_file: bool,
        d: &mut Vec<Diagnostic>,
    ) -> Option<Table> {
        let stem = name.trim_end_matches(".csv");
        if let Some(book) = self.book.as_mut() {
            let wanted = super::xlsx::SHEETS
                .iter()
                .find(|(t, _)| *t == stem)
                .map_or(&[][..], |(_, n)| *n);
            let sheets = book.sheet_names();
            let found = sheets.iter().find(|s| {
                wanted
                    .iter()
                    .any(|w| super::columns::header_key(s) == super::columns::header_key(w))
            });
            return match found {
                Some(sheet) => book.read(sheet, stem, self.aliases, required, d),
                None => {
                    if required_file {
                        d.push(Diagnostic::new(
                            codes::MISSING_FILE,
                            self.dir,
                            None,
                            None,
                            format!("the workbook has no sheet named {}", wanted.join(" or ")),
                            format!(
                                "add a sheet named {} (sheets: {})",
                                wanted.join(" or "),
                                sheets.join(", ")
                            ),
                        ));
                    }
                    None
                }
            };
        }
        let csv = self.dir.join(name);
        let path = self.dir.join(format!("{stem}.xlsx"));
        if !csv.exists() && path.is_file() {
            let mut book = match super::xlsx::Book::open(&path) {
                Ok(b) => b,
                Err(e) => {
                    d.push(*e);
                    return None;
                }
            };
            let first = book.sheet_names().into_iter().next()?;
            return book.read(&first, stem, self.aliases, required, d);
        }
        read_table(&csv, self.aliases, required, required_file, d)
    }
}

const OPERATORS: &[(&str, Operator)] = &[
    ("direct", Operator::Direct),
    ("designated_manager", Operator::DesignatedManager),
];
const PROCUREMENTS: &[(&str, Procurement)] = &[
    ("competitive", Procurement::Competitive),
    ("negotiated", Procurement::Negotiated),
];

fn facilities(t: &Table, ds: &mut Dataset, rl: &mut RowLines, d: &mut Vec<Diagnostic>) {
    for i in 0..t.rows.len() {
        let mut r = t.row(i, d);
        let Some(id) = r.text("facility_id") else {
            continue;
        };
        let name = r.text("name").unwrap_or_default();
        let kind = r.text("kind").unwrap_or_default();
        let area = r.text("area").unwrap_or_default();
        let district = r.text("district").unwrap_or_default();
        let lat = r.coordinate("lat", 90.0).unwrap_or(f64::NAN);
        let lon = r.coordinate("lon", 180.0).unwrap_or(f64::NAN);
        let floor_area_m2 = r.opt_non_negative("floor_area_m2");
        let operator = r
            .choice(
                "operator",
                codes::BAD_OPERATOR,
                OPERATORS,
                Some(Operator::Direct),
            )
            .unwrap_or(Operator::Direct);
        rl.facilities.push(r.line);
        ds.facilities.push(Facility {
            id,
            name,
            kind,
            area,
            district,
            lat,
            lon,
            floor_area_m2,
            operator,
        });
    }
}

fn service_lines(t: &Table, ds: &mut Dataset, rl: &mut RowLines, d: &mut Vec<Diagnostic>) {
    for i in 0..t.rows.len() {
        let mut r = t.row(i, d);
        let Some(id) = r.text("line_id") else {
            continue;
        };
        let facility_id = r.text("facility_id").unwrap_or_default();
        let trade = r.text("trade").unwrap_or_default();
        let visits_per_year = r.non_negative("visits_per_year").unwrap_or(0.0);
        let hours_per_visit = Hours(r.non_negative("hours_per_visit").unwrap_or(0.0));
        let annual_cost = Yen(r.non_negative("annual_cost_jpy").unwrap_or(0.0).round() as i64);
        // Empty is allowed here: `validate` decides (a warning, or an error when pinned).
        let contract_id = r.raw("contract_id").to_string();
        let pinned = r
            .boolean("pinned", codes::BAD_PINNED, Some(false))
            .unwrap_or(false);
        rl.lines.push(r.line);
        ds.lines.push(ServiceLine {
            id,
            facility_id,
            trade,
            visits_per_year,
            hours_per_visit,
            annual_cost,
            contract_id,
            pinned,
        });
    }
}

fn contracts(t: &Table, ds: &mut Dataset, rl: &mut RowLines, d: &mut Vec<Diagnostic>) {
    let placeholder = Date {
        year: 1970,
        month: 1,
        day: 1,
    };
    for i in 0..t.rows.len() {
        let mut r = t.row(i, d);
        let Some(id) = r.text("contract_id") else {
            continue;
        };
        let vendor = r.raw("vendor").to_string();
        let annual_value = Yen(r.non_negative("annual_value_jpy").unwrap_or(0.0).round() as i64);
        let payments_per_year = match r.non_negative("payments_per_year") {
            Some(p) if p.fract() == 0.0 && (1.0..=366.0).contains(&p) => p as u32,
            Some(p) => {
                r.report(
                    codes::BAD_PAYMENTS,
                    "payments_per_year",
                    format!("'payments_per_year' is {p}, not a whole number from 1 to 366"),
                    "write how many invoices are paid a year, e.g. 12 for monthly",
                );
                1
            }
            None => 1,
        };
        let procurement = r
            .choice("procurement", codes::BAD_PROCUREMENT, PROCUREMENTS, None)
            .unwrap_or(Procurement::Competitive);
        let start = r.date("start");
        let end = r.date("end");
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                r.report(
                    codes::END_BEFORE_START,
                    "end",
                    format!("the contract ends on {e}, before it starts on {s}"),
                    "check the two dates; they may be swapped",
                );
            }
        }
        rl.contracts.push(r.line);
        ds.contracts.push(Contract {
            id,
            vendor,
            annual_value,
            payments_per_year,
            procurement,
            start: start.unwrap_or(placeholder),
            end: end.unwrap_or(placeholder),
        });
    }
}

fn depots(t: &Table, ds: &mut Dataset, rl: &mut RowLines, d: &mut Vec<Diagnostic>) {
    for i in 0..t.rows.len() {
        let mut r = t.row(i, d);
        let Some(id) = r.text("depot_id") else {
            continue;
        };
        let name = r.raw("name").to_string();
        let lat = r.coordinate("lat", 90.0).unwrap_or(f64::NAN);
        let lon = r.coordinate("lon", 180.0).unwrap_or(f64::NAN);
        rl.depots.push(r.line);
        ds.depots.push(Depot { id, name, lat, lon });
    }
}

fn vendors(t: &Table, ds: &mut Dataset, rl: &mut RowLines, d: &mut Vec<Diagnostic>) {
    for i in 0..t.rows.len() {
        let mut r = t.row(i, d);
        let Some(id) = r.text("vendor_id") else {
            continue;
        };
        let name = r.text("name").unwrap_or_default();
        let in_ward = r
            .boolean("in_ward", codes::BAD_VENDOR_FLAG, None)
            .unwrap_or(false);
        let prime_capable = r
            .boolean("prime_capable", codes::BAD_VENDOR_FLAG, Some(false))
            .unwrap_or(false);
        let lat = (!r.raw("lat").trim().is_empty())
            .then(|| r.coordinate("lat", 90.0))
            .flatten();
        let lon = (!r.raw("lon").trim().is_empty())
            .then(|| r.coordinate("lon", 180.0))
            .flatten();
        let trades = r
            .raw("trades")
            .split([';', '；', ',', '、'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let max_annual_value = r
            .opt_non_negative("max_annual_value_jpy")
            .map(|v| Yen(v.round() as i64));
        rl.vendors.push(r.line);
        ds.vendors.push(Vendor {
            id,
            name,
            in_ward,
            lat,
            lon,
            trades,
            prime_capable,
            max_annual_value,
        });
    }
}

fn travel(t: &Table, ds: &mut Dataset, rl: &mut RowLines, d: &mut Vec<Diagnostic>) {
    for i in 0..t.rows.len() {
        let mut r = t.row(i, d);
        let (Some(from), Some(to)) = (r.text("from_id"), r.text("to_id")) else {
            continue;
        };
        let km = r.non_negative("km");
        let minutes = r.non_negative("minutes");
        let (Some(km), Some(minutes)) = (km, minutes) else {
            continue;
        };
        let key = (from.clone(), to.clone());
        if ds.travel.contains_key(&key) {
            r.report(
                codes::DUPLICATE_TRAVEL_PAIR,
                "from_id",
                format!("the pair {from} → {to} is given more than once"),
                "keep one row per pair",
            );
            continue;
        }
        rl.travel.push((from, to, r.line));
        ds.travel.insert(
            key,
            TravelEntry {
                km: Km(km),
                minutes,
            },
        );
    }
}
