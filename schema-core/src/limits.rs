//! What each database accepts: one table of the limits of every dialect
//! tablewright writes migrations for ([`LIMITS`]), and the rules that read
//! it. A schema that compiles must be accepted by every database, so the
//! front end ([`crate::frontend::check`], per item, spanned on the token at
//! fault) and the whole-schema checks ([`crate::validate`]) ask these rules
//! and fail the build with the limit and a fix; nothing is left for a
//! database to truncate silently or reject at deploy time.
//!
//! The MySQL row holds the stricter of MySQL 8 and MariaDB 10.11 where the
//! two differ (the migrations are written for both): 16 index columns and a
//! DECIMAL scale of 30 are MySQL 8's; MariaDB allows 32 and 38.
//!
//! Every rule returns a [`Violation`]: one message naming every database
//! that refuses the value (each message once, however many dialects object)
//! and a `help` line with a fix.
//!
//! ```
//! use tablewright_core::limits::{self, NameKind};
//! let long = "x".repeat(70);
//! let v = limits::identifier(NameKind::Table, &long).unwrap();
//! assert!(v.message.contains("70 bytes"), "{}", v.message);
//! assert!(v.message.contains("PostgreSQL allows 63 bytes"), "{}", v.message);
//! assert!(v.help.contains("#[entity(table = "), "{}", v.help);
//! assert!(limits::identifier(NameKind::Column, "due_date").is_none());
//! ```

use crate::types::Dialect;

/// A length limit, counted the way the database counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    /// UTF-8 bytes (PostgreSQL's `NAMEDATALEN - 1`).
    Bytes(usize),
    /// Characters (MySQL and MariaDB).
    Chars(usize),
}

impl Length {
    /// Whether `text` fits.
    pub fn fits(self, text: &str) -> bool {
        match self {
            Length::Bytes(n) => text.len() <= n,
            Length::Chars(n) => text.chars().count() <= n,
        }
    }

    fn describe(self) -> String {
        match self {
            Length::Bytes(n) => format!("{n} bytes"),
            Length::Chars(n) => format!("{n} characters"),
        }
    }

    /// The longest prefix of `text` that fits, cut on a character boundary.
    fn cut(self, text: &str) -> &str {
        let mut end = 0;
        for (count, (i, c)) in text.char_indices().enumerate() {
            let next = i + c.len_utf8();
            let fits = match self {
                Length::Bytes(n) => next <= n,
                Length::Chars(n) => count < n,
            };
            if !fits {
                break;
            }
            end = next;
        }
        &text[..end]
    }
}

/// How a dialect treats identity (auto-increment) columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityRules {
    /// At most one identity column per table.
    pub one_per_table: bool,
    /// An identity column in a composite key must be the key's first column
    /// (InnoDB needs an index that starts with it).
    pub first_in_key: bool,
}

/// Which names a dialect compares without regard to case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseFolding {
    pub tables: bool,
    pub columns: bool,
    pub indexes: bool,
}

/// Where index names must be unique.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexNames {
    /// In the whole schema, shared with table (and type) names.
    WithTables,
    /// Within one table.
    PerTable,
}

/// The limits of one dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DialectLimits {
    pub dialect: Dialect,
    /// The database's name in messages.
    pub database: &'static str,
    /// Longest table, column, type, index and constraint name.
    pub identifier: Option<Length>,
    /// Longest stored enum value (PostgreSQL enum label, MySQL ENUM member).
    pub enum_value: Option<Length>,
    /// Most columns in one index or key (PostgreSQL counts `INCLUDE` columns too).
    pub index_columns: Option<usize>,
    /// Most bytes in one index key (utf8mb4: 4 bytes per character).
    pub index_key_bytes: Option<usize>,
    /// Most bytes in one row, TEXT and BLOB columns not counted (utf8mb4).
    pub row_bytes: Option<usize>,
    /// Largest DECIMAL / NUMERIC precision.
    pub decimal_precision: Option<u32>,
    /// Largest DECIMAL / NUMERIC scale.
    pub decimal_scale: Option<u32>,
    /// Largest `VARCHAR(N)`.
    pub varchar_length: Option<u32>,
    pub identity: IdentityRules,
    /// Column names the database keeps for itself, even quoted.
    pub reserved_columns: &'static [&'static str],
    /// Type names the database resolves to its own types first (an enum
    /// type of one of these names would not be the column's type).
    pub reserved_types: &'static [&'static str],
    /// A prefix the database keeps for its own tables, indexes (and, where
    /// the dialect has named types, types), compared without case.
    pub reserved_prefix: Option<&'static str>,
    /// Whether a name may end with a space.
    pub trailing_space: bool,
    /// Whether names may hold characters outside the Basic Multilingual
    /// Plane (MySQL stores names as utf8mb3).
    pub supplementary_chars: bool,
    /// Whether a JSON, BLOB or array column can be part of an index.
    pub indexes_blobs: bool,
    pub case_folding: CaseFolding,
    pub index_names: IndexNames,
}

