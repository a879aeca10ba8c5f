/** Who a unit of work runs as. */
export interface TenantContext {
  /** `__TENANT_SETTING_TEXT__`: the tenant whose rows are visible (setting mode). */
  readonly tenantId?: string | null;
  /** `__USER_SETTING_TEXT__`: the acting user (membership mode, the audit actor, userstamps). */
  readonly userId?: string | null;
}

/** The settings the policies read. */
export const TENANT_SETTING = __TENANT_SETTING__;
export const USER_SETTING = __USER_SETTING__;

/** What a version conflict says about the row (see `versionConflictDetails`). */
export interface VersionConflictDetails {
  /** The table of the row. */
  readonly table: string;
  /** The row's key as text (a composite key joined with `,`); absent on SQLite. */
  readonly key: string | undefined;
  /** The version the row is at; absent on SQLite. */
  readonly rowVersion: number | undefined;
  /** The version the update was made from; absent on SQLite. */
  readonly staleVersion: number | undefined;
}

/** The SQLSTATE PostgreSQL raises for a stale versioned update. */
export const VERSION_CONFLICT_SQLSTATE = __SQLSTATE__;

const VERSION_CONFLICT =
  /__PREFIX_PATTERN__([^\s:(]+)(?: \((.*?)\))?(?:: the row is at version (\d+), the update was made from version (\d+))?/;

/**
 * The version conflict `error` reports, looked for through the errors it
 * wraps (`cause`, `driverError`, `meta`): the trigger of a `#[versioned]`
 * table raises it (SQLSTATE `TW409` on PostgreSQL, the same message on
 * MySQL and SQLite) when an update was made from a stale version.
 * `undefined` for any other error.
 */
export function versionConflictDetails(error: unknown): VersionConflictDetails | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { code, message, cause, driverError, meta } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      driverError?: unknown;
      meta?: unknown;
    };
    const match = typeof message === "string" ? VERSION_CONFLICT.exec(message) : null;
    if (match !== null || code === VERSION_CONFLICT_SQLSTATE) {
      const version = (text: string | undefined) => (text === undefined ? undefined : Number(text));
      return { table: match?.[1] ?? "", key: match?.[2], rowVersion: version(match?.[3]), staleVersion: version(match?.[4]) };
    }
    current = driverError ?? cause ?? meta;
  }
  return undefined;
}

function conflictMessage(details: VersionConflictDetails): string {
  const key = details.key === undefined ? "" : ` (${details.key})`;
  const versions =
    details.rowVersion === undefined
      ? "the update was made from a stale version"
      : `the row is at version ${details.rowVersion}, the update was made from version ${details.staleVersion}`;
  return `version conflict on ${details.table}${key}: ${versions}; re-read the row and apply the change again`;
}
