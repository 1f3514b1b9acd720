// The web console in a real browser: Debian's chromium driven by playwright-core (installed by
// .ci/run when missing), against the real server on PGlite. People sign in by the link the chat
// gives them, answer an item and see it in chat's history, the secretariat adds and cancels a
// session, another company's member is refused, a used link and a forged form are refused, and
// axe-core finds no serious or critical accessibility violation on any page. Where Chromium is
// not installed, the suite is reported as skipped with the reason.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { textTurn } from "../helpers/app.ts";
import { signInLink, startWebHarness, type WebHarness } from "../helpers/web.ts";

const CHROMIUM = "/usr/bin/chromium";
// Playwright gives every launch a fresh, empty profile (--user-data-dir in a new temporary
// directory); the rest are the flags for a quiet, sandbox-free headless run in a container.
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const suite = existsSync(CHROMIUM) ? describe : describe.skip;
const name = existsSync(CHROMIUM)
  ? "web console in Chromium"
  : `web console in Chromium (skipped: no Chromium at ${CHROMIUM}; .ci/run installs Debian's chromium package)`;

const A = { org: "console:acme", user: "alice" };
const A2 = { org: "console:acme", user: "bob" };
const B = { org: "console:beta", user: "bea" };
const SEC = { org: "console:jama", user: "sec" };

