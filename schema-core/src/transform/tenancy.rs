//! Tenancy transforms: junctions of tenant-scoped entities become
//! tenant-scoped, and references between tenant-scoped tables carry the
//! tenant column so that a row can only point at a row of its own tenant.
//!
//! A foreign key `tasks.project_id -> projects.id` between two tables scoped
//! to one tenant becomes `(organization_id, project_id) -> projects
//! (organization_id, id)`, and `projects` gets a (non-partial) unique key on
//! `(organization_id, id)` for it to point at, which the migrations write as
//! a table `UNIQUE` constraint ([`Index::is_unique_constraint`]). Every dialect enforces that
//! composite key, so MariaDB and SQLite, which have no row-level security,
//! still reject a cross-tenant reference.
//!
//! `ON DELETE SET NULL` / `SET DEFAULT` relations keep their single-column key:
//! on a composite key those actions would also null (or reset) the tenant
//! column, which is NOT NULL. PostgreSQL 15 could say `SET NULL (col)`, but
//! MariaDB and SQLite cannot, and one model serves every dialect. Such a key
//! is checked for the same tenant by a trigger instead
//! (`emit/sql/triggers.rs`, on every dialect).

use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::naming;

/// Marks every `#[many_to_many]` junction with a tenant-scoped side as
/// tenant-scoped (scoped to that side's tenant). A junction the user did not
/// mark `#[tenant_scoped]` gets a warning: the table gains the tenant column
/// but the macro, which sees one struct at a time, cannot add the field.
pub(crate) fn scope_junctions(schema: &mut Schema, diagnostics: &mut Vec<Diagnostic>) {
    let scoped: Vec<(String, Option<TenantScope>)> = schema
        .entities
        .iter()
        .filter(|e| e.traits.tenant_scoped)
        .map(|e| (e.name.clone(), e.tenant_scope.clone()))
        .collect();
    for entity in &mut schema.entities {
        let Some(junction) = &entity.junction else { continue };
        if entity.traits.tenant_scoped {
            continue;
        }
        let side =
            [&junction.left, &junction.right].into_iter().find_map(|side| scoped.iter().find(|(n, _)| n == side));
        let Some((side, scope)) = side else { continue };
        entity.traits.tenant_scoped = true;
        if entity.tenant_scope.is_none() {
            entity.tenant_scope = scope.clone();
        }
        diagnostics.push(
            Diagnostic::warning(
                &entity.location,
                format!(
                    "junction `{}` joins the tenant-scoped `{side}`, so it is tenant-scoped too: its table gets the tenant column and row-level security",
                    entity.name
                ),
            )
            .with_help(format!("write `#[tenant_scoped]` on `{}` so the struct gets the tenant field too", entity.name))
            .with_code("junction_tenant_scoped"),
        );
    }
}

