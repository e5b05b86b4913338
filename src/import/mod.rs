//! `matome import opendata`: a municipality's published list of public facilities
//! (自治体標準オープンデータセット「公共施設一覧」, in its earlier or newer layout, or
//! the per-category lists cities publish in those layouts) → a dataset's
//! facilities.csv, and with starter lines a first service_lines.csv and contracts.csv.
//!
//! Steps: each file is read (`read`), its header found and mapped by the names of
//! `models/opendata.toml` (`rules`); each row becomes a facility with its kind (the
//! first kind rule its name, category, POI code or file name matches), its area and
//! district (`address`: from the address, or a ward's table of towns) and its
//! coordinates; rows naming the same facility across files are merged. Every row that
//! could not be placed is kept with its reason for `import-report.md` (`report`).

pub mod address;
mod header;
mod output;
mod read;
mod report;
pub mod rules;
pub mod starter;

pub use output::{write_import, WriteOptions};

use crate::geo::great_circle_km;
use crate::io::columns::{header_key, Aliases};
use crate::io::values::{halfwidth, number};
use crate::model::Operator;
use address::AreaTable;
use header::{find_header, layout_of, Header};
use rules::{OpenDataRules, FIELDS};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Rows naming the same facility (the same name once folded) within this distance are
/// one facility listed twice (in two category files, say); farther apart they are two.
pub const MERGE_WITHIN_M: f64 = 150.0;

/// Which published layout a file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The earlier one (都道府県コード又は市区町村コード, NO, …, 住所, 方書, 緯度, 経度).
    Earlier,
    /// The newer one (ID, 名称, 所在地_連結表記, 所在地_町字, …).
    Newer,
    /// Neither: the city's own columns, mapped by name.
    Own,
}

impl Layout {
    /// Its name in the report.
    pub fn label(self) -> &'static str {
        match self {
            Layout::Earlier => "旧様式 earlier layout",
            Layout::Newer => "新様式 newer layout",
            Layout::Own => "独自の列 own columns",
        }
    }
}

/// A facility as imported.
#[derive(Debug, Clone)]
pub struct Site {
    /// facility_id, assigned in order of first appearance (F0001, …).
    pub id: String,
    /// The name as published.
    pub name: String,
    /// Kind key (`other` when no rule matched).
    pub kind: String,
    /// What made it that kind: `名称 name: 小学校`.
    pub kind_from: String,
    /// Area (支所地域, or the municipality / designated-city ward).
    pub area: String,
    /// District (地区, or the town).
    pub district: String,
    /// Where area and district came from.
    pub place_from: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Floor area, m², when published.
    pub floor_area_m2: Option<f64>,
    /// Operator, when the list says (else direct).
    pub operator: Operator,
    /// Every row it was read from: `parks.csv:12`.
    pub sources: Vec<String>,
    /// The list's own id, when it has one.
    pub source_id: String,
    /// The folded name, for merging.
    key: String,
}

/// What happened to one table (file or sheet).
#[derive(Debug, Clone)]
pub struct FileSummary {
    /// `parks.csv` or `list.xlsx [公園]`.
    pub shown: String,
    /// The layout, when the header was found.
    pub layout: Option<Layout>,
    /// The header's line or row.
    pub header_row: usize,
    /// Field → the header that carries it.
    pub columns: Vec<(&'static str, String)>,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// Rows that became a new facility.
    pub new_sites: usize,
    /// Rows merged into a facility read before.
    pub merged: usize,
    /// Rows not placed.
    pub not_placed: usize,
    /// Why a sheet of a workbook was not used (another sheet was).
    pub ignored: Option<String>,
    /// The encoding of a CSV file.
    pub encoding: Option<&'static str>,
}

/// A row that could not be placed.
#[derive(Debug, Clone)]
pub struct NotPlaced {
    /// File (and sheet).
    pub file: String,
    /// Line or row.
    pub row: String,
    /// The name in that row (may be empty).
    pub name: String,
    /// Why, in Japanese and English, with what to do.
    pub reason: String,
}

/// A row merged into a facility read before.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The facility it became part of.
    pub into: String,
    /// Its name as that row writes it.
    pub name: String,
    /// `parks.csv:12`.
    pub from: String,
    /// Metres between the two.
    pub metres: f64,
}

