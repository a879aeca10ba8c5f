//! Every message of the front end, in one place. Each one says what is wrong
//! and teaches the syntax with a correct example on a `help:` line.
//!
//! `syn::Error` carries one string, so the help is appended after
//! [`HELP_SEP`]; [`split_help`] takes it apart again for build-script
//! diagnostics.

use std::fmt::Display;

use super::symbols::{self as sym, Place};

/// Separates a message from its help text.
pub const HELP_SEP: &str = "\n  = help: ";

/// `msg` followed by a `help:` line.
pub fn with_help(msg: impl Display, help: impl Display) -> String {
    format!("{msg}{HELP_SEP}{help}")
}

/// Splits a message made by [`with_help`] into the message and its help.
pub fn split_help(text: &str) -> (String, Option<String>) {
    match text.split_once(HELP_SEP) {
        Some((msg, help)) => (msg.to_string(), Some(help.to_string())),
        None => (text.to_string(), None),
    }
}

/// Edit distance counting insertions, deletions, substitutions and swaps
/// of neighbours (optimal string alignment), for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a typo (or
/// one is a prefix of the other: `max_length` for `max_len`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| {
            let prefix = c.len() >= 3 && word.len() >= 3 && (word.starts_with(c) || c.starts_with(word));
            (if prefix { 1 } else { edit_distance(word, c) }, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Like [`closest`] but stricter about prefixes: for attribute names, where a
/// foreign attribute that merely starts like ours (`#[skip_serializing]`)
/// must pass through. A word that is the start of one of ours
/// (`#[belongs]` for `belongs_to`) is still a typo.
pub fn closest_typo<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (if word.len() >= 5 && c.starts_with(word) { 1 } else { edit_distance(word, c) }, c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    closest(word, candidates.iter().copied()).map(|s| format!(": did you mean `{s}`?")).unwrap_or_default()
}

/// A correct use of each tablewright attribute, for help lines.
pub fn example(attr: &str) -> &'static str {
    match attr {
        sym::ENTITY => "#[entity(table = \"orgs\")]",
        sym::TENANT => "#[entity] #[tenant] pub struct Organization { ... }",
        "tenant_membership" => {
            "#[tenant(membership = OrganizationMember, role = role, admin_roles = [\"owner\", \"admin\"])]"
        }
        sym::TENANT_SCOPED => "#[tenant_scoped] or #[tenant_scoped(Organization)]",
        sym::SOFT_DELETE => "#[entity] #[soft_delete] pub struct Task { ... }",
        sym::TIMESTAMPS => "#[entity] #[timestamps] pub struct Task { ... }",
        sym::AUDITED => "#[entity] #[audited] pub struct Task { ... }, or #[audited(readable)] on a #[global] entity",
        sym::GLOBAL => "#[entity] #[global] pub struct User { ... }",
        sym::USERSTAMPS => "#[userstamps] or #[userstamps(User)]",
        sym::POLICY => "#[policy(delete, using = \"author_id = tw_current_user()\")]",
        sym::VERSIONED => "#[entity] #[versioned] pub struct Task { ... }",
        sym::INDEX => "#[index(project_id, created_at desc, where = \"deleted_at IS NULL\", include(title))]",
        sym::UNIQUE => "#[unique(project_id, slug)]",
        sym::MANY_TO_MANY => {
            "#[many_to_many(Task, Label)] pub struct TaskLabel { pub task_id: Uuid, pub label_id: Uuid }"
        }
        sym::CHECK => "#[check(name = \"ck_tasks_position\", \"position >= 0\")]",
        sym::ID => "#[id] pub id: Uuid, or #[id(auto)] pub id: i64, or #[id(cuid)] pub id: String",
        "field_unique" => "#[unique] pub slug: String,",
        "field_index" => "#[index] pub email: String,",
        sym::DEFAULT => {
            "#[default(0)], #[default(\"text\")], #[default(TaskStatus::Todo)], #[default(now)] or #[default(sql = \"now()\")]"
        }
        sym::BELONGS_TO => "#[belongs_to(Project, on_delete = cascade)] pub project_id: Uuid,",
        sym::COLUMN => "#[column(name = \"title\", max_len = 200, check = \"length(title) > 0\")]",
        sym::POLYMORPHIC => "#[polymorphic(Task, Comment)] pub entity_id: Uuid,",
        sym::SKIP => "#[skip] pub cached: Option<String>,",
        sym::DB_ENUM => "#[db_enum(name = \"task_status\")] pub enum TaskStatus { Todo, Done }",
        sym::ALLOW_LINT => "#[allow_lint(unindexed_foreign_key)]",
        sym::SEED => "#[seed(values = [\"draft\", \"live\"])]",
        _ => "",
    }
}