/// PostgreSQL 15's system columns: no user column may be named one, quoted or not.
pub const POSTGRES_SYSTEM_COLUMNS: &[&str] = &["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"];

/// PostgreSQL 15's built-in type names (`pg_catalog`, searched before the
/// schema's own types even when quoted) and the SQL spellings its grammar
/// maps to them (`int`, `integer`, `double`, ...): an enum type of one of
/// these names is silently not the enum.
pub const POSTGRES_TYPE_NAMES: &[&str] = &[
    "aclitem",
    "any",
    "anyarray",
    "anycompatible",
    "anycompatiblearray",
    "anycompatiblemultirange",
    "anycompatiblenonarray",
    "anycompatiblerange",
    "anyelement",
    "anyenum",
    "anymultirange",
    "anynonarray",
    "anyrange",
    "bigint",
    "bigserial",
    "bit",
    "bool",
    "boolean",
    "box",
    "bpchar",
    "bytea",
    "char",
    "character",
    "cid",
    "cidr",
    "circle",
    "cstring",
    "date",
    "datemultirange",
    "daterange",
    "dec",
    "decimal",
    "double",
    "event_trigger",
    "fdw_handler",
    "float",
    "float4",
    "float8",
    "gtsvector",
    "index_am_handler",
    "inet",
    "int",
    "int2",
    "int2vector",
    "int4",
    "int4multirange",
    "int4range",
    "int8",
    "int8multirange",
    "int8range",
    "integer",
    "internal",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "language_handler",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "national",
    "nchar",
    "numeric",
    "nummultirange",
    "numrange",
    "oid",
    "oidvector",
    "path",
    "point",
    "polygon",
    "real",
    "record",
    "refcursor",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "serial",
    "smallint",
    "smallserial",
    "table_am_handler",
    "text",
    "tid",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "trigger",
    "tsm_handler",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "unknown",
    "uuid",
    "varbit",
    "varchar",
    "void",
    "xid",
    "xid8",
    "xml",
];

/// The limits of every dialect, in [`Dialect::ALL`] order. docs/dialects.md prints
/// this table ([`markdown_table`]; a test keeps the copy identical).
pub const LIMITS: [DialectLimits; 3] = [
    DialectLimits {
        dialect: Dialect::Postgres,
        database: "PostgreSQL",
        identifier: Some(Length::Bytes(63)),
        enum_value: Some(Length::Bytes(63)),
        index_columns: Some(32),
        index_key_bytes: None,
        row_bytes: None,
        decimal_precision: Some(1000),
        decimal_scale: Some(1000),
        varchar_length: Some(10_485_760),
        identity: IdentityRules { one_per_table: false, first_in_key: false },
        reserved_columns: POSTGRES_SYSTEM_COLUMNS,
        reserved_types: POSTGRES_TYPE_NAMES,
        reserved_prefix: Some("pg_"),
        trailing_space: true,
        supplementary_chars: true,
        indexes_blobs: true,
        case_folding: CaseFolding { tables: false, columns: false, indexes: false },
        index_names: IndexNames::WithTables,
    },
    DialectLimits {
        dialect: Dialect::Mysql,
        database: "MySQL/MariaDB",
        identifier: Some(Length::Chars(64)),
        enum_value: Some(Length::Chars(255)),
        index_columns: Some(16),
        index_key_bytes: Some(3072),
        row_bytes: Some(65_535),
        decimal_precision: Some(65),
        decimal_scale: Some(30),
        varchar_length: Some(16_383),
        identity: IdentityRules { one_per_table: true, first_in_key: true },
        reserved_columns: &[],
        reserved_types: &[],
        reserved_prefix: None,
        trailing_space: false,
        supplementary_chars: false,
        indexes_blobs: false,
        case_folding: CaseFolding { tables: false, columns: true, indexes: true },
        index_names: IndexNames::PerTable,
    },
    DialectLimits {
        dialect: Dialect::Sqlite,
        database: "SQLite",
        identifier: None,
        enum_value: None,
        index_columns: None,
        index_key_bytes: None,
        row_bytes: None,
        decimal_precision: None,
        decimal_scale: None,
        varchar_length: None,
        identity: IdentityRules { one_per_table: false, first_in_key: false },
        reserved_columns: &[],
        reserved_types: &[],
        reserved_prefix: Some("sqlite_"),
        trailing_space: true,
        supplementary_chars: true,
        indexes_blobs: true,
        case_folding: CaseFolding { tables: true, columns: true, indexes: true },
        index_names: IndexNames::WithTables,
    },
];

