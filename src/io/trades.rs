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
        Some(p) => parse_trades(
            &read_model_text(
                p,
                "the trade catalogue",
                "give --models a folder holding trades.toml, or leave --models out to use the built-in catalogue",
            )?,
            p,
        ),
    }
}

/// The text of a model file (any encoding the dataset readers take), or the coded
/// diagnostic saying why it cannot be read; `what` and `action` word the message.
pub(crate) fn read_model_text(
    path: &Path,
    what: &str,
    action: &str,
) -> Result<String, Vec<Diagnostic>> {
    match super::read_regular(path) {
        Ok(bytes) => Ok(super::decode::decode(&bytes).text),
        Err(e) => Err(vec![Diagnostic::new(
            codes::UNREADABLE_FILE,
            path,
            None,
            None,
            format!("cannot read {what}: {e}"),
            action,
        )]),
    }
}

/// Parses catalogue text; `file` is only used in diagnostics.
pub fn parse_trades(text: &str, file: &Path) -> Result<TradeCatalogue, Vec<Diagnostic>> {
    let parsed: TradesFile = parse_model_toml(
        text,
        file,
        "the trade catalogue",
        "each [[trade]] needs key, name_ja, name_en, group, qualification and staffing (stationed, visit or remote)",
    )?;
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

/// A model file's TOML, or the MODEL_SYNTAX diagnostic at the line of the error;
/// `what` and `action` word the message.
pub(crate) fn parse_model_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &Path,
    what: &str,
    action: &str,
) -> Result<T, Vec<Diagnostic>> {
    toml::from_str(text).map_err(|e| {
        vec![Diagnostic::new(
            codes::MODEL_SYNTAX,
            file,
            e.span().map(|s| line_of(text, s.start)),
            None,
            format!("{what} cannot be read: {}", e.message()),
            action,
        )]
    })
}

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
