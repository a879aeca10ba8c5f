//! `alembic/models.py`: SQLAlchemy 2.0 declarative models, one class per
//! entity, one `enum.StrEnum` per `#[db_enum]`, relationships on both sides.

use super::{
    DeferredKeys, HEADER, Imports, attribute, attribute_of, constraints, docstring, enum_member, index_column,
    index_options, py_name, py_str, py_type, sa_type, uses_sql_type,
};
use crate::analysis::Analysis;
use crate::emit::Context;
use crate::emit::names::import_item;
use crate::emit::python::class_name;
use crate::emit::relations::{Relation, Relations};
use crate::emit::sql::{comment_text, deferred_foreign_keys, postgres_default};
use crate::model::Schema;
use crate::model::{Column, ColumnOrigin, ColumnType, Entity, Generated};

/// The whole `models.py`.
pub(super) fn models_py(cx: &Context<'_>) -> String {
    let (schema, analysis, relations) = (cx.schema(), cx.analysis(), cx.relations());
    let deferred = deferred_foreign_keys(cx);
    let mut imports = Imports { declared: declared(schema), ..Imports::default() };
    let base = crate::emit::names::free("Base", |n| imports.declared.contains(n));
    let mut body = String::new();

    if !schema.enums.is_empty() {
        imports.modules.insert("enum");
        body.push_str(&ENUM_VALUES.replace("enum.Enum", &format!("{}.Enum", imports.local("enum"))));
        for e in &schema.enums {
            body.push_str(&format!("\n\nclass {}({}.StrEnum):\n", class_name(&e.name), imports.local("enum")));
            if let Some(doc) = &e.doc {
                body.push_str(&format!("    {}\n\n", docstring(doc, "    ")));
            }
            for v in &e.variants {
                if let Some(doc) = &v.doc {
                    for line in comment_text(doc).lines() {
                        body.push_str(&format!("    # {line}\n").replace(" \n", "\n"));
                    }
                }
                body.push_str(&format!("    {} = {}\n", enum_member(&v.name), py_str(&v.value)));
            }
        }
        body.push_str("\n\n");
    }

    body.push_str(&format!(
        "class {base}({}):\n    \"\"\"The declarative base of every model; `{base}.metadata` is Alembic's target.\"\"\"\n",
        imports.local("DeclarativeBase"),
    ));
    if uses_sql_type(schema) {
        imports.any = true;
        body.push_str("\n\n");
        body.push_str(&super::sql_type_class(&imports));
    }

    for entity in &schema.entities {
        body.push_str("\n\n");
        write_class(analysis, entity, &base, relations, deferred, &mut imports, &mut body);
    }

    let mut out = format!("{HEADER}\n\"\"\"SQLAlchemy 2.0 models of the schema, one class per table.\"\"\"\n\n");
    out.push_str("from __future__ import annotations\n\n");
    for module in &imports.modules {
        out.push_str(&format!("import {}\n", import_item(module, &imports.local(module))));
    }
    if imports.any {
        out.push_str(&format!("from typing import {}\n", import_item("Any", &imports.local("Any"))));
    }
    if !imports.modules.is_empty() || imports.any {
        out.push('\n');
    }
    out.push_str("import sqlalchemy as sa\n");
    if imports.postgresql {
        out.push_str("from sqlalchemy.dialects import postgresql\n");
    }
    let mut orm = vec!["DeclarativeBase", "Mapped", "mapped_column"];
    if !relations.all.is_empty() {
        orm.push("relationship");
    }
    let orm: Vec<String> = orm.iter().map(|n| import_item(n, &imports.local(n))).collect();
    out.push_str(&format!("from sqlalchemy.orm import {}\n\n\n", orm.join(", ")));
    out.push_str(&body);
    out
}

/// SQLAlchemy stores an enum member's name by default; our types hold the
/// values.
const ENUM_VALUES: &str = r#"def _enum_values(enum_class: type[enum.Enum]) -> list[str]:
    """The stored values of an enum: what the PostgreSQL enum type holds."""
    return [str(member.value) for member in enum_class]
