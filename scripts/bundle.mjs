// The code part of the build (scripts/build.mjs): src/ and intents/ bundled by esbuild into a few
// files under dist/ rather than compiled file by file. Node then reads, resolves and compiles a
// handful of modules at start-up instead of ~200 of ours and ~1,000 of the packages' (Bolt,
// Express, zod…): half the CPU of loading the service (issue 12). Modules loaded with import()
// stay separate chunks, loaded when first needed (the Teams adapter, the schema engine…).
//
// Entry points: dist/src/main.js (what `npm start` runs) and the modules the build itself runs
// (the knowledge caches and the PGlite template). Left as packages in node_modules: those that find
// files next to their own code (PGlite's WebAssembly and data, Prisma's engines) and the big ones
// only ever loaded on first use (botbuilder, exceljs, openai), which gain nothing from a bundle.
// Types are not checked here (tsx does not either): `npm test` and `npx tsc -p .` do.
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { randomUUID } from "node:crypto";

export const ENTRY_POINTS = ["src/main.ts", "src/knowledge/yaml-file.ts", "src/knowledge/load.ts", "src/db/client.ts"];

export const EXTERNAL = [
  "@electric-sql/pglite",
  "@electric-sql/pglite/*",
  "@prisma/client",
  "@prisma/client/*",
  "@prisma/schema-engine-wasm",
  "botbuilder",
  "botbuilder-*",
  "exceljs",
  "openai",
  "openai/*",
  "pg-native", // pg's optional native binding, required inside a try
  // Slack's Socket Mode and the undici it brings (~0.5 MB of source, which V8 parsed with the
  // server's chunk at every start even though lazySocketMode below keeps it from running): required
  // from node_modules when Socket Mode is first used
  "@slack/socket-mode",
  // body-parser's and raw-body's character sets: ~0.5 MB of encoding tables that V8 parsed with the
  // chunk at every start; from node_modules, Node reads the few modules a UTF-8 body needs, the
  // tables only for the encodings used (one copy is installed, so every user gets the same version)
  "iconv-lite",
];

// Bolt's index and App require every receiver when they load, Socket Mode's too: @slack/socket-mode
// and the undici it brings (~65-140 ms of CPU at each start), needed only with SLACK_APP_TOKEN.
// These edits of Bolt's compiled files, made as they are bundled, turn those requires into
// getters that load Socket Mode the first time it is used (App reads it only in Socket Mode). An
// upgrade of Bolt whose text no longer matches is bundled unchanged (eager, as before) with a
// warning; test/unit/bundle-lazy-bolt.test.ts fails on it.
const SOCKET_MODE_REQUIRE = 'const SocketModeReceiver_1 = __importDefault(require("./receivers/SocketModeReceiver"));';
const LAZY_SOCKET_MODE_REQUIRE = 'const SocketModeReceiver_1 = { get default() { return require("./receivers/SocketModeReceiver").default; } };';
export const BOLT_EDITS = [
  { file: "App.js", from: SOCKET_MODE_REQUIRE, to: LAZY_SOCKET_MODE_REQUIRE },
  {
    file: "index.js",
    from: `${SOCKET_MODE_REQUIRE}\nexports.SocketModeReceiver = SocketModeReceiver_1.default;`,
    to: `${LAZY_SOCKET_MODE_REQUIRE}\nObject.defineProperty(exports, "SocketModeReceiver", { enumerable: true, configurable: true, get: () => SocketModeReceiver_1.default });`,
  },
];

/** The esbuild plugin making Bolt load Socket Mode on first use; `applied` lists the files it edited. */
export function lazySocketMode(applied = []) {
  return {
    name: "lazy-socket-mode",
    setup(build) {
      build.onLoad({ filter: /[\\/]@slack[\\/]bolt[\\/]dist[\\/](App|index)\.js$/ }, async (args) => {
        const { readFile } = await import("node:fs/promises");
        let text = (await readFile(args.path, "utf8")).replace(/\r\n/g, "\n");
        const edit = BOLT_EDITS.find((e) => args.path.endsWith(e.file));
        if (edit && text.includes(edit.from)) {
          text = text.replace(edit.from, edit.to);
          applied.push(edit.file);
        } else process.stderr.write(`bundle: @slack/bolt's ${edit?.file ?? args.path} is not as expected; Socket Mode is loaded at every start\n`);
        return { contents: text, loader: "js" };
      });
    },
  };
}

/** Bundles the sources into dist/ (what was there of an earlier code build is removed first). */
export async function bundle(root) {
  const esbuild = await import(pathToFileURL(createRequire(join(root, "package.json")).resolve("esbuild")).href);
  for (const d of ["src", "intents", "chunks"]) rmSync(join(root, "dist", d), { recursive: true, force: true });
  rmSync(join(root, "dist/.tsbuildinfo"), { force: true }); // from the builds that compiled with tsc
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outbase: ".",
    outdir: "dist",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    tsconfig: "tsconfig.build.json",
    external: EXTERNAL,
    // the packages written as CommonJS call require() for Node's own modules, which an ES module has not
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: "linked",
    // less source text for V8 to keep (~10 MB resident); names are kept for readable stack traces,
    // and the linked source maps lead back to src/ (node --enable-source-maps)
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
    plugins: [lazySocketMode()],
    // this bundle's id: the validated knowledge base the build keeps is used only by the bundle that
    // wrote it (src/knowledge/load.ts), never by one whose schemas may differ
    define: { __JAMA_BUILD_ID__: JSON.stringify(randomUUID()) },
  });
  return true;
}
