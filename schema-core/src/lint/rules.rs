//! The rules: one `check_<rule>` function each, reading the transformed model.

use std::collections::{BTreeSet, HashMap};

use super::Finding;
use crate::analysis::Analysis;
use crate::model::*;

/// Runs every rule.
pub(super) fn run(analysis: &Analysis<'_>) -> Vec<Finding> {
    let schema = analysis.schema();
    let mut out = Vec::new();
    for entity in &schema.entities {
        let mut cx = Cx { entity, out: &mut out };
        check_unindexed_foreign_key(&mut cx);
        check_soft_delete_index_not_partial(&mut cx);
        check_soft_delete_unique_not_partial(&mut cx);
        check_natural_primary_key(&mut cx);
        check_tenant_index_not_led_by_tenant_key(analysis, &mut cx);
        check_missing_version(&mut cx);
        check_nullable_fk_cascade(&mut cx);
        check_missing_timestamps(&mut cx);
        check_unbounded_text_in_unique(&mut cx);
        check_float_money(&mut cx);
        check_naive_datetime(&mut cx);
        check_repeating_columns(&mut cx);
        check_list_in_text(&mut cx);
        check_redundant_index(&mut cx);
        check_unconditional_global_write(&mut cx);
    }
    check_duplicated_columns(schema, &mut out);
    out
}

struct Cx<'a> {
    entity: &'a Entity,
    out: &'a mut Vec<Finding>,
}

impl Cx<'_> {
    /// Records a finding about `columns` (empty: about the entity or one of
    /// its attributes), silenced by `#[allow_lint]` on the entity or on any
    /// of those columns.
    fn push(&mut self, rule: &'static str, columns: &[&str], location: &Location, message: String, help: String) {
        push(self.out, self.entity, rule, columns, location, message, help);
    }
}

fn push(
    out: &mut Vec<Finding>,
    entity: &Entity,
    rule: &'static str,
    columns: &[&str],
    location: &Location,
    message: String,
    help: String,
) {
    let allowed = silenced(entity, rule, columns);
    out.push(Finding { rule, tables: vec![entity.table.clone()], location: location.clone(), message, help, allowed });
}

/// `#[allow_lint(rule)]` on the entity or on one of `columns`.
pub(crate) fn silenced(entity: &Entity, rule: &str, columns: &[&str]) -> bool {
    entity.allowed_lints.iter().any(|r| r == rule)
        || columns.iter().any(|c| entity.column(c).is_some_and(|c| c.allowed_lints.iter().any(|r| r == rule)))
}

fn names(index: &Index) -> Vec<&str> {
    index.columns.iter().map(|c| c.name.as_str()).collect()
}

/// `(a, b desc)` as written in `#[index(...)]`.
fn spelled(columns: &[IndexColumn]) -> String {
    columns
        .iter()
        .map(|c| if c.desc { format!("{} desc", c.name) } else { c.name.clone() })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the first `columns.len()` columns of `leading` are `columns`, in any order.
fn starts_with_set(leading: &[&str], columns: &[&str]) -> bool {
    leading.len() >= columns.len() && columns.iter().all(|c| leading[..columns.len()].contains(c))
}

/// Whether a full (non-partial) index or the primary key starts with `columns`.
fn has_full_index_led_by(entity: &Entity, columns: &[&str], except: Option<&str>) -> bool {
    let pk: Vec<&str> = entity.primary_key.columns.iter().map(String::as_str).collect();
    starts_with_set(&pk, columns)
        || entity
            .indexes
            .iter()
            .any(|i| Some(i.name.as_str()) != except && i.predicate.is_none() && starts_with_set(&names(i), columns))
}

fn fk_columns(fk: &ForeignKey) -> Vec<&str> {
    fk.columns.iter().map(String::as_str).collect()
}

/// The columns of a foreign key that identify the parent: a composite key
/// that carries the tenant key along (`(organization_id, project_id)`)
/// is identified by the rest.
fn identifying_columns<'a>(e: &Entity, fk: &'a ForeignKey) -> Vec<&'a str> {
    let tenant = e.tenant_scope.as_ref().map(|s| s.column.as_str());
    let rest: Vec<&str> = fk.columns.iter().map(String::as_str).filter(|c| Some(*c) != tenant).collect();
    if rest.is_empty() { fk_columns(fk) } else { rest }
}

