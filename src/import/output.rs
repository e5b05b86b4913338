//! Writes an import as a dataset folder, atomically: facilities.csv (with the columns
//! matome reads and, after them, where each row came from), with starter lines
//! service_lines.csv and contracts.csv (each row marked as an estimate), and
//! import-report.md. The written files are validated by the dataset readers before the
//! folder is put in place; a dataset that would not validate is never written.

use super::report::render;
use super::starter::{Starter, ESTIMATE};
use super::Import;
use crate::diag::{codes, Diagnostic};
use crate::io::write::{num, table};
use crate::io::{write_folder_atomic, WriteError};
use crate::model::Operator;
use crate::text::inert;
use std::io;
use std::path::Path;

/// What the import was run with, for the files and the report.
pub struct WriteOptions<'a> {
    /// The fiscal year of the starter contracts (April to March).
    pub fiscal_year: i32,
    /// The models folder, for validating the written dataset.
    pub models_dir: Option<&'a Path>,
    /// Replace a non-empty output folder.
    pub force: bool,
    /// Where the importer table and the starter profiles came from.
    pub rules_source: String,
    /// Where the starter profiles came from (with starter lines).
    pub starter_source: Option<String>,
}

/// What was written.
pub struct Written {
    /// Diagnostics of the written dataset (warnings only: errors stop the write).
    pub diagnostics: Vec<Diagnostic>,
}

fn write_tables(import: &Import, starter: Option<&Starter>, fy: i32, dir: &Path) -> io::Result<()> {
    let facilities = import
        .sites
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                inert(&s.name).into_owned(),
                s.kind.clone(),
                inert(&s.area).into_owned(),
                inert(&s.district).into_owned(),
                num(s.lat),
                num(s.lon),
                s.floor_area_m2.map(num).unwrap_or_default(),
                match s.operator {
                    Operator::Direct => "direct".into(),
                    Operator::DesignatedManager => "designated_manager".into(),
                },
                s.kind_from.clone(),
                s.place_from.clone(),
                inert(&s.sources.join("; ")).into_owned(),
                inert(&s.source_id).into_owned(),
            ]
        })
        .collect();
    table(
        &dir.join(crate::io::FACILITIES),
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
            "kind_from",
            "place_from",
            "source",
            "source_id",
        ],
        facilities,
    )?;
    let Some(starter) = starter else {
        return Ok(());
    };
    let lines = starter
        .lines
        .iter()
        .map(|l| {
            vec![
                l.line_id.clone(),
                l.facility_id.clone(),
                l.trade.clone(),
                num(l.visits),
                num(l.hours),
                num(l.cost),
                l.contract_id.clone(),
                "false".into(),
                ESTIMATE.into(),
                l.source.clone(),
            ]
        })
        .collect();
    table(
        &dir.join(crate::io::LINES),
        &[
            "line_id",
            "facility_id",
            "trade",
            "visits_per_year",
            "hours_per_visit",
            "annual_cost_jpy",
            "contract_id",
            "pinned",
            "estimate",
            "source",
        ],
        lines,
    )?;
    let contracts = starter
        .lines
        .iter()
        .map(|l| {
            vec![
                l.contract_id.clone(),
                String::new(),
                num(l.cost),
                l.payments.to_string(),
                "competitive".into(),
                format!("{fy}-04-01"),
                format!("{}-03-31", fy + 1),
                ESTIMATE.into(),
            ]
        })
        .collect();
    table(
        &dir.join(crate::io::CONTRACTS),
        &[
            "contract_id",
            "vendor",
            "annual_value_jpy",
            "payments_per_year",
            "procurement",
            "start",
            "end",
            "estimate",
        ],
        contracts,
    )
}

/// Why an import was not written.
#[derive(Debug, thiserror::Error)]
pub enum ImportWriteError {
    /// The output folder could not be written (or is not empty without force).
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The written dataset does not validate: a fault of the importer, reported with
    /// every diagnostic; nothing was written.
    #[error("the imported dataset would not validate (nothing was written):\n{}", .0.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

/// Writes `import` (and `starter`) to `out` as described in the module doc.
pub fn write_import(
    import: &Import,
    starter: Option<&Starter>,
    out: &Path,
    opts: &WriteOptions,
) -> Result<Written, ImportWriteError> {
    let mut diagnostics = Vec::new();
    let mut invalid = Vec::new();
    let result = write_folder_atomic(out, opts.force, |tmp| {
        write_tables(import, starter, opts.fiscal_year, tmp)?;
        let report = crate::validate::validate_dir(tmp, opts.models_dir);
        // Without starter lines the dataset has facilities only, by design.
        let expected_missing = |d: &Diagnostic| {
            starter.is_none()
                && d.code == codes::MISSING_FILE
                && [crate::io::LINES, crate::io::CONTRACTS]
                    .iter()
                    .any(|f| d.file.ends_with(f))
        };
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = report
            .diagnostics
            .into_iter()
            .filter(|d| !expected_missing(d))
            .map(|mut d| {
                // Name the file as it will be, not the temporary folder.
                if let Some(name) = d.file.file_name() {
                    d.file = out.join(name);
                }
                d
            })
            .partition(Diagnostic::is_error);
        if !errors.is_empty() {
            invalid = errors;
            return Err(io::Error::other("the imported dataset does not validate"));
        }
        let md = render(import, starter, opts, &warnings);
        crate::io::folder::write_file(tmp, "import-report.md", md.as_bytes())?;
        diagnostics = warnings;
        Ok(())
    });
    match result {
        Ok(()) => Ok(Written { diagnostics }),
        Err(_) if !invalid.is_empty() => Err(ImportWriteError::Invalid(invalid)),
        Err(e) => Err(e.into()),
    }
}
