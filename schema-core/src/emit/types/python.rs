//! `types/models.py` (Pydantic v2: a row model and a `...Create` model per
//! entity, with constraints) and `types/dataclasses.py` (a frozen dataclass
//! per entity). Both declare the enums (`enum.StrEnum`) and `JsonValue`
//! themselves, so each file imports on its own.

use std::collections::BTreeSet;

use crate::analysis::Analysis;
use crate::model::{Column, ColumnType, DefaultValue, Entity, EnumType};
use crate::naming::snake_case;
use crate::types::type_row;

use super::{database_fills, doc_lines, insert_optional, literal_default, polymorphic_values, python_field_name};
use crate::emit::names::{import_as, import_item};
use crate::emit::python::{class_name, string_literal};

/// Which of the two Python files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Pydantic,
    Dataclasses,
}

/// Standard-library modules the files import whole (`uuid.UUID`), so a
/// column named `date` or `time` cannot shadow a type.
const MODULES: &[&str] = &["datetime", "decimal", "uuid"];

/// The file's view of the schema, and the local name of everything it
/// imports: a name the schema declares too (a class `BaseModel` or `Field`,
/// a field `uuid`) wins, and the import is aliased `_BaseModel`, `_uuid`
/// (see [`crate::emit::names`]).
struct File<'s> {
    analysis: &'s Analysis<'s>,
    flavor: Flavor,
    /// The standard modules the file uses.
    modules: Vec<&'static str>,
    /// Every class and field name the file declares.
    declared: BTreeSet<String>,
}

impl File<'_> {
    /// The local name of an imported module or name.
    fn local(&self, name: &str) -> String {
        import_as(name, |n| self.declared.contains(n))
    }

    fn module(&self, name: &str) -> String {
        self.local(name)
    }

    /// The annotation of a column's value without `| None` and without
    /// constraints: `uuid.UUID`, `TaskStatus`, `list[str]`.
    fn value_type(&self, entity: &Entity, column: &Column) -> String {
        if let Some(values) = polymorphic_values(entity, column) {
            let values: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
            return format!("{}[{}]", self.local("Literal"), values.join(", "));
        }
        match &column.ty {
            ColumnType::Enum(name) => class_name(name),
            ColumnType::Json => self.local("JsonValue"),
            // `#[column(sql_type)]` with a custom Rust type: the driver's type is unknown.
            ColumnType::Other(_) => "object".to_string(),
            ty => {
                let python = type_row(ty, false).python;
                match python.split_once('.') {
                    Some((module, item)) => format!("{}.{item}", self.module(module)),
                    None => python.to_string(),
                }
            }
        }
    }

    /// The `Field(...)` arguments of a column (Pydantic only): constraints
    /// and, for a renamed field, the aliases that map it to its column.
    fn field_args(&self, entity: &Entity, column: &Column) -> Vec<String> {
        let mut args = Vec::new();
        if self.flavor != Flavor::Pydantic {
            return args;
        }
        match (&column.ty, column.max_len, column.precision) {
            // A literal union is shorter than its column by construction.
            (ColumnType::String, Some(_), _) if polymorphic_values(entity, column).is_some() => {}
            (ColumnType::String, Some(n), _) => args.push(format!("max_length={n}")),
            (ColumnType::Decimal, _, Some(p)) => {
                args.push(format!("max_digits={p}"));
                args.push(format!("decimal_places={}", column.scale.unwrap_or(0)));
            }
            _ => {}
        }
        if python_field_name(&column.name) != column.name {
            let alias = string_literal(&column.name);
            args.push(format!("validation_alias={alias}"));
            args.push(format!("serialization_alias={alias}"));
        }
        args
    }

    /// The full annotation: `T`, `T | None`, or `Annotated[T | None, Field(...)]`.
    fn annotation(&self, entity: &Entity, column: &Column, nullable: bool) -> String {
        let mut ty = self.value_type(entity, column);
        if nullable {
            ty.push_str(" | None");
        }
        let args = self.field_args(entity, column);
        if args.is_empty() {
            ty
        } else {
            format!("{}[{ty}, {}({})]", self.local("Annotated"), self.local("Field"), args.join(", "))
        }
    }

    /// The Python spelling of a literal default (see [`literal_default`]).
    fn default_literal(&self, column: &Column) -> Option<String> {
        let literal = match literal_default(column)? {
            DefaultValue::Bool(true) => "True".to_string(),
            DefaultValue::Bool(false) => "False".to_string(),
            DefaultValue::Int(i) if column.ty == ColumnType::Decimal => {
                format!("{}.Decimal({})", self.module("decimal"), string_literal(&i.to_string()))
            }
            DefaultValue::Float(f) if column.ty == ColumnType::Decimal => {
                format!("{}.Decimal({})", self.module("decimal"), string_literal(f))
            }
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Float(f) => f.replace('_', ""),
            DefaultValue::String(s) => string_literal(s),
            DefaultValue::EnumValue(value) => {
                let ColumnType::Enum(name) = &column.ty else { return None };
                let variant = self.analysis.enum_type(name)?.variants.iter().find(|v| v.value == *value)?;
                format!("{}.{}", class_name(name), member_name(&variant.name))
            }
            DefaultValue::Now | DefaultValue::Sql(_) => return None,
        };
        Some(literal)
    }
}