fn mentions_deleted_at(predicate: Option<&str>) -> bool {
    predicate.is_some_and(|p| p.contains("deleted_at"))
}

fn check_unindexed_foreign_key(cx: &mut Cx) {
    let e = cx.entity;
    for fk in &e.foreign_keys {
        let cols = identifying_columns(e, fk);
        if has_full_index_led_by(e, &cols, None) || has_full_index_led_by(e, &fk_columns(fk), None) {
            continue;
        }
        let list = cols.join(", ");
        let help = if cols.len() == 1 {
            format!("add `#[index]` on the field `{list}`, or an `#[index({list}, ...)]` on the struct")
        } else {
            format!("add `#[index({list})]` on the struct")
        };
        cx.push(
            "unindexed_foreign_key",
            &cols,
            &fk.location,
            format!(
                "foreign key `{}.{}` has no index that starts with it: deleting or updating a `{}` row scans `{}`",
                e.table,
                if cols.len() == 1 { list.clone() } else { format!("({list})") },
                fk.target_table,
                e.table
            ),
            help,
        );
    }
}

fn check_soft_delete_index_not_partial(cx: &mut Cx) {
    let e = cx.entity;
    if !e.traits.soft_delete {
        return;
    }
    for index in &e.indexes {
        if index.unique || !index.origin.is_declared() || mentions_deleted_at(index.predicate.as_deref()) {
            continue;
        }
        let cols = names(index);
        // An index that is the only one serving a foreign key must stay full:
        // the key's ON DELETE check looks at deleted rows too.
        let serves_fk = e.foreign_keys.iter().any(|fk| {
            let fk_cols = identifying_columns(e, fk);
            index.predicate.is_none()
                && starts_with_set(&cols, &fk_cols)
                && !has_full_index_led_by(e, &fk_cols, Some(&index.name))
        });
        if serves_fk {
            continue;
        }
        let help = match &index.predicate {
            None => format!("write `#[index({}, where = \"deleted_at IS NULL\")]`", spelled(&index.columns)),
            Some(p) => format!("extend the predicate: `where = \"({p}) AND deleted_at IS NULL\"`"),
        };
        cx.push(
            "soft_delete_index_not_partial",
            &[],
            &index.location,
            format!(
                "index `{}` on soft-deleted `{}` also covers deleted rows, though its queries filter on `deleted_at IS NULL`",
                index.name, e.table
            ),
            help,
        );
    }
}

fn check_soft_delete_unique_not_partial(cx: &mut Cx) {
    let e = cx.entity;
    if e.column("deleted_at").is_none() {
        return;
    }
    let tenant = e.tenant_scope.as_ref().map(|s| s.column.as_str());
    // The key repeated with the tenant key, `(organization_id, id)`, is the target of
    // composite foreign keys: unique because the key is, and it must cover every row.
    let key_repeat = |i: &Index| {
        i.columns.iter().all(|c| Some(c.name.as_str()) == tenant || e.primary_key.columns.contains(&c.name))
    };
    for index in e.indexes.iter().filter(|i| i.unique && !key_repeat(i) && !mentions_deleted_at(i.predicate.as_deref()))
    {
        let help = if e.traits.soft_delete {
            "add `where = \"deleted_at IS NULL\"` to the unique index".to_string()
        } else {
            format!(
                "mark `{}` `#[soft_delete]` (its unique indexes then apply to live rows only), or add `where = \"deleted_at IS NULL\"`",
                e.name
            )
        };
        cx.push(
            "soft_delete_unique_not_partial",
            &[],
            &index.location,
            format!(
                "unique index `{}` on `{}` also counts soft-deleted rows: a deleted row's ({}) can never be used again",
                index.name,
                e.table,
                spelled(&index.columns)
            ),
            help,
        );
    }
}

const NATURAL_KEYS: &[&str] = &["email", "slug", "name", "username", "handle", "code", "title", "phone", "login"];

