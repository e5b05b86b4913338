//! Cell values as people type them in a Japanese office: full-width digits and signs,
//! yen amounts with separators, yes/no as はい/いいえ or ○/×, and dates in the Western
//! or the Japanese era calendar (令和7年3月31日, R7.3.31, H31.4.1). Pure functions:
//! the readers call them and report what they cannot read.

use crate::model::Date;
use std::borrow::Cow;

/// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space become their ASCII forms;
/// the minus look-alikes (－ U+FF0D, − U+2212, ‐ U+2010, ‑ U+2011, – U+2013) become `-`.
/// Everything else is kept as it is (kana, kanji, the long vowel mark ー).
pub fn halfwidth(s: &str) -> Cow<'_, str> {
    let needs = s.chars().any(|c| fold(c) != c);
    if !needs {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(fold).collect())
}

fn fold(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{2212}' | '\u{2010}' | '\u{2011}' | '\u{2013}' => '-',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

/// A number as a spreadsheet shows it: full-width digits, thousands separators (`,`
/// and `、`), a leading yen sign (¥ or ￥) or a trailing 円, surrounding spaces.
/// `None` when empty; `Some(Err(()))` when it is not a finite number.
pub fn number(raw: &str) -> Option<Result<f64, ()>> {
    let s = halfwidth(raw.trim());
    let s = s
        .trim()
        .trim_start_matches(['¥', '￥', '\\'])
        .trim_end_matches('円');
    let cleaned: String = s.chars().filter(|c| *c != ',' && *c != '、').collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return None;
    }
    // "inf", "NaN" and friends parse as f64 but are never meant in a register.
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return Some(Err(()));
    }
    Some(match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(()),
    })
}

/// The largest value a numeric column can mean, with its unit: a cell beyond it
/// (1e308, a row of 9s) is a typing or export slip, and taking it would overflow the
/// sums a plan makes (¥ in i64, hours times visits in f64). Generous on purpose: a
/// whole ward's yearly maintenance is about ¥10¹¹.
pub const CEILINGS: &[(&str, f64, &str)] = &[
    ("visits_per_year", 100_000.0, "visits a year"),
    ("hours_per_visit", 10_000.0, "hours"),
    ("annual_cost_jpy", 1e12, "yen"),
    ("annual_value_jpy", 1e12, "yen"),
    ("payments_per_year", 366.0, "payments"),
    ("km", 10_000.0, "km"),
    ("minutes", 100_000.0, "minutes"),
    ("floor_area_m2", 10_000_000.0, "m²"),
];

/// The ceiling of a column (`CEILINGS`), if it has one.
pub fn ceiling(column: &str) -> Option<(f64, &'static str)> {
    CEILINGS
        .iter()
        .find(|(c, _, _)| *c == column)
        .map(|&(_, max, unit)| (max, unit))
}

/// Yes or no: true/false, yes/no, y/n, 1/0, はい/いいえ, ○/◯/〇/×/✕, 有/無, する/しない,
/// 対象/対象外, 固定. Case and width do not matter. `None` when it is none of these.
pub fn boolean(raw: &str) -> Option<bool> {
    let s = halfwidth(raw.trim()).to_lowercase();
    match s.as_str() {
        "true" | "yes" | "y" | "1" | "はい" | "○" | "◯" | "〇" | "有" | "あり" | "する"
        | "対象" | "固定" => Some(true),
        "false" | "no" | "n" | "0" | "いいえ" | "×" | "✕" | "無" | "なし" | "しない" | "対象外" => {
            Some(false)
        }
        _ => None,
    }
}

/// A Japanese era: its names and the Western year of its first year (元年).
const ERAS: [(&[&str], i32, Date); 5] = [
    (&["令和", "r"], 2019, ymd(2019, 5, 1)),
    (&["平成", "h"], 1989, ymd(1989, 1, 8)),
    (&["昭和", "s"], 1926, ymd(1926, 12, 25)),
    (&["大正", "t"], 1912, ymd(1912, 7, 30)),
    (&["明治", "m"], 1868, ymd(1868, 1, 25)),
];

const fn ymd(year: i32, month: u8, day: u8) -> Date {
    Date { year, month, day }
}

/// A calendar date as Japanese registers write it: `2026-03-31`, `2026/3/31`,
/// `2026.3.31`, `2026年3月31日`, and in the era calendar `令和7年3月31日`, `令和元年5月1日`,
/// `R7.3.31`, `R07/03/31`, `H31.4.1`, `平成31年4月1日` (the era letters R, H, S, T, M in
/// either case and width). A day before its era began (`令和1年4月1日`) or after the
/// next began (`平成32年1月1日`) is refused, as is a day not in the calendar.
pub fn date(raw: &str) -> Option<Date> {
    let s = halfwidth(raw.trim()).to_lowercase();
    let s = s.trim();
    let (era, rest) =
        match ERAS.iter().enumerate().find_map(|(i, (names, _, _))| {
            names.iter().find_map(|n| s.strip_prefix(n)).map(|r| (i, r))
        }) {
            Some((i, rest)) => (Some(i), rest.trim_start()),
            None => (None, s),
        };
    let rest = rest.replacen("元年", "1年", 1);
    let parts: Vec<&str> = rest
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let month: u8 = parts[1].parse().ok()?;
    let day: u8 = parts[2].parse().ok()?;
    let year = match era {
        None if parts[0].len() == 4 => y,
        None => return None,
        Some(_) if !(1..=99).contains(&y) => return None,
        Some(i) => ERAS[i].1 + y - 1,
    };
    let d = calendar(year, month, day)?;
    if let Some(i) = era {
        // Within the era: not before its first day, not on or after the next era's.
        if d < ERAS[i].2 || (i > 0 && d >= ERAS[i - 1].2) {
            return None;
        }
    }
    Some(d)
}

