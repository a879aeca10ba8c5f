//! Whole-schema checks: the rules a single macro call cannot see. Each rule is
//! one `check_<rule>` function; the build script reports what they find as
//! `path:line:col: message` and fails.

use std::collections::BTreeMap;

use crate::analysis::Analysis;
use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::transform::TenantInfo;

mod limits;

/// Finds the tenant root. Reports more than one `#[tenant]`, a tenant without
/// a single-column key, and `#[tenant_scoped]` entities with no tenant to
/// point at. Returns the tenants that can be used.
pub fn check_tenants(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) -> Vec<TenantInfo> {
    let roots: Vec<&Entity> = schema.entities.iter().filter(|e| e.traits.tenant).collect();
    let mut tenants = Vec::new();
    for root in &roots {
        match TenantInfo::of(root) {
            Some(info) => tenants.push(info),
            None => diagnostics.push(
                Diagnostic::error(&root.location, format!("tenant `{}` needs a single-column primary key", root.name))
                    .with_help("give the tenant one `#[id]` field, e.g. `#[id] pub id: Uuid`"),
            ),
        }
    }
    if roots.len() > 1 {
        let names: Vec<&str> = roots.iter().map(|e| e.name.as_str()).collect();
        for extra in &roots[1..] {
            diagnostics.push(
                Diagnostic::error(&extra.location, format!("more than one `#[tenant]` entity: {}", names.join(", ")))
                    .with_help("a schema has one tenant root; name it on scoped entities with `#[tenant_scoped(Tenant)]` only if you really need two"),
            );
        }
    }
    for entity in schema.entities.iter().filter(|e| e.traits.tenant_scoped) {
        match &entity.tenant_scope {
            Some(scope) if !roots.iter().any(|r| r.name == scope.tenant) => diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!("`{}` is scoped to `{}`, which is not a `#[tenant]` entity", entity.name, scope.tenant),
                )
                .with_help(format!("mark `{}` with `#[tenant]`", scope.tenant)),
            ),
            Some(_) => {}
            None if roots.is_empty() => diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!("`{}` is `#[tenant_scoped]` but no entity is marked `#[tenant]`", entity.name),
                )
                .with_help("mark the tenant root (e.g. `Organization`) with `#[tenant]`"),
            ),
            None if roots.len() > 1 => diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!("`{}` is `#[tenant_scoped]` but the tenant is ambiguous", entity.name),
                )
                .with_help("name it: `#[tenant_scoped(Organization)]`"),
            ),
            None => {}
        }
    }
    tenants
}

/// Every rule that needs the whole, transformed schema.
pub fn check_schema(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    check_unique_table_names(schema, diagnostics);
    check_unique_enum_names(schema, diagnostics);
    check_unique_constraint_names(schema, diagnostics);
    // One index of the names, which the checks below look up per key, link
    // and column (a scan of the lists each time was quadratic).
    let names = Analysis::new(schema);
    check_enum_columns(&names, diagnostics);
    check_foreign_key_types(&names, diagnostics);
    check_junction_sides(&names, diagnostics);
    check_polymorphic_targets(&names, diagnostics);
    check_membership(&names, diagnostics);
    limits::check_dialect_limits(schema, diagnostics);
}

/// Two entities claiming one table name.
pub fn check_unique_table_names(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &Entity> = BTreeMap::new();
    for entity in sorted_by_location(&schema.entities, |e| &e.location) {
        if let Some(first) = seen.get(entity.table.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    &entity.location,
                    format!(
                        "`{}` and `{}` both use the table name `{}` (first at {})",
                        first.name, entity.name, entity.table, first.location
                    ),
                )
                .with_help("give one of them another name: `#[entity(table = \"...\")]`"),
            );
        } else {
            seen.insert(&entity.table, entity);
        }
    }
}

/// Two enums with one SQL type name.
pub fn check_unique_enum_names(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &EnumType> = BTreeMap::new();
    for e in sorted_by_location(&schema.enums, |e| &e.location) {
        if let Some(first) = seen.get(e.sql_name.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    &e.location,
                    format!(
                        "`{}` and `{}` both use the SQL type name `{}` (first at {})",
                        first.name, e.name, e.sql_name, first.location
                    ),
                )
                .with_help("rename one of them: `#[db_enum(name = \"...\")]`"),
            );
        } else {
            seen.insert(&e.sql_name, e);
        }
    }
}

