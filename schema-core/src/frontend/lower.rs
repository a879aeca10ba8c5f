//! Lowering a checked item to the syntax-free [`crate::model`].
//!
//! Conventions (deterministic, documented here once):
//! - columns in field order, `#[skip]` fields left out;
//! - primary key `pk_<table>`: the `#[id]` fields in field order, or a
//!   junction's two key columns in `#[many_to_many(A, B)]` order;
//! - foreign keys `fk_<table>_<column>` from `#[belongs_to]`, in field order;
//!   target tables and columns are resolved later by [`crate::transform`];
//! - indexes: field-level first in field order (`#[unique]` -> `uq_<table>_<col>`
//!   before `#[index]` -> `idx_<table>_<col>`), then struct-level `#[index]` /
//!   `#[unique]` in attribute order (`idx_`/`uq_<table>_<cols>`); a `name = "..."`
//!   wins; all names go through [`naming::constraint_name`];
//! - checks: `#[column(check)]` as `ck_<table>_<column>` in field order, then
//!   struct-level `#[check]` named `ck_<table>_<n>` (n = 1-based position among
//!   the struct's `#[check]` attributes) unless `name = "..."` is given.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

use super::check::{self, int_value};
use super::field_attr::{DefaultArg, IdKind};
use super::item::{Container, path_name};
use super::{Ctxt, ParseOptions, ParsedEntity, ParsedEnum, Relation, RelationKind};
use crate::model::{
    Check, Column, ColumnOrigin, ColumnType, DefaultValue, Entity, EntityTraits, EnumType, EnumVariant, ForeignKey,
    Generated, Index, IndexColumn, Junction, Location, Polymorphic, PolymorphicTarget, PrimaryKey, TenantScope,
};
use crate::naming;

/// The 1-based location of a span in `file`; in the macro (`file` empty),
/// where rustc reports locations itself, line and column are 0.
pub fn location(file: &str, span: Span) -> Location {
    if file.is_empty() {
        return Location::default();
    }
    let start = span.start();
    Location { file: file.to_string(), line: start.line, column: start.column + 1 }
}

fn span_of(tokens: &impl ToTokens) -> Span {
    tokens.to_token_stream().into_iter().next().map_or_else(Span::call_site, |t| t.span())
}

pub(super) fn parse_entity_with(
    args: TokenStream,
    item: &syn::ItemStruct,
    cx: &Ctxt,
    options: &ParseOptions,
) -> Option<ParsedEntity> {
    let errors = cx.error_count();
    let cont = Container::from_syn(args, item, cx, &options.tenants);
    check::check_entity(&cont, cx);
    (cx.error_count() == errors).then(|| lower_entity(&cont, &options.file))
}

/// Every index the entity declares, with the attribute that makes it.
pub fn declared_indexes<'c>(cont: &'c Container) -> Vec<(Index, &'c syn::Path)> {
    lower_indexes(cont, "")
}

fn lower_indexes<'c>(cont: &'c Container, file: &str) -> Vec<(Index, &'c syn::Path)> {
    let table = &cont.table;
    let mut out = Vec::new();
    for f in cont.columns() {
        for (attr, unique, prefix) in [(&f.attrs.unique, true, "uq"), (&f.attrs.index, false, "idx")] {
            let Some(attr) = attr else { continue };
            let name =
                attr.name.as_ref().map_or_else(|| naming::constraint_name(prefix, table, &[&f.column]), |n| n.value());
            let index = Index {
                name,
                columns: vec![IndexColumn { name: f.column.clone(), desc: false }],
                unique,
                predicate: None,
                include: Vec::new(),
                origin: ColumnOrigin::Declared,
                location: location(file, span_of(&attr.path)),
            };
            out.push((index, &attr.path));
        }
    }
    for attr in &cont.attrs.indexes {
        let cols: Vec<String> = attr.columns.iter().map(|(i, _)| unraw(i)).collect();
        let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let prefix = if attr.unique { "uq" } else { "idx" };
        let name = attr.name.as_ref().map_or_else(|| naming::constraint_name(prefix, table, &refs), |n| n.value());
        let index = Index {
            name,
            columns: attr.columns.iter().map(|(i, desc)| IndexColumn { name: unraw(i), desc: *desc }).collect(),
            unique: attr.unique,
            predicate: attr.predicate.as_ref().map(|p| p.value()),
            include: attr.include.iter().map(unraw).collect(),
            origin: ColumnOrigin::Declared,
            location: location(file, span_of(&attr.path)),
        };
        out.push((index, &attr.path));
    }
    out
}

