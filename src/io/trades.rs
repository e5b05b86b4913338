//! Reads the trade catalogue (`models/trades.toml`), from a file or from the copy
//! embedded in the binary so that matome also works outside the checkout.

use crate::diag::{codes, Diagnostic};
use crate::model::{Trade, TradeCatalogue};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// The trade catalogue built into the binary.
pub const EMBEDDED_TRADES: &str = include_str!("../../models/trades.toml");

#[derive(Deserialize)]
struct TradesFile {
    trade: Vec<Trade>,
}

/// `None` reads the embedded catalogue.
pub fn read_trades(path: Option<&Path>) -> Result<TradeCatalogue, Vec<Diagnostic>> {
    match path {
        None => parse_trades(EMBEDDED_TRADES, Path::new("<embedded>/models/trades.toml")),
        Some(p) => match std::fs::read(p) {
            Ok(bytes) => {
                let text = super::decode::decode(&bytes).text;
                parse_trades(&text, p)
            }
            Err(e) => Err(vec![Diagnostic::new(
                codes::UNREADABLE_FILE,
                p,
                None,
                None,
                format!("cannot read the trade catalogue: {e}"),
                "give --models a folder holding trades.toml, or leave --models out to use the built-in catalogue",
            )]),
        },
    }
}

/// Parses catalogue text; `file` is only used in diagnostics.
pub fn parse_trades(text: &str, file: &Path) -> Result<TradeCatalogue, Vec<Diagnostic>> {
    let parsed: TradesFile = match toml::from_str(text) {
        Ok(p) => p,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            return Err(vec![Diagnostic::new(
                codes::MODEL_SYNTAX,
                file,
                line,
                None,
                format!("the trade catalogue cannot be read: {}", e.message()),
                "each [[trade]] needs key, name_ja, name_en, group, qualification and staffing (stationed, visit or remote)",
            )]);
        }
    };
    let mut seen = HashSet::new();
    let mut diags = Vec::new();
    for t in &parsed.trade {
        if !seen.insert(t.key.as_str()) {
            let line = text
                .find(&format!("\"{}\"", t.key))
                .map(|o| line_of(text, o));
            diags.push(Diagnostic::new(
                codes::DUPLICATE_TRADE_KEY,
                file,
                line,
                Some("key"),
                format!("trade key '{}' is defined more than once", t.key),
                "keep one [[trade]] per key",
            ));
        }
    }
    if diags.is_empty() {
        Ok(TradeCatalogue {
            trades: parsed.trade,
        })
    } else {
        Err(diags)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