/// The limits of one dialect.
pub fn of(dialect: Dialect) -> &'static DialectLimits {
    LIMITS.iter().find(|l| l.dialect == dialect).expect("every dialect has a row in LIMITS")
}

/// A limit a schema exceeds: what and where it breaks, and a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub message: String,
    pub help: String,
}

impl Violation {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Violation { message: message.into(), help: help.into() }
    }
}

/// What a name names, for messages and for the attribute that changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Table,
    Column,
    /// A `#[db_enum]`'s PostgreSQL type name.
    EnumType,
    /// A stored enum value (a variant's snake_case name).
    EnumValue,
    /// An index or key name given with `name = "..."`.
    Index,
    /// A CHECK constraint name given with `name = "..."`.
    Constraint,
}

impl NameKind {
    fn noun(self) -> &'static str {
        match self {
            NameKind::Table => "table name",
            NameKind::Column => "column name",
            NameKind::EnumType => "enum type name",
            NameKind::EnumValue => "enum value",
            NameKind::Index => "index name",
            NameKind::Constraint => "constraint name",
        }
    }

    /// The attribute that sets the name, with `name` in it.
    pub fn fix(self, name: &str) -> String {
        let lit = format!("{name:?}");
        match self {
            NameKind::Table => format!("#[entity(table = {lit})]"),
            NameKind::Column => format!("#[column(name = {lit})]"),
            NameKind::EnumType => format!("#[db_enum(name = {lit})]"),
            NameKind::EnumValue => format!("a variant stored as {lit}"),
            NameKind::Index => format!("name = {lit} in the index attribute"),
            NameKind::Constraint => format!("#[check(name = {lit}, \"...\")]"),
        }
    }
}

/// The databases whose limits satisfy `pick`.
fn databases_where(pick: impl Fn(&DialectLimits) -> bool) -> Vec<&'static str> {
    LIMITS.iter().filter(|l| pick(l)).map(|l| l.database).collect()
}

/// `(database, limit)` of every dialect whose `limit` is exceeded by `value`.
fn exceeded<T: Copy + PartialOrd>(value: T, limit: impl Fn(&DialectLimits) -> Option<T>) -> Vec<(&'static str, T)> {
    LIMITS.iter().filter_map(|l| limit(l).filter(|m| value > *m).map(|m| (l.database, m))).collect()
}