// ---- attribute syntax ------------------------------------------------------

pub fn unknown_option(attr: &str, key: &str, valid: &[&str], example_attr: &str) -> String {
    if valid.contains(&key) {
        // A known option in the wrong form, e.g. `#[entity(table)]` without its value.
        return with_help(
            format!("option `{key}` in `#[{attr}]` is not written that way"),
            format!("e.g. {}", example(example_attr)),
        );
    }
    with_help(
        format!("unknown option `{key}` in `#[{attr}]`{}", did_you_mean(key, valid)),
        format!("valid options are {}, e.g. {}", list(valid), example(example_attr)),
    )
}

pub fn duplicate_option(attr: &str, key: &str) -> String {
    with_help(
        format!("duplicate option `{key}` in `#[{attr}]`: it is already given earlier in this attribute"),
        format!("give `{key}` once, e.g. {}", example(attr)),
    )
}

pub fn duplicate_attribute(attr: &str, example_attr: &str) -> String {
    with_help(
        format!("duplicate `#[{attr}]`: it is already written above"),
        format!("write it once, e.g. {}", example(example_attr)),
    )
}

pub fn takes_no_arguments(attr: &str) -> String {
    with_help(format!("`#[{attr}]` takes no arguments"), format!("write `#[{attr}]`"))
}

pub fn name_value_form(attr: &str, example_attr: &str) -> String {
    with_help(
        format!("`#[{attr} = ...]` is not valid: options go in parentheses"),
        format!("e.g. {}", example(example_attr)),
    )
}

/// `#[allow_lint]` without rule names, or with something else than a name.
pub fn allow_lint_needs_rules() -> String {
    with_help(
        "`#[allow_lint(...)]` expects the names of the schema-review rules to silence",
        format!("e.g. {}", example("allow_lint")),
    )
}

/// A rule name in `#[allow_lint(...)]` that is not a rule.
pub fn unknown_lint(name: &str, valid: &[&str]) -> String {
    with_help(
        format!("unknown lint `{name}` in `#[allow_lint]`{}", did_you_mean(name, valid)),
        format!("valid rules are {}", list(valid)),
    )
}

pub fn bad_arguments(attr: &str, err: impl Display, example_attr: &str) -> String {
    with_help(format!("cannot parse `#[{attr}(...)]`: {err}"), format!("e.g. {}", example(example_attr)))
}

pub fn expected(what: &str, attr: &str, example_attr: &str) -> String {
    with_help(format!("expected {what} in `#[{attr}]`"), format!("e.g. {}", example(example_attr)))
}

pub fn unknown_attribute(name: &str, suggestion: &str) -> String {
    with_help(
        format!("unknown tablewright attribute `#[{name}]`: did you mean `#[{suggestion}]`?"),
        format!("e.g. {}", example(suggestion)),
    )
}

pub fn alias_attribute(name: &str, instead: &str) -> String {
    with_help(format!("`#[{name}]` is not a tablewright attribute"), instead)
}

