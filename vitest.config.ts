import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{services,packages,tools}/*/src/**/*.test.ts"],
    // Real-process tests start servers and databases: give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
