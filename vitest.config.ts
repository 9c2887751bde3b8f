import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "{services,packages,tools}/*/src/**/*.test.ts",
      "{observability,load}/src/**/*.test.ts",
    ],
    // Real-process tests start servers and databases: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most of the long tests wait (for an alert to fire, a breaker to open), not compute: more
    // files at once than cores keeps the suite short. Timing bounds in tests leave room for it.
    maxWorkers: 3,
  },
});
