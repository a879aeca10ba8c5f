//! Cross-cutting concerns as model transforms, applied once before emission so
//! every emitter (and the macro, which adds the struct fields) sees the same
//! columns, keys, indexes and checks.
//!
//! | attribute | adds |
//! |---|---|
//! | `#[tenant_scoped]` | `<tenant>_id` NOT NULL after the key, FK to the tenant (ON DELETE CASCADE), index |
//! | (between two `#[tenant_scoped]`) | a `#[belongs_to]` / junction key becomes composite `(tenant, x_id) -> (tenant, id)`, the target gets UNIQUE (tenant, id); see `tenancy` |
//! | `#[many_to_many]` of a tenant-scoped side | the junction is tenant-scoped too (PK stays the pair) |
//! | `#[polymorphic(A, B)]` | `<x>_type` before `<x>_id`, CHECK on the type values, index (type, id) |
//! | `#[many_to_many(A, B)]` | PK (a_id, b_id), both FKs ON DELETE CASCADE, reverse index on b_id |
//! | `#[timestamps]` | `created_at`, `updated_at` NOT NULL DEFAULT now |
//! | `#[soft_delete]` | `deleted_at` NULL; every unique index becomes partial on `deleted_at IS NULL` |
//! | `#[versioned]` | `version` INTEGER NOT NULL DEFAULT 1 |
//! | `#[userstamps]` | `created_by`, `updated_by` NULL, text; `#[userstamps(User)]`: typed as `User`'s key, FK ON DELETE SET NULL, an index each |
//!
//! A column the user declared under the same name is kept as declared (the
//! front end has already checked its type); only a missing default is filled.

use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::naming;
use crate::validate;

mod tenancy;

/// The tenant root a `#[tenant_scoped]` entity points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantInfo {
    /// The tenant entity's Rust name, e.g. `Organization`.
    pub entity: String,
    /// Its table, e.g. `organizations`.
    pub table: String,
    /// Its primary-key column, e.g. `id`.
    pub key_column: String,
    /// Its primary-key type.
    pub key_type: ColumnType,
}

impl TenantInfo {
    /// The tenant information of a `#[tenant]` entity; `None` when its primary
    /// key is not a single column.
    pub fn of(entity: &Entity) -> Option<TenantInfo> {
        let [key] = entity.primary_key.columns.as_slice() else {
            return None;
        };
        Some(TenantInfo {
            entity: entity.name.clone(),
            table: entity.table.clone(),
            key_column: key.clone(),
            key_type: entity.column(key)?.ty.clone(),
        })
    }
}

/// The predicate that selects the rows of a soft-delete entity that are not deleted.
pub const NOT_DELETED: &str = "deleted_at IS NULL";

/// Applies every cross-cutting attribute of one entity. Idempotent.
///
/// `tenant` is required for a `#[tenant_scoped]` entity (the build resolves it
/// from the schema, the macro from the crate's sources); without it the tenant
/// column is not added and [`apply`] reports why.
///
/// ```
/// use tablewright_core::model::*;
/// use tablewright_core::transform::apply_entity;
/// let mut e = Entity {
///     name: "Note".into(), table: "notes".into(), doc: None,
///     columns: vec![], primary_key: PrimaryKey { name: "pk_notes".into(), columns: vec![] },
///     foreign_keys: vec![], indexes: vec![], checks: vec![],
///     traits: EntityTraits { timestamps: true, versioned: true, ..Default::default() },
///     tenant_scope: None, junction: None, polymorphic: vec![], seed: Default::default(), allowed_lints: vec![], renamed_from: None,
///     location: Location::default(),
/// };
/// apply_entity(&mut e, None, None);
/// let names: Vec<_> = e.columns.iter().map(|c| c.name.as_str()).collect();
/// assert_eq!(names, ["created_at", "updated_at", "version"]);
/// ```
/// `user_key` is the key type of the user entity a `#[userstamps(User)]`
/// names (the build resolves it from the schema, the macro writes
/// `<User as Entity>::PrimaryKey`).
pub fn apply_entity(entity: &mut Entity, tenant: Option<&TenantInfo>, user_key: Option<&ColumnType>) {
    if entity.traits.tenant_scoped
        && let Some(tenant) = tenant
    {
        add_tenant_key(entity, tenant);
    }
    for link in entity.polymorphic.clone() {
        add_polymorphic_type(entity, &link);
    }
    if let Some(junction) = entity.junction.clone() {
        add_junction_keys(entity, &junction);
    }
    if entity.traits.timestamps {
        add_column(
            entity,
            "created_at",
            ColumnType::DateTimeUtc,
            false,
            Some(DefaultValue::Now),
            ColumnOrigin::Timestamps,
        );
        add_column(
            entity,
            "updated_at",
            ColumnType::DateTimeUtc,
            false,
            Some(DefaultValue::Now),
            ColumnOrigin::Timestamps,
        );
    }
    if let Some(stamps) = entity.traits.userstamps.clone() {
        add_userstamps(entity, stamps.user.as_deref(), user_key);
    }
    if entity.traits.soft_delete {
        add_column(entity, "deleted_at", ColumnType::DateTimeUtc, true, None, ColumnOrigin::SoftDelete);
        make_uniques_partial(entity);
    }
    if entity.traits.versioned {
        add_column(entity, "version", ColumnType::I32, false, Some(DefaultValue::Int(1)), ColumnOrigin::Versioned);
    }
}

