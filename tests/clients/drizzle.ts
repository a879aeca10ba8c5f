// The Drizzle helpers of generated/drizzle/tenant.ts against a database our
// migrations built, connected as a login role granted the application role
// (tests/client_runtime.rs prepares both and reads the JSON this prints).
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema.js";
import { live, VersionConflictError, withTenant } from "./tenant.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const pool = new pg.Pool({ connectionString: env("DATABASE_URL") });
const admin = new pg.Pool({ connectionString: env("ADMIN_URL") });
try {
  const db = drizzle(pool, { schema });
  const ids = (userId: string | null) =>
    withTenant(db, { userId }, async (tx) =>
      (await tx.select({ id: schema.tasks.id }).from(schema.tasks)).map((t) => t.id).sort(),
    );
  const a = await ids(env("USER_A"));
  const b = await ids(env("USER_B"));
  const none = await ids(null);

  const context = { userId: env("USER_A") };
  const [read] = await withTenant(db, context, (tx) =>
    tx.select().from(schema.tasks).where(eq(schema.tasks.id, env("TASK"))),
  );
  if (read === undefined) throw new Error("the task is not visible");
  await withTenant(db, context, (tx) =>
    tx.update(schema.tasks).set({ title: "changed by drizzle", version: read.version }).where(eq(schema.tasks.id, read.id)),
  );
  let conflict: unknown = null;
  try {
    await withTenant(db, context, (tx) =>
      tx.update(schema.tasks).set({ title: "stale", version: read.version }).where(eq(schema.tasks.id, read.id)),
    );
  } catch (error) {
    conflict =
      error instanceof VersionConflictError
        ? { name: error.name, typed: true, ...error.details }
        : { name: String(error), typed: false };
  }

  // `live` where no policy filters: the table owner, past row-level security.
  const owner = drizzle(admin, { schema });
  const inOrgA = eq(schema.tasks.organizationId, env("ORG_A"));
  const all = (await owner.select({ id: schema.tasks.id }).from(schema.tasks).where(inOrgA)).length;
  const liveRows = (await owner.select({ id: schema.tasks.id }).from(schema.tasks).where(and(inOrgA, live(schema.tasks))))
    .length;
  console.log(JSON.stringify({ a, b, none, conflict, all, live: liveRows }));
} finally {
  await pool.end();
  await admin.end();
}
