//! What the cross-cutting attributes promise, enforced by the database with
//! triggers: `updated_at` kept current, `version` bumped and stale updates
//! rejected, row changes written to `audit_logs`, polymorphic links checked
//! and cleaned up. The statements run after every table exists (up) and are
//! dropped before any table is (down), so the down script leaves no function
//! or trigger behind.
//!
//! | | PostgreSQL | MySQL / MariaDB | SQLite |
//! |---|---|---|---|
//! | `updated_at` | BEFORE UPDATE trigger, one shared function | `ON UPDATE CURRENT_TIMESTAMP(6)` on the column | AFTER UPDATE trigger |
//! | `version` | BEFORE UPDATE trigger: SQLSTATE `TW409` on a stale version, else `version + 1` | BEFORE UPDATE trigger: SQLSTATE `45000`, else `version + 1` | AFTER UPDATE trigger: `RAISE(ABORT)`, else `version + 1` |
//! | audit | AFTER trigger, `SECURITY DEFINER`, `to_jsonb` | AFTER triggers, `JSON_OBJECT` | AFTER triggers, `json_object` |
//! | polymorphic | BEFORE INSERT/UPDATE check (locks the target `FOR KEY SHARE`), delete trigger on each target | same, without the lock | same |
//! | same tenant | BEFORE INSERT/UPDATE check of a `set_null`/`set_default` key between tables of one tenant | same | same |
//! | userstamps | BEFORE INSERT/UPDATE trigger, one shared function: both from `app.user_id` on insert, `updated_by` from it and `created_by` kept on update | same, from `@app_user_id` | the application writes them; an update that changes `created_by` is rejected |
//!
//! **Same-tenant references**: a key between two tables scoped to one tenant
//! is composite, `(organization_id, project_id)`, so the database itself
//! rejects a cross-tenant reference ([`crate::transform`]). A `set_null` or
//! `set_default` key cannot be composite (the action would null the NOT NULL
//! tenant column too, and MariaDB and SQLite cannot name the columns to
//! null), so it keeps its single column and a check trigger rejects a row
//! whose key points at another tenant's row.
//!
//! **The optimistic-locking contract**: an update of a `#[versioned]` row
//! writes `SET ..., version = <the version it read>`. The database rejects it
//! when the row has moved on since (another update committed in between) and
//! otherwise stores `version + 1`. An update that leaves `version` out is
//! taken as made from the current version.
//!
//! SQLite runs its update logic in AFTER UPDATE triggers that update the row
//! once more; that relies on SQLite's default `recursive_triggers = OFF`.
//! MariaDB does not fire triggers for rows a foreign-key cascade changes, so
//! there such rows are neither audited nor cleaned up from polymorphic links.

use super::Plan;
use crate::audit;
use crate::diagnostics::Diagnostic;
use crate::model::{Column, ColumnOrigin, ColumnType, Entity, Polymorphic, PolymorphicAction};
use crate::naming::shorten;
use crate::quote::{dialect_string_literal, ident, string_literal};
use crate::transform::{USERSTAMP_CREATED_BY, USERSTAMP_UPDATED_BY};
use crate::types::Dialect;

/// The SQLSTATE Postgres raises for a stale `version`, and the start of
/// every version-conflict message, on every dialect.
pub use crate::runtime::{VERSION_CONFLICT_PREFIX, VERSION_CONFLICT_SQLSTATE};

/// The shared Postgres trigger functions.
const PG_UPDATED_AT: &str = "tablewright_set_updated_at";
const PG_VERSION: &str = "tablewright_check_version";
const PG_AUDIT: &str = "tablewright_audit";
const PG_USERSTAMPS: &str = "tablewright_set_userstamps";
/// `search_path` of the `SECURITY DEFINER` functions: `pg_temp` last, so a
/// temporary table cannot stand in for `audit_logs`.
const PG_SEARCH_PATH: &str = "pg_catalog, public, pg_temp";

/// The trigger statements of one dialect.
#[derive(Default)]
pub(super) struct Triggers {
    /// Run after every table exists.
    pub up: Vec<String>,
    /// Run before any table is dropped.
    pub down: Vec<String>,
}

/// A polymorphic link resolved against its targets.
struct Link<'a> {
    owner: &'a Entity,
    link: &'a Polymorphic,
    /// `(type value, target entity, target key column)`.
    targets: Vec<(&'a str, &'a Entity, &'a str)>,
    /// The tenant column both sides share, when both are scoped to one tenant.
    tenant: Option<&'a str>,
}

/// A single-column key between two tables of one tenant (a `set_null` or
/// `set_default` key, which cannot be composite): checked by a trigger.
struct TenantRef<'a> {
    owner: &'a Entity,
    column: &'a str,
    target: &'a Entity,
    key: &'a str,
    /// The tenant column both tables have.
    tenant: &'a str,
}

