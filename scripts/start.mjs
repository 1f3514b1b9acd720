// `npm start` and `npm run chat`: the compiled service (dist/src/main.js) in this process. When
// dist/ is missing or was built from other sources than those in src/ and intents/ now (an edit
// since the last build, a `git pull`), it is built first (scripts/build.mjs), so what runs is
// always what the sources say. `npm run dev` runs the sources with tsx instead.
import module from "node:module";
import { ensureBuilt } from "./build.mjs";

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
