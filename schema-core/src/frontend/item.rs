//! The syn-level item model: an `#[entity]` struct with its attributes
//! parsed ([`Container`]) and its named fields ([`Field`]), what the
//! per-item checks read and [`super::lower`] turns into the model; and the
//! struct or enum with tablewright's attributes removed, what a macro
//! re-emits.

use proc_macro2::TokenStream;
use syn::{Attribute, Ident, LitStr};

use super::Ctxt;
use super::attr::{EntityAttrs, near_miss, tw_name};
use super::field_attr::FieldAttrs;
use super::grammar::unraw;
use super::symbols as sym;

/// Whether [`strip_struct`] removes this attribute.
fn is_stripped(attr: &Attribute) -> bool {
    tw_name(attr).is_some() || near_miss(attr).is_some()
}

/// The struct with tablewright attributes removed from it and its fields.
pub fn strip_struct(item: &syn::ItemStruct) -> syn::ItemStruct {
    let mut item = item.clone();
    item.attrs.retain(|a| !is_stripped(a));
    for field in item.fields.iter_mut() {
        field.attrs.retain(|a| !is_stripped(a));
    }
    item
}

/// The enum with tablewright attributes removed from it (variant attributes stay).
pub fn strip_enum(item: &syn::ItemEnum) -> syn::ItemEnum {
    let mut item = item.clone();
    item.attrs.retain(|a| !is_stripped(a));
    item
}

/// An `#[entity]` struct with its attributes parsed: what the checks read and
/// what is lowered to the model.
pub struct Container<'a> {
    pub item: &'a syn::ItemStruct,
    /// The struct name, e.g. `TaskLabel`.
    pub name: String,
    /// The table name (`#[entity(table = "...")]` or the default).
    pub table: String,
    pub attrs: EntityAttrs,
    /// Named fields in declaration order (empty for tuple and unit structs).
    pub fields: Vec<Field<'a>>,
    /// The `#[tenant]` entities the caller knows of.
    pub tenants: &'a [String],
}

/// One named field.
pub struct Field<'a> {
    pub syn: &'a syn::Field,
    pub ident: &'a Ident,
    /// The field name without `r#`.
    pub name: String,
    /// The SQL column name (`#[column(name = "...")]` or the field name).
    pub column: String,
    pub attrs: FieldAttrs,
    pub ty: Result<super::types::FieldType, super::types::TypeError>,
}

impl Field<'_> {
    /// `false` for `#[skip]` fields.
    pub fn is_column(&self) -> bool {
        self.attrs.skip.is_none()
    }
}

impl<'a> Container<'a> {
    /// Parses the struct's and its fields' attributes and classifies field types.
    pub fn from_syn(args: TokenStream, item: &'a syn::ItemStruct, cx: &Ctxt, tenants: &'a [String]) -> Container<'a> {
        let attrs = EntityAttrs::from_syn(args, &item.attrs, cx);
        let name = unraw(&item.ident);
        let table = match &attrs.table {
            Some(t) => t.value(),
            None => crate::naming::table_name(&name),
        };
        let mut fields = Vec::new();
        if let syn::Fields::Named(named) = &item.fields {
            for f in &named.named {
                let ident = f.ident.as_ref().expect("named fields have idents");
                let fattrs = FieldAttrs::from_syn(&f.attrs, cx);
                let column = fattrs.column.name.as_ref().map_or_else(|| unraw(ident), LitStr::value);
                let ty = if fattrs.column.sql_type.is_some() {
                    Ok(super::types::classify_with_sql_type(&f.ty))
                } else {
                    super::types::classify(&f.ty)
                };
                fields.push(Field { syn: f, ident, name: unraw(ident), column, attrs: fattrs, ty });
            }
        }
        Container { item, name, table, attrs, fields, tenants }
    }

    /// The fields that are columns (not `#[skip]`).
    pub fn columns(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields.iter().filter(|f| f.is_column())
    }

    /// Columns a cross-cutting attribute adds, with the attribute's name.
    pub fn added_columns(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        if let Some(scoped) = &self.attrs.tenant_scoped {
            match &scoped.tenant {
                Some(t) => out.push((crate::naming::key_column(&path_name(t)), sym::TENANT_SCOPED)),
                // Bare: named after the tenant(s) the caller knows, else the default.
                None if self.tenants.is_empty() => out.push(("organization_id".to_string(), sym::TENANT_SCOPED)),
                None => {
                    for t in self.tenants {
                        out.push((crate::naming::key_column(t), sym::TENANT_SCOPED));
                    }
                }
            }
        }
        if self.attrs.soft_delete.is_some() {
            out.push(("deleted_at".into(), sym::SOFT_DELETE));
        }
        if self.attrs.timestamps.is_some() {
            out.push(("created_at".into(), sym::TIMESTAMPS));
            out.push(("updated_at".into(), sym::TIMESTAMPS));
        }
        if self.attrs.versioned.is_some() {
            out.push(("version".into(), sym::VERSIONED));
        }
        if self.attrs.userstamps.is_some() {
            out.push(("created_by".into(), sym::USERSTAMPS));
            out.push(("updated_by".into(), sym::USERSTAMPS));
        }
        for f in self.columns() {
            if f.attrs.polymorphic.is_some()
                && let Some(stem) = f.column.strip_suffix("_id")
            {
                out.push((format!("{stem}_type"), sym::POLYMORPHIC));
            }
        }
        out
    }
}

/// The entity name a path refers to: its last segment.
pub fn path_name(path: &syn::Path) -> String {
    path.segments.last().map(|s| unraw(&s.ident)).unwrap_or_default()
}