pub(super) fn emit(dialect: Dialect, plan: &Plan<'_>, diagnostics: &mut Vec<Diagnostic>) -> Triggers {
    let links = links(plan, diagnostics);
    let mut out = Triggers::default();
    match dialect {
        Dialect::Postgres => postgres(plan, &links, &mut out),
        Dialect::Mysql => mysql(plan, &links, &mut out),
        Dialect::Sqlite => sqlite(plan, &links, &mut out),
    }
    for r in tenant_refs(plan) {
        tenant_ref(dialect, &r, &mut out);
    }
    out.down.reverse();
    out
}

/// Every key [`crate::transform`] left single-column between two tables
/// scoped to the same tenant column.
fn tenant_refs<'a>(plan: &Plan<'a>) -> Vec<TenantRef<'a>> {
    let mut out = Vec::new();
    for owner in &plan.order {
        let Some(scope) = &owner.tenant_scope else { continue };
        for fk in &owner.foreign_keys {
            let ([column], [key]) = (fk.columns.as_slice(), fk.target_columns.as_slice()) else { continue };
            if fk.origin == ColumnOrigin::Tenant || *column == scope.column {
                continue;
            }
            let Some(target) = plan.analysis.entity(&fk.target) else { continue };
            if target.tenant_scope.as_ref().is_some_and(|s| s.column == scope.column) && *key != scope.column {
                out.push(TenantRef { owner, column, target, key, tenant: &scope.column });
            }
        }
    }
    out
}

/// `NEW.col IS NOT NULL AND NOT EXISTS (the target row of NEW's tenant)`.
fn other_tenant(dialect: Dialect, r: &TenantRef<'_>) -> String {
    let q = |s: &str| ident(dialect, s);
    format!(
        "NEW.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {tt} WHERE {tt}.{k} = NEW.{col} AND {tt}.{t} = NEW.{t})",
        col = q(r.column),
        tt = q(&r.target.table),
        k = q(r.key),
        t = q(r.tenant),
    )
}

fn other_tenant_message(r: &TenantRef<'_>) -> String {
    format!("tablewright: {}.{} points at a row of {} of another tenant", r.owner.table, r.column, r.target.table)
}

/// The check trigger(s) of one same-tenant reference.
fn tenant_ref(dialect: Dialect, r: &TenantRef<'_>, out: &mut Triggers) {
    let owner = &r.owner.table;
    let message = other_tenant_message(r);
    let condition = other_tenant(dialect, r);
    let of = |d: Dialect| format!("{}, {}", ident(d, r.column), ident(d, r.tenant));
    match dialect {
        Dialect::Postgres => {
            // SECURITY DEFINER: the check must see the target row whatever
            // the row-level security of the caller; it compares tenants itself.
            let f = name(owner, &format!("{}_tenant", r.column));
            let body = format!(
                "BEGIN\n  IF {condition} THEN\n    RAISE EXCEPTION {} USING ERRCODE = 'foreign_key_violation';\n  \
                 END IF;\n  RETURN NEW;\nEND;",
                string_literal(&message)
            );
            pg_shared(out, &f, true, &body);
            pg_trigger(out, &f, &format!("BEFORE INSERT OR UPDATE OF {}", of(PG)), owner, &f, &[]);
        }
        Dialect::Mysql => {
            let body = format!(
                "BEGIN\n  IF {condition} THEN\n    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = {};\n  END IF;\nEND",
                dialect_string_literal(MY, &truncate(&message, 128))
            );
            for (event, suffix) in [("INSERT", "insert"), ("UPDATE", "update")] {
                let n = name(owner, &format!("{}_tenant_{suffix}", r.column));
                my_trigger(out, &n, &format!("BEFORE {event}"), owner, &body);
            }
        }
        Dialect::Sqlite => {
            let raise = vec![format!("SELECT RAISE(ABORT, {})", string_literal(&message))];
            let n = name(owner, &format!("{}_tenant_insert", r.column));
            lite_trigger(out, &n, "BEFORE INSERT", owner, Some(&condition), &raise);
            let n = name(owner, &format!("{}_tenant_update", r.column));
            lite_trigger(out, &n, &format!("BEFORE UPDATE OF {}", of(LITE)), owner, Some(&condition), &raise);
        }
    }
}

fn updated_at(entity: &Entity) -> Option<&Column> {
    entity.column("updated_at").filter(|_| entity.traits.timestamps)
}

/// `#[userstamps]` with both columns present.
fn userstamps(entity: &Entity) -> bool {
    entity.traits.userstamps.is_some()
        && entity.column(USERSTAMP_CREATED_BY).is_some()
        && entity.column(USERSTAMP_UPDATED_BY).is_some()
}

