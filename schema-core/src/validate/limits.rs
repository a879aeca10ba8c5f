//! The dialect limits ([`crate::limits`]) that need the whole, transformed
//! schema: names the transforms derive (the tenant key, named after the
//! tenant), names that share one namespace across tables (PostgreSQL types
//! and indexes live beside the tables; SQLite and MySQL compare names
//! without case), and MySQL's index-key and row sizes once every column,
//! the tenant key included, is in place. What one item declares is checked
//! by the front end ([`crate::frontend::limits`]), spanned on its token.

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::limits::{self, NameKind, Violation};
use crate::model::*;
use crate::types::MYSQL_KEYED_VARCHAR;

/// Every whole-schema limit rule.
pub fn check_dialect_limits(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    check_derived_names(schema, diagnostics);
    check_table_case(schema, diagnostics);
    check_shared_namespace(schema, diagnostics);
    check_mysql_sizes(schema, diagnostics);
}

fn error(location: &Location, v: Violation) -> Diagnostic {
    Diagnostic::error(location, v.message).with_help(v.help)
}

/// Columns the transforms add, named after something else: the tenant key
/// `<tenant>_id` of a `#[tenant_scoped]` entity.
pub fn check_derived_names(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    for entity in &schema.entities {
        for column in entity.columns.iter().filter(|c| c.origin == ColumnOrigin::Tenant) {
            let described = format!(
                "the column name `{}` (the tenant key `#[tenant_scoped]` adds to `{}`)",
                column.name, entity.table
            );
            let Some(v) = limits::identifier_described(NameKind::Column, &column.name, &described) else { continue };
            let tenant = entity.tenant_scope.as_ref().map_or("the tenant", |s| s.tenant.as_str());
            diagnostics.push(error(
                &entity.location,
                Violation {
                    message: v.message,
                    help: format!(
                        "the tenant key is named after the tenant entity (`{}`): give `{tenant}` a shorter name",
                        column.name
                    ),
                },
            ));
        }
    }
}

/// Table names that differ only in case are one table on SQLite.
pub fn check_table_case(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    let folding = limits::folding(|c| c.tables);
    if folding.is_empty() {
        return;
    }
    let mut seen: BTreeMap<String, &Entity> = BTreeMap::new();
    for entity in super::sorted_by_location(&schema.entities, |e| &e.location) {
        match seen.get(&entity.table.to_lowercase()) {
            // The same name exactly is check_unique_table_names's.
            Some(first) if first.table != entity.table => diagnostics.push(error(
                &entity.location,
                limits::case_clash(NameKind::Table, &entity.table, &first.table, &folding),
            )),
            Some(_) => {}
            None => {
                seen.insert(entity.table.to_lowercase(), entity);
            }
        }
    }
}

/// PostgreSQL keeps tables, indexes (a primary key or unique constraint is
/// one) and types in one namespace per schema; SQLite keeps tables and
/// indexes in one, without case. An enum or an index named like a table
/// makes the migration fail.
pub fn check_shared_namespace(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    let tables: BTreeMap<String, &Entity> = schema.entities.iter().map(|e| (e.table.to_lowercase(), e)).collect();
    let table_named = |name: &str, fold: bool| {
        tables.get(&name.to_lowercase()).filter(|e| fold || e.table == name).map(|e| e.table.as_str())
    };
    for e in &schema.enums {
        if let Some(table) = table_named(&e.sql_name, false) {
            diagnostics.push(
                Diagnostic::error(
                    &e.location,
                    format!(
                        "the enum type `{}` of `{}` has the name of the table `{table}`: PostgreSQL keeps types and \
                         tables in one namespace (every table is a type too)",
                        e.sql_name, e.name
                    ),
                )
                .with_help(format!("rename the type: {}", NameKind::EnumType.fix(&format!("{}_kind", e.sql_name)))),
            );
        }
    }
    let pg = limits::of(crate::types::Dialect::Postgres);
    let lite = limits::of(crate::types::Dialect::Sqlite);
    for entity in super::sorted_by_location(&schema.entities, |e| &e.location) {
        let indexes = entity.indexes.iter().map(|i| (i.name.as_str(), &i.location, true));
        let pk = std::iter::once((entity.primary_key.name.as_str(), &entity.location, false));
        for (name, location, is_index) in pk.chain(indexes) {
            let mut databases = Vec::new();
            let mut clash = None;
            if pg.index_names == limits::IndexNames::WithTables
                && let Some(t) = table_named(name, pg.case_folding.indexes && pg.case_folding.tables)
            {
                databases.push(pg.database);
                clash = Some(t);
            }
            if is_index
                && lite.index_names == limits::IndexNames::WithTables
                && let Some(t) = table_named(name, lite.case_folding.indexes)
            {
                databases.push(lite.database);
                clash = clash.or(Some(t));
            }
            let Some(table) = clash else { continue };
            diagnostics.push(
                Diagnostic::error(
                    location,
                    format!(
                        "the index name `{name}` on `{}` is the name of the table `{table}`: {} keep{} indexes and \
                         tables in one namespace",
                        entity.table,
                        databases.join(" and "),
                        if databases.len() == 1 { "s" } else { "" }
                    ),
                )
                .with_help(format!("choose another name: {}", NameKind::Index.fix(&format!("idx_{name}")))),
            );
        }
    }
}

