//! Plans for changes a populated table cannot take in one step: the change
//! is split into migrations an application deploy can sit between.
//!
//! ```text
//! expand      new tables and columns; a column that becomes NOT NULL is added nullable; a
//!             type change gets a shadow column; a dual-write rename gets the new column;
//!             triggers keep the new columns filled from what the running release writes
//! index_N     one index on an existing table per migration: CREATE INDEX CONCURRENTLY on
//!             PostgreSQL (outside a transaction), ALGORITHM=INPLACE LOCK=NONE on MySQL/MariaDB
//! backfill    existing rows filled; new keys and checks added NOT VALID, and a NOT VALID
//!             `IS NOT NULL` check for every column the contract makes NOT NULL (PostgreSQL)
//! contract    the checks validated (no write lock while the table is scanned), NOT NULL set
//!             (the validated check spares PostgreSQL the scan), triggers dropped, shadow
//!             columns swapped in, old columns and tables dropped, and row-level security of
//!             tables taking on tenancy enabled last
//! ```
//!
//! Each phase is planned as a step between two schemas ([`super::plan`]'s
//! machinery), so every phase has its snapshot, its down migration and its
//! files in every history; the statements a schema cannot describe
//! (triggers, backfills, `NOT VALID`, `CONCURRENTLY`) are added around them.
//! A change that needs none of this stays one migration.

use std::collections::BTreeSet;

use super::diff::{Change, Diff};
use super::plan as step_between;
use super::retrofit::FillExpr;
use super::{Destructive, Scripts, Step};
use crate::diagnostics::Diagnostic;
use crate::emit::EmitOptions;
use crate::model::{Column, Entity, Schema};
use crate::quote::ident;
use crate::types::Dialect;

/// One migration of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    Expand,
    /// The n-th index built on an existing table (from 1).
    Index(usize),
    Backfill,
    Contract,
}

impl PhaseKind {
    /// The migration name suffix: `expand`, `index_1`, `backfill`, `contract`.
    pub fn suffix(&self) -> String {
        match self {
            PhaseKind::Expand => "expand".into(),
            PhaseKind::Index(n) => format!("index_{n}"),
            PhaseKind::Backfill => "backfill".into(),
            PhaseKind::Contract => "contract".into(),
        }
    }

    /// What the phase does and what may run beside it, for headers and the draft.
    pub fn purpose(&self) -> &'static str {
        match self {
            PhaseKind::Expand => {
                "adds what the new schema needs beside what the running release uses; the running release keeps working"
            }
            PhaseKind::Index(_) => {
                "builds one index without blocking writes (PostgreSQL: CONCURRENTLY, outside a transaction; if it \
                 fails, drop the INVALID index it leaves and run it again)"
            }
            PhaseKind::Backfill => {
                "fills the rows that exist and adds the new constraints NOT VALID (checked for new rows only); the \
                 running release keeps working"
            }
            PhaseKind::Contract => {
                "validates the constraints, sets NOT NULL and removes what only the previous release used: deploy \
                 the release that uses the new schema first"
            }
        }
    }
}

/// One migration of a [`Plan`].
#[derive(Clone, Debug)]
pub struct Phase {
    /// `None`: the plan is one step.
    pub kind: Option<PhaseKind>,
    pub step: Step,
    /// The schema after this phase: its snapshot.
    pub schema: Schema,
    /// What this phase does, one line per item, for headers and the draft.
    pub notes: Vec<String>,
    /// The migration review's findings on this phase.
    pub review: Vec<crate::lint::Finding>,
}

/// The migrations that take `old` to `new`, in order.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub phases: Vec<Phase>,
    /// Every change from `old` to `new` (the phases' changes name the
    /// intermediate columns too).
    pub changes: Vec<Change>,
    pub destructive: Vec<Destructive>,
    pub problems: Vec<Diagnostic>,
}

impl Plan {
    /// Nothing to migrate.
    pub fn is_empty(&self) -> bool {
        self.phases.iter().all(|p| p.step.is_empty())
    }

    /// The scripts of every phase for one dialect, in order (for a test or
    /// a tool that runs them one after another).
    pub fn scripts(&self, dialect: Dialect) -> Vec<&Scripts> {
        self.phases.iter().map(|p| p.step.scripts(dialect)).collect()
    }
}

/// A column filled in the backfill phase, kept filled by a trigger from
/// expand on, and made NOT NULL by the contract.
#[derive(Clone, Debug)]
struct Fill {
    table: String,
    column: String,
    /// How a row gets its value; `None`: the rows must already have one
    /// (a nullable column becoming NOT NULL).
    expr: Option<FillExpr>,
    /// Set NOT NULL in the contract.
    not_null: bool,
}

/// A type change through a shadow column: `column__new` in the new type,
/// kept in step by a trigger, swapped in by the contract.
#[derive(Clone, Debug)]
struct Shadow {
    table: String,
    column: String,
    shadow: String,
    using: String,
    not_null: bool,
}

/// A rename in the safe form: both columns kept in step until the contract
/// drops the old one.
#[derive(Clone, Debug)]
struct Dual {
    table: String,
    old: String,
    column: String,
    not_null: bool,
}

/// What of a change between two schemas needs more than one step.
#[derive(Default)]
struct Needs {
    fills: Vec<Fill>,
    shadows: Vec<Shadow>,
    duals: Vec<Dual>,
    /// `(table, index)`: new indexes on existing tables.
    indexes: Vec<(String, String)>,
    /// `(table, constraint)`: new foreign keys and checks on existing tables.
    constraints: Vec<(String, String)>,
    /// Tables taking on tenancy: they are not tenant-scoped (no row-level
    /// security, no grants) until the contract.
    retrofit: BTreeSet<String>,
}

impl Needs {
    fn any(&self) -> bool {
        !(self.fills.is_empty()
            && self.shadows.is_empty()
            && self.duals.is_empty()
            && self.indexes.is_empty()
            && self.constraints.is_empty()
            && self.retrofit.is_empty())
    }
}