fn versioned(entity: &Entity) -> bool {
    entity.traits.versioned && entity.column("version").is_some()
}

/// The audit log, when the entity is audited and the schema has one.
fn audit_log<'a>(plan: &Plan<'a>, entity: &Entity) -> Option<&'a Entity> {
    if !entity.traits.audited {
        return None;
    }
    plan.analysis.audit_log()
}

/// The column holding the row's tenant: the tenant key of a scoped entity,
/// the key of the tenant itself.
fn tenant_column(entity: &Entity) -> Option<&str> {
    match &entity.tenant_scope {
        Some(scope) => Some(scope.column.as_str()),
        None if entity.traits.tenant => match entity.primary_key.columns.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        },
        None => None,
    }
}

fn name(table: &str, suffix: &str) -> String {
    shorten(&format!("tw_{table}_{suffix}"))
}

fn links<'a>(plan: &Plan<'a>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Link<'a>> {
    let mut out = Vec::new();
    for owner in &plan.order {
        for link in &owner.polymorphic {
            let mut targets = Vec::new();
            for t in &link.targets {
                let target = plan.analysis.entity(&t.entity);
                match target.map(|e| (e, e.primary_key.columns.as_slice())) {
                    Some((e, [key])) => targets.push((t.value.as_str(), e, key.as_str())),
                    _ => diagnostics.push(
                        Diagnostic::error(
                            &owner.location,
                            format!(
                                "`{}.{}` is `#[polymorphic]` over `{}`, which is not an entity with a \
                                 single-column primary key",
                                owner.name, link.id_column, t.entity
                            ),
                        )
                        .with_help("list entities with one `#[id]` field in `#[polymorphic(...)]`"),
                    ),
                }
            }
            let tenant =
                owner.tenant_scope.as_ref().map(|s| s.column.as_str()).filter(|c| {
                    targets.iter().all(|(_, e, _)| e.tenant_scope.as_ref().is_some_and(|s| s.column == *c))
                });
            out.push(Link { owner, link, targets, tenant });
        }
    }
    out
}

// ---------------------------------------------------------------- PostgreSQL

const PG: Dialect = Dialect::Postgres;

fn pg_function(name: &str, definer: bool, body: &str) -> String {
    let security =
        if definer { format!("\nSECURITY DEFINER SET search_path = {PG_SEARCH_PATH}") } else { String::new() };
    format!(
        "CREATE FUNCTION {}() RETURNS trigger\nLANGUAGE plpgsql{security} AS $$\n{}\n$$",
        ident(PG, name),
        body.trim_end()
    )
}

fn pg_args(args: &[&str]) -> String {
    args.iter().map(|a| string_literal(a)).collect::<Vec<_>>().join(", ")
}

fn pg_trigger(out: &mut Triggers, name: &str, timing: &str, table: &str, function: &str, args: &[&str]) {
    out.up.push(format!(
        "CREATE TRIGGER {} {timing} ON {} FOR EACH ROW EXECUTE FUNCTION {}({})",
        ident(PG, name),
        ident(PG, table),
        ident(PG, function),
        pg_args(args)
    ));
    out.down.push(format!("DROP TRIGGER IF EXISTS {} ON {}", ident(PG, name), ident(PG, table)));
}

fn pg_shared(out: &mut Triggers, name: &str, definer: bool, body: &str) {
    out.up.push(pg_function(name, definer, body));
    out.down.push(format!("DROP FUNCTION IF EXISTS {}()", ident(PG, name)));
}

/// Builds `key` from `row_data` (a `jsonb` of the row) and the trigger
/// arguments `TG_ARGV[from..]` (the key columns): values joined with `,`.
fn pg_key_loop(from: usize, indent: &str) -> String {
    format!(
        "{indent}FOR i IN {from} .. TG_NARGS - 1 LOOP\n\
         {indent}  key := key || CASE WHEN i > {from} THEN ',' ELSE '' END || COALESCE(row_data ->> TG_ARGV[i], '');\n\
         {indent}END LOOP;"
    )
}