pub fn entity_attr_on_field(attr: &str) -> String {
    let help = if attr == sym::CHECK {
        "put it on the struct below `#[entity]`, or for a check on this column write `#[column(check = \"price >= 0\")]`".to_string()
    } else {
        format!("put it on the struct, below `#[entity]`: {}", example(attr))
    };
    with_help(format!("`#[{attr}]` is an entity attribute: it goes on the struct, not on a field"), help)
}

pub fn field_attr_on_entity(attr: &str) -> String {
    with_help(
        format!("`#[{attr}]` is a field attribute: it goes on a field, not on the struct"),
        format!("put it on the field: {}", example(attr)),
    )
}

pub fn entity_attr_on_enum(attr: &str) -> String {
    with_help(
        format!("`#[{attr}]` does not apply to a `#[db_enum]`"),
        format!("remove it; a database enum takes only {}", example("db_enum")),
    )
}

// ---- options with values ---------------------------------------------------

pub fn unknown_value(attr: &str, key: &str, value: &str, valid: &[&str]) -> String {
    with_help(
        format!("unknown value `{value}` for `{key}` in `#[{attr}]`{}", did_you_mean(value, valid)),
        format!("valid values are {}, e.g. {}", list(valid), example(attr)),
    )
}

pub fn expected_string(attr: &str, key: &str, example_attr: &str) -> String {
    with_help(format!("`{key}` in `#[{attr}]` expects a string literal"), format!("e.g. {}", example(example_attr)))
}

pub fn expected_integer(attr: &str, key: &str, example_attr: &str) -> String {
    with_help(
        format!("`{key}` in `#[{attr}]` expects a positive integer literal"),
        format!("e.g. {}", example(example_attr)),
    )
}

pub fn expected_column_name(attr: &str, example_attr: &str) -> String {
    with_help(
        format!("expected a column name in `#[{attr}]` (optionally followed by `asc` or `desc`)"),
        format!("e.g. {}", example(example_attr)),
    )
}

pub fn bad_sort_order(word: &str) -> String {
    with_help(
        format!("unknown sort order `{word}`{}", did_you_mean(word, sym::SORT_ORDERS)),
        "write `asc` or `desc` after the column: #[index(created_at desc)]",
    )
}

pub fn empty_index(attr: &str) -> String {
    with_help(format!("`#[{attr}(...)]` needs at least one column"), format!("e.g. {}", example(attr)))
}

pub fn check_needs_expr() -> String {
    with_help("`#[check]` needs its SQL expression as a string literal", format!("e.g. {}", example("check")))
}

pub fn check_one_expr() -> String {
    with_help(
        "`#[check]` takes one SQL expression; write one `#[check]` per constraint",
        format!("e.g. {}", example("check")),
    )
}

pub fn empty_string(attr: &str, key: &str) -> String {
    with_help(format!("`{key}` in `#[{attr}]` must not be empty"), format!("e.g. {}", example(attr)))
}

// ---- item shape ------------------------------------------------------------

pub fn generic_entity(kind: &str) -> String {
    with_help(
        format!("an `#[{kind}]` cannot have generic parameters or a where clause"),
        "a table has one fixed set of columns: remove the generics",
    )
}

pub fn tuple_struct() -> String {
    with_help(
        "an `#[entity]` must be a struct with named fields: a tuple struct has no column names",
        "write `pub struct Tag { #[id] pub id: Uuid, pub name: String }`",
    )
}

pub fn unit_struct() -> String {
    with_help(
        "an `#[entity]` must be a struct with named fields: a unit struct has no columns",
        "write `pub struct Tag { #[id] pub id: Uuid, pub name: String }`",
    )
}

pub fn no_primary_key(entity: &str) -> String {
    with_help(
        format!("entity `{entity}` has no primary key"),
        "mark the key field `#[id]`: `#[id] pub id: Uuid,` (several `#[id]` fields make a composite key; a junction table uses `#[many_to_many(A, B)]`)",
    )
}

