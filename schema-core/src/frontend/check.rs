//! The per-item rules, one `check_<rule>` function each (serde_derive's
//! `check.rs`). Each records its errors in the [`Ctxt`], spanned on the
//! offending token, and the checks never stop early: a user with five
//! mistakes in one struct sees five errors.

use std::collections::BTreeMap;

use quote::ToTokens;

use super::Ctxt;
use super::field_attr::{DefaultArg, IdKind};
use super::grammar::LitArg;
use super::item::{Container, Field, path_name};
use super::messages;
use super::symbols as sym;
use super::types::{FieldType, describe, type_string};
use crate::model::{ColumnType, ReferentialAction};
use crate::naming;

/// Runs every entity rule.
pub fn check_entity(cont: &Container, cx: &Ctxt) {
    check_shape(cont, cx);
    check_types(cont, cx);
    check_skip(cont, cx);
    check_tenant_conflict(cont, cx);
    check_primary_key(cont, cx);
    check_id_kind(cont, cx);
    check_defaults(cont, cx);
    check_set_null(cont, cx);
    check_column_options(cont, cx);
    check_duplicate_columns(cont, cx);
    check_index_columns(cont, cx);
    check_index_names(cont, cx);
    check_cross_cutting_types(cont, cx);
    check_junction(cont, cx);
    check_polymorphic(cont, cx);
    super::fragments::check_fragments(cont, cx);
    super::limits::check_entity_limits(cont, cx);
}

/// Generics, tuple structs and unit structs cannot be tables.
pub fn check_shape(cont: &Container, cx: &Ctxt) {
    let item = cont.item;
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error_spanned_by(&item.generics, messages::generic_entity(sym::ENTITY));
    }
    match &item.fields {
        syn::Fields::Named(_) => {}
        syn::Fields::Unnamed(f) => cx.error_spanned_by(f, messages::tuple_struct()),
        syn::Fields::Unit => cx.error_spanned_by(&item.ident, messages::unit_struct()),
    }
}

/// Every column's type must be a DSL type, an enum, or have `sql_type`.
pub fn check_types(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        if let Err(e) = &f.ty {
            cx.error_spanned_by(&e.tokens, &e.message);
        }
    }
}

/// A `#[skip]` field takes no column attributes.
pub fn check_skip(cont: &Container, cx: &Ctxt) {
    for f in &cont.fields {
        if f.attrs.skip.is_some() {
            for (name, path) in f.attrs.column_attr_paths() {
                cx.error_spanned_by(path, messages::skip_with_others(name));
            }
        }
    }
}

/// `#[tenant]` and `#[tenant_scoped]` exclude each other, and `#[global]`
/// excludes both.
pub fn check_tenant_conflict(cont: &Container, cx: &Ctxt) {
    if let (Some(_), Some(scoped)) = (&cont.attrs.tenant, &cont.attrs.tenant_scoped) {
        cx.error_spanned_by(&scoped.path, messages::tenant_and_scoped());
    }
    if let Some(global) = &cont.attrs.global {
        if cont.attrs.tenant.is_some() {
            cx.error_spanned_by(global, messages::global_and(sym::TENANT));
        } else if cont.attrs.tenant_scoped.is_some() {
            cx.error_spanned_by(global, messages::global_and(sym::TENANT_SCOPED));
        }
    }
}

/// An entity has a primary key (junctions get theirs from `#[many_to_many]`),
/// and key columns are never nullable.
pub fn check_primary_key(cont: &Container, cx: &Ctxt) {
    let mut has_id = false;
    for f in cont.columns() {
        if let Some(id) = &f.attrs.id {
            has_id = true;
            if let Ok(ft) = &f.ty
                && ft.nullable
            {
                cx.error_spanned_by(&id.path, messages::nullable_primary_key(&f.column));
            }
        }
    }
    let named = matches!(cont.item.fields, syn::Fields::Named(_));
    if !has_id && named && cont.attrs.many_to_many.is_none() {
        cx.error_spanned_by(&cont.item.ident, messages::no_primary_key(&cont.name));
    }
}

