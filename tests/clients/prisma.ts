// The Prisma Client extension of generated/prisma/tenant.ts against a
// database our migrations built, connected as a login role granted the
// application role (tests/client_runtime.rs prepares both and reads the
// JSON this prints).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./prisma/client/client.ts";
import { tenantContext, VersionConflictError } from "./prisma/tenant.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: env("DATABASE_URL") }) });
try {
  const ids = async (userId: string | null) =>
    (await prisma.$extends(tenantContext({ userId })).task.findMany({ select: { id: true } })).map((t) => t.id).sort();
  const a = await ids(env("USER_A"));
  const b = await ids(env("USER_B"));
  const none = await ids(null);

  const asA = prisma.$extends(tenantContext({ userId: env("USER_A") }));
  const read = await asA.task.findUniqueOrThrow({ where: { id: env("TASK") } });
  await asA.task.update({ where: { id: read.id }, data: { title: "changed by prisma", version: read.version } });
  let conflict: unknown = null;
  try {
    await asA.task.update({ where: { id: read.id }, data: { title: "stale", version: read.version } });
  } catch (error) {
    conflict =
      error instanceof VersionConflictError
        ? { name: error.name, typed: true, ...error.details }
        : { name: String(error), typed: false };
  }
  console.log(JSON.stringify({ a, b, none, conflict }));
} finally {
  await prisma.$disconnect();
}
