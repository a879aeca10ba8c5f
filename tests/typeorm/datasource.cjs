// The data source TypeORM's own CLI loads (`typeorm migration:generate -d
// datasource.cjs`), for tests/targets_typeorm.rs: the tsc output of
// generated/typeorm in TW_TYPEORM_COMPILED, the database in TW_TYPEORM_URL.
// The same options as check.cjs, so the CLI compares what check.cjs does.
"use strict";
require("reflect-metadata");
const path = require("path");
const { DataSource } = require("typeorm");

const compiled = process.env.TW_TYPEORM_COMPILED;
const url = process.env.TW_TYPEORM_URL;
if (!compiled || !url) {
  throw new Error("datasource.cjs needs TW_TYPEORM_COMPILED and TW_TYPEORM_URL");
}
const { entities } = require(path.resolve(compiled, "entities/index.js"));

module.exports = {
  dataSource: new DataSource({
    type: "postgres",
    url,
    entities,
    installExtensions: false,
    uuidExtension: "pgcrypto",
    logging: false,
  }),
};
