//! The sweep comparison: comparison.csv (UTF-8 with BOM), comparison.md and a
//! self-contained comparison.html with an SVG chart of contract count against annual
//! travel, hours freed as labels, Pareto-efficient scenarios marked, and
//! comparison.xlsx with the same table for filing.

use super::{esc, write_files, OutputError};
use crate::plan::sweep::Row;
use crate::text::{fixed, thousands as group};
use std::fmt::Write;
use std::path::{Path, PathBuf};

const HEADER: [&str; 15] = [
    "scenario",
    "outcome",
    "pareto_efficient",
    "contracts",
    "bundles",
    "staff_hours_freed",
    "fte_freed",
    "travel_km_year",
    "largest_value_jpy",
    "bundles_over_soft_threshold",
    "fewest_bidders",
    "in_ward_share",
    "gap",
    "solver_status",
    "reason",
];

/// Columns added before `reason` when some scenario of the sweep has `[phase]`.
const PHASE_HEADER: [&str; 4] = [
    "phase_last_year",
    "phase_cum_hours_freed_net",
    "phase_termination_cost_jpy",
    "phase_bundles_after_period",
];

/// Some row has a phase-in: the comparison then shows its totals.
fn phased(rows: &[Row]) -> bool {
    rows.iter()
        .any(|r| r.figures.as_ref().is_some_and(|f| f.phase.is_some()))
}

fn phase_cells(r: &Row) -> Vec<String> {
    match r.figures.as_ref().and_then(|f| f.phase.as_ref()) {
        Some(p) => vec![
            p.last_year.to_string(),
            fixed(p.cum_net_hours, 1),
            fixed(p.termination_jpy, 0),
            p.after_period.to_string(),
        ],
        None => vec![String::new(); PHASE_HEADER.len()],
    }
}

fn cells(r: &Row) -> Vec<String> {
    // Scenario names and reasons come from the sweep file: text, never a formula.
    let mut v = vec![
        crate::text::inert(&r.name).into_owned(),
        r.outcome.to_string(),
        r.pareto.to_string(),
    ];
    match &r.figures {
        Some(f) => v.extend([
            f.contracts.to_string(),
            f.bundles.to_string(),
            fixed(f.staff_hours_freed, 1),
            fixed(f.fte_freed, 2),
            fixed(f.travel_km_year, 1),
            f.largest_value.to_string(),
            f.over_soft.to_string(),
            f.fewest_bidders.map(|b| b.to_string()).unwrap_or_default(),
            f.in_ward_share.map(|x| fixed(x, 4)).unwrap_or_default(),
            if f.gap.is_finite() {
                fixed(f.gap, 4)
            } else {
                String::new()
            },
            f.solver_status.clone(),
        ]),
        None => v.extend(std::iter::repeat_n(String::new(), 11)),
    }
    v.push(crate::text::inert(&r.reason).into_owned());
    v
}

/// comparison.csv: one row per scenario, UTF-8 with a BOM.
pub fn csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let phase = phased(rows);
    let with_phase = |mut v: Vec<String>, extra: Vec<String>| {
        if phase {
            let reason = v.pop().expect("a row ends with its reason");
            v.extend(extra);
            v.push(reason);
        }
        v
    };
    let header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    w.write_record(with_phase(
        header,
        PHASE_HEADER.iter().map(|h| h.to_string()).collect(),
    ))
    .expect("memory");
    for r in rows {
        w.write_record(with_phase(cells(r), phase_cells(r)))
            .expect("memory");
    }
    let body = w.into_inner().expect("memory");
    ["\u{FEFF}".as_bytes(), &body].concat()
}

