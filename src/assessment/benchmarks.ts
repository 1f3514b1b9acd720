// Industry benchmarks (knowledge/benchmarks.yaml): what was published about all companies'
// results, with its source and year. Missing numbers stay null and are shown as "未登録", never
// estimated. Validated with zod at start-up.
import { readYamlFile } from "../knowledge/yaml-file.ts";
import { z } from "zod";
import { projectPath } from "../project-root.ts";

export const BENCHMARKS_FILE = projectPath("knowledge/benchmarks.yaml");

const Bi = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();
const Percent = z.number().min(0).max(100).nullable();

const Entry = z
  .object({
    fiscal_year: z.number().int().min(2020).max(2100),
    source: z.object({ id: z.string().optional(), title: z.string().min(1), url: z.string().url().optional() }).strict(),
    companies: z.number().int().positive().nullable().optional(),
    level_averages: z.object({ "1": Percent, "2": Percent, "3": Percent }).strict(),
    facts: z.array(Bi).default([]),
    note: Bi.optional(),
  })
  .strict();

export const BenchmarksFile = z.object({ entries: z.array(Entry) }).strict();
export type BenchmarkEntry = z.infer<typeof Entry>;

export class BenchmarksError extends Error {
  constructor(public readonly problems: string[]) {
    super(`knowledge/benchmarks.yaml has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
    this.name = "BenchmarksError";
  }
}

export class Benchmarks {
  constructor(readonly entries: BenchmarkEntry[]) {}

  static load(path = BENCHMARKS_FILE): Benchmarks {
    let raw: unknown;
    try {
      raw = readYamlFile(path);
    } catch (e) {
      throw new BenchmarksError([`${path}: ${(e as Error).message.split("\n")[0]}`]);
    }
    const r = BenchmarksFile.safeParse(raw);
    if (!r.success) throw new BenchmarksError(r.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`));
    return new Benchmarks(r.data.entries);
  }

  /** The newest entry (by fiscal year), if any. */
  latest(): BenchmarkEntry | undefined {
    return [...this.entries].sort((a, b) => b.fiscal_year - a.fiscal_year)[0];
  }

  /** The newest entry that has a registered average for this level. */
  averageFor(level: 1 | 2 | 3): { value: number; entry: BenchmarkEntry } | undefined {
    for (const e of [...this.entries].sort((a, b) => b.fiscal_year - a.fiscal_year)) {
      const v = e.level_averages[String(level) as "1" | "2" | "3"];
      if (v !== null && v !== undefined) return { value: v, entry: e };
    }
    return undefined;
  }
}
