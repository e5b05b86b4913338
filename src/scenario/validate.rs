//! Scenario checks serde cannot make: ranges and combinations of keys, each refused
//! with the dotted key and what it may be.

use super::*;

impl Scenario {
    /// Checks what serde cannot: ranges and combinations.
    pub fn validate(&self, file: &Path) -> Result<(), ScenarioError> {
        let bad = |key: &str, message: String| {
            Err(ScenarioError::Invalid {
                file: file.to_path_buf(),
                key: key.into(),
                message,
            })
        };
        if self.name.trim().is_empty()
            || self.name.contains(['/', '\\'])
            || self.name == "."
            || self.name == ".."
        {
            return bad(
                "name",
                format!(
                    "{:?} cannot name an output folder; use letters, digits, - or _",
                    self.name
                ),
            );
        }
        let l = &self.limits;
        if let Some(h) = l.max_labour_hours {
            if !(h.is_finite() && h > 0.0) {
                return bad(
                    "limits.max_labour_hours",
                    format!("{h} must be a positive number of hours"),
                );
            }
        }
        if let Some(v) = l.max_value_jpy {
            if v <= 0 {
                return bad("limits.max_value_jpy", format!("{v} must be positive yen"));
            }
        }
        if let Some(v) = l.min_value_jpy {
            if v < 0 {
                return bad(
                    "limits.min_value_jpy",
                    format!("{v} must be zero or positive yen"),
                );
            }
        }
        if let (Some(lo), Some(hi)) = (l.min_value_jpy, l.max_value_jpy) {
            if lo > hi {
                return bad(
                    "limits.min_value_jpy",
                    format!("{lo} is above limits.max_value_jpy {hi}"),
                );
            }
        }
        if l.max_facilities == Some(0) {
            return bad("limits.max_facilities", "must be at least 1".into());
        }
        if let Some(d) = l.max_distance_km {
            if !(d.is_finite() && d > 0.0) {
                return bad(
                    "limits.max_distance_km",
                    format!("{d} must be a positive number of km"),
                );
            }
        }
        if l.min_bidders == Some(0) || l.min_bidders.is_some_and(|k| k > 1000) {
            return bad(
                "limits.min_bidders",
                "must be a whole number of firms from 1 to 1000".into(),
            );
        }
        let c = self.replan.change_cost_jpy;
        if !(c.is_finite() && (0.0..=1e12).contains(&c)) {
            return bad(
                "replan.change_cost_jpy",
                format!("{c} must be zero or a positive number of yen up to 1e12"),
            );
        }
        let b = &self.bundles;
        if b.count.is_some() && (b.min.is_some() || b.max.is_some()) {
            return bad(
                "bundles.count",
                "give either `count` or `min`/`max`, not both".into(),
            );
        }
        if b.count == Some(0) || b.max == Some(0) {
            return bad("bundles", "a plan needs at least one bundle".into());
        }
        if let (Some(lo), Some(hi)) = (b.min, b.max) {
            if lo > hi {
                return bad("bundles.min", format!("{lo} is above bundles.max {hi}"));
            }
        }
        let c = &self.costs;
        for (key, v) in [
            ("costs.yen_per_staff_hour", c.yen_per_staff_hour),
            ("costs.yen_per_km", c.yen_per_km),
        ] {
            if !(v.is_finite() && (0.0..=MAX_YEN_RATE).contains(&v)) {
                return bad(key, format!("{v} must be between 0 and {MAX_YEN_RATE} yen"));
            }
        }
        if !(c.detour_factor.is_finite() && (1.0..=MAX_DETOUR).contains(&c.detour_factor)) {
            return bad(
                "costs.detour_factor",
                format!(
                    "{} must be between 1 (roads are never shorter than the great circle) and {MAX_DETOUR}",
                    c.detour_factor
                ),
            );
        }
        if !(c.vendor_base_km.is_finite() && (0.0..=200.0).contains(&c.vendor_base_km)) {
            return bad(
                "costs.vendor_base_km",
                format!("{} must be a distance from 0 to 200 km", c.vendor_base_km),
            );
        }
        if self
            .solver
            .work_limit
            .is_some_and(|w| !(1..=1_000_000_000_000).contains(&w))
        {
            return bad(
                "solver.work_limit",
                "must be a whole number of engine steps from 1 to 10^12".into(),
            );
        }
        let s = &self.solver;
        if !(s.time_limit_s.is_finite()
            && s.time_limit_s > 0.0
            && s.time_limit_s <= MAX_TIME_LIMIT_S)
        {
            return bad(
                "solver.time_limit_s",
                format!(
                    "{} must be positive seconds, at most {MAX_TIME_LIMIT_S} (one week)",
                    s.time_limit_s
                ),
            );
        }
        if !(s.rel_gap.is_finite() && (0.0..1.0).contains(&s.rel_gap)) {
            return bad("solver.rel_gap", format!("{} must be in [0, 1)", s.rel_gap));
        }
        if !(1..=MAX_THREADS).contains(&s.threads) {
            return bad(
                "solver.threads",
                format!("{} must be between 1 and {MAX_THREADS}", s.threads),
            );
        }
        if let Some(k) = self.hub_kinds.iter().find(|k| k.trim().is_empty()) {
            return bad(
                "hub_kinds",
                format!("{k:?}: 空の種別は指定できません / an empty facility kind names nothing"),
            );
        }
        if let Some(p) = &self.phase {
            validate_phase(p, &self.costs).map_err(|(key, message)| ScenarioError::Invalid {
                file: file.to_path_buf(),
                key: key.into(),
                message,
            })?;
        }
        let mut seen = std::collections::HashSet::new();
        for g in self.trade_groups.together.iter().flatten() {
            if !seen.insert(g) {
                return bad(
                    "trade_groups.together",
                    format!("group `{g}` appears in more than one set"),
                );
            }
        }
        Ok(())
    }
}