pub fn nullable_primary_key(column: &str) -> String {
    with_help(
        format!("primary key column `{column}` cannot be an `Option`: a key is never NULL"),
        "drop the `Option`: `#[id] pub id: Uuid,`",
    )
}

pub fn duplicate_column(column: &str, first_field: &str) -> String {
    with_help(
        format!("duplicate column `{column}`: field `{first_field}` already maps to it"),
        "rename one field, or give it another column name with `#[column(name = \"...\")]`",
    )
}

pub fn global_and(other: &str) -> String {
    with_help(
        format!("an entity cannot be both `#[global]` and `#[{other}]`"),
        "`#[global]` rows are shared by every tenant; `#[tenant_scoped]` rows belong to one: keep one of the two",
    )
}

/// `#[policy(...)]` given something that is not a command or option.
pub fn policy_expected() -> String {
    with_help(
        "expected a command (`select`, `insert`, `update`, `delete`) or `name`, `using`, `check` in `#[policy]`",
        format!("e.g. {}", example("policy")),
    )
}

pub fn policy_no_command() -> String {
    with_help(
        "`#[policy]` names no command: say which of `select`, `insert`, `update`, `delete` it allows",
        format!("e.g. {}", example("policy")),
    )
}

pub fn policy_bad_name(name: &str) -> String {
    with_help(
        format!("policy name `{name}` is not a plain SQL name"),
        "use lowercase letters, digits and `_`, starting with a letter, at most 63 bytes: `name = \"author_deletes\"`",
    )
}

/// `using` on an insert, or `check` on a select or delete.
pub fn policy_option_for(command: &str, option: &str, instead: &str) -> String {
    let why = if option == "using" {
        format!("`using` picks the existing rows a command reads; `{command}` reads none")
    } else {
        format!("`check` judges the rows a command writes; `{command}` writes none")
    };
    with_help(why, format!("write `{instead} = \"...\"` for `{command}`, or a separate `#[policy(...)]` per command"))
}

pub fn tenant_and_scoped() -> String {
    with_help(
        "an entity cannot be both `#[tenant]` and `#[tenant_scoped]`",
        "the tenant root (`#[tenant]`) is what `#[tenant_scoped]` entities point at: keep one of the two",
    )
}

// ---- types -----------------------------------------------------------------

pub const SUPPORTED_TYPES: &str = "String, i16, i32, i64, f32, f64, bool, Uuid, DateTime<Utc>, NaiveDateTime, NaiveDate, NaiveTime, Json, Decimal, Vec<u8>, Vec<String>, a #[db_enum] enum, or Option<T> of one of these";

pub fn unsupported_type(ty: &str, reason: &str, fix: &str) -> String {
    with_help(
        format!("unsupported column type `{ty}`: {reason}"),
        format!("{fix}; or map it yourself with `#[column(sql_type = \"...\")]`. Column types: {SUPPORTED_TYPES}"),
    )
}

pub fn id_auto_type(ty: &str) -> String {
    with_help(
        format!("`#[id(auto)]` needs an integer column, not `{ty}`"),
        "use `#[id(auto)] pub id: i64,` (or i32/i16); for a UUID key write `#[id] pub id: Uuid,`",
    )
}

pub fn id_cuid_type(ty: &str) -> String {
    with_help(format!("`#[id(cuid)]` needs a `String` column, not `{ty}`"), "use `#[id(cuid)] pub id: String,`")
}

pub fn unknown_id_kind(word: &str) -> String {
    with_help(format!("unknown key kind `{word}` in `#[id]`{}", did_you_mean(word, sym::ID_KINDS)), example("id"))
}

// ---- defaults --------------------------------------------------------------

pub fn default_mismatch(written: &str, column: &str, ty: &str, fix: &str) -> String {
    with_help(format!("default {written} does not fit column `{column}` of type `{ty}`"), fix)
}

pub fn default_out_of_range(value: &str, ty: &str) -> String {
    with_help(
        format!("default `{value}` is out of range for `{ty}`"),
        format!("use a value that fits `{ty}`, or a wider integer type"),
    )
}

