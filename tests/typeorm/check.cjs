// Runs tablewright's TypeORM output through TypeORM itself, for
// tests/targets_typeorm.rs. Usage:
//
//   node check.cjs migrate <compiled dir> <postgres url>
//     runMigrations() with our migration class, then the schema builder's
//     log() (the SQL `synchronize` would run), then undoLastMigration() and a
//     look for leftovers, then runMigrations() again.
//   node check.cjs log <compiled dir> <postgres url>
//     only log(), against a database built some other way.
//
// <compiled dir> holds the tsc output of generated/typeorm (entities/,
// migrations/). Prints one JSON object; exits non-zero on any error.
"use strict";
require("reflect-metadata");
const fs = require("fs");
const path = require("path");
const { DataSource } = require("typeorm");

async function main() {
  const [mode, compiled, url] = process.argv.slice(2);
  if (!["migrate", "log"].includes(mode) || !compiled || !url) {
    throw new Error("usage: node check.cjs migrate|log <compiled dir> <postgres url>");
  }
  const { entities } = require(path.resolve(compiled, "entities/index.js"));
  const migrationsDir = path.resolve(compiled, "migrations");
  const migrations = fs
    .readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".js"))
    .sort()
    .flatMap((f) => Object.values(require(path.join(migrationsDir, f))));
  const dataSource = new DataSource({
    type: "postgres",
    url,
    entities,
    migrations,
    // gen_random_uuid() is built in since PostgreSQL 13: install nothing.
    installExtensions: false,
    uuidExtension: "pgcrypto",
    migrationsTransactionMode: "all",
    logging: false,
  });
  await dataSource.initialize();
  // TypeORM's own comparison, unchanged: no equivalence is added.
  const report = { ran: [], reverted: [], leftovers: [], pending: [] };
  try {
    const driver = dataSource.driver;
    if (mode === "migrate") {
      report.ran = (await dataSource.runMigrations({ transaction: "all" })).map((m) => m.name);
    }
    const sql = await driver.createSchemaBuilder().log();
    report.pending = sql.upQueries.map((q) => q.query);

    if (mode === "migrate") {
      // Down through TypeORM must leave nothing of ours behind.
      for (let i = 0; i < report.ran.length; i++) {
        await dataSource.undoLastMigration({ transaction: "all" });
      }
      const left = await dataSource.query(
        `SELECT c.relkind::text AS kind, c.relname AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relname NOT LIKE 'migrations%'
            AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indexrelid = c.oid AND i.indrelid = '"migrations"'::regclass)
         UNION ALL
         SELECT 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = current_schema() AND t.typtype = 'e'
         UNION ALL
         SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = current_schema()`,
      );
      report.leftovers = left.map((r) => `${r.kind} ${r.name}`).sort();
      const recorded = await dataSource.query(`SELECT count(*)::int AS n FROM "migrations"`);
      if (recorded[0].n !== 0) report.leftovers.push(`${recorded[0].n} rows in "migrations"`);
      report.reverted = report.ran;
      // And up again: the state the Rust test dumps.
      await dataSource.runMigrations({ transaction: "all" });
    }
  } finally {
    await dataSource.destroy();
  }
  process.stdout.write(JSON.stringify(report) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
