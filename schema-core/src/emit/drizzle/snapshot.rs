//! drizzle-kit's snapshot of a migration: `meta/NNNN_snapshot.json`.
//!
//! `drizzle-kit generate` plans the next migration by diffing the schema it
//! serializes from `schema.ts` against the newest snapshot of the migrations
//! folder (the last file of `meta/` in name order, `_journal.json` aside). A
//! folder without one is an empty database to drizzle-kit, so its next
//! `generate` would create every table again. [`snapshot`] writes the
//! snapshot drizzle-kit itself would write for our `drizzle/schema.ts`
//! (drizzle-kit 0.31, PostgreSQL, format version 7): after our history, a
//! Drizzle user's `drizzle-kit generate` finds no schema change.
//!
//! The JSON follows drizzle-kit's serializer (`generatePgSnapshot` in
//! drizzle-kit's bundle) field by field, in its key order and with its
//! formatting (`JSON.stringify(snapshot, null, 2)`, no final newline), so the
//! file differs from the one drizzle-kit writes for the same schema only in
//! its `id` and `prevId`:
//!
//! ```text
//! { id, prevId, version: "7", dialect: "postgresql",
//!   tables: { "public.<table>": { name, schema: "", columns, indexes, foreignKeys,
//!             compositePrimaryKeys, uniqueConstraints, policies, checkConstraints,
//!             isRLSEnabled } },
//!   enums: { "public.<name>": { name, schema: "public", values } },
//!   schemas: {}, sequences: {}, roles: {}, policies: {}, views: {},
//!   _meta: { columns: {}, schemas: {}, tables: {} } }
//! ```
//!
//! Ids are deterministic: the snapshot of migration `tag` has the id
//! [`snapshot_id`]`(tag)` (a UUID v5 of the tag) and points at the snapshot
//! before it through `prevId` (drizzle-kit's all-zero [`ROOT_ID`] for the
//! first), so a rebuild rewrites no byte and a later drizzle-kit snapshot
//! chains onto ours.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

use super::action;
use super::columns::{DrizzleDefault, column_default, pg_snapshot_type};
use crate::emit::EmitOptions;
use crate::fragment::render_sql;
use crate::model::{Entity, EnumType, Generated, Schema};
use crate::security::{Policy, PolicyRole};
use crate::types::Dialect;

/// drizzle-kit's id of "no snapshot": the `prevId` of the first snapshot.
pub const ROOT_ID: &str = "00000000-0000-0000-0000-000000000000";

/// The namespace of [`snapshot_id`]'s UUIDs: the version-5 UUID of
/// `tablewright:drizzle-kit-snapshot` in the URL namespace of RFC 9562
/// (`uuid.uuid5(uuid.NAMESPACE_URL, "tablewright:drizzle-kit-snapshot")`).
const ID_NAMESPACE: [u8; 16] =
    [0x12, 0x65, 0xf1, 0x62, 0xde, 0xf3, 0x53, 0xbf, 0x8d, 0x4f, 0xa9, 0x3b, 0x89, 0x41, 0x18, 0xff];

/// drizzle-kit's PostgreSQL snapshot format (drizzle-kit 0.31).
const SNAPSHOT_VERSION: &str = "7";

/// The snapshot of our `drizzle/schema.ts` for `schema`, as drizzle-kit
/// writes it into `meta/` after generating migration `tag`; `prev_tag` is
/// the journal tag of the migration before it (`None` for the first).
///
/// The result depends only on the schema at that migration, the options and
/// the two tags, never on where or how the history is stored: a history of
/// N migrations writes N snapshots, each from the schema as it was recorded,
/// at [`snapshot_path`]`(tag)`. The ids chain through [`snapshot_id`].
///
/// ```
/// use tablewright_core::emit::EmitOptions;
/// use tablewright_core::emit::drizzle::snapshot::{ROOT_ID, snapshot, snapshot_id};
/// use tablewright_core::model::Schema;
///
/// let first = snapshot(&Schema::default(), &EmitOptions::default(), "0000_initial", None);
/// let value: serde_json::Value = serde_json::from_str(&first).unwrap();
/// assert_eq!(value["id"], "bc255285-412b-590d-affd-bea5eba8c04e");
/// assert_eq!(value["prevId"], ROOT_ID);
/// assert_eq!((value["version"].as_str(), value["dialect"].as_str()), (Some("7"), Some("postgresql")));
///
/// let second = snapshot(&Schema::default(), &EmitOptions::default(), "0001_add_due_dates", Some("0000_initial"));
/// let value: serde_json::Value = serde_json::from_str(&second).unwrap();
/// assert_eq!(value["prevId"], snapshot_id("0000_initial"));
/// ```
pub fn snapshot(schema: &Schema, options: &EmitOptions, tag: &str, prev_tag: Option<&str>) -> String {
    let policies = super::policies_by_table(Dialect::Postgres, schema, options);
    // drizzle-kit reads the tables and enums from the module's exports,
    // which come sorted by export name (the `const` of each).
    let mut entities: Vec<&Entity> = schema.entities.iter().collect();
    entities.sort_by_cached_key(|e| super::table_var(&e.table));
    // The first entity of each name, as `Schema::entity` finds it.
    let mut by_name: HashMap<&str, &Entity> = HashMap::with_capacity(schema.entities.len());
    for entity in &schema.entities {
        by_name.entry(entity.name.as_str()).or_insert(entity);
    }
    let mut tables = Map::new();
    for entity in entities {
        tables.insert(format!("public.{}", entity.table), table(schema, &by_name, entity, policies.get(&entity.table)));
    }
    let mut enums: Vec<&EnumType> = schema.enums.iter().collect();
    enums.sort_by_cached_key(|e| super::enum_var(&e.sql_name));
    let enums: Map<String, Value> = enums
        .into_iter()
        .map(|e| {
            let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
            (format!("public.{}", e.sql_name), json!({ "name": e.sql_name, "schema": "public", "values": values }))
        })
        .collect();
    let snapshot = json!({
        "id": snapshot_id(tag),
        "prevId": prev_tag.map_or_else(|| ROOT_ID.to_string(), snapshot_id),
        "version": SNAPSHOT_VERSION,
        "dialect": "postgresql",
        "tables": tables,
        "enums": enums,
        "schemas": {},
        "sequences": {},
        // The roles the policies name are `pgRole(...).existing()`: our
        // migration creates them, and drizzle-kit leaves existing roles out.
        "roles": {},
        // Every policy belongs to a table (`pgPolicy` in its extra config).
        "policies": {},
        "views": {},
        "_meta": { "columns": {}, "schemas": {}, "tables": {} },
    });
    serde_json::to_string_pretty(&snapshot).expect("a JSON value always serializes")
}