/// A string default longer than its column.
pub fn default_too_long(column: &str, chars: usize, limit: u32, sized: bool) -> String {
    let (why, fix) = if sized {
        (format!("`max_len = {limit}`"), "raise the column's `max_len`".to_string())
    } else {
        (
            format!("MySQL/MariaDB makes a `String` in a key or index without `max_len` a VARCHAR({limit})"),
            format!("give the column a `max_len` of at least {chars}"),
        )
    };
    with_help(
        format!("this default is {chars} characters long, but column `{column}` holds at most {limit}: {why}"),
        format!("shorten the default to {limit} characters, or {fix}"),
    )
}

/// A numeric default with more digits than its decimal column keeps.
pub fn default_decimal(value: &str, column: &str, spec: &str, before: usize, after: u32) -> String {
    with_help(
        format!(
            "default `{value}` does not fit column `{column}` of type {spec}: at most {before} digits before the point and {after} after it"
        ),
        "write a default the column holds exactly (the databases reject a longer integer part and round a longer fraction), or widen `precision`/`scale`",
    )
}

/// A float default beyond what its column type holds.
pub fn default_float_out_of_range(value: &str, ty: &str, max: &str) -> String {
    with_help(
        format!("default `{value}` is out of range for `{ty}`: its column holds numbers up to {max}"),
        if ty == "f32" { "use a smaller value, or an `f64` column" } else { "use a smaller value" },
    )
}

pub fn default_wrong_enum(path: &str, enum_name: &str) -> String {
    with_help(
        format!("default `{path}` is not a variant of this column's enum `{enum_name}`"),
        format!("write `#[default({enum_name}::Variant)]`"),
    )
}

pub fn default_bare_variant(word: &str, enum_name: &str) -> String {
    with_help(
        format!("default `{word}` names no value: write the variant with its enum"),
        format!("e.g. `#[default({enum_name}::{word})]`"),
    )
}

/// `current_timestamp`, `CURRENT_TIMESTAMP`, `now_utc`... all mean `now`.
fn did_you_mean_now(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if lower.contains("timestamp") || lower.contains("now") || lower.starts_with("current") {
        ": did you mean `now`?".to_string()
    } else {
        did_you_mean(word, &[sym::NOW])
    }
}

pub fn default_unknown_word(word: &str) -> String {
    with_help(
        format!("unknown default `{word}`{}", did_you_mean_now(word)),
        format!("a default is {}", example("default")),
    )
}

pub fn default_one_value() -> String {
    with_help("`#[default]` takes exactly one value", format!("e.g. {}", example("default")))
}

// ---- relations -------------------------------------------------------------

pub fn set_null_not_option(key: &str, field: &str, ty: &str) -> String {
    with_help(
        format!("`{key} = set_null` needs a nullable column, but `{field}` has type `{ty}`"),
        format!("make the field `Option<{ty}>`, or use `{key} = cascade` / `restrict`"),
    )
}

pub fn belongs_to_target() -> String {
    with_help("`#[belongs_to]` needs the target entity first", format!("e.g. {}", example("belongs_to")))
}

pub fn belongs_to_and_polymorphic() -> String {
    with_help(
        "a field cannot be both `#[belongs_to]` and `#[polymorphic]`",
        "`#[polymorphic(A, B)]` links to one of several entities; `#[belongs_to(A)]` to exactly one: keep one",
    )
}

pub fn polymorphic_targets() -> String {
    with_help(
        "`#[polymorphic]` needs at least two distinct target entities",
        format!("e.g. {} (for a single target use `#[belongs_to(Task)]`)", example("polymorphic")),
    )
}

pub fn polymorphic_duplicate_target(target: &str) -> String {
    with_help(format!("`{target}` is listed twice in `#[polymorphic]`"), "list each target entity once")
}

