//! Reading the engine's progress messages for the Run page: the phase (the words
//! before the first colon or number), the objective found (the first number after the
//! colon of a message that says "after N s") and the bound ("bound N"). The engine's
//! messages are text for people (`solve::ProgressFn`); this reads the figures back so
//! the page can chart them, and says nothing when a message carries none.
//!
//! A ward the engine splits into independent parts (one per area under
//! `within_area`) reports each part's search interleaved with the others', so there
//! a figure of one message is no figure of the whole plan: the `Tracker` then charts
//! the sums over the parts finished so far (each part's final objective and bound),
//! which become the whole plan's when the last part is done.

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
    // The bound's number follows "bound " at once ("bound inf" is no bound).
    let bound = m.find("bound ").and_then(|i| {
        let rest = &m[i + 6..];
        rest.starts_with(|c: char| c.is_ascii_digit() || c == '-')
            .then(|| first_number(rest))
            .flatten()
    });
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

/// Follows one solve's messages and gives the figures of the whole plan.
#[derive(Debug, Default)]
pub struct Tracker {
    parts: Option<usize>,
    finished: std::collections::BTreeMap<usize, (f64, Option<f64>)>,
    objective: Option<f64>,
    bound: Option<f64>,
}

/// What the Run page shows after a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// The phase in words.
    pub phase: String,
    /// The objective of the plan (or of the parts finished), yen a year.
    pub objective: Option<f64>,
    /// Its lower bound.
    pub bound: Option<f64>,
    /// True when the figures cover only the parts finished so far.
    pub partial: bool,
}

/// `part 3: …` → 3.
fn part_number(m: &str) -> Option<usize> {
    let i = m.find(" part ")?;
    let rest = &m[i + 6..];
    let end = rest.find(':')?;
    rest[..end].trim().parse().ok()
}

impl Tracker {
    /// Reads one message; the figures change only when it carries some.
    pub fn feed(&mut self, msg: &str) -> Figures {
        let m = msg.trim();
        let step = parse_progress(m);
        let mut phase = step.phase.clone();
        if m.contains(" independent parts") {
            self.parts = m
                .find(": ")
                .and_then(|i| first_number(&m[i + 2..]))
                .map(|n| n as usize);
        }
        // A part's or the whole plan's last word: "NAME[ part K]: OBJ (bound B, SOURCE) after".
        let is_final = m.contains("(bound ") && m.contains(") after") && {
            let i = m.find("(bound ").unwrap_or(0);
            m[i..].contains(", ")
        };
        match (self.parts, part_number(m)) {
            (Some(n), Some(k)) => {
                if is_final {
                    if let Some(o) = step.objective {
                        self.finished.insert(k, (o, step.bound));
                    }
                }
                phase = format!(
                    "part {k} / {n}: {}",
                    if is_final { "finished" } else { "started" }
                );
                if self.finished.len() < n {
                    phase = format!("{phase} ({} / {n} parts finished)", self.finished.len());
                }
                self.objective = Some(self.finished.values().map(|p| p.0).sum());
                self.bound = self.finished.values().map(|p| p.1).sum::<Option<f64>>();
            }
            (Some(n), None) if is_final => {
                // The whole plan.
                self.objective = step.objective;
                self.bound = step.bound;
                self.finished.clear();
                self.parts = Some(n);
                return Figures {
                    phase: "finished".into(),
                    objective: self.objective,
                    bound: self.bound,
                    partial: false,
                };
            }
            (Some(n), None) => {
                phase = format!("{phase} ({} / {n} parts finished)", self.finished.len());
            }
            (None, _) => {
                if let Some(o) = step.objective {
                    if self.objective.is_none_or(|b| o < b) {
                        self.objective = Some(o);
                    }
                }
                if let Some(b) = step.bound {
                    if self.bound.is_none_or(|x| b > x) {
                        self.bound = Some(b);
                    }
                }
            }
        }
        let partial = self.parts.is_some_and(|n| n > 1 && self.finished.len() < n);
        Figures {
            phase,
            objective: self
                .objective
                .filter(|_| self.parts.is_none() || !self.finished.is_empty()),
            bound: self
                .bound
                .filter(|_| self.parts.is_none() || !self.finished.is_empty()),
            partial,
        }
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

    /// The messages of `matome plan datasets/tiny --verbose` (two parts, in parallel).
    #[test]
    fn two_parts_interleaved() {
        let msgs = [
            "baseline: 2 independent parts, 2 at a time",
            "baseline part 1: 4 units, 4 hubs, 16 candidate arcs, mode Exact",
            "construction + local search: 925154.00 after 0.0s",
            "baseline part 2: 3 units, 3 hubs, 9 candidate arcs, mode Exact",
            "construction + local search: 861380.40 after 0.0s",
            "  Lagrangian start 0: 931447.65, settled 925154.00",
            "Lagrangian heuristic: 925154.00 (bound 925154.00) after 0.0s",
            "baseline part 1: 925154.00 (bound 925154.00, Lagrangian (exact knapsacks)) after 0.0s",
            "the Lagrangian bound proves the plan optimal",
            "Lagrangian heuristic: 861380.40 (bound 861380.40) after 0.0s",
            "baseline part 2: 861380.40 (bound 861380.40, Lagrangian (exact knapsacks)) after 0.0s",
            "baseline: 1786534.41 (bound 1786534.41, Lagrangian (exact knapsacks)) after 0.0s",
        ];
        let mut t = Tracker::default();
        let f: Vec<Figures> = msgs.iter().map(|m| t.feed(m)).collect();
        // Nothing before a part has finished: a part's search is no figure of the plan.
        assert_eq!(f[4].objective, None);
        assert_eq!(f[6].objective, None);
        assert_eq!(f[7].objective, Some(925154.0));
        assert_eq!(f[7].bound, Some(925154.0));
        assert!(f[7].partial);
        assert_eq!(f[9].objective, Some(925154.0));
        assert!((f[10].objective.unwrap() - 1786534.4).abs() < 1e-6);
        assert!(!f[10].partial);
        assert_eq!(f[11].objective, Some(1786534.41));
        assert_eq!(f[11].bound, Some(1786534.41));
        assert!(!f[11].partial);
    }

    #[test]
    fn one_part_keeps_the_best() {
        let mut t = Tracker::default();
        t.feed("p: 100 units, 100 hubs, 3000 candidate arcs, mode Heuristic");
        assert_eq!(
            t.feed("construction + local search: 500.00 after 0.1s")
                .objective,
            Some(500.0)
        );
        assert_eq!(
            t.feed("VNS: 450.00 after 0.5s (1 moves, 0 shakes, 0 restarts)")
                .objective,
            Some(450.0)
        );
        let f = t.feed("Lagrangian heuristic: 470.00 (bound 400.00) after 0.6s");
        assert_eq!(f.objective, Some(450.0));
        assert_eq!(f.bound, Some(400.0));
        let f = t.feed("Lagrangian bound 420.00 (30 iterations)");
        assert_eq!(f.bound, Some(420.0));
        assert!(!f.partial);
    }
}
