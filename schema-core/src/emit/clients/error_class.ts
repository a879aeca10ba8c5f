/** An update made from a stale version: re-read the row and apply the change again. */
export class VersionConflictError extends Error {
  override readonly name = "VersionConflictError";
  /** The table, key and versions. */
  readonly details: VersionConflictDetails;
  /** The error the client raised. */
  readonly original: unknown;

  constructor(details: VersionConflictDetails, original: unknown) {
    super(conflictMessage(details));
    this.details = details;
    this.original = original;
  }
}
