//! The SQL written inside an entity's attributes, checked with the parser
//! of [`crate::fragment`]: the per-item rule of the front end, so the macro
//! reports it at the attribute's string and a build script reports the same.

use super::Ctxt;
use super::field_attr::DefaultArg;
use super::item::Container;
use super::messages;

/// The SQL written inside the attributes (`#[check]`, `#[column(check)]`,
/// an index's `where`, `#[default(sql)]`) parses, names only columns of this
/// entity (a default names none), and any function or operator only some
/// dialects have is a warning naming them ([`crate::fragment`]).
pub fn check_fragments(cont: &Container, cx: &Ctxt) {
    let valid = super::check::known_columns(cont);
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    let mut sites: Vec<(&str, &syn::LitStr)> = Vec::new();
    for c in &cont.attrs.checks {
        sites.push((super::symbols::CHECK, &c.expr));
    }
    for f in cont.columns() {
        if let Some(c) = &f.attrs.column.check {
            sites.push(("column(check)", c));
        }
        if let Some(DefaultArg::Sql(sql)) = f.attrs.default.as_ref().map(|d| &d.value) {
            sites.push(("default(sql)", sql));
        }
    }
    for index in &cont.attrs.indexes {
        if let Some(p) = &index.predicate {
            sites.push((if index.unique { "unique(where)" } else { "index(where)" }, p));
        }
    }
    for (attr, lit) in sites {
        let sql = lit.value();
        let expr = match crate::fragment::parse_expr(&sql) {
            Ok(expr) => expr,
            Err(why) => {
                cx.error_spanned_by(lit, messages::fragment_not_sql(attr, &why));
                continue;
            }
        };
        let mut reported: Vec<String> = Vec::new();
        for name in crate::fragment::column_references(&expr, &cont.table) {
            if reported.contains(&name) {
                continue;
            }
            if attr == "default(sql)" {
                let suggestion = messages::closest(&name, valid.iter().copied());
                cx.error_spanned_by(lit, messages::column_in_default(&name, suggestion));
            } else if !valid.contains(&name.as_str()) {
                // A Rust field name whose column was renamed: point at the SQL name.
                let renamed = cont.columns().find(|f| f.name == name).map(|f| f.column.as_str());
                let suggestion = renamed.or_else(|| messages::closest(&name, valid.iter().copied()));
                cx.error_spanned_by(lit, messages::unknown_column(attr, &name, suggestion, &valid));
            }
            reported.push(name);
        }
        for only in crate::fragment::dialect_only(&expr) {
            cx.warn_spanned_by(lit, format!("`#[{attr}]`: {}", only.message()));
        }
    }
}
