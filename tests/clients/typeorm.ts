// The TypeORM helper of generated/typeorm/tenant.ts against a database our
// migrations built, connected as a login role granted the application role
// (tests/client_runtime.rs prepares both and reads the JSON this prints).
import "reflect-metadata";
import { DataSource, OptimisticLockVersionMismatchError } from "typeorm";
import { entities, Task } from "./entities";
import { VersionConflictError, withTenant } from "./tenant";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const dataSource = new DataSource({
    type: "postgres",
    url: env("DATABASE_URL"),
    entities,
  });
  await dataSource.initialize();
  try {
    const ids = (userId: string | null) =>
      withTenant(dataSource, { userId }, async (manager) =>
        (await manager.find(Task, { select: { id: true } })).map((t) => t.id).sort(),
      );
    const a = await ids(env("USER_A"));
    const b = await ids(env("USER_B"));
    const none = await ids(null);

    const context = { userId: env("USER_A") };
    const read = await withTenant(dataSource, context, (m) => m.findOneByOrFail(Task, { id: env("TASK") }));
    await withTenant(dataSource, context, (m) =>
      m.update(Task, { id: read.id }, { title: "changed by typeorm", version: read.version }),
    );
    let conflict: unknown = null;
    try {
      await withTenant(dataSource, context, (m) =>
        m.update(Task, { id: read.id }, { title: "stale", version: read.version }),
      );
    } catch (error) {
      conflict =
        error instanceof VersionConflictError && error instanceof OptimisticLockVersionMismatchError
          ? { name: error.name, typed: true, ...error.details }
          : { name: String(error), typed: false };
    }
    console.log(JSON.stringify({ a, b, none, conflict }));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
