// Everything an intent may use, built once in main.ts and injected (tests build their own).
import type { Config } from "../config.ts";
import type { Db, TenantWalls, TurnEffects } from "../db/client.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import type { Searcher } from "../knowledge/search.ts";
import type { GroundedAnswerer } from "../knowledge/llm.ts";
import type { Logger } from "./logger.ts";
import type { FileLinks } from "./file-links.ts";
import type { BookingService } from "../booking/booking-service.ts";
import type { AssessmentModule } from "../assessment/module.ts";
import type { SupplierService } from "../suppliers/service.ts";

export interface Services {
  config: Config;
  db: Db;
  /** The organisation scope of a turn's statements (PostgreSQL), and the narrow path across companies. */
  walls: TenantWalls;
  /** A turn's data changes, marked with its delivery so that a replay changes nothing twice (src/db/turn-effects.ts). */
  effects: TurnEffects;
  kb: Knowledge;
  search: Searcher;
  /** Present only when an OpenAI-compatible endpoint is configured. */
  llm?: GroundedAnswerer;
  log: Logger;
  /** Assessments, answers, progress, export/import (src/assessment). */
  assessment: AssessmentModule;
  /** Sessions, seats, waitlist, reminders (src/booking). */
  booking: BookingService;
  /** Invitations to suppliers, their consents, the buyer's view of its suppliers (src/suppliers). */
  suppliers: SupplierService;
  /** Signed download links for files sent where messages cannot carry them (Teams). */
  fileLinks: FileLinks;
}
