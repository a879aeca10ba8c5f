//! The TypeORM migration class carrying our PostgreSQL migration: `up` and
//! `down` run our statements one by one through `queryRunner.query`, so
//! `dataSource.runMigrations()` builds exactly the schema our SQL builds and
//! records it in TypeORM's `migrations` table.

use crate::emit::EmitOptions;
use crate::emit::relations::pascal_case;
use crate::emit::sql::Behavior;

use super::HEADER;
use super::ts::{string, template};

/// TypeORM reads a migration's timestamp from the last 13 characters of its
/// name (a JavaScript millisecond timestamp) and runs migrations in that
/// order. Ours is the migration number, zero-padded: `0000000000001` for
/// `0001`, deterministic and ordered before any migration a user adds with
/// `typeorm migration:create` (whose timestamps are real dates).
pub(super) fn timestamp(number: u32) -> String {
    format!("{number:013}")
}

/// `initial` -> `Initial`: the class-name stem, letters and digits only.
pub(super) fn stem(migration_name: &str) -> String {
    let words: String =
        migration_name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let stem = pascal_case(&words);
    if stem.is_empty() || stem.starts_with(|c: char| c.is_ascii_digit()) { format!("Migration{stem}") } else { stem }
}

/// The file path (under `typeorm/`) and the text of the initial migration class.
pub(super) fn migration_file(number: u32, options: &EmitOptions, statements: &Behavior) -> (String, String) {
    step_migration_file(number, &options.initial_migration_name, &statements.up, &statements.down, false)
}

/// `typeorm/migrations/<13-digit number>-<Name>.ts`: where step `number`
/// called `name` lives.
pub fn migration_path(number: u32, name: &str) -> String {
    format!("typeorm/migrations/{}-{}.ts", timestamp(number), stem(name))
}

/// The path and text of the migration class of step `number`: its `up`
/// and `down` run our PostgreSQL statements (each with its `;`) in order.
pub fn step_migration_file(
    number: u32,
    name: &str,
    up: &[String],
    down: &[String],
    no_transaction: bool,
) -> (String, String) {
    let stem = stem(name);
    let stamp = timestamp(number);
    let class = format!("{stem}{stamp}");
    let sql_name = format!("{number:04}_{name}");
    let mut out = vec![
        HEADER.to_string(),
        "import type { MigrationInterface, QueryRunner } from \"typeorm\";".to_string(),
        String::new(),
        format!("/** The statements of `migrations/postgres/{sql_name}.up.sql`, in order. */"),
    ];
    push_array(&mut out, "UP", up);
    out.push(String::new());
    out.push(format!("/** The statements of `migrations/postgres/{sql_name}.down.sql`, in order. */"));
    push_array(&mut out, "DOWN", down);
    out.extend([
        String::new(),
        "/**".to_string(),
        format!(" * Migration {sql_name}: tablewright's PostgreSQL migration, run statement by"),
        " * statement. TypeORM records it in its `migrations` table under this name.".to_string(),
        " */".to_string(),
        format!("export class {class} implements MigrationInterface {{"),
        format!("  name = {};", string(&class)),
    ]);
    if no_transaction {
        // CREATE INDEX CONCURRENTLY cannot run in a transaction (TypeORM's
        // `migrationsTransactionMode: "each"` honours this).
        out.push("  transaction = false;".to_string());
    }
    out.extend([
        String::new(),
        "  public async up(queryRunner: QueryRunner): Promise<void> {".to_string(),
        "    for (const statement of UP) {".to_string(),
        "      await queryRunner.query(statement);".to_string(),
        "    }".to_string(),
        "  }".to_string(),
        String::new(),
        "  public async down(queryRunner: QueryRunner): Promise<void> {".to_string(),
        "    for (const statement of DOWN) {".to_string(),
        "      await queryRunner.query(statement);".to_string(),
        "    }".to_string(),
        "  }".to_string(),
        "}".to_string(),
    ]);
    (migration_path(number, name), out.join("\n") + "\n")
}

fn push_array(out: &mut Vec<String>, name: &str, statements: &[String]) {
    out.push(format!("const {name}: readonly string[] = ["));
    for statement in statements {
        out.push(format!("  {},", template(statement)));
    }
    out.push("];".to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_end_with_the_13_digit_timestamp_typeorm_reads() {
        assert_eq!(timestamp(1), "0000000000001");
        assert_eq!(stem("initial"), "Initial");
        assert_eq!(stem("add users-table"), "AddUsersTable");
        assert_eq!(stem("2fa"), "Migration2fa");
        let statements = Behavior { up: vec!["CREATE TABLE \"a\" (\"x\" TEXT);".into()], down: vec![] };
        let (path, text) = migration_file(1, &EmitOptions::default(), &statements);
        assert_eq!(path, "typeorm/migrations/0000000000001-Initial.ts");
        assert!(text.contains("export class Initial0000000000001 implements MigrationInterface {"));
        assert!(text.contains("  name = \"Initial0000000000001\";"));
        assert!(text.contains("  `CREATE TABLE \"a\" (\"x\" TEXT);`,"));
    }
}
