//! The diagnostic every reader and check reports: a stable code, a severity, where
//! (file, 1-based physical line, column) and what is wrong and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is; read from its code's first letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `E…`: the dataset cannot be planned.
    Error,
    /// `W…`: printed, but the dataset is valid.
    Warning,
}

/// One problem found in a dataset or model file, with where it is and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code, e.g. `E0202` (see `codes`).
    pub code: String,
    /// Error or warning, from the code.
    pub severity: Severity,
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based physical line number in the file (the header is line 1).
    pub line: Option<usize>,
    /// The column (header name) at fault, when one is.
    pub column: Option<String>,
    /// The cell as a spreadsheet names it (`D12`), for rows read from a workbook.
    pub cell: Option<String>,
    /// What is wrong, with the value.
    pub message: String,
    /// What to do about it.
    pub action: String,
}

impl Diagnostic {
    /// The severity is read from the code: `E…` codes are errors, `W…` warnings, so a
    /// code can never be reported at two severities.
    pub fn new(
        code: &str,
        file: &Path,
        line: Option<usize>,
        column: Option<&str>,
        message: impl Into<String>,
        action: impl Into<String>,
    ) -> Diagnostic {
        let severity = if code.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        };
        Diagnostic {
            code: code.to_string(),
            severity,
            file: file.to_path_buf(),
            line,
            column: column.map(str::to_string),
            cell: None,
            message: message.into(),
            action: action.into(),
        }
    }

    /// True for `E…` codes.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}] {}", self.code, self.file.display())?;
        if let Some(cell) = &self.cell {
            write!(f, " {cell}")?;
        } else if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ":{col}")?;
        }
        write!(f, ": {} — fix: {}", self.message, self.action)
    }
}

/// Sorts diagnostics by file, line and code so output is stable whatever order the
/// checks ran in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line.unwrap_or(0), &a.code, &a.column).cmp(&(
            &b.file,
            b.line.unwrap_or(0),
            &b.code,
            &b.column,
        ))
    });
}