/// Plans `old` to `new`: in phases where a populated table needs them
/// (unless `one_step`), else as one step.
///
/// ```
/// use tablewright_core::emit::EmitOptions;
/// use tablewright_core::evolve::phases::{plan, PhaseKind};
/// use tablewright_core::model::{Column, ColumnType, Entity, Schema};
/// use tablewright_core::types::Dialect;
///
/// let id = Column::new("id", ColumnType::I64);
/// let old = Schema::new(vec![], vec![Entity::new("Note", "notes", vec![id.clone()], &["id"])]);
/// let mut new = old.clone();
/// let mut body = Column::new("body", ColumnType::String);
/// body.evolution.backfill = Some("'(empty)'".into());
/// new.entities[0].columns.push(body);
/// let plan = plan(&old, &new, &EmitOptions::default(), false);
/// let kinds: Vec<_> = plan.phases.iter().map(|p| p.kind.clone().unwrap()).collect();
/// assert_eq!(kinds, [PhaseKind::Expand, PhaseKind::Backfill, PhaseKind::Contract]);
/// let pg = plan.scripts(Dialect::Postgres);
/// assert_eq!(pg[0].up[0], "ALTER TABLE \"notes\" ADD COLUMN \"body\" TEXT");
/// assert!(pg[1].up[0].starts_with("UPDATE \"notes\" SET \"body\" = ('(empty)')"));
/// assert!(pg[2].up[0].ends_with("VALIDATE CONSTRAINT \"tw_nn_notes_body\""));
/// ```
pub fn plan(old: &Schema, new: &Schema, options: &EmitOptions, one_step: bool) -> Plan {
    let diff = Diff::between(old, new);
    let mut problems = Vec::new();
    let needs = if one_step { Needs::default() } else { needs(old, new, &diff, &mut problems) };
    let destructive = super::destructive(old, new, &diff);
    if !needs.any() {
        let step = super::plan(old, new, options);
        let problems = step.problems.clone();
        let mut phases = vec![Phase { kind: None, schema: new.clone(), notes: Vec::new(), review: Vec::new(), step }];
        reviewed(old, new, &diff, &mut phases, &destructive);
        return Plan { changes: diff.changes, destructive, problems, phases };
    }
    let stages = Stages::new(old, new, &diff, &needs);
    let mut phases = Vec::new();

    // Expand.
    let mut expand = step_between(old, &stages.expand, options);
    problems.append(&mut expand.problems);
    let triggers = Triggers::of(&needs, new);
    for (dialect, scripts) in &mut expand.scripts {
        scripts.up.extend(triggers.create(*dialect));
        let mut down = triggers.drop(*dialect);
        down.append(&mut scripts.down);
        scripts.down = down;
    }
    phases.push(Phase {
        review: Vec::new(),
        kind: Some(PhaseKind::Expand),
        notes: expand_notes(&needs),
        schema: stages.expand.clone(),
        step: expand,
    });

    // One index per migration.
    let mut before = stages.expand.clone();
    for (n, (table, name)) in needs.indexes.iter().enumerate() {
        let mut after = before.clone();
        let index = stages.index(table, name);
        if let (Some(entity), Some(index)) = (after.entities.iter_mut().find(|e| e.table == *table), index) {
            entity.indexes.push(index);
        }
        let mut step = step_between(&before, &after, options);
        for (dialect, scripts) in &mut step.scripts {
            online_index(*dialect, scripts);
            if *dialect == Dialect::Sqlite {
                keep_triggers(scripts, &triggers);
            }
        }
        phases.push(Phase {
            review: Vec::new(),
            kind: Some(PhaseKind::Index(n + 1)),
            notes: vec![format!("index {name} on {table}")],
            schema: after.clone(),
            step,
        });
        before = after;
    }

    // Backfill: the rows, then the constraints NOT VALID.
    let mut backfilled = before.clone();
    for (table, name) in &needs.constraints {
        let Some(source) = new.entities.iter().find(|e| e.table == *table) else { continue };
        let Some(entity) = backfilled.entities.iter_mut().find(|e| e.table == *table) else { continue };
        if let Some(fk) = source.foreign_keys.iter().find(|fk| fk.name == *name) {
            entity.foreign_keys.retain(|f| f.name != *name);
            entity.foreign_keys.push(fk.clone());
        }
        if let Some(check) = source.checks.iter().find(|c| c.name == *name) {
            entity.checks.retain(|c| c.name != *name);
            entity.checks.push(check.clone());
        }
    }
    let mut backfill = step_between(&before, &backfilled, options);
    // PostgreSQL: the constraints the backfill adds NOT VALID, which the
    // contract validates; its down adds them back NOT VALID, so that it
    // restores the schema the backfill left.
    let mut added_not_valid: Vec<String> = Vec::new();
    for (dialect, scripts) in &mut backfill.scripts {
        let d = *dialect;
        let mut up: Vec<String> = stages.backfill_statements(d, &needs);
        if d == Dialect::Postgres {
            up.extend(needs.unique_using_index(new));
        }
        for statement in std::mem::take(&mut scripts.up) {
            up.push(if d == Dialect::Postgres { not_valid(statement) } else { statement });
        }
        if d == Dialect::Postgres {
            up.extend(not_null_checks(&needs).iter().map(|(t, c, name)| {
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                    ident(d, t),
                    ident(d, name),
                    ident(d, c)
                )
            }));
            added_not_valid = up.iter().filter(|s| s.ends_with(" NOT VALID")).cloned().collect();
            let mut down: Vec<String> = not_null_checks(&needs)
                .iter()
                .map(|(t, _, name)| format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", ident(d, t), ident(d, name)))
                .collect();
            down.append(&mut scripts.down);
            down.extend(needs.unique_index_again(new));
            scripts.down = down;
        }
        scripts.up = up;
        if d == Dialect::Sqlite {
            keep_triggers(scripts, &triggers);
        }
    }
    if !backfill.is_empty() || needs.fills.iter().any(|f| f.expr.is_some()) || !needs.shadows.is_empty() {
        phases.push(Phase {
            review: Vec::new(),
            kind: Some(PhaseKind::Backfill),
            notes: backfill_notes(&needs),
            schema: backfilled.clone(),
            step: backfill,
        });
    }

    // Contract.
    let contract_target = stages.contract_target(new);
    let swapped = stages.swapped(&backfilled);
    let mut contract = step_between(&swapped, &contract_target, options);
    let sqlite_from = stages.without_shadows(&backfilled);
    let sqlite_to = without_using(&contract_target, &needs);
    let sqlite = step_between(&sqlite_from, &sqlite_to, options);
    // Down: back to the backfilled schema, the plan's triggers and shadow
    // values restored.
    let back = step_between(&contract_target, &backfilled, options);
    problems.append(&mut contract.problems);
    for (dialect, scripts) in &mut contract.scripts {
        let d = *dialect;
        let mut up = Vec::new();
        if d == Dialect::Postgres {
            up.extend(needs.constraints.iter().map(|(t, name)| validate(t, name)));
            up.extend(not_null_checks(&needs).iter().map(|(t, _, name)| validate(t, name)));
        }
        up.extend(triggers.drop(d));
        let planned = if d == Dialect::Sqlite {
            up.extend(stages.sqlite_copy_shadows(&needs));
            sqlite.scripts(d).up.clone()
        } else {
            up.extend(stages.swap_statements(d, &needs, old));
            std::mem::take(&mut scripts.up)
        };
        up.extend(planned);
        if d == Dialect::Postgres {
            up.extend(not_null_checks(&needs).iter().map(|(t, _, name)| {
                format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", ident(d, t), ident(d, name))
            }));
        }
        let mut down = back.scripts(d).up.clone();
        down.extend(triggers.create(d));
        down.extend(stages.refill_statements(d, &needs, false));
        if d == Dialect::Postgres {
            down.extend(not_valid_again(&added_not_valid, &needs));
        }
        scripts.up = up;
        scripts.down = down;
        scripts.up_no_transaction = d == Dialect::Sqlite && sqlite.scripts(d).up_no_transaction;
        scripts.down_no_transaction = back.scripts(d).up_no_transaction;
    }
    contract.destructive = destructive.clone();
    phases.push(Phase {
        review: Vec::new(),
        kind: Some(PhaseKind::Contract),
        notes: contract_notes(&needs),
        schema: new.clone(),
        step: contract,
    });
    phases.retain(|p| !p.step.is_empty());
    reviewed(old, new, &diff, &mut phases, &destructive);
    Plan { changes: diff.changes, destructive, problems, phases }
}