/// `PostgreSQL` / `PostgreSQL and MySQL/MariaDB` / `A, B and C`.
fn databases(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A name every database accepts for `kind`: not too long for any of them,
/// no NUL, no trailing space or character outside the Basic Multilingual
/// Plane (MySQL), not a PostgreSQL system column, no `sqlite_` prefix on a
/// table or index.
pub fn identifier(kind: NameKind, name: &str) -> Option<Violation> {
    identifier_described(kind, name, &format!("the {} `{}`", kind.noun(), name.escape_debug()))
}

/// [`identifier`], with the name described as `described` in the message
/// (`the column name `x` (the type column of `#[polymorphic]`)`).
pub fn identifier_described(kind: NameKind, name: &str, described: &str) -> Option<Violation> {
    let noun = kind.noun();
    if name.is_empty() {
        return Some(Violation::new(format!("the {noun} is empty"), format!("give it a name: {}", kind.fix("name"))));
    }
    if name.contains('\0') {
        return Some(Violation::new(
            format!("{described} holds a NUL character, which no database allows in a name"),
            format!("remove it: {}", kind.fix(&name.replace('\0', ""))),
        ));
    }
    let limit_of = |l: &DialectLimits| if kind == NameKind::EnumValue { l.enum_value } else { l.identifier };
    let over: Vec<(&DialectLimits, Length)> =
        LIMITS.iter().filter_map(|l| limit_of(l).filter(|len| !len.fits(name)).map(|len| (l, len))).collect();
    if !over.is_empty() {
        let allowed: Vec<String> =
            over.iter().map(|(l, len)| format!("{} allows {}", l.database, len.describe())).collect();
        let silently = if over.iter().any(|(l, _)| l.dialect == Dialect::Postgres) && kind != NameKind::EnumValue {
            " (PostgreSQL would cut it short without an error)"
        } else {
            ""
        };
        let tightest =
            over.iter().map(|(_, len)| len.cut(name)).min_by_key(|s| s.len()).unwrap_or(name).trim_end_matches('_');
        let chars = name.chars().count();
        let size = if chars == name.len() {
            format!("{} bytes", name.len())
        } else {
            format!("{} bytes ({chars} characters)", name.len())
        };
        return Some(Violation::new(
            format!("{described} is {size} long: {}{silently}", allowed.join(" and ")),
            format!("choose a shorter name, e.g. {}", kind.fix(tightest)),
        ));
    }
    let strict = databases_where(|l| !l.trailing_space);
    if name.ends_with(' ') && !strict.is_empty() && kind != NameKind::EnumValue {
        return Some(Violation::new(
            format!("{described} ends with a space, which {} does not allow in a name", databases(&strict)),
            format!("drop the trailing space: {}", kind.fix(name.trim_end())),
        ));
    }
    let bmp = databases_where(|l| !l.supplementary_chars);
    if let Some(c) = name.chars().find(|c| u32::from(*c) > 0xFFFF)
        && !bmp.is_empty()
        && kind != NameKind::EnumValue
    {
        return Some(Violation::new(
            format!(
                "{described} holds `{c}` (U+{:04X}), which {} cannot store in a name (names are utf8mb3: \
                 only characters up to U+FFFF)",
                u32::from(c),
                databases(&bmp)
            ),
            format!("use characters of the Basic Multilingual Plane: {}", kind.fix(&name.replace(c, "_"))),
        ));
    }
    if kind == NameKind::Column {
        let system: Vec<&str> = databases_where(|l| l.reserved_columns.contains(&name));
        if !system.is_empty() {
            return Some(Violation::new(
                format!(
                    "`{name}` is a system column of {}: no table may have a column of that name",
                    databases(&system)
                ),
                format!("choose another name, e.g. {}", kind.fix(&format!("{name}_value"))),
            ));
        }
    }
    if kind == NameKind::EnumType {
        let builtin = databases_where(|l| l.reserved_types.contains(&name.to_lowercase().as_str()));
        if !builtin.is_empty() {
            return Some(Violation::new(
                format!(
                    "{described} is the name of a built-in type of {}, which wins over the enum wherever the \
                     name is written, quoted or not",
                    databases(&builtin)
                ),
                format!("choose another name, e.g. {}", kind.fix(&format!("{name}_kind"))),
            ));
        }
    }
    if matches!(kind, NameKind::Table | NameKind::Index | NameKind::EnumType) {
        for l in &LIMITS {
            let Some(prefix) = l.reserved_prefix else { continue };
            // Only PostgreSQL has named types.
            if kind == NameKind::EnumType && l.reserved_types.is_empty() {
                continue;
            }
            if name.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix)) {
                return Some(Violation::new(
                    format!("{described} starts with `{prefix}`, which {} reserves for its own objects", l.database),
                    format!("choose another name, e.g. {}", kind.fix(&format!("t_{name}"))),
                ));
            }
        }
    }
    None
}

/// The longest name every dialect accepts as an identifier, in bytes (a
/// name this short passes [`identifier`]'s length rule everywhere).
pub fn identifier_bytes() -> usize {
    LIMITS
        .iter()
        .filter_map(|l| l.identifier)
        .map(|len| match len {
            Length::Bytes(n) | Length::Chars(n) => n,
        })
        .min()
        .unwrap_or(usize::MAX)
}

