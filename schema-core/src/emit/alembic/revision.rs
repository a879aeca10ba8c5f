//! `alembic/versions/0001_<name>.py`: the initial revision. `upgrade()`
//! creates what our PostgreSQL migration creates with Alembic operations;
//! `downgrade()` removes it in reverse.

use super::{
    DeferredKeys, HEADER, Imports, constraints, fk_actions, index_column, index_options, py_sql, py_str, sa_type,
    uses_sql_type,
};
use crate::analysis::Analysis;
use crate::emit::Context;
use crate::emit::sql::{behavior_statements, comment_text, deferred_foreign_keys, postgres_default};
use crate::model::{Entity, Generated};
use crate::quote::{ident, string_literal};
use crate::types::Dialect;

/// The revision id of the initial revision. Deterministic (Alembic's own
/// ids are random), short enough for `alembic_version.version_num`
/// (`VARCHAR(32)`), and sorting like the file names.
pub(super) const INITIAL_REVISION: &str = "0001";

/// The whole revision module.
pub(super) fn revision_py(cx: &Context<'_>) -> String {
    let (schema, analysis, options) = (cx.schema(), cx.analysis(), cx.options());
    let deferred = deferred_foreign_keys(cx);
    let order = analysis.dependency_order();
    let behavior = behavior_statements(cx, Dialect::Postgres);
    let mut imports = Imports::default();
    let mut up = String::new();
    let mut down = String::new();

    // Enum types first, created explicitly; `create_type=False` keeps
    // `op.create_table` from creating them a second time.
    let mut enums = String::new();
    if !schema.enums.is_empty() {
        imports.postgresql = true;
        up.push_str("    bind = op.get_bind()\n");
    }
    for e in &schema.enums {
        let values: Vec<String> = e.variants.iter().map(|v| py_str(&v.value)).collect();
        // Annotated as `sa.Enum` (its base) so a column of it is typed `str`.
        enums.push_str(&format!(
            "{}: sa.Enum = postgresql.ENUM({}, name={}, create_type=False)\n",
            enum_constant(&e.sql_name),
            values.join(", "),
            py_str(&e.sql_name)
        ));
        up.push_str(&format!("    {}.create(bind, checkfirst=False)\n", enum_constant(&e.sql_name)));
        if let Some(doc) = &e.doc {
            // Alembic has no operation for a type's comment.
            let sql = format!(
                "COMMENT ON TYPE {} IS {}",
                ident(Dialect::Postgres, &e.sql_name),
                string_literal(&comment_text(doc))
            );
            up.push_str(&format!("    op.execute({})\n", py_sql(&sql)));
        }
    }

    for entity in order {
        create_table(analysis, entity, deferred, &mut imports, &mut up);
    }
    for entity in order {
        for fk in &entity.foreign_keys {
            if deferred.contains(&(entity.table.clone(), fk.name.clone())) {
                let columns: Vec<String> = fk.columns.iter().map(|c| py_str(c)).collect();
                let targets: Vec<String> = fk.target_columns.iter().map(|c| py_str(c)).collect();
                let mut args = vec![
                    py_str(&fk.name),
                    py_str(&entity.table),
                    py_str(&fk.target_table),
                    format!("[{}]", columns.join(", ")),
                    format!("[{}]", targets.join(", ")),
                ];
                // `, ondelete="CASCADE"` -> one argument per line.
                args.extend(fk_actions(fk).split(", ").filter(|a| !a.is_empty()).map(str::to_string));
                up.push_str("    op.create_foreign_key(\n");
                for arg in args {
                    up.push_str(&format!("        {arg},\n"));
                }
                up.push_str("    )\n");
                down.insert_str(
                    0,
                    &format!(
                        "    op.drop_constraint({}, {}, type_=\"foreignkey\")\n",
                        py_str(&fk.name),
                        py_str(&entity.table)
                    ),
                );
            }
        }
    }
    if !behavior.up.is_empty() {
        up.push_str("    # Triggers, functions, roles, grants and row-level security: Alembic has\n");
        up.push_str("    # no operations for these, so they run as our SQL.\n");
        for statement in &behavior.up {
            up.push_str(&format!("    op.execute({})\n", py_sql(statement)));
        }
    }

    let mut downgrade = String::new();
    for statement in &behavior.down {
        downgrade.push_str(&format!("    op.execute({})\n", py_sql(statement)));
    }
    downgrade.push_str(&down);
    for entity in order.iter().rev() {
        for index in entity.indexes.iter().rev().filter(|i| !i.is_unique_constraint()) {
            downgrade.push_str(&format!(
                "    op.drop_index({}, table_name={})\n",
                py_str(&index.name),
                py_str(&entity.table)
            ));
        }
        downgrade.push_str(&format!("    op.drop_table({})\n", py_str(&entity.table)));
    }
    if !schema.enums.is_empty() {
        downgrade.push_str("    bind = op.get_bind()\n");
    }
    for e in schema.enums.iter().rev() {
        downgrade.push_str(&format!("    {}.drop(bind, checkfirst=False)\n", enum_constant(&e.sql_name)));
    }

    if uses_sql_type(schema) {
        imports.any = true;
    }
    let name = &options.initial_migration_name;
    let mut out = format!("{HEADER}\n\"\"\"{name}\n\nRevision ID: {INITIAL_REVISION}\nRevises:\n\"\"\"\n\n");
    out.push_str("from collections.abc import Sequence\n");
    if imports.any {
        out.push_str("from typing import Any\n");
    }
    out.push_str("\nimport sqlalchemy as sa\nfrom alembic import op\n");
    if imports.postgresql {
        out.push_str("from sqlalchemy.dialects import postgresql\n");
    }
    out.push_str(&format!(
        "\nrevision: str = {}\ndown_revision: str | Sequence[str] | None = None\n\
         branch_labels: str | Sequence[str] | None = None\ndepends_on: str | Sequence[str] | None = None\n",
        py_str(INITIAL_REVISION)
    ));
    if !enums.is_empty() {
        out.push('\n');
        out.push_str(&enums);
    }
    if uses_sql_type(schema) {
        out.push_str("\n\n");
        out.push_str(&super::sql_type_class(&imports));
    }
    out.push_str(&format!("\n\ndef upgrade() -> None:\n{up}\n\ndef downgrade() -> None:\n{downgrade}"));
    out
}

