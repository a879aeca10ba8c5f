//! TypeScript text: string literals, JSDoc blocks and decorator calls.

pub(super) use crate::emit::js::{string_literal as string, template_literal as template};

/// A JSDoc block for a doc comment, indented by `indent`; empty when there
/// is no doc. `*/` inside the text would end the comment early.
pub(super) fn jsdoc(doc: Option<&str>, indent: &str) -> Vec<String> {
    let Some(doc) = doc else { return Vec::new() };
    let lines = crate::emit::sql::doc_lines(doc);
    if lines.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!("{indent}/**")];
    for line in lines {
        let line = line.replace("*/", "*\\/");
        out.push(if line.trim().is_empty() { format!("{indent} *") } else { format!("{indent} * {line}") });
    }
    out.push(format!("{indent} */"));
    out
}

/// Longest decorator call kept on one line before its options are broken
/// one per line.
const MAX_LINE: usize = 110;

/// A decorator call: `@Name(arg, ..., { key: value, ... })`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Decorator {
    name: &'static str,
    args: Vec<String>,
    options: Vec<(&'static str, String)>,
}

impl Decorator {
    pub fn new(name: &'static str) -> Self {
        Decorator { name, args: Vec::new(), options: Vec::new() }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A positional argument, as TypeScript.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// The trailing options object, values as TypeScript.
    pub fn options(mut self, options: Vec<(&'static str, String)>) -> Self {
        self.options = options;
        self
    }

    /// The call as lines indented by `indent`.
    pub fn lines(&self, indent: &str) -> Vec<String> {
        let object = |sep: &str, inner: &str| {
            self.options.iter().map(|(k, v)| format!("{inner}{k}: {v}")).collect::<Vec<_>>().join(sep)
        };
        let mut args = self.args.clone();
        if !self.options.is_empty() {
            args.push(format!("{{ {} }}", object(", ", "")));
        }
        let one_line = format!("{indent}@{}({})", self.name, args.join(", "));
        if one_line.len() <= MAX_LINE || self.options.is_empty() {
            return vec![one_line];
        }
        let mut head = format!("{indent}@{}(", self.name);
        for arg in &self.args {
            head.push_str(arg);
            head.push_str(", ");
        }
        head.push('{');
        let mut out = vec![head];
        for (k, v) in &self.options {
            out.push(format!("{indent}  {k}: {v},"));
        }
        out.push(format!("{indent}}})"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_what_would_end_them() {
        assert_eq!(string("say \"hi\"\n"), r#""say \"hi\"\n""#);
        assert_eq!(template("a `b` ${c} \\d"), r"`a \`b\` \${c} \\d`");
        assert_eq!(jsdoc(Some("ends */ early"), ""), vec!["/**", " * ends *\\/ early", " */"]);
        assert!(jsdoc(None, "  ").is_empty());
    }

    #[test]
    fn long_decorators_break_their_options() {
        let short = Decorator::new("Column").options(vec![("name", string("id"))]);
        assert_eq!(short.lines("  "), vec![r#"  @Column({ name: "id" })"#]);
        let long = Decorator::new("Index").arg(string("idx")).options(vec![("where", string(&"x".repeat(120)))]);
        let lines = long.lines("");
        assert_eq!(lines[0], r#"@Index("idx", {"#);
        assert_eq!(lines.last().map(String::as_str), Some("})"));
    }
}