/// Each phase with the migration review's findings on it.
fn reviewed(old: &Schema, new: &Schema, diff: &Diff, phases: &mut [Phase], destructive: &[Destructive]) {
    let findings = super::review::review(old, new, diff, phases, destructive);
    for (phase, findings) in phases.iter_mut().zip(findings) {
        phase.review = findings;
    }
}

/// Which changes of `diff` a populated table cannot take in one step.
fn needs(old: &Schema, new: &Schema, diff: &Diff, problems: &mut Vec<Diagnostic>) -> Needs {
    let mut needs = Needs::default();
    let existing = |table: &str| diff.old_table(table).is_some();
    let entity = |table: &str| new.entities.iter().find(|e| e.table == table);
    let old_entity = |table: &str| diff.old_table(table).and_then(|t| old.entities.iter().find(|e| e.table == t));
    for e in &new.entities {
        if let (Some(_), Some(before)) = (&e.tenant_scope, old_entity(&e.table))
            && before.tenant_scope.is_none()
            && !e.traits.tenant
        {
            needs.retrofit.insert(e.table.clone());
        }
    }
    let shadowed =
        |needs: &Needs, table: &str, column: &str| needs.shadows.iter().any(|s| s.table == table && s.column == column);
    for change in &diff.changes {
        match change {
            Change::AddColumn { table, column } if existing(table) => {
                let Some(c) = entity(table).and_then(|e| e.column(column)) else { continue };
                if c.nullable || c.default.is_some() || c.generated != crate::model::Generated::None {
                    continue;
                }
                let retrofit_key = needs.retrofit.contains(table)
                    && entity(table).and_then(|e| e.tenant_scope.as_ref()).is_some_and(|s| s.column == *column);
                let expr = if retrofit_key {
                    super::retrofit::tenant_expr(new, table, c)
                } else {
                    c.evolution.backfill.clone().map(FillExpr::Sql)
                };
                match expr {
                    Some(expr) => needs.fills.push(Fill {
                        table: table.clone(),
                        column: column.clone(),
                        expr: Some(expr),
                        not_null: true,
                    }),
                    None if retrofit_key => problems.push(super::retrofit::no_tenant_source(new, table, c)),
                    None => problems.push(super::unfillable(table, c)),
                }
            }
            Change::AlterColumn { table, column, change } => {
                let (Some(is), Some(was)) = (
                    entity(table).and_then(|e| e.column(column)),
                    old_entity(table).and_then(|e| e.column(diff.old_column(table, column).unwrap_or(column))),
                ) else {
                    continue;
                };
                let keyed = entity(table).is_some_and(|e| {
                    e.primary_key.columns.contains(column)
                        || e.foreign_keys.iter().any(|fk| fk.columns.contains(column))
                });
                // A narrowing change needs its conversion; a widening one
                // that rewrites the table (integer to bigint) takes the same
                // path when the schema asks for it with `using`.
                if change.ty
                    && !keyed
                    && let Some(using) = &is.evolution.using
                {
                    needs.shadows.push(Shadow {
                        table: table.clone(),
                        column: column.clone(),
                        shadow: format!("{column}__new"),
                        using: using.clone(),
                        not_null: !is.nullable,
                    });
                } else if change.nullable && was.nullable && !is.nullable {
                    needs.fills.push(Fill {
                        table: table.clone(),
                        column: column.clone(),
                        expr: is.evolution.backfill.clone().map(FillExpr::Sql),
                        not_null: true,
                    });
                }
            }
            Change::RenameColumn { table, old: was, column } => {
                let Some(c) = entity(table).and_then(|e| e.column(column)) else { continue };
                if c.evolution.dual_write {
                    needs.duals.push(Dual {
                        table: table.clone(),
                        old: was.clone(),
                        column: column.clone(),
                        not_null: !c.nullable,
                    });
                }
            }
            _ => {}
        }
    }
    for change in &diff.changes {
        match change {
            // A new name only: an index changed under its name is dropped
            // first, and a concurrent build must run alone.
            Change::AddIndex { table, name }
                if existing(table) && !old_entity(table).is_some_and(|e| e.indexes.iter().any(|i| i.name == *name)) =>
            {
                let touches_shadow = entity(table)
                    .and_then(|e| e.indexes.iter().find(|i| i.name == *name))
                    .is_some_and(|i| i.columns.iter().any(|c| shadowed(&needs, table, &c.name)));
                if !touches_shadow {
                    needs.indexes.push((table.clone(), name.clone()));
                }
            }
            // A constraint re-created as it was (around a rename of its
            // table's columns) holds on every row already.
            Change::AddForeignKey { table, name } | Change::AddCheck { table, name }
                if existing(table) && !held_before(old_entity(table), entity(table), diff, name) =>
            {
                let touches_shadow = entity(table).is_some_and(|e| {
                    e.foreign_keys
                        .iter()
                        .any(|fk| fk.name == *name && fk.columns.iter().any(|c| shadowed(&needs, table, c)))
                });
                if !touches_shadow {
                    needs.constraints.push((table.clone(), name.clone()));
                }
            }
            _ => {}
        }
    }
    needs
}

/// Whether the constraint `name` of `now` is the one `before` had, over
/// the same columns (under their old names) and the same target or
/// expression.
pub(crate) fn held_before(before: Option<&Entity>, now: Option<&Entity>, diff: &Diff, name: &str) -> bool {
    let (Some(before), Some(now)) = (before, now) else { return false };
    let old_name = |c: &String| diff.old_column(&now.table, c).unwrap_or(c).to_string();
    if let (Some(was), Some(is)) =
        (before.foreign_keys.iter().find(|fk| fk.name == name), now.foreign_keys.iter().find(|fk| fk.name == name))
    {
        return was.columns == is.columns.iter().map(old_name).collect::<Vec<_>>()
            && was.target_table == is.target_table
            && was.target_columns == is.target_columns;
    }
    match (before.checks.iter().find(|c| c.name == name), now.checks.iter().find(|c| c.name == name)) {
        (Some(was), Some(is)) => was.expr == is.expr,
        _ => false,
    }
}

