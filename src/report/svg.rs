//! Inline SVG for report.html: the ward map (facilities coloured by bundle, hubs as
//! squares, bundle hulls shaded; for context each area's outline drawn around its
//! facilities, area and bundle labels placed so that none overlaps another, and a
//! scale bar) and a bar chart of staff hours by area. No `xmlns`: inline SVG in HTML
//! needs none, and the report must hold no network address.

use super::esc;
use crate::geo::hull;
use crate::plan::Plan;
use crate::text::fixed;
use crate::ward::Site;
use std::fmt::Write;

/// A colour per bundle, spread around the hue circle by the golden angle so
/// neighbouring ids differ.
pub fn colour(i: usize) -> String {
    let hue = (i as f64 * 137.508) % 360.0;
    format!("hsl({hue:.0},65%,42%)")
}

pub fn map(plan: &Plan) -> String {
    let ward = plan.inputs.ward;
    let facilities = ward.facilities();
    let (w, h, m) = (760.0, 590.0, 16.0);
    // The strip at the bottom holds the scale bar.
    let strip = 30.0;
    let mut places: Vec<[f64; 2]> = (0..facilities.len())
        .map(|f| ward.xy(Site::Facility(f)))
        .collect();
    let hub_xy: Vec<[f64; 2]> = plan
        .bundles
        .iter()
        .map(|b| ward.xy(plan.built.hubs[b.hub].site))
        .collect();
    places.extend(hub_xy.iter().copied());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in &places {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    let k = ((w - 2.0 * m) / (x1 - x0).max(1e-6)).min((h - 2.0 * m - strip) / (y1 - y0).max(1e-6));
    // Centred; north up (SVG y grows downwards).
    let ox = (w - 2.0 * m - (x1 - x0) * k) / 2.0;
    let oy = (h - 2.0 * m - strip - (y1 - y0) * k) / 2.0;
    let to = |p: [f64; 2]| {
        (
            m + ox + (p[0] - x0) * k,
            h - m - strip - oy - (p[1] - y0) * k,
        )
    };

    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="地図 Map of bundles"><rect width="{w}" height="{h}" fill="#f7f7f4"/>"##
    );
    // Area outlines first, under everything: the hull of each area's facilities.
    let mut areas: Vec<(&str, Vec<(f64, f64)>)> = Vec::new();
    for (f, fac) in facilities.iter().enumerate() {
        let p = to(places[f]);
        match areas.iter_mut().find(|a| a.0 == fac.area) {
            Some(a) => a.1.push(p),
            None => areas.push((fac.area.as_str(), vec![p])),
        }
    }
    let mut labels = Labels::default();
    for (name, pts) in &areas {
        let ring = hull(pts);
        if ring.len() >= 3 {
            let path: Vec<String> = ring.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(
                s,
                r##"<polygon points="{}" fill="none" stroke="#6c757d" stroke-width="1.2" stroke-dasharray="5 3"><title>{}</title></polygon>"##,
                path.join(" "),
                esc(name)
            );
        }
    }
    let mut bundle_of = vec![None; facilities.len()];
    for (i, b) in plan.bundles.iter().enumerate() {
        for &f in &b.facilities {
            bundle_of[f] = Some(i);
        }
        let pts: Vec<(f64, f64)> = b
            .facilities
            .iter()
            .map(|&f| {
                let (x, y) = to(places[f]);
                (x, y)
            })
            .collect();
        let ring = hull(&pts);
        if ring.len() >= 3 {
            let path: Vec<String> = ring.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(
                s,
                r#"<polygon points="{}" fill="{}" fill-opacity="0.12" stroke="{}" stroke-opacity="0.5" stroke-width="1"><title>{}</title></polygon>"#,
                path.join(" "),
                colour(i),
                colour(i),
                esc(&format!(
                    "{} {} ({} facilities)",
                    b.id,
                    b.name,
                    b.facilities.len()
                ))
            );
        }
    }
    for (f, fac) in facilities.iter().enumerate() {
        let (x, y) = to(places[f]);
        let (fill, label) = match bundle_of[f] {
            Some(i) => (
                colour(i),
                format!("{} {} — {}", fac.id, fac.name, plan.bundles[i].id),
            ),
            None => (
                "#b0b0b0".to_string(),
                format!("{} {} — 対象外 not bundled", fac.id, fac.name),
            ),
        };
        let _ = write!(
            s,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{fill}"><title>{}</title></circle>"#,
            esc(&label)
        );
    }
    for (i, b) in plan.bundles.iter().enumerate() {
        let (x, y) = to(hub_xy[i]);
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{}" stroke="#000" stroke-width="1.2"><title>{}</title></rect>"##,
            x - 4.0,
            y - 4.0,
            colour(i),
            esc(&format!(
                "中心 centre (hub) {} — {} {}",
                b.hub_name, b.id, b.name
            ))
        );
    }
    // Labels last, over everything, each where it hides no label placed before it:
    // areas at the middle of their facilities, bundles beside their hub.
    for (name, pts) in &areas {
        let n = pts.len() as f64;
        let cx = pts.iter().map(|p| p.0).sum::<f64>() / n;
        let cy = pts.iter().map(|p| p.1).sum::<f64>() / n;
        labels.place(&mut s, name, cx, cy, 13.0, "#343a40", true, (w, h - strip));
    }
    for (i, b) in plan.bundles.iter().enumerate() {
        let (x, y) = to(hub_xy[i]);
        labels.place(&mut s, &b.id, x, y, 10.0, &colour(i), false, (w, h - strip));
    }
    // Scale bar: a round number of km near a fifth of the width.
    let km = nice_km(w / 5.0 / k);
    let _ = write!(
        s,
        r##"<rect x="{m}" y="{:.1}" width="{:.1}" height="5" fill="#343a40"/><text x="{:.1}" y="{:.1}" font-size="11">{} km</text><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">北が上・点線は地域(施設の外周) north up; dashed: areas around their facilities</text>"##,
        h - 22.0,
        km * k,
        m + km * k + 6.0,
        h - 16.0,
        km,
        w - m,
        h - 16.0
    );
    s.push_str("</svg>");
    s
}