pub fn polymorphic_column_name(column: &str) -> String {
    with_help(
        format!("the `#[polymorphic]` id column `{column}` must end in `_id`: its type column is named after it"),
        format!(
            "rename the field to `{column}_id` (its type column becomes `{column}_type`), or set `#[column(name = \"{column}_id\")]`"
        ),
    )
}

pub fn skip_with_others(attr: &str) -> String {
    with_help(
        format!("a `#[skip]` field is not a column, so `#[{attr}]` on it has no effect"),
        format!("remove `#[{attr}]`, or remove `#[skip]` to make the field a column"),
    )
}

// ---- column options ---------------------------------------------------------

pub fn max_len_not_string(ty: &str) -> String {
    with_help(
        format!("`max_len` applies to `String` columns only, not `{ty}`"),
        "e.g. `#[column(max_len = 200)] pub title: String,`",
    )
}

pub fn precision_not_decimal(key: &str, ty: &str) -> String {
    with_help(
        format!("`{key}` applies to `Decimal` columns only, not `{ty}`"),
        "e.g. `#[column(precision = 12, scale = 2)] pub amount: Decimal,`",
    )
}

pub fn scale_exceeds_precision(scale: u32, precision: u32) -> String {
    with_help(
        format!("`scale = {scale}` is larger than `precision = {precision}`"),
        "scale counts the digits after the point, out of precision digits in all: e.g. `precision = 12, scale = 2`",
    )
}

pub fn scale_without_precision() -> String {
    with_help("`scale` needs a `precision`", "e.g. `#[column(precision = 12, scale = 2)]`")
}

pub fn zero_not_allowed(key: &str) -> String {
    with_help(format!("`{key}` must be at least 1"), example("column"))
}

// ---- columns and indexes ----------------------------------------------------

pub fn unknown_column(attr: &str, name: &str, suggestion: Option<&str>, valid: &[&str]) -> String {
    let mean = suggestion.map(|s| format!(": did you mean `{s}`?")).unwrap_or_default();
    with_help(
        format!("`#[{attr}]` names unknown column `{name}`{mean}"),
        format!("columns of this entity are {} (SQL names, after `#[column(name = ...)]`)", list(valid)),
    )
}

/// SQL written in an attribute that does not parse.
pub fn fragment_not_sql(attr: &str, why: &str) -> String {
    let example = match attr {
        "check" => r#"#[check(name = "ck_price", "price >= 0")]"#,
        "column(check)" => r#"#[column(check = "length(name) BETWEEN 1 AND 80")]"#,
        "default(sql)" => r#"#[default(sql = "lower('ABC')")]"#,
        _ => r#"#[index(sku, where = "deleted_at IS NULL")]"#,
    };
    with_help(
        format!("`#[{attr}]` is not a SQL expression: {why}"),
        format!("write one SQL expression over this entity's columns, e.g. `{example}`"),
    )
}

/// `#[default(sql = "...")]` naming a column.
pub fn column_in_default(name: &str, suggestion: Option<&str>) -> String {
    let mean = suggestion.map(|s| format!(" (the column `{s}`?)")).unwrap_or_default();
    with_help(
        format!("`#[default(sql)]` names `{name}`{mean}: {}", crate::fragment::NO_COLUMNS_IN_DEFAULT),
        crate::fragment::DEFAULT_HELP,
    )
}

/// An index or constraint name with a quote character.
pub fn quote_in_name(kind: crate::limits::NameKind, name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !matches!(c, '"' | '`' | '\'')).collect();
    with_help(
        format!(
            "the name `{name}` holds a quote character, which the generated SQL cannot carry in an index or constraint name"
        ),
        format!("use letters, digits and underscores: {}", kind.fix(&cleaned)),
    )
}