/// The bytes a MySQL column takes in an index key and in the row (utf8mb4:
/// 4 bytes per character); `None` for a custom `sql_type`, whose size is unknown.
fn mysql_bytes(schema: &Schema, entity: &Entity, column: &Column) -> Option<(usize, usize)> {
    if column.sql_type.is_some() {
        return None;
    }
    let varchar = |n: u32| {
        let data = 4 * n as usize;
        (data, data + if data > 255 { 2 } else { 1 })
    };
    let decimal = |p: u32, s: u32| {
        let part = |d: u32| (d / 9) as usize * 4 + [0, 1, 1, 2, 2, 3, 3, 4, 4][(d % 9) as usize];
        let b = part(p.saturating_sub(s)) + part(s);
        (b, b)
    };
    let fixed = |b: usize| (b, b);
    Some(match &column.ty {
        ColumnType::String => match column.max_len {
            Some(n) => varchar(n),
            None if entity.is_keyed(&column.name) => varchar(MYSQL_KEYED_VARCHAR),
            // TEXT: off the row but for its 2 length bytes and an 8-byte pointer.
            None => (0, 10),
        },
        ColumnType::I16 => fixed(2),
        ColumnType::I32 | ColumnType::F32 => fixed(4),
        ColumnType::I64 | ColumnType::F64 | ColumnType::DateTimeUtc | ColumnType::NaiveDateTime => fixed(8),
        ColumnType::Bool => fixed(1),
        ColumnType::Uuid => fixed(144),
        ColumnType::NaiveDate | ColumnType::NaiveTime => fixed(3),
        ColumnType::Decimal => {
            decimal(column.precision.unwrap_or(65), column.precision.map_or(30, |_| column.scale.unwrap_or(0)))
        }
        // LONGTEXT / LONGBLOB: 4 length bytes and a pointer.
        ColumnType::Json | ColumnType::Bytes | ColumnType::StringArray => (0, 12),
        ColumnType::Enum(name) => {
            fixed(if schema.enum_type(name).is_some_and(|e| e.variants.len() > 255) { 2 } else { 1 })
        }
        ColumnType::Other(_) => return None,
    })
}

/// MySQL's index-key and row sizes.
pub fn check_mysql_sizes(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    for entity in &schema.entities {
        let key_bytes = |columns: &mut dyn Iterator<Item = &str>| -> usize {
            columns
                .filter_map(|c| entity.column(c))
                .filter_map(|c| mysql_bytes(schema, entity, c))
                .map(|(k, _)| k)
                .sum()
        };
        let pk = key_bytes(&mut entity.primary_key.columns.iter().map(String::as_str));
        if let Some(v) = limits::index_key_bytes(&format!("the primary key of `{}`", entity.table), pk) {
            diagnostics.push(error(&entity.location, v));
        }
        for index in &entity.indexes {
            let bytes = key_bytes(&mut index.columns.iter().map(|c| c.name.as_str()));
            let location = if index.location.file.is_empty() { &entity.location } else { &index.location };
            if let Some(v) = limits::index_key_bytes(&format!("index `{}` on `{}`", index.name, entity.table), bytes) {
                diagnostics.push(error(location, v));
            }
        }
        let nullable = entity.columns.iter().filter(|c| c.nullable).count();
        let row: usize =
            entity.columns.iter().filter_map(|c| mysql_bytes(schema, entity, c)).map(|(_, r)| r).sum::<usize>()
                + nullable.div_ceil(8);
        if let Some(v) = limits::row_bytes(&entity.table, row) {
            let widest = entity
                .columns
                .iter()
                .filter(|c| c.max_len.is_some())
                .rev()
                .max_by_key(|c| c.max_len)
                .map_or(&entity.location, |c| &c.location);
            diagnostics.push(error(widest, v));
        }
    }
}
