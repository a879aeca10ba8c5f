//! Relations seen from both ends, for the ORM targets (Prisma, Drizzle,
//! TypeORM, SQLAlchemy): every foreign key is a *belongs-to* navigation on
//! the entity that holds it and a *has-many* (or *has-one*) navigation on
//! its target. One place decides the navigation names and when a relation
//! needs an explicit name, so every target names things alike.
//!
//! Names are snake_case here; each target converts them (`assignee_tasks`
//! becomes `assigneeTasks` in TypeScript).
//!
//! - The belongs-to side is named after the foreign-key column that is not
//!   the tenant column, without `_id`: `project_id` -> `project`,
//!   `assignee_id` -> `assignee`. A tenant key is named after the tenant:
//!   `organization`; the keys of `#[userstamps(User)]` are `creator` and
//!   `updater`.
//! - The has-many side is the plural of the holding entity, qualified with
//!   what the key means when its name says more than the target's: a key
//!   named after the target (`project_id` to `projects`, a tenant key) gives
//!   `tasks`; `lead_id` to `users` gives `lead_projects` on `User`, the
//!   projects that user leads, not all projects; the userstamps give
//!   `creator_tasks` and `updater_tasks`. The same qualification applies
//!   whenever the holder has more than one key to the same target or points
//!   at itself; a self-reference named `parent` gets `children`. A
//!   one-to-one (the key columns are unique) is singular.
//! - A relation gets an explicit name (Prisma's `@relation("...")`,
//!   Drizzle's `relationName`) when two relations join the same pair of
//!   entities, self-references included: `<Holder><BelongsToPascal>`, for
//!   example `TaskAssignee`.
//! - A navigation name that collides with a column's field name or another
//!   navigation gets `_ref` appended until it is free.
//!
//! Polymorphic links have no foreign key and no navigation here: their
//! integrity lives in database triggers.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::analysis::Analysis;
use crate::model::{ColumnOrigin, Entity, ForeignKey};
use crate::naming::{pluralize, snake_case};

/// Both ends of one foreign key.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation<'s> {
    /// The entity holding the foreign key.
    pub holder: &'s Entity,
    pub foreign_key: &'s ForeignKey,
    /// The referenced entity.
    pub target: &'s Entity,
    /// The belongs-to navigation on `holder`: `project`.
    pub belongs_to: String,
    /// The inverse navigation on `target`: `tasks`.
    pub inverse: String,
    /// The key columns are unique on the holder (a one-to-one): the inverse is
    /// a single optional row, not a list.
    pub one_to_one: bool,
    /// A key column is nullable: the belongs-to side is optional. One null
    /// column is enough, since a foreign key (MATCH SIMPLE) is not checked
    /// when any of its columns is null: `(organization_id, parent_id)` with
    /// a nullable `parent_id` may point at nothing.
    pub optional: bool,
    /// Set when another relation joins the same two entities (or this one is
    /// a self-reference): `TaskAssignee`.
    pub name: Option<String>,
}

/// Every relation of a schema, in a fixed order: by holder table, then by
/// foreign-key name. Built once per build ([`super::Context::relations`]);
/// the lookups by entity are maps.
#[derive(Clone, Debug)]
pub struct Relations<'s> {
    pub all: Vec<Relation<'s>>,
    /// Positions in `all` by holder name, in `all` order.
    held: HashMap<&'s str, Vec<usize>>,
    /// Positions in `all` by target name, in `all` order.
    pointing: HashMap<&'s str, Vec<usize>>,
}