/// Two facilities with the same name, too far apart to be one.
#[derive(Debug, Clone)]
pub struct SameName {
    /// The name.
    pub name: String,
    /// The two facility ids.
    pub ids: (String, String),
    /// Metres apart.
    pub metres: f64,
}

/// A note about a row that was placed but changed: coordinates swapped.
#[derive(Debug, Clone)]
pub struct Note {
    /// `parks.csv:12`.
    pub at: String,
    /// What was done.
    pub what: String,
}

/// The result of an import.
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// The facilities, in order of first appearance.
    pub sites: Vec<Site>,
    /// One per table read.
    pub files: Vec<FileSummary>,
    /// Rows that could not be placed.
    pub not_placed: Vec<NotPlaced>,
    /// Rows merged as duplicates.
    pub merged: Vec<Merged>,
    /// Same names kept apart.
    pub same_name: Vec<SameName>,
    /// Rows placed after a fix.
    pub notes: Vec<Note>,
    /// Where the area and district came from, for the report.
    pub area_source: String,
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Files that cannot be read or whose columns cannot be mapped, each with why.
    #[error("{}", unmapped_text(.0))]
    Unmapped(Vec<(String, String)>),
    /// Every row of every file was refused.
    #[error("no facility could be placed: every row was refused ({} rows; the first: {})", .0.len(), .0.first().map(|n| format!("{} {}: {}", n.file, n.row, n.reason)).unwrap_or_default())]
    NothingPlaced(Vec<NotPlaced>),
}

fn unmapped_text(files: &[(String, String)]) -> String {
    let mut s = format!(
        "{} file(s) cannot be imported; nothing was written:",
        files.len()
    );
    for (f, why) in files {
        s.push_str(&format!(
            "\n  error[{}] {f}: {why}",
            crate::diag::codes::UNMAPPED_LIST
        ));
    }
    s
}

