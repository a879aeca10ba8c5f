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

use std::collections::BTreeSet;

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
    let required = |e: &Entity| -> Vec<&str> {
        edges.iter().filter(|x| x.holder.name == e.name && x.required()).map(|x| x.target.name.as_str()).collect()
    };
    // Soft: nullable keys, polymorphic targets and the membership table,
    // kept in order when possible.
    let soft = |e: &Entity| -> Vec<String> {
        let scoped = e.tenant_scope.is_some() && !e.traits.tenant;
        edges
            .iter()
            .filter(|x| x.holder.name == e.name && !x.required())
            .map(|x| x.target.name.clone())
            .chain(e.polymorphic.iter().flat_map(|p| p.targets.iter().map(|t| t.entity.clone())))
            .chain(membership.filter(|_| scoped).map(str::to_string))
            .filter(|t| *t != e.name && schema.entity(t).is_some())
            .collect()
    };
    let mut done: Vec<&str> = Vec::new();
    let mut tables: Vec<&Entity> = Vec::new();
    loop {
        let open = || base.iter().filter(|e| !done.contains(&e.name.as_str()) && !is_excluded(e));
        let ready = |e: &&&Entity, strict: bool| {
            required(e).iter().all(|d| done.contains(d))
                && (!strict || soft(e).iter().all(|d| done.contains(&d.as_str())))
        };
        let next = open().find(|e| ready(e, true)).or_else(|| open().find(|e| ready(e, false)));
        let Some(next) = next else { break };
        done.push(&next.name);
        tables.push(next);
    }
    let mut later = BTreeSet::new();
    for (i, e) in tables.iter().enumerate() {
        for x in edges.iter().filter(|x| x.holder.name == e.name && !x.required()) {
            if !tables[..i].iter().any(|t| t.name == x.target.name) {
                later.insert((e.name.clone(), x.foreign_key.name.clone()));
            }
        }
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
    let left: Vec<&Entity> =
        base.iter().copied().filter(|e| !e.traits.audit_log && !tables.iter().any(|t| t.name == e.name)).collect();
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
            .filter(|x| x.holder.name == entity.name && !tables.iter().any(|t| t.name == x.target.name))
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