fn postgres(plan: &Plan<'_>, links: &[Link<'_>], out: &mut Triggers) {
    if plan.order.iter().any(|e| updated_at(e).is_some()) {
        pg_shared(out, PG_UPDATED_AT, false, "BEGIN\n  NEW.updated_at := CURRENT_TIMESTAMP;\n  RETURN NEW;\nEND;");
    }
    if plan.order.iter().any(|e| versioned(e)) {
        let body = format!(
            "DECLARE
  row_data jsonb := to_jsonb(OLD);
  key text := '';
  i int;
BEGIN
  IF NEW.version IS DISTINCT FROM OLD.version THEN
{key}
    RAISE EXCEPTION '{VERSION_CONFLICT_PREFIX}% (%): the row is at version %, the update was made from version %',
      TG_TABLE_NAME, key, OLD.version, NEW.version
      USING ERRCODE = '{VERSION_CONFLICT_SQLSTATE}',
            HINT = 're-read the row and apply the change again with SET version = <the version read>';
  END IF;
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;",
            key = pg_key_loop(0, "    "),
        );
        pg_shared(out, PG_VERSION, false, &body);
    }
    if plan.order.iter().any(|e| userstamps(e)) {
        // The setting is text; PL/pgSQL converts it to the column's type
        // (a malformed key fails the write).
        let user = format!("NULLIF(current_setting({}, true), '')", string_literal(audit::USER_SETTING));
        // An update a foreign-key action makes (ON DELETE SET NULL of the
        // user) runs one trigger level down: it is not the session writing,
        // and undoing its NULL would break the key.
        let body = format!(
            "BEGIN\n  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN\n    RETURN NEW;\n  END IF;\n  \
             IF TG_OP = 'INSERT' THEN\n    NEW.{c} := {user};\n  ELSE\n    NEW.{c} := OLD.{c};\n  END IF;\n  \
             NEW.{u} := {user};\n  RETURN NEW;\nEND;",
            c = ident(PG, USERSTAMP_CREATED_BY),
            u = ident(PG, USERSTAMP_UPDATED_BY),
        );
        pg_shared(out, PG_USERSTAMPS, false, &body);
    }
    let log = plan.analysis.audit_log();
    let audited = plan.order.iter().any(|e| e.traits.audited);
    if let (Some(log), true) = (log, audited) {
        let tenant_type = log.column(audit::TENANT_ID).map(|c| plan.column_type(PG, log, c));
        let (tenant_col, tenant_val) = match &tenant_type {
            Some(ty) => (
                format!("{}, ", ident(PG, audit::TENANT_ID)),
                format!("CASE WHEN TG_ARGV[0] = '' THEN NULL ELSE (row_data ->> TG_ARGV[0])::{ty} END,\n    "),
            ),
            None => (String::new(), String::new()),
        };
        let body = format!(
            "DECLARE
  old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
  row_data jsonb := COALESCE(new_row, old_row);
  key text := '';
  i int;
BEGIN
  -- TG_ARGV[0]: the tenant column ('' when none); TG_ARGV[1..]: the key columns.
{key}
  INSERT INTO {table} ({tenant_col}{actor}, {action}, {etype}, {eid}, {before}, {after})
  VALUES (
    {tenant_val}NULLIF(current_setting({setting}, true), ''),
    TG_TABLE_NAME || '.' || lower(TG_OP),
    TG_TABLE_NAME,
    key,
    old_row,
    new_row
  );
  RETURN NULL;
END;",
            key = pg_key_loop(1, "  "),
            table = ident(PG, audit::TABLE),
            actor = ident(PG, audit::ACTOR_ID),
            action = ident(PG, audit::ACTION),
            etype = ident(PG, audit::ENTITY_TYPE),
            eid = ident(PG, audit::ENTITY_ID),
            before = ident(PG, audit::BEFORE),
            after = ident(PG, audit::AFTER),
            setting = string_literal(audit::USER_SETTING),
        );
        pg_shared(out, PG_AUDIT, true, &body);
    }

    for entity in &plan.order {
        let key: Vec<&str> = entity.primary_key.columns.iter().map(String::as_str).collect();
        if updated_at(entity).is_some() {
            pg_trigger(out, &name(&entity.table, "updated_at"), "BEFORE UPDATE", &entity.table, PG_UPDATED_AT, &[]);
        }
        if versioned(entity) {
            pg_trigger(out, &name(&entity.table, "version"), "BEFORE UPDATE", &entity.table, PG_VERSION, &key);
        }
        if userstamps(entity) {
            let timing = "BEFORE INSERT OR UPDATE";
            pg_trigger(out, &name(&entity.table, "userstamps"), timing, &entity.table, PG_USERSTAMPS, &[]);
        }
        if audit_log(plan, entity).is_some() {
            let mut args = vec![tenant_column(entity).unwrap_or("")];
            args.extend(&key);
            pg_trigger(
                out,
                &name(&entity.table, "audit"),
                "AFTER INSERT OR UPDATE OR DELETE",
                &entity.table,
                PG_AUDIT,
                &args,
            );
        }
    }

    for l in links {
        pg_link(l, out);
    }
}

