// Builds the product from a Config: database (migrated), knowledge base, services, recogniser and
// pipeline. main.ts, the tests and the bench all start from here, so they run the same stack.
import type { Config } from "./config.ts";
import { openMigratedDb, type DbHandle } from "./db/client.ts";
import type { DataDirLock } from "./db/data-dir-lock.ts";
import { Knowledge } from "./knowledge/knowledge.ts";
import { LazySearchIndex, SearchIndex } from "./knowledge/search.ts";
import { createOpenAiClient, GroundedAnswerer } from "./knowledge/llm.ts";
import { LlmIntentPicker } from "./nlu/llm-picker.ts";
import { SlidingWindowLimit } from "./core/rate-limit.ts";
import { FileLinks } from "./core/file-links.ts";
import { createLogger, type Logger } from "./core/logger.ts";
import { createAssessmentModule } from "./assessment/module.ts";
import type { Intent } from "./core/intent.ts";
import type { Services } from "./core/services.ts";
import { Pipeline } from "./core/pipeline.ts";
import { Recognizer } from "./nlu/recognizer.ts";
import { SupplierService } from "./suppliers/service.ts";
import { supplierComposers } from "./suppliers/notices.ts";
import { createBookingModule, type BookingModule } from "./booking/module.ts";
import { allIntents, fallbackIntent } from "../intents/index.ts";
import { Inbox, type InboxOptions } from "./inbox/inbox.ts";

export interface App {
  config: Config;
  services: Services;
  pipeline: Pipeline;
  recognizer: Recognizer;
  db: DbHandle;
  log: Logger;
  /** sessions and seats; its outbox worker is started by main.ts, its senders filled by the channels */
  booking: BookingModule;
  /** every Slack and Teams delivery, stored before it is acknowledged; its recovery is started by the server */
  inbox: Inbox;
  /** Builds what start-up leaves for later (the search index); main.ts calls it once it is up. */
  warmUp(): void;
  close(): Promise<void>;
}

export interface AppOptions {
  log?: Logger;
  /** Extra intents placed first (the bench's echo intent). */
  extraIntents?: Intent[];
  /** A database already open (tests share one PGlite per file). */
  db?: DbHandle;
  kb?: Knowledge;
  /** DATA_DIR's lock, taken by main.ts before it loads the rest */
  dataDirLock?: DataDirLock;
  /** The inbox's lease and clock (tests shorten the lease). */
  inbox?: Pick<InboxOptions, "leaseMs" | "clock" | "exclusive" | "maxAttempts">;
}

/** The knowledge base's own source URLs: the only links the LLM's answers may carry. */
function sourceLinks(kb: Knowledge): string[] {
  return kb.sources.flatMap((s) => (s.url ? [s.url] : []));
}

export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.logLevel ?? "info");
  const kb = opts.kb ?? Knowledge.load({ overlayFile: config.kbOverlayFile });
  const db = opts.db ?? (await openMigratedDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, lock: opts.dataDirLock, tenantWalls: config.tenantWalls }));
  const search = new LazySearchIndex(() => new SearchIndex(kb));
  const openai = config.openai ? await createOpenAiClient(config.openai) : undefined;
  // one budget for both kinds of call: what one person can spend of the endpoint per hour
  const budget = config.openai ? new SlidingWindowLimit(config.openai.userHourlyLimit, 3_600_000) : undefined;
  const llm = openai ? new GroundedAnswerer(openai, config.openai!.model, log.child({ component: "llm" }), budget, sourceLinks(kb)) : undefined;
  const assessment = createAssessmentModule(db.prisma, kb, config, { walls: db.walls, effects: db.effects });
  const booking = await createBookingModule(db.prisma, kb, config, log, { walls: db.walls, effects: db.effects });
  const suppliers = new SupplierService(db.prisma, kb, assessment.choices, (now) => assessment.service.fiscalYear(now), db.walls);
  const fileLinks = new FileLinks(db.prisma, config.linkSecret, config.publicBaseUrl);
  const services: Services = { config, db: db.prisma, walls: db.walls, effects: db.effects, kb, search, llm, log, assessment, booking: booking.service, suppliers, fileLinks };
  const picker = openai ? new LlmIntentPicker(openai, config.openai!.model, log.child({ component: "llm" }), Math.min(3000, config.openai!.timeoutMs), budget) : undefined;
  const recognizer = new Recognizer([...(opts.extraIntents ?? []), ...allIntents()], fallbackIntent, picker, kb);
  for (const [kind, compose] of Object.entries(supplierComposers(db.prisma, suppliers))) booking.outbox.register(kind, compose);
  const pipeline = new Pipeline(services, recognizer);
  // the embedded database belongs to this process alone: what an earlier run left is taken at once
  const inbox = new Inbox(db.prisma, { log: log.child({ component: "inbox" }), handle: (turn) => pipeline.handleAccepted(turn), exclusive: db.kind === "pglite", leaseMs: config.inboxLeaseMs, ...opts.inbox });
  return {
    config,
    services,
    pipeline,
    recognizer,
    db,
    log,
    booking,
    inbox,
    warmUp: () => search.warm(),
    close: async () => {
      await inbox.stop();
      await booking.outbox.stop();
      if (!opts.db) await db.close();
    },
  };
}
