//! Sweep files: many named scenarios from one file, for budget-time comparisons. A
//! sweep lists scenario files and/or grids; a grid is a base scenario and, for some
//! scenario keys, the values to try, expanded into every combination.
//!
//! ```toml
//! name = "budget"
//! scenarios = ["../scenarios/baseline.toml"]       # relative to the sweep file
//! [soft]                                           # flag bundles above these
//! max_value_jpy = 33_000_000
//! [[grid]]
//! name = "cap"                                     # prefix of the expanded names
//! base = "../scenarios/baseline.toml"              # optional; default: all defaults
//! [grid.keys]
//! "limits.max_value_jpy" = [100_000_000, 300_000_000]
//! within_area = [true, false]
//! ```

use super::{Scenario, ScenarioError};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Soft thresholds (`[soft]`): bundles above them are counted, not forbidden.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Soft {
    /// A bundle above this annual value is flagged (e.g. the WTO threshold).
    pub max_value_jpy: Option<i64>,
    /// A bundle above this many on-site labour hours a year is flagged.
    pub max_labour_hours: Option<f64>,
    /// A bundle with more facilities than this is flagged.
    pub max_facilities: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct GridFile {
    name: String,
    #[serde(default)]
    base: Option<PathBuf>,
    keys: toml::value::Table,
    /// Words for grid values, by key and value (`[grid.labels."limits.max_value_jpy"]`
    /// `"50000000" = "上限5千万円"`): a scenario whose values all have words is named
    /// by them (`上限5千万円・地域内・施設単位`), else `NAME-key=value-…`.
    #[serde(default)]
    labels: toml::value::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    scenarios: Vec<PathBuf>,
    #[serde(default)]
    grid: Vec<GridFile>,
    #[serde(default)]
    soft: Soft,
    /// Time limit of every scenario of the sweep, seconds (each runs on one thread).
    #[serde(default)]
    time_limit_s: Option<f64>,
}

/// A sweep, expanded: scenarios in file order (listed files first, then each grid).
#[derive(Debug, Clone)]
pub struct Sweep {
    /// Names the output folder; defaults to the file name without `.toml`.
    pub name: String,
    /// Every scenario, names unique.
    pub scenarios: Vec<Scenario>,
    /// The soft thresholds.
    pub soft: Soft,
}

impl Sweep {
    /// Reads a sweep file; scenario paths in it are relative to its folder.
    pub fn load(path: &Path) -> Result<Sweep, ScenarioError> {
        let text = crate::io::read_regular_text(path).map_err(|error| ScenarioError::Read {
            file: path.to_path_buf(),
            error,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into());
        Sweep::parse(&text, path, dir, &stem)
    }

    /// `dir` resolves relative scenario paths; `file` is for messages.
    pub fn parse(
        text: &str,
        file: &Path,
        dir: &Path,
        default_name: &str,
    ) -> Result<Sweep, ScenarioError> {
        let f: SweepFile = toml::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.to_path_buf(),
            message: super::one_line(&e.to_string()),
        })?;
        let mut scenarios = Vec::new();
        for p in &f.scenarios {
            scenarios.push(Scenario::load(&dir.join(p))?);
        }
        for g in &f.grid {
            scenarios.extend(expand(g, file, dir)?);
        }
        if let Some(t) = f.time_limit_s {
            for s in &mut scenarios {
                s.solver.time_limit_s = t;
                s.validate(file)?;
            }
        }
        if scenarios.is_empty() {
            return Err(ScenarioError::Invalid {
                file: file.to_path_buf(),
                key: "scenarios".into(),
                message: "the sweep lists no scenario and no grid".into(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        for s in &scenarios {
            if !seen.insert(s.name.clone()) {
                return Err(ScenarioError::Invalid {
                    file: file.to_path_buf(),
                    key: "name".into(),
                    message: format!(
                        "two scenarios are named `{}`; each needs its own output folder",
                        s.name
                    ),
                });
            }
        }
        Ok(Sweep {
            name: f.name.unwrap_or_else(|| default_name.to_string()),
            scenarios,
            soft: f.soft,
        })
    }
}

/// A value as it appears in a scenario name: `300000000`, `true`, `facility`.
fn short(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A dotted key that runs through a value that is not a table (the prefix).
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a table")]
struct NotATable(String);

/// Sets `a.b.c` in a TOML table, creating tables on the way.
fn set_path(root: &mut toml::Value, key: &str, v: toml::Value) -> Result<(), NotATable> {
    let parts: Vec<&str> = key.split('.').collect();
    let mut cur = root;
    for (i, part) in parts.iter().enumerate() {
        let table = cur
            .as_table_mut()
            .ok_or_else(|| NotATable(parts[..i].join(".")))?;
        if i + 1 == parts.len() {
            table.insert(part.to_string(), v);
            return Ok(());
        }
        cur = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(Default::default()));
    }
    Ok(())
}

fn expand(g: &GridFile, file: &Path, dir: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let invalid = |key: &str, message: String| ScenarioError::Invalid {
        file: file.to_path_buf(),
        key: key.into(),
        message,
    };
    let base: toml::Value = match &g.base {
        Some(p) => {
            let path = dir.join(p);
            let text =
                crate::io::read_regular_text(&path).map_err(|error| ScenarioError::Read {
                    file: path.clone(),
                    error,
                })?;
            toml::from_str(&text).map_err(|e| ScenarioError::Parse {
                file: path.clone(),
                message: super::one_line(&e.to_string()),
            })?
        }
        None => toml::Value::Table(Default::default()),
    };
    let mut axes: Vec<(&String, &Vec<toml::Value>)> = Vec::new();
    for (k, v) in &g.keys {
        match v.as_array() {
            Some(vals) if !vals.is_empty() => axes.push((k, vals)),
            _ => {
                return Err(invalid(
                    &format!("grid.keys.{k}"),
                    "must be a non-empty list of values to try".into(),
                ))
            }
        }
    }
    let total: usize = axes.iter().map(|a| a.1.len()).product();
    let mut out = Vec::with_capacity(total);
    for n in 0..total {
        // Mixed-radix counter, the last key fastest.
        let mut idx = vec![0; axes.len()];
        let mut rest = n;
        for (i, a) in axes.iter().enumerate().rev() {
            idx[i] = rest % a.1.len();
            rest /= a.1.len();
        }
        let mut value = base.clone();
        let mut name = g.name.clone();
        let mut words: Vec<String> = Vec::new();
        for (i, (k, vals)) in axes.iter().enumerate() {
            let v = vals[idx[i]].clone();
            let label = k.rsplit('.').next().unwrap_or(k);
            name.push_str(&format!("-{label}={}", short(&v)));
            if let Some(w) = g
                .labels
                .get(k.as_str())
                .and_then(|t| t.get(short(&v).as_str()))
                .and_then(|w| w.as_str())
            {
                words.push(w.to_string());
            }
            set_path(&mut value, k, v)
                .map_err(|e| invalid(&format!("grid.keys.{k}"), e.to_string()))?;
        }
        if !axes.is_empty() && words.len() == axes.len() {
            name = words.join("・");
        }
        set_path(&mut value, "name", toml::Value::String(name.clone()))
            .map_err(|e| invalid("grid.name", e.to_string()))?;
        let s = Scenario::from_value(value, file, &name).map_err(|e| match e {
            ScenarioError::Parse { message, .. } => invalid(&format!("grid `{}`", g.name), message),
            other => other,
        })?;
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_expands_every_combination_with_names() {
        let text = r#"
name = "t"
time_limit_s = 3.0
[[grid]]
name = "cap"
[grid.keys]
"limits.max_value_jpy" = [100, 300]
within_area = [true, false]
unit = ["facility", "facility_trade_group"]
"#;
        let s = Sweep::parse(text, Path::new("t.toml"), Path::new("."), "t").unwrap();
        let names: Vec<&str> = s.scenarios.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names.len(), 8);
        // Keys in table order (sorted): limits.max_value_jpy, unit, within_area.
        assert_eq!(
            names[0],
            "cap-max_value_jpy=100-unit=facility-within_area=true"
        );
        assert_eq!(
            names[1],
            "cap-max_value_jpy=100-unit=facility-within_area=false"
        );
        assert_eq!(
            names[7],
            "cap-max_value_jpy=300-unit=facility_trade_group-within_area=false"
        );
        assert_eq!(s.scenarios[7].limits.max_value_jpy, Some(300));
        assert!(!s.scenarios[7].within_area);
        assert_eq!(
            s.scenarios[7].unit,
            crate::scenario::UnitKind::FacilityTradeGroup
        );
    }

    #[test]
    fn grid_values_with_words_name_their_scenario() {
        let text = r#"
[[grid]]
name = "cap"
[grid.keys]
"limits.max_value_jpy" = [50000000, 150000000]
within_area = [true, false]
[grid.labels."limits.max_value_jpy"]
"50000000" = "上限5千万円"
"150000000" = "上限1.5億円"
[grid.labels.within_area]
true = "地域内"
"#;
        let s = Sweep::parse(text, Path::new("t.toml"), Path::new("."), "t").unwrap();
        let names: Vec<&str> = s.scenarios.iter().map(|x| x.name.as_str()).collect();
        // A value without words (within_area = false) keeps the key=value name.
        assert_eq!(
            names,
            vec![
                "上限5千万円・地域内",
                "cap-max_value_jpy=50000000-within_area=false",
                "上限1.5億円・地域内",
                "cap-max_value_jpy=150000000-within_area=false",
            ]
        );
    }

    #[test]
    fn a_grid_key_that_is_no_scenario_key_is_named() {
        let text = "[[grid]]\nname = \"g\"\n[grid.keys]\n\"limits.max_hourz\" = [1.0]\n";
        let e = Sweep::parse(text, Path::new("s.toml"), Path::new("."), "s")
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_hourz") && e.contains("s.toml"), "{e}");
    }

    #[test]
    fn duplicate_names_are_refused() {
        let text = "[[grid]]\nname = \"g\"\n[grid.keys]\nwithin_area = [true, true]\n";
        let e = Sweep::parse(text, Path::new("s.toml"), Path::new("."), "s")
            .unwrap_err()
            .to_string();
        assert!(e.contains("two scenarios"), "{e}");
    }
}
