//! How the targets keep a schema's names from colliding with the names their
//! own files import or rely on (Pydantic's `BaseModel`, TypeORM's `Column`,
//! TypeScript's `Date`, Prisma's `String`, ...). A user's entity may
//! legitimately be called `Entity` or `Field`, so every target avoids the
//! clash by construction instead of refusing the schema:
//!
//! - a name the file *imports* yields to a name the schema *declares*: it is
//!   imported under an alias, `_` in front ([`import_as`]):
//!   `from pydantic import BaseModel as _BaseModel`,
//!   `import { Column as _Column } from "typeorm"`;
//! - a global the file cannot import (TypeScript's `Date`, `Partial`) is
//!   reached as `globalThis.Date` where a declaration shadows it;
//! - a declared name the language reserves (a keyword, a built-in type such
//!   as Python's `str`, Prisma's scalar `String`) gets `_` behind
//!   ([`free`]): `class str_(BaseModel)`, `model String_ { ... @@map("strings") }`;
//!   the table it maps to does not change.

/// `name`, or `name` with `_` appended (repeatedly) while `reserved` holds.
///
/// ```text
/// free("class", |n| n == "class")  ->  "class_"
/// free("Task", |_| false)          ->  "Task"
/// ```
pub(crate) fn free(name: &str, reserved: impl Fn(&str) -> bool) -> String {
    let mut out = name.to_string();
    while reserved(&out) {
        out.push('_');
    }
    out
}

/// The local name of an imported `name` in a file that declares the names
/// `declared` says it does: `name`, or `_name` (more `_` while still taken).
pub(crate) fn import_as(name: &str, declared: impl Fn(&str) -> bool) -> String {
    let mut out = name.to_string();
    while declared(&out) {
        out.insert(0, '_');
    }
    out
}

/// One item of an import list, `name` or `name as local` (TypeScript and
/// Python spell it alike).
pub(crate) fn import_item(name: &str, local: &str) -> String {
    if name == local { name.to_string() } else { format!("{name} as {local}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_names_win_imports_yield() {
        assert_eq!(free("class", |n| n == "class"), "class_");
        assert_eq!(free("Task", |_| false), "Task");
        assert_eq!(import_as("BaseModel", |n| n == "BaseModel"), "_BaseModel");
        assert_eq!(import_as("BaseModel", |n| n == "BaseModel" || n == "_BaseModel"), "__BaseModel");
        assert_eq!(import_item("Field", "_Field"), "Field as _Field");
        assert_eq!(import_item("Field", "Field"), "Field");
    }
}
