//! Dialect-independent rendering through sea-query's builders.
//!
//! sea-query prints a `CREATE TABLE` on one line; migrations are read by
//! people, so each element (column, key, constraint) is rendered by the
//! dialect's own builder and laid out one per line here.

use sea_query::{
    ColumnDef, ColumnType as SeaType, DynIden, Expr, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Index,
    IndexOrder, Mode, SchemaBuilder, Table, TableCreateStatement,
};

use crate::model::{Entity, ForeignKey as ModelFk, Index as ModelIndex, ReferentialAction};

/// An owned identifier: sea-query quotes it and doubles embedded quote characters.
pub(super) fn iden(name: &str) -> DynIden {
    DynIden::from(name.to_string())
}

/// A column definition with its type written verbatim (the type comes from
/// [`crate::types::sql_type`], the one mapping table).
pub(super) fn column(name: &str, sql_type: &str, nullable: bool) -> ColumnDef {
    let mut def = ColumnDef::new_with_type(iden(name), SeaType::custom(iden(sql_type)));
    if !nullable {
        def.not_null();
    }
    def
}

/// A default written as is, without the parentheses sea-query puts around
/// expressions: literals, `CURRENT_TIMESTAMP`, `gen_random_uuid()`.
pub(super) fn bare_default(sql: &str) -> Expr {
    Expr::custom_keyword(iden(sql))
}

/// Raw SQL: a check expression, or a default expression (which sea-query
/// parenthesizes: `DEFAULT (...)`).
pub(super) fn raw(sql: &str) -> Expr {
    Expr::cust(sql.to_string())
}

/// One line inside `CREATE TABLE (...)`, with optional comment lines above it.
pub(super) struct Item {
    pub comment: Vec<String>,
    pub sql: String,
}

impl Item {
    pub fn new(sql: String) -> Self {
        Item { comment: Vec::new(), sql }
    }
}