/// The date when it is in the Gregorian calendar.
pub fn calendar(year: i32, month: u8, day: u8) -> Option<Date> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (day >= 1 && day <= days).then_some(Date { year, month, day })
}

/// The date of an Excel serial day number (1900 date system, as Excel on Windows and
/// LibreOffice store dates: 1 = 1900-01-01, with Excel's phantom 1900-02-29 as 60).
/// Fractions (a time of day) are dropped. `None` outside 1900-03-01 … 9999-12-31.
pub fn excel_serial(serial: f64) -> Option<Date> {
    if !serial.is_finite() || !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days since 1899-12-30 (serials from 61 on count from there without the phantom day).
    let days = serial.floor() as i64;
    Some(civil_from_days(days - 25_569))
}

/// The civil date `z` days after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        date(s).map(|d| d.to_string())
    }

    #[test]
    fn full_width_digits_and_signs_fold() {
        assert_eq!(halfwidth("１２３．５"), "123.5");
        assert_eq!(halfwidth("－３"), "-3");
        assert_eq!(halfwidth("−３"), "-3");
        assert_eq!(halfwidth("ＡＢ　ｃ"), "AB c");
        assert_eq!(halfwidth("ハーモニー"), "ハーモニー");
        assert!(matches!(halfwidth("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn numbers_as_spreadsheets_show_them() {
        assert_eq!(number("1,234,567"), Some(Ok(1_234_567.0)));
        assert_eq!(number("￥１，２００"), Some(Ok(1_200.0)));
        assert_eq!(number("¥500"), Some(Ok(500.0)));
        assert_eq!(number("3,000円"), Some(Ok(3_000.0)));
        assert_eq!(number(" 12.5 "), Some(Ok(12.5)));
        assert_eq!(number("-4"), Some(Ok(-4.0)));
        assert_eq!(number("1e3"), Some(Ok(1_000.0)));
        assert_eq!(number(""), None);
        assert_eq!(number("  "), None);
        for bad in ["NaN", "inf", "-inf", "1e999", "12a", "三", "1.2.3", "--1"] {
            assert_eq!(number(bad), Some(Err(())), "{bad}");
        }
    }

    #[test]
    fn yes_and_no_in_both_languages() {
        for t in [
            "TRUE", "yes", "Y", "1", "１", "はい", "○", "◯", "有", "固定",
        ] {
            assert_eq!(boolean(t), Some(true), "{t}");
        }
        for f in ["false", "No", "0", "いいえ", "×", "無", "対象外"] {
            assert_eq!(boolean(f), Some(false), "{f}");
        }
        for x in ["", "maybe", "△", "2"] {
            assert_eq!(boolean(x), None, "{x}");
        }
    }

    #[test]
    fn western_dates_in_every_separator() {
        assert_eq!(d("2026-03-31").as_deref(), Some("2026-03-31"));
        assert_eq!(d("2026/3/31").as_deref(), Some("2026-03-31"));
        assert_eq!(d("2026.3.31").as_deref(), Some("2026-03-31"));
        assert_eq!(d("2026年3月31日").as_deref(), Some("2026-03-31"));
        assert_eq!(d("２０２６年４月１日").as_deref(), Some("2026-04-01"));
        assert_eq!(d("2024-02-29").as_deref(), Some("2024-02-29"));
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "26-04-01",
            "2025-04",
            "today",
            "",
            "2025-4-1-2",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn era_dates() {
        assert_eq!(d("令和7年3月31日").as_deref(), Some("2025-03-31"));
        assert_eq!(d("令和元年5月1日").as_deref(), Some("2019-05-01"));
        assert_eq!(d("R7.3.31").as_deref(), Some("2025-03-31"));
        assert_eq!(d("r07/03/31").as_deref(), Some("2025-03-31"));
        assert_eq!(d("Ｒ７．３．３１").as_deref(), Some("2025-03-31"));
        assert_eq!(d("H31.4.1").as_deref(), Some("2019-04-01"));
        assert_eq!(d("平成31年4月30日").as_deref(), Some("2019-04-30"));
        assert_eq!(d("昭和64年1月7日").as_deref(), Some("1989-01-07"));
        assert_eq!(d("平成元年1月8日").as_deref(), Some("1989-01-08"));
        // Outside the era: before its first day, or after the next one began.
        assert_eq!(d("令和1年4月1日"), None);
        assert_eq!(d("平成31年5月1日"), None);
        assert_eq!(d("平成32年1月1日"), None);
        assert_eq!(d("昭和64年1月8日"), None);
        assert_eq!(d("R0.1.1"), None);
        assert_eq!(d("R7.2.29"), None);
    }

    #[test]
    fn excel_serials() {
        let s = |v: f64| excel_serial(v).map(|d| d.to_string());
        assert_eq!(s(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(s(45_747.0).as_deref(), Some("2025-03-31"));
        assert_eq!(s(45_748.75).as_deref(), Some("2025-04-01"));
        assert_eq!(s(2_958_465.0).as_deref(), Some("9999-12-31"));
        assert_eq!(s(60.0), None);
        assert_eq!(s(f64::NAN), None);
        assert_eq!(s(3e6), None);
    }
}