/// `NEW.type = 'x' AND NOT EXISTS (...target x...)`, one per target, `OR`ed,
/// with `n` = `NEW` and the quoting of `dialect`.
fn missing_target(dialect: Dialect, l: &Link<'_>, n: &str) -> String {
    let q = |s: &str| ident(dialect, s);
    let conds: Vec<String> = l
        .targets
        .iter()
        .map(|(value, target, key)| {
            let tenant =
                l.tenant.map(|t| format!(" AND {}.{} = {n}.{}", q(&target.table), q(t), q(t))).unwrap_or_default();
            format!(
                "({n}.{ty} = {v} AND NOT EXISTS (SELECT 1 FROM {tt} WHERE {tt}.{k} = {n}.{id}{tenant}))",
                ty = q(&l.link.type_column),
                v = dialect_string_literal(dialect, value),
                tt = q(&target.table),
                k = q(key),
                id = q(&l.link.id_column),
            )
        })
        .collect();
    format!("{n}.{} IS NOT NULL AND ({})", q(&l.link.id_column), conds.join("\n    OR "))
}

fn missing_message(l: &Link<'_>) -> String {
    format!(
        "tablewright: {}.{} points at a row that does not exist (or belongs to another tenant)",
        l.owner.table, l.link.id_column
    )
}

fn referenced_message(l: &Link<'_>, target: &Entity) -> String {
    format!(
        "tablewright: cannot delete from {}: rows of {} still point at it through {}",
        target.table, l.owner.table, l.link.id_column
    )
}

/// `DELETE FROM owner WHERE type = 'x' AND id = OLD.key` / the matching `EXISTS`.
fn pointing_rows(dialect: Dialect, l: &Link<'_>, value: &str, key: &str) -> String {
    let q = |s: &str| ident(dialect, s);
    format!(
        "{} WHERE {} = {} AND {} = OLD.{}",
        q(&l.owner.table),
        q(&l.link.type_column),
        dialect_string_literal(dialect, value),
        q(&l.link.id_column),
        q(key)
    )
}

fn pg_link(l: &Link<'_>, out: &mut Triggers) {
    let owner = &l.owner.table;
    let check = name(owner, &format!("{}_check", l.link.id_column));
    // Lock the target like a foreign key does, so it cannot be deleted
    // between this check and the commit.
    let locks: Vec<String> = l
        .targets
        .iter()
        .map(|(value, target, key)| {
            let tenant = l.tenant.map(|t| format!(" AND {} = NEW.{}", ident(PG, t), ident(PG, t))).unwrap_or_default();
            format!(
                "  IF NEW.{ty} = {v} THEN\n    PERFORM 1 FROM {tt} WHERE {k} = NEW.{id}{tenant} FOR KEY SHARE;\n    \
                 IF NOT FOUND THEN\n      RAISE EXCEPTION {msg} USING ERRCODE = 'foreign_key_violation';\n    \
                 END IF;\n  END IF;",
                ty = ident(PG, &l.link.type_column),
                v = string_literal(value),
                tt = ident(PG, &target.table),
                k = ident(PG, key),
                id = ident(PG, &l.link.id_column),
                msg = string_literal(&missing_message(l)),
            )
        })
        .collect();
    let body = format!(
        "BEGIN\n  IF NEW.{id} IS NULL THEN\n    RETURN NEW;\n  END IF;\n{}\n  RETURN NEW;\nEND;",
        locks.join("\n"),
        id = ident(PG, &l.link.id_column)
    );
    pg_shared(out, &check, true, &body);
    let of = format!("BEFORE INSERT OR UPDATE OF {}, {}", ident(PG, &l.link.type_column), ident(PG, &l.link.id_column));
    pg_trigger(out, &check, &of, owner, &check, &[]);

    for (value, target, key) in &l.targets {
        let f = name(&target.table, &format!("{owner}_{}", l.link.id_column));
        let rows = pointing_rows(PG, l, value, key);
        let (timing, body) = match l.link.on_delete {
            PolymorphicAction::Cascade => {
                ("AFTER DELETE", format!("BEGIN\n  DELETE FROM {rows};\n  RETURN NULL;\nEND;"))
            }
            PolymorphicAction::Restrict => (
                "BEFORE DELETE",
                format!(
                    "BEGIN\n  IF EXISTS (SELECT 1 FROM {rows}) THEN\n    RAISE EXCEPTION {} USING ERRCODE = \
                     'foreign_key_violation';\n  END IF;\n  RETURN OLD;\nEND;",
                    string_literal(&referenced_message(l, target))
                ),
            ),
        };
        pg_shared(out, &f, true, &body);
        pg_trigger(out, &f, timing, &target.table, &f, &[]);
    }
}

// ---------------------------------------------------------- MySQL / MariaDB

const MY: Dialect = Dialect::Mysql;