/// Where drizzle-kit keeps the snapshot of migration `tag`, relative to the
/// migrations folder: the tag's numeric prefix, `0000_initial` ->
/// `meta/0000_snapshot.json` (drizzle-kit takes the last file of `meta/` in
/// name order as the state of the database).
///
/// ```
/// use tablewright_core::emit::drizzle::snapshot::snapshot_path;
/// assert_eq!(snapshot_path("0000_initial"), "meta/0000_snapshot.json");
/// assert_eq!(snapshot_path("0012_add_due_dates"), "meta/0012_snapshot.json");
/// ```
pub fn snapshot_path(tag: &str) -> String {
    let prefix = tag.split_once('_').map_or(tag, |(prefix, _)| prefix);
    format!("meta/{prefix}_snapshot.json")
}

/// The `id` of the snapshot of migration `tag`: the version-5 UUID of the
/// tag in tablewright's namespace, so it is the same on every build and
/// machine, and differs between the migrations of one journal (drizzle-kit
/// refuses two snapshots with one `prevId`).
///
/// ```
/// use tablewright_core::emit::drizzle::snapshot::snapshot_id;
/// assert_eq!(snapshot_id("0000_initial"), "bc255285-412b-590d-affd-bea5eba8c04e");
/// assert_ne!(snapshot_id("0001_next"), snapshot_id("0000_initial"));
/// ```
pub fn snapshot_id(tag: &str) -> String {
    uuid_v5(&ID_NAMESPACE, tag)
}

