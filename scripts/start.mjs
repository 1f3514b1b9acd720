// `npm start` and `npm run chat`: the compiled service (dist/src/main.js) in this process. When
// dist/ is missing or was built from other sources than those in src/ and intents/ now (an edit
// since the last build, a `git pull`), it is built first (scripts/build.mjs), so what runs is
// always what the sources say. `npm run dev` runs the sources with tsx instead.
import module from "node:module";
import v8 from "node:v8";
import { ensureBuilt } from "./build.mjs";

// WebAssembly (PGlite's PostgreSQL, Prisma's query compiler) runs first as baseline code, and V8
// recompiles each function with its optimising compiler once it has run a little (a budget of
// ~1.8 MB of code executed). Starting PostgreSQL alone crosses that budget in hundreds of
// functions that never run again: on 2 cores the optimising compiles took ~0.3 s of CPU and ~40 MB
// at every start. With a budget 55 times as large only what keeps running is optimised (measured:
// start-up CPU of PGlite 0.70 -> 0.40 s, resident 175 -> 140 MB; small queries as fast after
// warm-up, a 200,000-row scan too). Set before any WebAssembly is compiled.
v8.setFlagsFromString("--wasm-tiering-budget=100000000");
// (package.json starts this file with --max-semi-space-size=2: V8 sizes its young generation when
// the heap is made, before any of this runs. With the default, up to 2 x 16 MB, start-up's burst of
// allocations left it grown and resident for good: 20-30 MB more after start (4 MB: 10-15 MB
// more). Young collections come more often; start-up CPU and turn times measured the same within
// the noise.)

// Node 22.1 and later keep the compiled code of the modules on disk between starts (under the
// system's temporary directory); Node 20 has no such cache and starts as before.
module.enableCompileCache?.();

try {
  await ensureBuilt();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
}
await import("../dist/src/main.js");