/// A table or enum type name with `'`, `"` or `.`: every database takes
/// it quoted, but TypeORM splices these names into its schema queries
/// unescaped, and reads `a.b` as table `b` of schema `a`.
pub fn typeorm_cannot_read(kind: crate::limits::NameKind, name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !matches!(c, '\'' | '"' | '.')).collect();
    let what = if kind == crate::limits::NameKind::Table { "table" } else { "enum type" };
    with_help(
        format!(
            "the {what} name `{}` holds `'`, `\"` or `.`, which TypeORM cannot read back (it splices {what} names \
             into its schema queries unescaped, and reads `a.b` as `b` in schema `a`)",
            // The quotes as written: they are the point of the message.
            name.escape_debug().to_string().replace("\\'", "'").replace("\\\"", "\"")
        ),
        format!("use other characters: {}", kind.fix(&cleaned)),
    )
}

/// The same index written twice: same columns, options and name.
pub fn repeated_index(name: &str) -> String {
    with_help(
        format!("this index repeats index `{name}` declared earlier: same columns, same options"),
        "remove this one: one index serves both",
    )
}

pub fn duplicate_index_name(name: &str) -> String {
    with_help(format!("duplicate index name `{name}` in this entity"), "give one of them another `name = \"...\"`")
}

pub fn cross_cutting_type(column: &str, attr: &str, expected: &str, found: &str) -> String {
    with_help(
        format!("column `{column}` is added by `#[{attr}]` and must have type `{expected}`, not `{found}`"),
        format!("declare it as `pub {column}: {expected},` or remove the field and let `#[{attr}]` add it"),
    )
}

// ---- junctions --------------------------------------------------------------

pub fn junction_same_sides(entity: &str) -> String {
    with_help(
        format!(
            "`#[many_to_many({entity}, {entity})]` links an entity to itself: both key columns would be named the same"
        ),
        "write an ordinary entity with two `#[id]` `#[belongs_to]` fields, e.g. `follower_id` and `followed_id`",
    )
}

pub fn junction_missing_field(junction: &str, column: &str, left: &str, right: &str) -> String {
    let (a, b) = (crate::naming::key_column(left), crate::naming::key_column(right));
    with_help(
        format!("junction `{junction}` of `#[many_to_many({left}, {right})]` needs a field `{column}`"),
        format!(
            "a junction holds exactly its two keys: `pub {a}: Uuid, pub {b}: Uuid,` (the key types of `{left}` and `{right}`)"
        ),
    )
}

pub fn junction_extra_field(column: &str, left: &str, right: &str) -> String {
    let (a, b) = (crate::naming::key_column(left), crate::naming::key_column(right));
    with_help(
        format!("a `#[many_to_many({left}, {right})]` junction holds only `{a}` and `{b}`, not `{column}`"),
        "remove the field, or make this an ordinary entity with `#[id]` fields and two `#[belongs_to]`",
    )
}

pub fn junction_nullable(column: &str) -> String {
    with_help(
        format!("junction key `{column}` cannot be an `Option`: it is part of the primary key"),
        "drop the `Option`",
    )
}

pub fn junction_belongs_to() -> String {
    with_help(
        "junction keys get their foreign keys (ON DELETE CASCADE) from `#[many_to_many]`",
        "remove `#[belongs_to]` from this field",
    )
}

// ---- db_enum ----------------------------------------------------------------

pub fn enum_variant_fields(variant: &str) -> String {
    with_help(
        format!("`#[db_enum]` variants cannot carry data, but `{variant}` does"),
        format!("write a plain variant: `{variant},`; store extra data in another column (Json for structured data)"),
    )
}

pub fn enum_discriminant(variant: &str) -> String {
    with_help(
        format!("`#[db_enum]` variants are stored by name, so `{variant}` cannot have a discriminant"),
        format!("write `{variant},`: it is stored as its snake_case name"),
    )
}

pub fn enum_empty(name: &str) -> String {
    with_help(format!("`#[db_enum]` `{name}` has no variants"), example("db_enum"))
}

pub fn enum_duplicate_value(value: &str, first: &str) -> String {
    with_help(
        format!("this variant is stored as `{value}`, like `{first}` before it"),
        "rename one variant so their snake_case names differ",
    )
}

