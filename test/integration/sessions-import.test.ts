// `npm run sessions:import`: every broken row reported with nothing written, a valid file written
// in one transaction (with notices to registrants), and a file that conflicts with what is stored
// (fewer seats than already taken) rejected whole. The CLI itself, once, on an embedded database.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.ts";
import { describeEachDb } from "../helpers/db.ts";
import { BOOKING_TIME } from "../helpers/booking.ts";
import { importSessionsFile } from "../../src/booking/import.ts";
import { createLogger } from "../../src/core/logger.ts";

const root = new URL("../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "jama-sessions-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const HEADER = "no,title,topic,areas,start,end,format,url,venue,capacity,per_org_cap,opens,closes,cancel_cutoff,status,provisional";

describeEachDb("sessions import", (kind) => {
  let app: TestApp;
  let areaIds: Set<string>;
  beforeAll(async () => {
    app = await createTestApp({}, { dbKind: kind });
    areaIds = new Set(app.services.kb.areas.map((a) => a.id));
  });
  afterAll(async () => app?.close());
  const run = (path: string, dryRun = false) => importSessionsFile(app.services.db, path, areaIds, createLogger("silent"), BOOKING_TIME, { dryRun });
  const snapshot = async () => JSON.stringify(await app.services.db.session.findMany({ orderBy: { seriesNo: "asc" } }));

  it("reports every broken row and writes nothing", async () => {
    const before = await snapshot();
    const csv = file(
      "broken.csv",
      [
        HEADER,
        `3,取引先管理(確定),,suppliers,2027-03-18 14:00,2027-03-18 16:00,online,https://example.jp/s3,,40,2,,,,open,false`,
        `4,情報資産,,information-assets,2027-04-31 14:00,2027-04-15 16:00,online,,,50,2,,,,open,true`,
        `5,アクセス制御,,no-such-area,2027-05-20 14:00,2027-05-20 16:00,online,,,50,2,,,,open,true`,
        `14,新しい回,,,2027-12-20 14:00,2027-12-20 16:00,venue,,,abc,2,,,,open,true`,
        `3,もう一度3,,,2027-03-18 14:00,2027-03-18 16:00,online,,,40,2,,,,open,false`,
      ].join("\n"),
    );
    const r = await run(csv);
    expect(r.ok).toBe(false);
    expect(r.message).toContain("何も書き込んでいません");
    expect(r.message).toMatch(/row 2 \(no 4\): start: .*not a date and time/);
    expect(r.message).toMatch(/row 3 \(no 5\): .*no-such-area/);
    expect(r.message).toMatch(/row 4 \(no 14\): capacity: 整数で書いてください/);
    expect(r.message).toMatch(/row 5 \(no 3\): no 3 appears twice \(rows 1 and 5\)/);
    expect(r.message).not.toMatch(/row 1 /);
    expect(await snapshot()).toBe(before);
  });

  it("writes a valid file in one go: changes tell the registrants, new numbers are added", async () => {
    const org = await app.services.db.organization.create({ data: { externalKey: `test:${randomUUID()}`, platform: "console" } });
    const userId = randomUUID();
    expect((await app.services.booking.book(3, { userId, orgId: org.id, platform: "console" }, {}, BOOKING_TIME)).kind).toBe("confirmed");
    const yaml = file(
      "valid.yaml",
      `provisional: false
sessions:
  - no: 3
    title: 取引先・委託先の管理
    areas: [suppliers]
    when: "2027-03-25 14:00-16:00"
    format: online
    url: https://example.jp/s3
    capacity: 40
  - no: 14
    title: 追加の回
    areas: [backup-recovery, incident-response]
    start: "2027-12-20 14:00"
    end: "2027-12-20 16:00"
    format: venue
    venue: 自動車会館
    capacity: 20
    per_org_cap: 1
`,
    );
    expect((await run(yaml, true)).message).toContain("dry run");
    expect(await app.services.db.session.count({ where: { seriesNo: 14 } })).toBe(0);
    const r = await run(yaml);
    expect(r.ok).toBe(true);
    expect(r.message).toContain("追加 第14回");
    expect(r.message).toContain("変更 第3回");
    expect(r.message).toContain("お知らせ 1件");
    const s3 = await app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 3 } });
    expect(s3).toMatchObject({ capacity: 40, provisional: false, sequence: 1, url: "https://example.jp/s3", confirmedCount: 1 });
    expect(s3.startsAt.toISOString()).toBe("2027-03-25T05:00:00.000Z");
    expect(await app.services.db.session.findUniqueOrThrow({ where: { seriesNo: 14 } })).toMatchObject({ format: "venue", venue: "自動車会館", perOrgCap: 1 });
    expect(await app.services.db.outboxMessage.count({ where: { userId, kind: "session_changed" } })).toBe(1);
    // the same file again changes nothing
    expect((await run(yaml)).message).toContain("変更 なし");
  });

  it("rejects the whole file when one row conflicts with what is stored", async () => {
    const before = await snapshot();
    const csv = file(
      "conflict.csv",
      [
        HEADER,
        `2,人的管理,,personnel,2027-02-18 14:00,2027-02-18 16:00,online,,,10,2,,,,open,true`,
        `3,取引先管理,,suppliers,2027-03-25 14:00,2027-03-25 16:00,online,https://example.jp/s3,,0,2,,,,open,false`,
      ].join("\r\n"),
    );
    const r = await run(csv);
    expect(r.ok).toBe(false);
    expect(r.message).toContain("no 3: すでに1席が予約済み");
    expect(await snapshot()).toBe(before);
  });
});

describe("npm run sessions:import (the CLI)", () => {
  it("exits 1 naming the broken rows, and 0 after importing a valid file", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jama-import-cli-"));
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir };
    const tsx = join(root, "node_modules/.bin/tsx");
    const bad = file("cli-bad.csv", `${HEADER}\n1,x,,,2027-01-21 16:00,2027-01-21 14:00,online,,,10,2,,,,open,true\n`);
    const r1 = spawnSync(tsx, ["scripts/sessions-import.ts", bad], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain("row 1 (no 1): endsAt: 終了は開始より後に");
    const good = file("cli-good.csv", `${HEADER}\n21,特別回,,,2027-09-01 10:00,2027-09-01 12:00,online,,,10,2,,,,open,true\n`);
    const r2 = spawnSync(tsx, ["scripts/sessions-import.ts", good], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
    expect(r2.stdout + r2.stderr).toContain("追加 第21回");
    expect(r2.status).toBe(0);
  });
});
