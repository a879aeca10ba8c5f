//! Foreign keys that point at each other. A row needs the row its NOT NULL
//! key references to exist first; when such keys form a cycle (`books`
//! needs an author, `authors` needs a favorite book), no row of the cycle
//! can be inserted one statement at a time. The schema review reports these
//! cycles ([`crate::lint`]), the seed generator leaves their tables empty and
//! says why ([`crate::seed`]), and `#[belongs_to(X, deferrable)]` keys, which
//! PostgreSQL and SQLite check at commit, do not count.
//!
//! ```
//! use tablewright_core::cycles::required_cycles;
//! use tablewright_core::model::Schema;
//! let schema: Schema = serde_json::from_str(r#"{"enums": [], "entities": [
//!   {"name": "Author", "table": "authors", "traits": {},
//!    "columns": [{"name": "id", "field": "id", "type": {"kind": "i64"}, "nullable": false},
//!                {"name": "book_id", "field": "book_id", "type": {"kind": "i64"}, "nullable": false}],
//!    "primary_key": {"name": "pk_authors", "columns": ["id"]},
//!    "foreign_keys": [{"name": "fk_authors_book_id", "columns": ["book_id"], "target": "Book",
//!      "target_table": "books", "target_columns": ["id"], "on_delete": "no_action", "on_update": "no_action"}]},
//!   {"name": "Book", "table": "books", "traits": {},
//!    "columns": [{"name": "id", "field": "id", "type": {"kind": "i64"}, "nullable": false},
//!                {"name": "author_id", "field": "author_id", "type": {"kind": "i64"}, "nullable": false}],
//!    "primary_key": {"name": "pk_books", "columns": ["id"]},
//!    "foreign_keys": [{"name": "fk_books_author_id", "columns": ["author_id"], "target": "Author",
//!      "target_table": "authors", "target_columns": ["id"], "on_delete": "no_action", "on_update": "no_action"}]}
//! ]}"#).unwrap();
//! let cycles = required_cycles(&schema);
//! assert_eq!(cycles.len(), 1);
//! assert_eq!(cycles[0].spelled(), "`authors.book_id` -> `books`, `books.author_id` -> `authors`");
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Entity, ForeignKey, Schema};

/// One foreign key seen as an edge from the entity holding it to its target.
#[derive(Clone, Copy, Debug)]
pub struct Edge<'s> {
    pub holder: &'s Entity,
    pub foreign_key: &'s ForeignKey,
    pub target: &'s Entity,
}

impl Edge<'_> {
    /// Every column of the key is NOT NULL: a row cannot leave it unset.
    pub fn required(&self) -> bool {
        self.foreign_key.columns.iter().all(|c| self.holder.column(c).is_some_and(|c| !c.nullable))
    }

    /// `authors.book_id`: the key's own column (the one that is not the
    /// tenant column of a same-tenant key).
    pub fn key(&self) -> String {
        let tenant = self.holder.tenant_scope.as_ref().map(|s| s.column.as_str());
        let fk = self.foreign_key;
        let own: Vec<&str> =
            fk.columns.iter().map(String::as_str).filter(|c| fk.columns.len() == 1 || Some(*c) != tenant).collect();
        format!("{}.{}", self.holder.table, own.join(", "))
    }
}

/// A cycle of edges, each one's target the next one's holder.
#[derive(Clone, Debug)]
pub struct Cycle<'s> {
    pub edges: Vec<Edge<'s>>,
}

impl Cycle<'_> {
    /// `` `authors.book_id` -> `books`, `books.author_id` -> `authors` ``.
    pub fn spelled(&self) -> String {
        self.edges.iter().map(|e| format!("`{}` -> `{}`", e.key(), e.target.table)).collect::<Vec<_>>().join(", ")
    }

    /// The tables of the cycle, in cycle order.
    pub fn tables(&self) -> Vec<&str> {
        self.edges.iter().map(|e| e.holder.table.as_str()).collect()
    }
}

/// Every foreign key of the schema whose target is an entity, by holder
/// table, then key name.
pub fn edges(schema: &Schema) -> Vec<Edge<'_>> {
    // The first entity of each name, as `Schema::entity` finds it.
    let mut by_name: HashMap<&str, &Entity> = HashMap::with_capacity(schema.entities.len());
    for entity in &schema.entities {
        by_name.entry(entity.name.as_str()).or_insert(entity);
    }
    let mut holders: Vec<&Entity> = schema.entities.iter().collect();
    holders.sort_by(|a, b| a.table.cmp(&b.table));
    let mut out = Vec::new();
    for holder in holders {
        let mut fks: Vec<&ForeignKey> = holder.foreign_keys.iter().collect();
        fks.sort_by(|a, b| a.name.cmp(&b.name));
        for foreign_key in fks {
            if let Some(&target) = by_name.get(foreign_key.target.as_str()) {
                out.push(Edge { holder, foreign_key, target });
            }
        }
    }
    out
}