/// `precision` and `scale` of a decimal column, against every dialect.
pub fn decimal(precision: u32, scale: u32) -> Option<Violation> {
    let mut problems = Vec::new();
    for l in &LIMITS {
        if let Some(max) = l.decimal_precision.filter(|m| precision > *m) {
            problems.push((l.database, format!("{} allows a precision of at most {max}", l.database), "precision"));
        } else if let Some(max) = l.decimal_scale.filter(|m| scale > *m) {
            problems.push((l.database, format!("{} allows a scale of at most {max}", l.database), "scale"));
        }
    }
    if problems.is_empty() {
        return None;
    }
    let precision_max = LIMITS.iter().filter_map(|l| l.decimal_precision).min().unwrap_or(precision);
    let scale_max = LIMITS.iter().filter_map(|l| l.decimal_scale).min().unwrap_or(scale);
    let what: Vec<String> = problems.iter().map(|(_, p, _)| p.clone()).collect();
    Some(Violation::new(
        format!("`precision = {precision}, scale = {scale}` is too large: {}", what.join(" and ")),
        format!(
            "use at most `precision = {precision_max}, scale = {}` (e.g. `precision = 38, scale = 10`); for larger \
             numbers use `#[column(sql_type = \"...\")]` and accept the dialect differences",
            scale_max.min(precision_max)
        ),
    ))
}

/// `max_len` of a string column, against every dialect's largest VARCHAR.
pub fn varchar(max_len: u32) -> Option<Violation> {
    let over = exceeded(max_len, |l| l.varchar_length);
    if over.is_empty() {
        return None;
    }
    let allowed: Vec<String> = over.iter().map(|(db, m)| format!("{db} allows VARCHAR({m})")).collect();
    let max = over.iter().map(|(_, m)| *m).min().unwrap_or(max_len);
    Some(Violation::new(
        format!("`max_len = {max_len}` is too long for a VARCHAR: {}", allowed.join(" and ")),
        format!("use `max_len = {max}` or less, or drop `max_len` for an unbounded TEXT column"),
    ))
}

/// The number of columns of one index or key (`include` columns counted
/// where the dialect counts them).
pub fn index_columns(what: &str, columns: usize, include: usize) -> Option<Violation> {
    let over: Vec<(&str, usize, usize)> = LIMITS
        .iter()
        .filter_map(|l| {
            let counted = columns + if l.dialect == Dialect::Postgres { include } else { 0 };
            l.index_columns.filter(|m| counted > *m).map(|m| (l.database, m, counted))
        })
        .collect();
    if over.is_empty() {
        return None;
    }
    let allowed: Vec<String> =
        over.iter().map(|(db, m, counted)| format!("{db} allows {m} (this one has {counted})")).collect();
    let max = over.iter().map(|(_, m, _)| *m).min().unwrap_or(columns);
    Some(Violation::new(
        format!("{what} has too many columns: {}", allowed.join(" and ")),
        format!("keep it to {max} columns (covering `include(...)` columns count on PostgreSQL)"),
    ))
}

/// A second identity column in one table.
pub fn second_identity(column: &str, first: &str) -> Option<Violation> {
    let strict = databases_where(|l| l.identity.one_per_table);
    (!strict.is_empty()).then(|| {
        Violation::new(
            format!(
                "`{column}` is a second `#[id(auto)]` column after `{first}`: {} allows one auto-increment column per table",
                databases(&strict)
            ),
            format!("keep `#[id(auto)]` on `{first}` only; make `{column}` a plain `#[id]` the application fills"),
        )
    })
}

/// An identity column that is not the first column of a composite key.
pub fn identity_not_first(column: &str, first: &str) -> Option<Violation> {
    let strict = databases_where(|l| l.identity.first_in_key);
    (!strict.is_empty()).then(|| {
        Violation::new(
            format!(
                "`#[id(auto)]` on `{column}`, which is not the first column of the primary key (`{first}` is): {} \
                 needs an auto-increment column to lead a key",
                databases(&strict)
            ),
            format!("declare the `#[id(auto)]` field `{column}` before the other `#[id]` fields"),
        )
    })
}

/// An index over a column type some dialect cannot index (MySQL: JSON and BLOB).
pub fn unindexable(what: &str, column: &str, sql_type: &str) -> Option<Violation> {
    let strict = databases_where(|l| !l.indexes_blobs);
    (!strict.is_empty()).then(|| {
        Violation::new(
            format!("{what} covers `{column}`, a {sql_type} column, which {} cannot index", databases(&strict)),
            format!("index a derived column instead (e.g. a hash or a `max_len` string), or remove `{column}` from it"),
        )
    })
}

