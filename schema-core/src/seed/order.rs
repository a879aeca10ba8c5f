//! The order the seed fills tables in, and what it cannot fill.
//!
//! A table comes after the tables its keys point at. Where keys form a
//! cycle, the order breaks it at a nullable key: that key is left NULL at
//! insert and set by an UPDATE once its target's rows exist ([`Order::later`],
//! see `links`). A cycle of NOT NULL keys cannot be broken (MySQL checks
//! keys row by row, even `deferrable` ones), so its tables, and the tables
//! whose NOT NULL keys need their rows, are left empty with the reason
//! ([`Skipped`]).

use std::collections::BTreeSet;

use crate::cycles::{self, Edge};
use crate::model::{Entity, Schema};

/// A table the seed leaves empty, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped<'s> {
    pub entity: &'s Entity,
    /// Why, in a sentence: `its NOT NULL keys form a cycle: ...`.
    pub reason: String,
    /// How to make it seedable.
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
/// schema's dependency order, used to break ties deterministically.
pub(super) fn plan<'s>(schema: &'s Schema, base: Vec<&'s Entity>) -> Order<'s> {
    let edges: Vec<Edge<'s>> = cycles::edges(schema).into_iter().filter(|e| e.holder.name != e.target.name).collect();
    let required = |e: &Entity| -> Vec<&str> {
        edges.iter().filter(|x| x.holder.name == e.name && x.required()).map(|x| x.target.name.as_str()).collect()
    };
    // Soft: nullable keys and polymorphic targets, kept in order when possible.
    let soft = |e: &Entity| -> Vec<String> {
        edges
            .iter()
            .filter(|x| x.holder.name == e.name && !x.required())
            .map(|x| x.target.name.clone())
            .chain(e.polymorphic.iter().flat_map(|p| p.targets.iter().map(|t| t.entity.clone())))
            .filter(|t| *t != e.name && schema.entity(t).is_some())
            .collect()
    };
    let mut done: Vec<&str> = Vec::new();
    let mut tables: Vec<&Entity> = Vec::new();
    loop {
        let open = || base.iter().filter(|e| !done.contains(&e.name.as_str()));
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
    let skipped = skipped(schema, &base, &tables, &edges);
    Order { tables, later, skipped }
}

/// The tables left out of the order, each with its reason.
fn skipped<'s>(schema: &'s Schema, base: &[&'s Entity], tables: &[&'s Entity], edges: &[Edge<'s>]) -> Vec<Skipped<'s>> {
    let left: Vec<&Entity> = base.iter().copied().filter(|e| !tables.iter().any(|t| t.name == e.name)).collect();
    let required: Vec<Edge<'s>> = edges.iter().copied().filter(|e| e.required()).collect();
    let in_cycle = cycles::cycles_of(&required);
    left.into_iter()
        .filter(|e| !e.traits.audit_log)
        .map(|entity| match in_cycle.iter().find(|c| c.edges.iter().any(|x| x.holder.name == entity.name)) {
            Some(cycle) => Skipped {
                entity,
                reason: format!("its NOT NULL keys form a cycle ({}): no row can be inserted first", cycle.spelled()),
                help: format!(
                    "make one of the keys optional (`Option<...>`): the seed then inserts with it NULL and sets it \
                     afterwards ({})",
                    cycle.edges.iter().map(|e| format!("`{}`", e.key())).collect::<Vec<_>>().join(", ")
                ),
            },
            None => {
                let needs: Vec<String> = required
                    .iter()
                    .filter(|x| x.holder.name == entity.name && !tables.iter().any(|t| t.name == x.target.name))
                    .map(|x| format!("`{}`", x.target.table))
                    .collect();
                Skipped {
                    entity,
                    reason: format!("its NOT NULL keys need rows of {}, which the seed leaves empty", needs.join(", ")),
                    help: "see the reason given for those tables".to_string(),
                }
            }
        })
        .filter(|s| schema.entity(&s.entity.name).is_some())
        .collect()
}