/// `#[id(auto)]` needs an integer, `#[id(cuid)]` a `String`.
pub fn check_id_kind(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let (Some(id), Ok(ft)) = (&f.attrs.id, &f.ty) else { continue };
        let blame = id.kind_ident.to_token_stream();
        match id.kind {
            IdKind::Auto if !matches!(ft.ty, ColumnType::I16 | ColumnType::I32 | ColumnType::I64) => {
                cx.error_spanned_by(blame, messages::id_auto_type(&type_string(&f.syn.ty)));
            }
            IdKind::Cuid if ft.ty != ColumnType::String => {
                cx.error_spanned_by(blame, messages::id_cuid_type(&type_string(&f.syn.ty)));
            }
            _ => {}
        }
    }
}

/// The `#[default(...)]` that fits a column type, for help lines.
fn default_example(ty: &ColumnType) -> String {
    let ex = match ty {
        ColumnType::String => "#[default(\"text\")]".to_string(),
        ColumnType::I16 | ColumnType::I32 | ColumnType::I64 => "#[default(0)]".into(),
        ColumnType::F32 | ColumnType::F64 | ColumnType::Decimal => "#[default(0.0)]".into(),
        ColumnType::Bool => "#[default(false)]".into(),
        ColumnType::DateTimeUtc | ColumnType::NaiveDateTime | ColumnType::NaiveDate | ColumnType::NaiveTime => {
            "#[default(now)]".into()
        }
        ColumnType::Enum(name) => format!("#[default({name}::Variant)]"),
        _ => "#[default(sql = \"...\")]".into(),
    };
    format!("for this `{}` column write `{ex}`, or any SQL expression with `#[default(sql = \"...\")]`", describe(ty))
}

/// The value of an integer literal default, sign included.
pub fn int_value(lit: &LitArg) -> Option<i128> {
    let syn::Lit::Int(i) = &lit.lit else { return None };
    let v = i.base10_parse::<i128>().ok()?;
    Some(if lit.neg.is_some() { -v } else { v })
}

/// `#[default]` values must fit the column type.
pub fn check_defaults(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let (Some(d), Ok(ft)) = (&f.attrs.default, &f.ty) else { continue };
        check_default(f, ft, &d.value, cx);
    }
}

fn check_default(f: &Field, ft: &FieldType, value: &DefaultArg, cx: &Ctxt) {
    use ColumnType as T;
    let ty = &ft.ty;
    let tyname = type_string(&f.syn.ty);
    let mismatch = |blame: &dyn ToTokens, written: String| {
        cx.error_spanned_by(
            blame.to_token_stream(),
            messages::default_mismatch(&written, &f.column, &tyname, &default_example(ty)),
        );
    };
    match value {
        DefaultArg::Sql(_) => {}
        DefaultArg::Now(ident) => {
            if !matches!(ty, T::DateTimeUtc | T::NaiveDateTime | T::NaiveDate | T::NaiveTime | T::Other(_)) {
                mismatch(ident, "`now`".into());
            }
        }
        DefaultArg::Bare(ident) => match ty {
            T::Enum(name) => cx.error_spanned_by(ident, messages::default_bare_variant(&ident.to_string(), name)),
            _ => cx.error_spanned_by(ident, messages::default_unknown_word(&ident.to_string())),
        },
        DefaultArg::Variant(path) => match ty {
            T::Enum(name) => {
                let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
                if segs.len() >= 2 && segs[segs.len() - 2] != *name {
                    cx.error_spanned_by(path, messages::default_wrong_enum(&type_string(path), name));
                }
            }
            T::Other(_) => {}
            _ => mismatch(path, format!("`{}`", type_string(path))),
        },
        DefaultArg::Lit(lit) => {
            let written = format!("`{}`", type_string(lit));
            match &lit.lit {
                syn::Lit::Bool(_) if lit.neg.is_none() && matches!(ty, T::Bool | T::Other(_)) => {}
                syn::Lit::Int(_) => match (ty, int_value(lit)) {
                    (T::I16, Some(v)) if i16::try_from(v).is_err() => {
                        cx.error_spanned_by(lit, messages::default_out_of_range(&type_string(lit), "i16"))
                    }
                    (T::I32, Some(v)) if i32::try_from(v).is_err() => {
                        cx.error_spanned_by(lit, messages::default_out_of_range(&type_string(lit), "i32"))
                    }
                    (T::I64 | T::F32 | T::F64 | T::Decimal | T::Other(_), Some(v)) if i64::try_from(v).is_err() => {
                        cx.error_spanned_by(lit, messages::default_out_of_range(&type_string(lit), "i64"))
                    }
                    (T::I16 | T::I32 | T::I64 | T::F32 | T::F64 | T::Decimal | T::Other(_), Some(_)) => {}
                    _ => mismatch(lit, format!("integer {written}")),
                },
                syn::Lit::Float(_) if matches!(ty, T::F32 | T::F64 | T::Decimal | T::Other(_)) => {}
                syn::Lit::Float(_) => mismatch(lit, format!("number {written}")),
                syn::Lit::Str(_) if lit.neg.is_none() && matches!(ty, T::String | T::Other(_)) => {}
                syn::Lit::Str(_) => mismatch(lit, format!("string {written}")),
                _ => mismatch(lit, written),
            }
        }
    }
}

