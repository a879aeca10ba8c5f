//! `#[tenant(membership = OrganizationMember, role = role, admin_roles = ["owner", "admin"])]`:
//! the tenant's membership mode (row-level security through a membership
//! table), optionally with `read_only_roles = ["viewer"]` (members who only
//! read). A bare `#[tenant]` keeps setting mode.
//!
//! The arguments go through the shared grammar ([`super::grammar`]) with
//! bracketed lists allowed, since `admin_roles` takes one.
//! Whether the entity and columns named here exist is checked over the whole
//! schema ([`crate::validate::check_membership`]).

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::{Ident, LitStr};

use super::Ctxt;
use super::grammar::{Arg, LitArg, Syntax, Value, parse_args_with};
use super::messages;
use super::symbols::{self as sym, Place};

const ATTR: &str = sym::TENANT;
const EXAMPLE: &str = "tenant_membership";

/// A parsed `#[tenant(membership = ..., ...)]`.
#[derive(Clone, Debug)]
pub struct TenantMembershipAttr {
    /// The attribute's path, for locations.
    pub path: syn::Path,
    /// The membership entity, e.g. `OrganizationMember`.
    pub membership: syn::Path,
    /// Its column holding the member's role, e.g. `role`.
    pub role: Ident,
    /// Its column holding the member's user key; `user_id` when not given.
    pub user: Option<Ident>,
    /// Role values allowed to delete and to change memberships.
    pub admin_roles: Vec<LitStr>,
    /// Role values that may only read (`read_only_roles = ["viewer"]`).
    pub read_only_roles: Vec<LitStr>,
}

impl TenantMembershipAttr {
    /// The user column: the `user = ...` option, else `user_id`.
    pub fn user_column(&self) -> String {
        self.user.as_ref().map_or_else(|| "user_id".to_string(), |u| u.unraw().to_string())
    }
}

