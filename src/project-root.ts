// The project's own directory (package.json, knowledge/, prisma/, src/web/static/), found from this
// file's location, so that data files resolve the same whether the code runs from its sources
// (src/, with tsx or vitest) or from the compiled build (dist/src/, what `npm start` runs).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot();

/** A path inside the project, e.g. projectPath("knowledge/") (a trailing slash is kept). */
export function projectPath(relative: string): string {
  return join(PROJECT_ROOT, relative);
}
