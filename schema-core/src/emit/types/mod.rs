//! Types for other languages: `types/schema.ts` (TypeScript row, insert and
//! update types), `types/models.py` (Pydantic v2 models) and
//! `types/records.py` (plain dataclasses; not `dataclasses.py`, which would
//! shadow the standard library's module for any script run beside it).
//!
//! All three describe a row *as the database driver returns it*: property and
//! field names are the SQL column names (node-postgres and psycopg hand back
//! rows keyed by column name), and each type is what that driver produces
//! for the column (see [`crate::types::TYPE_TABLE`] and docs/targets/types.md).
//!
//! What the three share lives here: which columns an insert may leave out,
//! the Python field names, and the check that every generated name is free.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::model::{Column, DefaultValue, Entity, Generated, Location, Schema};

use super::{Artifact, Context, Emitted, Emitter};
use crate::emit::{js, python as py};

mod python;
#[cfg(test)]
mod tests;
mod typescript;

/// Where the TypeScript types go, relative to the output directory.
pub const TYPESCRIPT_PATH: &str = "types/schema.ts";
/// Where the Pydantic models go.
pub const PYDANTIC_PATH: &str = "types/models.py";
/// Where the dataclasses go.
pub const DATACLASSES_PATH: &str = "types/records.py";

/// The types emitter: `types/schema.ts`, `types/models.py`, `types/records.py`.
///
/// ```
/// use tablewright_core::emit::snapshot::from_json;
/// use tablewright_core::emit::types::{TypeDefinitions, PYDANTIC_PATH, TYPESCRIPT_PATH};
/// use tablewright_core::emit::{Context, EmitOptions, Emitted, Emitter};
///
/// let schema = from_json(r#"{"enums": [], "entities": [{
///     "name": "Tag", "table": "tags", "traits": {},
///     "columns": [
///         {"name": "id", "field": "id", "type": {"kind": "i64"}, "nullable": false, "generated": "identity"},
///         {"name": "label", "field": "label", "type": {"kind": "string"}, "nullable": false, "max_len": 50},
///         {"name": "note", "field": "note", "type": {"kind": "string"}, "nullable": true}
///     ],
///     "primary_key": {"name": "pk_tags", "columns": ["id"]}
/// }]}"#).unwrap();
/// let mut out = Emitted::default();
/// TypeDefinitions.emit(&Context::new(&schema, &EmitOptions::default()), &mut out);
/// let text = |path: &str| {
///     let artifact = out.artifacts.iter().find(|a| a.path.to_str() == Some(path)).unwrap();
///     String::from_utf8(artifact.contents.clone()).unwrap()
/// };
/// let ts = text(TYPESCRIPT_PATH);
/// // BIGINT comes back from node-postgres as a string; the key is generated.
/// assert!(ts.contains("export interface Tag {\n  id: string;\n  label: string;\n  note: string | null;\n}"));
/// assert!(ts.contains("export interface NewTag {\n  id?: string;\n  label: string;\n  note?: string | null;\n}"));
/// assert!(ts.contains("export type TagUpdate = Partial<Omit<NewTag, \"id\">>;"));
/// let py = text(PYDANTIC_PATH);
/// assert!(py.contains("    label: Annotated[str, Field(max_length=50)]\n"));
/// ```
pub struct TypeDefinitions;

impl Emitter for TypeDefinitions {
    fn name(&self) -> &'static str {
        "types"
    }

    fn emit(&self, cx: &Context<'_>, out: &mut Emitted) {
        let schema = cx.schema();
        let collisions = check_names(schema);
        if !collisions.is_empty() {
            out.diagnostics.extend(collisions);
            return;
        }
        out.artifacts.push(Artifact::text(TYPESCRIPT_PATH, typescript::render(schema)));
        out.artifacts.push(Artifact::text(PYDANTIC_PATH, python::render(cx.analysis(), python::Flavor::Pydantic)));
        out.artifacts
            .push(Artifact::text(DATACLASSES_PATH, python::render(cx.analysis(), python::Flavor::Dataclasses)));
    }
}

/// The database fills the column when an insert leaves it out: it has a
/// default or is a generated key. `#[id(cuid)]` keys are made by the
/// application, so an insert must carry them.
pub(crate) fn database_fills(column: &Column) -> bool {
    column.default.is_some() || matches!(column.generated, Generated::Identity | Generated::RandomUuid)
}

/// An insert may leave the column out: the database fills it, or NULL is allowed.
pub(crate) fn insert_optional(column: &Column) -> bool {
    column.nullable || database_fills(column)
}

/// The column is part of the primary key (excluded from update types).
pub(crate) fn is_key(entity: &Entity, column: &Column) -> bool {
    entity.primary_key.columns.contains(&column.name)
}

/// The values a `#[polymorphic]` type column holds (`task`, `comment`), when
/// `column` is one: typed as a union of those literals, not as a string.
pub(crate) fn polymorphic_values<'e>(entity: &'e Entity, column: &Column) -> Option<Vec<&'e str>> {
    let link = entity.polymorphic.iter().find(|p| p.type_column == column.name)?;
    Some(link.targets.iter().map(|t| t.value.as_str()).collect())
}

/// Names Pydantic's `BaseModel` already uses: a field with one of these names
/// shadows a method (Pydantic warns, and `-W error` makes that fatal).
const PYDANTIC_RESERVED: &[&str] = &[
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "register",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
];

