//! Diagnostics, at the bottom of the library: the `Diagnostic` every reader (`io`) and
//! every check (`validate`) reports, its `Severity`, and the table of stable codes.
//! Both layers depend on this module and neither on the other for it.

pub mod codes;
mod diagnostic;

pub use diagnostic::{sort, Diagnostic, Severity};