suite(name, { timeout: 180_000 }, () => {
  let h: WebHarness;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    h = await startWebHarness({ SECRETARIAT_USERS: "console:sec" });
    for (const who of [A, A2, B, SEC]) await h.app.pipeline.handle(textTurn("ヘルプ", who));
    // the browser keeps the real clock when the suite runs under faketime (CI's later-date run):
    // Chromium's many processes do not start with the clock library preloaded
    const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== "LD_PRELOAD" && !k.startsWith("FAKETIME"))) as Record<string, string>;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 120_000, env });
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await h?.close();
  });

  /** A new browser (own cookies) that follows the chat's link and presses the button. */
  async function signedIn(who: { org: string; user: string }, viewport = { width: 1100, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: "ja-JP" });
    contexts.push(context);
    const page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const link = await signInLink(h, who);
    await page.goto(link.url);
    await page.getByRole("button", { name: "サインイン" }).click();
    await page.waitForURL(/\/web\/o\/[0-9a-f-]{36}\/$/);
    return page;
  }

  /** axe-core in the page (run through the debugging protocol, so the page's CSP stays on). */
  async function expectAccessible(page: Page): Promise<void> {
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const r = await axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical"), page.url()).toEqual([]);
  }

  it("signs in by the chat's link, answers an item on the page, and chat's history shows it", async () => {
    const page = await signedIn(A);
    expect(await page.locator("h1").textContent()).toBe("現状");
    await expectAccessible(page);
    // keyboard: the first Tab reaches the skip link
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("本文へ移動");

    await page.getByRole("link", { name: "チェックシート", exact: true }).click();
    await page.getByLabel("レベル", { exact: true }).selectOption("1");
    await page.getByRole("button", { name: "絞り込む" }).click();
    await page.waitForURL(/level=1/);
    await expectAccessible(page);
    await page.getByRole("link", { name: "No.115", exact: true }).click();
    await page.waitForURL(/\/items\/115$/);
    await expectAccessible(page);
    await page.getByLabel("未達成", { exact: true }).check();
    await page.getByLabel(/メモ・理由/).fill("EDRは来期導入予定");
    await page.getByRole("button", { name: "回答を記録" }).click();
    await page.waitForURL(/done=saved/);
    expect(await page.getByRole("status").first().textContent()).toContain("回答を記録しました");

    const hist = (await h.app.pipeline.handle(textTurn("No.115の履歴", A)))!;
    const shown = JSON.stringify(hist.reply.blocks);
    expect(shown).toContain("EDRは来期導入予定");
    expect(shown).toContain("Web");

    for (const path of ["history", "suppliers", "files"]) {
      await page.goto(new URL(path, page.url().replace(/items\/115.*$/, "")).href);
      expect(await page.locator("h1").count()).toBe(1);
      await expectAccessible(page);
    }
    // import a filled-in sheet: the preview first, then the import
    await page.getByLabel(/チェックシート\(\.xlsx/).setInputFiles({ name: "sheet.csv", mimeType: "text/csv", buffer: Buffer.from("No.,回答,メモ\n30,達成,\n31,未達成,来期\n") });
    await page.getByRole("button", { name: "内容を確認" }).click();
    expect(await page.locator("main").textContent()).toContain("2件を更新します");
    await expectAccessible(page);
    await page.getByRole("button", { name: "2件を取り込む" }).click();
    expect(await page.getByRole("status").first().textContent()).toContain("2件を取り込みました");
  });

  it("switches to English and back", async () => {
    const page = await signedIn(A2);
    await page.getByRole("link", { name: "English" }).click();
    await page.waitForLoadState();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.locator("h1").textContent()).toBe("Where we stand");
    await expectAccessible(page);
    await page.getByRole("link", { name: "日本語" }).click();
    expect(await page.locator("h1").textContent()).toBe("現状");
  });

  it("refuses a member of another company and the secretariat's pages (403, nothing shown)", async () => {
    const a = await signedIn(A);
    const aOrg = /\/web\/o\/([0-9a-f-]{36})\//.exec(a.url())![1];
    const b = await signedIn(B);
    const res = await b.goto(`${h.base}/web/o/${aOrg}/items/115`);
    expect(res?.status()).toBe(403);
    expect(await b.content()).not.toContain("EDR");
    expect(await b.locator("h1").textContent()).toBe("このページは表示できません");
    await expectAccessible(b);
    const admin = await b.goto(`${h.base}/web/admin/sessions`);
    expect(admin?.status()).toBe(403);
  });

  it("refuses a link used before and a form whose CSRF token was tampered with", async () => {
    const link = await signInLink(h, A2);
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(link.url);
    await expectAccessible(page);
    await page.getByRole("button", { name: "サインイン" }).click();
    await page.waitForURL(/\/web\/o\//);
    const again = await page.goto(link.url);
    expect(again?.status()).toBe(410);
    expect(await page.locator("main").textContent()).toContain("すでに使われています");
    await expectAccessible(page);

    await page.goto(`${h.base}/web/`);
    const o = page.url();
    await page.goto(`${o}items/116`);
    await page.evaluate(() => {
      document.querySelectorAll<HTMLInputElement>('input[name="_csrf"]').forEach((i) => (i.value = "forged"));
    });
    await page.getByLabel("達成", { exact: true }).check();
    const [resp] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "回答を記録" }).click()]);
    expect(resp.status()).toBe(403);
    const org = /\/web\/o\/([0-9a-f-]{36})\//.exec(o)![1];
    expect(await h.app.services.db.answer.count({ where: { orgId: org, itemNo: 116 } })).toBe(0);
  });

  it("lets the secretariat add a session and cancel it, with every page accessible", async () => {
    const page = await signedIn(SEC);
    await page.getByRole("link", { name: "相談会", exact: true }).click();
    await page.waitForURL(/\/web\/admin\/sessions$/);
    await expectAccessible(page);
    const year = new Date().getUTCFullYear() + 2;
    await page.getByLabel("回の番号").fill("50");
    await page.getByLabel("タイトル", { exact: true }).fill("ブラウザで追加した回");
    await page.getByLabel("日付(日本時間)").fill(`${year}-06-10`);
    await page.getByLabel("開始", { exact: true }).fill("10:00");
    await page.getByLabel("終了", { exact: true }).fill("12:00");
    await page.getByLabel("定員", { exact: true }).fill("12");
    await page.getByRole("button", { name: "この回を追加" }).click();
    await page.waitForURL(/\/web\/admin\/sessions\/50\?done=created/);
    expect(await page.locator("h1").textContent()).toContain("ブラウザで追加した回");
    await expectAccessible(page);
    expect((await h.app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 50 } })).capacity).toBe(12);

    // a message to everyone booked: previewed, then sent
    await page.getByLabel(/本文/).fill("会場の案内を前日にお送りします。");
    await page.getByRole("button", { name: "送信内容を確認" }).click();
    expect(await page.locator("blockquote").textContent()).toContain("会場の案内");
    await expectAccessible(page);
    await page.getByRole("button", { name: "送信する" }).click();
    await page.waitForURL(/done=sent/);

    await page.getByRole("button", { name: /中止する/ }).click();
    expect(await page.locator("h1").textContent()).toContain("中止しますか");
    await expectAccessible(page);
    await page.getByRole("button", { name: "第50回を中止する" }).click();
    await page.waitForURL(/done=cancelled/);
    expect((await h.app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 50 } })).status).toBe("cancelled");

    for (const path of ["/web/admin/progress", "/web/admin/questions"]) {
      await page.goto(h.base + path);
      await expectAccessible(page);
    }
  });

  it("reads on a phone: nothing wider than the screen but the tables, which scroll", async () => {
    const page = await signedIn(A2, { width: 375, height: 740 });
    for (const path of ["", "sheet", "items/1", "suppliers"]) {
      await page.goto(new URL(path, page.url().replace(/(\/web\/o\/[0-9a-f-]{36}\/).*$/, "$1")).href);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(1);
    }
  });

  it("loaded nothing the Content-Security-Policy had to block", () => {
    expect(cspViolations).toEqual([]);
  });
});
