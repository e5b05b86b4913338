//! The table of other names for columns and values (`models/columns.toml`): a ward's
//! register says 施設名 or 年間委託料 where matome says `name` or `annual_cost_jpy`, and
//! 直営 or 随意契約 where it says `direct` or `negotiated`. Read from a file or from the
//! copy embedded in the binary; headers are compared after `header_key` folding.

use super::trades::{line_of, parse_model_toml, read_model_text};
use super::values::halfwidth;
use crate::diag::{codes, Diagnostic};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The alias table shipped with matome.
pub const EMBEDDED_COLUMNS: &str = include_str!("../../models/columns.toml");

/// Other names for the columns of each table and for the values of some columns.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    /// Table (file stem, e.g. `facilities`) → folded header → canonical column.
    columns: HashMap<String, HashMap<String, String>>,
    /// Column → folded value → canonical value.
    values: HashMap<String, HashMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    tables: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// A header or value as compared: half-width, lower case, without spaces, BOM or a
/// trailing unit in brackets (`延床面積（㎡）` → `延床面積`), every dash look-alike as ー.
pub fn header_key(raw: &str) -> String {
    let s = halfwidth(raw.trim_start_matches('\u{FEFF}').trim()).to_lowercase();
    let mut s: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '-' | 'ｰ' | '―' | '─' | '—' | '–' | '‐' => 'ー',
            c => c,
        })
        .collect();
    // A unit at the end: (㎡), (円), [km], 【分】. Only when something remains before it.
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')] {
        if s.ends_with(close) {
            if let Some(at) = s.rfind(open).filter(|&at| at > 0) {
                s.truncate(at);
            }
        }
    }
    s
}

impl Aliases {
    /// The embedded table (always valid: a test parses it).
    pub fn embedded() -> Aliases {
        Aliases::parse(
            EMBEDDED_COLUMNS,
            Path::new("<embedded>/models/columns.toml"),
        )
        .unwrap_or_default()
    }

    /// Reads `columns.toml` from `path`; `None` reads the embedded table.
    pub fn read(path: Option<&Path>) -> Result<Aliases, Vec<Diagnostic>> {
        match path {
            None => Ok(Aliases::embedded()),
            Some(p) => Aliases::parse(
                &read_model_text(
                    p,
                    "the column alias table",
                    "give --models a folder holding columns.toml, or remove the file to use the built-in table",
                )?,
                p,
            ),
        }
    }

    /// Parses an alias table. Every problem is reported at once: a syntax error, or an
    /// alias that names two columns of one table (or two values of one column).
    pub fn parse(text: &str, file: &Path) -> Result<Aliases, Vec<Diagnostic>> {
        let parsed: File = parse_model_toml(
            text,
            file,
            "the column alias table",
            "write [tables.<file>] sections of column = [\"別名\", ...] lists (see docs/data-format.md)",
        )?;
        let mut diags = Vec::new();
        let mut build = |section: &str, groups: BTreeMap<String, BTreeMap<String, Vec<String>>>| {
            let mut out = HashMap::new();
            for (group, entries) in groups {
                let mut map: HashMap<String, String> = HashMap::new();
                for (canonical, names) in entries {
                    // The canonical name itself is always accepted.
                    for name in std::iter::once(&canonical).chain(&names) {
                        let key = header_key(name);
                        match map.get(&key) {
                            Some(other) if *other != canonical => {
                                let line =
                                    text.find(&format!("\"{name}\"")).map(|o| line_of(text, o));
                                diags.push(Diagnostic::new(
                                    codes::MODEL_SYNTAX,
                                    file,
                                    line,
                                    Some(&format!("{section}.{group}")),
                                    format!("'{name}' names both '{other}' and '{canonical}' in [{section}.{group}]"),
                                    "keep the name under one of the two",
                                ));
                            }
                            _ => {
                                map.insert(key, canonical.clone());
                            }
                        }
                    }
                }
                out.insert(group, map);
            }
            out
        };
        let columns = build("tables", parsed.tables);
        let values = build("values", parsed.values);
        if diags.is_empty() {
            Ok(Aliases { columns, values })
        } else {
            Err(diags)
        }
    }

