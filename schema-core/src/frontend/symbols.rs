//! Every attribute and option name of the DSL, in one table: which
//! attributes are tablewright's, where each is written, the options it takes
//! there and what each option takes.
//!
//! The attribute readers ([`super::attr`] and its siblings) dispatch on the
//! constants below, the scanner and the macros' forwarders ask
//! [`attribute`], "did you mean" candidates come from [`ATTRIBUTES`] and the
//! option lists, and the fuzzer draws its words from [`words`]. The macro
//! crate and the facade's prelude must name their macros as identifiers;
//! a test there compares them with [`macro_names`].
//!
//! (serde_derive keeps its names in `symbol.rs` for the same reason.)

/// `#[entity]` / `#[entity(table = "...")]`: the struct is a table.
pub const ENTITY: &str = "entity";
/// `#[tenant]`: the tenant root.
pub const TENANT: &str = "tenant";
/// `#[tenant_scoped]` / `#[tenant_scoped(Organization)]`.
pub const TENANT_SCOPED: &str = "tenant_scoped";
/// `#[global]`: shared by every tenant.
pub const GLOBAL: &str = "global";
/// `#[soft_delete]`: adds `deleted_at`.
pub const SOFT_DELETE: &str = "soft_delete";
/// `#[timestamps]`: adds `created_at` and `updated_at`.
pub const TIMESTAMPS: &str = "timestamps";
/// `#[userstamps]` / `#[userstamps(User)]`: adds `created_by` and `updated_by`.
pub const USERSTAMPS: &str = "userstamps";
/// `#[audited]` / `#[audited(readable)]`.
pub const AUDITED: &str = "audited";
/// `#[versioned]`: adds `version`.
pub const VERSIONED: &str = "versioned";
/// `#[many_to_many(A, B)]`: a junction.
pub const MANY_TO_MANY: &str = "many_to_many";
/// `#[check(name = "...", "expr")]`.
pub const CHECK: &str = "check";
/// `#[policy(...)]`: a row-level-security policy.
pub const POLICY: &str = "policy";
/// `#[id]`, `#[id(auto)]`, `#[id(cuid)]`.
pub const ID: &str = "id";
/// `#[default(...)]`.
pub const DEFAULT: &str = "default";
/// `#[belongs_to(Target, ...)]`.
pub const BELONGS_TO: &str = "belongs_to";
/// `#[column(...)]`.
pub const COLUMN: &str = "column";
/// `#[polymorphic(A, B, ...)]`.
pub const POLYMORPHIC: &str = "polymorphic";
/// `#[skip]`: not a column.
pub const SKIP: &str = "skip";
/// `#[index(...)]`, on the struct or a field.
pub const INDEX: &str = "index";
/// `#[unique(...)]`, on the struct or a field.
pub const UNIQUE: &str = "unique";
/// `#[allow_lint(rule, ...)]`, on the struct or a field.
pub const ALLOW_LINT: &str = "allow_lint";
/// `#[seed(...)]`, on the struct or a field.
pub const SEED: &str = "seed";
/// `#[db_enum]` / `#[db_enum(name = "...")]`: the enum is a database enum.
pub const DB_ENUM: &str = "db_enum";

/// The path prefix that also names our attributes: `#[tablewright::id]`.
pub const CRATE: &str = "tablewright";

/// What an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Takes {
    /// Nothing: the option is a bare word (`unique`, `deferrable`, `select`).
    Flag,
    /// A non-empty string literal: `name = "ck_price"`.
    Str,
    /// A positive integer literal: `max_len = 200`.
    Int,
    /// A whole number of rows: `count = 50`.
    Count,
    /// An entity: `membership = OrganizationMember`.
    Entity,
    /// A column name: `role = role`.
    Column,
    /// One of these words: `on_delete = cascade`.
    OneOf(&'static [&'static str]),
    /// Column names in parentheses: `include(title)`.
    Columns,
    /// A bracketed list of strings: `admin_roles = ["owner"]`.
    Strings,
    /// A bracketed list of string, number or bool literals: `values = ["a", 3]`.
    Literals,
    /// A range of whole numbers: `range = 1..100` or `0..=10`.
    Range,
}

/// One option of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt {
    pub name: &'static str,
    pub takes: Takes,
}

const fn opt(name: &'static str, takes: Takes) -> Opt {
    Opt { name, takes }
}

/// Where an attribute is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// On an `#[entity]` struct.
    Entity,
    /// On a field of one.
    Field,
    /// On a `#[db_enum]` enum.
    Enum,
}

/// One tablewright attribute.
#[derive(Clone, Copy, Debug)]
pub struct AttrDef {
    pub name: &'static str,
    /// The options it takes on a struct; `None` when it is not written there.
    pub on_entity: Option<&'static [Opt]>,
    /// The options it takes on a field; `None` when it is not written there.
    pub on_field: Option<&'static [Opt]>,
    /// Whether it is a macro of its own that, written above `#[entity]`,
    /// moves itself below it (the macro crate's forwarders).
    pub forwards: bool,
}