impl<'s> Relations<'s> {
    pub fn of(analysis: &Analysis<'s>) -> Relations<'s> {
        let schema = analysis.schema();
        let mut holders: Vec<&Entity> = schema.entities.iter().collect();
        holders.sort_by(|a, b| a.table.cmp(&b.table));

        // (holder, fk, target) with the target resolved; dangling targets are
        // rejected before emission, so skipping them here loses nothing.
        let mut pairs: Vec<(&Entity, &ForeignKey, &Entity)> = Vec::new();
        for holder in &holders {
            let mut fks: Vec<&ForeignKey> = holder.foreign_keys.iter().collect();
            fks.sort_by(|a, b| a.name.cmp(&b.name));
            for fk in fks {
                if let Some(target) = analysis.entity(&fk.target) {
                    pairs.push((holder, fk, target));
                }
            }
        }

        // How many relations join each unordered pair of entities, and each
        // (holder, target) in that direction.
        let mut pair_counts: HashMap<(&str, &str), usize> = HashMap::new();
        let mut same_target_counts: HashMap<(&str, &str), usize> = HashMap::new();
        for (h, _, t) in &pairs {
            let key =
                if h.name <= t.name { (h.name.as_str(), t.name.as_str()) } else { (t.name.as_str(), h.name.as_str()) };
            *pair_counts.entry(key).or_default() += 1;
            *same_target_counts.entry((h.name.as_str(), t.name.as_str())).or_default() += 1;
        }
        let pair_count = |a: &str, b: &str| {
            let key = if a <= b { (a, b) } else { (b, a) };
            pair_counts.get(&key).copied().unwrap_or(0)
        };
        let same_target_count =
            |holder: &str, target: &str| same_target_counts.get(&(holder, target)).copied().unwrap_or(0);

        // Navigation names taken so far per entity, seeded with column fields.
        let mut taken: HashMap<&str, BTreeSet<String>> = schema
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.columns.iter().map(|c| c.field.clone()).collect()))
            .collect();
        let mut claim = |entity: &str, wanted: String| -> String {
            let names = taken.get_mut(entity).expect("every entity is listed");
            let mut name = wanted;
            while names.contains(&name) {
                name.push_str("_ref");
            }
            names.insert(name.clone());
            name
        };

        // Belongs-to names first, for every holder, so the inverse names
        // (which may be qualified by them) come after.
        let belongs: Vec<String> = pairs.iter().map(|(h, fk, t)| claim(&h.name, belongs_to_name(h, fk, t))).collect();

        let mut all = Vec::new();
        for ((holder, fk, target), belongs_to) in pairs.iter().zip(belongs) {
            let self_reference = holder.name == target.name;
            let one_to_one = key_is_unique(holder, fk);
            let plural = if one_to_one { snake_case(&holder.name) } else { pluralize(&snake_case(&holder.name)) };
            let inverse = if self_reference && belongs_to == "parent" && !one_to_one {
                "children".to_string()
            } else if self_reference
                || same_target_count(&holder.name, &target.name) > 1
                || belongs_to != snake_case(&target.name)
            {
                format!("{belongs_to}_{plural}")
            } else {
                plural
            };
            let inverse = claim(&target.name, inverse);
            let name = (self_reference || pair_count(&holder.name, &target.name) > 1)
                .then(|| format!("{}{}", holder.name, pascal_case(&belongs_to)));
            let optional = fk.columns.iter().any(|c| holder.column(c).is_some_and(|c| c.nullable));
            all.push(Relation { holder, foreign_key: fk, target, belongs_to, inverse, one_to_one, optional, name });
        }
        let mut held: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut pointing: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in all.iter().enumerate() {
            held.entry(r.holder.name.as_str()).or_default().push(i);
            pointing.entry(r.target.name.as_str()).or_default().push(i);
        }
        Relations { all, held, pointing }
    }

    /// The relations whose foreign key `entity` holds (its belongs-to side).
    pub fn held_by<'a>(&'a self, entity: &str) -> impl Iterator<Item = &'a Relation<'s>> + use<'a, 's> {
        self.held.get(entity).into_iter().flatten().map(|&i| &self.all[i])
    }

    /// The relations pointing at `entity` (its has-many / has-one side).
    pub fn pointing_at<'a>(&'a self, entity: &str) -> impl Iterator<Item = &'a Relation<'s>> + use<'a, 's> {
        self.pointing.get(entity).into_iter().flatten().map(|&i| &self.all[i])
    }
}

