//! Writes a `Dataset` as the CSV files of a dataset folder (UTF-8, no BOM, the column
//! order of docs/data-format.md). Callers that must not leave half-written output write
//! into a temporary folder and rename it (see `write_dataset_atomic`).

use super::folder::{in_file, write_folder, Commit, FolderError};
use super::{CONTRACTS, DEPOTS, FACILITIES, LINES, TRAVEL, VENDORS};
use crate::model::{Dataset, Operator, Procurement};
use std::io;
use std::path::{Path, PathBuf};

/// A number as the dataset files write it (shortest form that reads back the same).
pub(crate) fn num(x: f64) -> String {
    format!("{x}")
}

/// Writes one CSV file: the header, then the rows.
pub(crate) fn table(path: &Path, header: &[&str], rows: Vec<Vec<String>>) -> io::Result<()> {
    // csv's conversion keeps an I/O error's kind (a full disk stays one).
    let csv_error = io::Error::from;
    let write = || -> io::Result<()> {
        let mut w = csv::Writer::from_path(path).map_err(csv_error)?;
        w.write_record(header).map_err(csv_error)?;
        for r in rows {
            w.write_record(&r).map_err(csv_error)?;
        }
        w.flush()
    };
    write().map_err(|e| in_file(path, e))?;
    crate::stop::test_pause_after_file();
    Ok(())
}

/// Writes the files into an existing folder (travel.csv and depots.csv only when the
/// dataset has entries).
pub fn write_dataset(ds: &Dataset, dir: &Path) -> io::Result<()> {
    let facilities = ds
        .facilities
        .iter()
        .map(|f| {
            vec![
                f.id.clone(),
                f.name.clone(),
                f.kind.clone(),
                f.area.clone(),
                f.district.clone(),
                num(f.lat),
                num(f.lon),
                f.floor_area_m2.map(num).unwrap_or_default(),
                match f.operator {
                    Operator::Direct => "direct".into(),
                    Operator::DesignatedManager => "designated_manager".into(),
                },
            ]
        })
        .collect();
    table(
        &dir.join(FACILITIES),
        &[
            "facility_id",
            "name",
            "kind",
            "area",
            "district",
            "lat",
            "lon",
            "floor_area_m2",
            "operator",
        ],
        facilities,
    )?;
    let lines = ds
        .lines
        .iter()
        .map(|l| {
            vec![
                l.id.clone(),
                l.facility_id.clone(),
                l.trade.clone(),
                num(l.visits_per_year),
                num(l.hours_per_visit.0),
                l.annual_cost.0.to_string(),
                l.contract_id.clone(),
                l.pinned.to_string(),
            ]
        })
        .collect();
    table(
        &dir.join(LINES),
        &[
            "line_id",
            "facility_id",
            "trade",
            "visits_per_year",
            "hours_per_visit",
            "annual_cost_jpy",
            "contract_id",
            "pinned",
        ],
        lines,
    )?;
    let contracts = ds
        .contracts
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.vendor.clone(),
                c.annual_value.0.to_string(),
                c.payments_per_year.to_string(),
                match c.procurement {
                    Procurement::Competitive => "competitive".into(),
                    Procurement::Negotiated => "negotiated".into(),
                },
                c.start.to_string(),
                c.end.to_string(),
            ]
        })
        .collect();
    table(
        &dir.join(CONTRACTS),
        &[
            "contract_id",
            "vendor",
            "annual_value_jpy",
            "payments_per_year",
            "procurement",
            "start",
            "end",
        ],
        contracts,
    )?;
    if !ds.depots.is_empty() {
        let depots = ds
            .depots
            .iter()
            .map(|d| vec![d.id.clone(), d.name.clone(), num(d.lat), num(d.lon)])
            .collect();
        table(
            &dir.join(DEPOTS),
            &["depot_id", "name", "lat", "lon"],
            depots,
        )?;
    }
    if !ds.vendors.is_empty() {
        let vendors = ds
            .vendors
            .iter()
            .map(|v| {
                vec![
                    v.id.clone(),
                    v.name.clone(),
                    v.in_ward.to_string(),
                    v.lat.map(num).unwrap_or_default(),
                    v.lon.map(num).unwrap_or_default(),
                    v.trades.join(";"),
                    v.prime_capable.to_string(),
                    v.max_annual_value
                        .map(|y| y.0.to_string())
                        .unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &dir.join(VENDORS),
            &[
                "vendor_id",
                "name",
                "in_ward",
                "lat",
                "lon",
                "trades",
                "prime_capable",
                "max_annual_value_jpy",
            ],
            vendors,
        )?;
    }
    if !ds.travel.is_empty() {
        let mut pairs: Vec<_> = ds.travel.iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        let travel = pairs
            .into_iter()
            .map(|((f, t), e)| vec![f.clone(), t.clone(), num(e.km.0), num(e.minutes)])
            .collect();
        table(
            &dir.join(TRAVEL),
            &["from_id", "to_id", "km", "minutes"],
            travel,
        )?;
    }
    Ok(())
}

/// Why a dataset folder was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder has content and `force` was not given.
    #[error("{0} exists and is not an empty folder; pass --force to replace it")]
    NotEmpty(PathBuf),
    /// The path is a file.
    #[error("{0} exists and is not a folder")]
    NotAFolder(PathBuf),
    /// Writing failed (the folder keeps its old content).
    #[error(transparent)]
    Io(#[from] FolderError),
}

/// Writes into a temporary sibling folder, then renames it into place, so `out` either
/// keeps its old content or holds the whole new dataset. A non-empty `out` is replaced
/// only with `force`.
pub fn write_dataset_atomic(ds: &Dataset, out: &Path, force: bool) -> Result<(), WriteError> {
    write_folder_atomic(out, force, |tmp| write_dataset(ds, tmp))
}

/// Runs `fill` on a new temporary sibling folder of `out`, then renames that folder
/// into place: `out` either keeps its old content or holds everything `fill` wrote,
/// never a part. A non-empty `out` is replaced only with `force`; when `fill` fails,
/// the temporary folder is removed and `out` is untouched.
pub fn write_folder_atomic(
    out: &Path,
    force: bool,
    fill: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<(), WriteError> {
    let exists = out.exists();
    if exists && !out.is_dir() {
        return Err(WriteError::NotAFolder(out.to_path_buf()));
    }
    let non_empty = exists
        && std::fs::read_dir(out)
            .map_err(|error| FolderError {
                path: out.to_path_buf(),
                error,
            })?
            .next()
            .is_some();
    if non_empty && !force {
        return Err(WriteError::NotEmpty(out.to_path_buf()));
    }
    Ok(write_folder(out, Commit::Replace, fill)?)
}