/// The bytes an index key takes on the dialects that bound it.
pub fn index_key_bytes(what: &str, bytes: usize) -> Option<Violation> {
    let over = exceeded(bytes, |l| l.index_key_bytes);
    if over.is_empty() {
        return None;
    }
    let allowed: Vec<String> = over.iter().map(|(db, m)| format!("{db} allows {m} bytes")).collect();
    Some(Violation::new(
        format!(
            "{what} is too wide: its key takes {bytes} bytes (4 per character of a string), {} (MySQL 8 rejects it; \
             MariaDB indexes only a prefix or a hash)",
            allowed.join(" and ")
        ),
        "give its string columns a smaller `max_len`, or index fewer columns",
    ))
}

/// The bytes a row takes on the dialects that bound it.
pub fn row_bytes(table: &str, bytes: usize) -> Option<Violation> {
    let over = exceeded(bytes, |l| l.row_bytes);
    if over.is_empty() {
        return None;
    }
    let allowed: Vec<String> = over.iter().map(|(db, m)| format!("{db} allows {m} bytes")).collect();
    Some(Violation::new(
        format!(
            "a row of `{table}` is too wide: its VARCHAR and fixed-size columns take {bytes} bytes (4 per character \
             of `max_len`), {}",
            allowed.join(" and ")
        ),
        "drop `max_len` from the longest string columns (unbounded TEXT is stored off the row), or shorten them",
    ))
}

/// Two names that differ only in case, which a case-insensitive dialect
/// takes for one.
pub fn case_clash(kind: NameKind, name: &str, first: &str, databases_folding: &[&str]) -> Violation {
    Violation::new(
        format!(
            "the {} `{name}` differs from `{first}` only in case: {} {} them as one name",
            kind.noun(),
            databases(databases_folding),
            if databases_folding.len() == 1 { "treats" } else { "treat" }
        ),
        format!("rename one of them: {}", kind.fix(&format!("{}_2", name.to_lowercase()))),
    )
}

/// The databases whose `pick` case rule folds case.
pub fn folding(pick: impl Fn(&CaseFolding) -> bool) -> Vec<&'static str> {
    databases_where(|l| pick(&l.case_folding))
}

