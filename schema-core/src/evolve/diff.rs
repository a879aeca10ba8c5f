//! The difference between two transformed schemas, as a list of
//! [`Change`]s: what a migration from `old` to `new` must do to the
//! structure (tables, columns, keys, indexes, checks, enums, comments).
//! Database behaviour (triggers, row-level security) is compared separately,
//! as named units of the rendered statements ([`super::behavior`]).
//!
//! Renames are declared, never guessed: `#[entity(renamed_from = "old")]`
//! and `#[column(renamed_from = "old")]`. Indexes and constraints are
//! matched by name, and an unmatched pair with the same definition (after
//! the renames) is a rename, which is how the constraint names that follow a
//! table's name follow a table rename.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Check, Column, Entity, EnumType, ForeignKey, Index, Schema};

/// One change of the structure. Tables and columns are named as in the
/// schema the change leads to, except where a field says `old`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    CreateEnum {
        name: String,
    },
    DropEnum {
        name: String,
    },
    /// New values of an existing enum (each placed as in the new enum).
    AddEnumValues {
        name: String,
        values: Vec<String>,
    },
    /// Values the new enum no longer has: destructive when rows hold them.
    RemoveEnumValues {
        name: String,
        values: Vec<String>,
    },
    CreateTable {
        table: String,
    },
    DropTable {
        table: String,
    },
    RenameTable {
        old: String,
        table: String,
    },
    AddColumn {
        table: String,
        column: String,
    },
    DropColumn {
        table: String,
        column: String,
    },
    RenameColumn {
        table: String,
        old: String,
        column: String,
    },
    /// The type, nullability, default or comment of a column changed.
    AlterColumn {
        table: String,
        column: String,
        change: ColumnChange,
    },
    SetPrimaryKey {
        table: String,
    },
    AddForeignKey {
        table: String,
        name: String,
    },
    DropForeignKey {
        table: String,
        name: String,
    },
    RenameForeignKey {
        table: String,
        old: String,
        name: String,
    },
    AddIndex {
        table: String,
        name: String,
    },
    DropIndex {
        table: String,
        name: String,
    },
    RenameIndex {
        table: String,
        old: String,
        name: String,
    },
    AddCheck {
        table: String,
        name: String,
    },
    DropCheck {
        table: String,
        name: String,
    },
    RenameCheck {
        table: String,
        old: String,
        name: String,
    },
    TableComment {
        table: String,
    },
    /// The membership table gains the policy through which the migration
    /// role reads it ([`crate::model::MembershipRead`]): row-level security
    /// only, on PostgreSQL.
    MembershipRead {
        table: String,
    },
}

/// What changed about one column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnChange {
    /// The SQL type (type, length, precision, enum).
    pub ty: bool,
    pub nullable: bool,
    pub default: bool,
    pub comment: bool,
    /// How it is generated (identity, random UUID).
    pub generated: bool,
}

impl ColumnChange {
    pub fn is_empty(&self) -> bool {
        *self == ColumnChange::default()
    }
}

/// The difference between two schemas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// New table name -> old table name, for every table that exists in
    /// both (renamed or not).
    pub tables: BTreeMap<String, String>,
    /// (new table, new column) -> old column, for every column that exists
    /// in both.
    pub columns: BTreeMap<(String, String), String>,
}

