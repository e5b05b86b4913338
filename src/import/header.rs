//! Finding a published list's header and mapping its columns: the first of the top
//! rows that names a name and both coordinates (by the names of models/opendata.toml),
//! the reason when there is none, and which of the two national layouts it follows.

use super::read::Sheet;
use super::rules::{OpenDataRules, FIELDS};
use super::Layout;
use crate::io::columns::header_key;
use std::collections::HashMap;

/// How many rows at the top of a sheet are searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// The header of a table, mapped: field → column index, and the header texts.
pub(super) struct Header {
    /// Its line or Excel row number.
    pub row: usize,
    /// Its index among the sheet's rows.
    pub index: usize,
    /// Field → column index.
    pub columns: HashMap<&'static str, usize>,
    /// The header cells as written.
    pub texts: Vec<String>,
}

fn map_header(cells: &[String], rules: &OpenDataRules) -> HashMap<&'static str, usize> {
    let keys: Vec<String> = cells.iter().map(|c| header_key(c)).collect();
    let mut taken = vec![false; keys.len()];
    let mut columns = HashMap::new();
    for field in FIELDS {
        let Some(names) = rules.columns.get(field) else {
            continue;
        };
        'names: for n in names {
            for (i, k) in keys.iter().enumerate() {
                if !taken[i] && k == n {
                    taken[i] = true;
                    columns.insert(field, i);
                    break 'names;
                }
            }
        }
    }
    columns
}

pub(super) fn find_header(sheet: &Sheet, rules: &OpenDataRules) -> Result<Header, String> {
    let mut best: Option<(usize, usize)> = None;
    for (index, (row, cells)) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let columns = map_header(cells, rules);
        if ["name", "lat", "lon"]
            .iter()
            .all(|f| columns.contains_key(f))
        {
            return Ok(Header {
                row: *row,
                index,
                columns,
                texts: cells.clone(),
            });
        }
        if best.is_none_or(|(n, _)| columns.len() > n) && !columns.is_empty() {
            best = Some((columns.len(), index));
        }
    }
    let names = |f: &str| {
        rules
            .columns
            .get(f)
            .map(|v| v.iter().take(3).cloned().collect::<Vec<_>>().join("/"))
            .unwrap_or_default()
    };
    Err(match best {
        None if sheet.rows.is_empty() => "空です the file is empty".to_string(),
        None => format!(
            "見出し行が見つかりません no header row: none of the first {HEADER_SEARCH_ROWS} rows names a column the importer knows (the name {}, the latitude {}, the longitude {}); add your headers to models/opendata.toml [columns]",
            names("name"),
            names("lat"),
            names("lon")
        ),
        Some((_, index)) => {
            let cells = &sheet.rows[index].1;
            let cols = map_header(cells, rules);
            let missing: Vec<&str> = ["name", "lat", "lon"]
                .into_iter()
                .filter(|f| !cols.contains_key(f))
                .collect();
            let geocode = if missing.contains(&"lat") || missing.contains(&"lon") {
                " matome does not look up addresses (no network): add 緯度/経度 columns (e.g. from the GSI address search) and import again;"
            } else {
                ""
            };
            format!(
                "列が足りません missing columns: the header on {} has no column for {}.{geocode} the header reads: {}; if a column is there under another name, add that name to models/opendata.toml [columns]",
                sheet.row_label(sheet.rows[index].0),
                missing
                    .iter()
                    .map(|f| format!("{f} ({})", names(f)))
                    .collect::<Vec<_>>()
                    .join(", "),
                shorten(&cells.join(", "), 160),
            )
        }
    })
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

pub(super) fn layout_of(texts: &[String]) -> Layout {
    let keys: Vec<String> = texts.iter().map(|t| header_key(t)).collect();
    let has = |k: &str| keys.iter().any(|x| x == &header_key(k));
    if has("所在地_連結表記") || has("所在地_町字") || (has("全国地方公共団体コード") && has("ID"))
    {
        Layout::Newer
    } else if has("都道府県コード又は市区町村コード") || (has("NO") && has("住所") && has("方書"))
    {
        Layout::Earlier
    } else {
        Layout::Own
    }
}