fn unraw(ident: &syn::Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_string()
}

/// `Self` replaced by the struct's name, keeping the span of `Self`.
fn resolve_self(path: &syn::Path, own: &syn::Ident) -> syn::Path {
    if path.is_ident("Self") {
        let ident = super::rust_ident(&own.to_string(), span_of(path));
        return syn::Path::from(ident);
    }
    path.clone()
}

fn lower_default(value: &DefaultArg) -> Option<DefaultValue> {
    Some(match value {
        DefaultArg::Sql(s) => DefaultValue::Sql(s.value()),
        DefaultArg::Now(_) => DefaultValue::Now,
        DefaultArg::Variant(p) => DefaultValue::EnumValue(naming::snake_case(&path_name(p))),
        DefaultArg::Bare(_) => return None,
        DefaultArg::Lit(lit) => match &lit.lit {
            syn::Lit::Bool(b) => DefaultValue::Bool(b.value),
            syn::Lit::Int(_) => DefaultValue::Int(i64::try_from(int_value(lit)?).ok()?),
            syn::Lit::Float(f) => {
                DefaultValue::Float(format!("{}{}", if lit.neg.is_some() { "-" } else { "" }, f.base10_digits()))
            }
            syn::Lit::Str(s) => DefaultValue::String(s.value()),
            _ => return None,
        },
    })
}

