//! The access attributes of an entity: `#[global]`, `#[policy(...)]`,
//! `#[userstamps]` / `#[userstamps(User)]` and the `readable` option of
//! `#[audited]`. They say who may read and write a table's rows on
//! PostgreSQL ([`crate::security`]) and who wrote them.
//!
//! ```text
//! #[policy(update, delete, name = "author_edits", using = "author_id = tw_current_user()")]
//! #[policy(insert, check = "id = tw_current_user()")]
//! ```
//!
//! A policy names one or more commands (`select`, `insert`, `update`,
//! `delete`) and at most a `using` (which existing rows: select, update,
//! delete) and a `check` (which new rows: insert, update) expression. Whether
//! the expressions name real columns is checked over the whole schema, where
//! the columns the cross-cutting attributes add are known.

use syn::{Attribute, Ident, LitStr};

use super::Ctxt;
use super::grammar::{Arg, Value, attr_args, lit_str, unknown_key, unraw};
use super::messages;
use super::symbols::{self as sym, Place};
use crate::model::PolicyCommand;

const POLICY: &str = sym::POLICY;

/// A parsed `#[policy(...)]`.
#[derive(Clone, Debug)]
pub struct PolicyAttr {
    /// The attribute's path, for locations.
    pub path: syn::Path,
    /// The commands, in the order written, each with its token.
    pub commands: Vec<(PolicyCommand, Ident)>,
    pub name: Option<LitStr>,
    pub using: Option<LitStr>,
    pub check: Option<LitStr>,
}

impl PolicyAttr {
    /// The policy name of `command`: `name` for a single command,
    /// `<name>_<command>` for several, `custom_<command>` without a name.
    pub fn policy_name(&self, command: PolicyCommand) -> String {
        match (&self.name, self.commands.len()) {
            (Some(name), 1) => name.value(),
            (Some(name), _) => format!("{}_{}", name.value(), command.keyword()),
            (None, _) => format!("custom_{}", command.keyword()),
        }
    }
}

/// `#[userstamps]` or `#[userstamps(User)]`.
#[derive(Clone, Debug)]
pub struct UserstampsAttr {
    pub path: syn::Path,
    /// The user entity the columns reference.
    pub user: Option<syn::Path>,
}

/// Parses `#[policy(...)]`; every mistake recorded in `cx`.
pub fn parse_policy(attr: &Attribute, cx: &Ctxt) -> Option<PolicyAttr> {
    let path = attr.path().clone();
    let args = attr_args(attr, POLICY, POLICY, cx)?;
    let errors = cx.error_count();
    let keys = sym::option_names(POLICY, Place::Entity);
    let mut out = PolicyAttr { path: path.clone(), commands: Vec::new(), name: None, using: None, check: None };
    for arg in args {
        match arg {
            Arg::Word { path: word, modifier: None } if word.get_ident().is_some_and(|i| command(i).is_some()) => {
                let ident = word.get_ident().cloned().expect("checked above");
                let command = command(&ident).expect("checked above");
                if out.commands.iter().any(|(c, _)| *c == command) {
                    cx.error_spanned_by(&ident, messages::duplicate_option(POLICY, &unraw(&ident)));
                } else {
                    out.commands.push((command, ident));
                }
            }
            Arg::KeyValue { key, value } if ["name", "using", "check"].contains(&unraw(&key).as_str()) => {
                let key_name = unraw(&key);
                let slot = match key_name.as_str() {
                    "name" => &mut out.name,
                    "using" => &mut out.using,
                    _ => &mut out.check,
                };
                if slot.is_some() {
                    cx.error_spanned_by(&key, messages::duplicate_option(POLICY, &key_name));
                    continue;
                }
                *slot = lit_str(&value, POLICY, &key_name, POLICY, cx);
            }
            Arg::KeyValue { key, .. } | Arg::List { key, .. } => unknown_key(POLICY, &key, &keys, POLICY, cx),
            Arg::Word { path: word, .. } => match word.get_ident() {
                Some(key) => unknown_key(POLICY, key, &keys, POLICY, cx),
                None => cx.error_spanned_by(&word, messages::policy_expected()),
            },
            Arg::Lit(lit) => cx.error_spanned_by(&lit, messages::policy_expected()),
        }
    }
    if cx.error_count() != errors {
        return None;
    }
    if out.commands.is_empty() {
        cx.error_spanned_by(&path, messages::policy_no_command());
        return None;
    }
    if let Some(name) = &out.name
        && !is_identifier(&name.value())
    {
        cx.error_spanned_by(name, messages::policy_bad_name(&name.value()));
    }
    // `using` reads existing rows, `check` judges new ones: each must fit
    // every command it is written for.
    for (command, ident) in &out.commands {
        if out.using.is_some() && !command.has_using() {
            cx.error_spanned_by(ident, messages::policy_option_for(command.keyword(), "using", "check"));
        }
        if out.check.is_some() && !command.has_check() {
            cx.error_spanned_by(ident, messages::policy_option_for(command.keyword(), "check", "using"));
        }
    }
    (cx.error_count() == errors).then_some(out)
}

fn command(ident: &Ident) -> Option<PolicyCommand> {
    PolicyCommand::ALL.into_iter().find(|c| unraw(ident) == c.keyword())
}

/// A plain SQL identifier: what a policy name may be without quoting.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