/// Index and constraint names share one namespace per schema on Postgres;
/// MySQL and SQLite compare them without case.
pub fn check_unique_constraint_names(schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    // lowercased name -> (name, table)
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let folding = crate::limits::folding(|c| c.indexes);
    let mut tables = std::collections::BTreeSet::new();
    for entity in sorted_by_location(&schema.entities, |e| &e.location) {
        // A second entity on one table is reported once, by check_unique_table_names,
        // not again for every constraint name the two share.
        // (Without case where a dialect compares table names so: check_table_case reports that one.)
        let table = if crate::limits::folding(|c| c.tables).is_empty() {
            entity.table.clone()
        } else {
            entity.table.to_lowercase()
        };
        if !tables.insert(table) {
            continue;
        }
        let names = std::iter::once((entity.primary_key.name.clone(), &entity.location))
            .chain(entity.indexes.iter().map(|i| (i.name.clone(), &i.location)))
            .chain(entity.foreign_keys.iter().map(|f| (f.name.clone(), &f.location)))
            .chain(entity.checks.iter().map(|c| (c.name.clone(), &c.location)));
        for (name, location) in names {
            let key = if folding.is_empty() { name.clone() } else { name.to_lowercase() };
            if let Some((first, _)) = seen.get(&key).filter(|(first, _)| *first != name) {
                let v = crate::limits::case_clash(crate::limits::NameKind::Index, &name, first, &folding);
                diagnostics.push(Diagnostic::error(location, v.message).with_help(v.help));
            } else if let Some((_, first_table)) = seen.get(&key) {
                diagnostics.push(
                    Diagnostic::error(
                        location,
                        format!(
                            "the constraint or index name `{name}` is used twice (on `{first_table}` and `{}`)",
                            entity.table
                        ),
                    )
                    .with_help("choose another name with `name = \"...\"`"),
                );
            } else {
                seen.insert(key, (name, entity.table.clone()));
            }
        }
    }
}

/// Enum-typed columns name a `#[db_enum]`, and enum defaults are values of it.
pub fn check_enum_columns(names: &Analysis<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let schema = names.schema();
    for entity in &schema.entities {
        for column in &entity.columns {
            let ColumnType::Enum(name) = &column.ty else { continue };
            match names.enum_type(name) {
                None if column.sql_type.is_none() => diagnostics.push(
                    Diagnostic::error(
                        &column.location,
                        format!(
                            "`{}.{}` has type `{name}`, which is not a `#[db_enum]` in the scanned sources",
                            entity.name, column.field
                        ),
                    )
                    .with_help(format!(
                        "mark `{name}` with `#[db_enum]`, or give the column `#[column(sql_type = \"...\")]`"
                    )),
                ),
                None => {}
                Some(e) => {
                    if let Some(DefaultValue::EnumValue(v)) = &column.default
                        && !e.variants.iter().any(|var| &var.value == v)
                    {
                        let variants: Vec<String> =
                            e.variants.iter().map(|var| format!("`{name}::{}`", var.name)).collect();
                        diagnostics.push(
                            Diagnostic::error(&column.location, format!("default `{v}` is not a value of `{name}`"))
                                .with_help(format!("write one of {}", variants.join(", "))),
                        );
                    }
                }
            }
        }
    }
}

/// A foreign key column has the type of the key it references.
pub fn check_foreign_key_types(names: &Analysis<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let schema = names.schema();
    for entity in &schema.entities {
        for fk in &entity.foreign_keys {
            let Some(target) = names.entity(&fk.target) else { continue };
            // Resolved keys name their target columns (a same-tenant key points
            // at the target's `(tenant, id)` unique); others the primary key.
            let target_columns =
                if fk.target_columns.is_empty() { &target.primary_key.columns } else { &fk.target_columns };
            if fk.columns.len() != target_columns.len() {
                diagnostics.push(Diagnostic::error(
                    &fk.location,
                    format!(
                        "`{}` references `{}`, whose primary key has {} columns",
                        entity.name,
                        target.name,
                        target.primary_key.columns.len()
                    ),
                ));
                continue;
            }
            for (col, target_col) in fk.columns.iter().zip(target_columns) {
                let (Some(c), Some(t)) = (entity.column(col), target.column(target_col)) else { continue };
                if c.ty != t.ty {
                    diagnostics.push(
                        Diagnostic::error(
                            &c.location,
                            format!(
                                "`{}.{}` references `{}.{}` but their types differ",
                                entity.name, c.field, target.name, t.field
                            ),
                        )
                        .with_help("a foreign key has the type of the key it references"),
                    );
                }
                if c.nullable && fk.on_delete == ReferentialAction::SetDefault && c.default.is_none() {
                    diagnostics.push(Diagnostic::error(
                        &fk.location,
                        format!("`on_delete = set_default` on `{}.{}`, which has no default", entity.name, c.field),
                    ));
                }
            }
        }
    }
}

/// Both sides of a junction are entities.
pub fn check_junction_sides(names: &Analysis<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let schema = names.schema();
    for entity in &schema.entities {
        let Some(j) = &entity.junction else { continue };
        for side in [&j.left, &j.right] {
            if names.entity(side).is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        &entity.location,
                        format!(
                            "`#[many_to_many({}, {})]` on `{}`: `{side}` is not an `#[entity]`",
                            j.left, j.right, entity.name
                        ),
                    )
                    .with_help(format!("mark `{side}` with `#[entity]`")),
                );
            }
        }
    }
}

