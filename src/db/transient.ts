// Database errors a second attempt can cure: a serialization failure (40001 / Prisma P2034), a
// deadlock (40P01), a transaction that could not start in time because the pool was busy (P2028).
const TRANSIENT_SQLSTATES = new Set(["40001", "40P01"]);
const TRANSIENT_PRISMA = new Set(["P2034", "P2028"]);

/** True for errors that a second attempt of the same transaction can cure. */
export function isTransientDbError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== "object" || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.code === "string" && (TRANSIENT_PRISMA.has(o.code) || TRANSIENT_SQLSTATES.has(o.code))) return true;
    if (typeof o.originalCode === "string" && TRANSIENT_SQLSTATES.has(o.originalCode)) return true;
    if (o.kind === "TransactionWriteConflict") return true;
    return visit(o.meta, depth + 1) || visit(o.driverAdapterError, depth + 1) || visit(o.cause, depth + 1);
  };
  return visit(err, 0);
}

