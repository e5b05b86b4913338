//! Readers for the benchmark formats described in ../shared/benchmarks/*/README.md.
//! Distance conventions matter: pmedcap1 floors Euclidean distances, the Lorena–Senne
//! and Stefanello sets use real distances, the SSCFLP sets give a cost matrix.

use crate::solve::{Arcs, Hub, HubCount, Problem, Unit};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A benchmark file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// OR-Library pmedcap1 (Osman–Christofides), floored Euclidean distances.
    Pmedcap,
    /// Lorena–Senne / Stefanello CPMP (`n p`, then `x y capacity demand`), real distances.
    LorenaSenne,
    /// Holmberg / OR-Library single-source CFLP (`J I`, `s f`, demands, J×I costs).
    Sscflp,
}

/// A format name that is none of pmedcap, lorena-senne, sscflp (or their aliases).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown format '{0}' (expected pmedcap, lorena-senne or sscflp)")]
pub struct UnknownFormat(pub String);

impl std::str::FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        match s.to_ascii_lowercase().as_str() {
            "pmedcap" | "orlib-cpmp" | "oc" => Ok(Format::Pmedcap),
            "lorena" | "lorena-senne" | "stefanello" | "cpmp" => Ok(Format::LorenaSenne),
            "sscflp" | "holmberg" => Ok(Format::Sscflp),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// Why a benchmark file could not be read.
#[derive(Debug, Error)]
pub enum BenchError {
    /// The file could not be read.
    #[error("{}: cannot read: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A line does not parse.
    #[error("{}:{line}: {msg} — fix: {action}", .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line (from 1).
        line: usize,
        /// What is wrong.
        msg: String,
        /// What to do.
        action: String,
    },
    /// The contents make no valid problem.
    #[error("{}: {}", .0.display(), .1)]
    Invalid(PathBuf, String),
}

/// A benchmark instance ready to solve.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The instance name (the file stem).
    pub name: String,
    /// Its format.
    pub format: Format,
    /// The hub count when fixed (CPMP).
    pub p: Option<usize>,
    /// The engine problem.
    pub problem: Problem,
}

/// Whitespace tokens with their 1-based line numbers. Accepts CRLF, tabs and NUL padding.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for t in line
            .split(|c: char| c.is_whitespace() || c == '\0')
            .filter(|t| !t.is_empty())
        {
            out.push((i + 1, t));
        }
    }
    out
}

struct Cursor<'a> {
    toks: Vec<(usize, &'a str)>,
    pos: usize,
    path: &'a Path,
}

impl Cursor<'_> {
    fn num(&mut self, what: &str) -> Result<f64, BenchError> {
        let Some(&(line, t)) = self.toks.get(self.pos) else {
            let line = self.toks.last().map_or(1, |x| x.0);
            return Err(BenchError::Parse {
                path: self.path.into(),
                line,
                msg: format!("the file ends where {what} was expected"),
                action: "check that the file is complete and in the stated format".into(),
            });
        };
        self.pos += 1;
        // `49.` is a valid number in these files.
        let v: f64 = t
            .trim_end_matches('.')
            .parse()
            .or_else(|_| t.parse())
            .map_err(|_| BenchError::Parse {
                path: self.path.into(),
                line,
                msg: format!("'{t}' is not a number ({what})"),
                action: "check the format (--format) and the file contents".into(),
            })?;
        if !v.is_finite() {
            return Err(BenchError::Parse {
                path: self.path.into(),
                line,
                msg: format!("{what} is not finite"),
                action: "fix the value".into(),
            });
        }
        Ok(v)
    }

    fn count(&mut self, what: &str) -> Result<usize, BenchError> {
        let line = self.toks.get(self.pos).map_or(0, |x| x.0);
        let v = self.num(what)?;
        if v < 0.0 || v.fract() != 0.0 || v > 1e8 {
            return Err(BenchError::Parse {
                path: self.path.into(),
                line,
                msg: format!("{what} must be a non-negative integer, found {v}"),
                action: "check the header of the file".into(),
            });
        }
        Ok(v as usize)
    }
}