/// comparison.md: the table as Markdown.
pub fn markdown(title: &str, rows: &[Row]) -> String {
    let mut s = format!("# シナリオ比較 Scenario comparison — {title}\n\n");
    let phase = phased(rows);
    if phase {
        s.push_str(PHASE_NOTE);
        s.push_str("\n\n");
    }
    s.push_str("| Scenario | Outcome | Pareto | Contracts | Hours freed | FTE | Travel km/yr | Largest ¥ | Over soft | Fewest bidders | In-ward % | Gap % |");
    s.push_str(if phase {
        " 段階導入 累計純削減 Phase-in cumulative net h | Reason |\n|---|---|:-:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    } else {
        " Reason |\n|---|---|:-:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    });
    for r in rows {
        let ph = if phase {
            format!(" {} |", phase_text(r))
        } else {
            String::new()
        };
        let _ = match &r.figures {
            Some(f) => writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |{ph} |",
                r.name,
                r.outcome,
                if r.pareto { "★" } else { "" },
                f.contracts,
                group(f.staff_hours_freed.round() as i64),
                fixed(f.fte_freed, 1),
                group(f.travel_km_year.round() as i64),
                group(f.largest_value),
                f.over_soft,
                f.fewest_bidders.map(|b| b.to_string()).unwrap_or_default(),
                f.in_ward_share
                    .map(|x| fixed(100.0 * x, 1))
                    .unwrap_or_default(),
                if f.gap.is_finite() {
                    fixed(100.0 * f.gap, 2)
                } else {
                    "?".into()
                }
            ),
            None => writeln!(
                s,
                "| {} | {} | | | | | | | | | | |{ph} {} |",
                r.name,
                r.outcome,
                r.reason.replace('|', "/")
            ),
        };
    }
    s
}

/// What the phase-in column holds.
const PHASE_NOTE: &str = "段階導入 Phase-in: 期間最終年度までの累計削減時間（準備時間を差し引き） staff hours freed from the first to the last fiscal year of the scenario's [phase], net of the bundles' launch hours; 解約費用 early-termination yen and bundles not started in the period in brackets.";

/// "66,420 h (FY2028)", with termination and deferred bundles when there are any.
fn phase_text(r: &Row) -> String {
    match r.figures.as_ref().and_then(|f| f.phase.as_ref()) {
        Some(p) => {
            let mut t = format!(
                "{} h (FY{})",
                group(p.cum_net_hours.round() as i64),
                p.last_year
            );
            if p.termination_jpy > 0.0 {
                t.push_str(&format!(" ¥{}", group(p.termination_jpy.round() as i64)));
            }
            if p.after_period > 0 {
                t.push_str(&format!(" [{} 期間外 after]", p.after_period));
            }
            t
        }
        None => String::new(),
    }
}

/// Scatter of contracts (x) against travel (y); labels are hours freed.
fn chart(rows: &[Row]) -> String {
    let pts: Vec<(&Row, f64, f64, f64)> = rows
        .iter()
        .filter_map(|r| {
            r.figures
                .as_ref()
                .map(|f| (r, f.contracts as f64, f.travel_km_year, f.staff_hours_freed))
        })
        .collect();
    let (w, h, ml, mb, mt, mr) = (760.0, 460.0, 80.0, 50.0, 20.0, 180.0);
    let xmax = pts.iter().map(|p| p.1).fold(1.0, f64::max) * 1.05;
    let ymax = pts.iter().map(|p| p.2).fold(1.0, f64::max) * 1.1;
    // Contract counts span orders of magnitude (thousands today, tens after): log x.
    let lx = |x: f64| (x.max(1.0)).ln() / xmax.ln().max(1e-9);
    let sx = |x: f64| ml + lx(x) * (w - ml - mr);
    let sy = |y: f64| h - mb - y / ymax * (h - mb - mt);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="契約数と移動距離 Contracts against travel"><rect width="{w}" height="{h}" fill="#fbfbf8"/>"##
    );
    let _ = write!(
        s,
        r##"<line x1="{ml}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#444"/><line x1="{ml}" y1="{mt}" x2="{ml}" y2="{:.1}" stroke="#444"/>"##,
        h - mb,
        w - mr,
        h - mb,
        h - mb
    );
    for t in [1.0, 10.0, 100.0, 1000.0, 10000.0] {
        if t <= xmax {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
                sx(t),
                h - mb + 16.0,
                group(t as i64)
            );
        }
    }
    for k in 0..=4 {
        let y = ymax * k as f64 / 4.0;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"#,
            ml - 6.0,
            sy(y) + 4.0,
            group(y.round() as i64)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">契約数 Contracts (log scale)</text><text x="14" y="{:.1}" font-size="12" transform="rotate(-90 14 {:.1})" text-anchor="middle">移動距離 Travel km / year</text>"#,
        ml + (w - ml - mr) / 2.0,
        h - 10.0,
        h / 2.0,
        h / 2.0
    );
    // Each point is labelled with its row's number in the table (★ on the Pareto
    // front), placed where it covers no other label nor point: a dozen names or
    // figures at one spot used to pile onto each other.
    let mut labels = super::svg::Labels::default();
    for (_, x, y, _) in &pts {
        labels.reserve(sx(*x) - 5.0, sy(*y) - 5.0, 10.0, 10.0);
    }
    let mut texts = String::new();
    for (r, x, y, freed) in &pts {
        let (cx, cy) = (sx(*x), sy(*y));
        let n = rows
            .iter()
            .position(|q| std::ptr::eq(q, *r))
            .map_or(0, |i| i + 1);
        let fill = if r.outcome == "status quo" {
            "#888"
        } else if r.pareto {
            "#c0392b"
        } else {
            "#2e6da4"
        };
        let mark = if r.pareto { "★" } else { "" };
        let _ = write!(
            s,
            r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{fill}"><title>{}</title></circle>"#,
            esc(&format!(
                "{n}. {}: {} contracts, {} km/yr, {} h freed",
                r.name,
                x,
                y.round(),
                freed.round()
            )),
        );
        labels.place(
            &mut texts,
            &format!("{mark}{n}"),
            cx,
            cy,
            11.0,
            fill,
            false,
            (w, h - mb),
        );
    }
    s.push_str(&texts);
    s.push_str("</svg>");
    s
}