impl AttrDef {
    /// The options it takes at `place` (empty where it is not written).
    pub fn options(&self, place: Place) -> &'static [Opt] {
        let opts = match place {
            Place::Entity => self.on_entity,
            Place::Field => self.on_field,
            Place::Enum => (self.name == DB_ENUM).then_some(DB_ENUM_OPTIONS),
        };
        opts.unwrap_or(&[])
    }

    /// The names of [`Self::options`], in the order messages list them.
    pub fn option_names(&self, place: Place) -> Vec<&'static str> {
        self.options(place).iter().map(|o| o.name).collect()
    }
}

/// `on_delete` / `on_update` of `#[belongs_to]`.
pub const ACTIONS: &[&str] = &["cascade", "restrict", "set_null", "set_default", "no_action"];
/// `on_delete` of `#[polymorphic]`.
pub const POLYMORPHIC_ACTIONS: &[&str] = &["cascade", "restrict"];
/// The kinds of `#[id(...)]`.
pub const ID_KINDS: &[&str] = &["auto", "cuid"];
/// `#[default(now)]`: the time of the insert.
pub const NOW: &str = "now";
/// Sort orders after an index column.
pub const SORT_ORDERS: &[&str] = &["asc", "desc"];

const NONE: Option<&[Opt]> = Some(&[]);
const NAME: &[Opt] = &[opt("name", Takes::Str)];
const DB_ENUM_OPTIONS: &[Opt] = NAME;

/// Every tablewright attribute. The order is the one "did you mean" breaks
/// ties in: entity attributes, field attributes, both, then `db_enum`.
pub const ATTRIBUTES: &[AttrDef] = &[
    def(ENTITY, Some(&[opt("table", Takes::Str), opt("renamed_from", Takes::Str)]), None, false),
    def(
        TENANT,
        Some(&[
            opt("membership", Takes::Entity),
            opt("role", Takes::Column),
            opt("admin_roles", Takes::Strings),
            opt("read_only_roles", Takes::Strings),
            opt("user", Takes::Column),
        ]),
        None,
        true,
    ),
    def(TENANT_SCOPED, NONE, None, true),
    def(GLOBAL, NONE, None, true),
    def(SOFT_DELETE, NONE, None, true),
    def(TIMESTAMPS, NONE, None, true),
    def(USERSTAMPS, NONE, None, true),
    def(AUDITED, Some(&[opt("readable", Takes::Flag)]), None, true),
    def(VERSIONED, NONE, None, true),
    def(MANY_TO_MANY, NONE, None, true),
    def(CHECK, Some(NAME), None, true),
    def(
        POLICY,
        Some(&[
            opt("select", Takes::Flag),
            opt("insert", Takes::Flag),
            opt("update", Takes::Flag),
            opt("delete", Takes::Flag),
            opt("name", Takes::Str),
            opt("using", Takes::Str),
            opt("check", Takes::Str),
        ]),
        None,
        true,
    ),
    def(ID, None, Some(&[opt("auto", Takes::Flag), opt("cuid", Takes::Flag)]), false),
    def(DEFAULT, None, Some(&[opt("sql", Takes::Str)]), false),
    def(
        BELONGS_TO,
        None,
        Some(&[
            opt("on_delete", Takes::OneOf(ACTIONS)),
            opt("on_update", Takes::OneOf(ACTIONS)),
            opt("deferrable", Takes::Flag),
        ]),
        false,
    ),
    def(
        COLUMN,
        None,
        Some(&[
            opt("name", Takes::Str),
            opt("max_len", Takes::Int),
            opt("precision", Takes::Int),
            opt("scale", Takes::Int),
            opt("check", Takes::Str),
            opt("sql_type", Takes::Str),
            opt("renamed_from", Takes::Str),
            opt("backfill", Takes::Str),
            opt("using", Takes::Str),
            opt("dual_write", Takes::Flag),
        ]),
        false,
    ),
    def(POLYMORPHIC, None, Some(&[opt("on_delete", Takes::OneOf(POLYMORPHIC_ACTIONS))]), false),
    def(SKIP, None, NONE, false),
    def(
        INDEX,
        Some(&[
            opt("unique", Takes::Flag),
            opt("where", Takes::Str),
            opt("include", Takes::Columns),
            opt("name", Takes::Str),
        ]),
        Some(NAME),
        true,
    ),
    def(
        UNIQUE,
        Some(&[opt("where", Takes::Str), opt("include", Takes::Columns), opt("name", Takes::Str)]),
        Some(NAME),
        true,
    ),
    def(ALLOW_LINT, NONE, NONE, true),
    def(
        SEED,
        Some(&[opt("count", Takes::Count), opt("per_parent", Takes::Count)]),
        Some(&[opt("values", Takes::Literals), opt("range", Takes::Range)]),
        true,
    ),
    def(DB_ENUM, None, None, false),
];

