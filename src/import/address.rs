//! Where a facility lies, from its address: the municipality, the ward of a
//! designated city (横浜市中区), and the town (町字: 太子堂 in 太子堂一丁目2番3号). The
//! area and district of facilities.csv come from these, or from a ward's own table of
//! towns (`--areas FILE`: town, district, area), since branch areas (支所) are not in
//! any address.

use crate::diag::{codes, Diagnostic};
use crate::io::columns::header_key;
use crate::io::decode::decode;
use crate::io::values::halfwidth;
use std::path::Path;

/// An address taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The municipality: 世田谷区, 町田市, 横浜市.
    pub city: String,
    /// The ward of a designated city (中区), if any.
    pub ward: Option<String>,
    /// The town (町字) without 丁目 and numbers: 太子堂.
    pub town: String,
    /// Everything after the municipality (and ward), folded: 太子堂1-2-3.
    pub rest: String,
}

const PREFECTURES_SPECIAL: [&str; 4] = ["東京都", "北海道", "京都府", "大阪府"];
const KANJI_DIGITS: &str = "〇一二三四五六七八九十百";

/// Folds an address for matching: half-width, no spaces, no postal code.
pub fn fold(raw: &str) -> String {
    let s: String = halfwidth(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = s.trim_start_matches('〒');
    // A postal code at the start: 154-0004 or 1540004.
    let digits = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .count();
    if digits >= 7 {
        s.chars().skip(digits).collect()
    } else {
        s.to_string()
    }
}

/// Takes an address apart; `None` when no municipality can be found in it.
pub fn parse(raw: &str) -> Option<Address> {
    let s = fold(raw);
    let chars: Vec<char> = s.chars().collect();
    // The prefecture: 東京都/北海道/京都府/大阪府, or up to a 県 within its first 4 chars.
    let mut i = 0;
    if let Some(p) = PREFECTURES_SPECIAL.iter().find(|p| s.starts_with(*p)) {
        i = p.chars().count();
    } else if let Some(k) = chars.iter().take(4).position(|&c| c == '県') {
        if k >= 2 {
            i = k + 1;
        }
    }
    // A county (郡) comes before a town or village.
    let end_of = |from: usize, set: &[char]| -> Option<usize> {
        (from + 1..chars.len()).find(|&j| set.contains(&chars[j]))
    };
    let mut start = i;
    if let Some(g) = end_of(i, &['郡']) {
        if g - i <= 4 && !chars[i..g].iter().any(|c| "市区町村".contains(*c)) {
            start = g + 1;
        }
    }
    let mut j = end_of(start, &['市', '区', '町', '村'])?;
    // 四日市市, 十日町市, 大町市, 廿日市市: a second 市 right after.
    if chars.get(j + 1) == Some(&'市') {
        j += 1;
    }
    let city: String = chars[start..=j].iter().collect();
    let mut k = j + 1;
    // A designated city's ward: 横浜市中区, 札幌市中央区 (within four characters).
    let mut ward = None;
    if chars[j] == '市' {
        if let Some(w) = (k..(k + 5).min(chars.len())).find(|&w| chars[w] == '区') {
            let part: String = chars[k..=w].iter().collect();
            if w > k && !part.chars().any(|c| c.is_ascii_digit()) {
                ward = Some(part);
                k = w + 1;
            }
        }
    }
    let rest: String = chars[k..].iter().collect();
    Some(Address {
        city,
        ward,
        town: town_of(&rest),
        rest,
    })
}

/// The town of what follows the municipality: up to the first number, or the kanji
/// number of a 丁目/番; 大字 dropped.
pub fn town_of(rest: &str) -> String {
    let rest = rest.trim_start_matches("大字");
    let chars: Vec<char> = rest.chars().collect();
    let mut end = chars.len();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() || *c == '-' {
            end = i;
            break;
        }
        if KANJI_DIGITS.contains(*c) {
            let run = chars[i..]
                .iter()
                .take_while(|c| KANJI_DIGITS.contains(**c))
                .count();
            let after: String = chars[i + run..].iter().take(2).collect();
            if after.starts_with("丁") || after.starts_with('番') {
                end = i;
                break;
            }
        }
    }
    chars[..end]
        .iter()
        .collect::<String>()
        .trim_end_matches('字')
        .to_string()
}

/// A ward's table of towns: town → (district, area).
#[derive(Debug, Clone, Default)]
pub struct AreaTable {
    /// (folded town, district, area, line in the file), longest town first.
    rows: Vec<(String, String, String, usize)>,
    /// The file, for the report.
    pub file: String,
}