/// Parses `#[userstamps]` / `#[userstamps(User)]`.
pub fn parse_userstamps(attr: &Attribute, cx: &Ctxt) -> Option<UserstampsAttr> {
    let path = attr.path().clone();
    let args = attr_args(attr, sym::USERSTAMPS, sym::USERSTAMPS, cx)?;
    match args.as_slice() {
        [] => Some(UserstampsAttr { path, user: None }),
        [Arg::Word { path: user, modifier: None }] => Some(UserstampsAttr { path, user: Some(user.clone()) }),
        [first, ..] => {
            let bad = if matches!(first, Arg::Word { modifier: None, .. }) { &args[1] } else { first };
            cx.error_spanned_by(bad, messages::expected("one user entity", sym::USERSTAMPS, sym::USERSTAMPS));
            None
        }
    }
}

/// Parses the arguments of `#[audited]`: none, or `readable`. Returns
/// whether `readable` was given; `None` after an error.
pub fn parse_audited(attr: &Attribute, cx: &Ctxt) -> Option<bool> {
    let args = attr_args(attr, sym::AUDITED, sym::AUDITED, cx)?;
    let valid = sym::option_names(sym::AUDITED, Place::Entity);
    match args.as_slice() {
        [] => Some(false),
        [Arg::Word { path, modifier: None }] if path.is_ident("readable") => Some(true),
        [Arg::Word { path, .. }, ..] if path.get_ident().is_some() => {
            let key = path.get_ident().expect("checked above");
            unknown_key(sym::AUDITED, key, &valid, sym::AUDITED, cx);
            None
        }
        [Arg::KeyValue { key, value: Value::Lit(_) | Value::Path(_) }, ..] | [Arg::List { key, .. }, ..] => {
            unknown_key(sym::AUDITED, key, &valid, sym::AUDITED, cx);
            None
        }
        [other, ..] => {
            cx.error_spanned_by(other, messages::expected("`readable`", sym::AUDITED, sym::AUDITED));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::frontend::scan::scan_source;
    use crate::model::PolicyCommand;

    fn errors(attrs: &str) -> Vec<String> {
        let src = format!("#[entity]\n#[tenant]\n{attrs}\npub struct Org {{ #[id] pub id: Uuid, pub owner_id: Uuid }}");
        scan_source("src/t.rs", &src).diagnostics.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn policies_lower_one_per_command_with_names() {
        let src = "#[entity]\n#[global]\n\
                   #[policy(update, delete, name = \"own_row\", using = \"id = tw_current_user()\")]\n\
                   #[policy(insert, check = \"id = tw_current_user()\")]\n\
                   pub struct User { #[id] pub id: Uuid }";
        let scanned = scan_source("src/t.rs", src);
        assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
        let user = scanned.schema.entity("User").unwrap();
        assert!(user.traits.global);
        let got: Vec<(&str, PolicyCommand, Option<&str>, Option<&str>)> = user
            .traits
            .policies
            .iter()
            .map(|p| (p.name.as_str(), p.command, p.using.as_deref(), p.check.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("own_row_update", PolicyCommand::Update, Some("id = tw_current_user()"), None),
                ("own_row_delete", PolicyCommand::Delete, Some("id = tw_current_user()"), None),
                ("custom_insert", PolicyCommand::Insert, None, Some("id = tw_current_user()")),
            ]
        );
        assert_eq!(user.traits.policies[0].location.line, 3);
    }

    #[test]
    fn policy_mistakes_are_explained() {
        let e = errors("#[policy(delete, check = \"true\")]");
        assert!(e[0].contains("`check` judges the rows a command writes; `delete` writes none"), "{e:?}");
        let e = errors("#[policy(insert, using = \"true\")]");
        assert!(e[0].contains("`using` picks the existing rows a command reads; `insert` reads none"), "{e:?}");
        let e = errors("#[policy(using = \"true\")]");
        assert!(e[0].contains("`#[policy]` names no command"), "{e:?}");
        let e = errors("#[policy(delet, using = \"true\")]");
        assert!(e[0].contains("unknown option `delet` in `#[policy]`: did you mean `delete`?"), "{e:?}");
        let e = errors("#[policy(delete, name = \"Bad Name\")]");
        assert!(e[0].contains("policy name `Bad Name`"), "{e:?}");
        let e = errors("#[policy(delete, delete)]");
        assert!(e[0].contains("duplicate option `delete`"), "{e:?}");
    }

    #[test]
    fn userstamps_and_audited_readable_parse() {
        let src = "#[entity]\n#[global]\n#[audited(readable)]\n#[userstamps(User)]\n\
                   pub struct User { #[id] pub id: Uuid }";
        let scanned = scan_source("src/t.rs", src);
        assert!(scanned.diagnostics.is_empty(), "{:?}", scanned.diagnostics);
        let user = scanned.schema.entity("User").unwrap();
        assert!(user.traits.audited && user.traits.audit_readable);
        assert_eq!(user.traits.userstamps.as_ref().unwrap().user.as_deref(), Some("User"));
        let e = errors("#[audited(readabel)]");
        assert!(e[0].contains("unknown option `readabel` in `#[audited]`: did you mean `readable`?"), "{e:?}");
        let e = errors("#[userstamps(User, Admin)]");
        assert!(e[0].contains("expected one user entity"), "{e:?}");
    }
}