/// The intermediate schemas of a plan.
struct Stages<'a> {
    old: &'a Schema,
    new: &'a Schema,
    diff: &'a Diff,
    /// After expand (and before the indexes).
    expand: Schema,
    shadows: Vec<Shadow>,
    duals: Vec<Dual>,
}

impl<'a> Stages<'a> {
    fn new(old: &'a Schema, new: &'a Schema, diff: &'a Diff, needs: &Needs) -> Stages<'a> {
        let mut expand = new.clone();
        let old_entity = |table: &str| diff.old_table(table).and_then(|t| old.entities.iter().find(|e| e.table == t));
        for entity in &mut expand.entities {
            let Some(before) = old_entity(&entity.table) else { continue };
            let table = entity.table.clone();
            if needs.retrofit.contains(&table) {
                entity.tenant_scope = None;
                entity.traits.tenant_scoped = false;
            }
            for fill in needs.fills.iter().filter(|f| f.table == table) {
                if let Some(c) = entity.columns.iter_mut().find(|c| c.name == fill.column) {
                    // Added (or kept) nullable: the backfill phase fills it.
                    c.nullable = true;
                    c.evolution.backfill = None;
                }
            }
            for s in needs.shadows.iter().filter(|s| s.table == table) {
                let Some(at) = entity.columns.iter().position(|c| c.name == s.column) else { continue };
                let was = before.column(diff.old_column(&table, &s.column).unwrap_or(&s.column)).cloned();
                let mut shadow = entity.columns[at].clone();
                shadow.name = s.shadow.clone();
                shadow.field = s.shadow.clone();
                shadow.nullable = true;
                shadow.default = None;
                shadow.evolution = Default::default();
                shadow.doc = None;
                if let Some(was) = was {
                    entity.columns[at] =
                        Column { name: s.column.clone(), field: entity.columns[at].field.clone(), ..was };
                }
                entity.columns.insert(at + 1, shadow);
                // Indexes and checks on the column keep their old form until the swap.
                entity.indexes.retain(|i| !i.columns.iter().any(|c| c.name == s.column));
                entity
                    .indexes
                    .extend(before.indexes.iter().filter(|i| i.columns.iter().any(|c| c.name == s.column)).cloned());
            }
            for dual in needs.duals.iter().filter(|d| d.table == table) {
                let Some(at) = entity.columns.iter().position(|c| c.name == dual.column) else { continue };
                entity.columns[at].nullable = true;
                entity.columns[at].evolution.renamed_from = None;
                if let Some(was) = before.column(&dual.old) {
                    entity.columns.insert(at, Column { nullable: true, evolution: Default::default(), ..was.clone() });
                }
                // The old column's indexes stay while the previous release reads it.
                for index in before.indexes.iter().filter(|i| i.columns.iter().any(|c| c.name == dual.old)) {
                    if !entity.indexes.iter().any(|i| i.name == index.name) {
                        entity.indexes.push(index.clone());
                    }
                }
            }
            // Columns the new schema drops stay, nullable, until the contract.
            let kept: Vec<Column> = before
                .columns
                .iter()
                .filter(|c| {
                    !diff.columns.iter().any(|((t, _), o)| *t == table && *o == c.name)
                        && !entity.columns.iter().any(|x| x.name == c.name)
                })
                .map(|c| Column { nullable: true, evolution: Default::default(), ..c.clone() })
                .collect();
            entity.columns.extend(kept);
            // New indexes and constraints of existing tables come later;
            // dropped ones stay until the contract.
            entity.indexes.retain(|i| !needs.indexes.iter().any(|(t, n)| *t == table && n == &i.name));
            entity.foreign_keys.retain(|fk| !needs.constraints.iter().any(|(t, n)| *t == table && *n == fk.name));
            entity.checks.retain(|ck| !needs.constraints.iter().any(|(t, n)| *t == table && *n == ck.name));
            let has = |entity: &Entity, columns: Vec<&String>| {
                columns.iter().all(|c| entity.columns.iter().any(|x| x.name == **c))
            };
            // Renamed ones are in place under their new names already.
            let renamed: Vec<&str> = diff
                .changes
                .iter()
                .filter_map(|c| match c {
                    Change::RenameIndex { table: t, old, .. }
                    | Change::RenameForeignKey { table: t, old, .. }
                    | Change::RenameCheck { table: t, old, .. }
                        if *t == table =>
                    {
                        Some(old.as_str())
                    }
                    _ => None,
                })
                .collect();
            for index in before.indexes.iter().filter(|i| !renamed.contains(&i.name.as_str())) {
                if !entity.indexes.iter().any(|i| i.name == index.name)
                    && has(entity, index.columns.iter().map(|c| &c.name).collect())
                {
                    entity.indexes.push(index.clone());
                }
            }
            for fk in before.foreign_keys.iter().filter(|f| !renamed.contains(&f.name.as_str())) {
                if !entity.foreign_keys.iter().any(|f| f.name == fk.name) && has(entity, fk.columns.iter().collect()) {
                    entity.foreign_keys.push(fk.clone());
                }
            }
            for check in before.checks.iter().filter(|c| !renamed.contains(&c.name.as_str())) {
                if !entity.checks.iter().any(|c| c.name == check.name) {
                    entity.checks.push(check.clone());
                }
            }
        }
        // Tables the new schema drops stay until the contract.
        for before in &old.entities {
            if !diff.tables.values().any(|o| *o == before.table) {
                expand.entities.push(before.clone());
            }
        }
        Stages { old, new, diff, expand, shadows: needs.shadows.clone(), duals: needs.duals.clone() }
    }

    /// An index of the new schema.
    fn index(&self, table: &str, name: &str) -> Option<crate::model::Index> {
        self.new.entities.iter().find(|e| e.table == table)?.indexes.iter().find(|i| i.name == name).cloned()
    }

    /// The backfill's statements: each filled column in table order
    /// (parents first: a tenant comes down the keys), then the shadows and
    /// the renamed columns.
    fn backfill_statements(&self, d: Dialect, needs: &Needs) -> Vec<String> {
        let q = |s: &str| ident(d, s);
        let mut out = Vec::new();
        let order: Vec<&str> = crate::analysis::Analysis::new(self.new)
            .dependency_order()
            .iter()
            .map(|e| e.table.as_str())
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| self.new.entities.iter().find(|e| e.table == t).map_or(t, |e| e.table.as_str()))
            .collect();
        for table in &order {
            for fill in needs.fills.iter().filter(|f| f.table == *table) {
                let Some(expr) = &fill.expr else { continue };
                let update = format!(
                    "UPDATE {t} SET {c} = ({}) WHERE {c} IS NULL",
                    expr.sql(d, table),
                    t = q(table),
                    c = q(&fill.column)
                );
                out.push(super::past_row_security(d, self.tenancy_schema(), table, update));
            }
        }
        out.extend(self.refill_statements(d, needs, true));
        out
    }