fn my_trigger(out: &mut Triggers, name: &str, timing: &str, table: &str, body: &str) {
    out.up.push(format!("CREATE TRIGGER {} {timing} ON {} FOR EACH ROW\n{body}", ident(MY, name), ident(MY, table)));
    out.down.push(format!("DROP TRIGGER IF EXISTS {}", ident(MY, name)));
}

/// The row's key as text: `CONCAT_WS(',', row.a, row.b)`.
fn my_key(entity: &Entity, row: &str) -> String {
    let cols: Vec<String> = entity.primary_key.columns.iter().map(|c| format!("{row}.{}", ident(MY, c))).collect();
    format!("CONCAT_WS(',', {})", cols.join(", "))
}

/// `JSON_OBJECT('col', row.col, ...)`, JSON columns embedded as JSON and
/// binary ones as hex.
fn json_object(dialect: Dialect, plan: &Plan<'_>, entity: &Entity, row: &str) -> String {
    let (func, json, hex) = match dialect {
        Dialect::Mysql => ("JSON_OBJECT", "JSON_EXTRACT({}, '$')", "HEX({})"),
        _ => ("json_object", "json({})", "hex({})"),
    };
    let _ = plan;
    let parts: Vec<String> = entity
        .columns
        .iter()
        .map(|c| {
            let value = format!("{row}.{}", ident(dialect, &c.name));
            let value = match (&c.ty, &c.sql_type) {
                (ColumnType::Json, None) => json.replace("{}", &value),
                (ColumnType::StringArray, None) if dialect == Dialect::Mysql => json.replace("{}", &value),
                (ColumnType::Bytes, None) => hex.replace("{}", &value),
                _ => value,
            };
            format!("{}, {value}", dialect_string_literal(dialect, &c.name))
        })
        .collect();
    format!("{func}({})", parts.join(", "))
}

fn mysql(plan: &Plan<'_>, links: &[Link<'_>], out: &mut Triggers) {
    for entity in &plan.order {
        let table = &entity.table;
        if userstamps(entity) {
            let user = format!("NULLIF(@{}, '')", audit::MYSQL_USER_VARIABLE);
            let (c, u) = (ident(MY, USERSTAMP_CREATED_BY), ident(MY, USERSTAMP_UPDATED_BY));
            let insert = format!("BEGIN\n  SET NEW.{c} = {user};\n  SET NEW.{u} = {user};\nEND");
            my_trigger(out, &name(table, "userstamps_insert"), "BEFORE INSERT", table, &insert);
            let update = format!("BEGIN\n  SET NEW.{c} = OLD.{c};\n  SET NEW.{u} = {user};\nEND");
            my_trigger(out, &name(table, "userstamps_update"), "BEFORE UPDATE", table, &update);
        }
        if versioned(entity) {
            let message = format!(
                "LEFT(CONCAT({}, {}, ' (', {}, '): the row is at version ', OLD.`version`, \
                 ', the update was made from version ', COALESCE(NEW.`version`, 'NULL')), 128)",
                dialect_string_literal(MY, VERSION_CONFLICT_PREFIX),
                dialect_string_literal(MY, table),
                my_key(entity, "OLD")
            );
            let body = format!(
                "BEGIN\n  DECLARE tw_message VARCHAR(128);\n  IF NOT (NEW.`version` <=> OLD.`version`) THEN\n    \
                 SET tw_message = {message};\n    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = tw_message;\n  END IF;\n  \
                 SET NEW.`version` = OLD.`version` + 1;\nEND"
            );
            my_trigger(out, &name(table, "version"), "BEFORE UPDATE", table, &body);
        }
        if let Some(log) = audit_log(plan, entity) {
            for (event, suffix, op, row) in [
                ("INSERT", "audit_insert", "insert", "NEW"),
                ("UPDATE", "audit_update", "update", "NEW"),
                ("DELETE", "audit_delete", "delete", "OLD"),
            ] {
                let before = if op == "insert" { "NULL".to_string() } else { json_object(MY, plan, entity, "OLD") };
                let after = if op == "delete" { "NULL".to_string() } else { json_object(MY, plan, entity, "NEW") };
                let (tenant_col, tenant_val) = match (log.column(audit::TENANT_ID), tenant_column(entity)) {
                    (Some(_), Some(t)) => {
                        (format!("{}, ", ident(MY, audit::TENANT_ID)), format!("{row}.{}, ", ident(MY, t)))
                    }
                    _ => (String::new(), String::new()),
                };
                let body = format!(
                    "INSERT INTO {} ({tenant_col}{}, {}, {}, {}, {}, {})\nVALUES ({tenant_val}@{}, {}, {}, {}, {before}, {after})",
                    ident(MY, audit::TABLE),
                    ident(MY, audit::ACTOR_ID),
                    ident(MY, audit::ACTION),
                    ident(MY, audit::ENTITY_TYPE),
                    ident(MY, audit::ENTITY_ID),
                    ident(MY, audit::BEFORE),
                    ident(MY, audit::AFTER),
                    audit::MYSQL_USER_VARIABLE,
                    dialect_string_literal(MY, &format!("{table}.{op}")),
                    dialect_string_literal(MY, table),
                    my_key(entity, row),
                );
                my_trigger(out, &name(table, suffix), &format!("AFTER {event}"), table, &body);
            }
        }
    }
    for l in links {
        let owner = &l.owner.table;
        let body = format!(
            "BEGIN\n  IF {} THEN\n    SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = {};\n  END IF;\nEND",
            missing_target(MY, l, "NEW"),
            dialect_string_literal(MY, &truncate(&missing_message(l), 128))
        );
        for (event, suffix) in [("INSERT", "insert"), ("UPDATE", "update")] {
            let n = name(owner, &format!("{}_{suffix}", l.link.id_column));
            my_trigger(out, &n, &format!("BEFORE {event}"), owner, &body);
        }
        for (value, target, key) in &l.targets {
            let n = name(&target.table, &format!("{owner}_{}", l.link.id_column));
            let rows = pointing_rows(MY, l, value, key);
            match l.link.on_delete {
                PolymorphicAction::Cascade => {
                    my_trigger(out, &n, "AFTER DELETE", &target.table, &format!("DELETE FROM {rows}"))
                }
                PolymorphicAction::Restrict => {
                    let body = format!(
                        "BEGIN\n  IF EXISTS (SELECT 1 FROM {rows}) THEN\n    SIGNAL SQLSTATE '23000' SET \
                         MESSAGE_TEXT = {};\n  END IF;\nEND",
                        dialect_string_literal(MY, &truncate(&referenced_message(l, target), 128))
                    );
                    my_trigger(out, &n, "BEFORE DELETE", &target.table, &body)
                }
            }
        }
    }
}

