//! Recognising what tablewright's own attributes generate in an imported
//! model, so the source says `#[timestamps]` instead of two fields.
//!
//! A trait is recognised only when the columns are exactly what the
//! attribute adds on this dialect: the candidate columns are compared with
//! the ones [`transform::apply_entity`] produces (stored type, nullability,
//! default), so this module holds no second copy of the transforms. Columns
//! at the end of the table in the transform's order are left to the
//! attribute ([`ColumnOrigin`] set, the writer omits them); elsewhere they
//! stay declared fields, which the transform keeps where they are.

use tablewright_core::model::*;
use tablewright_core::transform::{self, TenantInfo};
use tablewright_core::{naming, types};

use super::{Facts, in_list};
use crate::db::Dialect;

/// Marks the cross-cutting attributes `facts` and the model show.
pub fn apply(schema: &mut Schema, facts: &Facts, dialect: Dialect, report: &mut Vec<String>) {
    audit(schema, facts);
    tenancy(schema, facts, dialect, report);
    for i in 0..schema.entities.len() {
        if schema.entities[i].traits.audit_log {
            continue;
        }
        let users: Vec<(String, String, Option<Column>)> =
            schema.entities.iter().map(|e| (e.name.clone(), e.table.clone(), super::single_key(e).cloned())).collect();
        let e = &mut schema.entities[i];
        junction(e, &users, report);
        polymorphic(e, &users, facts, dialect);
        trailing_traits(e, &users, dialect);
        if e.traits.timestamps && dialect != Dialect::Mysql {
            let kept_current = facts.triggers.iter().any(|(t, name)| {
                *t == e.table
                    && name.starts_with(&format!("tw_{}_", e.table))
                    && (name.ends_with("_updated_at") || name.ends_with("_after_update"))
            });
            if !kept_current {
                report.push(format!(
                    "table `{}`: `created_at`/`updated_at` are written as `#[timestamps]`, which also keeps `updated_at` current with a trigger the database lacks",
                    e.table
                ));
            }
        }
    }
    // Row-level security is tablewright's for multi-tenant schemas only.
    let has_tenant = schema.entities.iter().any(|e| e.traits.tenant);
    for (table, policy) in &facts.policies {
        match schema.entities.iter_mut().find(|e| &e.table == table) {
            Some(e) if has_tenant => e.traits.policies.push(policy.clone()),
            Some(_) => report.push(format!(
                "table `{table}`: the policy `{}` is left out: tablewright writes row-level security for a schema with a `#[tenant]`",
                policy.name
            )),
            None => {}
        }
    }
    if !has_tenant {
        for table in &facts.rls {
            report.push(format!(
                "table `{table}` has row-level security on: left out (tablewright turns it on for a schema with a `#[tenant]`)"
            ));
        }
    }
    // MySQL's ON UPDATE CURRENT_TIMESTAMP: `#[timestamps]` writes it on `updated_at`, nothing else does.
    for (table, column) in &facts.on_update_now {
        let kept = column == "updated_at" && schema.entities.iter().any(|e| e.table == *table && e.traits.timestamps);
        if !kept {
            report.push(format!(
                "column `{table}`.`{column}` is set ON UPDATE CURRENT_TIMESTAMP: that clause is left out"
            ));
        }
    }
}

/// `audit_logs` as tablewright writes it, and the tables whose triggers
/// write to it.
fn audit(schema: &mut Schema, facts: &Facts) {
    const AUDIT_COLUMNS: [&str; 9] =
        ["id", "tenant_id", "actor_id", "action", "entity_type", "entity_id", "before", "after", "occurred_at"];
    let audited: Vec<String> = schema
        .entities
        .iter()
        .filter(|e| {
            facts.triggers.iter().any(|(t, name)| *t == e.table && name.starts_with(&format!("tw_{}_audit", e.table)))
        })
        .map(|e| e.table.clone())
        .collect();
    let Some(log) = schema.entities.iter_mut().find(|e| e.table == "audit_logs") else { return };
    if !log.columns.iter().map(|c| c.name.as_str()).eq(AUDIT_COLUMNS) || audited.is_empty() {
        return;
    }
    log.traits.audit_log = true;
    for e in &mut schema.entities {
        if audited.contains(&e.table) {
            e.traits.audited = true;
            e.traits.audit_readable = facts.audit_readable.contains(&e.table);
        }
    }
}

