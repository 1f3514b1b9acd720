// Turns and replies as JSON for the inbox: dates as ISO strings, file bytes as base64, and files
// the user attached as their adapter's `ref` (the download itself is made again by the channel).
import type { Reply } from "../core/reply.ts";
import type { IncomingFile, Turn } from "../core/turn.ts";

/** The turn as stored: everything but functions. */
export function turnToJson(turn: Turn): unknown {
  const files = turn.files?.map((f) => ({ name: f.name, size: f.size, ref: f.ref ?? null }));
  return JSON.parse(JSON.stringify({ ...turn, files, receivedAt: turn.receivedAt.toISOString() }));
}

export function turnFromJson(json: unknown): Turn {
  const t = json as Turn & { receivedAt: string; files?: { name: string; size?: number; ref?: unknown }[] };
  const files: IncomingFile[] | undefined = t.files?.map((f) => ({
    name: f.name,
    ...(f.size !== undefined && f.size !== null ? { size: f.size } : {}),
    ref: f.ref ?? undefined,
    download: () => Promise.reject(new Error("a stored file must be revived by its channel before it is downloaded")),
  }));
  return { ...t, receivedAt: new Date(t.receivedAt), ...(files ? { files } : {}) };
}

/** A reply as stored: file bytes as base64. */
export function replyToJson(reply: Reply): unknown {
  return JSON.parse(
    JSON.stringify(reply, function (this: Record<string, unknown>, key, value) {
      const raw = this[key];
      return Buffer.isBuffer(raw) ? { $base64: raw.toString("base64") } : value;
    }),
  );
}

export function replyFromJson(json: unknown): Reply {
  return JSON.parse(JSON.stringify(json), (_key, value) =>
    value && typeof value === "object" && typeof value.$base64 === "string" && Object.keys(value).length === 1 ? Buffer.from(value.$base64, "base64") : value,
  ) as Reply;
}
