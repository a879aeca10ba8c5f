//! The keys of a cycle the seed sets after inserting: a nullable key whose
//! target table is filled after its own is NULL at insert
//! ([`super::order`]); once every table is filled, [`Generator::links`]
//! points it at rows of its target (of the same tenant, distinct where the
//! key is unique), and the SQL files and loaders write those as UPDATEs.

use std::collections::HashSet;

use fake::rand::rngs::ChaCha8Rng;
use fake::rand::{RngExt, SeedableRng};

use super::{Generator, Value, fnv, pick};
use crate::model::{Column, Entity};

/// The key values one table's rows get once their targets exist: for each
/// row, the primary key (`key`) and the values of the key columns (`set`).
#[derive(Clone, Debug, PartialEq)]
pub struct LinkUpdates<'s> {
    pub entity: &'s Entity,
    /// The foreign key these updates fill.
    pub foreign_key: String,
    pub key: Vec<&'s Column>,
    pub set: Vec<&'s Column>,
    pub rows: Vec<(Vec<Value>, Vec<Value>)>,
}

impl<'s> Generator<'s> {
    /// The link updates of every key left NULL at insert, in table order.
    /// Call it once every table's rows were consumed (before that the
    /// targets' rows do not exist yet and nothing is linked).
    pub fn links(&self) -> Vec<LinkUpdates<'s>> {
        let mut out = Vec::new();
        for plan in &self.plans {
            let entity = plan.entity;
            let Some(own) = self.stores.get(&entity.name) else { continue };
            let key: Vec<&Column> = entity.primary_key.columns.iter().filter_map(|c| entity.column(c)).collect();
            let Some(key_at) = key.iter().map(|c| own.position(&c.name)).collect::<Option<Vec<_>>>() else { continue };
            for f in plan.fks.iter().filter(|f| f.later) {
                let Some(target) = self.stores.get(&f.target) else { continue };
                // The columns left NULL at insert: the key's nullable ones (a
                // same-tenant key keeps its tenant column).
                let set: Vec<(usize, &Column)> =
                    f.columns.iter().map(|c| (*c, plan.columns[*c].column)).filter(|(_, c)| c.nullable).collect();
                // A unique index over the key (a one-to-one): each target once.
                let unique = entity
                    .indexes
                    .iter()
                    .filter(|i| i.unique)
                    .any(|i| i.columns.iter().any(|ic| set.iter().any(|(_, c)| c.name == ic.name)));
                let mut rng = ChaCha8Rng::seed_from_u64(self.options.seed ^ fnv(&entity.table) ^ fnv(&f.name));
                let mut used: HashSet<String> = HashSet::new();
                let mut rows = Vec::new();
                for row in &own.rows {
                    if rng.random_range(0..100u32) < u32::from(self.options.null_percent) {
                        continue;
                    }
                    // The holder's already-set key columns (the tenant) constrain the pick.
                    let mut vals: Vec<Option<Value>> = vec![None; plan.columns.len()];
                    for c in &f.columns {
                        if let Some(p) = own.position(&plan.columns[*c].column.name)
                            && !set.iter().any(|(i, _)| i == c)
                        {
                            vals[*c] = Some(row[p].clone());
                        }
                    }
                    let bucket = if f.same_tenant { own.bucket.map(|b| row[b].key_text()) } else { None };
                    let Some(picked) = pick(target, &f.columns, &f.target_columns, &vals, bucket.as_deref(), &mut rng)
                    else {
                        continue;
                    };
                    let values: Option<Vec<Value>> = set
                        .iter()
                        .map(|(i, _)| {
                            let tc = &f.target_columns[f.columns.iter().position(|c| c == i)?];
                            Some(target.rows[picked][target.position(tc)?].clone())
                        })
                        .collect();
                    let Some(values) = values else { continue };
                    if unique {
                        let k: Vec<String> = values.iter().map(Value::key_text).collect();
                        if !used.insert(k.join("\u{1f}")) {
                            continue;
                        }
                    }
                    rows.push((key_at.iter().map(|p| row[*p].clone()).collect(), values));
                }
                if !rows.is_empty() {
                    out.push(LinkUpdates {
                        entity,
                        foreign_key: f.name.clone(),
                        key: key.clone(),
                        set: set.iter().map(|(_, c)| *c).collect(),
                        rows,
                    });
                }
            }
        }
        out
    }
}
