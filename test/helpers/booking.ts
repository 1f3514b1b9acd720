// Helpers for the booking tests: turns at a fixed time with a stored conversation reference, a
// fake sender that records proactive messages, and reading calendar invites back with ical.js.
import ICAL from "ical.js";
import type { Block, FileAttachment, Reply } from "../../src/core/reply.ts";
import type { Turn } from "../../src/core/turn.ts";
import type { Sender } from "../../src/booking/outbox-worker.ts";
import { openDb, openMigratedDb, type DbHandle } from "../../src/db/client.ts";
import { actionTurn, textTurn } from "./app.ts";
import { openTestDb, TEST_DATABASE_URL, type DbKind } from "./db.ts";
import { createScratchDatabase } from "./scratch-database.ts";

/** 2026-12-01 10:00 in Japan: the seeded (provisional) 2027 sessions are open for booking. */
export const BOOKING_TIME = new Date("2026-12-01T01:00:00Z");

/**
 * For tests whose turns are stamped by a real adapter (the machine's clock, which CI also runs
 * 400 days ahead): moves every session's dates by (now − BOOKING_TIME), so the seeded series is
 * as open at `now` as it is at BOOKING_TIME.
 */
export async function sessionsOpenAt(db: DbHandle["prisma"], now: Date = new Date()): Promise<void> {
  const shift = now.getTime() - BOOKING_TIME.getTime();
  const move = (d: Date | null) => (d ? new Date(d.getTime() + shift) : d);
  for (const s of await db.session.findMany()) {
    await db.session.update({
      where: { id: s.id },
      data: { startsAt: move(s.startsAt)!, endsAt: move(s.endsAt)!, opensAt: move(s.opensAt), closesAt: move(s.closesAt), cancelCutoffAt: move(s.cancelCutoffAt) },
    });
  }
}

export interface Who {
  user: string;
  org?: string;
  orgName?: string;
  name?: string;
  timeZone?: string;
  platform?: Turn["platform"];
  conversation?: string;
}

function withPerson(turn: Turn, who: Who, at: Date): Turn {
  return {
    ...turn,
    org: { externalKey: who.org ?? "console:org-a", name: who.orgName },
    user: { platformUserId: who.user, name: who.name, timeZone: who.timeZone },
    conversation: {
      ...turn.conversation,
      reference: { key: `${turn.platform}:${who.user}`, data: { user: who.user } },
    },
    receivedAt: at,
  };
}

export function textAt(text: string, who: Who, at: Date = BOOKING_TIME): Turn {
  return withPerson(textTurn(text, { user: who.user, platform: who.platform, conversation: who.conversation ?? `console:${who.user}` }), who, at);
}

export function actionAt(intent: string, params: Record<string, unknown>, who: Who, at: Date = BOOKING_TIME): Turn {
  return withPerson(actionTurn(intent, params, { user: who.user, platform: who.platform, conversation: who.conversation ?? `console:${who.user}` }), who, at);
}

export interface SentMessage {
  ref: unknown;
  reply: Reply;
}

/** A sender that records what it is given; `fail` makes the next calls throw. */
export function recordingSender(): Sender & { sent: SentMessage[]; fail: (err: unknown, times?: number) => void } {
  const sent: SentMessage[] = [];
  const failures: unknown[] = [];
  const fn = (async (ref: unknown, reply: Reply) => {
    if (failures.length) throw failures.shift();
    sent.push({ ref, reply });
  }) as Sender & { sent: SentMessage[]; fail: (err: unknown, times?: number) => void };
  fn.sent = sent;
  fn.fail = (err, times = 1) => {
    for (let i = 0; i < times; i++) failures.push(err);
  };
  return fn;
}

export function files(reply: Reply): FileAttachment[] {
  return reply.blocks.flatMap((b: Block) => (b.type === "file" ? [b.file] : []));
}

export interface ParsedInvite {
  method: string;
  uid: string;
  sequence: number;
  status: string;
  start: Date;
  end: Date;
  summary: string;
  location: string | null;
  description: string;
}

/** Parses an .ics with ical.js (a standard iCalendar parser): throws if it is not valid iCalendar. */
export function parseInvite(data: Buffer | string): ParsedInvite {
  const comp = new ICAL.Component(ICAL.parse(data.toString()));
  const ev = comp.getFirstSubcomponent("vevent");
  if (!ev) throw new Error("no VEVENT");
  const event = new ICAL.Event(ev);
  return {
    method: String(comp.getFirstPropertyValue("method")),
    uid: event.uid,
    sequence: Number(ev.getFirstPropertyValue("sequence")),
    status: String(ev.getFirstPropertyValue("status")),
    start: event.startDate.toJSDate(),
    end: event.endDate.toJSDate(),
    summary: event.summary,
    location: event.location ?? null,
    description: event.description ?? "",
  };
}

export function inviteOf(reply: Reply): ParsedInvite {
  const ics = files(reply).find((f) => f.name.endsWith(".ics"));
  if (!ics) throw new Error(`no .ics in the reply: ${reply.text}`);
  return parseInvite(ics.data);
}

/** All the text of a reply (for assertions on wording). */
export function allText(reply: Reply): string {
  return JSON.stringify(reply.blocks.filter((b) => b.type !== "file")) + reply.text;
}

// --- several clients on one database (bot instances sharing one PostgreSQL) ----------------------


export interface SharedDb {
  /** one handle per simulated instance; on PGlite all are the same in-process database */
  handles: DbHandle[];
  close(): Promise<void>;
}

/**
 * A fresh migrated database and `clients` Prisma clients on it. On PostgreSQL each client has its
 * own connection pool, so transactions really interleave across connections.
 */
export async function openSharedDb(kind: DbKind, clients: number): Promise<SharedDb> {
  if (kind === "pglite") {
    const h = await openTestDb("pglite");
    return { handles: [h], close: () => h.close() };
  }
  if (!TEST_DATABASE_URL) throw new Error("TEST_DATABASE_URL is not set");
  const scratch = await createScratchDatabase(TEST_DATABASE_URL);
  const handles = [await openMigratedDb({ databaseUrl: scratch.url, dataDir: "memory://" })];
  for (let i = 1; i < clients; i++) handles.push(await openDb({ databaseUrl: scratch.url, dataDir: "memory://" }));
  return {
    handles,
    close: async () => {
      for (const h of handles) await h.close();
      await scratch.drop();
    },
  };
}
