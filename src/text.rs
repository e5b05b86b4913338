//! Numbers as people read them, shared by messages, the CLI and the reports: thousands
//! separators (`1,234,567`) and fixed decimals without a stray minus sign.

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Fixed-point text for tables: rounding keeps files stable and readable.
pub fn fixed(v: f64, places: usize) -> String {
    let s = format!("{v:.places$}");
    // "-0.00" reads as a sign error in a spreadsheet.
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
    }

    #[test]
    fn fixed_drops_the_sign_of_zero() {
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(-1.5, 1), "-1.5");
    }
}

/// A text value from the inputs, made safe for a CSV cell: Excel and LibreOffice treat a
/// cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula
/// (`=HYPERLINK(...)` as a facility name would become a live link), so such a value
/// gets a leading apostrophe, which both show as text. Only text goes through here;
/// numbers are written as they are.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod inert_tests {
    use super::inert;

    #[test]
    fn formula_looking_text_is_quoted_and_the_rest_kept() {
        assert_eq!(
            inert("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for s in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(inert(s), format!("'{s}"));
        }
        for s in ["代沢小学校", "F01", "", "1-2", "'quoted"] {
            assert_eq!(inert(s), s);
        }
    }
}