fn lower_entity(cont: &Container, file: &str) -> ParsedEntity {
    let table = cont.table.clone();
    let own = &cont.item.ident;
    let mut columns = Vec::new();
    let mut foreign_keys = Vec::new();
    let mut checks = Vec::new();
    let mut polymorphic = Vec::new();
    let mut relations = Vec::new();
    let mut enum_types: Vec<syn::Type> = Vec::new();
    let mut default_variants = Vec::new();
    let mut pk = Vec::new();

    for f in cont.columns() {
        let Ok(ft) = &f.ty else { continue };
        let a = &f.attrs;
        let generated = match (&a.id, &ft.ty) {
            (Some(id), _) if id.kind == IdKind::Auto => Generated::Identity,
            (Some(id), _) if id.kind == IdKind::Cuid => Generated::Cuid,
            (Some(_), ColumnType::Uuid) => Generated::RandomUuid,
            _ => Generated::None,
        };
        if a.id.is_some() {
            pk.push(f.column.clone());
        }
        if ft.is_enum()
            && !enum_types.iter().any(|t| t.to_token_stream().to_string() == ft.inner.to_token_stream().to_string())
        {
            enum_types.push(ft.inner.clone());
        }
        if let Some(DefaultArg::Variant(p)) = a.default.as_ref().map(|d| &d.value) {
            default_variants.push(p.clone());
        }
        columns.push(Column {
            name: f.column.clone(),
            field: f.name.clone(),
            ty: ft.ty.clone(),
            nullable: ft.nullable,
            default: a.default.as_ref().and_then(|d| lower_default(&d.value)),
            generated,
            max_len: a.column.max_len.as_ref().map(|(n, _)| *n),
            precision: a.column.precision.as_ref().map(|(n, _)| *n),
            scale: a.column.scale.as_ref().map(|(n, _)| *n),
            sql_type: a.column.sql_type.as_ref().map(|s| s.value()),
            doc: a.doc.clone(),
            origin: ColumnOrigin::Declared,
            seed: a.seed.clone(),
            allowed_lints: a.allow_lint.clone(),
            evolution: crate::model::ColumnEvolution {
                renamed_from: a.column.renamed_from.as_ref().map(syn::LitStr::value),
                backfill: a.column.backfill.as_ref().map(syn::LitStr::value),
                using: a.column.using.as_ref().map(syn::LitStr::value),
                dual_write: a.column.dual_write.is_some(),
            },
            location: location(file, f.ident.span()),
        });
        if let Some(expr) = &a.column.check {
            checks.push(Check {
                name: naming::constraint_name("ck", &table, &[&f.column]),
                expr: expr.value(),
                origin: ColumnOrigin::Declared,
                location: location(file, expr.span()),
            });
        }
        if let Some(bt) = &a.belongs_to {
            let target = resolve_self(&bt.target, own);
            foreign_keys.push(ForeignKey {
                name: naming::constraint_name("fk", &table, &[&f.column]),
                columns: vec![f.column.clone()],
                target: path_name(&target),
                target_table: String::new(),
                target_columns: Vec::new(),
                on_delete: bt.on_delete.as_ref().map(|x| x.action).unwrap_or_default(),
                on_update: bt.on_update.as_ref().map(|x| x.action).unwrap_or_default(),
                origin: ColumnOrigin::Declared,
                deferrable: bt.deferrable.is_some(),
                location: location(file, span_of(&bt.target)),
            });
            relations.push(Relation { kind: RelationKind::BelongsTo, target, key_type: Some(ft.inner.clone()) });
        }
        if let Some(poly) = &a.polymorphic {
            let stem = f.column.strip_suffix("_id").unwrap_or(&f.column);
            polymorphic.push(Polymorphic {
                id_column: f.column.clone(),
                type_column: format!("{stem}_type"),
                targets: poly
                    .targets
                    .iter()
                    .map(|t| PolymorphicTarget { entity: path_name(t), value: naming::snake_case(&path_name(t)) })
                    .collect(),
                on_delete: poly.on_delete.as_ref().map(|(a, _)| *a).unwrap_or_default(),
            });
            for t in &poly.targets {
                relations.push(Relation {
                    kind: RelationKind::Polymorphic,
                    target: resolve_self(t, own),
                    key_type: Some(ft.inner.clone()),
                });
            }
        }
    }

    let junction = cont.attrs.many_to_many.as_ref().map(|m| {
        let (left, right) = (path_name(&m.left), path_name(&m.right));
        pk = vec![naming::key_column(&left), naming::key_column(&right)];
        for side in [&m.left, &m.right] {
            let key = naming::key_column(&path_name(side));
            let key_type =
                cont.columns().find(|f| f.column == key).and_then(|f| f.ty.as_ref().ok()).map(|ft| ft.inner.clone());
            relations.push(Relation { kind: RelationKind::ManyToMany, target: resolve_self(side, own), key_type });
        }
        Junction { left, right }
    });

    for (i, c) in cont.attrs.checks.iter().enumerate() {
        let n = i + 1;
        checks.push(Check {
            name: c.name.as_ref().map_or_else(|| naming::shorten(&format!("ck_{table}_{n}")), |s| s.value()),
            expr: c.expr.value(),
            origin: ColumnOrigin::Declared,
            location: location(file, span_of(&c.path)),
        });
    }

    if let Some(user) = cont.attrs.userstamps.as_ref().and_then(|u| u.user.as_ref()) {
        relations.push(Relation { kind: RelationKind::BelongsTo, target: resolve_self(user, own), key_type: None });
    }

    let explicit_tenant = cont.attrs.tenant_scoped.as_ref().and_then(|s| s.tenant.clone());
    if let Some(t) = &explicit_tenant {
        relations.push(Relation { kind: RelationKind::Tenant, target: t.clone(), key_type: None });
    }
    let tenant_scope = explicit_tenant
        .as_ref()
        .map(|t| TenantScope { tenant: path_name(t), column: naming::key_column(&path_name(t)) });

    let a = &cont.attrs;
    let model = Entity {
        name: cont.name.clone(),
        table: table.clone(),
        doc: a.doc.clone(),
        columns,
        primary_key: PrimaryKey { name: naming::shorten(&format!("pk_{table}")), columns: pk },
        foreign_keys,
        indexes: lower_indexes(cont, file).into_iter().map(|(i, _)| i).collect(),
        checks,
        traits: EntityTraits {
            tenant: a.tenant.is_some(),
            tenant_scoped: a.tenant_scoped.is_some(),
            soft_delete: a.soft_delete.is_some(),
            timestamps: a.timestamps.is_some(),
            audited: a.audited.is_some(),
            versioned: a.versioned.is_some(),
            audit_log: false,
            global: a.global.is_some(),
            audit_readable: a.audit_readable,
            userstamps: a.userstamps.as_ref().map(|u| crate::model::Userstamps {
                user: u.user.as_ref().map(|user| path_name(&resolve_self(user, own))),
            }),
            policies: a
                .policies
                .iter()
                .flat_map(|p| {
                    p.commands.iter().map(move |(command, _)| crate::model::RowPolicy {
                        name: p.policy_name(*command),
                        command: *command,
                        using: p.using.as_ref().map(syn::LitStr::value),
                        check: p.check.as_ref().map(syn::LitStr::value),
                        location: location(file, span_of(&p.path)),
                    })
                })
                .collect(),
            membership: a.tenant_membership.as_ref().map(|m| crate::model::Membership {
                entity: path_name(&m.membership),
                user_column: m.user_column(),
                role_column: syn::ext::IdentExt::unraw(&m.role).to_string(),
                admin_roles: m.admin_roles.iter().map(syn::LitStr::value).collect(),
                read_only_roles: m.read_only_roles.iter().map(syn::LitStr::value).collect(),
                location: location(file, span_of(&m.path)),
            }),
        },
        tenant_scope,
        junction,
        polymorphic,
        seed: a.seed.clone(),
        allowed_lints: a.allow_lint.clone(),
        renamed_from: a.renamed_from.as_ref().map(syn::LitStr::value),
        location: location(file, own.span()),
    };
    ParsedEntity {
        model,
        item: super::item::strip_struct(cont.item),
        relations,
        enum_types,
        explicit_tenant,
        default_variants,
    }
}