/// `set_null` needs a nullable column (on delete and on update alike).
pub fn check_set_null(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let (Some(bt), Ok(ft)) = (&f.attrs.belongs_to, &f.ty) else { continue };
        if ft.nullable {
            continue;
        }
        for (key, action) in [("on_delete", &bt.on_delete), ("on_update", &bt.on_update)] {
            if let Some(a) = action
                && a.action == ReferentialAction::SetNull
            {
                cx.error_spanned_by(&a.ident, messages::set_null_not_option(key, &f.name, &type_string(&f.syn.ty)));
            }
        }
    }
}

/// `max_len` on strings, `precision`/`scale` on decimals, `scale <= precision`.
pub fn check_column_options(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let Ok(ft) = &f.ty else { continue };
        let col = &f.attrs.column;
        let tyname = type_string(&f.syn.ty);
        if let Some((_, lit)) = &col.max_len
            && ft.ty != ColumnType::String
        {
            cx.error_spanned_by(lit, messages::max_len_not_string(&tyname));
        }
        let decimal = ft.ty == ColumnType::Decimal;
        if let Some((_, lit)) = &col.precision
            && !decimal
        {
            cx.error_spanned_by(lit, messages::precision_not_decimal("precision", &tyname));
        }
        if let Some((scale, lit)) = &col.scale {
            if !decimal {
                cx.error_spanned_by(lit, messages::precision_not_decimal("scale", &tyname));
            } else {
                match &col.precision {
                    None => cx.error_spanned_by(lit, messages::scale_without_precision()),
                    Some((p, _)) if scale > p => {
                        cx.error_spanned_by(lit, messages::scale_exceeds_precision(*scale, *p))
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// Two fields may not map to one column name.
pub fn check_duplicate_columns(cont: &Container, cx: &Ctxt) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for f in cont.columns() {
        if let Some(first) = seen.get(f.column.as_str()) {
            let blame = f.attrs.column.name.as_ref().map_or_else(|| f.ident.to_token_stream(), |n| n.to_token_stream());
            cx.error_spanned_by(blame, messages::duplicate_column(&f.column, first));
        } else {
            seen.insert(&f.column, &f.name);
        }
    }
}

/// The SQL names of every column the entity will have: its fields' and
/// those a cross-cutting attribute adds.
pub(super) fn known_columns(cont: &Container) -> Vec<String> {
    let mut valid: Vec<String> = cont.columns().map(|f| f.column.clone()).collect();
    for (name, _) in cont.added_columns() {
        if !valid.contains(&name) {
            valid.push(name);
        }
    }
    valid
}

/// Index, unique and include columns must exist (SQL names; added columns count).
pub fn check_index_columns(cont: &Container, cx: &Ctxt) {
    let valid = known_columns(cont);
    let valid_refs: Vec<&str> = valid.iter().map(String::as_str).collect();
    for index in &cont.attrs.indexes {
        let attr = path_name(&index.path);
        let refs = index.columns.iter().map(|(i, _)| i).chain(&index.include);
        for ident in refs {
            let name = ident.to_string().trim_start_matches("r#").to_string();
            if valid.contains(&name) {
                continue;
            }
            // A Rust field name whose column was renamed: point at the SQL name.
            let renamed = cont.columns().find(|f| f.name == name).map(|f| f.column.as_str());
            let mut candidates = valid_refs.clone();
            if attr == sym::INDEX {
                candidates.push("unique");
            }
            let suggestion = renamed.or_else(|| messages::closest(&name, candidates.iter().copied()));
            cx.error_spanned_by(ident, messages::unknown_column(&attr, &name, suggestion, &valid_refs));
        }
    }
}

/// Index names are unique within an entity; an index written twice (same
/// name, columns and options) is one too many, not one to rename.
pub fn check_index_names(cont: &Container, cx: &Ctxt) {
    let mut seen: Vec<crate::model::Index> = Vec::new();
    for (index, path) in super::lower::declared_indexes(cont) {
        match seen.iter().find(|s| s.name == index.name) {
            Some(first) if *first == index => cx.error_spanned_by(path, messages::repeated_index(&index.name)),
            Some(_) => cx.error_spanned_by(path, messages::duplicate_index_name(&index.name)),
            None => seen.push(index),
        }
    }
}

/// A declared column that a cross-cutting attribute also adds must have the
/// type that attribute gives it.
pub fn check_cross_cutting_types(cont: &Container, cx: &Ctxt) {
    use ColumnType as T;
    let added = cont.added_columns();
    for f in cont.columns() {
        let Ok(ft) = &f.ty else { continue };
        let Some((_, attr)) = added.iter().find(|(c, _)| *c == f.column) else { continue };
        let expected = match *attr {
            sym::SOFT_DELETE => (!(ft.nullable && ft.ty == T::DateTimeUtc)).then_some("Option<DateTime<Utc>>"),
            sym::TIMESTAMPS => (ft.nullable || ft.ty != T::DateTimeUtc).then_some("DateTime<Utc>"),
            sym::VERSIONED => (ft.nullable || !matches!(ft.ty, T::I32 | T::I64)).then_some("i32"),
            sym::POLYMORPHIC => (ft.nullable || ft.ty != T::String).then_some("String"),
            sym::TENANT_SCOPED => ft.nullable.then_some("the tenant's key type (not an Option)"),
            sym::USERSTAMPS => (!ft.nullable).then_some(""),
            _ => None,
        };
        // The userstamps' type follows `#[userstamps(User)]`.
        let userstamp_type = || match cont.attrs.userstamps.as_ref().and_then(|u| u.user.as_ref()) {
            Some(user) => format!("Option<{}'s key type>", path_name(user)),
            None => "Option<String>".to_string(),
        };
        let expected = expected.map(|e| if *attr == sym::USERSTAMPS { userstamp_type() } else { e.to_string() });
        if let Some(expected) = expected.as_deref() {
            cx.error_spanned_by(
                &f.syn.ty,
                messages::cross_cutting_type(&f.column, attr, expected, &type_string(&f.syn.ty)),
            );
        }
    }
}

/// A `#[many_to_many(A, B)]` junction holds exactly `a_id` and `b_id`.
pub fn check_junction(cont: &Container, cx: &Ctxt) {
    let Some(m2m) = &cont.attrs.many_to_many else { return };
    let (left, right) = (path_name(&m2m.left), path_name(&m2m.right));
    let (a, b) = (naming::key_column(&left), naming::key_column(&right));
    if a == b {
        cx.error_spanned_by(&m2m.right, messages::junction_same_sides(&left));
        return;
    }
    for key in [&a, &b] {
        if !cont.columns().any(|f| &f.column == key) && matches!(cont.item.fields, syn::Fields::Named(_)) {
            cx.error_spanned_by(&cont.item.ident, messages::junction_missing_field(&cont.name, key, &left, &right));
        }
    }
    for f in cont.columns() {
        if f.column != a && f.column != b {
            cx.error_spanned_by(f.ident, messages::junction_extra_field(&f.column, &left, &right));
            continue;
        }
        if let Ok(ft) = &f.ty
            && ft.nullable
        {
            cx.error_spanned_by(&f.syn.ty, messages::junction_nullable(&f.column));
        }
        if let Some(bt) = &f.attrs.belongs_to {
            cx.error_spanned_by(&bt.path, messages::junction_belongs_to());
        }
    }
}

/// `#[polymorphic]`: two or more distinct targets, an `_id` column, no `#[belongs_to]`.
pub fn check_polymorphic(cont: &Container, cx: &Ctxt) {
    for f in cont.columns() {
        let Some(poly) = &f.attrs.polymorphic else { continue };
        if f.attrs.belongs_to.is_some() {
            cx.error_spanned_by(&poly.path, messages::belongs_to_and_polymorphic());
        }
        let mut names: Vec<String> = Vec::new();
        for t in &poly.targets {
            let name = path_name(t);
            if names.contains(&name) {
                cx.error_spanned_by(t, messages::polymorphic_duplicate_target(&name));
            } else {
                names.push(name);
            }
        }
        if names.len() < 2 {
            cx.error_spanned_by(&poly.path, messages::polymorphic_targets());
        }
        if !f.column.ends_with("_id") || f.column == "_id" {
            let blame = f.attrs.column.name.as_ref().map_or_else(|| f.ident.to_token_stream(), |n| n.to_token_stream());
            cx.error_spanned_by(blame, messages::polymorphic_column_name(&f.column));
        }
    }
}

// ---- db_enum ----------------------------------------------------------------------

/// A `#[db_enum]` is a non-generic enum of plain variants with distinct stored values.
pub fn check_enum(item: &syn::ItemEnum, cx: &Ctxt) {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error_spanned_by(&item.generics, messages::generic_entity(sym::DB_ENUM));
    }
    if item.variants.is_empty() {
        cx.error_spanned_by(&item.ident, messages::enum_empty(&item.ident.to_string()));
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for v in &item.variants {
        let name = v.ident.to_string();
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error_spanned_by(&v.fields, messages::enum_variant_fields(&name));
        }
        if let Some((_, expr)) = &v.discriminant {
            cx.error_spanned_by(expr, messages::enum_discriminant(&name));
        }
        let value = naming::snake_case(name.trim_start_matches("r#"));
        if let Some(first) = seen.get(&value) {
            cx.error_spanned_by(&v.ident, messages::enum_duplicate_value(&value, first));
        } else {
            seen.insert(value, name);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::frontend::scan::scan_source;

    fn diags(src: &str) -> Vec<Diagnostic> {
        scan_source("src/t.rs", src).diagnostics
    }

    /// 1-based line and column of the first occurrence of `needle`.
    fn at(src: &str, needle: &str) -> (usize, usize) {
        let offset = src.find(needle).unwrap_or_else(|| panic!("`{needle}` not in source"));
        let before = &src[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
        (line, col)
    }

    /// Exactly one error, at `needle`, whose message contains `msg`.
    #[track_caller]
    fn one(src: &str, needle: &str, msg: &str) -> Diagnostic {
        let d = diags(src);
        assert_eq!(d.len(), 1, "{d:#?}");
        let d = d.into_iter().next().unwrap();
        assert_eq!((d.location.line, d.location.column), at(src, needle), "{d}");
        assert_eq!(d.location.file, "src/t.rs");
        assert!(d.message.contains(msg), "{d}");
        assert!(d.help.is_some(), "no help: {d}");
        d
    }

    fn entity(attrs: &str, fields: &str) -> String {
        format!("#[entity]\n{attrs}\npub struct Thing {{\n    #[id]\n    pub id: Uuid,\n{fields}\n}}\n")
    }

    #[test]
    fn unknown_option_suggests_the_closest() {
        let src = entity("", "    #[belongs_to(Project, on_delet = cascade)]\n    pub project_id: Uuid,");
        let d = one(&src, "on_delet", "unknown option `on_delet` in `#[belongs_to]`: did you mean `on_delete`?");
        assert!(d.help.unwrap().contains("`on_delete`, `on_update` and `deferrable`"));
        let src = entity("#[index(title, uniqe)]", "    pub title: String,");
        one(&src, "uniqe", "did you mean `unique`?");
        let src = entity("", "    #[column(max_length = 3)]\n    pub title: String,");
        one(&src, "max_length", "did you mean `max_len`?");
        let src = entity("", "    #[belongs_to(Project, on_delete = cascde)]\n    pub project_id: Uuid,");
        one(&src, "cascde", "unknown value `cascde` for `on_delete` in `#[belongs_to]`: did you mean `cascade`?");
        let src = entity("", "    #[id(uato)]\n    pub n: i64,");
        one(&src, "uato", "unknown key kind `uato`");
        let src = "#[entity(tabel = \"x\")]\npub struct A { #[id] pub id: Uuid }";
        one(src, "tabel", "did you mean `table`?");
    }

    #[test]
    fn duplicate_option_and_attribute() {
        let src = entity("", "    #[column(name = \"a\", name = \"b\")]\n    pub title: String,");
        one(&src, "name = \"b\"", "duplicate option `name` in `#[column]`");
        let src = entity("#[soft_delete]\n#[soft_delete]", "");
        let d = diags(&src);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].location.line, 3);
        assert!(d[0].message.contains("duplicate `#[soft_delete]`"));
    }

    #[test]
    fn misplaced_attributes_say_where_they_go() {
        let src = entity("", "    #[tenant]\n    pub title: String,");
        let d = one(&src, "#[tenant]", "`#[tenant]` is an entity attribute: it goes on the struct, not on a field");
        assert!(d.help.unwrap().contains("below `#[entity]`"));
        let src = entity("#[belongs_to(Project)]", "");
        one(&src, "#[belongs_to", "`#[belongs_to]` is a field attribute");
        let src = entity("", "    #[check(\"x > 0\")]\n    pub x: i32,");
        let d = one(&src, "#[check", "entity attribute");
        assert!(d.help.unwrap().contains("#[column(check"));
    }

    #[test]
    fn misspelled_attribute_names() {
        let src = entity("#[soft_delet]", "");
        one(&src, "soft_delet", "unknown tablewright attribute `#[soft_delet]`: did you mean `#[soft_delete]`?");
        let src = entity("", "    #[primary_key]\n    pub code: String,");
        let d = one(&src, "primary_key", "`#[primary_key]` is not a tablewright attribute");
        assert!(d.help.unwrap().contains("#[id]"));
    }

    #[test]
    fn foreign_attributes_pass_through() {
        let src = entity(
            "#[derive(Debug, Clone)]\n#[serde(rename_all = \"camelCase\")]\n#[allow(dead_code)]\n#[cfg_attr(test, derive(PartialEq))]",
            "    #[serde(default)]\n    #[doc(hidden)]\n    pub title: String,",
        );
        assert!(diags(&src).is_empty(), "{:#?}", diags(&src));
    }

    #[test]
    fn set_null_needs_option() {
        let src = entity("", "    #[belongs_to(Project, on_delete = set_null)]\n    pub project_id: Uuid,");
        let d =
            one(&src, "set_null", "`on_delete = set_null` needs a nullable column, but `project_id` has type `Uuid`");
        assert!(d.help.unwrap().contains("Option<Uuid>"));
        let ok = entity("", "    #[belongs_to(Project, on_delete = set_null)]\n    pub project_id: Option<Uuid>,");
        assert!(diags(&ok).is_empty());
    }

    #[test]
    fn index_columns_must_exist() {
        let src = entity("#[index(projectid)]", "    pub project_id: Uuid,");
        one(&src, "projectid", "`#[index]` names unknown column `projectid`: did you mean `project_id`?");
        let src = entity("#[unique(code_text)]", "    #[column(name = \"code\")]\n    pub code_text: String,");
        one(&src, "code_text)", "did you mean `code`?");
        let src = entity("#[index(title, include(body))]", "    pub title: String,");
        one(&src, "body", "unknown column `body`");
        // Columns the cross-cutting attributes add are valid.
        let ok = entity(
            "#[tenant_scoped]\n#[soft_delete]\n#[timestamps]\n#[versioned]\n#[index(organization_id, deleted_at, created_at desc, updated_at, version, subject_type)]",
            "    #[polymorphic(Task, Comment)]\n    pub subject_id: Uuid,",
        );
        assert!(diags(&ok).is_empty(), "{:#?}", diags(&ok));
    }

    #[test]
    fn tenant_of_bare_scope_comes_from_the_schema() {
        let src = "#[entity]\n#[tenant]\npub struct Store { #[id] pub id: Uuid }\n#[entity]\n#[tenant_scoped]\n#[index(store_id)]\npub struct Shelf { #[id] pub id: Uuid }\n";
        assert!(diags(src).is_empty(), "{:#?}", diags(src));
    }

    #[test]
    fn primary_key_is_required() {
        let src = "#[entity]\npub struct Note {\n    pub body: String,\n}\n";
        let d = one(src, "Note", "entity `Note` has no primary key");
        assert!(d.help.unwrap().contains("#[id] pub id: Uuid"));
        let src = entity("", "    #[id]\n    pub other: Option<i32>,");
        one(&src, "id]\n    pub other", "cannot be an `Option`");
    }

    #[test]
    fn junction_shape() {
        let ok = "#[entity]\n#[many_to_many(Task, Label)]\npub struct TaskLabel {\n    pub task_id: Uuid,\n    pub label_id: Uuid,\n}\n";
        assert!(diags(ok).is_empty());
        let missing = "#[entity]\n#[many_to_many(Task, Label)]\npub struct TaskLabel {\n    pub task_id: Uuid,\n    pub tag_id: Uuid,\n}\n";
        let d = diags(missing);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!((d[0].location.line, d[0].location.column), at(missing, "TaskLabel"));
        assert!(d[0].message.contains("needs a field `label_id`"), "{}", d[0]);
        assert_eq!((d[1].location.line, d[1].location.column), at(missing, "tag_id"));
        assert!(d[1].message.contains("holds only `task_id` and `label_id`, not `tag_id`"), "{}", d[1]);
        let same = "#[entity]\n#[many_to_many(User, User)]\npub struct Follow { pub user_id: Uuid }\n";
        one(same, "User)]", "links an entity to itself");
    }

    #[test]
    fn unsupported_types_without_sql_type() {
        let src = entity("", "    pub count: Option<u32>,");
        let d = one(&src, "u32", "unsupported column type `u32`: SQL has no unsigned integers");
        assert!(d.help.unwrap().contains("use `i64`"));
        let ok = entity("", "    #[column(sql_type = \"integer\")]\n    pub count: u32,");
        assert!(diags(&ok).is_empty());
    }

    #[test]
    fn duplicate_columns() {
        let src = entity("", "    pub title: String,\n    #[column(name = \"title\")]\n    pub heading: String,");
        one(&src, "\"title\"", "duplicate column `title`: field `title` already maps to it");
    }

    #[test]
    fn shape_errors() {
        one(
            "#[entity]\n#[tenant]\n#[tenant_scoped]\npub struct T { #[id] pub id: Uuid }",
            "tenant_scoped",
            "both `#[tenant]` and `#[tenant_scoped]`",
        );
        one("#[entity]\npub struct G<T> { #[id] pub id: Uuid, pub t: i32 }", "<T>", "generic parameters");
        one("#[entity]\npub struct P(Uuid);", "(Uuid)", "tuple struct");
        one("#[entity]\npub struct U;", "U;", "unit struct");
    }

    #[test]
    fn id_kinds_need_their_types() {
        one(
            &entity("", "    #[id(auto)]\n    pub code: String,"),
            "auto",
            "`#[id(auto)]` needs an integer column, not `String`",
        );
        one(
            &entity("", "    #[id(cuid)]\n    pub code: Uuid,"),
            "cuid",
            "`#[id(cuid)]` needs a `String` column, not `Uuid`",
        );
    }

    #[test]
    fn defaults_must_fit() {
        let d = one(
            &entity("", "    #[default(\"x\")]\n    pub n: i32,"),
            "\"x\"",
            "default string `\"x\"` does not fit column `n` of type `i32`",
        );
        assert!(d.help.unwrap().contains("#[default(0)]"));
        one(&entity("", "    #[default(now)]\n    pub s: String,"), "now", "default `now` does not fit");
        one(&entity("", "    #[default(40000)]\n    pub s: i16,"), "40000", "out of range for `i16`");
        one(&entity("", "    #[default(1.5)]\n    pub s: i64,"), "1.5", "default number `1.5`");
        one(
            &entity("", "    #[default(Plan::Free)]\n    pub s: TaskStatus,"),
            "Plan::Free",
            "not a variant of this column's enum `TaskStatus`",
        );
        one(&entity("", "    #[default(Todo)]\n    pub s: TaskStatus,"), "Todo", "write the variant with its enum");
        one(&entity("", "    #[default(true)]\n    pub s: String,"), "true", "does not fit");
        one(&entity("", "    #[default(1, 2)]\n    pub s: i32,"), "2)", "exactly one value");
        let ok = entity(
            "",
            "    #[default(3)]\n    pub a: f64,\n    #[default(-32768)]\n    pub b: i16,\n    #[default(sql = \"now()\")]\n    pub c: Uuid,\n    #[default(now)]\n    pub d: Option<DateTime<Utc>>,",
        );
        assert!(diags(&ok).is_empty(), "{:#?}", diags(&ok));
    }

    #[test]
    fn column_option_misuse() {
        one(
            &entity("", "    #[column(max_len = 20)]\n    pub n: i32,"),
            "20",
            "`max_len` applies to `String` columns only, not `i32`",
        );
        one(
            &entity("", "    #[column(precision = 10)]\n    pub n: f64,"),
            "10",
            "`precision` applies to `Decimal` columns only",
        );
        one(
            &entity("", "    #[column(precision = 4, scale = 6)]\n    pub n: Decimal,"),
            "6",
            "`scale = 6` is larger than `precision = 4`",
        );
        one(&entity("", "    #[column(max_len = 0)]\n    pub n: String,"), "0", "at least 1");
        one(
            &entity("", "    #[column(max_len = \"big\")]\n    pub n: String,"),
            "\"big\"",
            "expects a positive integer",
        );
    }

    #[test]
    fn cross_cutting_columns_keep_their_type() {
        let d = one(
            &entity("#[soft_delete]", "    pub deleted_at: DateTime<Utc>,"),
            "DateTime<Utc>,",
            "column `deleted_at` is added by `#[soft_delete]` and must have type `Option<DateTime<Utc>>`, not `DateTime<Utc>`",
        );
        assert!(d.help.unwrap().contains("pub deleted_at: Option<DateTime<Utc>>"));
        one(
            &entity("#[timestamps]", "    pub created_at: NaiveDateTime,"),
            "NaiveDateTime",
            "must have type `DateTime<Utc>`",
        );
        one(&entity("#[versioned]", "    pub version: String,"), "String", "must have type `i32`");
        let ok = entity(
            "#[soft_delete]\n#[timestamps]\n#[versioned]",
            "    pub deleted_at: Option<DateTime<Utc>>,\n    pub created_at: DateTime<Utc>,\n    pub version: i64,",
        );
        assert!(diags(&ok).is_empty(), "{:#?}", diags(&ok));
    }

    #[test]
    fn polymorphic_rules() {
        one(
            &entity("", "    #[polymorphic(Task)]\n    pub subject_id: Uuid,"),
            "polymorphic(",
            "at least two distinct target entities",
        );
        let d = one(
            &entity("", "    #[polymorphic(Task, Comment)]\n    pub subject: Uuid,"),
            "subject:",
            "must end in `_id`",
        );
        assert!(d.help.unwrap().contains("`subject_id`"));
    }

    #[test]
    fn every_error_of_an_item_is_reported() {
        let src = entity(
            "#[index(nope)]",
            "    pub a: u64,\n    #[belongs_to(P, on_delete = set_null)]\n    pub p_id: Uuid,\n    #[column(max_len = 3)]\n    pub n: i32,",
        );
        let d = diags(&src);
        let mut lines: Vec<usize> = d.iter().map(|d| d.location.line).collect();
        lines.sort();
        assert_eq!(lines, [2, 6, 7, 9], "{d:#?}");
    }

    #[test]
    fn db_enum_rules() {
        one("#[db_enum]\npub enum E { A(i32), B }", "(i32)", "cannot carry data");
        one("#[db_enum]\npub enum E { A = 1, B }", "1,", "cannot have a discriminant");
        one("#[db_enum]\npub enum E<T> { A }", "<T>", "generic");
        one("#[db_enum]\npub enum E { Foo, FOO }", "FOO", "stored as `foo`");
        one("#[db_enum(nmae = \"x\")]\npub enum E { A }", "nmae", "did you mean `name`?");
        one("#[db_enum]\n#[soft_delete]\npub enum E { A }", "#[soft_delete]", "does not apply to a `#[db_enum]`");
    }
}
