//! The importer's model files: `models/opendata.toml` (which headers carry what, the
//! POI codes and the kind rules) and `models/starter_lines.toml` (per-kind starter
//! lines). Read from a models folder when it has them, else from the copies embedded
//! in the binary; every problem is a coded diagnostic at its line.

use crate::diag::{codes, Diagnostic};
use crate::io::columns::header_key;
use crate::io::trades::{parse_model_toml, read_model_text};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The importer table shipped with matome.
pub const EMBEDDED_OPENDATA: &str = include_str!("../../models/opendata.toml");
/// The starter-line profiles shipped with matome.
pub const EMBEDDED_STARTER: &str = include_str!("../../models/starter_lines.toml");

/// The fields the importer reads from a published list.
pub const FIELDS: [&str; 12] = [
    "id",
    "name",
    "category",
    "poi",
    "address",
    "city",
    "town",
    "lat",
    "lon",
    "floor_area_m2",
    "operator",
    "manager",
];

/// One kind rule: the kind written when any of `words` occurs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    /// The kind key written to facilities.csv.
    pub key: String,
    /// Its Japanese label, for the report.
    pub label: String,
    /// Words that make a facility this kind.
    pub words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenDataFile {
    columns: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    poi: BTreeMap<String, String>,
    kind: Vec<KindRule>,
}

/// `models/opendata.toml`, read.
#[derive(Debug, Clone)]
pub struct OpenDataRules {
    /// Field → folded header names, in the file's order of preference.
    pub columns: BTreeMap<String, Vec<String>>,
    /// Folded POI code → kind.
    pub poi: BTreeMap<String, String>,
    /// Kind rules, in order of precedence.
    pub kinds: Vec<KindRule>,
    /// Where the table came from, for the report.
    pub source: String,
}

/// One starter line of a profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarterLine {
    /// Trade key.
    pub trade: String,
    /// Visits a year.
    pub visits: f64,
    /// Crew-hours a visit.
    pub hours: f64,
    /// Annual cost, yen.
    pub cost_jpy: Option<f64>,
    /// Billed yen per crew-hour (cost = visits × hours × rate).
    pub rate_jpy_per_hour: Option<f64>,
    /// Payments a year.
    pub payments: u32,
    /// The line is written only from this floor area.
    pub min_floor_area_m2: Option<f64>,
    /// The figures' source, or "assumed: …".
    pub source: String,
}

impl StarterLine {
    /// The annual cost in yen.
    pub fn annual_cost(&self) -> f64 {
        self.cost_jpy
            .unwrap_or_else(|| self.visits * self.hours * self.rate_jpy_per_hour.unwrap_or(0.0))
            .round()
    }
}

/// A kind's starter profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarterKind {
    /// Kind key.
    pub key: String,
    /// Profile name.
    pub profile: String,
    /// Floor area assumed when the list gives none.
    pub floor_area_m2: Option<f64>,
    /// Where that floor area comes from.
    pub floor_area_source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StarterFile {
    kind: Vec<StarterKind>,
    profile: BTreeMap<String, Vec<StarterLine>>,
}

/// `models/starter_lines.toml`, read and checked against the trade catalogue.
#[derive(Debug, Clone)]
pub struct StarterProfiles {
    /// Kind → its profile entry.
    pub kinds: BTreeMap<String, StarterKind>,
    /// Profile name → lines.
    pub profiles: BTreeMap<String, Vec<StarterLine>>,
    /// Where the table came from, for the report.
    pub source: String,
}

/// `dir/name` when a models folder is given and has the file, else `./models/name`
/// when present, else `None` (the embedded copy).
fn model_path(models_dir: Option<&Path>, name: &str) -> Option<PathBuf> {
    let p = models_dir.unwrap_or(Path::new("models")).join(name);
    p.is_file().then_some(p)
}

fn text_of(
    models_dir: Option<&Path>,
    name: &str,
    embedded: &str,
) -> Result<(String, PathBuf, String), Vec<Diagnostic>> {
    match model_path(models_dir, name) {
        Some(p) => {
            let text = read_model_text(&p, name, "check the models folder (--models)")?;
            let shown = p.display().to_string();
            Ok((text, p, shown))
        }
        None => Ok((
            embedded.to_string(),
            PathBuf::from(format!("models/{name}")),
            format!("models/{name} (built in)"),
        )),
    }
}

/// Reads the importer table.
pub fn read_opendata(models_dir: Option<&Path>) -> Result<OpenDataRules, Vec<Diagnostic>> {
    let (text, path, shown) = text_of(models_dir, "opendata.toml", EMBEDDED_OPENDATA)?;
    parse_opendata(&text, &path, shown)
}