/// Completes a whole schema: resolves tenants and relation targets, applies
/// [`apply_entity`] to every entity and sorts everything into canonical
/// order. The whole-schema checks ([`crate::validate::check_schema`]) are
/// the next stage of the pipeline, run on the result.
///
/// Returns the diagnostics; any error means the schema must not be emitted.
pub fn apply(schema: &mut Schema) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    tenancy::scope_junctions(schema, &mut diagnostics);
    let tenants = validate::check_tenants(schema, &mut diagnostics);
    let user_keys: Vec<(String, Option<ColumnType>)> =
        schema.entities.iter().map(|e| (e.name.clone(), e.single_key_type().cloned())).collect();
    for entity in &mut schema.entities {
        let tenant = match &entity.tenant_scope {
            Some(scope) => tenants.iter().find(|t| t.entity == scope.tenant),
            None if entity.traits.tenant_scoped && tenants.len() == 1 => tenants.first(),
            None => None,
        };
        let user_key = entity
            .traits
            .userstamps
            .as_ref()
            .and_then(|u| u.user.as_deref())
            .and_then(|user| user_keys.iter().find(|(name, _)| name == user))
            .and_then(|(_, key)| key.clone());
        apply_entity(entity, tenant, user_key.as_ref());
    }
    crate::audit::add_audit_log(schema, &mut diagnostics);
    resolve_foreign_keys(schema, &mut diagnostics);
    tenancy::scope_references(schema);
    schema.normalize();
    diagnostics.sort_by(|a, b| (&a.location, &a.message).cmp(&(&b.location, &b.message)));
    diagnostics
}

/// Fills each foreign key's target table and columns from the target entity.
fn resolve_foreign_keys(schema: &mut Schema, diagnostics: &mut Vec<Diagnostic>) {
    // By name; the first entity of a name wins, as a scan of the list would.
    let mut keys: std::collections::HashMap<String, (String, Vec<String>)> = std::collections::HashMap::new();
    for e in &schema.entities {
        keys.entry(e.name.clone()).or_insert_with(|| (e.table.clone(), e.primary_key.columns.clone()));
    }
    for entity in &mut schema.entities {
        for fk in &mut entity.foreign_keys {
            match keys.get(&fk.target) {
                Some((table, columns)) => {
                    fk.target_table = table.clone();
                    fk.target_columns = columns.clone();
                }
                // Both userstamp keys name one user entity: say it once.
                None if fk.origin == ColumnOrigin::Userstamps && fk.columns != [USERSTAMP_CREATED_BY] => {}
                None => diagnostics.push(
                    Diagnostic::error(
                        &fk.location,
                        format!(
                            "`{}` references `{}`, which is not an `#[entity]` in the scanned sources",
                            entity.name, fk.target
                        ),
                    )
                    .with_help(format!(
                        "mark `{}` with `#[entity]`, or fix the name in `#[{}(...)]`",
                        fk.target,
                        if fk.origin == ColumnOrigin::Userstamps { "userstamps" } else { "belongs_to" }
                    )),
                ),
            }
        }
    }
}

