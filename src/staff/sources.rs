//! docs/sources.md, built into the binary: the entries a `source` in `models/` names as
//! `docs/sources.md#ID`, so reports can print each entry's title beside the figure and
//! a test can refuse a source that points nowhere.

/// The page, as committed.
pub const PAGE: &str = include_str!("../../docs/sources.md");

/// How a source names an entry.
pub const PREFIX: &str = "docs/sources.md#";

/// Every entry of a sources page: (id, title), in page order. An entry is a level-2
/// heading `## ID — title`.
pub fn entries(page: &str) -> Vec<(&str, &str)> {
    page.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|h| h.split_once(" — "))
        .map(|(id, title)| (id.trim(), title.trim()))
        .collect()
}

/// The entry ids a source text names, in order (`docs/sources.md#ID`, ID of lowercase
/// letters, digits and `-`).
pub fn references(source: &str) -> Vec<&str> {
    source
        .match_indices(PREFIX)
        .map(|(i, _)| {
            let rest = &source[i + PREFIX.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches('-')
        })
        .collect()
}

/// The title of an entry of the built-in page, or None when it has none.
pub fn title(id: &str) -> Option<&'static str> {
    entries(PAGE).into_iter().find(|e| e.0 == id).map(|e| e.1)
}

/// A source as a report prints it: the text, then the title of each entry it names
/// ("? not in docs/sources.md" for one the page lacks, which a test prevents).
pub fn describe(source: &str) -> String {
    let refs = references(source);
    if refs.is_empty() {
        return source.to_string();
    }
    let titles: Vec<String> = refs
        .iter()
        .map(|id| match title(id) {
            Some(t) => format!("[{id}] {t}"),
            None => format!("[{id}] ? not in docs/sources.md"),
        })
        .collect();
    format!("{source} — {}", titles.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_up_to_the_end_of_the_id() {
        assert_eq!(
            references("docs/sources.md#stage-hours: ten times; see docs/sources.md#minoh-2012."),
            ["stage-hours", "minoh-2012"]
        );
        assert!(references("assumed").is_empty());
    }

    #[test]
    fn an_unknown_entry_has_no_title() {
        assert!(title("minoh-2012").is_some());
        assert!(title("no-such-entry").is_none());
        assert!(describe("docs/sources.md#no-such-entry").contains("? not in"));
    }

    #[test]
    fn the_page_has_unique_ids() {
        let ids: Vec<&str> = entries(PAGE).iter().map(|e| e.0).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids.len(), sorted.len(), "{ids:?}");
        assert!(ids.len() >= 10, "{ids:?}");
    }
}