/// The module constant holding an enum type: `task_status` -> `TASK_STATUS`.
pub(super) fn enum_constant(sql_name: &str) -> String {
    let mut name: String =
        sql_name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    format!("{name}_ENUM")
}

/// `op.create_table(...)` and the table's indexes.
fn create_table(
    analysis: &Analysis<'_>,
    entity: &Entity,
    deferred: &std::collections::BTreeSet<(String, String)>,
    imports: &mut Imports,
    up: &mut String,
) {
    up.push_str(&format!("    op.create_table(\n        {},\n", py_str(&entity.table)));
    for column in &entity.columns {
        let mut args = vec![py_str(&column.name)];
        args.push(sa_type(
            column,
            |name| {
                let sql_name = analysis.enum_type(name).map_or(name, |e| e.sql_name.as_str());
                enum_constant(sql_name)
            },
            imports,
            true,
        ));
        if column.generated == Generated::Identity {
            args.push("sa.Identity()".to_string());
        }
        args.push(format!("nullable={}", if column.nullable { "True" } else { "False" }));
        if let Some(default) = postgres_default(column) {
            args.push(format!("server_default=sa.text({})", py_str(&default)));
        }
        if let Some(doc) = &column.doc {
            args.push(format!("comment={}", py_str(&comment_text(doc))));
        }
        up.push_str(&format!("        sa.Column({}),\n", args.join(", ")));
    }
    for constraint in constraints(entity, deferred, DeferredKeys::Skip) {
        up.push_str(&format!("        {constraint},\n"));
    }
    if let Some(doc) = &entity.doc {
        up.push_str(&format!("        comment={},\n", py_str(&comment_text(doc))));
    }
    up.push_str("    )\n");
    for index in entity.indexes.iter().filter(|i| !i.is_unique_constraint()) {
        let columns: Vec<String> = index.columns.iter().map(|c| index_column(&c.name, c.desc)).collect();
        let mut options = index_options(index);
        if !index.unique {
            options.insert_str(0, ", unique=False");
        }
        up.push_str(&format!(
            "    op.create_index({}, {}, [{}]{options})\n",
            py_str(&index.name),
            py_str(&entity.table),
            columns.join(", ")
        ));
    }
}