fn add_tenant_key(entity: &mut Entity, tenant: &TenantInfo) {
    let column = naming::key_column(&tenant.entity);
    entity.tenant_scope = Some(TenantScope { tenant: tenant.entity.clone(), column: column.clone() });
    if entity.column(&column).is_none() {
        let at = entity
            .columns
            .iter()
            .position(|c| !entity.primary_key.columns.contains(&c.name))
            .unwrap_or(entity.columns.len());
        let mut col = new_column(&column, tenant.key_type.clone(), false, None, ColumnOrigin::Tenant, &entity.location);
        col.doc = Some(format!("The {} this row belongs to.", naming::snake_case(&tenant.entity).replace('_', " ")));
        entity.columns.insert(at, col);
    }
    if !entity.foreign_keys.iter().any(|fk| fk.columns == [column.clone()]) {
        entity.foreign_keys.push(ForeignKey {
            name: naming::constraint_name("fk", &entity.table, &[&column]),
            columns: vec![column.clone()],
            target: tenant.entity.clone(),
            target_table: tenant.table.clone(),
            target_columns: vec![tenant.key_column.clone()],
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
            origin: ColumnOrigin::Tenant,
            deferrable: false,
            location: entity.location.clone(),
        });
    }
    let origin = ColumnOrigin::Tenant;
    add_index_unless_led_by(entity, &[column.as_str()], origin);
}

/// `created_by` and `updated_by`: nullable (a row written without a user
/// setting has none), text, or the user entity's key with a foreign key that
/// is set to NULL when the user goes, indexed so that delete does not scan.
fn add_userstamps(entity: &mut Entity, user: Option<&str>, user_key: Option<&ColumnType>) {
    let ty = match (user, user_key) {
        (Some(_), Some(key)) => key.clone(),
        (Some(user), None) => ColumnType::Other(format!("<{user} as Entity>::PrimaryKey")),
        (None, _) => ColumnType::String,
    };
    for name in [USERSTAMP_CREATED_BY, USERSTAMP_UPDATED_BY] {
        add_column(entity, name, ty.clone(), true, None, ColumnOrigin::Userstamps);
        let Some(user) = user else { continue };
        if !entity.foreign_keys.iter().any(|fk| fk.columns == [name]) {
            entity.foreign_keys.push(ForeignKey {
                name: naming::constraint_name("fk", &entity.table, &[name]),
                columns: vec![name.to_string()],
                target: user.to_string(),
                target_table: String::new(),
                target_columns: Vec::new(),
                on_delete: ReferentialAction::SetNull,
                on_update: ReferentialAction::NoAction,
                deferrable: false,
                origin: ColumnOrigin::Userstamps,
                location: entity.location.clone(),
            });
        }
        add_index_unless_led_by(entity, &[name], ColumnOrigin::Userstamps);
    }
}

/// The column `#[userstamps]` fills on insert (and keeps on update).
pub const USERSTAMP_CREATED_BY: &str = "created_by";
/// The column `#[userstamps]` fills on every insert and update.
pub const USERSTAMP_UPDATED_BY: &str = "updated_by";

