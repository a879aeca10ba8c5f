//! The attribute macros of tablewright: `#[entity]`, `#[db_enum]` and the
//! entity-level attributes (`#[tenant]`, `#[soft_delete]`, ...).
//!
//! Parsing and the per-item checks live in `tablewright_core::frontend`, the
//! same code the build script runs, so what compiles is what gets emitted.
//! This crate only expands: the struct with the columns the cross-cutting
//! attributes add, the `Entity` impl, the sea-query identifiers, and
//! compile-time assertions for the facts one macro call cannot see (is the
//! target of a relation an entity, do key types match).
//!
//! Users depend on the `tablewright` facade, which re-exports these macros in
//! its prelude; the documentation with examples lives there.

use proc_macro::TokenStream;

mod enum_expand;
mod expand;
mod fallback;
mod forward;
#[cfg(test)]
mod fuzz;
mod iden;
mod partial;
mod tenant;

/// Marks a struct with named fields as a table. See the `tablewright` crate
/// for the attributes it reads.
#[proc_macro_attribute]
pub fn entity(args: TokenStream, item: TokenStream) -> TokenStream {
    let file = proc_macro::Span::call_site().local_file();
    expand::expand_entity(args.into(), item.into(), file).into()
}

/// Marks a fieldless enum as a database enum stored as snake_case strings.
#[proc_macro_attribute]
pub fn db_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    enum_expand::expand_db_enum(args.into(), item.into()).into()
}

/// Defines the entity-level attributes as macros too, so they also work when
/// written above `#[entity]`: each moves itself below `#[entity]`, which then
/// reads it like any other of its attributes.
macro_rules! forwarders {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[proc_macro_attribute]
        pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
            forward::forward(stringify!($name), args.into(), item.into()).into()
        }
    )*};
}

forwarders! {
    /// `#[tenant]`: this entity is the tenant root that `#[tenant_scoped]` entities point at.
    /// `#[tenant(membership = OrganizationMember, role = role, admin_roles = ["owner", "admin"])]`
    /// also switches row-level security to membership mode.
    tenant,
    /// `#[tenant_scoped]` (or `#[tenant_scoped(Tenant)]`): adds the tenant key column, its
    /// foreign key and index, and row-level-security policies.
    tenant_scoped,
    /// `#[global]`: in a schema with a `#[tenant]`, a table shared by every tenant: the application
    /// role reads it and writes only what a `#[policy(...)]` allows.
    global,
    /// `#[soft_delete]`: adds `deleted_at`; unique indexes apply to live rows only.
    soft_delete,
    /// `#[timestamps]`: adds `created_at` and `updated_at`.
    timestamps,
    /// `#[userstamps]` (or `#[userstamps(User)]`): adds `created_by` and `updated_by`, set by the
    /// database from the current user setting.
    userstamps,
    /// `#[audited]`: row changes are written to the audit log (`#[audited(readable)]` on a
    /// `#[global]` entity: its audit rows are readable by the application role).
    audited,
    /// `#[versioned]`: adds `version` for optimistic locking.
    versioned,
    /// `#[index(cols..., unique, where = "...", include(...), name = "...")]`.
    index,
    /// `#[unique(col_a, col_b)]`: a composite unique index.
    unique,
    /// `#[check(name = "...", "expr")]`: a CHECK constraint.
    check,
    /// `#[policy(update, delete, using = "...", check = "...", name = "...")]`: a row-level-security
    /// policy of the application role (PostgreSQL), within the tenant for a tenant-scoped table.
    policy,
    /// `#[many_to_many(A, B)]`: this entity is the junction of A and B.
    many_to_many,
    /// `#[allow_lint(rule, ...)]`: silences schema-review rules for this entity (or, on a
    /// field, for that column).
    allow_lint,
    /// `#[seed(count = N)]` / `#[seed(per_parent = N)]` on an entity, `#[seed(values = [...])]` /
    /// `#[seed(range = a..b)]` on a field: how the seed generator fills it.
    seed,
}

/// The macros are spelled as identifiers here and in the facade's prelude;
/// the front end's symbol table is the list they must match.
#[cfg(test)]
mod symbol_table {
    use tablewright_core::frontend::symbols;

    fn sorted<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let mut names: Vec<&str> = names.into_iter().collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn the_forwarders_are_the_tables() {
        let src = include_str!("lib.rs");
        let block = src.split("forwarders! {\n").nth(1).and_then(|s| s.split("\n}").next()).unwrap();
        let names = block.lines().map(str::trim).filter(|l| !l.starts_with("///")).map(|l| l.trim_end_matches(','));
        assert_eq!(sorted(names), sorted(symbols::forwarded()));
    }

    #[test]
    fn the_prelude_exports_every_macro() {
        let src = include_str!("../../tablewright/src/lib.rs");
        let list = src.split("pub use tablewright_macros::{").nth(1).and_then(|s| s.split("};").next()).unwrap();
        let names = list.split(',').map(str::trim).filter(|n| !n.is_empty());
        assert_eq!(sorted(names), sorted(symbols::macro_names()));
    }
}
