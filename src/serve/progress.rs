//! Reading the engine's progress messages for the Run page: the phase (the words
//! before the first colon or number), the objective found (the first number after the
//! colon of a message that says "after N s") and the bound ("bound N"). The engine's
//! messages are text for people (`solve::ProgressFn`); this reads the figures back so
//! the page can chart them, and says nothing when a message carries none.

/// What one message says.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The phase, e.g. `LNS`, `construction + local search`, `Lagrangian bound`.
    pub phase: String,
    /// The objective of the plan in hand, yen a year.
    pub objective: Option<f64>,
    /// A lower bound, yen a year.
    pub bound: Option<f64>,
}

/// The first number in `s` (`1234.56`, `-3`, `1e6`), finite only.
fn first_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e') {
                i += 1;
            }
            let t = s[start..i].trim_end_matches(['.', 'e']);
            return t.parse::<f64>().ok().filter(|v| v.is_finite());
        }
        i += 1;
    }
    None
}

/// Reads one progress message.
pub fn parse_progress(msg: &str) -> Step {
    let m = msg.trim();
    let cut = m
        .find(|c: char| c == ':' || c.is_ascii_digit() || c == '(')
        .unwrap_or(m.len());
    let phase = m[..cut].trim().trim_end_matches("bound").trim().to_string();
    let phase = if phase.is_empty() {
        m[..cut].trim().to_string()
    } else {
        phase
    };
    let bound = m.find("bound ").and_then(|i| first_number(&m[i + 6..]));
    let objective = match m.find(": ") {
        Some(i) if m.contains(" after ") => first_number(&m[i + 2..]),
        _ => None,
    };
    let phase = if m.starts_with("Lagrangian bound") {
        "Lagrangian bound".to_string()
    } else {
        phase
    };
    Step {
        phase,
        objective,
        bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_messages() {
        let s = parse_progress("LNS: 1234567.89 after 3.2s (LnsStats { rounds: 3 })");
        assert_eq!(s.phase, "LNS");
        assert_eq!(s.objective, Some(1234567.89));
        assert_eq!(s.bound, None);
        let s = parse_progress("MIP (8.0s limit): Optimal, 100.50, bound 99.25 after 1.0s");
        assert_eq!(s.phase, "MIP");
        assert_eq!(s.objective, Some(100.5));
        assert_eq!(s.bound, Some(99.25));
        let s = parse_progress("Lagrangian bound 555.00 (40 iterations)");
        assert_eq!(s.phase, "Lagrangian bound");
        assert_eq!(s.objective, None);
        assert_eq!(s.bound, Some(555.0));
        let s = parse_progress("setagaya: 640 units, 640 hubs, 9000 candidate arcs, mode Auto");
        assert_eq!(s.phase, "setagaya");
        assert_eq!(s.objective, None);
        let s = parse_progress("full MIP: 10.00, bound inf after 2.0s");
        assert_eq!(s.objective, Some(10.0));
        assert_eq!(s.bound, None);
    }
}