pub(super) fn parse_db_enum_with(
    args: TokenStream,
    item: &syn::ItemEnum,
    cx: &Ctxt,
    options: &ParseOptions,
) -> Option<ParsedEnum> {
    let errors = cx.error_count();
    let name = super::attr::parse_db_enum_args(args, cx);
    super::attr::check_enum_attrs(&item.attrs, cx);
    check::check_enum(item, cx);
    super::limits::check_enum_limits(item, name.as_ref(), cx);
    if cx.error_count() != errors {
        return None;
    }
    let rust_name = unraw(&item.ident);
    let model = EnumType {
        sql_name: name.map_or_else(|| naming::snake_case(&rust_name), |n| n.value()),
        name: rust_name,
        variants: item
            .variants
            .iter()
            .map(|v| EnumVariant {
                name: unraw(&v.ident),
                value: naming::snake_case(&unraw(&v.ident)),
                doc: super::attr::doc(&v.attrs),
            })
            .collect(),
        doc: super::attr::doc(&item.attrs),
        location: location(&options.file, item.ident.span()),
    };
    Some(ParsedEnum { model, item: super::item::strip_enum(item) })
}

#[cfg(test)]
mod tests {
    use crate::frontend::scan::scan_source;
    use crate::model::*;

    const DESIGN: &str = r#"
use tablewright::prelude::*;

/// Doc comments become COMMENT ON TABLE.
///
///  Second paragraph.
#[entity]
#[tenant]
#[soft_delete]
#[timestamps]
pub struct Organization {
    #[id]
    pub id: Uuid,
    pub name: String,
    #[unique]
    pub slug: String,
    #[default(Plan::Free)]
    pub plan: Plan,
    pub settings: Json,
}

#[db_enum]
pub enum Plan { Free, Starter, Growth, Enterprise }

#[entity]
#[tenant_scoped]
#[soft_delete]
#[timestamps]
#[audited]
#[versioned]
#[index(project_id, status)]
#[index(due_date, where = "deleted_at IS NULL")]
#[index(project_id, include(title))]
#[index(created_at desc)]
pub struct Task {
    #[id]
    pub id: Uuid,
    #[belongs_to(Project, on_delete = cascade)]
    pub project_id: Uuid,
    #[column(max_len = 500)]
    pub title: String,
    /// Free text.
    pub description: Option<String>,
    #[default(TaskStatus::Todo)]
    pub status: TaskStatus,
    pub due_date: Option<DateTime<Utc>>,
    #[default(0.0)]
    pub position: f64,
    #[belongs_to(User)]
    pub created_by_id: Uuid,
}

#[entity]
#[many_to_many(Task, Label)]
pub struct TaskLabel {
    pub task_id: Uuid,
    pub label_id: Uuid,
}

#[entity]
#[tenant_scoped]
pub struct Attachment {
    #[id]
    pub id: Uuid,
    #[polymorphic(Task, Comment)]
    pub entity_id: Uuid,
    pub filename: String,
    pub size_bytes: i64,
}
"#;

