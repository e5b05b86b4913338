//! The compact MIP of a whole problem (DESIGN.md, "The optimization problem") as a
//! good_lp model, written by HiGHS as an MPS or LP file with readable names. This is
//! the model in the open: anyone can solve the file with another solver and compare.
//!
//! ```text
//! minimise   Σ_h F_h·y_h + Σ_(u,h) c_uh·x_uh
//! assign_u        Σ_h x_uh = 1
//! cap_<d>_h       Σ_u load_ud·x_uh − Q_hd·y_h ≤ 0      (finite capacities)
//! min_<d>_h       Σ_u load_ud·x_uh − m_hd·y_h ≥ 0      (positive minimums)
//! link_u_h        x_uh − y_h ≤ 0   (= 0 for a hub's own unit when it must serve it)
//! shut_h          y_h = 0          (a hub whose own unit cannot reach it)
//! count           Σ_h y_h = p, or lo ≤ Σ_h y_h ≤ hi
//! ```
//!
//! x exists only for allowed pairs (the problem's arcs). Unlike the engine's own MIPs
//! (`mip`, on the `highs` crate directly, with extra valid rows that tighten the LP),
//! this model holds the definition and nothing more, so its optimum is the problem's
//! optimum by construction. The caller names units and hubs (facility and hub ids);
//! names are reduced to ASCII letters, digits, `_`, `-`, `.` and made unique.

use super::problem::{Arcs, HubCount, Problem};
use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, SolverModel, Variable};
use std::collections::HashSet;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why the model was not written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The file name ends neither in `.mps` nor in `.lp`.
    #[error("{0}: the model file must end in .mps or .lp (HiGHS picks the format by it)")]
    Extension(PathBuf),
    /// HiGHS would not take the model or a name.
    #[error("HiGHS refused the model: {0}")]
    Highs(String),
    /// Writing or moving the file into place failed.
    #[error("{path}: {why}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        why: String,
    },
}

/// The size of a written model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSize {
    /// Columns (y then x).
    pub columns: usize,
    /// Rows.
    pub rows: usize,
}

/// The model's column and row names, index-aligned with its columns and rows.
struct Names {
    columns: Vec<String>,
    rows: Vec<String>,
}

/// ASCII-only, unique names: `clean("F01 代沢") == "F01"`; a repeat gets `~2`, `~3`.
fn unique(raw: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut s: String = r
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            if s.is_empty() {
                s = format!("n{i}");
            }
            let base = s.clone();
            let mut k = 2;
            while !seen.insert(s.clone()) {
                s = format!("{base}~{k}");
                k += 1;
            }
            s
        })
        .collect()
}

/// Checks that `path` names a format HiGHS writes.
pub fn check_extension(path: &Path) -> Result<(), ExportError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("mps") || e.eq_ignore_ascii_case("lp") => Ok(()),
        _ => Err(ExportError::Extension(path.to_path_buf())),
    }
}

