// The assessment over the real HTTP server: a progress request @mentioned in a channel goes out
// ephemeral to that user only (chat.postEphemeral), an export in a DM is uploaded with
// files.getUploadURLExternal / upload / files.completeUploadExternal, and GET /files/:token
// serves a signed, expiring download link (what Teams users get) and nothing else.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textTurn, type TestApp } from "../helpers/app.ts";
import { startSlackHarness, type SlackHarness } from "../helpers/slack-harness.ts";
import { dmEvent, mentionEvent, type FakeSlack } from "../helpers/slack.ts";
import { sessionsOpenAt } from "../helpers/booking.ts";

/** The file inside a multipart/form-data upload body (or the body itself when it is raw). */
function filePart(body: Buffer): Buffer {
  if (!body.subarray(0, 2).equals(Buffer.from("--"))) return body;
  const boundary = body.subarray(0, body.indexOf("\r\n"));
  const start = body.indexOf("\r\n\r\n") + 4;
  const end = body.indexOf(Buffer.concat([Buffer.from("\r\n"), boundary]), start);
  return body.subarray(start, end);
}

describe("assessment over HTTP", () => {
  let h: SlackHarness;
  let slack: FakeSlack;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    h = await startSlackHarness({ PUBLIC_BASE_URL: "https://bot.example.com", LINK_SECRET: "test-link-secret" });
    ({ slack, app } = h);
    await sessionsOpenAt(app.services.db); // turns here carry the machine's clock
    base = `http://127.0.0.1:${h.server.port}`;
  });
  afterAll(async () => h?.close());

  const postJson = (body: unknown) => h.postJson(body);

  it("answers a progress request @mentioned in a channel only to the asker (chat.postEphemeral)", async () => {
    // the company has answers: progress is company data
    await postJson(dmEvent("No.115は達成", { user: "UPROG" }));
    await slack.waitFor("chat.postMessage");
    const r = await postJson(mentionEvent("進捗", { user: "UPROG", channel: "CSHARED", ts: "1700001000.000100" }));
    expect(r.status).toBe(200);
    const [eph] = await slack.waitFor("chat.postEphemeral");
    expect(eph.args).toMatchObject({ channel: "CSHARED", user: "UPROG", thread_ts: "1700001000.000100" });
    expect(String(eph.args.text)).toContain("自己評価の進捗");
    expect(JSON.stringify(eph.args.blocks)).toContain("レベル1");
    // a reply is delivered as one message (no files here): the ephemeral was all of it
    expect(slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === "CSHARED")).toEqual([]);
  });

  it("uploads an export asked for in a DM: getUploadURLExternal, upload, completeUploadExternal", async () => {
    const before = slack.calls.length;
    await postJson(dmEvent("エクスポート", { user: "UEXP" }));
    await slack.waitFor("files.completeUploadExternal", 2, 15_000);
    const calls = slack.calls.slice(before);
    const urls = calls.filter((c) => c.method === "files.getUploadURLExternal");
    expect(urls.map((c) => String(c.args.filename)).sort()).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/\.xlsx$/)]);
    const uploads = calls.filter((c) => c.method === "upload");
    expect(uploads).toHaveLength(2);
    const complete = calls.filter((c) => c.method === "files.completeUploadExternal");
    expect(complete.every((c) => c.args.channel_id === "DUEXP")).toBe(true);
    // the uploaded bytes are the real workbook
    const xlsx = uploads.map((u) => filePart(u.args.data as Buffer)).find((d) => d[0] === 0x50 && d[1] === 0x4b)!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as never);
    expect(wb.worksheets[0].rowCount).toBe(154);
    // the message itself went to the DM
    expect(calls.some((c) => c.method === "chat.postMessage" && c.args.channel === "DUEXP")).toBe(true);
  });

  it("serves a Teams export through a signed link for 15 minutes, and refuses forged or expired links", async () => {
    const turn = textTurn("エクスポート", { org: "teams:tenant-1", user: "aad-1", platform: "teams", conversation: "teams:conv-1" });
    const r = (await app.pipeline.handle(turn))!;
    const files = r.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []));
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.url?.startsWith("https://bot.example.com/files/"))).toBe(true);
    expect(JSON.stringify(r.reply.blocks)).toContain("15分間有効");
    // any file, not only exports: a booking's calendar invite comes as a link too
    const booking = (await app.pipeline.handle(textTurn("第4回を予約", { org: "teams:tenant-1", user: "aad-1", platform: "teams", conversation: "teams:conv-1" })))!;
    const invite = booking.reply.blocks.flatMap((b) => (b.type === "file" ? [b.file] : []))[0];
    expect(invite.name).toMatch(/\.ics$/);
    expect(invite.url).toMatch(/^https:\/\/bot\.example\.com\/files\//);
    const ics = await fetch(`${base}${new URL(invite.url!).pathname}`);
    expect(ics.status).toBe(200);
    expect(await ics.text()).toContain("BEGIN:VCALENDAR");
    for (const f of files) {
      const path = new URL(f.url!).pathname;
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(f.mime);
      expect(res.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent(f.name)}`);
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      expect(Buffer.from(await res.arrayBuffer()).equals(f.data)).toBe(true);
    }
    const token = decodeURIComponent(new URL(files[0].url!).pathname.split("/").pop()!);
    const [id, exp, sig] = token.split(".");
    const tampered = [
      `${id}.${Number(exp) + 3600}.${sig}`, // a longer life
      `${id.replace(/^./, (c) => (c === "a" ? "b" : "a"))}.${exp}.${sig}`, // another file
      `${id}.${exp}.${sig.slice(0, -2)}xx`,
      "not-a-token",
      "../../etc/passwd",
    ];
    for (const t of tampered) expect((await fetch(`${base}/files/${encodeURIComponent(t)}`)).status, t).toBe(404);
    // an expired link (made 16 minutes ago) is refused with 410
    const old = await app.services.fileLinks.create(
      (await app.services.db.organization.findFirstOrThrow()).id,
      (await app.services.db.user.findFirstOrThrow()).id,
      { name: "old.csv", mime: "text/csv", data: Buffer.from("x") },
      new Date(Date.now() - 16 * 60_000),
    );
    expect((await fetch(`${base}/files/${encodeURIComponent(old.token)}`)).status).toBe(410);
  });
});
