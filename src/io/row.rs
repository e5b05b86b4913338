//! One row of a [`Table`] being read: typed field accessors that report a coded
//! diagnostic (file, line or cell, column, what, what to do) instead of failing.

use super::table::{cell_name, Table};
use super::values;
use crate::diag::{codes, Diagnostic};
use crate::model::Date;
use std::path::Path;

/// One row being read; accessors push diagnostics into `diags`.
pub struct Row<'a> {
    /// The file the row is in.
    pub file: &'a Path,
    /// Its 1-based physical line.
    pub line: usize,
    rec: &'a csv::StringRecord,
    table: &'a Table,
    /// Where its accessors report.
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Table {
    /// Row `i`, reporting into `diags`.
    pub fn row<'a>(&'a self, i: usize, diags: &'a mut Vec<Diagnostic>) -> Row<'a> {
        let (line, rec) = &self.rows[i];
        Row {
            file: &self.file,
            line: *line,
            rec,
            table: self,
            diags,
        }
    }
}

impl Row<'_> {
    /// Reports a problem with column `col` of this row.
    pub fn report(&mut self, code: &str, col: &str, msg: String, action: &str) {
        let label = self.label(col);
        let mut d = Diagnostic::new(code, self.file, Some(self.line), Some(&label), msg, action);
        if self.table.cells {
            d.cell = self
                .table
                .columns
                .get(col)
                .map(|&i| cell_name(i, self.line));
        }
        self.diags.push(d);
    }

    /// The column as the file names it: `name`, or `施設名 (name)` when the header is
    /// an alias, so that a diagnostic points at what the user sees.
    pub fn label(&self, col: &str) -> String {
        match self.table.headers.get(col) {
            Some(h) if super::columns::header_key(h) != col => format!("{h} ({col})"),
            _ => col.to_string(),
        }
    }

    /// The trimmed value, or "" when the column is absent.
    pub fn raw(&self, col: &str) -> &str {
        self.table
            .columns
            .get(col)
            .and_then(|&i| self.rec.get(i))
            .map_or("", str::trim)
    }

    /// A value that must not be empty.
    pub fn text(&mut self, col: &str) -> Option<String> {
        let v = self.raw(col).to_string();
        if v.is_empty() {
            self.report(
                codes::EMPTY_VALUE,
                col,
                format!("'{}' is empty", self.label(col)),
                "fill in the value",
            );
            return None;
        }
        Some(v)
    }

    /// A number as spreadsheets show it (thousands separators, a yen sign, 円,
    /// full-width digits: see `values::number`). Empty is `Ok(None)`.
    fn parse_number(&mut self, col: &str) -> Result<Option<f64>, ()> {
        let raw = self.raw(col);
        match values::number(raw) {
            None => Ok(None),
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(())) => {
                let msg = format!("'{}' is '{raw}', which is not a number", self.label(col));
                self.report(
                    codes::NOT_A_NUMBER,
                    col,
                    msg,
                    "write a plain number such as 12 or 3.5",
                );
                Err(())
            }
        }
    }

    /// A required number ≥ 0. `None` after reporting.
    pub fn non_negative(&mut self, col: &str) -> Option<f64> {
        match self.parse_number(col) {
            Ok(Some(v)) if v < 0.0 => {
                // As typed: 1e308 or 18446744073709551616 printed from the f64 would
                // be a row of digits the user never wrote.
                let msg = format!(
                    "'{}' is {}, but it cannot be negative",
                    self.label(col),
                    self.raw(col)
                );
                self.report(
                    codes::NEGATIVE_NUMBER,
                    col,
                    msg,
                    "write zero or a positive number",
                );
                None
            }
            Ok(Some(v)) => match values::ceiling(col) {
                Some((max, unit)) if v > max => {
                    let msg = format!(
                        "'{}' is {}, more than the {max} {unit} it can mean",
                        self.label(col),
                        self.raw(col)
                    );
                    self.report(
                        codes::NUMBER_TOO_LARGE,
                        col,
                        msg,
                        "correct the value (a slip of the keyboard or an export?)",
                    );
                    None
                }
                _ => Some(v),
            },
            Ok(None) => {
                self.text(col);
                None
            }
            Err(()) => None,
        }
    }

    /// An optional number ≥ 0 (empty is fine).
    pub fn opt_non_negative(&mut self, col: &str) -> Option<f64> {
        if self.raw(col).is_empty() {
            return None;
        }
        self.non_negative(col)
    }

    /// A coordinate in [-limit, limit] (90 for latitude, 180 for longitude).
    pub fn coordinate(&mut self, col: &str, limit: f64) -> Option<f64> {
        match self.parse_number(col) {
            Ok(Some(v)) if v.abs() > limit => {
                let msg = format!(
                    "'{}' is {}, outside -{limit}..{limit}",
                    self.label(col),
                    self.raw(col)
                );
                self.report(
                    codes::LAT_LON_RANGE,
                    col,
                    msg,
                    "write decimal degrees (WGS84); check that lat and lon are not swapped",
                );
                None
            }
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.text(col);
                None
            }
            Err(()) => None,
        }
    }

    /// A value from a fixed set; empty gives `default` when there is one.
    pub fn choice<T: Copy>(
        &mut self,
        col: &str,
        code: &str,
        options: &[(&str, T)],
        default: Option<T>,
    ) -> Option<T> {
        if self.raw(col).is_empty() {
            if default.is_some() {
                return default;
            }
            self.text(col);
            return None;
        }
        // Through the alias table: 直営 → direct, 随意契約 → negotiated.
        let key = self.table.aliases.value(col, self.raw(col));
        if let Some((_, v)) = options.iter().find(|(k, _)| *k == key) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        let msg = format!(
            "'{}' is '{}', which is not one of: {}",
            self.label(col),
            self.raw(col),
            names.join(", ")
        );
        let action = format!("write one of: {}", names.join(", "));
        self.report(code, col, msg, &action);
        None
    }

    /// Yes or no (true/false, yes/no, 1/0, はい/いいえ, ○/×, …: see `values::boolean`);
    /// empty gives `default` when there is one.
    pub fn boolean(&mut self, col: &str, code: &str, default: Option<bool>) -> Option<bool> {
        if self.raw(col).is_empty() {
            if default.is_some() {
                return default;
            }
            self.text(col);
            return None;
        }
        let v = values::boolean(self.raw(col));
        if v.is_none() {
            let msg = format!(
                "'{}' is '{}', which is neither yes nor no",
                self.label(col),
                self.raw(col)
            );
            self.report(
                code,
                col,
                msg,
                "write true or false (also yes/no, 1/0, はい/いいえ, ○/×)",
            );
        }
        v
    }

    /// A date: ISO `YYYY-MM-DD`, `YYYY/MM/DD` as Excel in Japan writes it, `2026年3月31日`,
    /// or in the era calendar (`令和7年3月31日`, `R7.3.31`, `H31.4.1`).
    pub fn date(&mut self, col: &str) -> Option<Date> {
        let raw = self.raw(col).to_string();
        if raw.is_empty() {
            self.text(col);
            return None;
        }
        let parsed = values::date(&raw);
        if parsed.is_none() {
            self.report(
                codes::BAD_DATE,
                col,
                format!("'{}' is '{raw}', which is not a valid date", self.label(col)),
                "write the date as YYYY-MM-DD, e.g. 2026-03-31 (令和8年3月31日 and R8.3.31 are read too)",
            );
        }
        parsed
    }
}