fn add_polymorphic_type(entity: &mut Entity, link: &Polymorphic) {
    let Some(id_at) = entity.columns.iter().position(|c| c.name == link.id_column) else {
        return;
    };
    let nullable = entity.columns[id_at].nullable;
    let location = entity.columns[id_at].location.clone();
    if entity.column(&link.type_column).is_none() {
        let mut col =
            new_column(&link.type_column, ColumnType::String, nullable, None, ColumnOrigin::Polymorphic, &location);
        let names: Vec<&str> = link.targets.iter().map(|t| t.entity.as_str()).collect();
        col.doc = Some(format!("Which entity `{}` points at: {}.", link.id_column, names.join(", ")));
        // Long enough for every target value, so MySQL can index it.
        col.max_len = Some(link.targets.iter().map(|t| t.value.len()).max().unwrap_or(1).max(32) as u32);
        entity.columns.insert(id_at, col);
    }
    let check_name = naming::constraint_name("ck", &entity.table, &[&link.type_column]);
    if !entity.checks.iter().any(|c| c.name == check_name) {
        let values: Vec<String> = link.targets.iter().map(|t| crate::quote::string_literal(&t.value)).collect();
        entity.checks.push(Check {
            name: check_name,
            expr: format!("{} IN ({})", link.type_column, values.join(", ")),
            origin: ColumnOrigin::Polymorphic,
            location,
        });
    }
    add_index_unless_led_by(entity, &[&link.type_column, &link.id_column], ColumnOrigin::Polymorphic);
}

fn add_junction_keys(entity: &mut Entity, junction: &Junction) {
    let left = naming::key_column(&junction.left);
    let right = naming::key_column(&junction.right);
    if entity.primary_key.columns.is_empty() {
        entity.primary_key.columns = vec![left.clone(), right.clone()];
    }
    for (column, target) in [(&left, &junction.left), (&right, &junction.right)] {
        if entity.column(column).is_some() && !entity.foreign_keys.iter().any(|fk| fk.columns == [column.clone()]) {
            entity.foreign_keys.push(ForeignKey {
                name: naming::constraint_name("fk", &entity.table, &[column]),
                columns: vec![column.clone()],
                target: target.clone(),
                target_table: String::new(),
                target_columns: Vec::new(),
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
                origin: ColumnOrigin::Declared,
                deferrable: false,
                location: entity.location.clone(),
            });
        }
    }
    // The primary key serves lookups by the left side; this one serves the right.
    add_index_unless_led_by(entity, &[&right], ColumnOrigin::Declared);
}

/// Every unique index of a soft-delete entity applies to live rows only, so a
/// deleted row's slug can be taken again.
fn make_uniques_partial(entity: &mut Entity) {
    // The tenant's `(tenant, id)` unique is a foreign-key target: never partial.
    for index in entity.indexes.iter_mut().filter(|i| i.unique && i.origin != ColumnOrigin::Tenant) {
        index.predicate = match index.predicate.take() {
            None => Some(NOT_DELETED.to_string()),
            Some(p) if p.contains("deleted_at") => Some(p),
            Some(p) => Some(format!("({p}) AND {NOT_DELETED}")),
        };
    }
}

/// Adds a plain index on `columns` unless an existing index (or the primary
/// key) already starts with them.
fn add_index_unless_led_by(entity: &mut Entity, columns: &[&str], origin: ColumnOrigin) {
    let leads = |cols: &[String]| cols.len() >= columns.len() && cols.iter().zip(columns).all(|(a, b)| a == b);
    let covered = leads(&entity.primary_key.columns)
        || entity.indexes.iter().any(|i| {
            let names: Vec<String> = i.columns.iter().map(|c| c.name.clone()).collect();
            i.predicate.is_none() && leads(&names)
        });
    if covered {
        return;
    }
    entity.indexes.push(Index {
        name: naming::constraint_name("idx", &entity.table, columns),
        columns: columns.iter().map(|c| IndexColumn { name: c.to_string(), desc: false }).collect(),
        unique: false,
        predicate: None,
        include: Vec::new(),
        origin,
        location: entity.location.clone(),
    });
}

fn add_column(
    entity: &mut Entity,
    name: &str,
    ty: ColumnType,
    nullable: bool,
    default: Option<DefaultValue>,
    origin: ColumnOrigin,
) {
    match entity.columns.iter_mut().find(|c| c.name == name) {
        Some(declared) => {
            if declared.default.is_none() {
                declared.default = default;
            }
        }
        None => {
            let location = entity.location.clone();
            let mut column = new_column(name, ty, nullable, default, origin, &location);
            column.doc = Some(added_column_doc(name).to_string());
            entity.columns.push(column);
        }
    }
}