/// The largest of 1, 2 or 5 × 10ⁿ km not above `km`.
fn nice_km(km: f64) -> f64 {
    let p = 10f64.powf(km.max(1e-3).log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|f| f * p)
        .find(|v| *v <= km)
        .unwrap_or(p)
}

/// Labels placed so far, as boxes; a label goes to the first of a few spots around
/// its anchor that overlaps none of them and stays on the map, or is left out (the
/// hover titles still name everything).
#[derive(Default)]
pub(crate) struct Labels {
    boxes: Vec<[f64; 4]>,
}

impl Labels {
    /// Width estimate: full-width (CJK) characters about one em, others 0.62 em.
    fn width(text: &str, size: f64) -> f64 {
        text.chars()
            .map(|c| {
                if (c as u32) > 0x2e80 {
                    size
                } else {
                    0.62 * size
                }
            })
            .sum()
    }

    /// Keeps a box free (a marker a label must not cover).
    pub(crate) fn reserve(&mut self, x: f64, y: f64, w: f64, h: f64) {
        self.boxes.push([x, y, w, h]);
    }

    /// Writes `text` at the first free spot around (x, y); false when none is free.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn place(
        &mut self,
        s: &mut String,
        text: &str,
        x: f64,
        y: f64,
        size: f64,
        fill: &str,
        centred: bool,
        frame: (f64, f64),
    ) -> bool {
        let (tw, th) = (Self::width(text, size), 1.2 * size);
        let spots: Vec<(f64, f64)> = if centred {
            vec![
                (-tw / 2.0, -th / 2.0),
                (-tw / 2.0, -1.6 * th),
                (-tw / 2.0, 0.6 * th),
            ]
        } else {
            vec![
                (7.0, -th / 2.0),
                (-tw - 7.0, -th / 2.0),
                (-tw / 2.0, -th - 6.0),
                (-tw / 2.0, 6.0),
            ]
        };
        for (dx, dy) in spots {
            let b = [x + dx, y + dy, tw, th];
            let inside = b[0] >= 0.0 && b[1] >= 0.0 && b[0] + tw <= frame.0 && b[1] + th <= frame.1;
            let free = self.boxes.iter().all(|o| {
                b[0] + b[2] <= o[0]
                    || o[0] + o[2] <= b[0]
                    || b[1] + b[3] <= o[1]
                    || o[1] + o[3] <= b[1]
            });
            if inside && free {
                self.boxes.push(b);
                let weight = if centred { "600" } else { "normal" };
                let _ = write!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" font-size="{size}" font-weight="{weight}" fill="{fill}" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
                    b[0],
                    b[1] + 0.85 * th,
                    esc(text)
                );
                return true;
            }
        }
        false
    }
}

