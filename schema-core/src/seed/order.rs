//! The order the seed fills tables in, and what it cannot fill.
//!
//! A table comes after the tables its keys point at. Where keys form a
//! cycle, the order breaks it at a nullable key: that key is left NULL at
//! insert and set by an UPDATE once its target's rows exist ([`Order::later`],
//! see `links`). A cycle of NOT NULL keys cannot be broken (MySQL checks
//! keys row by row, even `deferrable` ones), so its tables, and the tables
//! whose NOT NULL keys need their rows, are left empty with the reason
//! ([`Skipped`]). So is a table with a check the generator cannot evaluate
//! ([`Excluded`]), and the tables whose NOT NULL keys need its rows; every
//! other table is seeded as usual.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::cycles::{self, Edge};
use crate::model::{Entity, Schema};

/// Tables the seed leaves empty, for one reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped<'s> {
    /// The tables, the first of them where the build reports it.
    pub entities: Vec<&'s Entity>,
    /// Why, in a sentence: `their NOT NULL keys form a cycle: ...`.
    pub reason: String,
    /// How to make them seedable.
    pub help: String,
}

impl Skipped<'_> {
    /// `` `players` and `teams` ``.
    pub fn tables(&self) -> String {
        let names: Vec<String> = self.entities.iter().map(|e| format!("`{}`", e.table)).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }
}

/// A table the seed leaves out from the start, with the reason and the fix.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Excluded {
    pub entity: String,
    pub reason: String,
    pub help: String,
}

/// The plan: tables in load order, the keys set after their target is
/// filled, and the tables left empty.
pub(super) struct Order<'s> {
    pub tables: Vec<&'s Entity>,
    /// `(holder entity, foreign key name)` of the keys filled by an UPDATE.
    pub later: BTreeSet<(String, String)>,
    pub skipped: Vec<Skipped<'s>>,
}

/// Plans the load order of `schema` (see the module docs). `base` is the
/// schema's dependency order, used to break ties deterministically;
/// `membership` names the membership entity of a membership-mode tenant,
/// which every other tenant-scoped table waits for (its user references
/// are picked among the tenant's members).
pub(super) fn plan<'s>(
    schema: &'s Schema,
    base: Vec<&'s Entity>,
    membership: Option<&str>,
    excluded: &[Excluded],
) -> Order<'s> {
    let is_excluded = |e: &Entity| excluded.iter().any(|x| x.entity == e.name);
    let edges: Vec<Edge<'s>> = cycles::edges(schema).into_iter().filter(|e| e.holder.name != e.target.name).collect();
    let mut held: HashMap<&str, Vec<&Edge<'s>>> = HashMap::new();
    for e in &edges {
        held.entry(e.holder.name.as_str()).or_default().push(e);
    }
    let held_by = |e: &Entity| held.get(e.name.as_str()).into_iter().flatten().copied();
    let required =
        |e: &Entity| -> Vec<&'s str> { held_by(e).filter(|x| x.required()).map(|x| x.target.name.as_str()).collect() };
    let names: HashSet<&str> = schema.entities.iter().map(|e| e.name.as_str()).collect();
    // Soft: nullable keys, polymorphic targets and the membership table,
    // kept in order when possible.
    let soft = |e: &'s Entity| -> Vec<&'s str> {
        let scoped = e.tenant_scope.is_some() && !e.traits.tenant;
        held_by(e)
            .filter(|x| !x.required())
            .map(|x| x.target.name.as_str())
            .chain(e.polymorphic.iter().flat_map(|p| p.targets.iter().map(|t| t.entity.as_str())))
            .chain(membership.filter(|_| scoped).and_then(|m| names.get(m).copied()))
            .filter(|t| *t != e.name && names.contains(t))
            .collect()
    };
    // Repeatedly the first table of `base` whose keys' targets are all
    // filled (required and soft), else the first whose required ones are:
    // counts of unfilled targets per table, and the tables waiting on each
    // name, so each step is a lookup rather than a scan.
    let mut missing_required = vec![0usize; base.len()];
    let mut missing_soft = vec![0usize; base.len()];
    let mut waiting: HashMap<&str, Vec<(usize, bool)>> = HashMap::new();
    for (i, e) in base.iter().enumerate() {
        for target in required(e) {
            missing_required[i] += 1;
            waiting.entry(target).or_default().push((i, true));
        }
        for target in soft(e) {
            missing_soft[i] += 1;
            waiting.entry(target).or_default().push((i, false));
        }
    }
    let mut strict: BTreeSet<usize> = BTreeSet::new();
    let mut loose: BTreeSet<usize> = BTreeSet::new();
    for i in 0..base.len() {
        if missing_required[i] == 0 && !is_excluded(base[i]) {
            loose.insert(i);
            if missing_soft[i] == 0 {
                strict.insert(i);
            }
        }
    }
    let mut done: HashSet<&str> = HashSet::new();
    let mut tables: Vec<&Entity> = Vec::new();
    while let Some(i) = strict.first().or_else(|| loose.first()).copied() {
        strict.remove(&i);
        loose.remove(&i);
        let next = base[i];
        if !done.insert(next.name.as_str()) {
            continue; // a second entry of a name already placed
        }
        tables.push(next);
        for &(j, is_required) in waiting.get(next.name.as_str()).into_iter().flatten() {
            if is_required {
                missing_required[j] -= 1;
            } else {
                missing_soft[j] -= 1;
            }
            if missing_required[j] == 0 && !done.contains(base[j].name.as_str()) && !is_excluded(base[j]) {
                loose.insert(j);
                if missing_soft[j] == 0 {
                    strict.insert(j);
                }
            }
        }
    }
    let mut later = BTreeSet::new();
    let mut placed: HashSet<&str> = HashSet::new();
    for e in &tables {
        for x in held_by(e).filter(|x| !x.required()) {
            if !placed.contains(x.target.name.as_str()) {
                later.insert((e.name.clone(), x.foreign_key.name.clone()));
            }
        }
        placed.insert(e.name.as_str());
    }
    let skipped = skipped(&base, &tables, &edges, excluded);
    Order { tables, later, skipped }
}

