// The rows every turn reads and writes around its intent: its delivery claimed, who is speaking
// with their conversation's state and whether an earlier attempt of the delivery changed data,
// and the state saved afterwards. Each is one statement for all the turns arriving together
// (src/db/batcher.ts): on a quiet day a turn costs what it did with one query each; in the
// launch-day rush thousands of turns share a few round trips. These run on the owner's path, like
// the Prisma queries they replace: the organisation is not known yet when they start.
import type { Db } from "../db/client.ts";
import { Batcher } from "../db/batcher.ts";
import type { ConversationData } from "./conversation-state.ts";

export interface TurnKeys {
  /** Organization.externalKey */
  orgKey: string;
  platform: string;
  platformUserId: string;
  conversationKey: string;
  /** TurnEffect.key of this delivery, when it has one */
  effectKey?: string;
}

/** What is stored about a turn's speaker and conversation; no user when they are new here. */
export interface TurnRow {
  org?: { id: string; name: string | null };
  user?: { id: string; platform: string; platformUserId: string; displayName: string | null; role: string; locale: string | null; timeZone: string | null };
  state?: ConversationData;
  /** the intent an earlier attempt of this delivery changed data with */
  earlierEffect?: string;
}

interface Found {
  i: number;
  org_id: string | null;
  org_name: string | null;
  user_id: string | null;
  role: string | null;
  display_name: string | null;
  locale: string | null;
  time_zone: string | null;
  state: unknown;
  effect_intent: string | null;
}

interface Save {
  conversationKey: string;
  userId: string;
  orgId: string;
  data: ConversationData;
  at: Date;
}

export class TurnRows {
  private readonly claims: Batcher<{ platform: string; deliveryId: string; at: Date }, boolean>;
  private readonly lookups: Batcher<TurnKeys, TurnRow>;
  private readonly saves: Batcher<Save, undefined>;

  constructor(db: Db) {
    this.claims = new Batcher(async (inputs) => {
      // a delivery twice in one batch: its first copy claims it, the others are duplicates
      const first = new Map<string, number>();
      inputs.forEach((d, i) => {
        const k = `${d.platform}\u0000${d.deliveryId}`;
        if (!first.has(k)) first.set(k, i);
      });
      const unique = [...first.values()].map((i) => inputs[i]);
      const rows = await db.$queryRaw<{ platform: string; deliveryId: string }[]>`
        INSERT INTO "ProcessedDelivery" (platform, "deliveryId", "receivedAt")
        SELECT p, d, a FROM unnest(${unique.map((d) => d.platform)}::text[], ${unique.map((d) => d.deliveryId)}::text[], ${unique.map((d) => d.at)}::timestamp[]) AS k(p, d, a)
        ON CONFLICT DO NOTHING
        RETURNING platform, "deliveryId"`;
      const won = new Set(rows.map((r) => `${r.platform}\u0000${r.deliveryId}`));
      return inputs.map((d, i) => {
        const k = `${d.platform}\u0000${d.deliveryId}`;
        return first.get(k) === i && won.has(k);
      });
    });

    this.lookups = new Batcher(async (inputs) => {
      const rows = await db.$queryRaw<Found[]>`
        SELECT k.i::int AS i, o.id AS org_id, o.name AS org_name, u.id AS user_id, u.role, u."displayName" AS display_name,
          u.locale, u."timeZone" AS time_zone, cs.data AS state, te.intent AS effect_intent
        FROM unnest(${inputs.map((t) => t.orgKey)}::text[], ${inputs.map((t) => t.platform)}::text[], ${inputs.map((t) => t.platformUserId)}::text[],
          ${inputs.map((t) => t.conversationKey)}::text[], ${inputs.map((t) => t.effectKey ?? null)}::text[]) WITH ORDINALITY AS k(org_key, platform, puid, ckey, ekey, i)
        LEFT JOIN "Organization" o ON o."externalKey" = k.org_key
        LEFT JOIN "User" u ON u."orgId" = o.id AND u.platform = k.platform AND u."platformUserId" = k.puid
        LEFT JOIN "ConversationState" cs ON cs."conversationKey" = k.ckey AND cs."userId" = u.id
        LEFT JOIN "TurnEffect" te ON te.key = k.ekey`;
      const out: TurnRow[] = inputs.map(() => ({}));
      for (const r of rows) {
        const t = inputs[r.i - 1];
        out[r.i - 1] = {
          org: r.org_id ? { id: r.org_id, name: r.org_name } : undefined,
          user: r.user_id
            ? { id: r.user_id, platform: t.platform, platformUserId: t.platformUserId, displayName: r.display_name, role: r.role!, locale: r.locale, timeZone: r.time_zone }
            : undefined,
          state: r.state && typeof r.state === "object" ? (r.state as ConversationData) : undefined,
          earlierEffect: r.effect_intent ?? undefined,
        };
      }
      return out;
    });

    this.saves = new Batcher(async (inputs) => {
      // one row per conversation and person: when two of their turns end together, the later wins
      const last = new Map<string, Save>();
      for (const s of inputs) last.set(`${s.conversationKey}\u0000${s.userId}`, s);
      const rows = [...last.values()];
      await db.$executeRaw`
        INSERT INTO "ConversationState" (id, "conversationKey", "userId", "orgId", data, "updatedAt")
        SELECT gen_random_uuid(), k, u, o, d::jsonb, a
        FROM unnest(${rows.map((s) => s.conversationKey)}::text[], ${rows.map((s) => s.userId)}::uuid[], ${rows.map((s) => s.orgId)}::uuid[],
          ${rows.map((s) => JSON.stringify(s.data))}::text[], ${rows.map((s) => s.at)}::timestamp[]) AS v(k, u, o, d, a)
        ON CONFLICT ("conversationKey", "userId") DO UPDATE SET data = EXCLUDED.data, "updatedAt" = EXCLUDED."updatedAt"`;
      return inputs.map(() => undefined);
    });
  }

  /** True when this delivery (received at `at`) is new and now ours to process; false for a duplicate (dedupe.ts). */
  claim(platform: string, deliveryId: string, at: Date): Promise<boolean> {
    return this.claims.call({ platform, deliveryId, at });
  }

  /** The speaker's organisation and person as stored, their conversation's state, an earlier attempt's change. */
  lookup(keys: TurnKeys): Promise<TurnRow> {
    return this.lookups.call(keys);
  }

  /** Keeps the conversation's state for the next message (conversation-state.ts), as of the turn's time. */
  save(conversationKey: string, userId: string, orgId: string, data: ConversationData, at: Date): Promise<void> {
    return this.saves.call({ conversationKey, userId, orgId, data, at });
  }
}