/// `#[tenant]`, `#[tenant_scoped]` and `#[global]`.
///
/// PostgreSQL's row-level security names the tenant table and the tenant
/// column of every scoped table ([`Facts::scoped`]). Elsewhere the one
/// reliable sign is tablewright's same-tenant keys: a composite foreign key
/// `(t_id, x_id) -> (t_id, id)` where `t_id` references the tenant; then
/// every table whose `t_id` is a NOT NULL cascading key to it is scoped.
fn tenancy(schema: &mut Schema, facts: &Facts, dialect: Dialect, report: &mut Vec<String>) {
    let tenant_table = facts.tenant_table.clone().or_else(|| composite_key_tenant(schema));
    let Some(tenant_table) = tenant_table else { return };
    let Some(tenant) = schema.entities.iter().find(|e| e.table == tenant_table) else { return };
    let Some(info) = TenantInfo::of(tenant) else { return };
    let column = naming::key_column(&info.entity);
    let scoped: Vec<String> = if facts.scoped.is_empty() {
        schema
            .entities
            .iter()
            .filter(|e| {
                e.table != tenant_table
                    && e.column(&column).is_some_and(|c| !c.nullable)
                    && e.foreign_keys.iter().any(|fk| {
                        fk.columns == [column.clone()]
                            && fk.target_table == tenant_table
                            && fk.on_delete == ReferentialAction::Cascade
                    })
            })
            .map(|e| e.table.clone())
            .collect()
    } else {
        let mut out = Vec::new();
        for (table, col) in &facts.scoped {
            if *col == column {
                out.push(table.clone());
            } else {
                report.push(format!(
                    "table `{table}`: scoped by `{col}`, but tablewright names the tenant key of `{}` `{column}`: not marked `#[tenant_scoped]`",
                    info.table
                ));
            }
        }
        out
    };
    let membership = facts.membership.as_ref().and_then(|m| {
        let entity = schema.entities.iter().find(|e| e.table == m.table)?;
        Some(Membership {
            entity: entity.name.clone(),
            user_column: m.user_column.clone(),
            role_column: m.role_column.clone(),
            admin_roles: m.admin_roles.clone(),
            read_only_roles: m.read_only_roles.clone(),
            location: Location::default(),
        })
    });
    // The `(tenant, id)` uniques that same-tenant keys point at.
    let targets: Vec<(String, Vec<String>)> = schema
        .entities
        .iter()
        .flat_map(|e| {
            e.foreign_keys
                .iter()
                .filter(|fk| fk.columns.len() == 2 && fk.columns[0] == column)
                .map(|fk| (fk.target_table.clone(), fk.target_columns.clone()))
        })
        .collect();
    let tenant_doc = format!("The {} this row belongs to.", naming::snake_case(&info.entity).replace('_', " "));
    for e in &mut schema.entities {
        if e.table == tenant_table {
            e.traits.tenant = true;
            e.traits.membership = membership.clone();
            continue;
        }
        if e.traits.audit_log {
            continue;
        }
        if !scoped.contains(&e.table) {
            // In a schema with a tenant, every other table is shared.
            e.traits.global = true;
            continue;
        }
        e.traits.tenant_scoped = true;
        e.tenant_scope = Some(TenantScope { tenant: info.entity.clone(), column: column.clone() });
        let first_free = e.columns.iter().position(|c| !e.primary_key.columns.contains(&c.name));
        if let Some(at) = e.columns.iter().position(|c| c.name == column) {
            let c = &mut e.columns[at];
            let stored = |c: &Column, ty: &ColumnType| {
                types::sql_type(dialect, &Column { ty: ty.clone(), nullable: false, ..c.clone() }, None, true)
            };
            let same_type = stored(c, &c.ty) == stored(c, &info.key_type);
            if same_type {
                c.ty = info.key_type.clone();
            }
            if Some(at) == first_free
                && same_type
                && c.default.is_none()
                && c.max_len.is_none()
                && c.doc.as_deref().is_none_or(|d| d == tenant_doc)
                && !e.primary_key.columns.contains(&column)
            {
                c.origin = ColumnOrigin::Tenant;
            }
        }
        for fk in &mut e.foreign_keys {
            if fk.columns == [column.clone()] && fk.target_table == tenant_table {
                fk.origin = ColumnOrigin::Tenant;
            }
        }
        let idx = naming::constraint_name("idx", &e.table, &[&column]);
        for index in &mut e.indexes {
            let pair = [column.clone(), e.primary_key.columns.first().cloned().unwrap_or_default()];
            let is_tenant_key_unique = index.unique
                && index.predicate.is_none()
                && index.columns.iter().map(|c| &c.name).eq(pair.iter())
                && targets.iter().any(|(t, cols)| *t == e.table && cols.iter().eq(pair.iter()));
            if (index.name == idx && index.columns.len() == 1 && !index.unique) || is_tenant_key_unique {
                index.origin = ColumnOrigin::Tenant;
            }
        }
    }
}