"#;

/// Every class name `models.py` declares: the entities' and the enums'.
fn declared(schema: &Schema) -> std::collections::BTreeSet<String> {
    schema
        .entities
        .iter()
        .map(|e| class_name(&e.name))
        .chain(schema.enums.iter().map(|e| class_name(&e.name)))
        .collect()
}

/// The name of the declarative base: `Base`, or `Base_` when an entity is
/// called `Base` (public: `alembic/env.py` and applications import it).
pub(super) fn base_name(schema: &Schema) -> String {
    let declared = declared(schema);
    crate::emit::names::free("Base", |n| declared.contains(n))
}

fn write_class(
    analysis: &Analysis<'_>,
    entity: &Entity,
    base: &str,
    relations: &Relations<'_>,
    deferred: &std::collections::BTreeSet<(String, String)>,
    imports: &mut Imports,
    out: &mut String,
) {
    out.push_str(&format!("class {}({}):\n", class_name(&entity.name), base));
    if let Some(doc) = &entity.doc {
        out.push_str(&format!("    {}\n\n", docstring(doc, "    ")));
    }
    out.push_str(&format!("    __tablename__ = {}\n", py_str(&entity.table)));
    out.push_str("    __table_args__ = (\n");
    for constraint in constraints(entity, deferred, DeferredKeys::UseAlter) {
        out.push_str(&format!("        {constraint},\n"));
    }
    for index in entity.indexes.iter().filter(|i| !i.is_unique_constraint()) {
        let columns: Vec<String> = index.columns.iter().map(|c| index_column(&c.name, c.desc)).collect();
        out.push_str(&format!(
            "        sa.Index({}, {}{}),\n",
            py_str(&index.name),
            columns.join(", "),
            index_options(index)
        ));
    }
    if let Some(doc) = &entity.doc {
        out.push_str(&format!("        {{\"comment\": {}}},\n", py_str(&comment_text(doc))));
    }
    out.push_str("    )\n\n");

    for column in &entity.columns {
        out.push_str(&column_line(analysis, entity, column, imports));
    }
    // `#[versioned]`: our trigger bumps the version and rejects an update
    // that changes it, which is SQLAlchemy's server-side version counter.
    // The ORM then adds `AND version = <read>` to each UPDATE (a stale copy
    // raises StaleDataError) and reads the new version back.
    if entity.traits.versioned
        && let Some(version) = entity.columns.iter().find(|c| c.origin == ColumnOrigin::Versioned)
    {
        out.push_str(&format!(
            "\n    __mapper_args__ = {{\"version_id_col\": {}, \"version_id_generator\": False}}\n",
            attribute(version, &imports.declared)
        ));
    }

    let held: Vec<&Relation<'_>> = relations.held_by(&entity.name).collect();
    let pointing: Vec<&Relation<'_>> = relations.pointing_at(&entity.name).collect();
    if !held.is_empty() || !pointing.is_empty() {
        out.push('\n');
    }
    for r in held {
        out.push_str(&relationship_line(r, Side::BelongsTo, imports));
    }
    for r in pointing {
        out.push_str(&relationship_line(r, Side::Inverse, imports));
    }
}

