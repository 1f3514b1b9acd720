// At-least-once delivery (Slack retries, Teams redelivery) made safe: the first delivery of an id
// claims it in the database; any later copy finds it taken. The unique key makes this atomic
// across several bot instances sharing one PostgreSQL.
import type { Db } from "../db/client.ts";

/** True when this delivery is new and now ours to process; false for a duplicate. */
export async function claimDelivery(db: Db, platform: string, deliveryId: string): Promise<boolean> {
  const { count } = await db.processedDelivery.createMany({
    data: [{ platform, deliveryId }],
    skipDuplicates: true,
  });
  return count === 1;
}

/** Forgets deliveries older than the platforms' retry windows (Slack retries for ~5 minutes). */
export async function pruneDeliveries(db: Db, now: Date, olderThanMs = 24 * 3_600_000): Promise<number> {
  const { count } = await db.processedDelivery.deleteMany({
    where: { receivedAt: { lt: new Date(now.getTime() - olderThanMs) } },
  });
  return count;
}