/// comparison.html: the chart and the table, self-contained.
pub fn html(title: &str, rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<title>シナリオ比較 Scenario comparison — {t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>シナリオ比較 Scenario comparison — {t}</h1>\n\
         <p class=\"note\">★ = パレート効率 Pareto-efficient: no other row has at most as many contracts, at most as much travel and at least as many staff hours freed, and is better on one. Numbers on the chart: the row (#) of the table; hover a point for its figures.</p>\n",
        t = esc(title)
    );
    s.push_str(&chart(rows));
    let phase = phased(rows);
    if phase {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(PHASE_NOTE));
    }
    s.push_str("\n<table>\n<thead><tr>");
    let mut heads = vec![
        "#",
        "シナリオ Scenario",
        "結果 Outcome",
        "★",
        "契約数 Contracts",
        "削減時間 Hours freed",
        "FTE",
        "移動 Travel km/yr",
        "最大契約額 Largest ¥",
        "閾値超 Over soft",
        "最少入札者 Fewest bidders",
        "区内業者 In-ward %",
        "Gap %",
    ];
    if phase {
        heads.push("段階導入 累計純削減 Phase-in cumulative net h");
    }
    heads.push("理由 Reason");
    for hd in heads {
        let _ = write!(s, "<th>{hd}</th>");
    }
    s.push_str("</tr></thead>\n");
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(s, "<tr><td>{}</td>", i + 1);
        let mut c: Vec<String> = match &r.figures {
            Some(f) => vec![
                esc(&r.name),
                esc(r.outcome),
                if r.pareto {
                    "★".into()
                } else {
                    String::new()
                },
                group(f.contracts as i64),
                group(f.staff_hours_freed.round() as i64),
                fixed(f.fte_freed, 1),
                group(f.travel_km_year.round() as i64),
                group(f.largest_value),
                f.over_soft.to_string(),
                f.fewest_bidders.map(|b| b.to_string()).unwrap_or_default(),
                f.in_ward_share
                    .map(|x| fixed(100.0 * x, 1))
                    .unwrap_or_default(),
                if f.gap.is_finite() {
                    fixed(100.0 * f.gap, 2)
                } else {
                    "?".into()
                },
                String::new(),
            ],
            None => {
                let mut v = vec![esc(&r.name), esc(r.outcome)];
                v.extend(std::iter::repeat_n(String::new(), 10));
                v.push(esc(&r.reason));
                v
            }
        };
        if phase {
            let reason = c.pop().expect("a row ends with its reason");
            c.push(esc(&phase_text(r)));
            c.push(reason);
        }
        for x in c {
            let _ = write!(s, "<td>{x}</td>");
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n</body>\n</html>\n");
    s
}

