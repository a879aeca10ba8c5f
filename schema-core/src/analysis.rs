//! What every consumer of a transformed schema asks about it, computed once.
//!
//! The model ([`Schema`]) is plain data: entities and enums in lists. Asking
//! it "which entity is `Task`?" or "in which order are tables created?" means
//! a scan, and a build asks such questions for every key of every table in
//! every emitter. [`Analysis`] answers them from maps built in one pass:
//! entities by Rust name and by table, enums by Rust name, the dependency
//! order and each table's position in it, and the foreign keys pointing at
//! each entity. The build pipeline builds one per generation and hands it to
//! the schema review and every emitter (through [`crate::emit::Context`]).
//!
//! Lookups give the same answer as the list scans they replace (the first
//! match in list order); nothing here is iterated in hash order, so output
//! stays deterministic.
//!
//! ```
//! use tablewright_core::analysis::Analysis;
//! use tablewright_core::model::Schema;
//! let schema = Schema::default();
//! let analysis = Analysis::new(&schema);
//! assert!(analysis.entity("Task").is_none());
//! assert!(analysis.dependency_order().is_empty());
//! ```

use std::collections::HashMap;

use crate::model::{Entity, EnumType, ForeignKey, Schema};

/// Lookups and orders of one transformed schema; see the module docs.
#[derive(Clone, Debug)]
pub struct Analysis<'a> {
    schema: &'a Schema,
    by_name: HashMap<&'a str, &'a Entity>,
    by_table: HashMap<&'a str, &'a Entity>,
    enums: HashMap<&'a str, &'a EnumType>,
    order: Vec<&'a Entity>,
    position: HashMap<&'a str, usize>,
    referencing: HashMap<&'a str, Vec<(&'a Entity, &'a ForeignKey)>>,
    audit_log: Option<&'a Entity>,
}

impl<'a> Analysis<'a> {
    /// Indexes `schema` (expected transformed: foreign keys carry their
    /// target tables).
    pub fn new(schema: &'a Schema) -> Self {
        let mut by_name = HashMap::with_capacity(schema.entities.len());
        let mut by_table = HashMap::with_capacity(schema.entities.len());
        let mut referencing: HashMap<&str, Vec<(&Entity, &ForeignKey)>> = HashMap::new();
        for entity in &schema.entities {
            by_name.entry(entity.name.as_str()).or_insert(entity);
            by_table.entry(entity.table.as_str()).or_insert(entity);
            for fk in &entity.foreign_keys {
                referencing.entry(fk.target.as_str()).or_default().push((entity, fk));
            }
        }
        let mut enums = HashMap::with_capacity(schema.enums.len());
        for e in &schema.enums {
            enums.entry(e.name.as_str()).or_insert(e);
        }
        let order = schema.dependency_order();
        let mut position = HashMap::with_capacity(order.len());
        for (i, entity) in order.iter().enumerate() {
            position.entry(entity.table.as_str()).or_insert(i);
        }
        let audit_log = schema.entities.iter().find(|e| e.traits.audit_log);
        Analysis { schema, by_name, by_table, enums, order, position, referencing, audit_log }
    }

    /// The schema analysed.
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// The entity with Rust name `name` ([`Schema::entity`], without the scan).
    pub fn entity(&self, name: &str) -> Option<&'a Entity> {
        self.by_name.get(name).copied()
    }

    /// The entity whose table is `table`.
    pub fn entity_by_table(&self, table: &str) -> Option<&'a Entity> {
        self.by_table.get(table).copied()
    }

    /// The `#[db_enum]` with Rust name `name` ([`Schema::enum_type`], without the scan).
    pub fn enum_type(&self, name: &str) -> Option<&'a EnumType> {
        self.enums.get(name).copied()
    }

    /// Entities in [`Schema::dependency_order`].
    pub fn dependency_order(&self) -> &[&'a Entity] {
        &self.order
    }

    /// Where the table `table` is in the [dependency order](Self::dependency_order).
    pub fn position(&self, table: &str) -> Option<usize> {
        self.position.get(table).copied()
    }

    /// The foreign keys whose target is the entity named `name`, with the
    /// entity holding each: in schema order, then key order.
    pub fn referencing(&self, name: &str) -> &[(&'a Entity, &'a ForeignKey)] {
        self.referencing.get(name).map_or(&[], Vec::as_slice)
    }

    /// The audit log entity (the first marked `audit_log`, which the
    /// transform adds for `#[audited]` entities), if the schema has one.
    pub fn audit_log(&self) -> Option<&'a Entity> {
        self.audit_log
    }
}

#[cfg(all(test, feature = "emit"))]
mod tests {
    use super::*;

    #[test]
    fn lookups_and_order_agree_with_the_model() {
        let schema = crate::emit::sql::test_fixture();
        let analysis = Analysis::new(&schema);
        for e in &schema.entities {
            assert_eq!(analysis.entity(&e.name), schema.entity(&e.name));
            assert_eq!(analysis.entity_by_table(&e.table).map(|t| &t.name), Some(&e.name));
            for fk in &e.foreign_keys {
                assert!(analysis.referencing(&fk.target).iter().any(|(h, k)| h.name == e.name && k.name == fk.name));
            }
        }
        for e in &schema.enums {
            assert_eq!(analysis.enum_type(&e.name), schema.enum_type(&e.name));
        }
        assert_eq!(analysis.dependency_order(), schema.dependency_order().as_slice());
        for (i, e) in analysis.dependency_order().iter().enumerate() {
            assert_eq!(analysis.position(&e.table), Some(i));
        }
        assert!(analysis.entity("NoSuchEntity").is_none());
    }
}
