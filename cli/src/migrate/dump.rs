//! A schema dump from the catalog, for comparing two states of one
//! database (`migrations verify`): sorted text lines describing every
//! table, column, constraint, index, policy, trigger, routine, type, view
//! and grant of the current schema, without what changes at run time
//! (row counts, OIDs, counters) and without the history table.
//!
//! Column positions are ranks among the live columns, so a column dropped
//! by a down migration and added again by the next up compares equal.

use std::collections::HashSet;

use crate::db::{Connection, DbError, Dialect};

const POSTGRES: &[(&str, &str)] = &[
    (
        "relation",
        "SELECT c.relname, c.relkind::text, c.relrowsecurity::text, c.relforcerowsecurity::text, \
         obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'S') AND c.relname <> '_sqlx_migrations'",
    ),
    (
        "column",
        "SELECT c.relname, a.attname, (row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::text, \
         format_type(a.atttypid, a.atttypmod), a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid), \
         a.attidentity::text, a.attgenerated::text, col_description(c.oid, a.attnum) \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped \
         AND c.relkind IN ('r', 'v', 'm', 'p') AND c.relname <> '_sqlx_migrations'",
    ),
    (
        "constraint",
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated::text, k.condeferrable::text \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relname <> '_sqlx_migrations' AND k.contype <> 'u'",
    ),
    // A UNIQUE constraint is its unique index (listed below) under another
    // catalog entry; tablewright writes unique indexes, an imported database
    // often has constraints: the same rule for the data either way.
    (
        "index",
        "SELECT tablename, indexname, indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations'",
    ),
    (
        "policy",
        "SELECT tablename, policyname, permissive, roles::text, cmd, qual, with_check FROM pg_policies \
         WHERE schemaname = current_schema()",
    ),
    (
        "trigger",
        "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled::text FROM pg_trigger t \
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND NOT t.tgisinternal",
    ),
    (
        "routine",
        "SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid) FROM pg_proc p \
         JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')",
    ),
    (
        "type",
        "SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t \
         JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid \
         WHERE n.nspname = current_schema() GROUP BY t.typname",
    ),
    ("view", "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema()"),
    (
        "grant",
        "SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
         AND grantee <> (SELECT tableowner FROM pg_tables WHERE schemaname = table_schema AND tablename = table_name)",
    ),
];

const MYSQL: &[(&str, &str)] = &[
    (
        "table",
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> '_sqlx_migrations'",
    ),
    (
        "column",
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
         CHARACTER_SET_NAME, COLLATION_NAME, GENERATION_EXPRESSION, COLUMN_COMMENT, \
         CAST(ROW_NUMBER() OVER (PARTITION BY TABLE_NAME ORDER BY ORDINAL_POSITION) AS CHAR) \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> '_sqlx_migrations'",
    ),
    (
        "index",
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COLLATION, SUB_PART, NULLABLE, \
         INDEX_TYPE, INDEX_COMMENT FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         AND TABLE_NAME <> '_sqlx_migrations'",
    ),
    (
        "constraint",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME <> '_sqlx_migrations'",
    ),
    (
        "key_column",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, POSITION_IN_UNIQUE_CONSTRAINT, \
         REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
         WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME <> '_sqlx_migrations'",
    ),
    (
        "foreign_key",
        "SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, \
         UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
    ),
    (
        "check",
        "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE()",
    ),
    (
        "trigger",
        "SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, ACTION_TIMING, ACTION_STATEMENT \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
    ),
    ("view", "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()"),
    (
        "routine",
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM information_schema.ROUTINES \
         WHERE ROUTINE_SCHEMA = DATABASE()",
    ),
];

const SQLITE: &[(&str, &str)] = &[(
    "object",
    "SELECT type, name, tbl_name, sql FROM sqlite_master \
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'",
)];

/// The dump of the connected database's current schema: one line per
/// catalog row, `section: value | value | ...`, sorted.
pub fn dump(conn: &mut Connection) -> Result<Vec<String>, DbError> {
    let sections = match conn.dialect() {
        Dialect::Postgres => POSTGRES,
        Dialect::Mysql => MYSQL,
        Dialect::Sqlite => SQLITE,
    };
    let mut lines = Vec::new();
    for (label, query) in sections {
        for row in conn.query(query).map_err(|e| DbError(format!("reading the catalog ({label}): {e}")))? {
            let values: Vec<String> = row.into_iter().map(|v| v.map_or_else(|| "NULL".into(), equivalent)).collect();
            lines.push(format!("{label}: {}", values.join(" | ")));
        }
    }
    lines.sort();
    Ok(lines)
}

/// One spelling for what the database stores two ways: PostgreSQL keeps a
/// default written `now()` as `now()` and one written `CURRENT_TIMESTAMP`
/// as `CURRENT_TIMESTAMP`, the same function.
fn equivalent(value: String) -> String {
    if value == "now()" { "CURRENT_TIMESTAMP".to_string() } else { value }
}

/// The lines only in `before` (`-`) and only in `after` (`+`), at most `limit` of each.
pub fn difference(before: &[String], after: &[String], limit: usize) -> Vec<String> {
    let (before_set, after_set): (HashSet<&String>, HashSet<&String>) =
        (before.iter().collect(), after.iter().collect());
    let gone = before.iter().filter(|l| !after_set.contains(l)).take(limit).map(|l| format!("- {l}"));
    let new = after.iter().filter(|l| !before_set.contains(l)).take(limit).map(|l| format!("+ {l}"));
    gone.chain(new).collect()
}
