//! Diagnostics of the whole-schema checks and the emitters, printed by build
//! scripts as `path:line:col: message`.

use crate::model::Location;
use crate::types::Dialect;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, located in the user's source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    /// How to fix it, shown on a `help:` line.
    pub help: Option<String>,
    /// What kind of finding it is (a schema-review rule, `mysql_partial_index`):
    /// the build's console shows a few of each kind and counts the rest.
    pub code: Option<&'static str>,
    /// The dialects the finding is about (a limit of MySQL, SQL that fails on
    /// SQLite); empty when it is about the schema whatever the dialect. A
    /// build that generates none of them does not show it.
    pub dialects: Vec<Dialect>,
}

impl Diagnostic {
    pub fn error(location: &Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, location, message)
    }

    pub fn warning(location: &Location, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, location, message)
    }

    pub fn new(severity: Severity, location: &Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            location: location.clone(),
            message: message.into(),
            help: None,
            code: None,
            dialects: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Tags the diagnostic with its kind (see [`Diagnostic::code`]).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Says which dialects the finding is about (see [`Diagnostic::dialects`]).
    pub fn with_dialects(mut self, dialects: impl IntoIterator<Item = Dialect>) -> Self {
        self.dialects = dialects.into_iter().collect();
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    /// `src/schema.rs:12:5: error: message` then, if any, an indented `help:` line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {level}: {}", self.location, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}
