//! matome (まとめる, "to bundle") plans the comprehensive outsourcing (包括委託) of a
//! ward's facility and infrastructure maintenance: it groups thousands of small
//! maintenance contracts into a few bundles and reports the staff time freed.
//!
//! Layers, each depending only on those below it:
//!
//! - `units`, `text`, `geo`, `diag`: typed quantities, number formatting, geometry,
//!   and the coded `Diagnostic`s with their table of codes;
//! - `model`: the dataset as read (keys as strings);
//! - `io`: readers (and the dataset writer), reporting `diag` diagnostics;
//! - `ward`: the resolved ward (keys as indices, contract → lines, road matrix and
//!   map projection built once) and its one travel model;
//! - `validate`: the cross-file checks, then the resolution of a valid dataset into a
//!   `Ward`;
//! - `scenario` and `staff`: scenario and sweep files, the staff-time model;
//! - `problem`: ward + scenario → the engine's generic problem, and its solution back
//!   as bundles;
//! - `plan`: one plan end to end (build, solve, check, accounts) and sweeps of plans;
//! - `report`: every output file of a plan or a sweep;
//! - `serve`: the local web application (`matome serve`), beside the CLI at the top:
//!   it calls the same `validate`, `plan`, `plan::sweep` and `report` functions;
//! - `audit`: `matome check`, a plan folder's files re-verified against the ward and
//!   the scenario, sharing nothing with the run that wrote them;
//! - the binary (`main.rs`, `cli/`) on top: parses arguments, calls `validate`,
//!   `plan` and `report`, prints and sets the exit code.
//!
//! `solve` is the generic engine beside them: it never imports wards, formats or
//! reports (`problem` speaks to it); `bench` reads benchmark instances into it, and
//! `generate` writes synthetic ward datasets.

#![warn(missing_docs)]

pub mod audit;
pub mod bench;
pub mod diag;
pub mod generate;
pub mod geo;
pub mod import;
pub mod io;
pub mod market;
pub mod model;
pub mod plan;
pub mod problem;
pub mod replan;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod solve;
pub mod staff;
pub mod stop;
pub mod text;
pub mod units;
pub mod validate;
pub mod ward;
