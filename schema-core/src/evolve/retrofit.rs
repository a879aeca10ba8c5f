//! Adding multi-tenancy to tables that hold rows: where each existing row's
//! tenant comes from.
//!
//! A table that becomes `#[tenant_scoped]` gets its tenant key added
//! nullable (expand), filled (backfill) and made NOT NULL (contract), like
//! any NOT NULL column with a backfill ([`super::phases`]). The value comes
//! down the table's `#[belongs_to]` keys: from the parent's tenant key when
//! the parent is scoped (parents are filled first), or from the key itself
//! when it points at the tenant. A row with no parent (a root table, or an
//! optional key left empty) takes the tenant the schema names for it: a
//! `#[column(backfill = "...")]` on the tenant key, declared as a field.
//! Row-level security, grants and policies come with the contract, once
//! every row has its tenant.

use crate::diagnostics::Diagnostic;
use crate::model::{Column, Schema};
use crate::quote::ident;
use crate::types::Dialect;

/// How a filled column gets its value for one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FillExpr {
    /// A SQL expression the schema gives (`#[column(backfill = "...")]`),
    /// over the row's columns.
    Sql(String),
    /// A tenant key: the first of the parents' tenants that is set, else
    /// the schema's expression.
    Tenant { parents: Vec<Parent>, otherwise: Option<String> },
}

/// One way to a row's tenant through a key it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parent {
    /// The referenced table, and its tenant key; `None` when the key points
    /// at the tenant itself (its value is the tenant).
    pub table: Option<(String, String)>,
    /// `(referenced column, holding column)` pairs of the key, tenant aside.
    pub pairs: Vec<(String, String)>,
}

impl FillExpr {
    /// The expression for a row of `table` in `dialect`; the row's own
    /// columns are qualified by `table`'s name (an UPDATE of `table`, or a
    /// trigger that reads the row under that name).
    pub fn sql(&self, d: Dialect, table: &str) -> String {
        match self {
            FillExpr::Sql(expr) => expr.clone(),
            FillExpr::Tenant { parents, otherwise } => {
                let q = |s: &str| ident(d, s);
                let mut options: Vec<String> = parents
                    .iter()
                    .map(|p| match &p.table {
                        None => format!("{}.{}", q(table), q(&p.pairs[0].1)),
                        Some((parent, tenant)) => {
                            let on: Vec<String> = p
                                .pairs
                                .iter()
                                .map(|(target, holder)| {
                                    format!("{}.{} = {}.{}", q("tw_parent"), q(target), q(table), q(holder))
                                })
                                .collect();
                            format!(
                                "(SELECT {}.{} FROM {} AS {} WHERE {})",
                                q("tw_parent"),
                                q(tenant),
                                q(parent),
                                q("tw_parent"),
                                on.join(" AND ")
                            )
                        }
                    })
                    .collect();
                options.extend(otherwise.iter().cloned());
                match options.len() {
                    1 => options.remove(0),
                    _ => format!("COALESCE({})", options.join(", ")),
                }
            }
        }
    }
}

/// Where the rows of `table` (taking on tenancy in `new`) get their tenant
/// key `column`; `None` when nothing says.
pub(super) fn tenant_expr(new: &Schema, table: &str, column: &Column) -> Option<FillExpr> {
    let entity = new.entities.iter().find(|e| e.table == table)?;
    let scope = entity.tenant_scope.as_ref()?;
    let mut parents: Vec<(bool, Parent)> = Vec::new();
    for fk in &entity.foreign_keys {
        if fk.columns == [scope.column.clone()] || fk.target == entity.name {
            continue;
        }
        let Some(target) = new.entities.iter().find(|e| e.name == fk.target) else { continue };
        let pairs: Vec<(String, String)> = fk
            .target_columns
            .iter()
            .zip(&fk.columns)
            .filter(|(_, holder)| **holder != scope.column)
            .map(|(t, h)| (t.clone(), h.clone()))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let required = pairs.iter().all(|(_, h)| entity.column(h).is_some_and(|c| !c.nullable));
        let parent = if target.name == scope.tenant && pairs.len() == 1 {
            Parent { table: None, pairs }
        } else if let Some(target_scope) = &target.tenant_scope {
            Parent { table: Some((target.table.clone(), target_scope.column.clone())), pairs }
        } else {
            continue;
        };
        parents.push((required, parent));
    }
    // Required keys first: every row has them.
    parents.sort_by_key(|(required, _)| !*required);
    let parents: Vec<Parent> = parents.into_iter().map(|(_, p)| p).collect();
    let otherwise = column.evolution.backfill.clone();
    (!parents.is_empty() || otherwise.is_some()).then_some(FillExpr::Tenant { parents, otherwise })
}

/// A table taking on tenancy whose rows cannot tell their tenant.
pub(super) fn no_tenant_source(new: &Schema, table: &str, column: &Column) -> Diagnostic {
    let entity = new.entities.iter().find(|e| e.table == table);
    let location = entity.map(|e| e.location.clone()).unwrap_or_default();
    let tenant = entity.and_then(|e| e.tenant_scope.as_ref()).map(|s| s.tenant.clone()).unwrap_or_default();
    Diagnostic::error(
        &location,
        format!(
            "`{table}` becomes tenant-scoped, but nothing says which `{tenant}` its existing rows belong to: it holds \
             no key to a tenant-scoped table or to `{tenant}`"
        ),
    )
    .with_help(format!(
        "name their tenant: declare the key as a field with a backfill, e.g. `#[column(backfill = \"(SELECT id FROM \
         ... WHERE ...)\")] pub {}: ...`, or give the table a `#[belongs_to]` to a tenant-scoped table",
        column.name
    ))
}
