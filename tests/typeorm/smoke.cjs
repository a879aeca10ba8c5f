// Writes and reads showcase rows through the generated TypeORM entities, for
// tests/targets_typeorm.rs: inserts across same-tenant keys, loads every
// belongs-to relation and a has-many one, saves a change with the relations
// loaded (the version trigger bumps `version`), soft-deletes through
// `@DeleteDateColumn`. Usage: node smoke.cjs <compiled dir> <postgres url>
// on a database our migration built. Prints one JSON object.
"use strict";
require("reflect-metadata");
const path = require("path");
const { DataSource } = require("typeorm");

async function main() {
  const [compiled, url] = process.argv.slice(2);
  const e = require(path.resolve(compiled, "entities/index.js"));
  const db = new DataSource({
    type: "postgres",
    url,
    entities: e.entities,
    installExtensions: false,
    uuidExtension: "pgcrypto",
    logging: false,
  });
  await db.initialize();
  try {
    const org = await db.getRepository(e.Organization).save({ name: "Acme", slug: "acme", settings: {} });
    const user = await db.getRepository(e.User).save({ email: "ada@example.test", displayName: "Ada" });
    const project = await db.getRepository(e.Project).save({ organizationId: org.id, name: "Web", code: "WEB" });
    const tasks = db.getRepository(e.Task);
    const parent = await tasks.save({ organizationId: org.id, projectId: project.id, title: "Ship", createdById: user.id });
    const sub = await tasks.save({
      organizationId: org.id,
      projectId: project.id,
      parentId: parent.id,
      title: "Write docs",
      createdById: user.id,
    });
    const loaded = await tasks.findOneOrFail({
      where: { id: sub.id },
      relations: { parent: true, project: true, organization: true, createdBy: true },
    });
    loaded.title = "Write the docs";
    await tasks.save(loaded);
    const saved = await tasks.findOneByOrFail({ id: sub.id });
    const withChildren = await tasks.findOneOrFail({ where: { id: parent.id }, relations: { children: true } });
    await tasks.softRemove(saved);
    process.stdout.write(
      JSON.stringify({
        parent: loaded.parent && loaded.parent.title,
        project: loaded.project.code,
        organization: loaded.organization.slug,
        createdBy: loaded.createdBy.email,
        status: loaded.status,
        title: saved.title,
        version: saved.version,
        children: withChildren.children.map((c) => c.title),
        liveAfterSoftRemove: await tasks.count(),
        allAfterSoftRemove: await tasks.count({ withDeleted: true }),
      }) + "\n",
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
