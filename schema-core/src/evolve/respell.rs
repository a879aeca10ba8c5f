//! Respelling: a default whose value is unchanged but whose PostgreSQL
//! spelling changed between releases (`CURRENT_TIMESTAMP` to `now()` for
//! `#[default(now)]` on a timestamp, see [`PostgresNow`]).
//!
//! A recorded migration is never rewritten, so a database built by an older
//! history still holds the old spelling. A snapshot records the spelling it
//! was rendered with; the diff reports such a column as a changed default,
//! and each dialect writes what its own rendering needs: PostgreSQL an
//! `ALTER COLUMN ... SET DEFAULT now()` (a catalog-only change), MySQL and
//! SQLite nothing, since their column definitions are the same.

use crate::emit::sql::postgres_default_spelled;
use crate::model::{Column, PostgresNow, Schema};

/// Whether `old` (of `old_schema`) and `new` (of `new_schema`) hold the same
/// default written two ways in the PostgreSQL migrations.
///
/// ```
/// use tablewright_core::evolve::respell::respelled;
/// use tablewright_core::model::{Column, ColumnType, DefaultValue, PostgresNow, Schema};
///
/// let at = Column { default: Some(DefaultValue::Now), ..Column::new("created_at", ColumnType::DateTimeUtc) };
/// let recorded = Schema { postgres_now: PostgresNow::CurrentTimestamp, ..Schema::default() };
/// assert!(respelled(&recorded, &at, &Schema::default(), &at));
/// assert!(!respelled(&Schema::default(), &at, &Schema::default(), &at));
/// ```
pub fn respelled(old_schema: &Schema, old: &Column, new_schema: &Schema, new: &Column) -> bool {
    old.default == new.default
        && old_schema.postgres_now != new_schema.postgres_now
        && spelling(old_schema.postgres_now, old) != spelling(new_schema.postgres_now, new)
}

fn spelling(postgres_now: PostgresNow, column: &Column) -> Option<String> {
    postgres_default_spelled(column, postgres_now)
}

#[cfg(test)]
mod tests {
    use crate::emit::EmitOptions;
    use crate::model::{Column, ColumnType, DefaultValue, Entity, PostgresNow, Schema};
    use crate::types::Dialect;

    #[test]
    fn a_recorded_current_timestamp_is_respelled_on_postgres_only() {
        let id = Column::new("id", ColumnType::I64);
        let at = Column { default: Some(DefaultValue::Now), ..Column::new("created_at", ColumnType::DateTimeUtc) };
        let new = Schema::new(vec![], vec![Entity::new("Note", "notes", vec![id, at], &["id"])]);
        let recorded = Schema { postgres_now: PostgresNow::CurrentTimestamp, ..new.clone() };
        let step = super::super::plan(&recorded, &new, &EmitOptions::default());
        let pg = step.scripts(Dialect::Postgres);
        assert_eq!(pg.up, [r#"ALTER TABLE "notes" ALTER COLUMN "created_at" SET DEFAULT now()"#]);
        assert_eq!(pg.down, [r#"ALTER TABLE "notes" ALTER COLUMN "created_at" SET DEFAULT CURRENT_TIMESTAMP"#]);
        for dialect in [Dialect::Mysql, Dialect::Sqlite] {
            assert_eq!(step.scripts(dialect), &super::super::Scripts::default(), "{dialect:?}");
        }
        assert!(step.destructive.is_empty());
        assert!(super::super::plan(&new, &new, &EmitOptions::default()).is_empty());
    }
}