/// `InProgress` -> `IN_PROGRESS`: enum members in Python's constant style.
fn member_name(variant: &str) -> String {
    snake_case(variant).to_uppercase()
}

/// A docstring at `indent`. Backslashes and triple quotes in the text are
/// escaped so the literal stays one string with the text as written.
fn docstring(out: &mut String, indent: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let escape = |l: &str| l.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let lines: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    if let [one] = lines.as_slice() {
        // A quote right before the closing `"""` would read as part of it.
        let one = match one.strip_suffix('"') {
            Some(head) => format!("{head}\\\""),
            None => one.clone(),
        };
        out.push_str(&format!("{indent}\"\"\"{one}\"\"\"\n"));
        return;
    }
    out.push_str(&format!("{indent}\"\"\"{}\n", lines[0]));
    for line in &lines[1..] {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    out.push_str(&format!("{indent}\"\"\"\n"));
}

/// The whole file of one flavor.
pub(crate) fn render<'s>(analysis: &'s Analysis<'s>, flavor: Flavor) -> String {
    let schema = analysis.schema();
    let columns = || schema.entities.iter().flat_map(|e| &e.columns);
    let field_names: BTreeSet<String> = columns().map(|c| python_field_name(&c.name)).collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for c in columns() {
        let typed_by_table = !matches!(c.ty, ColumnType::Enum(_) | ColumnType::Other(_));
        if let (true, Some((module, _))) = (typed_by_table, type_row(&c.ty, false).python.split_once('.')) {
            used.insert(module);
        }
        if flavor == Flavor::Pydantic && c.ty == ColumnType::Decimal && literal_default(c).is_some() {
            used.insert("decimal");
        }
    }
    let modules = MODULES.iter().copied().filter(|m| used.contains(*m)).collect();
    let mut declared = field_names;
    declared.extend(schema.enums.iter().map(|e| class_name(&e.name)));
    for e in &schema.entities {
        declared.insert(class_name(&e.name));
        if flavor == Flavor::Pydantic {
            declared.insert(format!("{}Create", e.name));
        }
    }
    let file = File { analysis, flavor, modules, declared };
    let uses_json = columns().any(|c| c.ty == ColumnType::Json);

    let mut out = String::new();
    out.push_str(match flavor {
        Flavor::Pydantic => {
            "\"\"\"Pydantic v2 models of the schema's tables. Generated by tablewright; do not edit.\n\
             \n\
             One model per table for its rows, with the column names as field names, and a\n\
             ``...Create`` model for inserts: fields the database fills (defaults, generated\n\
             keys) and nullable fields may be left unset; build the INSERT from\n\
             ``model_dump(exclude_unset=True)`` so the database fills what was not set.\n\
             Import it as ``generated.types.models``, or as ``models`` with ``generated/types``\n\
             on ``sys.path``.\n\
             \"\"\"\n"
        }
        Flavor::Dataclasses => {
            "\"\"\"Plain dataclasses of the schema's tables. Generated by tablewright; do not edit.\n\
             \n\
             One frozen dataclass per table for its rows, with the column names as field names.\n\
             Import it as ``generated.types.records``, or as ``records`` with ``generated/types``\n\
             on ``sys.path``.\n\
             \"\"\"\n"
        }
    });
    out.push('\n');
    let mut imports: Vec<String> = Vec::new();
    let mut modules: Vec<&str> = file.modules.clone();
    if !schema.enums.is_empty() {
        modules.push("enum");
    }
    for module in modules {
        imports.push(format!("import {}", import_item(module, &file.module(module))));
    }
    let from = |module: &str, names: &[&str]| {
        let items: Vec<String> = names.iter().map(|n| import_item(n, &file.local(n))).collect();
        format!("from {module} import {}", items.join(", "))
    };
    // isort's order: `import x` lines, then `from x import y` lines, each sorted;
    // third-party (pydantic) in a block of its own.
    let constrained = schema.entities.iter().any(|e| e.columns.iter().any(|c| !file.field_args(e, c).is_empty()));
    let literal = schema.entities.iter().any(|e| !e.polymorphic.is_empty());
    let mut typing: Vec<&str> = Vec::new();
    if constrained {
        typing.push("Annotated");
    }
    if literal {
        typing.push("Literal");
    }
    if uses_json && flavor == Flavor::Dataclasses {
        typing.push("TypeAlias");
    }
    if flavor == Flavor::Dataclasses {
        imports.push(from("dataclasses", &["dataclass"]));
    }
    if !typing.is_empty() {
        imports.push(from("typing", &typing));
    }
    imports.sort_by_key(|line| (line.starts_with("from "), line.clone()));
    if flavor == Flavor::Pydantic {
        let mut pydantic = vec!["BaseModel", "ConfigDict"];
        if constrained {
            pydantic.push("Field");
        }
        if uses_json {
            pydantic.push("JsonValue");
        }
        imports.push(String::new());
        imports.push(from("pydantic", &pydantic));
    }
    for line in imports {
        out.push_str(&line);
        out.push('\n');
    }
    if uses_json && flavor == Flavor::Dataclasses {
        out.push_str(&format!(
            "\n{0}: {1} = dict[str, \"{0}\"] | list[\"{0}\"] | str | int | float | bool | None\n",
            file.local("JsonValue"),
            file.local("TypeAlias")
        ));
        out.push_str("\"\"\"Any value a JSON or JSONB column holds.\"\"\"\n");
    }
    for e in &schema.enums {
        out.push_str("\n\n");
        write_enum(&mut out, &file, e);
    }
    for e in &schema.entities {
        out.push_str("\n\n");
        match flavor {
            Flavor::Pydantic => {
                write_row_model(&mut out, &file, e);
                out.push_str("\n\n");
                write_create_model(&mut out, &file, e);
            }
            Flavor::Dataclasses => write_dataclass(&mut out, &file, e),
        }
    }
    out
}

