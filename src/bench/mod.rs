//! Benchmark instance readers (OR-Library pmedcap1, Lorena–Senne/Stefanello CPMP,
//! Holmberg/OR-Library single-source CFLP), a generator of large CPMP instances and the
//! best-known tables. They turn files into `solve::Problem`s; the engine never sees a
//! file format.

pub mod generate;
pub mod read;

pub use read::{best_known, detect_format, read_instance, BenchError, Format, Instance};