/// Makes every foreign key between two tables scoped to the same tenant
/// composite (tenant column first), and gives each target the unique
/// `(tenant, key)` index it points at. Run after the foreign keys are
/// resolved. Idempotent.
pub(crate) fn scope_references(schema: &mut Schema) {
    // (entity, tenant column, key column) of every scoped entity with a single-column key.
    let targets: Vec<(String, String, String)> = schema
        .entities
        .iter()
        .filter_map(|e| {
            let scope = e.tenant_scope.as_ref()?;
            let [key] = e.primary_key.columns.as_slice() else { return None };
            (key != &scope.column).then(|| (e.name.clone(), scope.column.clone(), key.clone()))
        })
        .collect();
    let mut needs_unique: Vec<(String, String, String)> = Vec::new();
    for entity in &mut schema.entities {
        let Some(scope) = entity.tenant_scope.clone() else { continue };
        for fk in &mut entity.foreign_keys {
            if fk.origin == ColumnOrigin::Tenant || !keeps_tenant(fk) {
                continue;
            }
            let Some(target) = targets.iter().find(|(name, column, _)| *name == fk.target && *column == scope.column)
            else {
                continue;
            };
            let (_, tenant_column, key) = target;
            if fk.columns.len() != 1 || fk.target_columns != [key.clone()] || fk.columns[0] == scope.column {
                continue;
            }
            fk.columns.insert(0, scope.column.clone());
            fk.target_columns = vec![tenant_column.clone(), key.clone()];
            if !needs_unique.contains(target) {
                needs_unique.push(target.clone());
            }
        }
    }
    for (name, tenant_column, key) in needs_unique {
        let Some(entity) = schema.entities.iter_mut().find(|e| e.name == name) else { continue };
        let columns = [tenant_column.as_str(), key.as_str()];
        let exists = entity.indexes.iter().any(|i| {
            i.unique && i.predicate.is_none() && i.columns.iter().map(|c| c.name.as_str()).eq(columns.iter().copied())
        });
        if exists {
            continue;
        }
        entity.indexes.push(Index {
            name: naming::constraint_name("uq", &entity.table, &columns),
            columns: columns.iter().map(|c| IndexColumn { name: c.to_string(), desc: false }).collect(),
            unique: true,
            predicate: None,
            include: Vec::new(),
            origin: ColumnOrigin::Tenant,
            location: entity.location.clone(),
        });
        // The plain index the tenant key got earlier (`add_index_unless_led_by`
        // ran before this unique existed) is now a prefix of it: the unique
        // serves the same lookups, and a second index only costs writes.
        entity.indexes.retain(|i| {
            let prefix = !i.columns.is_empty()
                && i.columns.len() < columns.len()
                && i.columns.iter().zip(columns).all(|(c, name)| c.name == name && !c.desc);
            !(prefix && !i.unique && !i.origin.is_declared() && i.predicate.is_none() && i.include.is_empty())
        });
    }
}

/// A referential action that leaves the tenant column alone on a composite key.
fn keeps_tenant(fk: &ForeignKey) -> bool {
    let safe = |a: ReferentialAction| !matches!(a, ReferentialAction::SetNull | ReferentialAction::SetDefault);
    safe(fk.on_delete) && safe(fk.on_update)
}

#[cfg(test)]
mod tests {
    use crate::model::*;
    use crate::transform::apply;

    /// Built from JSON so the test does not break when the model grows fields.
    fn entity(name: &str, columns: &[&str], key: &[&str]) -> Entity {
        let table = crate::naming::table_name(name);
        let columns: Vec<serde_json::Value> = columns
            .iter()
            .map(|c| serde_json::json!({"name": c, "field": c, "type": {"kind": "uuid"}, "nullable": c.starts_with("opt_")}))
            .collect();
        let json = serde_json::json!({
            "name": name, "table": table, "columns": columns,
            "primary_key": {"name": format!("pk_{table}"), "columns": key},
            "traits": {},
        });
        let mut e: Entity = serde_json::from_value(json).expect("a valid entity");
        e.location = Location { file: "src/schema.rs".into(), line: 3, column: 1 };
        e
    }

    fn fk(column: &str, target: &str, on_delete: ReferentialAction) -> ForeignKey {
        let mut fk: ForeignKey = serde_json::from_value(serde_json::json!({
            "name": format!("fk_{column}"), "columns": [column], "target": target, "target_table": "",
            "target_columns": [], "on_delete": "no_action", "on_update": "no_action",
        }))
        .expect("a valid foreign key");
        fk.on_delete = on_delete;
        fk
    }