/// The doc comment of a column a cross-cutting attribute adds.
fn added_column_doc(name: &str) -> &'static str {
    match name {
        "created_at" => "When the row was created.",
        "updated_at" => "When the row was last changed.",
        "deleted_at" => "When the row was soft-deleted; NULL while it is live.",
        "version" => "Optimistic-locking version, bumped on every update.",
        USERSTAMP_CREATED_BY => "Who created the row (the user setting when it was inserted); set by the database.",
        USERSTAMP_UPDATED_BY => "Who last changed the row (the user setting of the last write); set by the database.",
        _ => "Added by a tablewright attribute.",
    }
}

fn new_column(
    name: &str,
    ty: ColumnType,
    nullable: bool,
    default: Option<DefaultValue>,
    origin: ColumnOrigin,
    location: &Location,
) -> Column {
    Column {
        name: name.to_string(),
        field: name.to_string(),
        ty,
        nullable,
        default,
        generated: Generated::None,
        max_len: None,
        precision: None,
        scale: None,
        sql_type: None,
        doc: None,
        origin,
        seed: Default::default(),
        allowed_lints: Vec::new(),
        evolution: Default::default(),
        location: location.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, ty: ColumnType, nullable: bool) -> Column {
        new_column(name, ty, nullable, None, ColumnOrigin::Declared, &Location::default())
    }

    fn entity(name: &str, columns: Vec<Column>, key: &[&str]) -> Entity {
        let location = Location { file: "src/schema.rs".into(), line: 1, column: 1 };
        Entity { location, ..Entity::new(name, naming::table_name(name), columns, key) }
    }

    fn org() -> Entity {
        let mut e = entity("Organization", vec![column("id", ColumnType::Uuid, false)], &["id"]);
        e.traits.tenant = true;
        e
    }

    fn names(e: &Entity) -> Vec<&str> {
        e.columns.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn tenant_scoped_gets_key_fk_and_index_after_the_primary_key() {
        let mut task = entity(
            "Task",
            vec![column("id", ColumnType::Uuid, false), column("title", ColumnType::String, false)],
            &["id"],
        );
        task.traits.tenant_scoped = true;
        let mut schema = Schema::new(vec![], vec![org(), task]);
        let diags = apply(&mut schema);
        assert!(diags.is_empty(), "{diags:?}");
        let task = schema.entity("Task").unwrap();
        assert_eq!(names(task), ["id", "organization_id", "title"]);
        let fk = &task.foreign_keys[0];
        assert_eq!((fk.target_table.as_str(), fk.on_delete), ("organizations", ReferentialAction::Cascade));
        assert_eq!(task.indexes[0].name, "idx_tasks_organization_id");
        assert_eq!(task.tenant_scope.as_ref().unwrap().column, "organization_id");
    }

    #[test]
    fn soft_delete_makes_uniques_partial_and_appends_columns_in_order() {
        let mut e = entity(
            "Project",
            vec![column("id", ColumnType::Uuid, false), column("slug", ColumnType::String, false)],
            &["id"],
        );
        e.traits = EntityTraits { soft_delete: true, timestamps: true, versioned: true, ..Default::default() };
        e.indexes.push(Index {
            name: "uq_projects_slug".into(),
            columns: vec![IndexColumn { name: "slug".into(), desc: false }],
            unique: true,
            predicate: None,
            include: vec![],
            origin: ColumnOrigin::Declared,
            location: Location::default(),
        });
        apply_entity(&mut e, None, None);
        assert_eq!(names(&e), ["id", "slug", "created_at", "updated_at", "deleted_at", "version"]);
        assert_eq!(e.indexes[0].predicate.as_deref(), Some(NOT_DELETED));
        // Idempotent: a second pass changes nothing.
        let once = e.clone();
        apply_entity(&mut e, None, None);
        assert_eq!(once, e);
    }

    #[test]
    fn polymorphic_adds_type_column_check_and_index() {
        let mut a = entity(
            "Attachment",
            vec![column("id", ColumnType::Uuid, false), column("entity_id", ColumnType::Uuid, false)],
            &["id"],
        );
        a.polymorphic.push(Polymorphic {
            id_column: "entity_id".into(),
            type_column: "entity_type".into(),
            targets: vec![
                PolymorphicTarget { entity: "Task".into(), value: "task".into() },
                PolymorphicTarget { entity: "Comment".into(), value: "comment".into() },
            ],
            on_delete: PolymorphicAction::Cascade,
        });
        apply_entity(&mut a, None, None);
        assert_eq!(names(&a), ["id", "entity_type", "entity_id"]);
        assert_eq!(a.checks[0].expr, "entity_type IN ('task', 'comment')");
        let idx: Vec<&str> = a.indexes[0].columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(idx, ["entity_type", "entity_id"]);
    }

    #[test]
    fn junction_gets_composite_key_cascading_fks_and_reverse_index() {
        let task = entity("Task", vec![column("id", ColumnType::Uuid, false)], &["id"]);
        let label = entity("Label", vec![column("id", ColumnType::Uuid, false)], &["id"]);
        let mut tl = entity(
            "TaskLabel",
            vec![column("task_id", ColumnType::Uuid, false), column("label_id", ColumnType::Uuid, false)],
            &[],
        );
        tl.junction = Some(Junction { left: "Task".into(), right: "Label".into() });
        let mut schema = Schema::new(vec![], vec![task, label, tl]);
        assert!(apply(&mut schema).is_empty());
        let tl = schema.entity("TaskLabel").unwrap();
        assert_eq!(tl.primary_key.columns, ["task_id", "label_id"]);
        assert!(
            tl.foreign_keys.iter().all(|fk| fk.on_delete == ReferentialAction::Cascade && !fk.target_table.is_empty())
        );
        assert_eq!(tl.indexes[0].name, "idx_task_labels_label_id");
    }

    #[test]
    fn whole_schema_errors_are_located() {
        let mut a = entity("Task", vec![column("id", ColumnType::Uuid, false)], &["id"]);
        a.traits.tenant_scoped = true;
        let b = entity("Other", vec![column("id", ColumnType::Uuid, false)], &["id"]);
        let mut b = b;
        b.table = "tasks".into();
        b.location.line = 9;
        let mut schema = Schema::new(vec![], vec![a, b]);
        let diags = apply_and_validate(&mut schema);
        let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter().any(|t| t.starts_with(
                "src/schema.rs:1:1: error: `Task` is `#[tenant_scoped]` but no entity is marked `#[tenant]`"
            )),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("src/schema.rs:9:1: error: `Task` and `Other` both use the table name `tasks`")),
            "{text:?}"
        );
    }

    /// The transform and the whole-schema checks that follow it in the pipeline.
    fn apply_and_validate(schema: &mut Schema) -> Vec<Diagnostic> {
        let mut diagnostics = apply(schema);
        crate::validate::check_schema(schema, &mut diagnostics);
        diagnostics
    }

    #[test]
    fn foreign_key_to_unknown_entity_or_wrong_type_is_reported() {
        let user = entity("User", vec![column("id", ColumnType::Uuid, false)], &["id"]);
        let mut post = entity(
            "Post",
            vec![column("id", ColumnType::I64, false), column("author_id", ColumnType::I64, false)],
            &["id"],
        );
        for target in ["User", "Ghost"] {
            post.foreign_keys.push(ForeignKey {
                name: format!("fk_{target}"),
                columns: vec!["author_id".into()],
                target: target.into(),
                target_table: String::new(),
                target_columns: vec![],
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::NoAction,
                origin: ColumnOrigin::Declared,
                deferrable: false,
                location: Location::default(),
            });
        }
        let mut schema = Schema::new(vec![], vec![user, post]);
        let text: Vec<String> = apply_and_validate(&mut schema).iter().map(|d| d.message.clone()).collect();
        assert!(text.contains(&"`Post.author_id` references `User.id` but their types differ".to_string()), "{text:?}");
        assert!(
            text.contains(&"`Post` references `Ghost`, which is not an `#[entity]` in the scanned sources".to_string()),
            "{text:?}"
        );
    }
}