/// The tables left out of the order: each cycle of NOT NULL keys once,
/// then each table whose NOT NULL keys need one of them.
fn skipped<'s>(
    base: &[&'s Entity],
    tables: &[&'s Entity],
    edges: &[Edge<'s>],
    excluded: &[Excluded],
) -> Vec<Skipped<'s>> {
    let placed: HashSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let left: Vec<&Entity> =
        base.iter().copied().filter(|e| !e.traits.audit_log && !placed.contains(e.name.as_str())).collect();
    let required: Vec<Edge<'s>> = edges.iter().copied().filter(|e| e.required()).collect();
    let mut out: Vec<Skipped<'s>> = Vec::new();
    for entity in &left {
        if let Some(x) = excluded.iter().find(|x| x.entity == entity.name) {
            out.push(Skipped { entities: vec![entity], reason: x.reason.clone(), help: x.help.clone() });
        }
    }
    for cycle in cycles::cycles_of(&required) {
        let mut entities: Vec<&Entity> = left
            .iter()
            .copied()
            .filter(|e| cycle.edges.iter().any(|x| x.holder.name == e.name))
            .filter(|e| !out.iter().any(|s| s.entities.iter().any(|x| x.name == e.name)))
            .collect();
        if entities.is_empty() {
            continue;
        }
        entities.sort_by(|a, b| a.table.cmp(&b.table));
        out.push(Skipped {
            entities,
            reason: format!("their NOT NULL keys form a cycle ({}): no row can be inserted first", cycle.spelled()),
            help: format!(
                "make one of the keys optional (`Option<...>`): the seed then inserts with it NULL and sets it \
                 afterwards ({})",
                cycle.edges.iter().map(|e| format!("`{}`", e.key())).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    for entity in left {
        if out.iter().any(|s| s.entities.iter().any(|e| e.name == entity.name)) {
            continue;
        }
        let needs: Vec<String> = required
            .iter()
            .filter(|x| x.holder.name == entity.name && !placed.contains(x.target.name.as_str()))
            .map(|x| format!("`{}`", x.target.table))
            .collect();
        out.push(Skipped {
            entities: vec![entity],
            reason: format!("its NOT NULL keys need rows of {}, which the seed leaves empty", needs.join(", ")),
            help: "see why those tables are left empty".to_string(),
        });
    }
    out
}