/// Builds the compact model of `p` through good_lp and writes it to `path` (`.mps` or
/// `.lp`) with the given unit and hub names, atomically (a temporary file beside it,
/// renamed into place).
pub fn write_model(
    p: &Problem,
    unit_names: &[String],
    hub_names: &[String],
    path: &Path,
) -> Result<ModelSize, ExportError> {
    check_extension(path)?;
    let units = unique(unit_names);
    let hubs = unique(hub_names);
    let n = p.units.len();
    let m = p.hubs.len();
    let mut vars = ProblemVariables::new();
    let mut col_names = Vec::new();
    let y: Vec<Variable> = (0..m)
        .map(|h| {
            col_names.push(format!("y_{}", hubs[h]));
            vars.add(variable().binary())
        })
        .collect();
    let mut objective = Expression::default();
    for (hub, &yh) in p.hubs.iter().zip(&y) {
        objective += hub.fixed_cost * yh;
    }
    // x[u] = (hub, variable) for every allowed pair, hub order.
    let mut x: Vec<Vec<(usize, Variable)>> = Vec::with_capacity(n);
    for (u, unit) in units.iter().enumerate().take(n) {
        // Sparse arcs are read as listed (hub order); the others cost every hub.
        let mut arcs: Vec<(usize, f64)> = match &p.arcs {
            Arcs::Sparse { per_unit } => {
                per_unit[u].iter().map(|&(h, c)| (h as usize, c)).collect()
            }
            _ => (0..m)
                .filter_map(|h| p.cost(u, h).map(|c| (h, c)))
                .collect(),
        };
        arcs.sort_by_key(|a| a.0);
        let mut row = Vec::new();
        for (h, c) in arcs {
            col_names.push(format!("x_{unit}_{}", hubs[h]));
            let v = vars.add(variable().binary());
            objective += c * v;
            row.push((h, v));
        }
        x.push(row);
    }
    let mut model = vars.minimise(objective).using(highs);
    let mut row_names = Vec::new();
    let mut add = |model: &mut good_lp::solvers::highs::HighsProblem,
                   name: String,
                   c: good_lp::Constraint| {
        row_names.push(name);
        model.add_constraint(c);
    };
    let mut by_hub: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); m];
    for (u, row) in x.iter().enumerate() {
        let sum: Expression = row.iter().map(|&(_, v)| Expression::from(v)).sum();
        add(&mut model, format!("assign_{}", units[u]), sum.eq(1.0));
        for &(h, v) in row {
            by_hub[h].push((u, v));
        }
    }
    for h in 0..m {
        let hub = &p.hubs[h];
        for d in 0..p.dims() {
            let load =
                || -> Expression { by_hub[h].iter().map(|&(u, v)| p.units[u].load[d] * v).sum() };
            if hub.capacity[d].is_finite() {
                let c = (load() - hub.capacity[d] * y[h]).leq(0.0);
                add(&mut model, format!("cap_{d}_{}", hubs[h]), c);
            }
            if hub.min_load[d] > 0.0 {
                let c = (load() - hub.min_load[d] * y[h]).geq(0.0);
                add(&mut model, format!("min_{d}_{}", hubs[h]), c);
            }
        }
        let own = if p.hub_serves_own_unit {
            hub.own_unit
        } else {
            None
        };
        for &(u, v) in &by_hub[h] {
            let name = format!("link_{}_{}", units[u], hubs[h]);
            if own == Some(u) {
                add(&mut model, name, (v - y[h]).eq(0.0));
            } else {
                add(&mut model, name, (v - y[h]).leq(0.0));
            }
        }
        if let Some(o) = own {
            if !by_hub[h].iter().any(|&(u, _)| u == o) {
                add(
                    &mut model,
                    format!("shut_{}", hubs[h]),
                    Expression::from(y[h]).eq(0.0),
                );
            }
        }
    }
    let open: Expression = y.iter().map(|&v| Expression::from(v)).sum();
    match p.hub_count {
        HubCount::Free => {}
        HubCount::Exact(k) => add(&mut model, "count".into(), open.eq(k as f64)),
        HubCount::Range(lo, hi) => {
            add(&mut model, "count_min".into(), open.clone().geq(lo as f64));
            if hi < usize::MAX {
                add(&mut model, "count_max".into(), open.leq(hi as f64));
            }
        }
    }
    let names = Names {
        columns: col_names,
        rows: row_names,
    };
    let size = ModelSize {
        columns: names.columns.len(),
        rows: names.rows.len(),
    };
    let mut inner = model
        .try_into_inner()
        .map_err(|e| ExportError::Highs(e.to_string()))?;
    write_named(&mut inner, &names, path)?;
    Ok(size)
}

fn cstring(s: &str) -> Result<CString, ExportError> {
    CString::new(s).map_err(|_| ExportError::Highs(format!("a name holds a NUL byte: {s:?}")))
}

/// Passes the names to HiGHS and writes the file beside its target, then renames it.
fn write_named(model: &mut highs::Model, names: &Names, path: &Path) -> Result<(), ExportError> {
    let ptr = model.as_mut_ptr();
    let quiet = cstring("output_flag")?;
    // SAFETY: `ptr` is the live HiGHS instance `model` owns; every string outlives its
    // call; indices are below the model's column and row counts (names are built with
    // the columns and rows they name).
    unsafe {
        highs_sys::Highs_setBoolOptionValue(ptr, quiet.as_ptr(), 0);
        for (i, n) in names.columns.iter().enumerate() {
            let c = cstring(n)?;
            if highs_sys::Highs_passColName(ptr, i as highs_sys::HighsInt, c.as_ptr()) < 0 {
                return Err(ExportError::Highs(format!("column name {n:?}")));
            }
        }
        for (i, n) in names.rows.iter().enumerate() {
            let c = cstring(n)?;
            if highs_sys::Highs_passRowName(ptr, i as highs_sys::HighsInt, c.as_ptr()) < 0 {
                return Err(ExportError::Highs(format!("row name {n:?}")));
            }
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fail = |why: String| ExportError::Write {
        path: path.to_path_buf(),
        why,
    };
    if path.is_dir() {
        return Err(fail("is a folder".into()));
    }
    std::fs::create_dir_all(&dir).map_err(|e| fail(e.to_string()))?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("mps");
    let stem = path
        .file_stem()
        .map_or("model".into(), |s| s.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{stem}.tmp-{}.{ext}", std::process::id()));
    // An interrupt waits for the file to be in place; a failure leaves no `tmp`.
    let _writing = crate::stop::Writing::begin(&tmp);
    let tmp_c = cstring(
        tmp.to_str()
            .ok_or_else(|| fail("the path is not valid UTF-8".into()))?,
    )?;
    // SAFETY: as above; HiGHS writes the file named by a valid C string.
    let status = unsafe { highs_sys::Highs_writeModel(ptr, tmp_c.as_ptr()) };
    // kHighsStatusError is -1; a warning (1) still writes the whole file.
    if status < 0 || !tmp.is_file() {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(format!(
            "HiGHS could not write the model (status {status})"
        )));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e.to_string())
    })
}