/// The limits table as Markdown, for docs/dialects.md (a test keeps the copy identical).
pub fn markdown_table() -> String {
    let cell = |o: Option<String>| o.unwrap_or_else(|| "no limit".to_string());
    let num = |n: Option<u32>| n.map(|n| n.to_string());
    let mut rows: Vec<(&str, [String; 3])> = Vec::new();
    let mut row = |label: &'static str, f: &dyn Fn(&DialectLimits) -> String| {
        rows.push((label, [f(&LIMITS[0]), f(&LIMITS[1]), f(&LIMITS[2])]));
    };
    row("identifier length", &|l| cell(l.identifier.map(Length::describe)));
    row("enum value length", &|l| cell(l.enum_value.map(Length::describe)));
    row("columns per index or key", &|l| cell(l.index_columns.map(|n| n.to_string())));
    row("index key size", &|l| cell(l.index_key_bytes.map(|n| format!("{n} bytes"))));
    row("row size (without TEXT/BLOB)", &|l| cell(l.row_bytes.map(|n| format!("{n} bytes"))));
    row("DECIMAL precision, scale", &|l| {
        cell(num(l.decimal_precision).map(|p| format!("{p}, {}", num(l.decimal_scale).unwrap_or_default())))
    });
    row("VARCHAR length", &|l| cell(num(l.varchar_length)));
    row("identity columns", &|l| match (l.identity.one_per_table, l.identity.first_in_key) {
        (true, true) => "one per table, first in its key".to_string(),
        (true, false) => "one per table".to_string(),
        (false, _) if l.dialect == Dialect::Sqlite => "generated only as the only INTEGER key column".to_string(),
        (false, _) => "no rule".to_string(),
    });
    row("reserved names", &|l| {
        let mut parts: Vec<String> = Vec::new();
        if !l.reserved_columns.is_empty() {
            parts.push(format!("columns {}", l.reserved_columns.join(", ")));
        }
        if !l.reserved_types.is_empty() {
            parts.push("enum types named like a built-in type (`int`, `text`, ...)".to_string());
        }
        if let Some(p) = l.reserved_prefix {
            let types = if l.reserved_types.is_empty() { "" } else { ", types" };
            parts.push(format!("tables, indexes{types} `{p}*`"));
        }
        if !l.trailing_space {
            parts.push("trailing spaces".to_string());
        }
        if !l.supplementary_chars {
            parts.push("characters above U+FFFF".to_string());
        }
        if parts.is_empty() { "none (names are quoted)".to_string() } else { parts.join("; ") }
    });
    row("JSON/BLOB columns in an index", &|l| if l.indexes_blobs { "allowed" } else { "not allowed" }.to_string());
    row("names compared without case", &|l| {
        let c = l.case_folding;
        let parts: Vec<&str> = [(c.tables, "tables"), (c.columns, "columns"), (c.indexes, "indexes")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, what)| *what)
            .collect();
        if parts.is_empty() { "none".to_string() } else { parts.join(", ") }
    });
    row("index names unique", &|l| match l.index_names {
        IndexNames::WithTables => "per schema, shared with tables".to_string(),
        IndexNames::PerTable => "per table".to_string(),
    });
    let mut out = String::from("| limit | PostgreSQL | MySQL / MariaDB | SQLite |\n|---|---|---|---|\n");
    for (label, [pg, my, lite]) in rows {
        out.push_str(&format!("| {label} | {pg} | {my} | {lite} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_per_name_naming_every_database() {
        let v = identifier(NameKind::Column, &"a".repeat(65)).unwrap();
        assert!(v.message.contains("PostgreSQL allows 63 bytes and MySQL/MariaDB allows 64 characters"), "{v:?}");
        assert!(v.help.contains(&format!("#[column(name = \"{}\")]", "a".repeat(63))), "{v:?}");
        // 32 two-byte letters: 64 bytes, too long for PostgreSQL only.
        let v = identifier(NameKind::Table, &"é".repeat(32)).unwrap();
        assert!(v.message.contains("64 bytes (32 characters)"), "{v:?}");
        assert!(!v.message.contains("MySQL"), "{v:?}");
        assert!(v.help.contains(&"é".repeat(31)), "{v:?}");
        assert!(identifier(NameKind::Table, &"é".repeat(31)).is_none());
    }

    #[test]
    fn reserved_and_unstorable_names() {
        assert!(identifier(NameKind::Column, "xmin").unwrap().message.contains("system column of PostgreSQL"));
        assert!(identifier(NameKind::Table, "xmin").is_none());
        assert!(identifier(NameKind::Table, "SQLite_stat").unwrap().message.contains("reserves"));
        assert!(identifier(NameKind::Column, "sqlite_x").is_none());
        assert!(identifier(NameKind::Column, "a ").unwrap().message.contains("ends with a space"));
        let v = identifier(NameKind::Table, "t\u{1F600}").unwrap();
        assert!(v.message.contains("U+1F600"), "{v:?}");
        assert!(identifier(NameKind::Table, "größe_中文").is_none());
        assert!(identifier(NameKind::Index, "a\0b").unwrap().message.contains("NUL"));
        assert!(identifier(NameKind::EnumValue, &"v".repeat(64)).unwrap().message.contains("PostgreSQL allows 63"));
    }

    #[test]
    fn numbers_and_sizes() {
        assert!(decimal(65, 30).is_none());
        assert!(decimal(66, 2).unwrap().message.contains("MySQL/MariaDB allows a precision of at most 65"));
        assert!(decimal(1001, 2).unwrap().message.contains("PostgreSQL allows a precision of at most 1000"));
        assert!(decimal(40, 31).unwrap().message.contains("scale of at most 30"));
        assert!(varchar(16_383).is_none());
        assert!(varchar(16_384).unwrap().message.contains("MySQL/MariaDB allows VARCHAR(16383)"));
        assert!(index_columns("the index", 16, 20).unwrap().message.contains("PostgreSQL allows 32 (this one has 36)"));
        assert!(index_columns("the index", 17, 0).unwrap().message.contains("MySQL/MariaDB allows 16"));
        assert!(index_key_bytes("the index", 3072).is_none());
        assert!(index_key_bytes("the index", 3073).is_some());
        assert!(row_bytes("t", 65_536).is_some());
    }

    #[test]
    fn generated_names_are_cut_to_the_tightest_identifier_limit() {
        assert_eq!(crate::naming::MAX_IDENT_LEN, identifier_bytes());
    }

    #[test]
    fn docs_print_the_limits_table() {
        let readme = include_str!("../../docs/dialects.md");
        assert!(
            readme.contains(&markdown_table()),
            "docs/dialects.md's limits table differs from limits::LIMITS; paste this in:\n{}",
            markdown_table()
        );
    }
}
