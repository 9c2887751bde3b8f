import { tmpdir } from "node:os";

// The one place tests read the environment: where the shared servers are, and the PATH that
// child processes get (nothing else of the test runner's environment leaks into them).

/** The shared NATS of `*.nats.test.ts`: a test fails, never skips, when it is absent. */
export const TEST_NATS_URL = process.env.NATS_URL ?? "127.0.0.1:4222";

/** The nats-server binary of tests that start and stop a broker of their own. */
export const TEST_NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";

/** Where a test's child processes find their programs. */
export const TEST_PATH = process.env.PATH ?? "";

/** The HOME of a child process that needs one: pnpm does. */
export const TEST_HOME = process.env.HOME ?? tmpdir();

/** pnpm's JavaScript entry when pnpm runs the tests (`npm_execpath`), else whatever ran them. */
export const TEST_NPM_EXECPATH = process.env.npm_execpath;

/** A k6 binary named by the environment (K6_BIN); otherwise tests look for `k6` on PATH. */
export const TEST_K6_BIN = process.env.K6_BIN;

/** Under CI a test fails when a tool it needs is missing; elsewhere it may skip and say so. */
export const TEST_IN_CI = process.env.CI === "true";
