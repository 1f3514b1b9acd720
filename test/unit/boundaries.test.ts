// The layering rules of DESIGN.md, enforced by reading the sources: intents and domain modules
// never import a platform SDK, adapters never import Prisma, only src/config.ts reads process.env.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;

function files(dir: string): string[] {
  const abs = join(root, dir);
  return readdirSync(abs).flatMap((f) => {
    const p = join(abs, f);
    if (f === "generated" || f === "node_modules") return [];
    return statSync(p).isDirectory() ? files(relative(root, p)) : /\.tsx?$/.test(p) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  return [...src.matchAll(/(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
}

const PLATFORM_SDK = /^(@slack\/|botbuilder|botframework-)/;
const DOMAIN = ["intents", "src/core", "src/nlu", "src/knowledge", "src/assessment", "src/booking", "src/suppliers", "src/web"];

describe("architecture boundaries", () => {
  it("intents and domain modules do not import Slack or Bot Framework SDKs", () => {
    const offenders = DOMAIN.flatMap((d) => safeFiles(d)).flatMap((f) =>
      imports(f).filter((i) => PLATFORM_SDK.test(i)).map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("channel adapters do not import Prisma or the database layer", () => {
    const offenders = safeFiles("src/channels").flatMap((f) =>
      imports(f).filter((i) => /prisma|\/db\//.test(i)).map((i) => `${relative(root, f)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("only src/config.ts reads process.env", () => {
    const offenders = [...safeFiles("src"), ...safeFiles("intents")].filter(
      (f) => !f.endsWith("src/config.ts") && /process\.env/.test(readFileSync(f, "utf8")),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it("reads the machine's clock only where that is the point (one clock per turn)", () => {
    const offenders = [...safeFiles("src"), ...safeFiles("intents")]
      .filter((f) => !(relative(root, f) in CLOCK_READERS))
      .flatMap((f) => clockReads(readFileSync(f, "utf8")).map((line) => `${relative(root, f)}: ${line}`));
    expect(offenders).toEqual([]);
  });

  it("the clock check really finds a clock read, and leaves dates built from values alone", () => {
    const src = readFileSync(join(root, "intents/session-topic.ts"), "utf8");
    expect(clockReads(src)).toEqual([]);
    // the same intent with a wall-clock check added, the mistake this rule exists for
    const broken = src.replace("if (!pendingTopic(state, now)) return null;", "if (!pendingTopic(state, new Date())) return null;");
    expect(broken).not.toBe(src);
    expect(clockReads(broken)).toHaveLength(1);
    for (const read of ["Date.now()", "new Date", "new  Date ( )", "const f = Date.now;", "globalThis.Date.now()"]) expect(clockReads(read), read).toHaveLength(1);
    for (const fine of ["new Date(ms)", "new Date(p.expiresAt)", "new Date(\n  x)", "performance.now()", "ctx.now", "// new Date() in a comment"]) expect(clockReads(fine), fine).toEqual([]);
    for (const f of Object.keys(CLOCK_READERS)) expect(clockReads(readFileSync(join(root, f), "utf8")).length, f).toBeGreaterThan(0);
  });

  it("only the listed files take the tenant walls' narrow path across companies", () => {
    const callers = [...safeFiles("src"), ...safeFiles("intents")]
      .filter((f) => !f.endsWith("src/db/walls.ts") && /\.acrossCompanies\s*\(/.test(stripComments(readFileSync(f, "utf8"))))
      .map((f) => relative(root, f));
    expect(callers.sort()).toEqual(Object.keys(ACROSS_COMPANIES).sort());
    // and the check finds a call: the listed files really make one
    expect(/\.acrossCompanies\s*\(/.test("await walls.acrossCompanies(() => db.answer.count())")).toBe(true);
  });

  it("only the listed intents run outside the tenant walls, each saying why", () => {
    const spanning = safeFiles("intents")
      .filter((f) => /^\s*spansCompanies\s*:/m.test(stripComments(readFileSync(f, "utf8"))))
      .map((f) => relative(root, f));
    expect(spanning.sort()).toEqual([...SPANS_COMPANIES].sort());
  });

  it("the checks above really find an offending import", () => {
    expect(imports(join(root, "src/channels/slack/slack-channel.ts")).some((i) => PLATFORM_SDK.test(i))).toBe(true);
  });
});

/**
 * The only places that may read the wall clock, and why (issue 8: one clock per turn). Everything
 * else takes its time from the turn (`ctx.now`, `MatchContext.now`) or from its caller's
 * scheduler; durations are measured with performance.now().
 */
const CLOCK_READERS: Record<string, string> = {
  "src/channels/slack/slack-channel.ts": "stamps each turn's receivedAt",
  "src/channels/slack/request-guard.ts": "checks each request's signed timestamp against the clock, as Slack asks",
  "src/channels/teams/activity-to-turn.ts": "stamps each turn's receivedAt",
  "src/channels/console/console-channel.ts": "stamps each turn's receivedAt",
  "src/server.ts": "stamps each HTTP request (file downloads) once, as an adapter stamps a turn",
  "src/web/console.ts": "stamps each web console request once, as an adapter stamps a turn",
  "src/core/logger.ts": "the time of each log line",
  "src/booking/outbox-worker.ts": "the outbox scheduler gives each tick its `now`",
  "src/main.ts": "the housekeeping scheduler gives each run its `now`",
  "src/inbox/inbox.ts": "the inbox scheduler gives its leases and each look for unfinished deliveries their `now`",
  "src/db/data-dir-lock.ts": "the embedded database's lock: when it was taken, its heartbeat and age across processes",
};

/**
 * The narrow path for work that spans companies from inside a turn (src/db/walls.ts), and why.
 * Background work (outbox, reminders, retention, installations) runs outside any turn and so as
 * the tables' owner already; this list is what a walled turn may reach beyond its company.
 */
const ACROSS_COMPANIES: Record<string, string> = {
  "src/assessment/service.ts": "anonymous averages and the secretariat's counts: figures across companies, never a company's row",
  "src/booking/booking-service.ts":
    "waitlist lengths and places (counts of every company's bookings); the seat transaction of a session (its seats and queue are every company's: a freed seat goes to the next in line, of any company); the secretariat's registrants and messages to them",
  "src/suppliers/service.ts":
    "what a supplier link shows one company of the other (the customer's name, the figures a supplier consented to share, its admins to remind), the code looked up and bound before a supplier is linked, the secretariat's roll-out counts",
  "intents/unanswered.ts": "the secretariat's list of unanswered questions across companies (texts only, never which company asked)",
};

/**
 * Intents whose handlers run outside the walls (intent.spansCompanies), each with its reason. None
 * today: every intent runs walled, and what it needs of other companies goes through the narrow
 * path of its service (ACROSS_COMPANIES above).
 */
const SPANS_COMPANIES: string[] = [];

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}

/** Lines that read the wall clock: `new Date()` without arguments, `new Date` alone, `Date.now`. */
function clockReads(src: string): string[] {
  const code = src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  return code.split("\n").filter((line) => /\bnew\s+Date\s*\(\s*\)|\bnew\s+Date\b(?!\s*\()|\bDate\.now\b/.test(line)).map((l) => l.trim());
}

function safeFiles(dir: string): string[] {
  try {
    return files(dir);
  } catch {
    return [];
  }
}