/// The tenant table behind tablewright's same-tenant composite keys.
fn composite_key_tenant(schema: &Schema) -> Option<String> {
    for e in &schema.entities {
        for fk in e.foreign_keys.iter().filter(|fk| fk.columns.len() == 2) {
            let tenant_column = &fk.columns[0];
            if fk.target_columns.first() != Some(tenant_column) {
                continue;
            }
            let tenant_fk = e.foreign_keys.iter().find(|k| k.columns == [tenant_column.clone()])?;
            let tenant = schema.entities.iter().find(|t| t.table == tenant_fk.target_table)?;
            if naming::key_column(&tenant.name) == *tenant_column {
                return Some(tenant.table.clone());
            }
        }
    }
    None
}

/// `#[many_to_many(A, B)]`: two key columns named after the sides, both
/// cascading keys, the pair the primary key, nothing else but the reverse
/// index (and the tenant key).
///
/// Key and index names need not be tablewright's (a database it did not
/// write names them its own way); the ones that change are reported.
fn junction(e: &mut Entity, entities: &[(String, String, Option<Column>)], report: &mut Vec<String>) {
    let own: Vec<&Column> = e.columns.iter().filter(|c| c.origin.is_declared()).collect();
    let [a, b] = own.as_slice() else { return };
    if e.primary_key.columns != [a.name.clone(), b.name.clone()] || a.nullable || b.nullable || !e.checks.is_empty() {
        return;
    }
    let side = |col: &str| {
        let fk = e
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.last().map(String::as_str) == Some(col) && fk.origin.is_declared())?;
        let (name, ..) = entities.iter().find(|(_, table, _)| *table == fk.target_table)?;
        let fine = fk.on_delete == ReferentialAction::Cascade
            && fk.on_update == ReferentialAction::NoAction
            && !fk.deferrable
            && naming::key_column(name) == col;
        fine.then(|| name.clone())
    };
    let (Some(left), Some(right)) = (side(&a.name), side(&b.name)) else { return };
    if left == right || e.foreign_keys.iter().filter(|fk| fk.origin.is_declared()).count() != 2 {
        return;
    }
    // The reverse index the attribute adds, under any name.
    let reverse = |i: &Index| !i.unique && i.predicate.is_none() && i.columns.len() == 1 && i.columns[0].name == b.name;
    if e.indexes.iter().any(|i| i.origin.is_declared() && !reverse(i)) {
        return;
    }
    for fk in e.foreign_keys.iter().filter(|fk| fk.origin.is_declared()) {
        let col = fk.columns.last().cloned().unwrap_or_default();
        let name = naming::constraint_name("fk", &e.table, &[&col]);
        if fk.name != name {
            report.push(format!(
                "table `{}`: the foreign key `{}` of the junction is named `{name}` by `#[many_to_many]`",
                e.table, fk.name
            ));
        }
    }
    let idx = naming::constraint_name("idx", &e.table, &[&b.name]);
    match e.indexes.iter_mut().find(|i| i.origin.is_declared() && reverse(i)) {
        Some(i) if i.name != idx => {
            report.push(format!(
                "table `{}`: the index `{}` of the junction is named `{idx}` by `#[many_to_many]`",
                e.table, i.name
            ));
            i.name = idx;
        }
        Some(_) => {}
        None => report.push(format!(
            "table `{}`: `#[many_to_many]` adds the index `{idx}` on `{}`, which the database lacks",
            e.table, b.name
        )),
    }
    e.junction = Some(Junction { left, right });
}