/// The cycles of required (NOT NULL), non-deferrable keys: one per group of
/// entities that reach each other through such keys (a required
/// self-reference is a cycle of one), each spelled through the groups'
/// tables in name order. Deterministic.
pub fn required_cycles(schema: &Schema) -> Vec<Cycle<'_>> {
    let edges: Vec<Edge<'_>> =
        edges(schema).into_iter().filter(|e| e.required() && !e.foreign_key.deferrable).collect();
    cycles_of(&edges)
}

/// Every required key (deferrable ones too) that lies on a cycle of required
/// keys, as `(holder table, key name)`: its target reaches its holder back.
/// ORMs that refuse such cycles (TypeORM) are told these relations are
/// optional.
pub fn keys_on_required_cycles(schema: &Schema) -> BTreeSet<(String, String)> {
    let edges: Vec<Edge<'_>> = edges(schema).into_iter().filter(Edge::required).collect();
    let group = groups(&edges);
    // The target reaches the holder back exactly when both are in one
    // strongly connected group (a self-reference is its own group).
    edges
        .iter()
        .filter(|e| group.get(e.target.table.as_str()) == group.get(e.holder.table.as_str()))
        .map(|e| (e.holder.table.clone(), e.foreign_key.name.clone()))
        .collect()
}

/// The strongly connected group of every table of `edges` (holders and
/// targets), as a number: two tables share one exactly when each reaches
/// the other. Tarjan's algorithm, iterative, linear in tables and edges.
fn groups<'e>(edges: &'e [Edge<'_>]) -> HashMap<&'e str, usize> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    for e in edges {
        for t in [e.holder.table.as_str(), e.target.table.as_str()] {
            index.entry(t).or_insert_with(|| {
                names.push(t);
                names.len() - 1
            });
        }
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for e in edges {
        out[index[e.holder.table.as_str()]].push(index[e.target.table.as_str()]);
    }
    const UNSEEN: usize = usize::MAX;
    let n = names.len();
    let (mut order, mut low, mut group) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next, mut groups) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, next outgoing edge to look at)
        let mut calls = vec![(root, 0)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = calls.last_mut() {
            if let Some(&w) = out[v].get(*i) {
                *i += 1;
                if order[w] == UNSEEN {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    group[w] = groups;
                    if w == v {
                        break;
                    }
                }
                groups += 1;
            }
        }
    }
    names.into_iter().enumerate().map(|(i, t)| (t, group[i])).collect()
}

/// One cycle through each strongly connected group of `edges` (by holder
/// and target table), starting at the group's first table by name.
pub fn cycles_of<'s>(edges: &[Edge<'s>]) -> Vec<Cycle<'s>> {
    let mut out_edges: BTreeMap<&str, Vec<&Edge<'s>>> = BTreeMap::new();
    for e in edges {
        out_edges.entry(e.holder.table.as_str()).or_default().push(e);
    }
    let group_of = groups(edges);
    let mut members: HashMap<usize, BTreeSet<&str>> = HashMap::new();
    for (&t, &g) in &group_of {
        members.entry(g).or_default().insert(t);
    }
    // A table is on a cycle when its group has another table or it points at itself.
    let on_cycle = |t: &str| {
        members[&group_of[t]].len() > 1 || out_edges.get(t).into_iter().flatten().any(|e| e.target.table == t)
    };
    let tables: BTreeSet<&str> = edges.iter().map(|e| e.holder.table.as_str()).collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut cycles = Vec::new();
    for &start in &tables {
        if done.contains(start) || !on_cycle(start) {
            continue;
        }
        // The group: the tables `start` reaches that reach it back.
        let group = &members[&group_of[start]];
        done.extend(group.iter().copied());
        // A shortest path back to `start` inside the group (breadth first, edges in order).
        let mut previous: BTreeMap<&str, &Edge<'s>> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut closing: Option<&Edge<'s>> = None;
        'search: while let Some(t) = queue.pop_front() {
            for e in out_edges.get(t).into_iter().flatten() {
                let next = e.target.table.as_str();
                if !group.contains(next) {
                    continue;
                }
                if next == start {
                    closing = Some(e);
                    break 'search;
                }
                if !previous.contains_key(next) {
                    previous.insert(next, e);
                    queue.push_back(next);
                }
            }
        }
        let Some(last) = closing else { continue };
        let mut path = vec![*last];
        let mut at = last.holder.table.as_str();
        while at != start {
            let e = previous[at];
            path.push(*e);
            at = e.holder.table.as_str();
        }
        path.reverse();
        cycles.push(Cycle { edges: path });
    }
    cycles
}