/// `CREATE TABLE <name> (` items one per line `)` followed by the table
/// options sea-query renders for `options` (MySQL's COMMENT / ENGINE / ...).
pub(super) fn create_table<B: SchemaBuilder>(
    builder: &B,
    table: &str,
    items: &[Item],
    options: Option<&TableCreateStatement>,
) -> String {
    let mut out = String::from("CREATE TABLE ");
    builder.prepare_iden(&iden(table), &mut out);
    out.push_str(" (\n");
    for (i, item) in items.iter().enumerate() {
        for line in &item.comment {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(&item.sql);
        if i + 1 < items.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push(')');
    if let Some(options) = options {
        builder.prepare_table_opt(options, &mut out);
    }
    out
}

/// Renders one column definition.
pub(super) fn column_sql<B: SchemaBuilder>(builder: &B, def: &ColumnDef) -> String {
    let mut out = String::new();
    builder.prepare_column_def(def, &mut out);
    out
}

/// `CONSTRAINT <name> PRIMARY KEY (...)`; MySQL ignores primary key names,
/// so `name` is `None` there.
pub(super) fn primary_key<B: SchemaBuilder>(builder: &B, name: Option<&str>, columns: &[String]) -> String {
    let mut index = Index::create();
    if let Some(name) = name {
        index.name(name);
    }
    index.primary();
    for c in columns {
        index.col(iden(c));
    }
    let mut out = String::new();
    builder.prepare_table_index_expression(&index, &mut out);
    out.trim_end().to_string()
}

/// `CONSTRAINT <name> CHECK (<expr>)`, the expression raw SQL.
pub(super) fn check<B: SchemaBuilder>(builder: &B, name: &str, expr: Expr) -> String {
    let mut out = String::new();
    builder.prepare_check_constraint(&sea_query::Check::named(iden(name), expr), &mut out);
    out
}

/// `CONSTRAINT <name> UNIQUE (<columns>)`, a table element: see
/// [`ModelIndex::is_unique_constraint`].
pub(super) fn unique_constraint(dialect: crate::types::Dialect, index: &ModelIndex) -> String {
    let columns: Vec<String> = index.columns.iter().map(|c| crate::quote::ident(dialect, &c.name)).collect();
    format!("CONSTRAINT {} UNIQUE ({})", crate::quote::ident(dialect, &index.name), columns.join(", "))
}

fn action(action: ReferentialAction) -> Option<ForeignKeyAction> {
    match action {
        ReferentialAction::Cascade => Some(ForeignKeyAction::Cascade),
        ReferentialAction::Restrict => Some(ForeignKeyAction::Restrict),
        ReferentialAction::SetNull => Some(ForeignKeyAction::SetNull),
        ReferentialAction::SetDefault => Some(ForeignKeyAction::SetDefault),
        // The SQL default: left out to keep the statement short.
        ReferentialAction::NoAction => None,
    }
}

fn foreign_key_statement(entity: &Entity, fk: &ModelFk) -> ForeignKeyCreateStatement {
    let mut stmt = ForeignKey::create();
    stmt.name(fk.name.as_str()).from_tbl(iden(&entity.table)).to_tbl(iden(&fk.target_table));
    for c in &fk.columns {
        stmt.from_col(iden(c));
    }
    for c in &fk.target_columns {
        stmt.to_col(iden(c));
    }
    if let Some(a) = action(fk.on_delete) {
        stmt.on_delete(a);
    }
    if let Some(a) = action(fk.on_update) {
        stmt.on_update(a);
    }
    stmt
}

/// The foreign key as a table element: `CONSTRAINT ... FOREIGN KEY ... REFERENCES ...`.
pub(super) fn foreign_key_inline<B: SchemaBuilder>(builder: &B, entity: &Entity, fk: &ModelFk) -> String {
    let mut out = String::new();
    builder.prepare_foreign_key_create_statement_internal(&foreign_key_statement(entity, fk), &mut out, Mode::Creation);
    out
}

/// A foreign key clause with its deferral, on the dialects that have one:
/// `#[belongs_to(X, deferrable)]` is checked at commit.
pub(super) fn deferrable(sql: String, fk: &ModelFk) -> String {
    if fk.deferrable { format!("{sql} DEFERRABLE INITIALLY DEFERRED") } else { sql }
}

/// `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...`.
pub(super) fn foreign_key_alter<B: SchemaBuilder>(builder: B, entity: &Entity, fk: &ModelFk) -> String {
    foreign_key_statement(entity, fk).to_string(builder)
}

/// `ALTER TABLE ... DROP CONSTRAINT` (Postgres) / `DROP FOREIGN KEY` (MySQL).
pub(super) fn drop_foreign_key<B: SchemaBuilder>(builder: B, entity: &Entity, fk: &ModelFk) -> String {
    ForeignKey::drop().name(fk.name.as_str()).table(iden(&entity.table)).to_string(builder)
}

/// What of an index a dialect can express.
pub(super) struct IndexParts {
    /// The dialect the `WHERE` is written for; `None` where partial indexes
    /// do not exist.
    pub predicate: Option<crate::types::Dialect>,
    pub include: bool,
}

/// `CREATE [UNIQUE] INDEX ...` with sort orders, and where the dialect has
/// them, `INCLUDE (...)` and `WHERE ...`.
pub(super) fn create_index<B: SchemaBuilder>(
    builder: B,
    entity: &Entity,
    index: &ModelIndex,
    parts: IndexParts,
) -> String {
    use sea_query::ConditionalStatement;
    let mut stmt = Index::create();
    stmt.name(index.name.as_str()).table(iden(&entity.table));
    for c in &index.columns {
        if c.desc {
            stmt.col((iden(&c.name), IndexOrder::Desc));
        } else {
            stmt.col(iden(&c.name));
        }
    }
    if index.unique {
        stmt.unique();
    }
    if parts.include {
        for c in &index.include {
            stmt.include(iden(c));
        }
    }
    if let (Some(dialect), Some(predicate)) = (parts.predicate, &index.predicate) {
        stmt.and_where(Expr::cust(crate::fragment::render_sql(predicate, dialect)));
    }
    stmt.to_string(builder)
}

/// `DROP TABLE IF EXISTS <table>`.
pub(super) fn drop_table<B: SchemaBuilder>(builder: B, table: &str) -> String {
    Table::drop().table(iden(table)).if_exists().to_string(builder)
}