/// Polymorphic targets exist and share the id column's key type.
pub fn check_polymorphic_targets(names: &Analysis<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let schema = names.schema();
    for entity in &schema.entities {
        for link in &entity.polymorphic {
            let Some(id) = entity.column(&link.id_column) else { continue };
            for target in &link.targets {
                match names.entity(&target.entity) {
                    None => diagnostics.push(
                        Diagnostic::error(&id.location, format!("`#[polymorphic]` target `{}` is not an `#[entity]`", target.entity))
                            .with_help(format!("mark `{}` with `#[entity]`, or remove it from the list", target.entity)),
                    ),
                    Some(t) => match t.single_key_type() {
                        Some(ty) if *ty == id.ty => {}
                        _ => diagnostics.push(
                            Diagnostic::error(
                                &id.location,
                                format!("`{}.{}` cannot point at `{}`: its primary key is not a single column of the same type", entity.name, id.field, t.name),
                            )
                            .with_help("every target of `#[polymorphic(...)]` must have the same single-column key type"),
                        ),
                    },
                }
            }
        }
    }
}

/// `#[tenant(membership = M, role = r, admin_roles = [...])]`: `M` is an entity
/// scoped to this tenant, its user column references the users entity, `r` is
/// one of its columns, and each admin role is a value of `r`'s `#[db_enum]`.
pub fn check_membership(names: &Analysis<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let schema = names.schema();
    for tenant in schema.entities.iter().filter(|e| e.traits.tenant) {
        let Some(m) = &tenant.traits.membership else { continue };
        let at = if m.location.file.is_empty() { &tenant.location } else { &m.location };
        let quoted =
            |items: &mut dyn Iterator<Item = &str>| items.map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
        let Some(member) = names.entity(&m.entity) else {
            diagnostics.push(
                Diagnostic::error(at, format!("the membership entity `{}` of `{}` is not an `#[entity]`", m.entity, tenant.name))
                    .with_help(format!(
                        "declare `#[entity] #[tenant_scoped] pub struct {} {{ #[id] pub id: Uuid, #[belongs_to(User)] pub user_id: Uuid, pub role: MemberRole }}`",
                        m.entity
                    )),
            );
            continue;
        };
        if member.tenant_scope.as_ref().is_none_or(|s| s.tenant != tenant.name) {
            diagnostics.push(
                Diagnostic::error(
                    at,
                    format!("the membership entity `{}` is not `#[tenant_scoped]` to `{}`", member.name, tenant.name),
                )
                .with_help(format!(
                    "mark `{}` with `#[tenant_scoped]`: a membership belongs to one tenant",
                    member.name
                )),
            );
            continue;
        }
        let declared = |e: &Entity| quoted(&mut e.columns.iter().map(|c| c.name.as_str()));
        if member.column(&m.user_column).is_none() {
            diagnostics.push(
                Diagnostic::error(at, format!("`{}` has no user column `{}`", member.name, m.user_column)).with_help(
                    format!("name it with `user = <column>` in `#[tenant(...)]`; its columns are {}", declared(member)),
                ),
            );
        } else if !member.foreign_keys.iter().any(|fk| fk.columns.last() == Some(&m.user_column)) {
            diagnostics.push(
                Diagnostic::error(at, format!("`{}.{}` must reference the users entity", member.name, m.user_column))
                    .with_help(format!("write `#[belongs_to(User)] pub {}: Uuid,`", m.user_column)),
            );
        }
        for both in m.read_only_roles.iter().filter(|r| m.admin_roles.contains(r)) {
            diagnostics.push(
                Diagnostic::error(at, format!("role `{both}` is both an admin role and a read-only role"))
                    .with_help("an admin deletes rows and changes memberships; a read-only member writes nothing: keep it in one list"),
            );
        }
        let Some(role) = member.column(&m.role_column) else {
            diagnostics.push(
                Diagnostic::error(
                    at,
                    format!("`role = {}`: `{}` has no column `{}`", m.role_column, member.name, m.role_column),
                )
                .with_help(format!("name the column holding the member's role; its columns are {}", declared(member))),
            );
            continue;
        };
        match &role.ty {
            ColumnType::Enum(name) => {
                let Some(e) = names.enum_type(name) else { continue };
                let roles = m
                    .admin_roles
                    .iter()
                    .map(|r| ("admin", r))
                    .chain(m.read_only_roles.iter().map(|r| ("read-only", r)));
                for (kind, unknown) in roles.filter(|(_, r)| !e.variants.iter().any(|v| &v.value == *r)) {
                    diagnostics.push(
                        Diagnostic::error(
                            at,
                            format!(
                                "{kind} role `{unknown}` is not a value of `{name}` (the type of `{}.{}`)",
                                member.name, role.field
                            ),
                        )
                        .with_help(format!(
                            "use the stored (snake_case) values: {}",
                            quoted(&mut e.variants.iter().map(|v| v.value.as_str()))
                        )),
                    );
                }
            }
            ColumnType::String => {}
            _ => diagnostics.push(
                Diagnostic::error(
                    at,
                    format!(
                        "`{}.{}` cannot hold a role: it is neither a `#[db_enum]` nor a `String`",
                        member.name, role.field
                    ),
                )
                .with_help("make the role column a `#[db_enum]`, e.g. `pub role: MemberRole,`"),
            ),
        }
    }
}

/// Source order, for "first declared wins" messages that do not depend on sorting by table.
pub(crate) fn sorted_by_location<T>(items: &[T], location: impl Fn(&T) -> &Location) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| location(a).cmp(location(b)));
    v
}