/// RFC 9562 version 5: SHA-1 of namespace and name, version and variant bits set.
fn uuid_v5(namespace: &[u8; 16], name: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(namespace);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// One `pgTable`, as drizzle-kit serializes it.
fn table(schema: &Schema, by_name: &HashMap<&str, &Entity>, entity: &Entity, policies: Option<&Vec<Policy>>) -> Value {
    let mut columns = Map::new();
    for c in &entity.columns {
        let (ty, type_schema) = pg_snapshot_type(schema, c);
        let mut column = Map::new();
        column.insert("name".into(), json!(c.name));
        column.insert("type".into(), json!(ty));
        if let Some(type_schema) = type_schema {
            column.insert("typeSchema".into(), json!(type_schema));
        }
        // Keys are `primaryKey({ name, columns })` of the table, never the column's.
        column.insert("primaryKey".into(), json!(false));
        // `.generatedByDefaultAsIdentity()` implies NOT NULL in drizzle-orm.
        column.insert("notNull".into(), json!(!c.nullable || c.generated == Generated::Identity));
        if c.generated == Generated::Identity {
            column.insert("identity".into(), identity(&entity.table, &c.name, &ty));
        }
        if let Some(default) = column_default(Dialect::Postgres, entity, c) {
            column.insert("default".into(), default_value(default));
        }
        columns.insert(c.name.clone(), Value::Object(column));
    }

    let mut indexes = Map::new();
    let mut uniques = Map::new();
    for index in &entity.indexes {
        let names: Vec<&str> = index.columns.iter().map(|c| c.name.as_str()).collect();
        if index.is_unique_constraint() {
            uniques
                .insert(index.name.clone(), json!({ "name": index.name, "nullsNotDistinct": false, "columns": names }));
            continue;
        }
        // `.on(t.x)` is ascending, nulls last; `.desc().nullsFirst()` is
        // PostgreSQL's own DESC order.
        let columns: Vec<Value> = index
            .columns
            .iter()
            .map(|c| {
                json!({
                    "expression": c.name,
                    "isExpression": false,
                    "asc": !c.desc,
                    "nulls": if c.desc { "first" } else { "last" },
                })
            })
            .collect();
        let mut value = Map::new();
        value.insert("name".into(), json!(index.name));
        value.insert("columns".into(), Value::Array(columns));
        value.insert("isUnique".into(), json!(index.unique));
        if let Some(predicate) = &index.predicate {
            value.insert("where".into(), json!(render_sql(predicate, Dialect::Postgres)));
        }
        // Covering columns have no Drizzle spelling: schema.ts (and so the
        // snapshot) declares the index without them.
        value.insert("concurrently".into(), json!(false));
        value.insert("method".into(), json!("btree"));
        value.insert("with".into(), json!({}));
        indexes.insert(index.name.clone(), Value::Object(value));
    }

    let mut foreign_keys = Map::new();
    for fk in &entity.foreign_keys {
        // schema.ts leaves out a key whose target is not an entity.
        let Some(target) = by_name.get(fk.target.as_str()) else { continue };
        foreign_keys.insert(
            fk.name.clone(),
            json!({
                "name": fk.name,
                "tableFrom": entity.table,
                "tableTo": target.table,
                "columnsFrom": fk.columns,
                "columnsTo": fk.target_columns,
                "onDelete": action(fk.on_delete),
                "onUpdate": action(fk.on_update),
            }),
        );
    }

    let primary_key = &entity.primary_key;
    let mut primary_keys = Map::new();
    primary_keys.insert(primary_key.name.clone(), json!({ "name": primary_key.name, "columns": primary_key.columns }));

    let mut table_policies = Map::new();
    for policy in policies.into_iter().flatten() {
        let to = match &policy.role {
            PolicyRole::Public => "public",
            PolicyRole::Named(role) => role.as_str(),
            PolicyRole::MigrationRole => "current_user",
        };
        let mut value = Map::new();
        value.insert("name".into(), json!(policy.name));
        value.insert("as".into(), json!("PERMISSIVE"));
        value.insert("for".into(), json!(policy.command.sql()));
        value.insert("to".into(), json!([to]));
        if let Some(using) = &policy.using {
            value.insert("using".into(), json!(using));
        }
        if let Some(check) = &policy.with_check {
            value.insert("withCheck".into(), json!(check));
        }
        table_policies.insert(policy.name.clone(), Value::Object(value));
    }

    let checks: Map<String, Value> = entity
        .checks
        .iter()
        .map(|check| {
            (check.name.clone(), json!({ "name": check.name, "value": render_sql(&check.expr, Dialect::Postgres) }))
        })
        .collect();

    json!({
        "name": entity.table,
        "schema": "",
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": foreign_keys,
        "compositePrimaryKeys": primary_keys,
        "uniqueConstraints": uniques,
        "policies": table_policies,
        "checkConstraints": checks,
        // drizzle-kit enables RLS on a table with policies by itself; the
        // flag records `.enableRLS()`, which schema.ts does not write.
        "isRLSEnabled": false,
    })
}

/// `.generatedByDefaultAsIdentity()` with drizzle-orm's default sequence
/// options, as drizzle-kit fills them in for the column's type. The name is
/// the one PostgreSQL gives the sequence (cut to fit, as schema.ts spells it
/// past the limit).
fn identity(table: &str, column: &str, ty: &str) -> Value {
    let max = match ty {
        "integer" => "2147483647",
        "bigint" => "9223372036854775807",
        _ => "32767",
    };
    json!({
        "type": "byDefault",
        "name": crate::naming::postgres_identity_sequence(table, column),
        "schema": "public",
        "increment": "1",
        "startWith": "1",
        "minValue": "1",
        "maxValue": max,
        "cache": "1",
        "cycle": false,
    })
}

/// A default as drizzle-kit records it: SQL verbatim, a string quoted for
/// SQL, numbers and booleans as JSON values.
fn default_value(default: DrizzleDefault) -> Value {
    match default {
        DrizzleDefault::RandomUuid => json!("gen_random_uuid()"),
        DrizzleDefault::Sql(sql) => json!(sql),
        DrizzleDefault::Text(text) => json!(format!("'{}'", text.replace('\'', "''"))),
        // The literal is one JavaScript prints back unchanged, so it is a JSON number too.
        DrizzleDefault::Number(number) => serde_json::from_str(&number).unwrap_or(Value::String(number)),
        DrizzleDefault::Bool(b) => json!(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9562's URL namespace.
    const URL_NAMESPACE: [u8; 16] =
        [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];

    #[test]
    fn ids_are_version_5_uuids() {
        // Python's `uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")`.
        let dns = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
        assert_eq!(uuid_v5(&dns, "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
        let namespace: String = ID_NAMESPACE.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(uuid_v5(&URL_NAMESPACE, "tablewright:drizzle-kit-snapshot").replace('-', ""), namespace);
        assert_ne!(snapshot_id("0000_initial"), ROOT_ID);
    }
}
