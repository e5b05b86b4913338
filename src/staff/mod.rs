//! The staff-time model: the hours a contract costs the ward each year, for today's
//! single contracts and for a bundle, read from `models/staff_time.toml`. Every figure
//! carries its unit and source so reports can print the assumptions they rest on.

pub mod sources;

use crate::model::{Contract, Date, Procurement};
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// The model embedded in the binary, used when no `models` folder is at hand.
pub const EMBEDDED: &str = include_str!("../../models/staff_time.toml");

/// One assumed figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The number.
    pub value: f64,
    /// Its unit, e.g. `h per contract a year`.
    pub unit: String,
    /// Where it comes from (docs/sources.md), or `assumed`.
    pub source: String,
}

/// Staff hours of one of today's single contracts, by stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SingleContract {
    /// Site check, hours a year.
    pub site_check: Figure,
    /// Writing the specification, hours a term.
    pub specification: Figure,
    /// A competitive procurement, hours a term.
    pub procurement_competitive: Figure,
    /// A negotiated procurement, hours a term.
    pub procurement_negotiated: Figure,
    /// Supervising the work, hours a year.
    pub supervision: Figure,
    /// Completion inspection, hours a year.
    pub completion_inspection: Figure,
    /// Processing one payment, hours.
    pub per_payment: Figure,
}

/// Staff hours of one bundle (a comprehensive contract).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleModel {
    /// Writing the specification, hours a term.
    pub specification: Figure,
    /// The procurement, hours a term.
    pub procurement: Figure,
    /// Length of a bundle's term, years.
    pub term_years: Figure,
    /// Base administration, hours a year.
    pub base: Figure,
    /// Monitoring, hours a month.
    pub monthly_monitoring: Figure,
    /// Hours a year per facility of the bundle.
    pub per_facility: Figure,
    /// Hours a year per distinct trade of the bundle.
    pub per_trade: Figure,
    /// Payments a year.
    pub payments_per_year: Figure,
    /// Processing one payment, hours.
    pub per_payment: Figure,
}

/// Full-time equivalents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fte {
    /// Working hours of one full-time employee a year.
    pub hours_per_fte: Figure,
}

/// The staff-time model (`models/staff_time.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffModel {
    /// Today's single contracts.
    pub single_contract: SingleContract,
    /// A bundle.
    pub bundle: BundleModel,
    /// Hours per full-time equivalent.
    pub fte: Fte,
}

/// Why the staff-time model cannot be used; every message names the file.
#[derive(Debug, Error)]
pub enum StaffModelError {
    /// The file cannot be read (the message says why and what to do).
    #[error("{file}: {}", crate::io::unreadable_sentence(error))]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        error: std::io::Error,
    },
    /// Not valid TOML, or a missing or unknown figure.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What the TOML reader says.
        message: String,
    },
    /// A figure out of range.
    #[error("{file}: `{key}` = {value}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The figure's dotted key.
        key: String,
        /// Its value.
        value: f64,
        /// What is wrong with it.
        message: String,
    },
}

impl StaffModel {
    /// Reads `models_dir/staff_time.toml`, or the embedded copy when `models_dir` is None.
    pub fn load(models_dir: Option<&Path>) -> Result<StaffModel, StaffModelError> {
        match models_dir {
            None => StaffModel::parse(EMBEDDED, "staff_time.toml (embedded)"),
            Some(dir) => {
                let path = dir.join("staff_time.toml");
                let file = path.display().to_string();
                let text =
                    crate::io::read_regular_text(&path).map_err(|error| StaffModelError::Read {
                        file: file.clone(),
                        error,
                    })?;
                StaffModel::parse(&text, &file)
            }
        }
    }

    /// Parses model text; `file` is only used in messages.
    pub fn parse(text: &str, file: &str) -> Result<StaffModel, StaffModelError> {
        let m: StaffModel = toml::from_str(text).map_err(|e| StaffModelError::Parse {
            file: file.into(),
            message: e
                .to_string()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        })?;
        for (key, f) in m.figures() {
            let positive_needed = matches!(key.as_str(), "bundle.term_years" | "fte.hours_per_fte");
            if !f.value.is_finite() || f.value < 0.0 || (positive_needed && f.value <= 0.0) {
                return Err(StaffModelError::Invalid {
                    file: file.into(),
                    key,
                    value: f.value,
                    message: if positive_needed {
                        "must be positive".into()
                    } else {
                        "must be zero or positive".into()
                    },
                });
            }
        }
        Ok(m)
    }

