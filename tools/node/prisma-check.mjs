// Checks a Prisma schema with Prisma's own schema engine (the WASM build of
// prisma-fmt that the `prisma` CLI bundles): validate, format and get_dmmf.
// Usage: node prisma-check.mjs <schema.prisma>
//
// Exits 1 with Prisma's error message when the schema does not validate.
// Otherwise prints one JSON object for the test suite to compare against
// the model and a live database:
//   formatted  the schema as `prisma format` writes it
//   lint       the messages of Prisma's linter (warnings included)
//   enums      [{ name, dbName, values: [stored value] }]
//   models     [{ name, dbName, fields: [DMMF field + relationMap],
//                unsupported: [column of each Unsupported("...") field] }]
//   indexes    DMMF's indexes (id, unique, normal) with their database names
// relationMap is the `map:` of a relation's @relation(...) (the foreign-key
// constraint name), read from the schema text because the DMMF leaves it out;
// null when the relation has none (Prisma's default name applies).
// Unsupported("...") fields are not in the DMMF at all; their columns are
// read from the schema text too.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const wasm = require("@prisma/prisma-schema-wasm");

const file = process.argv[2];
if (!file) {
  console.error("usage: node prisma-check.mjs <schema.prisma>");
  process.exit(2);
}
const text = readFileSync(file, "utf8");
const files = [["schema.prisma", text]];

try {
  wasm.validate(JSON.stringify({ prismaSchema: files, noColor: true }));
} catch (err) {
  const raw = err && err.message ? err.message : String(err);
  let message = raw;
  try {
    message = JSON.parse(raw).message;
  } catch {
    // not JSON: print as is
  }
  console.error(`${file}: Prisma rejects the schema:\n${message}`);
  process.exit(1);
}

const formatParams = { textDocument: { uri: "file:/dev/null" }, options: { tabSize: 2, insertSpaces: true } };
const formatted = JSON.parse(wasm.format(JSON.stringify(files), JSON.stringify(formatParams)))[0][1];

const lint = JSON.parse(wasm.lint(JSON.stringify(files))).map((m) => m.text);

const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: files }))).datamodel;

// model name -> field name -> map: of its @relation(...)
const relationMaps = new Map();
// model name -> columns of its Unsupported("...") fields
const unsupported = new Map();
let model = null;
for (const line of text.split("\n")) {
  const open = /^model\s+(\w+)\s*\{/.exec(line);
  if (open) {
    model = open[1];
    relationMaps.set(model, new Map());
    unsupported.set(model, []);
    continue;
  }
  if (line.startsWith("}")) {
    model = null;
    continue;
  }
  const opaque = model && /^\s+(\w+)\s+Unsupported\(/.exec(line);
  if (opaque) {
    const map = /@map\("((?:[^"\\]|\\.)*)"\)/.exec(line);
    unsupported.get(model).push(map ? map[1] : opaque[1]);
    continue;
  }
  const field = model && /^\s+(\w+)\s+\S+\s+.*@relation\((.*)\)\s*$/.exec(line);
  if (field) {
    const map = /\bmap:\s*"((?:[^"\\]|\\.)*)"/.exec(field[2]);
    relationMaps.get(model).set(field[1], map ? map[1] : null);
  }
}

const out = {
  formatted,
  lint,
  enums: dmmf.enums.map((e) => ({
    name: e.name,
    dbName: e.dbName ?? e.name,
    values: e.values.map((v) => v.dbName ?? v.name),
  })),
  models: dmmf.models.map((m) => ({
    name: m.name,
    dbName: m.dbName ?? m.name,
    fields: m.fields.map((f) => ({
      name: f.name,
      dbName: f.dbName ?? f.name,
      kind: f.kind,
      type: f.type,
      isList: f.isList,
      isRequired: f.isRequired,
      nativeType: f.nativeType ?? null,
      hasDefaultValue: f.hasDefaultValue,
      default: f.default ?? null,
      isUpdatedAt: f.isUpdatedAt,
      relationName: f.relationName ?? null,
      relationFromFields: f.relationFromFields ?? [],
      relationToFields: f.relationToFields ?? [],
      relationOnDelete: f.relationOnDelete ?? null,
      relationOnUpdate: f.relationOnUpdate ?? null,
      relationMap: relationMaps.get(m.name)?.get(f.name) ?? null,
    })),
    unsupported: unsupported.get(m.name) ?? [],
  })),
  indexes: dmmf.indexes.map((i) => ({
    model: i.model,
    type: i.type,
    dbName: i.dbName ?? null,
    fields: i.fields.map((f) => ({ name: f.name, desc: f.sortOrder === "desc" })),
  })),
};
console.log(JSON.stringify(out));
