//! One file per subcommand: arguments and the run function returning the exit code.

pub mod bench;
pub mod generate;
pub mod plan;
pub mod scenarios;
pub mod validate;