impl AreaTable {
    /// Reads `path`: a CSV with a header naming `town` (町名, 町字, 町丁目),
    /// `district` (地区, 地区名) and `area` (地域, 支所); any encoding the dataset
    /// readers take. Every problem is a diagnostic at its line.
    pub fn read(path: &Path) -> Result<AreaTable, Vec<Diagnostic>> {
        let bytes = std::fs::read(path).map_err(|e| {
            vec![Diagnostic::new(
                codes::UNREADABLE_FILE,
                path,
                None,
                None,
                format!("cannot read the table of towns: {e}"),
                "check the path given to --areas",
            )]
        })?;
        let text = decode(&bytes).text;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut diags = Vec::new();
        let mut records = reader.records().enumerate();
        let Some((_, Ok(header))) = records.next() else {
            return Err(vec![Diagnostic::new(
                codes::MISSING_COLUMN,
                path,
                Some(1),
                None,
                "the table of towns is empty",
                "start it with the header row town,district,area (or 町名,地区,地域)",
            )]);
        };
        let find = |names: &[&str]| {
            header.iter().position(|h| {
                let k = header_key(h);
                names.iter().any(|n| header_key(n) == k)
            })
        };
        let town = find(&["town", "町名", "町字", "町丁目", "町丁名"]);
        let district = find(&["district", "地区", "地区名"]);
        let area = find(&["area", "地域", "支所", "管轄支所"]);
        let (Some(t), Some(d), Some(a)) = (town, district, area) else {
            return Err(vec![Diagnostic::new(
                codes::MISSING_COLUMN,
                path,
                Some(1),
                None,
                "the header must name town (町名), district (地区) and area (地域)",
                "start the file with the header row town,district,area",
            )]);
        };
        let lines = crate::io::table::LineIndex::new(&text);
        let mut rows: Vec<(String, String, String, usize)> = Vec::new();
        for (_, rec) in records {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    diags.push(Diagnostic::new(
                        codes::FIELD_COUNT,
                        path,
                        e.position().map(|p| lines.line(p.byte())),
                        None,
                        format!("the row cannot be read: {e}"),
                        "check the quotes of that row",
                    ));
                    continue;
                }
            };
            let line = rec.position().map_or(0, |p| lines.line(p.byte()));
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
            let (tw, di, ar) = (fold(&get(t)), get(d), get(a));
            if tw.is_empty() || di.is_empty() || ar.is_empty() {
                diags.push(Diagnostic::new(
                    codes::EMPTY_VALUE,
                    path,
                    Some(line),
                    None,
                    "town, district and area must all be given",
                    "fill in the row or delete it",
                ));
                continue;
            }
            if let Some(prev) = rows.iter().find(|r| r.0 == tw) {
                if prev.1 != di || prev.2 != ar {
                    diags.push(Diagnostic::new(
                        codes::DUPLICATE_TOWN,
                        path,
                        Some(line),
                        None,
                        format!(
                            "town '{tw}' is already on line {} with district '{}' and area '{}'",
                            prev.3, prev.1, prev.2
                        ),
                        "give each town one district and area",
                    ));
                }
                continue;
            }
            rows.push((tw, di, ar, line));
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        rows.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        Ok(AreaTable {
            rows,
            file: path.display().to_string(),
        })
    }

    /// The district and area of an address: the longest town of the table with which
    /// the part after the municipality begins, else the longest one the whole address
    /// contains.
    pub fn place(&self, address: &str) -> Option<(String, String)> {
        let folded = fold(address);
        let rest = parse(address).map(|a| a.rest).unwrap_or_default();
        self.rows
            .iter()
            .find(|r| !rest.is_empty() && rest.starts_with(&r.0))
            .or_else(|| self.rows.iter().find(|r| folded.contains(&r.0)))
            .map(|r| (r.1.clone(), r.2.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (String, Option<String>, String) {
        let a = parse(s).unwrap_or_else(|| panic!("no municipality in {s}"));
        (a.city, a.ward, a.town)
    }

    #[test]
    fn addresses_are_taken_apart() {
        assert_eq!(
            p("東京都世田谷区太子堂一丁目2番3号"),
            ("世田谷区".into(), None, "太子堂".into())
        );
        assert_eq!(
            p("〒154-0004 東京都世田谷区太子堂１－２－３"),
            ("世田谷区".into(), None, "太子堂".into())
        );
        assert_eq!(
            p("神奈川県横浜市中区本町6-50-10"),
            ("横浜市".into(), Some("中区".into()), "本町".into())
        );
        assert_eq!(
            p("町田市森野2-2-22"),
            ("町田市".into(), None, "森野".into())
        );
        assert_eq!(
            p("千葉県市川市八幡1-1-1"),
            ("市川市".into(), None, "八幡".into())
        );
        assert_eq!(
            p("三重県四日市市諏訪町1-5"),
            ("四日市市".into(), None, "諏訪町".into())
        );
        assert_eq!(
            p("東京都世田谷区二子玉川二丁目"),
            ("世田谷区".into(), None, "二子玉川".into())
        );
        assert_eq!(
            p("埼玉県入間郡三芳町大字藤久保1100-1"),
            ("三芳町".into(), None, "藤久保".into())
        );
        assert_eq!(parse("1-2-3"), None);
    }
}
