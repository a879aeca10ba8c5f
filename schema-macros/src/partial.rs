//! A lenient reading of an `#[entity]` struct whose parse failed: enough of
//! the model to add the columns the cross-cutting attributes promise, so that
//! one mistake in a `#[column(...)]` does not also make `task.created_at`
//! "no field" everywhere the struct is used.

use proc_macro2::TokenStream;
use tablewright_core::frontend::Ctxt;
use tablewright_core::frontend::item::{Container, path_name};
use tablewright_core::model::*;
use tablewright_core::naming;

/// The declared columns, key and cross-cutting traits of `item`, read without
/// checks (errors were already reported by the strict parse).
pub fn partial_entity(args: TokenStream, item: &syn::ItemStruct, tenants: &[String]) -> Entity {
    let cx = Ctxt::new();
    let cont = Container::from_syn(args, item, &cx, tenants);
    // Already reported by the strict parse of the same tokens.
    drop(cx.into_errors());

    let location = Location::default();
    let columns: Vec<Column> = cont
        .columns()
        .map(|f| {
            let (ty, nullable) = match &f.ty {
                Ok(t) => (t.ty.clone(), t.nullable),
                Err(_) => (ColumnType::Other(String::new()), false),
            };
            Column { field: f.name.clone(), nullable, location: location.clone(), ..Column::new(&f.column, ty) }
        })
        .collect();
    let key = cont.columns().filter(|f| f.attrs.id.is_some()).map(|f| f.column.clone()).collect();
    let polymorphic = cont
        .columns()
        .filter_map(|f| {
            let attr = f.attrs.polymorphic.as_ref()?;
            let stem = f.column.strip_suffix("_id")?;
            Some(Polymorphic {
                id_column: f.column.clone(),
                type_column: format!("{stem}_type"),
                targets: attr
                    .targets
                    .iter()
                    .map(|t| PolymorphicTarget { entity: path_name(t), value: naming::snake_case(&path_name(t)) })
                    .collect(),
                on_delete: Default::default(),
            })
        })
        .collect();
    let attrs = &cont.attrs;
    Entity {
        name: cont.name.clone(),
        table: cont.table.clone(),
        doc: None,
        columns,
        primary_key: PrimaryKey { name: naming::constraint_name("pk", &cont.table, &[]), columns: key },
        foreign_keys: Vec::new(),
        indexes: Vec::new(),
        checks: Vec::new(),
        traits: EntityTraits {
            tenant: attrs.tenant.is_some(),
            tenant_scoped: attrs.tenant_scoped.is_some() && attrs.tenant.is_none(),
            soft_delete: attrs.soft_delete.is_some(),
            timestamps: attrs.timestamps.is_some(),
            audited: attrs.audited.is_some(),
            versioned: attrs.versioned.is_some(),
            userstamps: attrs
                .userstamps
                .as_ref()
                .map(|u| tablewright_core::model::Userstamps { user: u.user.as_ref().map(path_name) }),
            ..Default::default()
        },
        polymorphic,
        location,
        ..Entity::new(cont.name.clone(), cont.table.clone(), Vec::new(), &[])
    }
}

/// The tenant written in `#[tenant_scoped(Tenant)]`, read leniently.
pub fn explicit_tenant(args: TokenStream, item: &syn::ItemStruct) -> Option<syn::Path> {
    let cx = Ctxt::new();
    let cont = Container::from_syn(args, item, &cx, &[]);
    drop(cx.into_errors());
    cont.attrs.tenant_scoped.and_then(|t| t.tenant)
}