/// MySQL's SIGNAL takes at most 128 characters of message.
fn truncate(message: &str, max: usize) -> String {
    message.chars().take(max).collect()
}

// ------------------------------------------------------------------- SQLite

const LITE: Dialect = Dialect::Sqlite;

fn lite_trigger(out: &mut Triggers, name: &str, head: &str, table: &str, when: Option<&str>, body: &[String]) {
    let when = when.map(|w| format!("\nWHEN {w}")).unwrap_or_default();
    let body: String = body.iter().map(|s| format!("  {s};\n")).collect();
    out.up.push(format!(
        "CREATE TRIGGER {} {head} ON {} FOR EACH ROW{when}\nBEGIN\n{body}END",
        ident(LITE, name),
        ident(LITE, table)
    ));
    out.down.push(format!("DROP TRIGGER IF EXISTS {}", ident(LITE, name)));
}

/// `row.k = other.k AND ...` over the primary key.
fn lite_key_match(entity: &Entity, row: &str, other: &str) -> String {
    let parts: Vec<String> = entity
        .primary_key
        .columns
        .iter()
        .map(|c| format!("{row}.{} = {other}.{}", ident(LITE, c), ident(LITE, c)))
        .collect();
    parts.join(" AND ")
}

fn lite_key_text(entity: &Entity, row: &str) -> String {
    let parts: Vec<String> =
        entity.primary_key.columns.iter().map(|c| format!("CAST({row}.{} AS TEXT)", ident(LITE, c))).collect();
    parts.join(" || ',' || ")
}

/// `INSERT INTO audit_logs (...) SELECT ... FROM <source>`; `row` names the
/// row the key, tenant and `after` come from.
fn lite_audit(plan: &Plan<'_>, log: &Entity, entity: &Entity, op: &str, row: &str, from: &str) -> String {
    let q = |s: &str| ident(LITE, s);
    let (tenant_col, tenant_val) = match (log.column(audit::TENANT_ID), tenant_column(entity)) {
        (Some(_), Some(t)) => (format!("{}, ", q(audit::TENANT_ID)), format!("{row}.{}, ", q(t))),
        _ => (String::new(), String::new()),
    };
    let before = if op == "insert" { "NULL".to_string() } else { json_object(LITE, plan, entity, "OLD") };
    let after = if op == "delete" { "NULL".to_string() } else { json_object(LITE, plan, entity, row) };
    format!(
        "INSERT INTO {} ({tenant_col}{}, {}, {}, {}, {}, {})\n  SELECT {tenant_val}NULL, {}, {}, {}, {before}, {after}{from}",
        q(audit::TABLE),
        q(audit::ACTOR_ID),
        q(audit::ACTION),
        q(audit::ENTITY_TYPE),
        q(audit::ENTITY_ID),
        q(audit::BEFORE),
        q(audit::AFTER),
        string_literal(&format!("{}.{op}", entity.table)),
        string_literal(&entity.table),
        lite_key_text(entity, row),
    )
}

