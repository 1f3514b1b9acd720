// Session files (the seed and imports), CSV in and out, and the bounded retry of transactions
// that lost a race.
import { describe, expect, it } from "vitest";
import { readSessionsFile, readSessionsText } from "../../src/booking/session-file.ts";
import { DEFAULT_SESSIONS_FILE } from "../../src/booking/seed.ts";
import { parseCsv, toCsv } from "../../src/booking/csv.ts";
import { BookingBusyError, isTransientDbError, withTransientRetry } from "../../src/booking/retry.ts";
import { Knowledge } from "../../src/knowledge/knowledge.ts";

const areaIds = new Set(Knowledge.load().areas.map((a) => a.id));

describe("the seed of 12 provisional sessions", () => {
  it("is valid, provisional, numbered 1-12 in 2027, and covers every area", () => {
    const { sessions, problems } = readSessionsFile(DEFAULT_SESSIONS_FILE, areaIds);
    expect(problems).toEqual([]);
    expect(sessions.map((s) => s.seriesNo)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(sessions.every((s) => s.provisional && s.startsAt.getUTCFullYear() === 2027)).toBe(true);
    expect(new Set(sessions.flatMap((s) => s.areas))).toEqual(areaIds);
    for (const s of sessions) {
      expect(s.closesAt!.getTime()).toBeLessThan(s.startsAt.getTime());
      expect(s.cancelCutoffAt!.getTime()).toBeLessThan(s.startsAt.getTime());
    }
  });
});

describe("session files", () => {
  it("reads YAML with either start/end or when, and fills the defaults", () => {
    const { sessions, problems } = readSessionsText(
      `- no: 1\n  title: a\n  when: "2027-01-21 14:00-16:00"\n  capacity: 10\n- no: 2\n  title: b\n  start: "2027-02-18 14:00"\n  end: "2027-02-18 16:00"\n  venue: 会場A\n  capacity: 5\n`,
      "yaml",
      areaIds,
    );
    expect(problems).toEqual([]);
    expect(sessions[0]).toMatchObject({ format: "online", perOrgCap: 2, status: "open", provisional: false, url: null });
    expect(sessions[1]).toMatchObject({ format: "venue", venue: "会場A" });
  });

  it("names each broken row and field", () => {
    const { problems } = readSessionsText(
      "no,title,start,end,capacity,format,status\n1,,2027-01-21 14:00,2027-01-21 16:00,10,online,open\n2,b,2027-01-21 14:00,2027-01-21 16:00,10,zoom,maybe\n",
      "csv",
      areaIds,
    );
    expect(problems.map((p) => p.row)).toEqual([1, 2]);
    expect(problems[0].problems.join()).toContain("タイトルが必要です");
    expect(problems[1].problems.join()).toContain("expected online or venue");
    expect(problems[1].problems.join()).toContain("expected open, closed or cancelled");
    expect(readSessionsText("no,title,colour\n1,a,red\n", "csv", areaIds).problems[0].problems[0]).toContain("unknown column(s): colour");
    expect(readSessionsText("not: [valid", "yaml", areaIds).problems[0].problems[0]).toContain("not valid YAML");
    expect(readSessionsText("", "csv", areaIds).problems[0].problems[0]).toContain("no sessions");
  });
});

describe("CSV", () => {
  it("round-trips quotes, commas and line breaks, and defuses formulas", () => {
    const text = toCsv(["a", "b"], [["株式会社\"エー\", 本社", "=HYPERLINK(\"x\")"], ["二行\n目", -1]]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(parseCsv(text)).toEqual([
      ["a", "b"],
      ['株式会社"エー", 本社', "'=HYPERLINK(\"x\")"],
      ["二行\n目", "'-1"],
    ]);
    expect(parseCsv("x,y\r\n1,2\r\n\r\n3,4")).toEqual([["x", "y"], ["1", "2"], ["3", "4"]]);
  });
});

describe("retrying transactions that lost a race", () => {
  const conflict = () => Object.assign(new Error("conflict"), { code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "40001", kind: "TransactionWriteConflict" } } } });
  it("recognises serialization failures and deadlocks, not other errors", () => {
    expect(isTransientDbError(conflict())).toBe(true);
    expect(isTransientDbError({ code: "P2034" })).toBe(true);
    expect(isTransientDbError({ cause: { originalCode: "40P01" } })).toBe(true);
    expect(isTransientDbError({ code: "P2002" })).toBe(false);
    expect(isTransientDbError(new Error("boom"))).toBe(false);
  });
  it("retries a bounded number of times with jittered, growing waits, then says busy", async () => {
    const waits: number[] = [];
    let calls = 0;
    const opts = { attempts: 4, baseMs: 10, sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 };
    await expect(withTransientRetry(async () => (++calls < 3 ? Promise.reject(conflict()) : "ok"), opts)).resolves.toBe("ok");
    expect(calls).toBe(3);
    expect(waits).toEqual([6, 11]);
    calls = 0;
    await expect(withTransientRetry(async () => { calls++; throw conflict(); }, opts)).rejects.toBeInstanceOf(BookingBusyError);
    expect(calls).toBe(4);
    await expect(withTransientRetry(async () => { throw new Error("not transient"); }, opts)).rejects.toThrow("not transient");
  });
});
