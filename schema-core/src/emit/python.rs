//! What the Python targets (types, Alembic) share.

/// Python's keywords: no attribute or field may be named one.
pub(crate) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// The built-in names the generated Python files use as types.
pub(crate) const BUILTINS: &[&str] = &["bool", "bytes", "dict", "float", "int", "list", "object", "str", "type"];

/// The Python name of a class the schema declares (an entity's model, an
/// enum): its Rust name, with `_` appended when it is a keyword or one of
/// the [`BUILTINS`] (`str` -> `str_`), which a class would shadow.
pub(crate) fn class_name(name: &str) -> String {
    super::names::free(name, |n| KEYWORDS.contains(&n) || BUILTINS.contains(&n))
}

/// A Python string literal, double-quoted, on one line.
///
/// ```text
/// it's "x"\n  ->  "it's \"x\"\n"
/// ```
pub(crate) fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn string_literal_escapes_quotes_and_control_characters() {
        assert_eq!(super::string_literal("it's \"x\"\n\u{1}"), r#""it's \"x\"\n\u0001""#);
    }
}