/// `name: Mapped[T] = mapped_column(...)`.
fn column_line(analysis: &Analysis<'_>, entity: &Entity, column: &Column, imports: &mut Imports) -> String {
    let mut ty = py_type(column, imports);
    if column.nullable {
        ty.push_str(" | None");
    }
    let mut args: Vec<String> = Vec::new();
    let attr = attribute(column, &imports.declared);
    if attr != column.name {
        args.push(py_str(&column.name));
    }
    args.push(sa_type(
        column,
        |name| {
            let sql_name = analysis.enum_type(name).map_or(name, |e| e.sql_name.as_str());
            format!("sa.Enum({}, name={}, values_callable=_enum_values)", class_name(name), py_str(sql_name))
        },
        imports,
        false,
    ));
    if column.generated == Generated::Identity {
        args.push("sa.Identity()".to_string());
    }
    let single_pk = entity.primary_key.columns.len() == 1;
    if entity.primary_key.columns.contains(&column.name) {
        args.push("primary_key=True".to_string());
        // A lone integer key without identity would otherwise become SERIAL.
        let integer = matches!(column.ty, ColumnType::I16 | ColumnType::I32 | ColumnType::I64);
        if single_pk && integer && column.generated != Generated::Identity {
            args.push("autoincrement=False".to_string());
        }
    }
    if let Some(default) = postgres_default(column) {
        args.push(format!("server_default=sa.text({})", py_str(&default)));
    }
    if let Some(doc) = &column.doc {
        args.push(format!("comment={}", py_str(&comment_text(doc))));
    }
    format!("    {attr}: {}[{ty}] = {}({})\n", imports.local("Mapped"), imports.local("mapped_column"), args.join(", "))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The many-to-one navigation on the entity holding the key.
    BelongsTo,
    /// The one-to-many (or one-to-one) navigation on the referenced entity.
    Inverse,
}

/// One `relationship()` attribute.
fn relationship_line(r: &Relation<'_>, side: Side, imports: &Imports) -> String {
    let holder = r.holder;
    let target = r.target;
    let fk = r.foreign_key;
    let self_reference = holder.name == target.name;
    let tenant = holder.tenant_scope.as_ref().map(|s| s.column.as_str());
    // A same-tenant key shares the tenant column with the tenant key: only
    // its other columns are written through this relationship.
    let shared_tenant = fk.columns.len() > 1 && tenant.is_some_and(|t| fk.columns.iter().any(|c| c == t));
    let (holder_class, target_class) = (class_name(&holder.name), class_name(&target.name));
    let holder_col = |c: &str| format!("{holder_class}.{}", attribute_of(holder, c, &imports.declared));
    let target_col = |c: &str| format!("{target_class}.{}", attribute_of(target, c, &imports.declared));
    let list = |cols: Vec<String>| if cols.len() == 1 { cols[0].clone() } else { format!("[{}]", cols.join(", ")) };

    let (name, other, annotation) = match side {
        Side::BelongsTo => {
            let ty = if r.optional { format!("{target_class} | None") } else { target_class.clone() };
            (py_name(&r.belongs_to, &imports.declared), py_name(&r.inverse, &imports.declared), ty)
        }
        Side::Inverse => {
            let ty = if r.one_to_one { format!("{holder_class} | None") } else { format!("list[{holder_class}]") };
            (py_name(&r.inverse, &imports.declared), py_name(&r.belongs_to, &imports.declared), ty)
        }
    };
    let mut args = vec![format!("back_populates={}", py_str(&other))];
    if shared_tenant {
        let terms: Vec<String> = fk
            .columns
            .iter()
            .zip(&fk.target_columns)
            .map(|(local, remote)| {
                let mut h = holder_col(local);
                let mut t = target_col(remote);
                if Some(local.as_str()) != tenant {
                    h = format!("foreign({h})");
                }
                if self_reference {
                    match side {
                        Side::BelongsTo => t = format!("remote({t})"),
                        Side::Inverse => h = format!("remote({h})"),
                    }
                }
                format!("{h} == {t}")
            })
            .collect();
        args.push(format!("primaryjoin={}", py_str(&format!("and_({})", terms.join(", ")))));
    } else {
        if r.name.is_some() {
            let cols = fk.columns.iter().map(|c| holder_col(c)).collect();
            args.push(format!("foreign_keys={}", py_str(&list(cols))));
        }
        if self_reference && side == Side::BelongsTo {
            let cols = fk.target_columns.iter().map(|c| target_col(c)).collect();
            args.push(format!("remote_side={}", py_str(&list(cols))));
        }
    }
    format!(
        "    {name}: {}[{annotation}] = {}({})\n",
        imports.local("Mapped"),
        imports.local("relationship"),
        args.join(", ")
    )
}