/// Horizontal bars: staff hours before and after, per area.
pub fn area_chart(plan: &Plan) -> String {
    let rows = &plan.accounts.by_area;
    let (w, bar, gap, left) = (760.0, 14.0, 14.0, 120.0);
    let h = 30.0 + rows.len() as f64 * (2.0 * bar + gap);
    let max = rows
        .iter()
        .map(|r| r.before.max(r.after))
        .fold(1.0, f64::max);
    let scale = (w - left - 110.0) / max;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h:.0}" width="{w}" height="{h:.0}" role="img" aria-label="地域別職員時間 Staff hours by area">"#
    );
    let _ = write!(
        s,
        "<rect x=\"{left}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#9aa5b1\"/><text x=\"{}\" y=\"13\" font-size=\"12\">現在 before</text>\
         <rect x=\"{}\" y=\"4\" width=\"10\" height=\"10\" fill=\"#2a7f62\"/><text x=\"{}\" y=\"13\" font-size=\"12\">計画後 after</text>",
        left + 14.0,
        left + 110.0,
        left + 124.0
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 24.0 + i as f64 * (2.0 * bar + gap);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + bar + 4.0,
            esc(&r.area)
        );
        for (j, (v, fill)) in [(r.before, "#9aa5b1"), (r.after, "#2a7f62")]
            .iter()
            .enumerate()
        {
            let yy = y + j as f64 * bar;
            let _ = write!(
                s,
                "<rect x=\"{left}\" y=\"{yy:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{} h</text>",
                v * scale,
                bar - 2.0,
                left + v * scale + 4.0,
                yy + bar - 4.0,
                fixed(*v, 0)
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#2a7f62\">−{} h</text>",
            w - 60.0,
            y + bar + 4.0,
            fixed(r.freed, 0)
        );
    }
    s.push_str("</svg>");
    s
}