/// The ranges of `[phase]`; messages in Japanese, then English.
fn validate_phase(p: &Phase, costs: &Costs) -> Result<(), (&'static str, String)> {
    let (lo, hi) = (*PHASE_YEARS.start(), *PHASE_YEARS.end());
    let year = |key: &'static str, v: Option<i32>| {
        match v {
        None => Err((
            key,
            format!("[phase] には年度（{lo}〜{hi} の西暦、4月始まり）が必要です / required: a fiscal year from {lo} to {hi} (April–March)"),
        )),
        Some(y) if !PHASE_YEARS.contains(&y) => Err((
            key,
            format!("{y} は範囲外です（{lo}〜{hi}） / {y} is out of range: give a fiscal year from {lo} to {hi}"),
        )),
        Some(y) => Ok(y),
    }
    };
    let first = year("phase.first_year", p.first_year)?;
    let last = year("phase.last_year", p.last_year)?;
    if last < first {
        return Err((
            "phase.last_year",
            format!("{last} は first_year {first} より前です / {last} is before phase.first_year {first}"),
        ));
    }
    if last - first + 1 > PHASE_MAX_YEARS {
        return Err((
            "phase.last_year",
            format!(
                "期間は最大 {PHASE_MAX_YEARS} 年度です（{first}〜{last} は {} 年度） / the period may span at most {PHASE_MAX_YEARS} fiscal years ({first}–{last} spans {})",
                last - first + 1,
                last - first + 1
            ),
        ));
    }
    if !(p.min_share.is_finite() && p.min_share > 0.0 && p.min_share <= 1.0) {
        return Err((
            "phase.min_share",
            format!(
                "{} は 0 より大きく 1 以下の割合で指定してください / {} must be a share above 0 and at most 1",
                p.min_share, p.min_share
            ),
        ));
    }
    match p.termination_cost_jpy_per_month {
        Some(c) if !(c.is_finite() && c >= 0.0) => {
            return Err((
                "phase.termination_cost_jpy_per_month",
                format!("{c} は 0 以上の円で指定してください / {c} must be zero or positive yen"),
            ))
        }
        None if p.policy == PhasePolicy::Terminate => {
            return Err((
                "phase.termination_cost_jpy_per_month",
                "policy = \"terminate\" には中途解約の費用（残り1か月あたりの円、0 以上）が必要です / required under policy = \"terminate\": yen per remaining month, zero or more".into(),
            ))
        }
        _ => {}
    }
    if p.policy == PhasePolicy::Terminate && costs.yen_per_staff_hour <= 0.0 {
        return Err((
            "costs.yen_per_staff_hour",
            "policy = \"terminate\" では解約費用を職員時間に換算するため 0 より大きい値が必要です / must be positive under phase.policy = \"terminate\": termination yen are weighed against staff hours at this rate".into(),
        ));
    }
    if !(p.end_year_mixing_jpy.is_finite() && p.end_year_mixing_jpy >= 0.0) {
        return Err((
            "phase.end_year_mixing_jpy",
            format!(
                "{} は 0 以上の円で指定してください / {} must be zero or positive yen",
                p.end_year_mixing_jpy, p.end_year_mixing_jpy
            ),
        ));
    }
    if p.max_launches_per_year == Some(0) {
        return Err((
            "phase.max_launches_per_year",
            "1 以上で指定してください（上限なしなら省略） / must be at least 1 (leave it out for no cap)".into(),
        ));
    }
    Ok(())
}