    /// The shadow and renamed columns filled from the columns the running
    /// release writes (`forward`), or, undoing the contract, the old
    /// columns from the new ones.
    fn refill_statements(&self, d: Dialect, needs: &Needs, forward: bool) -> Vec<String> {
        let q = |s: &str| ident(d, s);
        let mut out = Vec::new();
        let secured = |table: &str, update: String| super::past_row_security(d, self.tenancy_schema(), table, update);
        for s in &needs.shadows {
            let update = format!(
                "UPDATE {t} SET {sh} = ({}) WHERE {sh} IS NULL AND {c} IS NOT NULL",
                s.using,
                t = q(&s.table),
                sh = q(&s.shadow),
                c = q(&s.column)
            );
            out.push(secured(&s.table, update));
        }
        for dual in &needs.duals {
            let (to, from) = if forward { (&dual.column, &dual.old) } else { (&dual.old, &dual.column) };
            let update =
                format!("UPDATE {t} SET {c} = {o} WHERE {c} IS NULL", t = q(&dual.table), c = q(to), o = q(from));
            out.push(secured(&dual.table, update));
        }
        out
    }

    /// The schema whose tenancy puts the tables under row-level security
    /// while the plan runs: the new one, or the old one when the plan takes
    /// the tenant away.
    fn tenancy_schema(&self) -> &Schema {
        if self.new.tenant().is_some() { self.new } else { self.old }
    }

    /// The schema the contract starts from on PostgreSQL and MySQL: each
    /// shadow swapped in under its column's name (the old column's indexes
    /// and checks went with it).
    fn swapped(&self, backfilled: &Schema) -> Schema {
        let mut out = backfilled.clone();
        for s in &self.shadows {
            let Some(entity) = out.entities.iter_mut().find(|e| e.table == s.table) else { continue };
            entity.columns.retain(|c| c.name != s.column);
            if let Some(c) = entity.columns.iter_mut().find(|c| c.name == s.shadow) {
                c.name = s.column.clone();
                c.field = s.column.clone();
            }
            entity.indexes.retain(|i| !i.columns.iter().any(|c| c.name == s.column));
            entity.checks.retain(|c| !mentions(&c.expr, &s.column));
        }
        out
    }

    /// The backfilled schema without the shadow columns (SQLite: the
    /// contract rebuilds the table, copying each column from its shadow).
    fn without_shadows(&self, backfilled: &Schema) -> Schema {
        let mut out = backfilled.clone();
        for s in &self.shadows {
            if let Some(entity) = out.entities.iter_mut().find(|e| e.table == s.table) {
                entity.columns.retain(|c| c.name != s.shadow);
            }
        }
        out
    }

    /// SQLite: each column takes its shadow's value before the rebuild
    /// (which drops the shadow and converts by the column's type).
    fn sqlite_copy_shadows(&self, needs: &Needs) -> Vec<String> {
        let q = |s: &str| ident(Dialect::Sqlite, s);
        needs
            .shadows
            .iter()
            .map(|s| format!("UPDATE {} SET {} = {}", q(&s.table), q(&s.column), q(&s.shadow)))
            .chain(needs.shadows.iter().map(|s| format!("ALTER TABLE {} DROP COLUMN {}", q(&s.table), q(&s.shadow))))
            .collect()
    }

    /// PostgreSQL and MySQL: the old column dropped and its shadow renamed
    /// into its place.
    fn swap_statements(&self, d: Dialect, needs: &Needs, _old: &Schema) -> Vec<String> {
        let q = |s: &str| ident(d, s);
        let mut out = Vec::new();
        for s in &needs.shadows {
            out.push(format!("ALTER TABLE {} DROP COLUMN {}", q(&s.table), q(&s.column)));
            out.push(format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(&s.table), q(&s.shadow), q(&s.column)));
        }
        out
    }

    /// The new schema as the contract's target: renames in the safe form
    /// are no renames any more (both columns exist).
    fn contract_target(&self, new: &Schema) -> Schema {
        let mut out = new.clone();
        for dual in &self.duals {
            if let Some(c) = column_mut(&mut out, &dual.table, &dual.column) {
                c.evolution.renamed_from = None;
            }
        }
        let _ = (self.old, self.diff);
        out
    }
}

/// The new schema without `using` on shadowed columns (SQLite's rebuild
/// copies the already converted values).
fn without_using(schema: &Schema, needs: &Needs) -> Schema {
    let mut out = schema.clone();
    for s in &needs.shadows {
        if let Some(c) = column_mut(&mut out, &s.table, &s.column) {
            c.evolution.using = None;
        }
    }
    out
}

fn column_mut<'s>(schema: &'s mut Schema, table: &str, column: &str) -> Option<&'s mut Column> {
    schema.entities.iter_mut().find(|e| e.table == table)?.columns.iter_mut().find(|c| c.name == column)
}

impl Needs {
    /// PostgreSQL, undoing the backfill phase: each unique constraint it
    /// attached detached again, its index rebuilt plain (as the index phase
    /// left it).
    fn unique_index_again(&self, new: &Schema) -> Vec<String> {
        let d = Dialect::Postgres;
        self.indexes
            .iter()
            .filter_map(|(table, name)| {
                let index =
                    new.entities.iter().find(|e| e.table == *table)?.indexes.iter().find(|i| i.name == *name)?;
                index.is_unique_constraint().then(|| {
                    let columns: Vec<String> = index.columns.iter().map(|c| ident(d, &c.name)).collect();
                    [
                        format!("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", ident(d, table), ident(d, name)),
                        format!(
                            "CREATE UNIQUE INDEX {} ON {} ({})",
                            ident(d, name),
                            ident(d, table),
                            columns.join(", ")
                        ),
                    ]
                })
            })
            .flatten()
            .collect()
    }

    /// PostgreSQL: the unique constraints whose index an index phase built
    /// concurrently, attached to it.
    fn unique_using_index(&self, new: &Schema) -> Vec<String> {
        let d = Dialect::Postgres;
        self.indexes
            .iter()
            .filter_map(|(table, name)| {
                let index =
                    new.entities.iter().find(|e| e.table == *table)?.indexes.iter().find(|i| i.name == *name)?;
                index.is_unique_constraint().then(|| {
                    format!(
                        "ALTER TABLE {} ADD CONSTRAINT {n} UNIQUE USING INDEX {n}",
                        ident(d, table),
                        n = ident(d, name)
                    )
                })
            })
            .collect()
    }
}

