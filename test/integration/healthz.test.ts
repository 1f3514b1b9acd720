// GET /healthz says whether the instance can answer: 503 once its database is gone.
import { expect, it } from "vitest";
import { createTestApp } from "../helpers/app.ts";
import { startServer } from "../../src/server.ts";

it("reports 503 when the database does not answer", async () => {
  const app = await createTestApp({ TEAMS_ENABLED: "true" });
  const server = await startServer(app, { port: 0 });
  try {
    const ok = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(ok.status).toBe(200);
    await app.db.close();
    const down = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false });
  } finally {
    await server.close();
  }
});