/// What HiGHS made of a model file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSolve {
    /// HiGHS's model status in words (`optimal`, `infeasible`, `time limit`, …).
    pub status: String,
    /// The objective of the best solution (infinite without one).
    pub objective: f64,
    /// HiGHS's MIP dual bound.
    pub bound: f64,
    /// Wall-clock seconds of the solve.
    pub seconds: f64,
}

/// HiGHS's `kHighsModelStatus…` constants in words.
fn status_name(s: highs_sys::HighsInt) -> String {
    match s {
        7 => "optimal".into(),
        8 => "infeasible".into(),
        13 => "time limit".into(),
        other => format!("HiGHS model status {other}"),
    }
}

/// Reads a model file with HiGHS and solves it within `time_limit` seconds on
/// `threads` threads, as the HiGHS command line would. With `fix`, every column is
/// fixed to 0 except the named ones, fixed to their value: the solve then says whether
/// that point is feasible and what it costs. For docs/model.md's checks, the tests and
/// BENCHMARKS.md; the engine never reads model files.
pub fn solve_file(
    path: &Path,
    time_limit: f64,
    fix: Option<&[(String, f64)]>,
) -> Result<FileSolve, ExportError> {
    let fail = |why: String| ExportError::Write {
        path: path.to_path_buf(),
        why,
    };
    let file = cstring(
        path.to_str()
            .ok_or_else(|| fail("the path is not valid UTF-8".into()))?,
    )?;
    let opt = |k: &str| cstring(k);
    let (output, limit, bound_info) = (
        opt("output_flag")?,
        opt("time_limit")?,
        opt("mip_dual_bound")?,
    );
    // SAFETY: one HiGHS instance, created here and destroyed on every path below; every
    // C string outlives the call it is passed to; column indices come from HiGHS.
    unsafe {
        let h = highs_sys::Highs_create();
        let result = (|| {
            highs_sys::Highs_setBoolOptionValue(h, output.as_ptr(), 0);
            if highs_sys::Highs_readModel(h, file.as_ptr()) < 0 {
                return Err(fail("HiGHS cannot read the model".into()));
            }
            highs_sys::Highs_setDoubleOptionValue(h, limit.as_ptr(), time_limit);
            if let Some(fix) = fix {
                for c in 0..highs_sys::Highs_getNumCol(h) {
                    highs_sys::Highs_changeColBounds(h, c, 0.0, 0.0);
                }
                for (name, value) in fix {
                    let n = cstring(name)?;
                    let mut col: highs_sys::HighsInt = -1;
                    if highs_sys::Highs_getColByName(h, n.as_ptr(), &mut col) < 0 || col < 0 {
                        return Err(fail(format!("the model has no column {name:?}")));
                    }
                    highs_sys::Highs_changeColBounds(h, col, *value, *value);
                }
            }
            let t0 = std::time::Instant::now();
            if highs_sys::Highs_run(h) < 0 {
                return Err(fail("HiGHS failed to solve the model".into()));
            }
            let seconds = t0.elapsed().as_secs_f64();
            let status = highs_sys::Highs_getModelStatus(h);
            let mut bound = f64::NEG_INFINITY;
            highs_sys::Highs_getDoubleInfoValue(h, bound_info.as_ptr(), &mut bound);
            let objective = if status == 8 {
                f64::INFINITY
            } else {
                highs_sys::Highs_getObjectiveValue(h)
            };
            Ok(FileSolve {
                status: status_name(status),
                objective,
                bound,
                seconds,
            })
        })();
        highs_sys::Highs_destroy(h);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_ascii_and_unique() {
        let raw: Vec<String> = ["F01 代沢", "F01", "代沢", "a b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(unique(&raw), ["F01", "F01~2", "n2", "ab"]);
    }

    #[test]
    fn only_mps_and_lp_are_written() {
        assert!(check_extension(Path::new("m.mps")).is_ok());
        assert!(check_extension(Path::new("m.LP")).is_ok());
        assert!(check_extension(Path::new("m.txt")).is_err());
        assert!(check_extension(Path::new("m")).is_err());
    }
}