/// `#[polymorphic(A, B)]`: a `<x>_type` column before `<x>_id`, checked to
/// hold the snake_case names of entities, indexed with it.
fn polymorphic(e: &mut Entity, entities: &[(String, String, Option<Column>)], facts: &Facts, dialect: Dialect) {
    let mut links = Vec::new();
    for (at, c) in e.columns.iter().enumerate() {
        let Some(stem) = c.name.strip_suffix("_id") else { continue };
        let type_column = format!("{stem}_type");
        let Some(ty_at) = at.checked_sub(1).filter(|p| e.columns[*p].name == type_column) else { continue };
        let check_name = naming::constraint_name("ck", &e.table, &[&type_column]);
        let Some(check) = e.checks.iter().find(|k| k.name == check_name) else { continue };
        let Some(values) = in_list(&check.expr, &type_column) else { continue };
        let targets: Option<Vec<PolymorphicTarget>> = values
            .iter()
            .map(|v| {
                let (name, ..) = entities.iter().find(|(n, ..)| naming::snake_case(n) == *v)?;
                Some(PolymorphicTarget { entity: name.clone(), value: v.clone() })
            })
            .collect();
        let Some(targets) = targets else { continue };
        // Every target's key must be the id column's type.
        let keys: Vec<&Column> = targets
            .iter()
            .filter_map(|t| entities.iter().find(|(n, ..)| *n == t.entity).and_then(|(_, _, k)| k.as_ref()))
            .collect();
        if keys.len() != targets.len() || keys.iter().any(|k| k.ty != keys[0].ty) {
            continue;
        }
        let mut typed = c.clone();
        if super::retype(dialect, &mut typed, keys[0]) != Some(false) {
            continue;
        }
        let width = values.iter().map(String::len).max().unwrap_or(1).max(32) as u32;
        let ty = &e.columns[ty_at];
        if ty.max_len != Some(width) || ty.nullable != c.nullable || ty.default.is_some() {
            continue;
        }
        let cascade = targets.iter().all(|t| {
            let table = entities.iter().find(|(n, ..)| *n == t.entity).map(|(_, t, _)| t.as_str()).unwrap_or("");
            let trigger = format!("tw_{table}_{}_{}", e.table, c.name);
            facts.triggers.iter().any(|(_, name)| *name == trigger)
        });
        let on_delete = if cascade { PolymorphicAction::Cascade } else { PolymorphicAction::Restrict };
        links.push((ty_at, Polymorphic { id_column: c.name.clone(), type_column, targets, on_delete }, typed));
    }
    for (ty_at, link, typed) in links {
        if let Some(c) = e.columns.iter_mut().find(|c| c.name == link.id_column) {
            *c = typed;
        }
        e.columns[ty_at].origin = ColumnOrigin::Polymorphic;
        let check_name = naming::constraint_name("ck", &e.table, &[&link.type_column]);
        for k in e.checks.iter_mut().filter(|k| k.name == check_name) {
            k.origin = ColumnOrigin::Polymorphic;
        }
        let pair = [link.type_column.clone(), link.id_column.clone()];
        for i in e.indexes.iter_mut().filter(|i| !i.unique && i.columns.iter().map(|c| &c.name).eq(pair.iter())) {
            i.origin = ColumnOrigin::Polymorphic;
        }
        e.polymorphic.push(link);
    }
}

