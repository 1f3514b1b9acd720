// Placeholder until the Teams adapter lands: the server refuses Teams traffic clearly.
import type { Application } from "express";
import type { Logger } from "../../core/logger.ts";
import type { Reply } from "../../core/reply.ts";
import type { Turn } from "../../core/turn.ts";

export interface TeamsChannelOptions {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType: string;
  authenticated: boolean;
  allowedTenants: string[];
  handle: (turn: Turn) => Promise<{ reply: Reply } | null>;
  log: Logger;
}

export function mountTeams(web: Application, opts: TeamsChannelOptions): void {
  web.post("/api/messages", (_req, res) => {
    opts.log.warn("teams adapter not built yet");
    res.status(501).end();
  });
}
