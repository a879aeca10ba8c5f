// Asks Prisma's own schema engine what it would migrate: the WASM build of
// the engine (`@prisma/schema-engine-wasm`, the one Prisma runs with driver
// adapters) diffs a live PostgreSQL database against a schema.prisma, as
// `prisma migrate diff --from-config-datasource --to-schema <file> --script`
// does with the native engine (which the npm registry does not carry).
// Usage: node prisma-diff.mjs <schema.prisma> <postgres url>
//
// Prints one JSON object: { exitCode, script }. exitCode is the engine's
// `--exit-code` answer (0: no difference, 2: a difference); script is the SQL
// Prisma would run ("-- This is an empty migration." when none). Exits 1 with
// the engine's message when the diff fails.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const [file, url] = process.argv.slice(2);
if (!file || !url) {
  console.error("usage: node prisma-diff.mjs <schema.prisma> <postgres url>");
  process.exit(2);
}

// The engine reports a Rust panic through this global before it traps.
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (message) => console.error(`schema engine panic: ${message}`) };

// Node 20 cannot `import` a .wasm file: instantiate it with the bindings'
// own imports, as the package's entry module would.
const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
const bindings = await import(pathToFileURL(path.join(dir, "schema_engine_bg.js")).href);
const module = await WebAssembly.compile(readFileSync(path.join(dir, "schema_engine_bg.wasm")));
const instance = await WebAssembly.instantiate(module, { "./schema_engine_bg.js": bindings });
bindings.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();

const { PrismaPg } = require("@prisma/adapter-pg");
const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = require("@prisma/driver-adapter-utils");

// @prisma/adapter-pg 7.10 has no column type for PostgreSQL's one-byte
// "char" (OID 18) and refuses a result holding one, yet the engine's
// describer reads such columns (pg_constraint.contype, ...) and decodes them
// as Character, which is what its native driver reports. So such a column
// passes through the adapter as text and reaches the engine as Character;
// the values are the same one-letter strings either way.
const PG_CHAR = 18;
const PG_TEXT = 25;
function withChar(adapter) {
  const charColumns = new WeakMap();
  const performIO = adapter.performIO.bind(adapter);
  adapter.performIO = async (query) => {
    const result = await performIO(query);
    const columns = [];
    result.fields.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR) {
        field.dataTypeID = PG_TEXT;
        columns.push(i);
      }
    });
    charColumns.set(query, columns);
    return result;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(query) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return adapter;
}

const pg = new PrismaPg({ connectionString: url });
const adapter = bindMigrationAwareSqlAdapterFactory({
  provider: pg.provider,
  adapterName: pg.adapterName,
  connect: async () => withChar(await pg.connect()),
  connectToShadowDb: async () => withChar(await pg.connectToShadowDb()),
});

const text = readFileSync(file, "utf8");
const files = [{ path: "schema.prisma", content: text }];
try {
  const engine = await bindings.SchemaEngine.new({ datamodels: [["schema.prisma", text]] }, () => {}, adapter);
  const result = await engine.diff({
    // The database the datasource (the adapter) connects to...
    from: { tag: "schemaDatasource", files, configDir: "." },
    // ...against the schema file.
    to: { tag: "schemaDatamodel", files },
    script: true,
    exitCode: true,
    filters: { externalTables: [], externalEnums: [] },
  });
  process.stdout.write(JSON.stringify({ exitCode: result.exitCode, script: result.stdout ?? "" }) + "\n");
  // The pg pool keeps Node alive: exit explicitly.
  process.exit(0);
} catch (error) {
  console.error(`Prisma's schema engine failed: ${error && error.message ? error.message : error}`);
  process.exit(1);
}