fn sqlite(plan: &Plan<'_>, links: &[Link<'_>], out: &mut Triggers) {
    for entity in &plan.order {
        let table = &entity.table;
        if userstamps(entity) {
            // SQLite has no session settings: the application writes the
            // userstamps; who created a row never changes to someone else
            // (it may become NULL: ON DELETE SET NULL when the user goes).
            let c = ident(LITE, USERSTAMP_CREATED_BY);
            let raise = vec![format!(
                "SELECT RAISE(ABORT, {})",
                string_literal(&format!("tablewright: {table}.{USERSTAMP_CREATED_BY} cannot change"))
            )];
            let when = format!("NEW.{c} IS NOT OLD.{c} AND NEW.{c} IS NOT NULL");
            let head = format!("BEFORE UPDATE OF {c}");
            lite_trigger(out, &name(table, "created_by"), &head, table, Some(&when), &raise);
        }
        let log = audit_log(plan, entity);
        if let Some(log) = log {
            let insert = lite_audit(plan, log, entity, "insert", "NEW", "");
            lite_trigger(out, &name(table, "audit_insert"), "AFTER INSERT", table, None, &[insert]);
            let delete = lite_audit(plan, log, entity, "delete", "OLD", "");
            lite_trigger(out, &name(table, "audit_delete"), "AFTER DELETE", table, None, &[delete]);
        }
        // One AFTER UPDATE trigger does everything an update needs, in order:
        // its own nested UPDATE does not fire it again (recursive_triggers
        // is off), and no second trigger sees that nested UPDATE.
        let mut body = Vec::new();
        if versioned(entity) {
            body.push(format!(
                "SELECT RAISE(ABORT, {}) WHERE NEW.\"version\" IS NOT OLD.\"version\"",
                string_literal(&format!(
                    "{VERSION_CONFLICT_PREFIX}{table}: the update was made from a stale version; re-read the row \
                     and retry with SET version = <the version read>"
                ))
            ));
        }
        let mut sets = Vec::new();
        if versioned(entity) {
            sets.push("\"version\" = OLD.\"version\" + 1".to_string());
        }
        if let Some(c) = updated_at(entity) {
            sets.push(format!("{} = {}", ident(LITE, &c.name), super::sqlite::now(&c.ty)));
        }
        if !sets.is_empty() {
            body.push(format!(
                "UPDATE {} SET {} WHERE {}",
                ident(LITE, table),
                sets.join(", "),
                lite_key_match(entity, ident(LITE, table).as_str(), "NEW")
            ));
        }
        if let Some(log) = log {
            let from =
                format!(" FROM {} AS tw_row WHERE {}", ident(LITE, table), lite_key_match(entity, "tw_row", "NEW"));
            body.push(lite_audit(plan, log, entity, "update", "tw_row", &from));
        }
        if !body.is_empty() {
            lite_trigger(out, &name(table, "after_update"), "AFTER UPDATE", table, None, &body);
        }
    }
    for l in links {
        let owner = &l.owner.table;
        let when = missing_target(LITE, l, "NEW");
        let raise = vec![format!("SELECT RAISE(ABORT, {})", string_literal(&missing_message(l)))];
        let n = name(owner, &format!("{}_insert", l.link.id_column));
        lite_trigger(out, &n, "BEFORE INSERT", owner, Some(&when), &raise);
        let n = name(owner, &format!("{}_update", l.link.id_column));
        let of = format!("BEFORE UPDATE OF {}, {}", ident(LITE, &l.link.type_column), ident(LITE, &l.link.id_column));
        lite_trigger(out, &n, &of, owner, Some(&when), &raise);
        for (value, target, key) in &l.targets {
            let n = name(&target.table, &format!("{owner}_{}", l.link.id_column));
            let rows = pointing_rows(LITE, l, value, key);
            match l.link.on_delete {
                PolymorphicAction::Cascade => {
                    lite_trigger(out, &n, "AFTER DELETE", &target.table, None, &[format!("DELETE FROM {rows}")])
                }
                PolymorphicAction::Restrict => {
                    let raise = format!("SELECT RAISE(ABORT, {})", string_literal(&referenced_message(l, target)));
                    let when = format!("EXISTS (SELECT 1 FROM {rows})");
                    lite_trigger(out, &n, "BEFORE DELETE", &target.table, Some(&when), &[raise])
                }
            }
        }
    }
}
