// The bench's booking figures run end to end and check themselves (no timing is asserted).
import { describe, expect, it } from "vitest";
import { measureBooking } from "../../bench/booking.ts";
import { TEST_DATABASE_URL } from "../helpers/db.ts";

describe("booking bench figures", () => {
  it("measures attempts per second with exactly the capacity confirmed, on PGlite and (when set) PostgreSQL", async () => {
    const r = await measureBooking({ databaseUrl: TEST_DATABASE_URL, attempts: 120, capacity: 7, clients: 3 });
    expect(r.pglite).toMatchObject({ db: "pglite", attempts: 120, confirmed: 7, errors: 0, correct: true });
    expect(r.pglite.waitlisted + r.pglite.full).toBe(113);
    expect(r.pglite.attempts_per_s).toBeGreaterThan(0);
    if (TEST_DATABASE_URL) expect(r.postgres).toMatchObject({ db: "postgres", clients: 3, confirmed: 7, errors: 0, correct: true });
    else expect(r.postgres).toEqual({ skipped: "no PostgreSQL URL given" });
  });
});