    fn col(name: &str, ty: ColumnType, nullable: bool) -> (String, ColumnType, bool) {
        (name.to_string(), ty, nullable)
    }

    #[test]
    fn design_example_lowers() {
        let scanned = scan_source("src/schema.rs", DESIGN);
        assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
        let schema = scanned.schema;
        assert_eq!(
            schema.entities.iter().map(|e| e.table.as_str()).collect::<Vec<_>>(),
            ["organizations", "tasks", "task_labels", "attachments"]
        );

        let org = schema.entity("Organization").unwrap();
        assert_eq!(org.doc.as_deref(), Some("Doc comments become COMMENT ON TABLE.\n\n Second paragraph."));
        assert!(org.traits.tenant && org.traits.soft_delete && org.traits.timestamps && !org.traits.tenant_scoped);
        assert_eq!(org.primary_key, PrimaryKey { name: "pk_organizations".into(), columns: vec!["id".into()] });
        assert_eq!(org.columns[0].generated, Generated::RandomUuid);
        assert_eq!(org.columns[3].default, Some(DefaultValue::EnumValue("free".into())));
        assert_eq!(org.columns[3].ty, ColumnType::Enum("Plan".into()));
        assert_eq!(org.indexes.len(), 1);
        assert_eq!(org.indexes[0].name, "uq_organizations_slug");
        assert!(org.indexes[0].unique);
        assert_eq!(org.location, Location { file: "src/schema.rs".into(), line: 11, column: 12 });
        assert_eq!(org.columns[0].location.line, 13);

        let task = schema.entity("Task").unwrap();
        let cols: Vec<_> = task.columns.iter().map(|c| (c.name.clone(), c.ty.clone(), c.nullable)).collect();
        assert_eq!(
            cols,
            vec![
                col("id", ColumnType::Uuid, false),
                col("project_id", ColumnType::Uuid, false),
                col("title", ColumnType::String, false),
                col("description", ColumnType::String, true),
                col("status", ColumnType::Enum("TaskStatus".into()), false),
                col("due_date", ColumnType::DateTimeUtc, true),
                col("position", ColumnType::F64, false),
                col("created_by_id", ColumnType::Uuid, false),
            ]
        );
        assert_eq!(task.columns[2].max_len, Some(500));
        assert_eq!(task.columns[3].doc.as_deref(), Some("Free text."));
        assert_eq!(task.columns[6].default, Some(DefaultValue::Float("0.0".into())));
        assert!(task.traits.tenant_scoped && task.traits.audited && task.traits.versioned);
        assert_eq!(task.tenant_scope, None);
        let fks: Vec<_> = task.foreign_keys.iter().map(|f| (f.name.as_str(), f.target.as_str(), f.on_delete)).collect();
        assert_eq!(
            fks,
            [
                ("fk_tasks_project_id", "Project", ReferentialAction::Cascade),
                ("fk_tasks_created_by_id", "User", ReferentialAction::NoAction),
            ]
        );
        assert!(task.foreign_keys[0].target_table.is_empty());
        let idx: Vec<_> = task.indexes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            idx,
            ["idx_tasks_project_id_status", "idx_tasks_due_date", "idx_tasks_project_id", "idx_tasks_created_at"]
        );
        assert_eq!(task.indexes[1].predicate.as_deref(), Some("deleted_at IS NULL"));
        assert_eq!(task.indexes[2].include, ["title"]);
        assert_eq!(task.indexes[3].columns, [IndexColumn { name: "created_at".into(), desc: true }]);

        let tl = schema.entity("TaskLabel").unwrap();
        assert_eq!(tl.junction, Some(Junction { left: "Task".into(), right: "Label".into() }));
        assert_eq!(tl.primary_key.columns, ["task_id", "label_id"]);
        assert!(tl.foreign_keys.is_empty());