    /// The canonical column a header of `table` (file stem: `facilities`,
    /// `service_lines`, …) names, or the folded header itself when the table lists no
    /// alias for it (an English name, or a column nobody reads).
    pub fn column(&self, table: &str, header: &str) -> String {
        let key = header_key(header);
        self.columns
            .get(table)
            .and_then(|m| m.get(&key))
            .cloned()
            .unwrap_or(key)
    }

    /// The canonical value of `column` that `raw` stands for (直営 → direct), or `raw`
    /// folded when the table has none.
    pub fn value(&self, column: &str, raw: &str) -> String {
        let key = header_key(raw);
        self.values
            .get(column)
            .and_then(|m| m.get(&key))
            .cloned()
            .unwrap_or(key)
    }

    /// The aliases listed for `table`, canonical column first, for docs and messages.
    pub fn names_of(&self, table: &str, column: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .columns
            .get(table)
            .map(|m| {
                m.iter()
                    .filter(|(k, c)| *c == column && *k != column)
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses() {
        Aliases::parse(EMBEDDED_COLUMNS, Path::new("columns.toml")).unwrap();
    }

    #[test]
    fn japanese_headers_map_to_columns() {
        let a = Aliases::embedded();
        assert_eq!(a.column("facilities", "施設名"), "name");
        assert_eq!(a.column("facilities", "延床面積（㎡）"), "floor_area_m2");
        assert_eq!(a.column("facilities", " 緯度 "), "lat");
        assert_eq!(a.column("facilities", "\u{FEFF}施設ID"), "facility_id");
        assert_eq!(a.column("facilities", "施設ＩＤ"), "facility_id");
        assert_eq!(a.column("facilities", "Facility_ID"), "facility_id");
        assert_eq!(
            a.column("service_lines", "１回あたり時間"),
            "hours_per_visit"
        );
        assert_eq!(
            a.column("service_lines", "年間委託料(円)"),
            "annual_cost_jpy"
        );
        assert_eq!(a.column("contracts", "受託者"), "vendor");
        assert_eq!(a.column("contracts", "memo"), "memo");
        // The same header means different columns in different tables.
        assert_eq!(a.column("depots", "名称"), "name");
    }

    #[test]
    fn values_map_to_their_keys() {
        let a = Aliases::embedded();
        assert_eq!(a.value("operator", "直営"), "direct");
        assert_eq!(a.value("operator", "指定管理者"), "designated_manager");
        assert_eq!(a.value("procurement", "随意契約"), "negotiated");
        assert_eq!(a.value("procurement", "一般競争入札"), "competitive");
        assert_eq!(a.value("procurement", "Competitive"), "competitive");
        assert_eq!(a.value("procurement", "くじ"), "くじ");
    }

    #[test]
    fn look_alike_dashes_and_units_fold() {
        assert_eq!(header_key("センター"), header_key("センタｰ"));
        assert_eq!(header_key("センター"), header_key("センタ―"));
        assert_eq!(header_key("距離 [km]"), "距離");
        assert_eq!(header_key("(備考)"), "(備考)");
    }

    #[test]
    fn an_alias_for_two_columns_is_reported_with_its_line() {
        let text = "[tables.facilities]\nname = [\"名称\"]\nkind = [\"種別\", \"名称\"]\n";
        let e = Aliases::parse(text, Path::new("columns.toml")).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message.contains("'名称' names both"),
            "{}",
            e[0].message
        );
        assert_eq!(e[0].line, Some(2));
        let e = Aliases::parse("[tables\n", Path::new("columns.toml")).unwrap_err();
        assert_eq!(e[0].code, codes::MODEL_SYNTAX);
    }
}
