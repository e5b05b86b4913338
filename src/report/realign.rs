//! The realignment section of a replan (`matome plan --from`), shared by report.html
//! and report.md: what changed in the dataset, how many facilities moved, what
//! stability costs, and per bundle the facilities kept, gained and lost.

use crate::replan::Realignment;
use crate::text::thousands;

/// (label, value) pairs, Japanese first.
pub fn facts(r: &Realignment) -> Vec<(String, String)> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "なし none".to_string()
        } else if v.len() > 12 {
            format!("{} … ({})", v[..12].join(", "), v.len())
        } else {
            format!("{} ({})", v.join(", "), v.len())
        }
    };
    let mut out = vec![
        ("前回の計画 Earlier plan".to_string(), r.from.clone()),
        (
            "新しい施設 New facilities".to_string(),
            list(&r.new_facilities),
        ),
        (
            "廃止された施設 Closed facilities".to_string(),
            list(&r.closed_facilities),
        ),
        (
            "業務が変わった施設 Facilities whose lines changed".to_string(),
            list(&r.changed_facilities),
        ),
        (
            "移動した施設 Facilities moved".to_string(),
            format!(
                "{} of {} ({:.1} %)",
                r.moved,
                r.common,
                if r.common > 0 {
                    100.0 * r.moved as f64 / r.common as f64
                } else {
                    0.0
                }
            ),
        ),
        (
            "変更費用 Change cost".to_string(),
            format!(
                "¥{} per facility moved",
                thousands(r.change_cost_jpy.round() as i64)
            ),
        ),
        (
            "目的関数(変更費用を除く) Objective without change costs".to_string(),
            format!(
                "¥{} / yr",
                thousands(r.objective_without_change_cost.round() as i64)
            ),
        ),
    ];
    if let Some((obj, moved)) = r.fresh {
        out.push((
            "安定の費用 Cost of stability".to_string(),
            format!(
                "¥{} / yr: a fresh plan costs ¥{} / yr and would move {} facilities",
                thousands((r.objective_without_change_cost - obj).round() as i64),
                thousands(obj.round() as i64),
                moved
            ),
        ));
    }
    out
}

/// Per bundle: id, kept, gained, lost, locked.
pub fn rows(r: &Realignment) -> Vec<[String; 5]> {
    r.bundles
        .iter()
        .map(|b| {
            [
                b.bundle.clone(),
                b.kept.to_string(),
                b.gained.to_string(),
                b.lost.to_string(),
                if b.locked {
                    "固定 locked".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect()
}

/// The table's header.
pub const HEADER: [&str; 5] = [
    "包括契約 Bundle",
    "継続 Kept",
    "追加 Gained",
    "離脱 Lost",
    "固定 Locked",
];
