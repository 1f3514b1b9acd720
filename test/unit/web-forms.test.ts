// What the console's forms turn into: an answer checked by the same rules as chat, a session form
// read by the chat commands' own reader, a language switch that only goes back to our own pages.
import { describe, expect, it } from "vitest";
import { checkAnswer } from "../../src/assessment/answer-rules.ts";
import { AnswerChoices } from "../../src/assessment/choices.ts";
import { bandOf } from "../../src/assessment/aggregate.ts";
import { Knowledge } from "../../src/knowledge/knowledge.ts";
import { emptyValues, toSessionPatch } from "../../src/web/secretariat/session-form.tsx";
import { safeBack } from "../../src/web/http.ts";

const kb = Knowledge.load({ overlayFile: "/nonexistent.yaml" });
const choices = AnswerChoices.shared();

describe("answer rules", () => {
  it("accepts a plain answer and names each problem of a bad one", () => {
    expect(checkAnswer(kb, choices, { no: 115, choice: "achieved" })).toEqual([]);
    expect(checkAnswer(kb, choices, { no: 0, choice: "achieved" }).map((p) => p.code)).toEqual(["no_item"]);
    expect(checkAnswer(kb, choices, { no: 154, choice: "maybe" }).map((p) => p.code)).toEqual(["no_item", "bad_choice"]);
    expect(checkAnswer(kb, choices, { no: 1, choice: "not_applicable", note: "  " }).map((p) => p.code)).toEqual(["reason_required"]);
    expect(checkAnswer(kb, choices, { no: 1, choice: "not_applicable", note: "該当なし" })).toEqual([]);
    expect(checkAnswer(kb, choices, { no: 1, choice: "achieved", note: "x".repeat(1001) })[0]).toMatchObject({ code: "note_too_long", length: 1001, max: 1000 });
    expect(checkAnswer(kb, choices, { no: 1, choice: "achieved", evidence: "javascript:alert(1)" }).map((p) => p.code)).toEqual(["bad_evidence"]);
    expect(checkAnswer(kb, choices, { no: 1, choice: "unanswered" })).toEqual([]);
  });
});

describe("rate bands", () => {
  it("puts each rate in its 10-point band, 100% in the last", () => {
    expect([0, 0.09, 0.1, 0.5, 0.99, 1].map(bandOf)).toEqual([0, 0, 1, 5, 9, 9]);
    expect(bandOf(0.3)).toBe(3); // not 2.9999…
  });
});

describe("session form", () => {
  const base = { ...emptyValues(13), title: "総復習", date: "2031-05-20", start: "14:00", end: "16:00", capacity: "40" };

  it("reads a filled form into the fields the chat command would set (Japan time)", () => {
    const { patch, problems } = toSessionPatch({ ...base, areas: ["backup-recovery"], closesAt: "2031-05-19T12:00", provisional: true, status: "closed" });
    expect(problems).toEqual([]);
    expect(patch.title).toBe("総復習");
    expect(patch.startsAt?.toISOString()).toBe("2031-05-20T05:00:00.000Z");
    expect(patch.endsAt?.toISOString()).toBe("2031-05-20T07:00:00.000Z");
    expect(patch.capacity).toBe(40);
    expect(patch.areas).toEqual(["backup-recovery"]);
    expect(patch.closesAt?.toISOString()).toBe("2031-05-19T03:00:00.000Z");
    expect(patch.provisional).toBe(true);
    expect(patch.status).toBe("closed");
    // empty optional fields clear
    expect(patch.url).toBeNull();
    expect(patch.venue).toBeNull();
    expect(patch.opensAt).toBeNull();
  });

  it("refuses in the chat's words, both languages", () => {
    const r = toSessionPatch({ ...base, capacity: "many", url: "ftp://x", date: "" });
    expect(r.problems.join("\n")).toContain("日付と開始・終了時刻を入れてください");
    expect(r.problems.join("\n")).toContain("定員は0〜10000の整数");
    expect(r.problems.join("\n")).toContain("URLは https:// で始まる形");
  });
});

describe("going back after the language switch", () => {
  it("goes only to the console's own pages", () => {
    expect(safeBack("/web/o/1/sheet?level=1")).toBe("/web/o/1/sheet?level=1");
    for (const bad of ["https://evil.example/", "//evil.example/web", "/web//evil", "/elsewhere", "/web\\@evil", undefined, ["/web/"]]) expect(safeBack(bad)).toBe("/web/");
  });
});

describe("cookies", () => {
  it("are HttpOnly and SameSite=Lax, and Secure behind https", async () => {
    const { setCookie } = await import("../../src/web/http.ts");
    const sent: string[] = [];
    const res = { append: (_n: string, v: string) => sent.push(v) } as never;
    setCookie(res, "jama_session", "abc", { secure: true, maxAgeS: 28_800 });
    setCookie(res, "jama_session", "abc", { secure: false });
    expect(sent[0]).toBe("jama_session=abc; Max-Age=28800; Path=/web; HttpOnly; Secure; SameSite=Lax");
    expect(sent[1]).toBe("jama_session=abc; Path=/web; HttpOnly; SameSite=Lax");
  });
});

describe("deployment-wide figures", () => {
  it("are loaded once, served stale while one reload runs after the time-to-live, and not kept when loading fails", async () => {
    const { Memo } = await import("../../src/assessment/aggregate-cache.ts");
    const memo = new Memo<number>(1000);
    const t = (ms: number) => new Date(Date.UTC(2031, 0, 1) + ms);
    let loads = 0;
    let release: (v: number) => void = () => {};
    const load = () => {
      loads++;
      return loads === 1 ? Promise.resolve(1) : new Promise<number>((r) => (release = r));
    };
    expect(await memo.get("k", t(0), load)).toBe(1);
    expect(await memo.get("k", t(999), load)).toBe(1);
    expect(loads).toBe(1);
    // expired: the old figure at once, one reload behind it
    expect(await memo.get("k", t(1000), load)).toBe(1);
    expect(await memo.get("k", t(1001), load)).toBe(1);
    expect(loads).toBe(2);
    release(2);
    await new Promise((r) => setImmediate(r));
    expect(await memo.get("k", t(1002), load)).toBe(2);
    // another key loads anew; a failed load is forgotten
    const failing = new Memo<number>(1000);
    await expect(failing.get("k", t(0), () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await failing.get("k", t(1), () => Promise.resolve(7))).toBe(7);
  });
});