/// The phase-in timeline: one bar per bundle across the fiscal years (darker as more of
/// its value has moved in), its procurement year marked ◆, the start year outlined.
pub fn timeline(plan: &Plan, ph: &crate::plan::phase::Phasing) -> String {
    let n = ph.ledger.len();
    let (w, left, row, top) = (760.0, 150.0, 16.0, 34.0);
    let col = (w - left - 110.0) / n as f64;
    let h = top + plan.bundles.len() as f64 * row + 24.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="timeline" viewBox="0 0 {w} {h:.0}" width="{w}" height="{h:.0}" role="img" aria-label="段階導入の時系列 Phase-in timeline">"#
    );
    for (k, r) in ph.ledger.iter().enumerate() {
        let x = left + k as f64 * col;
        let label = if r.fiscal_year < ph.years[0] {
            format!("FY{} 準備", r.fiscal_year)
        } else {
            format!("FY{}", r.fiscal_year)
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"14\" font-size=\"11\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"27\" font-size=\"10\" fill=\"#555\" text-anchor=\"middle\">R{}</text><line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>",
            x + col / 2.0,
            esc(&label),
            x + col / 2.0,
            r.fiscal_year - 2018,
            h - 22.0
        );
    }
    for (i, b) in plan.bundles.iter().enumerate() {
        let y = top + i as f64 * row;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}<title>{}</title></text>",
            left - 6.0,
            y + row - 4.0,
            esc(&format!("{} {}", b.id, b.name.split(' ').next().unwrap_or(&b.area))),
            esc(&format!("{} {}", b.id, b.name))
        );
        for (k, r) in ph.ledger.iter().enumerate() {
            let share = ph.timeline[i][k];
            let x = left + k as f64 * col;
            if share > 0.0 {
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" fill-opacity=\"{:.2}\"><title>{}</title></rect>",
                    x + 1.0,
                    y + 2.0,
                    col - 2.0,
                    row - 4.0,
                    colour(i),
                    0.25 + 0.75 * share,
                    esc(&format!(
                        "{} FY{}: 移行済み {} % of its annual value moved in",
                        b.id,
                        r.fiscal_year,
                        fixed(100.0 * share, 0)
                    ))
                );
            }
            if ph.starts[i] == Some(r.fiscal_year + 1) {
                let (cx, cy) = (x + col / 2.0, y + row / 2.0);
                let _ = write!(
                    s,
                    "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"#222\"><title>{}</title></polygon>",
                    cx,
                    cy - 5.0,
                    cx + 5.0,
                    cy,
                    cx,
                    cy + 5.0,
                    cx - 5.0,
                    cy,
                    esc(&format!(
                        "{} 調達 procurement FY{} → 開始 start 1 April {}",
                        b.id,
                        r.fiscal_year,
                        r.fiscal_year + 1
                    ))
                );
            }
        }
        if ph.starts[i].is_none() {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#a33\">期間外 after the period</text>",
                left + n as f64 * col + 6.0,
                y + row - 4.0
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\">◆ 調達 procurement (the year before the start); 帯 bar = 包括契約の期間, darker as more of its value has moved in</text>",
        h - 6.0
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_never_overlap_and_stay_on_the_map() {
        let mut l = Labels::default();
        let mut s = String::new();
        // Thirty labels on nearly one spot, and some at the edge.
        for i in 0..30 {
            let x = 100.0 + (i % 3) as f64;
            l.place(
                &mut s,
                &format!("B{i:02}"),
                x,
                100.0,
                10.0,
                "#000",
                false,
                (760.0, 560.0),
            );
        }
        l.place(
            &mut s,
            "世田谷",
            2.0,
            2.0,
            13.0,
            "#000",
            true,
            (760.0, 560.0),
        );
        assert!(
            l.boxes.len() >= 4,
            "the free spots around the anchor are used"
        );
        assert!(
            l.boxes.len() < 30,
            "crowded labels are left out, not piled up"
        );
        for (i, a) in l.boxes.iter().enumerate() {
            assert!(a[0] >= 0.0 && a[1] >= 0.0 && a[0] + a[2] <= 760.0 && a[1] + a[3] <= 560.0);
            for b in &l.boxes[i + 1..] {
                let apart = a[0] + a[2] <= b[0]
                    || b[0] + b[2] <= a[0]
                    || a[1] + a[3] <= b[1]
                    || b[1] + b[3] <= a[1];
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
        assert_eq!(s.matches("<text").count(), l.boxes.len());
    }

    #[test]
    fn scale_bar_lengths_are_round() {
        assert_eq!(nice_km(3.7), 2.0);
        assert_eq!(nice_km(0.8), 0.5);
        assert_eq!(nice_km(12.0), 10.0);
        assert_eq!(nice_km(5.0), 5.0);
    }
}