/// `#[timestamps]`, `#[userstamps]`, `#[soft_delete]` and `#[versioned]`:
/// the columns the transform appends, in its order.
fn trailing_traits(e: &mut Entity, entities: &[(String, String, Option<Column>)], dialect: Dialect) {
    let stored = |c: &Column| {
        (types::sql_type(dialect, &Column { nullable: false, ..c.clone() }, None, true), c.nullable, c.default.clone())
    };
    // What one attribute adds to an entity that has nothing.
    let probe = |traits: EntityTraits, user_key: Option<&ColumnType>| {
        let mut p = Entity::new(e.name.clone(), e.table.clone(), vec![], &[]);
        p.traits = traits;
        transform::apply_entity(&mut p, None, user_key);
        p
    };
    let matches = |added: &[Column]| {
        added.iter().all(|want| {
            e.column(&want.name)
                .is_some_and(|have| stored(have) == stored(want) && !e.primary_key.columns.contains(&have.name))
        })
    };
    let mut found: Vec<(EntityTraits, Entity)> = Vec::new();
    let timestamps = probe(EntityTraits { timestamps: true, ..Default::default() }, None);
    if matches(&timestamps.columns) {
        found.push((EntityTraits { timestamps: true, ..Default::default() }, timestamps));
    }
    // Userstamps: text, or the key of the user entity both columns reference.
    let user = e
        .foreign_keys
        .iter()
        .find(|fk| fk.columns == [transform::USERSTAMP_CREATED_BY] && fk.on_delete == ReferentialAction::SetNull)
        .and_then(|fk| entities.iter().find(|(_, t, _)| *t == fk.target_table))
        .cloned();
    let stamps = match &user {
        Some((name, _, Some(key))) => {
            let traits =
                EntityTraits { userstamps: Some(Userstamps { user: Some(name.clone()) }), ..Default::default() };
            let p = probe(traits.clone(), Some(&key.ty));
            let fks_match = p.foreign_keys.iter().all(|want| {
                e.foreign_keys.iter().any(|fk| {
                    fk.columns == want.columns
                        && fk.name == want.name
                        && fk.on_delete == want.on_delete
                        && fk.on_update == want.on_update
                        && entities.iter().any(|(n, t, _)| *n == want.target && *t == fk.target_table)
                })
            });
            fks_match.then_some((traits, p))
        }
        _ => {
            let traits = EntityTraits { userstamps: Some(Userstamps { user: None }), ..Default::default() };
            let p = probe(traits.clone(), None);
            Some((traits, p))
        }
    };
    if let Some((traits, p)) = stamps
        && matches(&p.columns)
    {
        found.push((traits, p));
    }
    let soft = probe(EntityTraits { soft_delete: true, ..Default::default() }, None);
    // The transform makes every unique partial; a table with a unique over
    // all rows is not a soft-delete table (MySQL has no partial indexes, so
    // there every unique qualifies).
    let uniques_partial = e.indexes.iter().filter(|i| i.unique && i.origin != ColumnOrigin::Tenant).all(|i| {
        dialect == Dialect::Mysql || i.predicate.as_deref().is_some_and(|p| p.contains(transform::NOT_DELETED))
    });
    if matches(&soft.columns) && uniques_partial {
        found.push((EntityTraits { soft_delete: true, ..Default::default() }, soft));
    }
    let versioned = probe(EntityTraits { versioned: true, ..Default::default() }, None);
    if matches(&versioned.columns) {
        found.push((EntityTraits { versioned: true, ..Default::default() }, versioned));
    }
    if found.is_empty() {
        return;
    }
    // The columns in the order the transform appends them.
    let mut all = EntityTraits::default();
    for (t, _) in &found {
        all.timestamps |= t.timestamps;
        all.soft_delete |= t.soft_delete;
        all.versioned |= t.versioned;
        if t.userstamps.is_some() {
            all.userstamps = t.userstamps.clone();
        }
    }
    let user_key = user.as_ref().and_then(|(_, _, k)| k.as_ref().map(|k| k.ty.clone()));
    let together = probe(all.clone(), user_key.as_ref());
    let tail: Vec<&str> = together.columns.iter().map(|c| c.name.as_str()).collect();
    let names: Vec<&str> = e.columns.iter().map(|c| c.name.as_str()).collect();
    let at_end = names.ends_with(&tail);
    e.traits.timestamps = all.timestamps;
    e.traits.soft_delete = all.soft_delete;
    e.traits.versioned = all.versioned;
    e.traits.userstamps = all.userstamps.clone();
    for want in &together.columns {
        let Some(have) = e.columns.iter_mut().find(|c| c.name == want.name) else { continue };
        have.ty = want.ty.clone();
        // Left to the attribute when it would put the column in the same
        // place with the same comment; a declared field otherwise.
        if at_end && have.doc.as_deref().is_none_or(|d| Some(d) == want.doc.as_deref()) {
            have.origin = want.origin;
        }
    }
    for fk in &mut e.foreign_keys {
        if together.foreign_keys.iter().any(|w| w.columns == fk.columns && w.name == fk.name) {
            fk.origin = ColumnOrigin::Userstamps;
        }
    }
    for index in &mut e.indexes {
        if together.indexes.iter().any(|w| w.name == index.name && w.columns == index.columns) {
            index.origin = ColumnOrigin::Userstamps;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timestamp(name: &str, nullable: bool, now: bool) -> Column {
        let mut c = Column::new(name, ColumnType::DateTimeUtc);
        c.nullable = nullable;
        c.default = now.then_some(DefaultValue::Now);
        c
    }

    fn posts(columns: Vec<Column>, unique_predicate: Option<&str>) -> Schema {
        let mut e = Entity::new("Post", "posts", columns, &["id"]);
        e.indexes.push(Index {
            name: "uq_posts_slug".into(),
            columns: vec![IndexColumn { name: "slug".into(), desc: false }],
            unique: true,
            predicate: unique_predicate.map(str::to_string),
            include: vec![],
            origin: ColumnOrigin::Declared,
            location: Location::default(),
        });
        Schema::new(vec![], vec![e])
    }

    fn base() -> Vec<Column> {
        vec![Column::new("id", ColumnType::I64), Column::new("slug", ColumnType::String)]
    }

    #[test]
    fn trailing_columns_are_left_to_their_attributes() {
        let mut columns = base();
        columns.extend([timestamp("created_at", false, true), timestamp("updated_at", false, true)]);
        columns.push(timestamp("deleted_at", true, false));
        let mut schema = posts(columns, Some("deleted_at IS NULL"));
        apply(&mut schema, &Facts::default(), Dialect::Postgres, &mut Vec::new());
        let e = &schema.entities[0];
        assert!(e.traits.timestamps && e.traits.soft_delete && !e.traits.versioned);
        let declared: Vec<&str> =
            e.columns.iter().filter(|c| c.origin.is_declared()).map(|c| c.name.as_str()).collect();
        assert_eq!(declared, ["id", "slug"]);
    }

    #[test]
    fn columns_elsewhere_stay_fields_and_a_full_unique_is_not_soft_delete() {
        let mut columns = base();
        columns.insert(1, timestamp("created_at", false, true));
        columns.insert(2, timestamp("updated_at", false, true));
        columns.push(timestamp("deleted_at", true, false));
        let mut schema = posts(columns, None);
        let mut report = Vec::new();
        apply(&mut schema, &Facts::default(), Dialect::Postgres, &mut report);
        let e = &schema.entities[0];
        assert!(e.traits.timestamps, "the columns match, in another place");
        assert!(!e.traits.soft_delete, "uq_posts_slug covers deleted rows too");
        assert!(e.columns.iter().all(|c| c.origin.is_declared()));
        assert!(report.iter().any(|l| l.contains("keeps `updated_at` current")), "{report:?}");
    }

    #[test]
    fn a_wrong_type_or_default_is_not_the_attribute() {
        let mut columns = base();
        columns.push(timestamp("created_at", false, false));
        columns.push(timestamp("updated_at", false, true));
        let mut version = Column::new("version", ColumnType::I32);
        version.default = Some(DefaultValue::Int(0));
        columns.push(version);
        let mut schema = posts(columns, None);
        apply(&mut schema, &Facts::default(), Dialect::Postgres, &mut Vec::new());
        let e = &schema.entities[0];
        assert!(!e.traits.timestamps && !e.traits.versioned);
    }
}