/// The foreign-key column that names the relation: the one that is not the
/// tenant column (a same-tenant key is `(organization_id, project_id)`).
fn naming_column<'a>(holder: &Entity, fk: &'a ForeignKey) -> &'a str {
    let tenant = holder.tenant_scope.as_ref().map(|s| s.column.as_str());
    fk.columns.iter().rev().find(|c| fk.columns.len() == 1 || Some(c.as_str()) != tenant).map_or("", String::as_str)
}

fn belongs_to_name(holder: &Entity, fk: &ForeignKey, target: &Entity) -> String {
    if fk.origin == ColumnOrigin::Tenant {
        return snake_case(&target.name);
    }
    // `#[userstamps(User)]`: who created and who last changed the row.
    if fk.origin == ColumnOrigin::Userstamps {
        let creator = fk.columns.first().is_some_and(|c| c == crate::transform::USERSTAMP_CREATED_BY);
        return if creator { "creator" } else { "updater" }.to_string();
    }
    let column = naming_column(holder, fk);
    match column.strip_suffix("_id") {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => snake_case(&target.name),
    }
}

/// Whether a unique index (without predicate) covers exactly the key
/// columns, or they are the primary key.
fn key_is_unique(holder: &Entity, fk: &ForeignKey) -> bool {
    let same =
        |cols: Vec<&str>| cols.len() == fk.columns.len() && fk.columns.iter().all(|c| cols.contains(&c.as_str()));
    same(holder.primary_key.columns.iter().map(String::as_str).collect())
        || holder
            .indexes
            .iter()
            .filter(|i| i.unique && i.predicate.is_none())
            .any(|i| same(i.columns.iter().map(|c| c.name.as_str()).collect()))
}