fn write_enum(out: &mut String, file: &File<'_>, e: &EnumType) {
    out.push_str(&format!("class {}({}.StrEnum):\n", class_name(&e.name), file.module("enum")));
    let doc = doc_lines(e.doc.as_deref());
    if !doc.is_empty() {
        docstring(out, "    ", &doc);
        out.push('\n');
    }
    for v in &e.variants {
        out.push_str(&format!("    {} = {}\n", member_name(&v.name), string_literal(&v.value)));
        docstring(out, "    ", &doc_lines(v.doc.as_deref()));
    }
}

/// The class docstring: the entity's doc, then what the class is for.
fn class_doc(e: &Entity, what: String) -> Vec<String> {
    let mut doc = doc_lines(e.doc.as_deref());
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.push(what);
    doc
}

/// `model_config`: the row model reads ORM objects and named-tuple rows too;
/// a renamed field accepts both its name and its column name.
fn model_config(file: &File<'_>, e: &Entity, base: &[&str]) -> String {
    let mut settings: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    settings.push("use_attribute_docstrings=True".to_string());
    if e.columns.iter().any(|c| python_field_name(&c.name) != c.name) {
        settings.push("validate_by_name=True".to_string());
        settings.push("validate_by_alias=True".to_string());
        settings.push("serialize_by_alias=True".to_string());
    }
    format!("    model_config = {}({})\n", file.local("ConfigDict"), settings.join(", "))
}

fn write_row_model(out: &mut String, file: &File<'_>, e: &Entity) {
    out.push_str(&format!("class {}({}):\n", class_name(&e.name), file.local("BaseModel")));
    docstring(out, "    ", &class_doc(e, format!("A row of ``{}``.", e.table)));
    out.push('\n');
    out.push_str(&model_config(file, e, &["from_attributes=True"]));
    out.push('\n');
    for c in &e.columns {
        out.push_str(&format!("    {}: {}\n", python_field_name(&c.name), file.annotation(e, c, c.nullable)));
        docstring(out, "    ", &doc_lines(c.doc.as_deref()));
    }
}

fn write_create_model(out: &mut String, file: &File<'_>, e: &Entity) {
    out.push_str(&format!("class {}Create({}):\n", e.name, file.local("BaseModel")));
    docstring(
        out,
        "    ",
        &[
            format!("A row to insert into ``{}``.", e.table),
            String::new(),
            "Fields left unset are left to the database: dump with ``model_dump(exclude_unset=True)``.".to_string(),
        ],
    );
    out.push('\n');
    out.push_str(&model_config(file, e, &["extra=\"forbid\""]));
    out.push('\n');
    for c in &e.columns {
        let name = python_field_name(&c.name);
        let line = match (file.default_literal(c), insert_optional(c)) {
            // A literal default: the model carries the same value the database would.
            (Some(literal), _) => format!("{name}: {} = {literal}", file.annotation(e, c, c.nullable)),
            // Filled by the database (now(), raw SQL, a generated key) or NULL:
            // `None` stands for "not given".
            (None, true) => format!("{name}: {} = None", file.annotation(e, c, true)),
            (None, false) => format!("{name}: {}", file.annotation(e, c, false)),
        };
        out.push_str(&format!("    {line}\n"));
        let mut doc = doc_lines(c.doc.as_deref());
        if !c.nullable && database_fills(c) && file.default_literal(c).is_none() {
            doc.push("``None``: filled by the database.".to_string());
        }
        docstring(out, "    ", &doc);
    }
}

fn write_dataclass(out: &mut String, file: &File<'_>, e: &Entity) {
    out.push_str(&format!("@{}(frozen=True, slots=True, kw_only=True)\n", file.local("dataclass")));
    out.push_str(&format!("class {}:\n", class_name(&e.name)));
    docstring(out, "    ", &class_doc(e, format!("A row of ``{}``.", e.table)));
    out.push('\n');
    for c in &e.columns {
        out.push_str(&format!("    {}: {}\n", python_field_name(&c.name), file.annotation(e, c, c.nullable)));
        docstring(out, "    ", &doc_lines(c.doc.as_deref()));
    }
}