const fn def(
    name: &'static str,
    on_entity: Option<&'static [Opt]>,
    on_field: Option<&'static [Opt]>,
    forwards: bool,
) -> AttrDef {
    AttrDef { name, on_entity, on_field, forwards }
}

/// The attribute called `name`, if it is one of ours.
pub fn attribute(name: &str) -> Option<&'static AttrDef> {
    ATTRIBUTES.iter().find(|a| a.name == name)
}

/// Every attribute name, in [`ATTRIBUTES`] order.
pub fn attribute_names() -> impl Iterator<Item = &'static str> {
    ATTRIBUTES.iter().map(|a| a.name)
}

/// The options `attr` takes at `place`, by name (empty for an unknown attribute).
pub fn option_names(attr: &str, place: Place) -> Vec<&'static str> {
    attribute(attr).map(|a| a.option_names(place)).unwrap_or_default()
}

/// Whether `name` is an attribute that forwards itself to below `#[entity]`.
pub fn forwards(name: &str) -> bool {
    attribute(name).is_some_and(|a| a.forwards)
}

/// The attributes that forward themselves, in [`ATTRIBUTES`] order.
pub fn forwarded() -> impl Iterator<Item = &'static str> {
    ATTRIBUTES.iter().filter(|a| a.forwards).map(|a| a.name)
}

/// Every attribute that is a macro: `entity`, `db_enum` and the forwarded
/// ones. The macro crate defines exactly these and the prelude re-exports them.
pub fn macro_names() -> impl Iterator<Item = &'static str> {
    [ENTITY, DB_ENUM].into_iter().chain(forwarded())
}

/// Attributes of other tools and of Rust itself that are never mistaken for
/// a misspelled one of ours.
pub const OTHER_TOOLS: &[&str] = &[
    "doc",
    "cfg",
    "cfg_attr",
    "allow",
    "warn",
    "deny",
    "forbid",
    "expect",
    "derive",
    "must_use",
    "deprecated",
    "non_exhaustive",
    "repr",
    "inline",
    "serde",
    "track_caller",
    "automatically_derived",
    "rustfmt",
    "clippy",
    "test",
    "ignore",
    "diagnostic",
    "doc_cfg",
    "schemars",
    "validate",
    "sqlx",
    "diesel",
    "sea_orm",
];

/// Other ORMs' spellings of what we say another way, with what to write instead.
pub const ALIASES: &[(&[&str], &str)] = &[
    (&["primary_key", "pk", "primary"], "mark the key field `#[id]`: `#[id] pub id: Uuid,`"),
    (&["foreign_key", "references", "fk"], "write `#[belongs_to(Project)] pub project_id: Uuid,`"),
    (&["auto_increment", "autoincrement", "serial"], "write `#[id(auto)] pub id: i64,`"),
    (&["nullable"], "make the field an `Option<T>`: `pub note: Option<String>,`"),
    (&["table", "table_name"], "write `#[entity(table = \"orgs\")]`"),
];

/// What to write instead of the foreign attribute `name`, if it is an alias.
pub fn alias(name: &str) -> Option<&'static str> {
    ALIASES.iter().find(|(names, _)| names.contains(&name)).map(|(_, help)| *help)
}

/// Every word of the DSL: attribute names, option names and the words
/// options take (for the fuzzer), each once, in table order.
pub fn words() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut push = |w: &'static str| {
        if !out.contains(&w) {
            out.push(w);
        }
    };
    for a in ATTRIBUTES {
        push(a.name);
    }
    for a in ATTRIBUTES {
        for place in [Place::Entity, Place::Field, Place::Enum] {
            for o in a.options(place) {
                push(o.name);
                if let Takes::OneOf(values) = o.takes {
                    values.iter().copied().for_each(&mut push);
                }
            }
        }
    }
    for w in ID_KINDS.iter().chain(SORT_ORDERS).chain(&[NOW]) {
        push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_attribute_has_an_example() {
        let names: Vec<&str> = attribute_names().collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "{n} twice");
            assert!(!super::super::messages::example(n).is_empty(), "no example for #[{n}]");
        }
        for a in ATTRIBUTES {
            for place in [Place::Entity, Place::Field] {
                let opts = a.option_names(place);
                for (i, o) in opts.iter().enumerate() {
                    assert!(!opts[..i].contains(o), "#[{}] lists option {o} twice", a.name);
                }
            }
        }
    }

    #[test]
    fn the_table_knows_where_each_attribute_goes() {
        assert_eq!(option_names(COLUMN, Place::Field)[..2], ["name", "max_len"]);
        assert!(option_names(COLUMN, Place::Entity).is_empty());
        assert_eq!(option_names(DB_ENUM, Place::Enum), ["name"]);
        assert!(forwards(SOFT_DELETE) && !forwards(ENTITY) && !forwards(ID));
        assert_eq!(macro_names().count(), 17);
        assert_eq!(alias("pk"), alias("primary_key"));
        let words = words();
        assert!(words.contains(&"set_null") && words.contains(&"desc") && words.contains(&"per_parent"));
    }
}