fn check_natural_primary_key(cx: &mut Cx) {
    let e = cx.entity;
    if e.junction.is_some() {
        return;
    }
    for key in &e.primary_key.columns {
        let Some(col) = e.column(key) else { continue };
        let texty = matches!(col.ty, ColumnType::String | ColumnType::Other(_));
        if !texty || col.generated == Generated::Cuid {
            continue;
        }
        let natural = NATURAL_KEYS.iter().any(|n| key == n || key.ends_with(&format!("_{n}")));
        let message = if natural {
            format!(
                "primary key `{}.{key}` is a natural key: when the {} changes, every foreign key pointing at it must change too",
                e.table,
                key.replace('_', " ")
            )
        } else {
            format!(
                "primary key `{}.{key}` is a text value people choose, which can change; every foreign key pointing at it must follow",
                e.table
            )
        };
        cx.push(
            "natural_primary_key",
            &[key],
            &col.location,
            message,
            format!("use a surrogate key (`#[id] pub id: Uuid`) and keep `{key}` as `#[unique]`"),
        );
    }
}

fn check_tenant_index_not_led_by_tenant_key(analysis: &Analysis<'_>, cx: &mut Cx) {
    let e = cx.entity;
    let Some(scope) = &e.tenant_scope else { return };
    for index in e.indexes.iter().filter(|i| i.origin.is_declared() && i.columns.len() >= 2) {
        let first = index.columns[0].name.as_str();
        if first == scope.column {
            continue;
        }
        // A key to a tenant-scoped parent pins the tenant as well as the tenant key does.
        let led_by_scoped_parent = e.foreign_keys.iter().any(|fk| {
            identifying_columns(e, fk).first().is_some_and(|c| *c == first)
                && analysis.entity(&fk.target).is_some_and(|t| t.tenant_scope.is_some() || t.traits.tenant_scoped)
        });
        if led_by_scoped_parent {
            continue;
        }
        let mut fixed = vec![IndexColumn { name: scope.column.clone(), desc: false }];
        fixed.extend(index.columns.iter().filter(|c| c.name != scope.column).cloned());
        cx.push(
            "tenant_index_not_led_by_tenant_key",
            &[],
            &index.location,
            format!(
                "composite index `{}` on tenant-scoped `{}` does not lead with `{}`: every query filters by tenant first",
                index.name, e.table, scope.column
            ),
            format!("put `{}` first: `#[index({})]`", scope.column, spelled(&fixed)),
        );
    }
}

fn check_missing_version(cx: &mut Cx) {
    let e = cx.entity;
    if e.traits.versioned || e.junction.is_some() || e.traits.audit_log || e.column("version").is_some() {
        return;
    }
    let why = match (e.traits.audited, e.column("updated_at").is_some()) {
        (true, _) => "it is `#[audited]`",
        (false, true) => "it tracks `updated_at`",
        (false, false) => return,
    };
    cx.push(
        "missing_version",
        &[],
        &e.location,
        format!("`{}` is edited concurrently ({why}) but has no version column: the last write silently wins", e.table),
        format!("add `#[versioned]` to `{}` and write `SET version = <the version you read>` in updates", e.name),
    );
}

fn check_nullable_fk_cascade(cx: &mut Cx) {
    let e = cx.entity;
    for fk in e.foreign_keys.iter().filter(|fk| fk.on_delete == ReferentialAction::Cascade) {
        let cols = identifying_columns(e, fk);
        if cols.is_empty() || !cols.iter().all(|c| e.column(c).is_some_and(|c| c.nullable)) {
            continue;
        }
        cx.push(
            "nullable_fk_cascade",
            &cols,
            &fk.location,
            format!(
                "optional foreign key `{}.{}` deletes its row when the `{}` row goes (`on_delete = cascade`)",
                e.table,
                cols.join(", "),
                fk.target_table
            ),
            "use `on_delete = set_null` to keep the row, or make the field non-optional if it cannot live without its parent"
                .to_string(),
        );
    }
}

fn check_missing_timestamps(cx: &mut Cx) {
    let e = cx.entity;
    if e.traits.timestamps || e.junction.is_some() || e.traits.audit_log || e.column("created_at").is_some() {
        return;
    }
    // An append-only table that stamps its rows (`occurred_at DEFAULT now`) records its time already.
    let stamped = e.columns.iter().any(|c| {
        matches!(c.ty, ColumnType::DateTimeUtc | ColumnType::NaiveDateTime)
            && !c.nullable
            && c.default == Some(DefaultValue::Now)
    });
    if stamped {
        return;
    }
    cx.push(
        "missing_timestamps",
        &[],
        &e.location,
        format!("`{}` has no `created_at`/`updated_at`: nobody can tell when a row was made or last changed", e.table),
        format!("add `#[timestamps]` to `{}`", e.name),
    );
}