pub fn parse_failure(err: impl Display) -> String {
    format!("cannot parse this file: {err}")
}

/// `#[tenant(...)]` with membership options but without `key`.
pub fn tenant_membership_missing(key: &str) -> String {
    with_help(
        format!("membership mode needs `{key} = ...` in `#[tenant(...)]`"),
        format!("write {}, or a bare `#[tenant]` for setting mode", example("tenant_membership")),
    )
}

/// An option given twice in `#[tenant(...)]`.
pub fn tenant_duplicate_option(key: &str) -> String {
    with_help(
        format!("duplicate option `{key}` in `#[tenant]`: it is already given earlier in this attribute"),
        format!("give `{key}` once, e.g. {}", example("tenant_membership")),
    )
}

/// `admin_roles = []`.
pub fn tenant_no_admin_roles() -> String {
    with_help(
        "`admin_roles` is empty: nobody could delete rows or change memberships",
        "name the roles allowed to, e.g. `admin_roles = [\"owner\", \"admin\"]`",
    )
}

/// `#[seed]` without `key = value` arguments, or with unparsable ones.
pub fn seed_expected(on_field: bool) -> String {
    if on_field {
        with_help(
            "`#[seed(...)]` on a field expects `values = [...]` or `range = a..b`",
            "e.g. `#[seed(values = [\"draft\", \"live\"])]` or `#[seed(range = 1..100)]`",
        )
    } else {
        with_help(
            "`#[seed(...)]` on an entity expects `count = N` or `per_parent = N`",
            "e.g. `#[seed(count = 50)]` or `#[seed(per_parent = 3)]`",
        )
    }
}

/// An unknown key in `#[seed(...)]`.
pub fn seed_unknown_key(key: &str, on_field: bool) -> String {
    let valid = sym::option_names(sym::SEED, if on_field { Place::Field } else { Place::Entity });
    with_help(
        format!("unknown `#[seed]` option `{key}`{}", did_you_mean(key, &valid)),
        format!(
            "{} `#[seed]` takes {}",
            if on_field { "a field's" } else { "an entity's" },
            valid.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ")
        ),
    )
}

/// `values = ...` that is not a non-empty array of literals.
pub fn seed_values() -> String {
    with_help(
        "`values` expects a non-empty list of string, number or bool literals",
        "e.g. `#[seed(values = [\"draft\", \"live\"])]`",
    )
}

/// `range = ...` that is not an integer range.
pub fn seed_range() -> String {
    with_help(
        "`range` expects a non-empty range of whole numbers",
        "e.g. `#[seed(range = 1..100)]` or `#[seed(range = 0..=10)]`",
    )
}

pub fn seed_values_and_range() -> String {
    with_help("`#[seed]` takes `values` or `range`, not both", "keep one of them")
}

/// `count = ...` / `per_parent = ...` that is not a non-negative integer.
pub fn seed_count(key: &str) -> String {
    with_help(format!("`{key}` expects a whole number of rows"), format!("e.g. `#[seed({key} = 3)]`"))
}

pub fn seed_count_and_per_parent() -> String {
    with_help("`#[seed]` takes `count` or `per_parent`, not both", "keep one of them")
}

pub fn db_enum_on_struct() -> String {
    with_help("`#[db_enum]` marks an enum, not a struct or a field", example("db_enum"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("nmae", ["name", "table"]), Some("name"));
        assert_eq!(closest("max_length", ["name", "max_len"]), Some("max_len"));
        assert_eq!(closest("on_delet", ["on_delete", "on_update"]), Some("on_delete"));
        assert_eq!(closest("zzz", ["name", "table"]), None);
        assert_eq!(closest_typo("skipper", ["skip"]), None);
        assert_eq!(closest_typo("timestamp", ["timestamps"]), Some("timestamps"));
        assert_eq!(split_help(&with_help("a", "b")), ("a".to_string(), Some("b".to_string())));
    }
}