/// A name folded for merging: half-width, no spaces, without a leading
/// 〇〇区立/市立/町立/村立/都立 (the same facility is 世田谷区立中央図書館 in one file and
/// 中央図書館 in another).
pub fn name_key(name: &str) -> String {
    let s: String = halfwidth(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let chars: Vec<char> = s.chars().collect();
    // 〇〇区立 at the start, the 立 within the first seven characters.
    if let Some(p) = chars.iter().take(7).position(|&c| c == '立') {
        if p >= 1 && "区市町村都県".contains(chars[p - 1]) && p + 1 < chars.len() {
            return chars[p + 1..].iter().collect();
        }
    }
    s
}

fn japan(lat: f64, lon: f64) -> bool {
    (20.0..=46.0).contains(&lat) && (122.0..=154.0).contains(&lon)
}

/// The kind of a facility: the first rule whose words occur in one of `sources`
/// (labelled), or whose key the POI code maps to.
fn kind_of(rules: &OpenDataRules, sources: &[(&str, &str)], poi: &str) -> Option<(String, String)> {
    let poi_kind = (!poi.is_empty())
        .then(|| rules.poi.get(&header_key(poi)))
        .flatten();
    for rule in &rules.kinds {
        for (label, text) in sources {
            if let Some(w) = rule.words.iter().find(|w| text.contains(w.as_str())) {
                return Some((rule.key.clone(), format!("{label}: {w}")));
            }
        }
        if poi_kind == Some(&rule.key) {
            return Some((rule.key.clone(), format!("POIコード: {poi}")));
        }
    }
    None
}

/// Imports `files` (in order; each a CSV or .xlsx) with `rules`, placing facilities by
/// `areas` when given. `Err` when a file cannot be read or mapped (nothing is imported
/// then: a file is never skipped silently) or when no row at all could be placed.
pub fn import(
    files: &[PathBuf],
    rules: &OpenDataRules,
    areas: Option<&AreaTable>,
    aliases: &Aliases,
) -> Result<Import, ImportError> {
    let mut out = Import {
        area_source: match areas {
            Some(t) => format!("対応表 table of towns: {}", t.file),
            None => "住所 the address: area = the municipality (or a designated city's ward), district = the town (町字)".into(),
        },
        ..Import::default()
    };
    let mut unmapped = Vec::new();
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for path in files {
        let sheets = match read::read(path) {
            Ok(s) => s,
            Err(why) => {
                unmapped.push((path.display().to_string(), why));
                continue;
            }
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let mut used_any = false;
        let mut reasons = Vec::new();
        let mut ignored = Vec::new();
        for sheet in &sheets {
            let header = match find_header(sheet, rules) {
                Ok(h) => h,
                Err(why) => {
                    reasons.push(format!("{}: {why}", sheet.shown));
                    ignored.push(FileSummary {
                        shown: sheet.shown.clone(),
                        layout: None,
                        header_row: 0,
                        columns: Vec::new(),
                        rows: 0,
                        new_sites: 0,
                        merged: 0,
                        not_placed: 0,
                        ignored: Some(why),
                        encoding: sheet.encoding,
                    });
                    continue;
                }
            };
            used_any = true;
            let summary = import_sheet(
                sheet,
                &header,
                &stem,
                rules,
                areas,
                aliases,
                &mut out,
                &mut by_key,
            );
            out.files.push(summary);
        }
        if used_any {
            out.files.extend(ignored);
        } else {
            let why = if sheets.len() == 1 {
                reasons
                    .pop()
                    .map(|r| r.split_once(": ").map_or(r.clone(), |(_, w)| w.to_string()))
                    .unwrap_or_default()
            } else {
                reasons.join("; ")
            };
            unmapped.push((path.display().to_string(), why));
        }
    }
    if !unmapped.is_empty() {
        return Err(ImportError::Unmapped(unmapped));
    }
    if out.sites.is_empty() {
        return Err(ImportError::NothingPlaced(out.not_placed));
    }
    let width = out.sites.len().to_string().len().max(4);
    let ids: Vec<String> = (1..=out.sites.len())
        .map(|i| format!("F{i:0width$}"))
        .collect();
    for (s, id) in out.sites.iter_mut().zip(&ids) {
        s.id = id.clone();
    }
    // Merged rows and same-name pairs were recorded with indices; now name the ids.
    for m in &mut out.merged {
        if let Ok(i) = m.into.parse::<usize>() {
            m.into = ids[i].clone();
        }
    }
    for s in &mut out.same_name {
        let (a, b) = (&s.ids.0, &s.ids.1);
        if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
            s.ids = (ids[a].clone(), ids[b].clone());
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn import_sheet(
    sheet: &read::Sheet,
    header: &Header,
    stem: &str,
    rules: &OpenDataRules,
    areas: Option<&AreaTable>,
    aliases: &Aliases,
    out: &mut Import,
    by_key: &mut HashMap<String, Vec<usize>>,
) -> FileSummary {
    let col = |f: &str| header.columns.get(f).copied();
    let mut summary = FileSummary {
        shown: sheet.shown.clone(),
        layout: Some(layout_of(&header.texts)),
        header_row: header.row,
        columns: FIELDS
            .iter()
            .filter_map(|f| col(f).map(|i| (*f, header.texts[i].trim().to_string())))
            .collect(),
        rows: 0,
        new_sites: 0,
        merged: 0,
        not_placed: 0,
        ignored: None,
        encoding: sheet.encoding,
    };
    for (row, cells) in sheet.rows.iter().skip(header.index + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        summary.rows += 1;
        let get = |f: &str| -> String {
            col(f)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let at = if sheet.cells {
            format!("{} row {row}", sheet.shown)
        } else {
            format!("{}:{row}", sheet.shown)
        };
        let name = get("name");
        let mut refuse = |reason: String| {
            out.not_placed.push(NotPlaced {
                file: sheet.shown.clone(),
                row: sheet.row_label(*row),
                name: name.clone(),
                reason,
            });
        };
        if name.is_empty() {
            summary.not_placed += 1;
            refuse("名称が空です the name is empty: fill it in, or delete the row".into());
            continue;
        }
        let cell_of = |f: &str| -> String {
            match col(f) {
                Some(i) if sheet.cells => crate::io::table::cell_name(i + sheet.first_col, *row),
                _ => String::new(),
            }
        };
        let (lat_raw, lon_raw) = (get("lat"), get("lon"));
        let (lat, lon) = match (number(&lat_raw), number(&lon_raw)) {
            (None, _) | (_, None) => {
                summary.not_placed += 1;
                refuse("緯度・経度がありません no coordinates: matome does not look up addresses (no network); add 緯度 and 経度 (WGS84 decimal degrees)".into());
                continue;
            }
            (Some(Err(())), _) | (_, Some(Err(()))) => {
                summary.not_placed += 1;
                let (which, raw, cell) = if number(&lat_raw).is_some_and(|r| r.is_err()) {
                    ("緯度 latitude", lat_raw.clone(), cell_of("lat"))
                } else {
                    ("経度 longitude", lon_raw.clone(), cell_of("lon"))
                };
                let cell = if cell.is_empty() {
                    String::new()
                } else {
                    format!(" ({cell})")
                };
                refuse(format!(
                    "{which}{cell} '{raw}' is not a number: write decimal degrees such as 35.646"
                ));
                continue;
            }
            (Some(Ok(a)), Some(Ok(b))) => (a, b),
        };
        let (lat, lon) = if japan(lat, lon) {
            (lat, lon)
        } else if japan(lon, lat) {
            out.notes.push(Note {
                at: at.clone(),
                what: format!(
                    "緯度と経度が入れ替わっていたので入れ替えました latitude and longitude were swapped ({lat}, {lon}); check the source"
                ),
            });
            (lon, lat)
        } else {
            summary.not_placed += 1;
            refuse(format!(
                "座標が日本の範囲外です ({lat}, {lon}) is not in Japan: check the 緯度/経度 (decimal degrees, WGS84; not a projected x/y)"
            ));
            continue;
        };
        let address = {
            let a = get("address");
            if a.is_empty() {
                format!("{}{}", get("city"), get("town"))
            } else {
                a
            }
        };
        let parsed = address::parse(&address);
        let (area, district, place_from) = match areas {
            Some(table) => {
                let town = get("town");
                let found = table
                    .place(&address)
                    .or_else(|| (!town.is_empty()).then(|| table.place(&town)).flatten());
                match found {
                    Some((d, a)) => (a, d, "対応表 table of towns".to_string()),
                    None => {
                        summary.not_placed += 1;
                        let town = parsed
                            .as_ref()
                            .map(|p| p.town.clone())
                            .filter(|t| !t.is_empty())
                            .unwrap_or(town);
                        refuse(format!(
                            "町名「{town}」が対応表にありません the town of '{address}' is not in the table of towns ({}): add it",
                            table.file
                        ));
                        continue;
                    }
                }
            }
            None => {
                let town_col = get("town");
                match &parsed {
                    Some(p) => {
                        let town = if town_col.is_empty() {
                            p.town.clone()
                        } else {
                            address::town_of(&address::fold(&town_col))
                        };
                        let area = p.ward.clone().unwrap_or_else(|| p.city.clone());
                        let district = if town.is_empty() { area.clone() } else { town };
                        (area, district, "住所 address".to_string())
                    }
                    None if !get("city").is_empty() => {
                        let area = get("city");
                        let district = if town_col.is_empty() {
                            area.clone()
                        } else {
                            address::town_of(&address::fold(&town_col))
                        };
                        (
                            area,
                            district,
                            "市区町村の列 municipality column".to_string(),
                        )
                    }
                    None => {
                        summary.not_placed += 1;
                        refuse(format!(
                            "住所から地域が分かりません no municipality in the address '{address}': give the full address (…区/市/町/村 …) or a table of towns (--areas)"
                        ));
                        continue;
                    }
                }
            }
        };
        let category = get("category");
        let poi = get("poi");
        let kind = kind_of(
            rules,
            &[
                ("名称 name", &name),
                ("種別 category", &category),
                ("ファイル名 file", stem),
            ],
            &poi,
        );
        let (kind, kind_from) = kind.unwrap_or_else(|| ("other".into(), String::new()));
        let floor_area_m2 = number(&get("floor_area_m2"))
            .and_then(Result::ok)
            .filter(|v| *v > 0.0);
        let mut operator = Operator::Direct;
        let op = get("operator");
        if !op.is_empty() && aliases.value("operator", &op) == "designated_manager" {
            operator = Operator::DesignatedManager;
        }
        let manager = get("manager");
        if !manager.is_empty()
            && !["-", "ー", "―", "なし", "無", "直営"].contains(&manager.as_str())
        {
            operator = Operator::DesignatedManager;
        }
        let key = name_key(&name);
        let near = by_key.get(&key).and_then(|list| {
            list.iter()
                .map(|&i| {
                    (
                        i,
                        great_circle_km(lat, lon, out.sites[i].lat, out.sites[i].lon) * 1000.0,
                    )
                })
                .filter(|(_, m)| *m <= MERGE_WITHIN_M)
                .min_by(|a, b| a.1.total_cmp(&b.1))
        });
        if let Some((i, metres)) = near {
            let s = &mut out.sites[i];
            s.sources.push(at.clone());
            if s.floor_area_m2.is_none() {
                s.floor_area_m2 = floor_area_m2;
            }
            if s.kind == "other" && kind != "other" {
                s.kind = kind;
                s.kind_from = kind_from;
            }
            if operator == Operator::DesignatedManager {
                s.operator = operator;
            }
            if s.source_id.is_empty() {
                s.source_id = get("id");
            }
            out.merged.push(Merged {
                into: i.to_string(),
                name: name.clone(),
                from: at,
                metres,
            });
            summary.merged += 1;
            continue;
        }
        let index = out.sites.len();
        if let Some(list) = by_key.get(&key) {
            for &j in list {
                let m = great_circle_km(lat, lon, out.sites[j].lat, out.sites[j].lon) * 1000.0;
                out.same_name.push(SameName {
                    name: name.clone(),
                    ids: (j.to_string(), index.to_string()),
                    metres: m,
                });
            }
        }
        by_key.entry(key.clone()).or_default().push(index);
        out.sites.push(Site {
            id: String::new(),
            name,
            kind,
            kind_from,
            area,
            district,
            place_from,
            lat,
            lon,
            floor_area_m2,
            operator,
            sources: vec![at],
            source_id: get("id"),
            key,
        });
        summary.new_sites += 1;
    }
    summary
}

impl Site {
    /// The folded name under which duplicates are merged.
    pub fn name_key(&self) -> &str {
        &self.key
    }
}

/// The embedded rules (for tests and for `--help` listings).
pub fn embedded_rules() -> OpenDataRules {
    rules::parse_opendata(
        rules::EMBEDDED_OPENDATA,
        Path::new("models/opendata.toml"),
        "models/opendata.toml (built in)".into(),
    )
    .unwrap_or_else(|d| panic!("the embedded opendata.toml is invalid: {d:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_for_merging() {
        assert_eq!(name_key("世田谷区立中央図書館"), name_key("中央図書館"));
        assert_eq!(name_key("区立 桜丘 小学校"), "桜丘小学校");
        assert_eq!(name_key("立川市民会館"), "立川市民会館");
        assert_eq!(name_key("ＡＢＣ公園"), "abc公園");
    }

    #[test]
    fn kinds_follow_the_rule_order_whatever_the_source() {
        let r = embedded_rules();
        let k = |name: &str, cat: &str, poi: &str| {
            kind_of(
                &r,
                &[
                    ("名称 name", name),
                    ("種別 category", cat),
                    ("ファイル名 file", ""),
                ],
                poi,
            )
            .map(|(k, _)| k)
        };
        assert_eq!(
            k("桜丘小学校", "", "").as_deref(),
            Some("elementary_school")
        );
        assert_eq!(
            k("太子堂児童遊園", "公園", "").as_deref(),
            Some("childrens_playground")
        );
        assert_eq!(k("三宿の森", "近隣公園", "").as_deref(), Some("park"));
        assert_eq!(k("かもめ", "", "1402a").as_deref(), Some("nursery"));
        assert_eq!(k("桜丘すみれば", "", "").as_deref(), None);
        assert_eq!(
            k("梅丘まちづくりセンター", "", "").as_deref(),
            Some("district_centre")
        );
        assert_eq!(k("上馬地区会館", "", "").as_deref(), Some("community_hall"));
    }
}