fn check_unbounded_text_in_unique(cx: &mut Cx) {
    let e = cx.entity;
    let mut seen: Vec<&str> = Vec::new();
    let pk = (&e.primary_key.name, e.primary_key.columns.iter().map(String::as_str).collect::<Vec<_>>());
    let uniques = e.indexes.iter().filter(|i| i.unique).map(|i| (&i.name, names(i)));
    for (index, cols) in std::iter::once(pk).chain(uniques) {
        for name in cols {
            let Some(col) = e.column(name) else { continue };
            if col.ty != ColumnType::String || col.max_len.is_some() || col.sql_type.is_some() || seen.contains(&name) {
                continue;
            }
            seen.push(name);
            cx.push(
                "unbounded_text_in_unique",
                &[name],
                &col.location,
                format!(
                    "`{}.{name}` is an unbounded `String` in unique key `{index}`: MySQL cannot index TEXT, so it becomes VARCHAR(255) there while the other databases accept any length",
                    e.table
                ),
                format!("give `{name}` a length: `#[column(max_len = N)]`"),
            );
        }
    }
}

const MONEY: &[&str] = &[
    "price", "amount", "total", "subtotal", "cost", "balance", "fee", "tax", "salary", "wage", "payment", "revenue",
    "discount", "refund", "budget",
];

fn check_float_money(cx: &mut Cx) {
    let e = cx.entity;
    for col in e.columns.iter().filter(|c| matches!(c.ty, ColumnType::F32 | ColumnType::F64)) {
        let money =
            col.name.split('_').any(|word| MONEY.contains(&word) || MONEY.iter().any(|m| word == format!("{m}s")));
        if !money {
            continue;
        }
        let ty = if col.ty == ColumnType::F32 { "f32" } else { "f64" };
        cx.push(
            "float_money",
            &[&col.name],
            &col.location,
            format!(
                "`{}.{}` holds money in a floating-point `{ty}`: sums drift by fractions of a cent",
                e.table, col.name
            ),
            format!(
                "make `{}` a `Decimal` with `#[column(precision = 12, scale = 2)]`, or an `i64` number of cents",
                col.field
            ),
        );
    }
}

fn check_naive_datetime(cx: &mut Cx) {
    let e = cx.entity;
    for col in e.columns.iter().filter(|c| c.ty == ColumnType::NaiveDateTime) {
        cx.push(
            "naive_datetime",
            &[&col.name],
            &col.location,
            format!(
                "`{}.{}` is a `NaiveDateTime` (timestamp without time zone): its instant depends on the server's zone",
                e.table, col.name
            ),
            format!("make `{}` a `DateTime<Utc>`", col.field),
        );
    }
}

/// `phone2` -> `phone`, `address_1` -> `address`; `None` without a trailing number.
fn numbered_stem(name: &str) -> Option<&str> {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if stem.len() == name.len() || stem.is_empty() {
        return None;
    }
    let stem = stem.strip_suffix('_').unwrap_or(stem);
    (!stem.is_empty()).then_some(stem)
}

fn check_repeating_columns(cx: &mut Cx) {
    let e = cx.entity;
    let mut stems: Vec<&str> = Vec::new();
    for col in &e.columns {
        let Some(stem) = numbered_stem(&col.name) else { continue };
        if stems.contains(&stem) {
            continue;
        }
        stems.push(stem);
        let group: Vec<&Column> = e.columns.iter().filter(|c| numbered_stem(&c.name) == Some(stem)).collect();
        if group.len() < 2 {
            continue;
        }
        let cols: Vec<&str> = group.iter().map(|c| c.name.as_str()).collect();
        let listed = cols.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        cx.push(
            "repeating_columns",
            &cols,
            &group[0].location,
            format!("`{}` repeats a column group ({listed}): one more value needs a migration", e.table),
            format!(
                "move the values to a child table (`{}_{}s` with a `{}_id` key), or to a `Vec<String>` column",
                crate::naming::snake_case(&e.name),
                stem,
                crate::naming::snake_case(&e.name)
            ),
        );
    }
}

