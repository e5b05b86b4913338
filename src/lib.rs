//! matome (まとめる, "to bundle") plans the comprehensive outsourcing (包括委託) of a
//! ward's facility and infrastructure maintenance: it groups thousands of small
//! maintenance contracts into a few bundles and reports the staff time freed.
//!
//! Layers: `model` (domain data) ← `io` (readers, writers) and `validate`;
//! `solve` is the generic engine and never imports formats.

pub mod bench;
pub mod generate;
pub mod geo;
pub mod io;
pub mod model;
pub mod plan;
pub mod problem;
pub mod report;
pub mod scenario;
pub mod solve;
pub mod staff;
pub mod units;
pub mod validate;
