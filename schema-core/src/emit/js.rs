//! What the TypeScript targets (types, Drizzle, TypeORM) share: string and
//! template literals, JSDoc blocks, reserved words.

/// JavaScript's reserved words (and `arguments`/`eval`, which strict mode
/// forbids as names): an identifier the targets derive from a table or an
/// entity must not be one of them, so each target renames it (Drizzle:
/// `deleteTable`; TypeORM's arrow parameters: `default_`).
pub(crate) const RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// TypeScript's predefined type names: no interface, type alias or class
/// may take one. `Object` is not predefined, but a class of that name is
/// refused in a CommonJS module (TypeORM's entities compile to one).
pub(crate) const PREDEFINED_TYPES: &[&str] = &[
    "any",
    "bigint",
    "boolean",
    "never",
    "number",
    "object",
    "string",
    "symbol",
    "undefined",
    "unknown",
    "void",
    "Object",
];

/// A SQL name (a table, an enum type) as `_`-separated words that make an
/// identifier once camelCased: every character that cannot be part of one
/// (quotes, spaces, `$`, `.`, ...) becomes `_`, a separator.
///
/// ```text
/// it's "x"  ->  it_s__x_  (camelCased: itSX)
/// ```
pub(crate) fn identifier_words(name: &str) -> String {
    name.chars().map(|c| if c.is_alphabetic() || c.is_ascii_digit() { c } else { '_' }).collect()
}

/// The TypeScript name of a type the schema declares (an entity's row type,
/// an enum, a TypeORM class): its Rust name, with `_` appended when
/// TypeScript reserves it (`class` -> `class_`, `string` -> `string_`).
pub(crate) fn type_name(name: &str) -> String {
    super::names::free(name, |n| RESERVED.contains(&n) || PREDEFINED_TYPES.contains(&n))
}

/// A global type a generated file names (`Date`), reached as
/// `globalThis.Date` when the file declares a type of the same name.
pub(crate) fn global_type(name: &str, declared: impl Fn(&str) -> bool) -> String {
    if declared(name) { format!("globalThis.{name}") } else { name.to_string() }
}

/// A string literal. JSON's string syntax is valid JavaScript and TypeScript,
/// and serde_json escapes quotes, backslashes and control characters.
pub(crate) fn string_literal(value: &str) -> String {
    serde_json::to_string(value).expect("a string always serializes")
}

/// A template literal holding `text` verbatim (SQL keeps its line breaks):
/// backslashes, backticks and `${` escaped.
pub(crate) fn template_literal(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('`', "\\`").replace("${", "\\${");
    format!("`{escaped}`")
}

/// Writes `lines` as a JSDoc comment indented by `indent`: `/** one */` for
/// one line, a block for more, nothing for none. `*/` inside the text would
/// end the comment early, so it is escaped.
pub(crate) fn write_jsdoc(out: &mut String, indent: &str, lines: &[String]) {
    let lines: Vec<String> = lines.iter().map(|l| l.replace("*/", "*\\/")).collect();
    match lines.as_slice() {
        [] => {}
        [one] => out.push_str(&format!("{indent}/** {one} */\n")),
        many => {
            out.push_str(&format!("{indent}/**\n"));
            for line in many {
                if line.is_empty() {
                    out.push_str(&format!("{indent} *\n"));
                } else {
                    out.push_str(&format!("{indent} * {line}\n"));
                }
            }
            out.push_str(&format!("{indent} */\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by tests/property_names.rs: TypeORM's entity class `Object`
    /// is refused in a CommonJS module.
    #[test]
    fn declared_types_avoid_reserved_and_predefined_names() {
        assert_eq!(type_name("Object"), "Object_");
        assert_eq!(type_name("string"), "string_");
        assert_eq!(type_name("Task"), "Task");
        assert_eq!(identifier_words("it's \"x\""), "it_s__x_");
    }

    #[test]
    fn literals_escape_what_would_end_them() {
        assert_eq!(string_literal("say \"hi\"\n"), r#""say \"hi\"\n""#);
        assert_eq!(template_literal("a `b` ${c} \\"), r"`a \`b\` \${c} \\`");
    }

    #[test]
    fn jsdoc_is_one_line_or_a_block() {
        let mut out = String::new();
        write_jsdoc(&mut out, "  ", &["One.".to_string()]);
        write_jsdoc(&mut out, "", &["A.".to_string(), String::new(), "Ends */ here.".to_string()]);
        write_jsdoc(&mut out, "", &[]);
        assert_eq!(out, "  /** One. */\n/**\n * A.\n *\n * Ends *\\/ here.\n */\n");
    }
}