const LIST_NAMES: &[&str] =
    &["tags", "labels", "categories", "keywords", "emails", "phones", "roles", "permissions", "ids", "items"];

fn check_list_in_text(cx: &mut Cx) {
    let e = cx.entity;
    for col in e.columns.iter().filter(|c| c.ty == ColumnType::String && c.sql_type.is_none()) {
        let n = col.name.as_str();
        let listy = LIST_NAMES.contains(&n)
            || LIST_NAMES.iter().any(|l| n.ends_with(&format!("_{l}")))
            || n.ends_with("_list")
            || n.ends_with("_csv");
        if !listy {
            continue;
        }
        cx.push(
            "list_in_text",
            &[n],
            &col.location,
            format!(
                "`{}.{n}` looks like a list kept in a text column: its items cannot be indexed, joined or constrained",
                e.table
            ),
            format!("use a `#[many_to_many]` junction or a child table, or make `{}` a `Vec<String>`", col.field),
        );
    }
}

fn check_redundant_index(cx: &mut Cx) {
    let e = cx.entity;
    let pk = Index {
        name: e.primary_key.name.clone(),
        columns: e.primary_key.columns.iter().map(|c| IndexColumn { name: c.clone(), desc: false }).collect(),
        unique: true,
        predicate: None,
        include: Vec::new(),
        origin: ColumnOrigin::Declared,
        location: e.location.clone(),
    };
    let all: Vec<&Index> = std::iter::once(&pk).chain(&e.indexes).collect();
    for (i, short) in e.indexes.iter().enumerate() {
        if short.unique {
            continue;
        }
        // Position in `all` is i + 1 (the key comes first).
        let longer = all.iter().enumerate().find(|(j, long)| {
            *j != i + 1
                && long.predicate == short.predicate
                && long.columns.len() >= short.columns.len()
                && long.columns[..short.columns.len()] == short.columns[..]
                // Two identical indexes: report the later one only.
                && (long.columns.len() > short.columns.len() || long.unique || *j < i + 1)
                && short.include.iter().all(|c| long.include.contains(c) || long.columns.iter().any(|lc| &lc.name == c))
        });
        let Some((_, long)) = longer else { continue };
        cx.push(
            "redundant_index",
            &[],
            &short.location,
            format!(
                "index `{}` ({}) on `{}` is a prefix of `{}` ({}): the longer one serves the same queries",
                short.name,
                spelled(&short.columns),
                e.table,
                long.name,
                spelled(&long.columns)
            ),
            if short.origin.is_declared() {
                format!("remove the index `{}`", short.name)
            } else {
                // An attribute added it: the user cannot remove it, only say so.
                format!(
                    "tablewright added `{}` for an attribute and should not have: please report it; \
                     meanwhile `#[allow_lint(redundant_index)]` on the entity silences it",
                    short.name
                )
            },
        );
    }
}

/// Declared value columns: not keys, not foreign keys, not added by an attribute.
fn value_columns(e: &Entity) -> Vec<&Column> {
    e.columns
        .iter()
        .filter(|c| {
            c.origin.is_declared()
                && !e.primary_key.columns.contains(&c.name)
                && !e.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name))
                && !e.polymorphic.iter().any(|p| p.id_column == c.name || p.type_column == c.name)
        })
        .collect()
}

/// The smallest group of columns that counts as copied.
const DUPLICATED_MIN: usize = 3;

/// From this many tables on, a column every table declares is a convention.
const CONVENTION_MIN_TABLES: usize = 4;

/// Tables named in full in a finding's message; the rest are counted.
const TABLES_NAMED: usize = 8;