/// `(table, column, check name)` of every column the contract makes NOT
/// NULL: PostgreSQL validates a NOT VALID check first, so SET NOT NULL does
/// not scan the table under its lock.
fn not_null_checks(needs: &Needs) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut push = |table: &str, column: &str| {
        out.push((table.to_string(), column.to_string(), crate::naming::constraint_name("tw_nn", table, &[column])));
    };
    for f in needs.fills.iter().filter(|f| f.not_null) {
        push(&f.table, &f.column);
    }
    for s in needs.shadows.iter().filter(|s| s.not_null) {
        push(&s.table, &s.shadow);
    }
    for dual in needs.duals.iter().filter(|d| d.not_null) {
        push(&dual.table, &dual.column);
    }
    out
}

/// The contract's down, on PostgreSQL: the constraints it validated back
/// to NOT VALID (dropped and added again; PostgreSQL cannot un-validate)
/// and the NOT NULL checks it dropped added again, as the backfill left them.
fn not_valid_again(added: &[String], needs: &Needs) -> Vec<String> {
    let d = Dialect::Postgres;
    let mut out = Vec::new();
    for statement in added {
        let validated = needs.constraints.iter().find(|(t, name)| {
            statement.starts_with(&format!("ALTER TABLE {} ADD CONSTRAINT {} ", ident(d, t), ident(d, name)))
        });
        if let Some((t, name)) = validated {
            out.push(format!("ALTER TABLE {} DROP CONSTRAINT {}", ident(d, t), ident(d, name)));
            out.push(statement.clone());
        } else if not_null_checks(needs).iter().any(|(t, _, name)| {
            statement.starts_with(&format!("ALTER TABLE {} ADD CONSTRAINT {} ", ident(d, t), ident(d, name)))
        }) {
            out.push(statement.clone());
        }
    }
    out
}

fn validate(table: &str, name: &str) -> String {
    let d = Dialect::Postgres;
    format!("ALTER TABLE {} VALIDATE CONSTRAINT {}", ident(d, table), ident(d, name))
}

/// A key or check added to a populated table: `NOT VALID` on PostgreSQL
/// (new rows are checked at once, the rows that exist by the contract's
/// VALIDATE, which does not block writes).
fn not_valid(statement: String) -> String {
    if statement.starts_with("ALTER TABLE ")
        && (statement.contains(" FOREIGN KEY ") || statement.contains(" CHECK ("))
        && !statement.contains(" NOT VALID")
    {
        match statement.strip_suffix(" DEFERRABLE INITIALLY DEFERRED") {
            Some(head) => format!("{head} DEFERRABLE INITIALLY DEFERRED NOT VALID"),
            None => format!("{statement} NOT VALID"),
        }
    } else {
        statement
    }
}

/// An index built without blocking writes.
fn online_index(d: Dialect, scripts: &mut Scripts) {
    match d {
        Dialect::Postgres => {
            scripts.up_no_transaction = true;
            // The unique constraint is attached by the backfill phase (and
            // detached by its down): here it is an index.
            for s in &mut scripts.down {
                if let Some(rest) = s.strip_prefix("ALTER TABLE ")
                    && let Some((_, name)) = rest.split_once(" DROP CONSTRAINT ")
                {
                    *s = format!("DROP INDEX IF EXISTS {name}");
                }
            }
            for s in &mut scripts.up {
                if let Some(rest) = s.strip_prefix("CREATE UNIQUE INDEX ") {
                    *s = format!("CREATE UNIQUE INDEX CONCURRENTLY {rest}");
                } else if let Some(rest) = s.strip_prefix("CREATE INDEX ") {
                    *s = format!("CREATE INDEX CONCURRENTLY {rest}");
                } else if let Some(unique) = unique_constraint_as_index(s) {
                    *s = unique;
                }
            }
        }
        Dialect::Mysql => {
            for s in &mut scripts.up {
                if s.starts_with("CREATE ") {
                    s.push_str(" ALGORITHM=INPLACE LOCK=NONE");
                } else if s.starts_with("ALTER TABLE ") && s.contains(" UNIQUE (") {
                    s.push_str(", ALGORITHM=INPLACE, LOCK=NONE");
                }
            }
        }
        Dialect::Sqlite => {}
    }
}

/// `ALTER TABLE t ADD CONSTRAINT u UNIQUE (a, b)` as the concurrent index
/// the backfill phase attaches (`UNIQUE USING INDEX`).
fn unique_constraint_as_index(statement: &str) -> Option<String> {
    let rest = statement.strip_prefix("ALTER TABLE ")?;
    let (table, rest) = rest.split_once(" ADD CONSTRAINT ")?;
    let (name, columns) = rest.split_once(" UNIQUE ")?;
    Some(format!("CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} {columns}"))
}

/// Whether `expr` names `column` (a word of it, quoted or not).
fn mentions(expr: &str, column: &str) -> bool {
    expr.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == column)
}

/// SQLite rebuilds a table to add a key or a unique constraint (or to undo
/// that), and the rebuilt table has lost the plan's triggers, which live
/// from expand to contract: they come back.
fn keep_triggers(scripts: &mut Scripts, triggers: &Triggers) {
    for statements in [&mut scripts.up, &mut scripts.down] {
        if statements.iter().any(|s| s.starts_with("CREATE TABLE ")) {
            // Dropped before the rebuild (renaming the rebuilt table checks
            // every trigger that reads it), inside its transaction.
            let at = statements.iter().position(|s| s == "BEGIN").map_or(0, |i| i + 1);
            let drops = triggers.drop(Dialect::Sqlite);
            statements.splice(at..at, drops);
            statements.extend(triggers.create(Dialect::Sqlite));
        }
    }
}

/// The triggers that keep the new columns in step while the previous
/// release writes the old shape: from expand to contract.
struct Triggers {
    /// `(table, name, per-dialect create statements)`.
    items: Vec<TriggerSet>,
}

struct TriggerSet {
    table: String,
    name: String,
    kind: TriggerKind,
    columns: Vec<String>,
}

enum TriggerKind {
    /// `column` gets `expr` when a row is inserted without it.
    Fill { column: String, expr: FillExpr },
    /// `shadow` follows `column` through `using`.
    Shadow { column: String, shadow: String, using: String },
    /// `old` and `column` hold the same value, whichever is written.
    Dual { old: String, column: String },
}