/// `created_by` -> `CreatedBy`.
pub fn pascal_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    for part in snake.split('_').filter(|part| !part.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if first.is_ascii() {
                out.push(first.to_ascii_uppercase());
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// `created_by_id` -> `createdById`: the TypeScript field convention.
pub fn camel_case(snake: &str) -> String {
    let mut pascal = pascal_case(snake);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) if first.is_ascii() => {
            pascal[..1].make_ascii_lowercase();
            pascal
        }
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The camelCase property holding `column` of `entity` in the TypeScript
/// and Prisma targets: its Rust field, camelCased (`created_by_id` ->
/// `createdById`). Two fields that camelCase alike (`id` and `id_`, `title`
/// and `Title`) keep distinct properties: the later one its field name as
/// written (see [`properties`]).
pub fn property_name(entity: &Entity, column: &str) -> String {
    // Called per column by several targets: the common case (no earlier
    // column can have taken the field's camelCase) costs one conversion,
    // not one per earlier column.
    if let Some(i) = entity.columns.iter().position(|c| c.name == column) {
        let camel = camel_case(&entity.columns[i].field);
        if !camel.is_empty()
            && !OBJECT_MEMBERS.contains(&camel.as_str())
            && entity.columns[..i].iter().all(|c| cannot_be_property(&c.field, &camel))
        {
            return camel;
        }
    }
    // A column's property depends only on the columns before it: stop there.
    let mut taken: HashSet<String> = HashSet::new();
    for c in &entity.columns {
        let property = next_property(&c.field, &taken);
        if c.name == column {
            return property;
        }
        taken.insert(property);
    }
    camel_case(column)
}

/// `(column, property)` of every column of `entity`, in column order: the
/// field camelCased, or where an earlier column took that, the field as
/// written (`_` appended while that is taken too).
pub fn properties(entity: &Entity) -> Vec<(String, String)> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for c in &entity.columns {
        let property = next_property(&c.field, &taken);
        taken.insert(property.clone());
        out.push((c.name.clone(), property));
    }
    out
}

/// Whether no property of a column with Rust field `field` (its camelCase,
/// or `field` with `_`s appended: [`next_property`]) can be `property`,
/// decided without converting `field`; `false` when unsure.
fn cannot_be_property(field: &str, property: &str) -> bool {
    if !field.is_ascii() || !property.is_ascii() {
        return false;
    }
    // camelCase drops the `_`s and changes only the case of ASCII letters.
    let letters = field.bytes().filter(|&b| b != b'_');
    let could_be_camel = letters.clone().count() == property.len()
        && letters.zip(property.bytes()).all(|(a, b)| a.eq_ignore_ascii_case(&b));
    let could_be_free = property.strip_prefix(field).is_some_and(|rest| rest.bytes().all(|b| b == b'_'));
    !could_be_camel && !could_be_free
}

/// The members of JavaScript's `Object.prototype`: no property takes one.
const OBJECT_MEMBERS: &[&str] = &[
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
];

/// The property of a column with Rust field `field`, the earlier columns'
/// properties being `taken`.
fn next_property(field: &str, taken: &HashSet<String>) -> String {
    let camel = camel_case(field);
    // A class (TypeORM's entities) cannot declare a property `constructor`,
    // and TypeORM's decorators refuse one that retypes a method every
    // object has (`toString: string`).
    let taken = |n: &str| taken.contains(n) || OBJECT_MEMBERS.contains(&n);
    if camel.is_empty() || taken(&camel) { super::names::free(field, taken) } else { camel }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by tests/property_names.rs: TypeORM's entity classes cannot
    /// declare `constructor`, and its decorators refuse `toString: string`.
    #[test]
    fn properties_avoid_the_members_of_every_object() {
        let mut entity = crate::emit::sql::test_fixture().entities[0].clone();
        for (i, field) in ["constructor", "to_string", "value_of", "title"].iter().enumerate() {
            entity.columns[i].field = field.to_string();
        }
        let props: Vec<String> = properties(&entity).into_iter().map(|(_, p)| p).take(4).collect();
        assert_eq!(props, ["constructor_", "to_string", "value_of", "title"]);
    }

    #[test]
    fn property_name_agrees_with_properties() {
        let mut entity = crate::emit::sql::test_fixture().entities[0].clone();
        let fields = ["id_", "id", "Title", "title", "to_string", "toString", "ärger", "Ärger", "a_b", "aB", "a_b_"];
        let template = entity.columns[0].clone();
        entity.columns = fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let mut column = template.clone();
                column.name = format!("c{i}");
                column.field = field.to_string();
                column
            })
            .collect();
        for (column, property) in properties(&entity) {
            assert_eq!(property_name(&entity, &column), property, "{column}");
        }
    }

    #[test]
    fn case_conversions() {
        assert_eq!(pascal_case("created_by"), "CreatedBy");
        assert_eq!(camel_case("created_by_id"), "createdById");
        assert_eq!(camel_case("id"), "id");
        assert_eq!(camel_case("utf8_text"), "utf8Text");
        // Empty parts, non-ASCII first letters (one may uppercase to two).
        assert_eq!(pascal_case("__a__b_"), "AB");
        assert_eq!(pascal_case("ärger_ßcheck"), "ÄrgerSScheck");
        assert_eq!(camel_case("Émile_zola"), "émileZola");
        assert_eq!(camel_case("_"), "");
    }

    #[test]
    fn showcase_like_relations_are_named_on_both_sides() {
        let schema = crate::emit::sql::test_fixture();
        let analysis = Analysis::new(&schema);
        let relations = Relations::of(&analysis);
        let summary: Vec<String> = relations
            .all
            .iter()
            .map(|r| {
                format!(
                    "{}.{} -> {}.{}{}",
                    r.holder.name,
                    r.belongs_to,
                    r.target.name,
                    r.inverse,
                    r.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default()
                )
            })
            .collect();
        // Every navigation name is unique on its entity.
        for entity in &schema.entities {
            let mut names: Vec<&str> = relations.held_by(&entity.name).map(|r| r.belongs_to.as_str()).collect();
            names.extend(relations.pointing_at(&entity.name).map(|r| r.inverse.as_str()));
            let unique: BTreeSet<&str> = names.iter().copied().collect();
            assert_eq!(unique.len(), names.len(), "{}: {names:?}\n{summary:#?}", entity.name);
            for column in &entity.columns {
                assert!(!unique.contains(column.field.as_str()), "{} collides with a column", column.field);
            }
        }
        assert!(!summary.is_empty());
    }
}