impl Diff {
    /// The changes from `old` to `new`, in no particular order (each
    /// dialect orders them for its own constraints).
    pub fn between(old: &Schema, new: &Schema) -> Diff {
        let mut diff = Diff::default();
        diff_enums(old, new, &mut diff.changes);

        // Tables: by name, else by a declared rename.
        let old_tables: BTreeMap<&str, &Entity> = old.entities.iter().map(|e| (e.table.as_str(), e)).collect();
        let new_names: BTreeSet<&str> = new.entities.iter().map(|e| e.table.as_str()).collect();
        let mut matched_old: BTreeSet<&str> = BTreeSet::new();
        for entity in &new.entities {
            let before = match old_tables.get(entity.table.as_str()) {
                Some(e) => Some(*e),
                None => entity
                    .renamed_from
                    .as_deref()
                    .filter(|from| !new_names.contains(from))
                    .and_then(|from| old_tables.get(from).copied()),
            };
            match before {
                Some(before) => {
                    matched_old.insert(&before.table);
                    diff.tables.insert(entity.table.clone(), before.table.clone());
                    if before.table != entity.table {
                        diff.changes
                            .push(Change::RenameTable { old: before.table.clone(), table: entity.table.clone() });
                    }
                    diff_table(old, before, new, entity, &mut diff);
                }
                None => diff.changes.push(Change::CreateTable { table: entity.table.clone() }),
            }
        }
        for entity in old.entities.iter().filter(|e| !matched_old.contains(e.table.as_str())) {
            diff.changes.push(Change::DropTable { table: entity.table.clone() });
        }
        if old.membership_read != new.membership_read
            && let Some(membership) = new.tenant().and_then(|t| t.traits.membership.as_ref())
            && let Some(entity) = new.entity(&membership.entity)
            && diff.tables.contains_key(&entity.table)
        {
            diff.changes.push(Change::MembershipRead { table: entity.table.clone() });
        }
        diff
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The old name of a table that exists in both schemas.
    pub fn old_table(&self, table: &str) -> Option<&str> {
        self.tables.get(table).map(String::as_str)
    }

    /// The old name of a column that exists in both schemas.
    pub fn old_column(&self, table: &str, column: &str) -> Option<&str> {
        self.columns.get(&(table.to_string(), column.to_string())).map(String::as_str)
    }
}

fn diff_enums(old: &Schema, new: &Schema, changes: &mut Vec<Change>) {
    let old_enums: BTreeMap<&str, &EnumType> = old.enums.iter().map(|e| (e.sql_name.as_str(), e)).collect();
    let new_enums: BTreeMap<&str, &EnumType> = new.enums.iter().map(|e| (e.sql_name.as_str(), e)).collect();
    for (name, e) in &new_enums {
        let Some(before) = old_enums.get(name) else {
            changes.push(Change::CreateEnum { name: e.sql_name.clone() });
            continue;
        };
        let values = |e: &EnumType| e.variants.iter().map(|v| v.value.clone()).collect::<Vec<_>>();
        let (was, is) = (values(before), values(e));
        let added: Vec<String> = is.iter().filter(|v| !was.contains(v)).cloned().collect();
        let removed: Vec<String> = was.iter().filter(|v| !is.contains(v)).cloned().collect();
        if !removed.is_empty() {
            changes.push(Change::RemoveEnumValues { name: e.sql_name.clone(), values: removed });
        }
        if !added.is_empty() {
            changes.push(Change::AddEnumValues { name: e.sql_name.clone(), values: added });
        }
    }
    for name in old_enums.keys().filter(|n| !new_enums.contains_key(*n)) {
        changes.push(Change::DropEnum { name: name.to_string() });
    }
}

fn diff_table(old_schema: &Schema, old: &Entity, new_schema: &Schema, new: &Entity, diff: &mut Diff) {
    let table = &new.table;
    // Columns: by name, else by a declared rename.
    let new_names: BTreeSet<&str> = new.columns.iter().map(|c| c.name.as_str()).collect();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    // old column name -> new column name
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for column in &new.columns {
        let before = old.column(&column.name).or_else(|| {
            column
                .evolution
                .renamed_from
                .as_deref()
                .filter(|from| !new_names.contains(from))
                .and_then(|from| old.column(from))
        });
        match before {
            Some(before) => {
                matched.insert(&before.name);
                renamed.insert(before.name.clone(), column.name.clone());
                diff.columns.insert((table.clone(), column.name.clone()), before.name.clone());
                if before.name != column.name {
                    diff.changes.push(Change::RenameColumn {
                        table: table.clone(),
                        old: before.name.clone(),
                        column: column.name.clone(),
                    });
                }
                let change = column_change(old_schema, before, new_schema, column);
                if !change.is_empty() {
                    diff.changes.push(Change::AlterColumn {
                        table: table.clone(),
                        column: column.name.clone(),
                        change,
                    });
                }
            }
            None => diff.changes.push(Change::AddColumn { table: table.clone(), column: column.name.clone() }),
        }
    }
    for column in old.columns.iter().filter(|c| !matched.contains(c.name.as_str())) {
        diff.changes.push(Change::DropColumn { table: table.clone(), column: column.name.clone() });
    }
    let cols = |names: &[String]| -> Vec<String> {
        names.iter().map(|n| renamed.get(n).cloned().unwrap_or_else(|| format!("\u{0}dropped {n}"))).collect()
    };
    let tables = |t: &str| -> String {
        // A key to a renamed table: compare by the new name.
        old_schema
            .entities
            .iter()
            .find(|e| e.table == t)
            .and_then(|e| {
                new_schema.entities.iter().find(|n| n.table == e.table || n.renamed_from.as_deref() == Some(&e.table))
            })
            .map_or_else(|| t.to_string(), |n| n.table.clone())
    };

    if old.primary_key.columns.iter().map(|c| renamed.get(c).cloned()).collect::<Option<Vec<_>>>()
        != Some(new.primary_key.columns.clone())
        || old.primary_key.name != new.primary_key.name
    {
        diff.changes.push(Change::SetPrimaryKey { table: table.clone() });
    }

    // Foreign keys, indexes and checks: by name, then by definition.
    let fk_def = |fk: &ForeignKey, old_side: bool| {
        let columns = if old_side { cols(&fk.columns) } else { fk.columns.clone() };
        let target = if old_side { tables(&fk.target_table) } else { fk.target_table.clone() };
        (columns, target, fk.target_columns.clone(), fk.on_delete, fk.on_update)
    };
    match_named(
        &old.foreign_keys,
        &new.foreign_keys,
        |fk| fk.name.clone(),
        |a, b| fk_def(a, true) == fk_def(b, false),
        |name| Change::AddForeignKey { table: table.clone(), name },
        |name| Change::DropForeignKey { table: table.clone(), name },
        |old, name| Change::RenameForeignKey { table: table.clone(), old, name },
        &mut diff.changes,
    );
    let index_def = |i: &Index, old_side: bool| {
        let names: Vec<String> = i.columns.iter().map(|c| c.name.clone()).collect();
        let columns = if old_side { cols(&names) } else { names };
        let desc: Vec<bool> = i.columns.iter().map(|c| c.desc).collect();
        let include = if old_side { cols(&i.include) } else { i.include.clone() };
        (columns, desc, i.unique, i.predicate.clone(), include, i.is_unique_constraint())
    };
    match_named(
        &old.indexes,
        &new.indexes,
        |i| i.name.clone(),
        |a, b| index_def(a, true) == index_def(b, false),
        |name| Change::AddIndex { table: table.clone(), name },
        |name| Change::DropIndex { table: table.clone(), name },
        |old, name| Change::RenameIndex { table: table.clone(), old, name },
        &mut diff.changes,
    );
    match_named(
        &old.checks,
        &new.checks,
        |c: &Check| c.name.clone(),
        |a, b| a.expr == b.expr && cols_named_same(&renamed),
        |name| Change::AddCheck { table: table.clone(), name },
        |name| Change::DropCheck { table: table.clone(), name },
        |old, name| Change::RenameCheck { table: table.clone(), old, name },
        &mut diff.changes,
    );
    if old.doc != new.doc {
        diff.changes.push(Change::TableComment { table: table.clone() });
    }
}

/// A check is raw SQL over column names: after a column rename its text no
/// longer matches an otherwise equal check, so only a schema without column
/// renames matches checks by definition.
fn cols_named_same(renamed: &BTreeMap<String, String>) -> bool {
    renamed.iter().all(|(a, b)| a == b)
}

/// Matches `old` and `new` items by name, then unmatched ones by
/// definition (a rename); the rest are added or dropped. An item whose name
/// matches but whose definition differs is dropped and added again.
#[allow(clippy::too_many_arguments)]
fn match_named<T>(
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> String,
    same: impl Fn(&T, &T) -> bool,
    add: impl Fn(String) -> Change,
    drop: impl Fn(String) -> Change,
    rename: impl Fn(String, String) -> Change,
    changes: &mut Vec<Change>,
) {
    let mut old_left: Vec<&T> = Vec::new();
    let mut new_left: Vec<&T> = Vec::new();
    for o in old {
        match new.iter().find(|n| name(n) == name(o)) {
            Some(n) if same(o, n) => {}
            Some(_) => {
                changes.push(drop(name(o)));
                changes.push(add(name(o)));
            }
            None => old_left.push(o),
        }
    }
    for n in new {
        if !old.iter().any(|o| name(o) == name(n)) {
            new_left.push(n);
        }
    }
    for o in old_left {
        match new_left.iter().position(|n| same(o, n)) {
            Some(at) => {
                let n = new_left.remove(at);
                changes.push(rename(name(o), name(n)));
            }
            None => changes.push(drop(name(o))),
        }
    }
    for n in new_left {
        changes.push(add(name(n)));
    }
}

/// What changed about a column, the enums it uses resolved.
fn column_change(old_schema: &Schema, old: &Column, new_schema: &Schema, new: &Column) -> ColumnChange {
    let enum_of = |schema: &Schema, c: &Column| match &c.ty {
        crate::model::ColumnType::Enum(name) => schema.enum_type(name).map(|e| e.sql_name.clone()),
        _ => None,
    };
    ColumnChange {
        ty: old.ty != new.ty
            || old.max_len != new.max_len
            || old.precision != new.precision
            || old.scale != new.scale
            || old.sql_type != new.sql_type
            || enum_of(old_schema, old) != enum_of(new_schema, new),
        nullable: old.nullable != new.nullable,
        default: old.default != new.default || super::respell::respelled(old_schema, old, new_schema, new),
        comment: old.doc != new.doc,
        generated: old.generated != new.generated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::scan::scan_source;

    fn schema(src: &str) -> Schema {
        let scanned = scan_source("src/schema.rs", &format!("use tablewright::prelude::*;\n{src}"));
        assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
        let mut schema = scanned.schema;
        let d = crate::transform::apply(&mut schema);
        assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
        schema
    }

    const BASE: &str = r#"
#[db_enum]
pub enum Status { Todo, Done }
#[entity]
pub struct Task {
    #[id(auto)]
    pub id: i64,
    #[index]
    pub title: String,
    pub notes: Option<String>,
    pub status: Status,
}
"#;

    #[test]
    fn same_schema_no_changes() {
        let a = schema(BASE);
        assert!(Diff::between(&a, &a).is_empty());
    }

    #[test]
    fn renames_are_declared_and_carry_their_indexes() {
        let b = BASE
            .replace("pub struct Task {", "#[entity(renamed_from = \"tasks\")]\npub struct Todo {")
            .replace("#[entity]\n#[entity", "#[entity")
            .replace("    pub title: String,", "    #[column(renamed_from = \"title\")]\n    pub name: String,");
        let d = Diff::between(&schema(BASE), &schema(&b));
        assert!(d.changes.contains(&Change::RenameTable { old: "tasks".into(), table: "todos".into() }), "{d:#?}");
        assert!(
            d.changes.contains(&Change::RenameColumn {
                table: "todos".into(),
                old: "title".into(),
                column: "name".into()
            }),
            "{d:#?}"
        );
        assert!(
            d.changes.contains(&Change::RenameIndex {
                table: "todos".into(),
                old: "idx_tasks_title".into(),
                name: "idx_todos_name".into()
            }),
            "{d:#?}"
        );
        assert!(d.changes.contains(&Change::SetPrimaryKey { table: "todos".into() }), "pk_tasks -> pk_todos: {d:#?}");
        assert!(!d.changes.iter().any(|c| matches!(c, Change::DropColumn { .. } | Change::DropTable { .. })), "{d:#?}");
    }

    #[test]
    fn columns_enums_and_types() {
        let b = BASE
            .replace("Todo, Done }", "Todo, Doing, Done }")
            .replace("    pub notes: Option<String>,\n", "")
            .replace(
                "    pub title: String,",
                "    #[column(max_len = 200)]\n    pub title: String,\n    pub due: Option<NaiveDate>,",
            );
        let d = Diff::between(&schema(BASE), &schema(&b));
        for expected in [
            Change::AddEnumValues { name: "status".into(), values: vec!["doing".into()] },
            Change::DropColumn { table: "tasks".into(), column: "notes".into() },
            Change::AddColumn { table: "tasks".into(), column: "due".into() },
            Change::AlterColumn {
                table: "tasks".into(),
                column: "title".into(),
                change: ColumnChange { ty: true, ..Default::default() },
            },
        ] {
            assert!(d.changes.contains(&expected), "missing {expected:?} in {d:#?}");
        }
        assert_eq!(d.changes.len(), 4, "{d:#?}");
    }

    #[test]
    fn the_membership_read_policy_is_a_change_of_membership_schemas_only() {
        const MEMBERSHIP: &str = r#"
#[entity]
#[tenant(membership = Member, role = role, admin_roles = ["owner"])]
pub struct Organization {
    #[id]
    pub id: Uuid,
}
#[entity]
#[tenant_scoped]
pub struct Member {
    #[id]
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: String,
}
"#;
        let new = schema(MEMBERSHIP);
        let recorded = Schema { membership_read: crate::model::MembershipRead::TenantPoliciesOnly, ..new.clone() };
        assert_eq!(Diff::between(&recorded, &new).changes, [Change::MembershipRead { table: "members".into() }]);
        // A schema without a membership table has nothing to add.
        let plain = schema(BASE);
        let recorded = Schema { membership_read: crate::model::MembershipRead::TenantPoliciesOnly, ..plain.clone() };
        assert!(Diff::between(&recorded, &plain).is_empty());
    }
}