    fn schema() -> Schema {
        let mut org = entity("Organization", &["id"], &["id"]);
        org.traits.tenant = true;
        let mut project = entity("Project", &["id", "opt_lead_id"], &["id"]);
        project.traits.tenant_scoped = true;
        project.traits.soft_delete = true;
        let mut user = entity("User", &["id"], &["id"]);
        user.traits.global = true;
        project.foreign_keys.push(fk("opt_lead_id", "User", ReferentialAction::SetNull));
        let mut task = entity("Task", &["id", "project_id", "opt_parent_id", "opt_reviewer_task_id"], &["id"]);
        task.traits.tenant_scoped = true;
        task.foreign_keys.push(fk("project_id", "Project", ReferentialAction::Cascade));
        task.foreign_keys.push(fk("opt_parent_id", "Task", ReferentialAction::Cascade));
        task.foreign_keys.push(fk("opt_reviewer_task_id", "Task", ReferentialAction::SetNull));
        let mut label = entity("Label", &["id"], &["id"]);
        label.traits.tenant_scoped = true;
        let mut tl = entity("TaskLabel", &["task_id", "label_id"], &[]);
        tl.junction = Some(Junction { left: "Task".into(), right: "Label".into() });
        Schema::new(vec![], vec![org, project, user, task, label, tl])
    }

    #[test]
    fn references_between_scoped_tables_become_composite() {
        let mut s = schema();
        let diags = apply(&mut s);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let task = s.entity("Task").unwrap();
        let by_name = |n: &str| task.foreign_keys.iter().find(|f| f.name == n).unwrap();
        assert_eq!(by_name("fk_project_id").columns, ["organization_id", "project_id"]);
        assert_eq!(by_name("fk_project_id").target_columns, ["organization_id", "id"]);
        assert_eq!(by_name("fk_opt_parent_id").columns, ["organization_id", "opt_parent_id"]);
        // SET NULL would null the tenant column too: kept single-column.
        assert_eq!(by_name("fk_opt_reviewer_task_id").columns, ["opt_reviewer_task_id"]);
        // A reference to a global table is untouched.
        let project = s.entity("Project").unwrap();
        assert_eq!(project.foreign_keys.iter().find(|f| f.target == "User").unwrap().columns, ["opt_lead_id"]);
        // The target's (tenant, id) unique is not partial, even with soft delete.
        let uq = project.indexes.iter().find(|i| i.name == "uq_projects_organization_id_id").unwrap();
        assert!(uq.unique && uq.predicate.is_none());
        // It leads with the tenant column, so the tenant column has no index
        // of its own there (it would be a prefix of the unique).
        let indexed =
            |e: &Entity| e.indexes.iter().any(|i| i.columns.len() == 1 && i.columns[0].name == "organization_id");
        assert!(!indexed(project) && !indexed(task), "{:?}", project.indexes);
        // ...and the migrations write it as a table UNIQUE constraint; a
        // declared unique index stays an index.
        assert!(uq.is_unique_constraint());
        assert!(
            s.entities
                .iter()
                .flat_map(|e| &e.indexes)
                .filter(|i| i.origin != ColumnOrigin::Tenant)
                .all(|i| !i.is_unique_constraint())
        );
        // The tenant key itself stays single-column.
        let tenant_fk = task.foreign_keys.iter().find(|f| f.origin == ColumnOrigin::Tenant).unwrap();
        assert_eq!(tenant_fk.columns, ["organization_id"]);
        // Idempotent.
        let once = s.clone();
        super::scope_references(&mut s);
        assert_eq!(once, s);
    }

    #[test]
    fn junction_of_scoped_entities_is_scoped_with_a_warning() {
        let mut s = schema();
        let diags = apply(&mut s);
        let tl = s.entity("TaskLabel").unwrap();
        assert!(tl.traits.tenant_scoped);
        assert_eq!(tl.tenant_scope.as_ref().unwrap().column, "organization_id");
        assert_eq!(tl.primary_key.columns, ["task_id", "label_id"]);
        let sides: Vec<Vec<String>> =
            tl.foreign_keys.iter().filter(|f| f.target != "Organization").map(|f| f.columns.clone()).collect();
        assert_eq!(
            sides,
            [vec!["organization_id".to_string(), "task_id".into()], vec!["organization_id".into(), "label_id".into()]]
        );
        let warning = diags.iter().find(|d| !d.is_error()).expect("a warning");
        assert!(warning.message.starts_with("junction `TaskLabel` joins the tenant-scoped `Task`"), "{warning}");
    }
}