        let att = schema.entity("Attachment").unwrap();
        assert_eq!(
            att.polymorphic,
            [Polymorphic {
                id_column: "entity_id".into(),
                type_column: "entity_type".into(),
                targets: vec![
                    PolymorphicTarget { entity: "Task".into(), value: "task".into() },
                    PolymorphicTarget { entity: "Comment".into(), value: "comment".into() },
                ],
                on_delete: crate::model::PolymorphicAction::Cascade,
            }]
        );

        let plan = schema.enum_type("Plan").unwrap();
        assert_eq!(plan.sql_name, "plan");
        assert_eq!(
            plan.variants.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
            ["free", "starter", "growth", "enterprise"]
        );
    }

    #[test]
    fn options_lower() {
        let src = r#"
#[entity(table = "ledger")]
#[tenant_scoped(Store)]
#[unique(account_id, code, name = "uq_code")]
#[index(code asc, amount desc, unique)]
#[check("amount <> 0")]
#[check(name = "ck_named", "code <> ''")]
pub struct Entry {
    #[id(auto)]
    pub id: i64,
    #[belongs_to(Self, on_delete = set_null, on_update = cascade)]
    pub parent_id: Option<i64>,
    #[belongs_to(crate::accounts::Account)]
    pub account_id: Uuid,
    #[column(name = "code", max_len = 12, check = "length(code) > 2")]
    #[index(name = "idx_code")]
    pub code_text: String,
    #[column(precision = 12, scale = 2)]
    #[default(-5)]
    pub amount: Decimal,
    #[default(-1.5e3)]
    pub ratio: f32,
    #[default(true)]
    pub live: bool,
    #[default("x")]
    pub label: Option<String>,
    #[default(now)]
    pub at: NaiveDate,
    #[default(sql = "'{}'")]
    pub tags: Vec<String>,
    #[column(sql_type = "point")]
    pub loc: Option<geo::Point>,
    #[skip]
    pub cache: std::cell::Cell<u32>,
}

#[entity]
pub struct Key {
    #[id(cuid)]
    pub id: String,
    #[id]
    pub r#type: i16,
}

/// A status.
#[db_enum(name = "status_kind")]
pub enum Status {
    /// Waiting.
    InProgress,
    HTTPDone,
}
"#;
        let scanned = scan_source("a.rs", src);
        assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
        let e = scanned.schema.entity("Entry").unwrap();
        assert_eq!(e.table, "ledger");
        assert_eq!(e.tenant_scope, Some(TenantScope { tenant: "Store".into(), column: "store_id".into() }));
        assert_eq!(e.columns[0].generated, Generated::Identity);
        assert_eq!(e.foreign_keys[0].target, "Entry");
        assert_eq!(e.foreign_keys[0].on_delete, ReferentialAction::SetNull);
        assert_eq!(e.foreign_keys[0].on_update, ReferentialAction::Cascade);
        assert_eq!(e.foreign_keys[1].target, "Account");
        let c = e.column("code").unwrap();
        assert_eq!((c.field.as_str(), c.max_len), ("code_text", Some(12)));
        let amount = e.column("amount").unwrap();
        assert_eq!(
            (amount.precision, amount.scale, amount.default.clone()),
            (Some(12), Some(2), Some(DefaultValue::Int(-5)))
        );
        assert_eq!(e.column("ratio").unwrap().default, Some(DefaultValue::Float("-1.5e3".into())));
        assert_eq!(e.column("live").unwrap().default, Some(DefaultValue::Bool(true)));
        assert_eq!(e.column("label").unwrap().default, Some(DefaultValue::String("x".into())));
        assert_eq!(e.column("at").unwrap().default, Some(DefaultValue::Now));
        assert_eq!(e.column("tags").unwrap().default, Some(DefaultValue::Sql("'{}'".into())));
        let loc = e.column("loc").unwrap();
        assert_eq!(
            (loc.ty.clone(), loc.nullable, loc.sql_type.as_deref()),
            (ColumnType::Other("geo::Point".into()), true, Some("point"))
        );
        assert!(e.column("cache").is_none());
        let idx: Vec<_> = e.indexes.iter().map(|i| (i.name.as_str(), i.unique)).collect();
        assert_eq!(idx, [("idx_code", false), ("uq_code", true), ("uq_ledger_code_amount", true)]);
        let checks: Vec<_> = e.checks.iter().map(|c| (c.name.as_str(), c.expr.as_str())).collect();
        assert_eq!(
            checks,
            [("ck_ledger_code", "length(code) > 2"), ("ck_ledger_1", "amount <> 0"), ("ck_named", "code <> ''")]
        );

        let k = scanned.schema.entity("Key").unwrap();
        assert_eq!(k.primary_key.columns, ["id", "type"]);
        assert_eq!(k.columns[0].generated, Generated::Cuid);
        assert_eq!(k.columns[1].generated, Generated::None);

        let s = scanned.schema.enum_type("Status").unwrap();
        assert_eq!(s.sql_name, "status_kind");
        assert_eq!(s.doc.as_deref(), Some("A status."));
        assert_eq!(
            s.variants[0],
            EnumVariant { name: "InProgress".into(), value: "in_progress".into(), doc: Some("Waiting.".into()) }
        );
        assert_eq!(s.variants[1].value, "http_done");
    }

    #[test]
    fn parse_entity_for_the_macro() {
        let item: syn::ItemStruct = syn::parse_quote! {
            /// Kept.
            #[derive(Debug)]
            #[soft_delete]
            pub struct Comment {
                #[id]
                pub id: Uuid,
                #[belongs_to(Self)]
                pub parent_id: Option<Uuid>,
                #[serde(rename = "b")]
                #[default(Mood::Happy)]
                pub mood: Mood,
                #[polymorphic(Task, Project)]
                pub subject_id: Uuid,
            }
        };
        let cx = crate::frontend::Ctxt::new();
        let parsed = crate::frontend::parse_entity(quote::quote!(table = "notes"), &item, &cx).unwrap();
        cx.check().unwrap();
        assert_eq!(parsed.model.table, "notes");
        assert_eq!(parsed.model.location, Location::default());
        let kept: Vec<String> =
            parsed.item.attrs.iter().map(|a| quote::ToTokens::to_token_stream(a.path()).to_string()).collect();
        assert_eq!(kept, ["doc", "derive"]);
        let field_attrs: Vec<usize> = parsed.item.fields.iter().map(|f| f.attrs.len()).collect();
        assert_eq!(field_attrs, [0, 0, 1, 0]);
        let rel: Vec<(crate::frontend::RelationKind, String)> = parsed
            .relations
            .iter()
            .map(|r| (r.kind, quote::ToTokens::to_token_stream(&r.target).to_string()))
            .collect();
        use crate::frontend::RelationKind::*;
        assert_eq!(rel, [(BelongsTo, "Comment".into()), (Polymorphic, "Task".into()), (Polymorphic, "Project".into())]);
        assert_eq!(parsed.enum_types.len(), 1);
        assert_eq!(parsed.default_variants.len(), 1);
        assert!(parsed.explicit_tenant.is_none());
    }

    /// Found by the fuzz target: `Self` in a struct with a raw name made
    /// `syn::Ident::new("r#match")`, which panics.
    #[test]
    fn self_in_a_struct_with_a_raw_name() {
        let src = "#[entity] #[userstamps(Self)] pub struct r#match { #[id] pub id: Uuid, \
                   #[belongs_to(Self)] pub parent_id: Option<Uuid> }";
        let s = scan_source("src/lib.rs", src);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let e = &s.schema.entities[0];
        assert_eq!((e.name.as_str(), e.table.as_str()), ("match", "matches"));
        assert_eq!(e.foreign_keys[0].target, "match");
        let item: syn::ItemStruct = syn::parse_str(src).unwrap();
        let cx = crate::frontend::Ctxt::new();
        let parsed = crate::frontend::parse_entity(proc_macro2::TokenStream::new(), &item, &cx);
        cx.check().unwrap();
        let target = &parsed.unwrap().relations[0].target;
        assert_eq!(quote::ToTokens::to_token_stream(target).to_string(), "r#match");
    }

    #[test]
    fn rust_idents_are_raw_where_plain_would_be_a_keyword() {
        let ident = |n| crate::frontend::rust_ident(n, proc_macro2::Span::call_site()).to_string();
        assert_eq!(
            [ident("type"), ident("r#type"), ident("Task"), ident("r#Task"), ident("café")],
            ["r#type", "r#type", "Task", "Task", "café"]
        );
    }
}
