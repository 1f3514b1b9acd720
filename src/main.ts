// Entry point. No Slack or Teams configured (or `npm run chat`): a chat in the terminal on the
// embedded database. Otherwise: the HTTP server for Slack and/or Teams (plus Slack Socket Mode
// when SLACK_APP_TOKEN is set).
import { deleteExpiredCompanies } from "./installations/retention.ts";
import { join } from "node:path";
import { createWriteStream } from "node:fs";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { DataDirError, lockDataDir, prepareDataDir, type DataDirLock } from "./db/data-dir-lock.ts";
import { createLogger, type Logger } from "./core/logger.ts";
import { installProcessGuards } from "./core/process-guards.ts";
// The rest is loaded after DATA_DIR is checked and locked, so that a second process or a bad
// DATA_DIR is told so at once rather than after the whole application has been loaded.

function chatLogger(config: Config): Logger {
  const path = join(config.dataDir, "chat.log");
  try {
    const file = createWriteStream(path, { flags: "a" });
    file.on("error", () => undefined); // a log that cannot be written must not stop the chat
    if (process.argv.includes("--verbose")) process.stderr.write(`logs: ${path}\n`);
    return createLogger(config.logLevel ?? "info", {}, (line) => file.write(line + "\n"));
  } catch {
    return createLogger("error");
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  // DATA_DIR first: a writable directory, and the embedded database's lock (one process per
  // DATA_DIR; with PostgreSQL several processes may share it)
  let dataDirLock: DataDirLock | undefined;
  try {
    if (config.databaseUrl) prepareDataDir(config.dataDir);
    else dataDirLock = lockDataDir(config.dataDir);
  } catch (e) {
    if (e instanceof DataDirError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const [{ createApp }, { consoleSender, runConsole }, { OUTBOX_INTERVAL_MS }, { pruneDeliveries }, { webAccessFor }] = await Promise.all([
    import("./app.ts"),
    import("./channels/console/console-channel.ts"),
    import("./booking/module.ts"),
    import("./core/dedupe.ts"),
    import("./web/access.ts"),
  ]);
  const consoleMode = config.forceConsole || process.argv.includes("--chat") || (!config.slack && !config.teams);
  // In the terminal the chat is all that is shown: logs go to a file under DATA_DIR (its path is
  // printed with --verbose); a failed turn is answered with one polite line by the pipeline.
  const log = consoleMode ? chatLogger(config) : createLogger(config.logLevel ?? "info");
  installProcessGuards(log);
  const app = await createApp(config, { log, dataDirLock });

  if (consoleMode) {
    const filesDir = join(config.dataDir, "files");
    // reminders and waitlist promotions are printed in the chat while it runs
    app.booking.senders.console = consoleSender(process.stdout, filesDir);
    app.booking.outbox.start(OUTBOX_INTERVAL_MS);
    // WEB_CONSOLE=true: the web console beside the terminal chat (「管理画面」 gives the link)
    const web = config.webConsole && !config.slack && !config.teams ? await (await import("./server.ts")).startServer(app) : undefined;
    // the search index: in a terminal, while the person types the first line; piped input builds
    // it when a line needs it (`printf 'No.1\n' | npm start` never does)
    if (process.stdin.isTTY) setImmediate(() => app.warmUp());
    await runConsole({
      handle: (turn) => app.pipeline.handle(turn),
      input: process.stdin,
      output: process.stdout,
      filesDir,
    });
    await web?.close();
    await app.close();
    return;
  }

  const { startServer } = await import("./server.ts");
  const server = await startServer(app);
  // the outbox: reminders, waitlist promotions, notices (through the senders the channels set)
  app.booking.outbox.start(OUTBOX_INTERVAL_MS);
  // the search index, built a second after the service answers (health checks and the first
  // events are not held up by it); a question that comes sooner builds it itself
  setTimeout(() => app.warmUp(), 1000).unref();
  // count the deployment-wide figures in the background, so that the first person to ask for
  // progress after a start does not wait for the scan (they are kept 5 minutes); a second after
  // the service answers, as the search index: on PGlite the queries (and Prisma compiling them
  // the first time) run in this process and would hold up the first health check
  setTimeout(() => {
    const m = app.services.assessment.service;
    const now = new Date();
    const fy = m.fiscalYear(now);
    void m.recentAverages(fy, app.services.kb.version, now).catch((err) => log.warn("counting the deployment-wide figures failed", { err }));
  }, 1000).unref();
  // the dedupe keys only need to outlive the platforms' retry windows (minutes): keep a day
  const housekeeping = setInterval(() => {
    const now = new Date();
    pruneDeliveries(app.services.db, now).catch((err) => log.warn("pruning deliveries failed", { err }));
    // finished inbox entries (a redelivery comes within minutes: a day is plenty)
    app.inbox.prune(now).catch((err) => log.warn("pruning the inbox failed", { err }));
    // the web console's used and expired sign-in links and sessions
    webAccessFor(app.services.db, config).prune(now).catch((err) => log.warn("pruning web sessions failed", { err }));
    // wrong invitation codes only count for an hour
    app.services.suppliers.pruneAttempts(now).catch((err) => log.warn("pruning code attempts failed", { err }));
    // the data of companies whose Slack workspace uninstalled the app, once its retention period is over
    deleteExpiredCompanies(app.services.db, now, config.retentionDaysAfterUninstall, log).catch((err) => log.warn("deleting expired companies failed", { err }));
  }, 3_600_000);
  housekeeping.unref();
  const stop = async (signal: string) => {
    log.info("shutting down", { signal });
    clearInterval(housekeeping);
    await app.booking.outbox.stop();
    await server.close();
    await app.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e) => {
  if (e instanceof Error && (e.name === "KnowledgeError" || e instanceof DataDirError)) console.error(e.message);
  else console.error("Failed to start:", e instanceof Error ? e.message : e);
  process.exit(1);
});
