// Short-lived signed download links for files the bot makes (exports, calendar invites), for
// channels whose bot messages cannot carry the bytes (Teams): the pipeline links every file of a
// reply for such a channel. The file is kept in the database (FileDownload) so that any
// instance can serve GET /files/:token; the token is the row id, an expiry and an HMAC over both
// with config.linkSecret. A forged, altered or expired token gets nothing.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { FileAttachment } from "./reply.ts";

export const LINK_TTL_MS = 15 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type OpenResult =
  | { ok: true; name: string; mime: string; data: Buffer }
  | { ok: false; reason: "invalid" | "expired" | "gone" };

export class FileLinks {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    /** config.publicBaseUrl: without it no link can be given (the reply says so) */
    readonly baseUrl: string | undefined,
    private readonly ttlMs = LINK_TTL_MS,
  ) {}

  sign(id: string, exp: number): string {
    return createHmac("sha256", this.secret).update(`files:${id}.${exp}`).digest("base64url");
  }

  token(id: string, expiresAt: Date): string {
    const exp = Math.floor(expiresAt.getTime() / 1000);
    return `${id}.${exp}.${this.sign(id, exp)}`;
  }

  /** Stores the file and returns its link (url only when a public base URL is configured). */
  async create(orgId: string, userId: string, file: FileAttachment, now: Date): Promise<{ token: string; url?: string; expiresAt: Date }> {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const row = await this.db.fileDownload.create({
      data: { orgId, userId, name: file.name, mime: file.mime, data: new Uint8Array(file.data), expiresAt },
      select: { id: true },
    });
    // old links are cleared on the way, so the table stays small
    await this.prune(now).catch(() => undefined);
    const token = this.token(row.id, expiresAt);
    return { token, url: this.baseUrl ? `${this.baseUrl}/files/${encodeURIComponent(token)}` : undefined, expiresAt };
  }

  verify(token: string, now: Date): { ok: true; id: string } | { ok: false; reason: "invalid" | "expired" } {
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, reason: "invalid" };
    const [id, expText, sig] = parts;
    if (!UUID.test(id) || !/^\d{1,12}$/.test(expText)) return { ok: false, reason: "invalid" };
    const want = Buffer.from(this.sign(id, Number(expText)));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: "invalid" };
    if (Number(expText) * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
    return { ok: true, id };
  }

  async open(token: string, now: Date): Promise<OpenResult> {
    const v = this.verify(token, now);
    if (!v.ok) return v;
    const row = await this.db.fileDownload.findUnique({ where: { id: v.id } });
    if (!row) return { ok: false, reason: "gone" };
    if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
    return { ok: true, name: row.name, mime: row.mime, data: Buffer.from(row.data) };
  }

  async prune(now: Date): Promise<number> {
    const { count } = await this.db.fileDownload.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }
}