/// Parses the importer table; `file` is only used in diagnostics.
pub fn parse_opendata(
    text: &str,
    file: &Path,
    source: String,
) -> Result<OpenDataRules, Vec<Diagnostic>> {
    let parsed: OpenDataFile = parse_model_toml(
        text,
        file,
        "the open-data import table",
        "see the comments at the top of models/opendata.toml: [columns], [poi] and [[kind]] with key, label and words",
    )?;
    let mut diags = Vec::new();
    for field in parsed.columns.keys() {
        if !FIELDS.contains(&field.as_str()) {
            diags.push(Diagnostic::new(
                codes::MODEL_SYNTAX,
                file,
                text.find(&format!("\n{field} "))
                    .map(|o| line_of(text, o + 1)),
                Some(field),
                format!("'{field}' is not a field the importer reads"),
                format!("use one of: {}", FIELDS.join(", ")),
            ));
        }
    }
    for need in ["name", "lat", "lon"] {
        if parsed.columns.get(need).is_none_or(Vec::is_empty) {
            diags.push(Diagnostic::new(
                codes::MODEL_SYNTAX,
                file,
                None,
                Some(need),
                format!("[columns] gives no header name for '{need}'"),
                format!("add {need} = [\"…\"] under [columns]"),
            ));
        }
    }
    for k in &parsed.kind {
        if k.key.trim().is_empty() || k.words.iter().any(|w| w.trim().is_empty()) {
            diags.push(Diagnostic::new(
                codes::MODEL_SYNTAX,
                file,
                text.find(&format!("\"{}\"", k.key))
                    .map(|o| line_of(text, o)),
                Some("kind"),
                format!("kind rule '{}' has an empty key or an empty word", k.key),
                "give every [[kind]] a key and non-empty words",
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(OpenDataRules {
        columns: parsed
            .columns
            .into_iter()
            .map(|(f, names)| (f, names.iter().map(|n| header_key(n)).collect()))
            .collect(),
        poi: parsed
            .poi
            .into_iter()
            .map(|(code, kind)| (header_key(&code), kind))
            .collect(),
        kinds: parsed.kind,
        source,
    })
}

/// Reads the starter profiles and checks their trades against `trades` (the keys of
/// the trade catalogue).
pub fn read_starter(
    models_dir: Option<&Path>,
    trades: &[String],
) -> Result<StarterProfiles, Vec<Diagnostic>> {
    let (text, path, shown) = text_of(models_dir, "starter_lines.toml", EMBEDDED_STARTER)?;
    parse_starter(&text, &path, shown, trades)
}

/// Parses the starter profiles; `file` is only used in diagnostics.
pub fn parse_starter(
    text: &str,
    file: &Path,
    source: String,
    trades: &[String],
) -> Result<StarterProfiles, Vec<Diagnostic>> {
    let parsed: StarterFile = parse_model_toml(
        text,
        file,
        "the starter-line profiles",
        "see the comments at the top of models/starter_lines.toml",
    )?;
    let mut diags = Vec::new();
    let at = |needle: &str| text.find(needle).map(|o| line_of(text, o));
    for k in &parsed.kind {
        if !parsed.profiles_has(&k.profile) {
            diags.push(Diagnostic::new(
                codes::MODEL_SYNTAX,
                file,
                at(&format!("profile = \"{}\"", k.profile)),
                Some("profile"),
                format!(
                    "kind '{}' names profile '{}', which is not defined",
                    k.key, k.profile
                ),
                "define it under [profile], or name one that is",
            ));
        }
    }
    for (name, lines) in &parsed.profile {
        for l in lines {
            let line = at(&format!("trade = \"{}\"", l.trade));
            let mut bad = |what: String| {
                diags.push(Diagnostic::new(
                    codes::MODEL_SYNTAX,
                    file,
                    line,
                    Some(&l.trade),
                    format!("profile '{name}', trade '{}': {what}", l.trade),
                    "fix the line in models/starter_lines.toml",
                ))
            };
            if !trades.iter().any(|t| t == &l.trade) {
                bad("not a trade of the catalogue (models/trades.toml)".into());
            }
            let finite = |x: f64| x.is_finite() && x >= 0.0;
            if !finite(l.visits) || !finite(l.hours) {
                bad("visits and hours must be numbers ≥ 0".into());
            }
            match (l.cost_jpy, l.rate_jpy_per_hour) {
                (Some(c), None) if finite(c) => {}
                (None, Some(r)) if finite(r) => {}
                _ => bad("give exactly one of cost_jpy and rate_jpy_per_hour, ≥ 0".into()),
            }
            if !(1..=366).contains(&l.payments) {
                bad("payments must be a whole number from 1 to 366".into());
            }
            if l.source.trim().is_empty() {
                bad("every line needs a source, or \"assumed: …\" with the reason".into());
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(StarterProfiles {
        kinds: parsed
            .kind
            .into_iter()
            .map(|k| (k.key.clone(), k))
            .collect(),
        profiles: parsed.profile,
        source,
    })
}

impl StarterFile {
    fn profiles_has(&self, name: &str) -> bool {
        self.profile.contains_key(name)
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tables_parse_and_every_starter_trade_is_in_the_catalogue() {
        let rules = parse_opendata(EMBEDDED_OPENDATA, Path::new("opendata.toml"), "x".into())
            .expect("opendata.toml parses");
        assert!(rules.kinds.len() > 15);
        let cat = crate::io::parse_trades(crate::io::EMBEDDED_TRADES, Path::new("trades.toml"))
            .expect("trades parse");
        let keys: Vec<String> = cat.trades.iter().map(|t| t.key.clone()).collect();
        let starter = parse_starter(EMBEDDED_STARTER, Path::new("s.toml"), "x".into(), &keys)
            .expect("starter_lines.toml parses");
        // Every kind the rules can write has a starter profile.
        for k in &rules.kinds {
            assert!(
                starter.kinds.contains_key(&k.key),
                "no starter profile for {}",
                k.key
            );
        }
    }

    #[test]
    fn a_starter_line_with_an_unknown_trade_is_refused_at_its_line() {
        let text = "[[kind]]\nkey = \"x\"\nprofile = \"p\"\n\n[profile]\np = [\n  { trade = \"mopping\", visits = 1, hours = 1, cost_jpy = 1, payments = 1, source = \"assumed\" },\n]\n";
        let e = parse_starter(text, Path::new("s.toml"), "x".into(), &["hvac".into()])
            .expect_err("unknown trade");
        assert_eq!(e[0].line, Some(7));
        assert!(e[0].message.contains("mopping"), "{}", e[0].message);
    }
}