/// Guesses the format from the path, then from the shape of the first lines.
pub fn detect_format(path: &Path, text: &str) -> Option<Format> {
    let s = path.to_string_lossy().to_ascii_lowercase();
    if s.contains("pmedcap") {
        return Some(Format::Pmedcap);
    }
    if s.contains("sscflp") || s.contains("holmberg") || s.contains("single_source") {
        return Some(Format::Sscflp);
    }
    if s.contains("lorena") || s.contains("stefanello") || s.contains("sjc") || s.contains("p3038")
    {
        return Some(Format::LorenaSenne);
    }
    let mut lines = text
        .lines()
        .map(|l| l.split_whitespace().filter(|t| !t.contains('\0')).count())
        .filter(|&c| c > 0);
    let first = lines.next()?;
    let second = lines.next()?;
    match (first, second) {
        (2, 3) => Some(Format::Pmedcap),
        (2, 4) => Some(Format::LorenaSenne),
        (2, 2) => Some(Format::Sscflp),
        _ => None,
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "instance".into())
}

/// Reads one instance file (`format`, or guessed from the path and contents).
pub fn read_instance(path: &Path, format: Option<Format>) -> Result<Instance, BenchError> {
    let bytes = crate::io::read_regular(path).map_err(|source| BenchError::Io {
        path: path.into(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let format = match format.or_else(|| detect_format(path, &text)) {
        Some(f) => f,
        None => {
            return Err(BenchError::Invalid(
                path.into(),
                "cannot tell the format from the name or contents; give --format".into(),
            ))
        }
    };
    let mut c = Cursor {
        toks: tokens(&text),
        pos: 0,
        path,
    };
    match format {
        Format::Pmedcap => {
            let _number = c.num("problem number")?;
            let _best = c.num("best known value")?;
            let n = c.count("n")?;
            let p = c.count("p")?;
            let q = c.num("capacity Q")?;
            let mut pts = Vec::with_capacity(n);
            for _ in 0..n {
                let _id = c.num("point id")?;
                let x = c.num("x")?;
                let y = c.num("y")?;
                let d = c.num("demand")?;
                pts.push(([x, y], d, q));
            }
            cpmp(path, stem(path), format, pts, p, true)
        }
        Format::LorenaSenne => {
            let n = c.count("n")?;
            let p = c.count("p")?;
            let mut pts = Vec::with_capacity(n);
            for _ in 0..n {
                let x = c.num("x")?;
                let y = c.num("y")?;
                let cap = c.num("capacity")?;
                let d = c.num("demand")?;
                pts.push(([x, y], d, cap));
            }
            cpmp(path, stem(path), format, pts, p, false)
        }
        Format::Sscflp => {
            let nf = c.count("number of facilities J")?;
            let nc = c.count("number of customers I")?;
            let mut fac = Vec::with_capacity(nf);
            for _ in 0..nf {
                let s = c.num("facility capacity")?;
                let f = c.num("fixed cost")?;
                fac.push((s, f));
            }
            let mut dem = Vec::with_capacity(nc);
            for _ in 0..nc {
                dem.push(c.num("customer demand")?);
            }
            let mut costs = Vec::with_capacity(nf * nc);
            for _ in 0..nf * nc {
                costs.push(c.num("assignment cost")?);
            }
            let parent = path
                .parent()
                .and_then(|p| p.file_name())
                .map(|s| s.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let prefix = if parent.contains("holmberg") {
                "holmberg_"
            } else if parent.contains("orlib") {
                "orlib_ss_"
            } else {
                ""
            };
            let units = dem
                .iter()
                .enumerate()
                .map(|(i, &d)| Unit {
                    name: format!("customer {}", i + 1),
                    load: vec![d],
                    xy: None,
                })
                .collect();
            let hubs = fac
                .iter()
                .enumerate()
                .map(|(j, &(s, f))| Hub {
                    name: format!("facility {}", j + 1),
                    fixed_cost: f,
                    capacity: vec![s],
                    min_load: vec![0.0],
                    xy: None,
                    own_unit: None,
                })
                .collect();
            let name = format!("{prefix}{}", stem(path));
            let problem = Problem::new(
                name.clone(),
                vec!["demand".into()],
                units,
                hubs,
                Arcs::Dense { costs },
                HubCount::Free,
                false,
            )
            .map_err(|e| BenchError::Invalid(path.into(), e.to_string()))?;
            Ok(Instance {
                name,
                format,
                p: None,
                problem,
            })
        }
    }
}

fn cpmp(
    path: &Path,
    name: String,
    format: Format,
    pts: Vec<([f64; 2], f64, f64)>,
    p: usize,
    truncate: bool,
) -> Result<Instance, BenchError> {
    let problem = points_cpmp(name.clone(), &pts, p, truncate)
        .map_err(|e| BenchError::Invalid(path.into(), e.to_string()))?;
    Ok(Instance {
        name,
        format,
        p: Some(p),
        problem,
    })
}

/// Reads `best_known.csv` files (CPMP: instance,n,p,best_known,...; SSCFLP:
/// instance,facilities,customers,optimal_value,...) into instance → value.
pub fn best_known(path: &Path) -> Result<HashMap<String, f64>, BenchError> {
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| BenchError::Invalid(path.into(), e.to_string()))?;
    let headers = rdr
        .headers()
        .map_err(|e| BenchError::Invalid(path.into(), e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let inst = col("instance")
        .ok_or_else(|| BenchError::Invalid(path.into(), "no 'instance' column".into()))?;
    let val = col("best_known")
        .or_else(|| col("optimal_value"))
        .ok_or_else(|| {
            BenchError::Invalid(
                path.into(),
                "no 'best_known' or 'optimal_value' column".into(),
            )
        })?;
    let mut out = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| BenchError::Invalid(path.into(), e.to_string()))?;
        let (Some(name), Some(v)) = (rec.get(inst), rec.get(val)) else {
            continue;
        };
        let v: f64 = v.trim().parse().map_err(|_| BenchError::Parse {
            path: path.into(),
            line: i + 2,
            msg: format!("best-known value '{v}' is not a number"),
            action: "fix the value".into(),
        })?;
        out.insert(name.trim().to_string(), v);
    }
    Ok(out)
}

/// Looks an instance up: exact name, or a table key that extends it
/// (`orlib_ss_p1` finds `orlib_ss_p1_cap61`).
pub fn lookup(table: &HashMap<String, f64>, name: &str) -> Option<f64> {
    table.get(name).copied().or_else(|| {
        let pre = format!("{name}_");
        let mut hits: Vec<(&String, &f64)> =
            table.iter().filter(|(k, _)| k.starts_with(&pre)).collect();
        hits.sort_by(|a, b| a.0.cmp(b.0));
        (hits.len() == 1).then(|| *hits[0].1)
    })
}

/// A CPMP whose points (coordinates, demand, capacity) are both the units and the
/// candidate hubs, each hub serving its own point: the OR-Library, Lorena–Senne and
/// generated instances alike.
pub fn points_cpmp(
    name: String,
    pts: &[([f64; 2], f64, f64)],
    p: usize,
    truncate: bool,
) -> Result<Problem, crate::solve::ProblemError> {
    let units = pts
        .iter()
        .enumerate()
        .map(|(i, &(xy, d, _))| Unit {
            name: format!("point {}", i + 1),
            load: vec![d],
            xy: Some(xy),
        })
        .collect();
    let hubs = pts
        .iter()
        .enumerate()
        .map(|(i, &(xy, _, cap))| Hub {
            name: format!("point {}", i + 1),
            fixed_cost: 0.0,
            capacity: vec![cap],
            min_load: vec![0.0],
            xy: Some(xy),
            own_unit: Some(i),
        })
        .collect();
    Problem::new(
        name,
        vec!["demand".into()],
        units,
        hubs,
        Arcs::Euclidean {
            truncate,
            max_dist: None,
        },
        HubCount::Exact(p),
        true,
    )
}
