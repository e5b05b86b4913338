//! `import-report.md`: what was read from each file, what each facility became and
//! why, every row that could not be placed with its file, row and reason, the merged
//! duplicates, and (with starter lines) every estimate with its source. Japanese
//! first, then English.

use super::output::WriteOptions;
use super::starter::Starter;
use super::Import;
use crate::diag::Diagnostic;
use crate::text::thousands;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A value for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The report's text.
pub fn render(
    import: &Import,
    starter: Option<&Starter>,
    opts: &WriteOptions,
    warnings: &[Diagnostic],
) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# オープンデータ取込レポート / Open-data import report\n"
    );
    let _ = writeln!(
        w,
        "matome {} — 取込設定 rules: {}; 地域・地区 area and district from: {}.\n",
        env!("CARGO_PKG_VERSION"),
        opts.rules_source,
        import.area_source
    );
    let rows: usize = import.files.iter().map(|f| f.rows).sum();
    let other = import.sites.iter().filter(|s| s.kind == "other").count();
    let _ = writeln!(w, "## 概要 Summary\n");
    let _ = writeln!(w, "| 項目 item | 件数 count |\n| --- | ---: |");
    let _ = writeln!(
        w,
        "| 読んだ表 tables read | {} |",
        import.files.iter().filter(|f| f.layout.is_some()).count()
    );
    let _ = writeln!(w, "| 読んだ行 rows read | {rows} |");
    let _ = writeln!(
        w,
        "| 書いた施設 facilities written | {} |",
        import.sites.len()
    );
    let _ = writeln!(
        w,
        "| 重複として統合した行 rows merged as duplicates | {} |",
        import.merged.len()
    );
    let _ = writeln!(
        w,
        "| 取り込めなかった行 rows not placed | {} |",
        import.not_placed.len()
    );
    let _ = writeln!(
        w,
        "| 種別を推定できなかった施設 facilities of unknown kind (other) | {other} |"
    );
    if let Some(st) = starter {
        let total: f64 = st.lines.iter().map(|l| l.cost).sum();
        let _ = writeln!(
            w,
            "| 初期業務(推定) starter lines (estimates) | {} |",
            st.lines.len()
        );
        let _ = writeln!(
            w,
            "| 初期契約(推定) starter contracts (estimates) | {} |",
            st.lines.len()
        );
        let _ = writeln!(
            w,
            "| 推定年間委託料 estimated annual cost (¥) | {} |",
            thousands(total.round() as i64)
        );
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "## ファイル Files\n");
    let _ = writeln!(
        w,
        "| 表 table | 様式 layout | 見出し header | 行 rows | 新規 new | 統合 merged | 不可 not placed | 使った列 columns used |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for f in &import.files {
        match (&f.layout, &f.ignored) {
            (Some(layout), _) => {
                let cols = f
                    .columns
                    .iter()
                    .map(|(k, h)| format!("{k}={h}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let enc = f.encoding.map(|e| format!(" ({e})")).unwrap_or_default();
                let _ = writeln!(
                    w,
                    "| {}{} | {} | {} | {} | {} | {} | {} | {} |",
                    cell(&f.shown),
                    enc,
                    layout.label(),
                    f.header_row,
                    f.rows,
                    f.new_sites,
                    f.merged,
                    f.not_placed,
                    cell(&cols)
                );
            }
            (None, Some(why)) => {
                let _ = writeln!(
                    w,
                    "| {} | 使わず not used | | | | | | {} |",
                    cell(&f.shown),
                    cell(why)
                );
            }
            (None, None) => {}
        }
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "## 種別 Kinds\n");
    let _ = writeln!(
        w,
        "| 種別 kind | 施設 facilities | 推定の根拠 inferred from |\n| --- | ---: | --- |"
    );
    let mut kinds: BTreeMap<&str, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for s in &import.sites {
        let e = kinds.entry(s.kind.as_str()).or_default();
        e.0 += 1;
        let from = s.kind_from.split(": ").next().unwrap_or("");
        *e.1.entry(from).or_default() += 1;
    }
    for (k, (n, from)) in &kinds {
        let how = from
            .iter()
            .map(|(f, c)| {
                if f.is_empty() {
                    format!("— {c}")
                } else {
                    format!("{f} {c}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(w, "| {k} | {n} | {how} |");
    }
    let _ = writeln!(w);

    let _ = writeln!(w, "## 取り込めなかった行 Rows not placed\n");
    if import.not_placed.is_empty() {
        let _ = writeln!(w, "なし None: every row was placed.\n");
    } else {
        let _ = writeln!(
            w,
            "These rows are not in facilities.csv. Fix them in the source file and import again.\n"
        );
        let _ = writeln!(
            w,
            "| 表 table | 行 row | 名称 name | 理由 reason |\n| --- | --- | --- | --- |"
        );
        for n in &import.not_placed {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} |",
                cell(&n.file),
                cell(&n.row),
                cell(&n.name),
                cell(&n.reason)
            );
        }
        let _ = writeln!(w);
    }

    let _ = writeln!(w, "## 種別を確認する施設 Facilities of unknown kind\n");
    if other == 0 {
        let _ = writeln!(w, "なし None.\n");
    } else {
        let _ = writeln!(w, "No kind rule matched their name, category, POI code or file name: they are written as `other` (no starter lines). Set `kind` in facilities.csv, or add a word to models/opendata.toml.\n");
        let _ = writeln!(
            w,
            "| facility_id | 名称 name | 出典 source |\n| --- | --- | --- |"
        );
        for s in import.sites.iter().filter(|s| s.kind == "other") {
            let _ = writeln!(
                w,
                "| {} | {} | {} |",
                s.id,
                cell(&s.name),
                cell(&s.sources.join("; "))
            );
        }
        let _ = writeln!(w);
    }

    let _ = writeln!(w, "## 重複の統合 Duplicates merged\n");
    if import.merged.is_empty() {
        let _ = writeln!(w, "なし None.\n");
    } else {
        let _ = writeln!(w, "Rows with the same name (ignoring 〇〇区立 and spaces) within {} m of a facility read before were merged into it.\n", super::MERGE_WITHIN_M);
        let _ = writeln!(
            w,
            "| 統合先 into | 名称 name | 行 row | 距離 m |\n| --- | --- | --- | ---: |"
        );
        for m in &import.merged {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {:.0} |",
                m.into,
                cell(&m.name),
                cell(&m.from),
                m.metres
            );
        }
        let _ = writeln!(w);
    }
    if !import.same_name.is_empty() {
        let _ = writeln!(w, "## 同名で別の施設 Same name, kept apart\n");
        let _ = writeln!(
            w,
            "| 名称 name | facility_id | 距離 m |\n| --- | --- | ---: |"
        );
        for s in &import.same_name {
            let _ = writeln!(
                w,
                "| {} | {}, {} | {:.0} |",
                cell(&s.name),
                s.ids.0,
                s.ids.1,
                s.metres
            );
        }
        let _ = writeln!(w);
    }
    if !import.notes.is_empty() {
        let _ = writeln!(w, "## 修正して取り込んだ行 Rows placed after a fix\n");
        let _ = writeln!(w, "| 行 row | 内容 what |\n| --- | --- |");
        for n in &import.notes {
            let _ = writeln!(w, "| {} | {} |", cell(&n.at), cell(&n.what));
        }
        let _ = writeln!(w);
    }

    if let Some(st) = starter {
        let _ = writeln!(
            w,
            "## 初期業務(推定) Starter lines — estimates to replace\n"
        );
        let _ = writeln!(
            w,
            "Every row of service_lines.csv and contracts.csv is an estimate from the per-kind profiles of {} (column `estimate`): one contract per line, let competitively for fiscal year {} (令和{}年度, {}-04-01 to {}-03-31), vendor unknown. Replace them with the ward's registers before a plan goes to a decision.\n",
            opts.starter_source.as_deref().unwrap_or("models/starter_lines.toml"),
            opts.fiscal_year,
            opts.fiscal_year - 2018,
            opts.fiscal_year,
            opts.fiscal_year + 1
        );
        let with_lines = {
            let mut f: Vec<&str> = st.lines.iter().map(|l| l.facility_id.as_str()).collect();
            f.sort_unstable();
            f.dedup();
            f.len()
        };
        if with_lines > 0 {
            let _ = writeln!(
                w,
                "One contract per line is the most fragmented start: {:.1} contracts per facility here, where cities that let trades in multi-site lots hold fewer (箕面市 had about 2.5 per facility before its comprehensive contract; docs/sources.md). The plan's \"before\" staff hours are then an upper bound; the ward's contract register gives the real count.\n",
                st.lines.len() as f64 / with_lines as f64
            );
        }
        let mut by: BTreeMap<(&str, &str), (usize, f64, &str)> = BTreeMap::new();
        for l in &st.lines {
            let e = by.entry((l.kind.as_str(), l.trade.as_str())).or_insert((
                0,
                0.0,
                l.source.as_str(),
            ));
            e.0 += 1;
            e.1 += l.cost;
        }
        let _ = writeln!(w, "| 種別 kind | 業種 trade | 業務 lines | 年間 ¥ | 根拠 source |\n| --- | --- | ---: | ---: | --- |");
        for ((k, t), (n, c, src)) in &by {
            let _ = writeln!(
                w,
                "| {k} | {t} | {n} | {} | {} |",
                thousands(c.round() as i64),
                cell(src)
            );
        }
        let _ = writeln!(w);
        if st.below_threshold > 0 {
            let _ = writeln!(w, "{} line(s) were left out because the facility is smaller than the line's floor-area threshold (e.g. ビル管法 duties from 3,000 m²).\n", st.below_threshold);
        }
        if !st.without_profile.is_empty() {
            let list = st
                .without_profile
                .iter()
                .map(|(k, n)| format!("{k} ({n})"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(w, "No profile, so no starter lines: {list}.\n");
        }
    } else {
        let _ = writeln!(w, "## 次の一歩 Next step\n");
        let _ = writeln!(w, "Only facilities.csv was written. Add service_lines.csv and contracts.csv from the ward's registers (docs/data-format.md), or import again with `--starter-lines` for a first estimate.\n");
    }

    let _ = writeln!(w, "## 検証 Validation of the written dataset\n");
    if warnings.is_empty() {
        let _ = writeln!(w, "エラー・警告なし No errors, no warnings.");
    } else {
        let _ = writeln!(w, "No errors; {} warning(s):\n", warnings.len());
        for d in warnings.iter().take(50) {
            let _ = writeln!(w, "- {}", cell(&d.to_string()));
        }
        if warnings.len() > 50 {
            let _ = writeln!(
                w,
                "- … and {} more (run `matome validate` on the folder)",
                warnings.len() - 50
            );
        }
    }
    s
}