/// Parses the tokens inside `#[tenant(...)]` (not empty). Records every
/// mistake in `cx`; `None` when there was one.
pub fn parse(path: &syn::Path, tokens: TokenStream, cx: &Ctxt) -> Option<TenantMembershipAttr> {
    let args = match parse_args_with(tokens.clone(), Syntax::of(ATTR, Place::Entity)) {
        Ok(args) => args,
        Err(e) => {
            cx.error_at(e.span(), messages::bad_arguments(ATTR, &e, EXAMPLE));
            return None;
        }
    };
    let errors = cx.error_count();
    let keys = sym::option_names(ATTR, Place::Entity);
    let mut seen: Vec<String> = Vec::new();
    let (mut membership, mut role, mut user, mut admin_roles) = (None, None, None, None);
    let mut read_only_roles: Vec<LitStr> = Vec::new();
    for arg in args {
        let (key, value) = match arg {
            Arg::KeyValue { key, value } => (key, value),
            // A bare word or `key(...)`: an option without its value.
            Arg::Word { path, modifier: None } if path.get_ident().is_some() => {
                let key = path.get_ident().expect("checked");
                cx.error_spanned_by(key, messages::unknown_option(ATTR, &key.unraw().to_string(), &keys, EXAMPLE));
                continue;
            }
            Arg::List { key, .. } => {
                cx.error_spanned_by(&key, messages::unknown_option(ATTR, &key.unraw().to_string(), &keys, EXAMPLE));
                continue;
            }
            other => {
                cx.error_spanned_by(&other, messages::expected("`key = value` options", ATTR, EXAMPLE));
                continue;
            }
        };
        let name = key.unraw().to_string();
        if !keys.contains(&name.as_str()) {
            cx.error_spanned_by(&key, messages::unknown_option(ATTR, &name, &keys, EXAMPLE));
            continue;
        }
        if seen.contains(&name) {
            cx.error_spanned_by(&key, messages::tenant_duplicate_option(&name));
            continue;
        }
        seen.push(name.clone());
        match (name.as_str(), value) {
            ("membership", Value::Path(p)) => membership = Some(p),
            ("role" | "user", Value::Path(p)) if p.get_ident().is_some() => {
                let ident = p.get_ident().cloned();
                if name == "role" { role = ident } else { user = ident }
            }
            ("admin_roles" | "read_only_roles", Value::List(_, values)) => {
                let mut roles = Vec::new();
                for value in values {
                    match value {
                        Value::Lit(LitArg { neg: None, lit: syn::Lit::Str(s) }) if !s.value().trim().is_empty() => {
                            roles.push(s)
                        }
                        other => cx.error_spanned_by(other, messages::expected("a role name string", ATTR, EXAMPLE)),
                    }
                }
                if name == "admin_roles" {
                    admin_roles = Some(roles);
                } else {
                    read_only_roles = roles;
                }
            }
            (_, other) => {
                let what = match name.as_str() {
                    "membership" => "the membership entity after `membership =`",
                    "admin_roles" => "a list of role strings after `admin_roles =`, like `[\"owner\", \"admin\"]`",
                    "read_only_roles" => "a list of role strings after `read_only_roles =`, like `[\"viewer\"]`",
                    "role" => "the role column after `role =`",
                    _ => "the user column after `user =`",
                };
                cx.error_spanned_by(other, messages::expected(what, ATTR, EXAMPLE));
            }
        }
    }
    // After a misspelled or malformed option, its error says enough.
    let clean = cx.error_count() == errors;
    for (key, given) in
        [("membership", membership.is_some()), ("role", role.is_some()), ("admin_roles", admin_roles.is_some())]
    {
        if !given && clean {
            cx.error_spanned_by(path, messages::tenant_membership_missing(key));
        }
    }
    if let Some(roles) = &admin_roles
        && roles.is_empty()
        && cx.error_count() == errors
    {
        cx.error_spanned_by(&tokens, messages::tenant_no_admin_roles());
    }
    if cx.error_count() != errors {
        return None;
    }
    Some(TenantMembershipAttr {
        path: path.clone(),
        membership: membership?,
        role: role?,
        user,
        admin_roles: admin_roles?,
        read_only_roles,
    })
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;
    use crate::frontend::scan::scan_source;
    use crate::model::{Membership, Schema};

    const MEMBER: &str = r#"
#[db_enum]
pub enum MemberRole { Owner, Admin, Member }

#[entity]
#[global]
pub struct User { #[id] pub id: Uuid }

#[entity]
#[tenant_scoped]
pub struct OrganizationMember {
    #[id]
    pub id: Uuid,
    #[belongs_to(User)]
    pub user_id: Uuid,
    pub role: MemberRole,
}
"#;

    fn source(tenant_attr: &str) -> String {
        format!("#[entity]\n{tenant_attr}\npub struct Organization {{ #[id] pub id: Uuid }}\n{MEMBER}")
    }

    /// The scan's diagnostics, or the transformed schema and its diagnostics.
    fn run(tenant_attr: &str) -> (Schema, Vec<Diagnostic>) {
        let scanned = scan_source("src/t.rs", &source(tenant_attr));
        if !scanned.diagnostics.is_empty() {
            return (scanned.schema, scanned.diagnostics);
        }
        let mut schema = scanned.schema;
        let mut diagnostics = crate::transform::apply(&mut schema);
        crate::validate::check_schema(&schema, &mut diagnostics);
        (schema, diagnostics.into_iter().filter(|d| d.is_error()).collect())
    }

    #[track_caller]
    fn one_error(tenant_attr: &str, needle: &str, msg: &str) -> Diagnostic {
        let (_, d) = run(tenant_attr);
        assert_eq!(d.len(), 1, "{d:#?}");
        let d = d.into_iter().next().unwrap();
        assert!(d.message.contains(msg), "{d}");
        assert!(d.help.is_some(), "no help: {d}");
        let col = source(tenant_attr).lines().nth(1).unwrap().find(needle).unwrap() + 1;
        assert_eq!((d.location.file.as_str(), d.location.line, d.location.column), ("src/t.rs", 2, col), "{d}");
        d
    }

    #[test]
    fn membership_mode_lowers_into_the_tenant_traits() {
        let (schema, d) =
            run(r#"#[tenant(membership = OrganizationMember, role = role, admin_roles = ["owner", "admin"])]"#);
        assert!(d.is_empty(), "{d:#?}");
        let org = schema.entity("Organization").unwrap();
        assert!(org.traits.tenant);
        let m = org.traits.membership.as_ref().unwrap();
        assert_eq!(
            (m.entity.as_str(), m.user_column.as_str(), m.role_column.as_str(), m.admin_roles.clone()),
            ("OrganizationMember", "user_id", "role", vec!["owner".to_string(), "admin".to_string()])
        );
        let (schema, d) = run("#[tenant]");
        assert!(d.is_empty(), "{d:#?}");
        assert_eq!(schema.entity("Organization").unwrap().traits.membership, None::<Membership>);
    }

    #[test]
    fn attribute_mistakes_are_located_and_explained() {
        let d = one_error(
            r#"#[tenant(membership = OrganizationMember, rol = role, admin_roles = ["owner"])]"#,
            "rol =",
            "unknown option `rol` in `#[tenant]`: did you mean `role`?",
        );
        assert!(d.help.unwrap().contains("`membership`, `role`, `admin_roles`, `read_only_roles` and `user`"));
        one_error(
            r#"#[tenant(membership = OrganizationMember, admin_roles = ["owner"])]"#,
            "tenant",
            "membership mode needs `role = ...`",
        );
        one_error(
            r#"#[tenant(membership = OrganizationMember, role = role, admin_roles = "owner")]"#,
            "\"owner\"",
            "expected a list of role strings",
        );
        one_error(
            r#"#[tenant(membership = OrganizationMember, role = role, admin_roles = [])]"#,
            "membership",
            "`admin_roles` is empty",
        );
        one_error(
            r#"#[tenant(membership = OrganizationMember, role = role, role = role, admin_roles = ["owner"])]"#,
            "role = role, admin",
            "duplicate option `role`",
        );
    }

    #[test]
    fn whole_schema_mistakes_are_located_at_the_attribute() {
        let d = one_error(
            r#"#[tenant(membership = OrganizationMember, role = role, admin_roles = ["owner", "boss"])]"#,
            "tenant",
            "admin role `boss` is not a value of `MemberRole`",
        );
        assert!(d.help.unwrap().contains("`owner`, `admin`, `member`"));
        one_error(
            r#"#[tenant(membership = OrganizationMember, role = rank, admin_roles = ["owner"])]"#,
            "tenant",
            "`OrganizationMember` has no column `rank`",
        );
        one_error(
            r#"#[tenant(membership = Member, role = role, admin_roles = ["owner"])]"#,
            "tenant",
            "the membership entity `Member` of `Organization` is not an `#[entity]`",
        );
        one_error(
            r#"#[tenant(membership = User, role = id, admin_roles = ["owner"])]"#,
            "tenant",
            "the membership entity `User` is not `#[tenant_scoped]` to `Organization`",
        );
        one_error(
            r#"#[tenant(membership = OrganizationMember, role = role, user = member_id, admin_roles = ["owner"])]"#,
            "tenant",
            "`OrganizationMember` has no user column `member_id`",
        );
    }
}