/// Groups of at least [`DUPLICATED_MIN`] value columns that travel together
/// through several tables.
///
/// No pairwise comparison: each column signature (name and type) is hashed
/// to the set of tables declaring it. Every such set `K` shared by two or
/// more tables is a candidate; its group is the columns declared by every
/// table of `K`. One finding per group, naming all its tables, so a column
/// block copied into 40 tables is one finding, not 780. A column that every
/// table declares (from [`CONVENTION_MIN_TABLES`] tables up: a `name`, a
/// `created_by`) is a naming convention rather than a copied fact and takes
/// no part; neither do keys, foreign keys and the columns an attribute adds.
///
/// Silenced when every table of the group but the first allows the rule
/// (on the entity, or on one of the group's columns there).
fn check_duplicated_columns(schema: &Schema, out: &mut Vec<Finding>) {
    // The audit log is tablewright's own table: it copies nothing.
    let mut entities: Vec<&Entity> = schema.entities.iter().filter(|e| !e.traits.audit_log).collect();
    entities.sort_by(|a, b| a.table.cmp(&b.table));
    let values: Vec<Vec<&Column>> = entities.iter().map(|e| value_columns(e)).collect();
    let population = values.iter().filter(|v| !v.is_empty()).count();
    // Column signature -> the tables declaring it, as ascending indexes into `entities`.
    let mut tables_of: HashMap<(&str, &ColumnType), Vec<usize>> = HashMap::new();
    for (i, columns) in values.iter().enumerate() {
        for c in columns {
            let tables = tables_of.entry((c.name.as_str(), &c.ty)).or_default();
            if tables.last() != Some(&i) {
                tables.push(i);
            }
        }
    }
    let conventional = |tables: &[usize]| population >= CONVENTION_MIN_TABLES && tables.len() == population;
    let candidates: BTreeSet<&[usize]> =
        tables_of.values().map(Vec::as_slice).filter(|t| t.len() >= 2 && !conventional(t)).collect();
    for tables in candidates {
        // The columns every table of the set declares, in the first table's order.
        let group: Vec<&Column> = values[tables[0]]
            .iter()
            .copied()
            .filter(|c| {
                let holders = &tables_of[&(c.name.as_str(), &c.ty)];
                !conventional(holders) && tables.iter().all(|t| holders.binary_search(t).is_ok())
            })
            .collect();
        if group.len() < DUPLICATED_MIN {
            continue;
        }
        let cols: Vec<&str> = group.iter().map(|c| c.name.as_str()).collect();
        let listed = cols.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        let names: Vec<String> = tables.iter().map(|&t| format!("`{}`", entities[t].table)).collect();
        let holders = match names.as_slice() {
            [a, b] => format!("{a} and {b} both hold"),
            _ if names.len() > TABLES_NAMED => {
                format!("{} and {} more tables all hold", names[..TABLES_NAMED].join(", "), names.len() - TABLES_NAMED)
            }
            [rest @ .., last] => format!("{} and {last} all hold", rest.join(", ")),
            [] => continue,
        };
        let copy = entities[tables[1]];
        out.push(Finding {
            rule: "duplicated_columns",
            tables: tables.iter().map(|&t| entities[t].table.clone()).collect(),
            location: copy.location.clone(),
            message: format!("{holders} the columns {listed}: the copies drift apart"),
            help: "move them to their own entity and point at it with `#[belongs_to(...)]` from each table".to_string(),
            allowed: tables[1..].iter().all(|&t| silenced(entities[t], "duplicated_columns", &cols)),
        });
    }
}

/// A `#[global]` table's write policy without a condition: every tenant's
/// session may write every row.
fn check_unconditional_global_write(cx: &mut Cx) {
    let e = cx.entity;
    if !e.traits.global {
        return;
    }
    for p in e.traits.policies.iter().filter(|p| p.command != PolicyCommand::Select && p.is_unconditional()) {
        let what = match p.command {
            PolicyCommand::Insert => "insert rows",
            PolicyCommand::Update => "update every row",
            _ => "delete every row",
        };
        cx.push(
            "unconditional_global_write",
            &[],
            &p.location,
            format!(
                "policy `{}` lets every tenant's session {what} of the global table `{}`",
                p.name, e.table
            ),
            format!(
                "add a condition, e.g. `#[policy({}, {} = \"id = tw_current_user()\")]`, or `#[allow_lint(unconditional_global_write)]` on `{}` if any tenant may",
                p.command.keyword(),
                if p.command == PolicyCommand::Insert { "check" } else { "using" },
                e.name
            ),
        );
    }
}
