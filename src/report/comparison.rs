//! The sweep comparison: comparison.csv (UTF-8 with BOM), comparison.md and a
//! self-contained comparison.html with an SVG chart of contract count against annual
//! travel, hours freed as labels, Pareto-efficient scenarios marked, and
//! comparison.xlsx with the same table for filing.

use super::{esc, write_files, OutputError};
use crate::plan::sweep::Row;
use crate::text::{fixed, thousands as group};
use std::fmt::Write;
use std::path::{Path, PathBuf};

const HEADER: [&str; 13] = [
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
    "gap",
    "solver_status",
    "reason",
];

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
            if f.gap.is_finite() {
                fixed(f.gap, 4)
            } else {
                String::new()
            },
            f.solver_status.clone(),
        ]),
        None => v.extend(std::iter::repeat_n(String::new(), 9)),
    }
    v.push(crate::text::inert(&r.reason).into_owned());
    v
}

/// comparison.csv: one row per scenario, UTF-8 with a BOM.
pub fn csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).expect("memory");
    for r in rows {
        w.write_record(cells(r)).expect("memory");
    }
    let body = w.into_inner().expect("memory");
    ["\u{FEFF}".as_bytes(), &body].concat()
}

/// comparison.md: the table as Markdown.
pub fn markdown(title: &str, rows: &[Row]) -> String {
    let mut s = format!("# シナリオ比較 Scenario comparison — {title}\n\n");
    s.push_str("| Scenario | Outcome | Pareto | Contracts | Hours freed | FTE | Travel km/yr | Largest ¥ | Over soft | Gap % | Reason |\n");
    s.push_str("|---|---|:-:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for r in rows {
        let _ = match &r.figures {
            Some(f) => writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | |",
                r.name,
                r.outcome,
                if r.pareto { "★" } else { "" },
                f.contracts,
                group(f.staff_hours_freed.round() as i64),
                fixed(f.fte_freed, 1),
                group(f.travel_km_year.round() as i64),
                group(f.largest_value),
                f.over_soft,
                if f.gap.is_finite() {
                    fixed(100.0 * f.gap, 2)
                } else {
                    "?".into()
                }
            ),
            None => writeln!(
                s,
                "| {} | {} | | | | | | | | | {} |",
                r.name,
                r.outcome,
                r.reason.replace('|', "/")
            ),
        };
    }
    s
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
    s.push_str("\n<table>\n<thead><tr>");
    for hd in [
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
        "Gap %",
        "理由 Reason",
    ] {
        let _ = write!(s, "<th>{hd}</th>");
    }
    s.push_str("</tr></thead>\n");
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(s, "<tr><td>{}</td>", i + 1);
        let c: Vec<String> = match &r.figures {
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
                if f.gap.is_finite() {
                    fixed(100.0 * f.gap, 2)
                } else {
                    "?".into()
                },
                String::new(),
            ],
            None => {
                let mut v = vec![esc(&r.name), esc(r.outcome)];
                v.extend(std::iter::repeat_n(String::new(), 8));
                v.push(esc(&r.reason));
                v
            }
        };
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
                    if f.gap.is_finite() {
                        Cell::Share(f.gap)
                    } else {
                        Cell::Empty
                    },
                    Cell::text(&f.solver_status),
                ]),
                None => v.extend(std::iter::repeat_n(Cell::Empty, 9)),
            }
            v.push(Cell::text(&r.reason));
            v
        })
        .collect();
    workbook(&[Sheet {
        name: "比較".into(),
        notes: vec![format!("シナリオ比較 Scenario comparison — {title}")],
        header: vec![
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
            h("ギャップ", "Gap"),
            h("状態", "Status"),
            h("理由", "Reason"),
        ],
        rows: body,
    }])
}

const STYLE: &str = "body{font-family:'Hiragino Sans','Noto Sans JP','Yu Gothic',sans-serif;margin:24px;color:#222;max-width:1100px}\
h1{font-size:22px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
td:first-child,th:first-child,td:last-child{text-align:left}.note{color:#555;font-size:13px}svg{display:block;margin:8px 0}";
