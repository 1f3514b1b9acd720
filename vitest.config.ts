import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite and the servers under test are CPU-bound; two workers match the CI machines.
    maxWorkers: 2,
    env: { NODE_ENV: "test" },
  },
});