/// The Python field name of a column: the column name when it is a usable
/// identifier (`länge` is), otherwise a close spelling ending in `_`
/// (`from` -> `from_`, `json` -> `json_`, `my col` -> `my_col_`). Pydantic maps a renamed field
/// back to the column with aliases.
pub(crate) fn python_field_name(column: &str) -> String {
    // Letters of any script are Python identifier characters (`länge`);
    // other characters, non-ASCII digits included (Python would read `²`
    // as `2`), become `_`.
    let mut name: String =
        column.chars().map(|c| if c.is_alphabetic() || c.is_ascii_digit() || c == '_' { c } else { '_' }).collect();
    let leading_digit = name.starts_with(|c: char| c.is_ascii_digit());
    // Pydantic treats `_x` as a private attribute, not a field.
    let private = name.starts_with('_');
    // A field named like a built-in type (`str`) would shadow it in the
    // annotations of the fields after it.
    let reserved = crate::emit::python::KEYWORDS.contains(&name.as_str())
        || crate::emit::python::BUILTINS.contains(&name.as_str())
        || PYDANTIC_RESERVED.contains(&name.as_str())
        || name.starts_with("model_");
    if name != column || leading_digit || private || reserved || name.is_empty() {
        name = name.trim_start_matches('_').to_string();
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert_str(0, "column_");
        }
        name.push('_');
    }
    // Pydantic warns of a field that merely starts with one of its method
    // prefixes (`model_dump_`), a trailing `_` does not help.
    if name.starts_with("model_dump") || name.starts_with("model_validate") {
        name.insert_str(0, "column_");
    }
    name
}

/// Every name generated from two different schema items must differ:
/// TypeScript types (`Task`, `NewTask`, `TaskUpdate`, enums, the
/// `...Values` constants), Python classes (`Task`, `TaskCreate`, enums) and
/// the Python field names of each entity. Rust allows an entity and an enum
/// of one name in two modules, and `Task` beside `NewTask` would give two
/// `NewTask`s; the generated files put everything in one namespace. (Names
/// the files import or rely on, `JsonValue`, `BaseModel`, `Date`, are
/// avoided by construction: see [`crate::emit::names`].)
fn check_names(schema: &Schema) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // (language, name) -> what claimed it first
    let mut claimed: BTreeMap<(&str, String), String> = BTreeMap::new();
    let mut claim = |language: &'static str, name: String, by: &str, location: &Location, out: &mut Vec<Diagnostic>| {
        if let Some(first) = claimed.get(&(language, name.clone())) {
            out.push(
                Diagnostic::error(
                    location,
                    format!("the generated {language} type name `{name}` of {by} is also the name of {first}"),
                )
                .with_help(
                    "rename one of them: the generated TypeScript and Python files put every type in one namespace",
                ),
            );
        } else {
            claimed.insert((language, name), by.to_string());
        }
    };
    for e in &schema.enums {
        let by = format!("enum `{}`", e.name);
        claim("TypeScript", js::type_name(&e.name), &by, &e.location, &mut out);
        claim("TypeScript", typescript::values_const_name(&e.name), &by, &e.location, &mut out);
        claim("Python", py::class_name(&e.name), &by, &e.location, &mut out);
    }
    for e in &schema.entities {
        let by = format!("entity `{}`", e.name);
        for name in [js::type_name(&e.name), format!("New{}", e.name), format!("{}Update", e.name)] {
            claim("TypeScript", name, &by, &e.location, &mut out);
        }
        for name in [py::class_name(&e.name), format!("{}Create", e.name)] {
            claim("Python", name, &by, &e.location, &mut out);
        }
        let mut fields: BTreeMap<String, &str> = BTreeMap::new();
        for c in &e.columns {
            let field = python_field_name(&c.name);
            if let Some(first) = fields.insert(field.clone(), &c.name) {
                out.push(
                    Diagnostic::error(
                        &c.location,
                        format!(
                            "columns `{first}` and `{}` of `{}` both become the Python field `{field}`",
                            c.name, e.table
                        ),
                    )
                    .with_help("rename one of the columns with #[column(name = \"...\")]"),
                );
            }
        }
    }
    out
}

/// A literal default the application can write itself (Python's `Create`
/// models carry it): a bool, a number, a string on a text column, an enum
/// value. `now`, raw SQL and literals of another type stay with the database.
pub(crate) fn literal_default(column: &Column) -> Option<&DefaultValue> {
    use crate::model::ColumnType as T;
    let default = column.default.as_ref()?;
    let fits = matches!(
        (default, &column.ty),
        (DefaultValue::Bool(_), T::Bool)
            | (DefaultValue::Int(_), T::I16 | T::I32 | T::I64 | T::F32 | T::F64 | T::Decimal)
            | (DefaultValue::Float(_), T::F32 | T::F64 | T::Decimal)
            | (DefaultValue::String(_), T::String)
            | (DefaultValue::EnumValue(_), T::Enum(_))
    );
    fits.then_some(default)
}

/// A doc comment's lines, trailing spaces trimmed (none: no lines).
pub(crate) fn doc_lines(doc: Option<&str>) -> Vec<String> {
    doc.map(|d| d.lines().map(|l| l.trim_end().to_string()).collect()).unwrap_or_default()
}