/// Writes comparison.csv, .md and .html into `out_dir` atomically.
pub fn write(out_dir: &Path, title: &str, rows: &[Row]) -> Result<Vec<PathBuf>, OutputError> {
    write_files(
        out_dir,
        &[
            ("comparison.html", html(title, rows).into_bytes()),
            ("comparison.xlsx", xlsx(title, rows)?),
            ("comparison.md", markdown(title, rows).into_bytes()),
            ("comparison.csv", csv(rows)),
        ],
    )
}

/// comparison.xlsx: the comparison table as an Excel table, Japanese labels first.
pub fn xlsx(title: &str, rows: &[Row]) -> Result<Vec<u8>, super::workbook::WorkbookError> {
    use super::workbook::{workbook, Cell, Sheet};
    let h = |ja: &str, en: &str| (ja.to_string(), en.to_string());
    let phase = phased(rows);
    let body = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                Cell::text(&r.name),
                Cell::text(r.outcome),
                Cell::text(if r.pareto { "★" } else { "" }),
            ];
            match &r.figures {
                Some(f) => v.extend([
                    Cell::Count(f.contracts as i64),
                    Cell::Count(f.bundles as i64),
                    Cell::Hours(f.staff_hours_freed),
                    Cell::Number(f.fte_freed),
                    Cell::Km(f.travel_km_year),
                    Cell::Yen(f.largest_value as f64),
                    Cell::Count(f.over_soft as i64),
                    f.fewest_bidders
                        .map_or(Cell::Empty, |b| Cell::Count(b as i64)),
                    f.in_ward_share.map_or(Cell::Empty, Cell::Share),
                    if f.gap.is_finite() {
                        Cell::Share(f.gap)
                    } else {
                        Cell::Empty
                    },
                    Cell::text(&f.solver_status),
                ]),
                None => v.extend(std::iter::repeat_n(Cell::Empty, 11)),
            }
            if phase {
                match r.figures.as_ref().and_then(|f| f.phase.as_ref()) {
                    Some(p) => v.extend([
                        Cell::Count(i64::from(p.last_year)),
                        Cell::Hours(p.cum_net_hours),
                        Cell::Yen(p.termination_jpy),
                        Cell::Count(p.after_period as i64),
                    ]),
                    None => v.extend(std::iter::repeat_n(Cell::Empty, 4)),
                }
            }
            v.push(Cell::text(&r.reason));
            v
        })
        .collect();
    let mut header = vec![
        h("シナリオ", "Scenario"),
        h("結果", "Outcome"),
        h("パレート", "Pareto"),
        h("契約数", "Contracts"),
        h("包括契約", "Bundles"),
        h("削減時間 h/年", "Hours freed"),
        h("削減 FTE", "FTE freed"),
        h("移動距離 km/年", "Travel km/yr"),
        h("最大契約額 円", "Largest ¥"),
        h("目安超過", "Over soft"),
        h("最少入札者数", "Fewest bidders"),
        h("区内業者割合", "In-ward share"),
        h("ギャップ", "Gap"),
        h("状態", "Status"),
    ];
    if phase {
        header.extend([
            h("段階導入 最終年度", "Phase last FY"),
            h("累計純削減 h", "Phase cum. net hours"),
            h("解約費用 円", "Termination ¥"),
            h("期間外", "Bundles after period"),
        ]);
    }
    header.push(h("理由", "Reason"));
    workbook(&[Sheet {
        name: "比較".into(),
        notes: vec![format!("シナリオ比較 Scenario comparison — {title}")],
        header,
        rows: body,
    }])
}

const STYLE: &str = "body{font-family:'Hiragino Sans','Noto Sans JP','Yu Gothic',sans-serif;margin:24px;color:#222;max-width:1100px}\
h1{font-size:22px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
td:first-child,th:first-child,td:last-child{text-align:left}.note{color:#555;font-size:13px}svg{display:block;margin:8px 0}";
