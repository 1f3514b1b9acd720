// At-least-once delivery (Slack retries, Teams redelivery) made safe: the first delivery of an id
// claims it in the database; any later copy finds it taken. The unique key makes this atomic
// across several bot instances sharing one PostgreSQL. The claim itself is in turn-rows.ts, one
// statement for the turns arriving together.
import type { Db } from "../db/client.ts";

/** Forgets deliveries older than the platforms' retry windows (Slack retries for ~5 minutes). */
export async function pruneDeliveries(db: Db, now: Date, olderThanMs = 24 * 3_600_000): Promise<number> {
  const { count } = await db.processedDelivery.deleteMany({
    where: { receivedAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return count;
}
