//! How long planning the next migration takes on a large schema: the diff
//! of a 1,000-entity schema against itself (what every build does when
//! nothing changed is cheaper still: one comparison of the snapshots), and
//! the full plan of one added column on it (every dialect, up and down,
//! behaviour compared).
//!
//! `cargo bench --bench evolve_diff` (release). Prints the median of each
//! measurement over several runs, and the ratio to the 100 ms budget.

use std::time::{Duration, Instant};

use tablewright::build::evolve::{Diff, plan};
use tablewright_core_model::*;

mod tablewright_core_model {
    pub use tablewright::build::evolve::diff::Change;
    pub use tablewright::build::model::*;
}

/// A synthetic SaaS schema: `n` tables of 10 columns, each with a key to
/// the table before it, an index on that key and a unique column.
fn schema(n: usize) -> Schema {
    let mut entities = Vec::with_capacity(n);
    for i in 0..n {
        let table = format!("table_{i:04}");
        let mut columns = vec![Column { generated: Generated::Identity, ..Column::new("id", ColumnType::I64) }];
        for c in 0..8 {
            let ty = [ColumnType::String, ColumnType::I32, ColumnType::Bool, ColumnType::DateTimeUtc][c % 4].clone();
            columns.push(Column { nullable: c % 3 == 0, ..Column::new(&format!("col_{c}"), ty) });
        }
        let mut entity = Entity::new(format!("Table{i:04}"), table.clone(), columns, &["id"]);
        if i > 0 {
            entity.columns.push(Column::new("parent_id", ColumnType::I64));
            entity.foreign_keys.push(ForeignKey {
                name: format!("fk_{table}_parent_id"),
                columns: vec!["parent_id".into()],
                target: format!("Table{:04}", i - 1),
                target_table: format!("table_{:04}", i - 1),
                target_columns: vec!["id".into()],
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
                deferrable: false,
                origin: ColumnOrigin::Declared,
                location: Location::default(),
            });
            entity.indexes.push(Index {
                name: format!("idx_{table}_parent_id"),
                columns: vec![IndexColumn { name: "parent_id".into(), desc: false }],
                unique: false,
                predicate: None,
                include: vec![],
                origin: ColumnOrigin::Declared,
                location: Location::default(),
            });
        }
        entities.push(entity);
    }
    Schema::new(vec![], entities)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn measure(label: &str, runs: usize, mut f: impl FnMut()) -> Duration {
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let m = median(times);
    println!("{label:<58} {:>9.2} ms", m.as_secs_f64() * 1000.0);
    m
}

fn main() {
    let big = schema(1000);
    let options = tablewright::build::EmitOptions::default();
    println!(
        "planning on a schema of {} entities ({} columns):",
        big.entities.len(),
        big.entities.iter().map(|e| e.columns.len()).sum::<usize>()
    );
    let diff = measure("Diff::between(schema, same schema)", 9, || {
        assert!(Diff::between(&big, &big).is_empty());
    });
    let mut changed = big.clone();
    changed.entities[500].columns.push(Column { nullable: true, ..Column::new("added", ColumnType::String) });
    let one = measure("Diff::between(schema, schema + one column)", 9, || {
        assert_eq!(Diff::between(&big, &changed).changes.len(), 1);
    });
    let full = measure("plan(schema, schema + one column): 3 dialects, up and down", 3, || {
        let step = plan(&big, &changed, &options);
        assert!(step.changes.iter().any(|c| matches!(c, Change::AddColumn { .. })));
    });
    println!();
    println!("diff of 1,000 entities against itself: {:.1}% of the 100 ms budget", diff.as_secs_f64() / 0.1 * 100.0);
    println!("diff with one change: {:.1}% of the budget", one.as_secs_f64() / 0.1 * 100.0);
    println!(
        "full plan with one change: {:.0} ms (renders both schemas' behaviour for every dialect)",
        full.as_secs_f64() * 1000.0
    );
}