    /// Every figure with its dotted key, in file order, for the assumptions table.
    pub fn figures(&self) -> Vec<(String, &Figure)> {
        let s = &self.single_contract;
        let b = &self.bundle;
        let mut v: Vec<(String, &Figure)> = vec![
            ("single_contract.site_check".into(), &s.site_check),
            ("single_contract.specification".into(), &s.specification),
            (
                "single_contract.procurement_competitive".into(),
                &s.procurement_competitive,
            ),
            (
                "single_contract.procurement_negotiated".into(),
                &s.procurement_negotiated,
            ),
            ("single_contract.supervision".into(), &s.supervision),
            (
                "single_contract.completion_inspection".into(),
                &s.completion_inspection,
            ),
            ("single_contract.per_payment".into(), &s.per_payment),
        ];
        v.extend([
            ("bundle.specification".into(), &b.specification),
            ("bundle.procurement".into(), &b.procurement),
            ("bundle.term_years".into(), &b.term_years),
            ("bundle.base".into(), &b.base),
            ("bundle.monthly_monitoring".into(), &b.monthly_monitoring),
            ("bundle.per_facility".into(), &b.per_facility),
            ("bundle.per_trade".into(), &b.per_trade),
            ("bundle.payments_per_year".into(), &b.payments_per_year),
            ("bundle.per_payment".into(), &b.per_payment),
            ("fte.hours_per_fte".into(), &self.fte.hours_per_fte),
        ]);
        v
    }

    /// Annual staff hours of one of today's contracts. `scale` multiplies every
    /// single-contract figure (1.0 normally; 0.75 / 1.25 for the sensitivity line).
    pub fn contract_hours(&self, c: &Contract, scale: f64) -> f64 {
        let s = &self.single_contract;
        let procurement = match c.procurement {
            Procurement::Competitive => s.procurement_competitive.value,
            Procurement::Negotiated => s.procurement_negotiated.value,
        };
        let term = term_years(c.start, c.end);
        let per_term = (s.specification.value + procurement) / term;
        let yearly = s.site_check.value
            + s.supervision.value
            + s.completion_inspection.value
            + s.per_payment.value * f64::from(c.payments_per_year);
        scale * (per_term + yearly)
    }

    /// The part of a bundle's annual hours that does not depend on its contents: the
    /// engine's fixed cost of opening a bundle, in hours.
    pub fn bundle_fixed_hours(&self) -> f64 {
        let b = &self.bundle;
        (b.specification.value + b.procurement.value) / b.term_years.value
            + b.base.value
            + 12.0 * b.monthly_monitoring.value
            + b.payments_per_year.value * b.per_payment.value
    }

    /// Annual hours of a bundle with `facilities` facilities and `trades` distinct trades.
    pub fn bundle_hours(&self, facilities: usize, trades: usize) -> f64 {
        self.bundle_fixed_hours()
            + self.bundle.per_facility.value * facilities as f64
            + self.bundle.per_trade.value * trades as f64
    }

    /// Working hours of one full-time equivalent a year.
    pub fn hours_per_fte(&self) -> f64 {
        self.fte.hours_per_fte.value
    }
}

/// Contract term in years, to the nearest month and at least one: procurement is
/// spread over it. (2023-04-01 to 2026-03-31 is three years, leap day or not.)
pub fn term_years(start: Date, end: Date) -> f64 {
    let days = (day_number(end) - day_number(start)) as f64 + 1.0;
    let months = (days / 365.25 * 12.0).round();
    (months / 12.0).max(1.0)
}

/// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's algorithm.
pub fn day_number(d: Date) -> i64 {
    let (m, day) = (i64::from(d.month), i64::from(d.day));
    let y = i64::from(d.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Yen;

    fn date(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    #[test]
    fn embedded_model_parses_and_every_figure_has_unit_and_source() {
        let m = StaffModel::parse(EMBEDDED, "embedded").unwrap();
        for (key, f) in m.figures() {
            assert!(!f.unit.is_empty() && !f.source.is_empty(), "{key}");
        }
    }

    #[test]
    fn term_counts_whole_years() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(2000, 3, 1)), 11_017);
        assert_eq!(term_years(date(2024, 4, 1), date(2027, 3, 31)), 3.0);
        assert_eq!(term_years(date(2023, 4, 1), date(2026, 3, 31)), 3.0);
        assert_eq!(term_years(date(2024, 4, 1), date(2026, 9, 30)), 2.5);
        assert_eq!(term_years(date(2024, 4, 1), date(2024, 9, 30)), 1.0);
    }

    #[test]
    fn contract_hours_follow_the_stages() {
        let m = StaffModel::parse(EMBEDDED, "embedded").unwrap();
        let c = Contract {
            id: "C1".into(),
            vendor: "v".into(),
            annual_value: Yen(1_000_000),
            payments_per_year: 12,
            procurement: Procurement::Competitive,
            start: date(2024, 4, 1),
            end: date(2025, 3, 31),
        };
        let s = &m.single_contract;
        let want = s.specification.value
            + s.procurement_competitive.value
            + s.site_check.value
            + s.supervision.value
            + s.completion_inspection.value
            + 12.0 * s.per_payment.value;
        assert!((m.contract_hours(&c, 1.0) - want).abs() < 1e-9);
        assert!((m.contract_hours(&c, 1.25) - 1.25 * want).abs() < 1e-9);
    }

    #[test]
    fn negative_figure_is_rejected_with_its_key() {
        let text = EMBEDDED.replace("site_check = { value = 2.0", "site_check = { value = -2.0");
        let e = StaffModel::parse(&text, "m.toml").unwrap_err().to_string();
        assert!(e.contains("single_contract.site_check"), "{e}");
    }
}