impl Triggers {
    fn of(needs: &Needs, new: &Schema) -> Triggers {
        let columns = |table: &str| -> Vec<String> {
            new.entities
                .iter()
                .find(|e| e.table == table)
                .map(|e| e.columns.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default()
        };
        let mut items = Vec::new();
        for f in &needs.fills {
            let Some(expr) = &f.expr else { continue };
            items.push(TriggerSet {
                table: f.table.clone(),
                name: crate::naming::constraint_name("tw_fill", &f.table, &[&f.column]),
                kind: TriggerKind::Fill { column: f.column.clone(), expr: expr.clone() },
                columns: columns(&f.table),
            });
        }
        for s in &needs.shadows {
            let mut cols = columns(&s.table);
            cols.push(s.shadow.clone());
            items.push(TriggerSet {
                table: s.table.clone(),
                name: crate::naming::constraint_name("tw_shadow", &s.table, &[&s.column]),
                kind: TriggerKind::Shadow {
                    column: s.column.clone(),
                    shadow: s.shadow.clone(),
                    using: s.using.clone(),
                },
                columns: cols,
            });
        }
        for dual in &needs.duals {
            items.push(TriggerSet {
                table: dual.table.clone(),
                name: crate::naming::constraint_name("tw_dual", &dual.table, &[&dual.column]),
                kind: TriggerKind::Dual { old: dual.old.clone(), column: dual.column.clone() },
                columns: columns(&dual.table),
            });
        }
        Triggers { items }
    }

    fn create(&self, d: Dialect) -> Vec<String> {
        self.items.iter().flat_map(|t| t.create(d)).collect()
    }

    fn drop(&self, d: Dialect) -> Vec<String> {
        self.items.iter().rev().flat_map(|t| t.drop(d)).collect()
    }
}

impl TriggerSet {
    fn names(&self, d: Dialect) -> Vec<String> {
        match (d, &self.kind) {
            // MySQL: one trigger per event.
            (Dialect::Mysql, TriggerKind::Fill { .. }) => vec![self.name.clone()],
            (Dialect::Mysql, _) => vec![format!("{}_ins", self.name), format!("{}_upd", self.name)]
                .into_iter()
                .map(|n| crate::naming::shorten(&n))
                .collect(),
            (Dialect::Sqlite, TriggerKind::Fill { .. }) => vec![self.name.clone()],
            (Dialect::Sqlite, TriggerKind::Shadow { .. }) => {
                vec![format!("{}_ins", self.name), format!("{}_upd", self.name)]
                    .into_iter()
                    .map(|n| crate::naming::shorten(&n))
                    .collect()
            }
            (Dialect::Sqlite, TriggerKind::Dual { .. }) => ["ins", "upd_old", "upd_new"]
                .iter()
                .map(|s| crate::naming::shorten(&format!("{}_{s}", self.name)))
                .collect(),
            (Dialect::Postgres, _) => vec![self.name.clone()],
        }
    }

    fn drop(&self, d: Dialect) -> Vec<String> {
        let q = |s: &str| ident(d, s);
        match d {
            Dialect::Postgres => vec![
                format!("DROP TRIGGER IF EXISTS {} ON {}", q(&self.name), q(&self.table)),
                format!("DROP FUNCTION IF EXISTS {}()", q(&self.name)),
            ],
            _ => self.names(d).iter().map(|n| format!("DROP TRIGGER IF EXISTS {}", q(n))).collect(),
        }
    }

    fn create(&self, d: Dialect) -> Vec<String> {
        let q = |s: &str| ident(d, s);
        let table = q(&self.table);
        let names = self.names(d);
        match d {
            Dialect::Postgres => {
                let row = |expr: &str| format!("(SELECT ({expr}) FROM (SELECT NEW.*) AS {table})");
                let (events, body) = match &self.kind {
                    TriggerKind::Fill { column, expr } => (
                        "INSERT",
                        format!(
                            "  IF NEW.{c} IS NULL THEN\n    NEW.{c} := {};\n  END IF;",
                            row(&expr.sql(d, &self.table)),
                            c = q(column)
                        ),
                    ),
                    TriggerKind::Shadow { shadow, using, .. } => {
                        ("INSERT OR UPDATE", format!("  NEW.{} := {};", q(shadow), row(using)))
                    }
                    TriggerKind::Dual { old, column } => (
                        "INSERT OR UPDATE",
                        format!(
                            "  IF TG_OP = 'INSERT' THEN\n    NEW.{c} := COALESCE(NEW.{c}, NEW.{o});\n    NEW.{o} := COALESCE(NEW.{o}, NEW.{c});\n  ELSIF NEW.{o} IS DISTINCT FROM OLD.{o} THEN\n    NEW.{c} := NEW.{o};\n  ELSIF NEW.{c} IS DISTINCT FROM OLD.{c} THEN\n    NEW.{o} := NEW.{c};\n  END IF;",
                            c = q(column),
                            o = q(old)
                        ),
                    ),
                };
                vec![
                    format!(
                        "CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\n  RETURN NEW;\nEND\n$$",
                        q(&self.name)
                    ),
                    format!(
                        "CREATE TRIGGER {n} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {n}()",
                        n = q(&self.name)
                    ),
                ]
            }
            Dialect::Mysql => {
                let new_row = |expr: &str| qualify_new(expr, &self.table, &self.columns);
                match &self.kind {
                    TriggerKind::Fill { column, expr } => vec![format!(
                        "CREATE TRIGGER {} BEFORE INSERT ON {table} FOR EACH ROW SET NEW.{c} = COALESCE(NEW.{c}, ({}))",
                        q(&names[0]),
                        new_row(&expr.sql(d, &self.table)),
                        c = q(column)
                    )],
                    TriggerKind::Shadow { shadow, using, .. } => ["INSERT", "UPDATE"]
                        .iter()
                        .zip(&names)
                        .map(|(event, name)| {
                            format!(
                                "CREATE TRIGGER {} BEFORE {event} ON {table} FOR EACH ROW SET NEW.{} = ({})",
                                q(name),
                                q(shadow),
                                new_row(using)
                            )
                        })
                        .collect(),
                    TriggerKind::Dual { old, column } => vec![
                        format!(
                            "CREATE TRIGGER {} BEFORE INSERT ON {table} FOR EACH ROW SET NEW.{c} = COALESCE(NEW.{c}, NEW.{o}), NEW.{o} = COALESCE(NEW.{o}, NEW.{c})",
                            q(&names[0]),
                            c = q(column),
                            o = q(old)
                        ),
                        format!(
                            "CREATE TRIGGER {} BEFORE UPDATE ON {table} FOR EACH ROW SET NEW.{c} = IF(NOT (NEW.{o} <=> OLD.{o}), NEW.{o}, NEW.{c}), NEW.{o} = IF(NOT (NEW.{c} <=> OLD.{c}), NEW.{c}, NEW.{o})",
                            q(&names[1]),
                            c = q(column),
                            o = q(old)
                        ),
                    ],
                }
            }
            Dialect::Sqlite => match &self.kind {
                TriggerKind::Fill { column, expr } => vec![format!(
                    "CREATE TRIGGER {} AFTER INSERT ON {table} FOR EACH ROW WHEN NEW.{c} IS NULL BEGIN UPDATE {table} SET {c} = ({}) WHERE rowid = NEW.rowid; END",
                    q(&names[0]),
                    expr.sql(d, &self.table),
                    c = q(column)
                )],
                TriggerKind::Shadow { column, shadow, using } => vec![
                    format!(
                        "CREATE TRIGGER {} AFTER INSERT ON {table} FOR EACH ROW BEGIN UPDATE {table} SET {s} = ({using}) WHERE rowid = NEW.rowid; END",
                        q(&names[0]),
                        s = q(shadow)
                    ),
                    format!(
                        "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {table} FOR EACH ROW BEGIN UPDATE {table} SET {s} = ({using}) WHERE rowid = NEW.rowid; END",
                        q(&names[1]),
                        c = q(column),
                        s = q(shadow)
                    ),
                ],
                TriggerKind::Dual { old, column } => vec![
                    format!(
                        "CREATE TRIGGER {} AFTER INSERT ON {table} FOR EACH ROW BEGIN UPDATE {table} SET {c} = COALESCE(NEW.{c}, NEW.{o}), {o} = COALESCE(NEW.{o}, NEW.{c}) WHERE rowid = NEW.rowid; END",
                        q(&names[0]),
                        c = q(column),
                        o = q(old)
                    ),
                    format!(
                        "CREATE TRIGGER {} AFTER UPDATE OF {o} ON {table} FOR EACH ROW WHEN NEW.{o} IS NOT OLD.{o} BEGIN UPDATE {table} SET {c} = NEW.{o} WHERE rowid = NEW.rowid; END",
                        q(&names[1]),
                        c = q(column),
                        o = q(old)
                    ),
                    format!(
                        "CREATE TRIGGER {} AFTER UPDATE OF {c} ON {table} FOR EACH ROW WHEN NEW.{c} IS NOT OLD.{c} BEGIN UPDATE {table} SET {o} = NEW.{c} WHERE rowid = NEW.rowid; END",
                        q(&names[2]),
                        c = q(column),
                        o = q(old)
                    ),
                ],
            },
        }
    }
}

/// A row expression for a MySQL trigger: the table's columns read from
/// `NEW` (`price` and `tasks.price` become `NEW.price`; a subquery's own
/// columns are left alone), identifiers in MySQL's quotes. Parsed with
/// sqlparser's generic dialect, not [`crate::fragment::parse_expr`]'s
/// PostgreSQL one: the expression may already hold MySQL's backquotes (a
/// tenant's parent lookup); an expression it cannot read is kept as written.
fn qualify_new(expr: &str, table: &str, columns: &[String]) -> String {
    use sqlparser::ast::{Expr, Ident, Query, VisitMut, VisitorMut};
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;
    use std::ops::ControlFlow;

    struct Qualify<'a> {
        table: &'a str,
        columns: &'a [String],
        depth: usize,
    }
    impl VisitorMut for Qualify<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, _: &mut Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &mut Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
            let new_ref =
                |c: &Ident| Expr::CompoundIdentifier(vec![Ident::new("NEW"), Ident::with_quote('`', c.value.clone())]);
            match e {
                Expr::Identifier(id) if self.depth == 0 && self.columns.contains(&id.value) => {
                    *e = new_ref(&id.clone())
                }
                Expr::CompoundIdentifier(parts) if parts.len() == 2 && parts[0].value == self.table => {
                    *e = new_ref(&parts[1].clone());
                }
                _ => {}
            }
            ControlFlow::Continue(())
        }
    }
    let Ok(mut parsed) = Parser::new(&GenericDialect {}).try_with_sql(expr).and_then(|mut p| p.parse_expr()) else {
        return expr.to_string();
    };
    let _ = parsed.visit(&mut Qualify { table, columns, depth: 0 });
    parsed.to_string()
}

fn expand_notes(needs: &Needs) -> Vec<String> {
    let mut out = Vec::new();
    for f in needs.fills.iter().filter(|f| f.expr.is_some()) {
        out.push(format!(
            "{}.{}: added nullable; a trigger fills it on insert while the previous release leaves it out",
            f.table, f.column
        ));
    }
    for s in &needs.shadows {
        out.push(format!(
            "{}.{}: its new type goes into {}.{}, kept in step by a trigger",
            s.table, s.column, s.table, s.shadow
        ));
    }
    for d in &needs.duals {
        out.push(format!(
            "{t}.{o} renamed to {t}.{c} in the safe form: {c} added, a trigger keeps both in step",
            t = d.table,
            o = d.old,
            c = d.column
        ));
    }
    for t in &needs.retrofit {
        out.push(format!("{t}: takes on tenancy; row-level security comes with the contract"));
    }
    out
}

fn backfill_notes(needs: &Needs) -> Vec<String> {
    let mut out = Vec::new();
    for f in needs.fills.iter().filter(|f| f.expr.is_some()) {
        out.push(format!("{}.{}: existing rows filled", f.table, f.column));
    }
    for s in &needs.shadows {
        out.push(format!("{}.{}: converted into {}", s.table, s.column, s.shadow));
    }
    for d in &needs.duals {
        out.push(format!("{}.{}: copied from {}", d.table, d.column, d.old));
    }
    for (t, n) in &needs.constraints {
        out.push(format!("{t}: {n} added NOT VALID (PostgreSQL)"));
    }
    out
}

fn contract_notes(needs: &Needs) -> Vec<String> {
    let mut out = Vec::new();
    for (t, c, _) in not_null_checks(needs) {
        out.push(format!(
            "{t}.{c}: NOT NULL (PostgreSQL: after validating a NOT VALID check, without a scan under lock)"
        ));
    }
    for (t, n) in &needs.constraints {
        out.push(format!("{t}: {n} validated (PostgreSQL)"));
    }
    for s in &needs.shadows {
        out.push(format!("{t}.{c}: replaced by {t}.{s}", t = s.table, c = s.column, s = s.shadow));
    }
    for d in &needs.duals {
        out.push(format!(
            "{}.{}: dropped (the release deployed before this migration reads {})",
            d.table, d.old, d.column
        ));
    }
    for t in &needs.retrofit {
        out.push(format!("{t}: row-level security enabled and forced, grants and policies created"));
    }
    out
}

#[cfg(all(test, feature = "frontend"))]
#[path = "phases_tests.rs"]
mod tests;
