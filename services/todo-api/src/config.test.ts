import { describe, expect, test } from "vitest";
import { ConfigError, parseConfig } from "./config.ts";

function failure(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  test("defaults follow DESIGN §3: PGlite in .data/todo-api, chaos off", () => {
    expect(parseConfig({})).toEqual({
      port: 8080,
      metricsPort: 9464,
      databaseUrl: undefined,
      dataDir: ".data/todo-api",
      databaseConnectTimeoutMs: 2000,
      databaseStatementTimeoutMs: 5000,
      chaosEnabled: false,
      requestBodyLimitBytes: 65536,
      logLevel: "info",
    });
  });

  test("reads every variable", () => {
    const config = parseConfig({
      PORT: "3000",
      METRICS_PORT: "3001",
      DATABASE_URL: "postgresql://app:pw@db:5432/todos",
      DATA_DIR: "memory://",
      CHAOS_ENABLED: "TRUE",
      REQUEST_BODY_LIMIT_BYTES: "1024",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      port: 3000,
      metricsPort: 3001,
      databaseUrl: "postgresql://app:pw@db:5432/todos",
      dataDir: "memory://",
      chaosEnabled: true,
      requestBodyLimitBytes: 1024,
      logLevel: "debug",
    });
  });

  test("an empty variable counts as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" })).toMatchObject({
      databaseUrl: undefined,
      port: 8080,
    });
  });

  test.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["METRICS_PORT", "0"],
    ["CHAOS_ENABLED", "yes"],
    ["REQUEST_BODY_LIMIT_BYTES", "-1"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "mysql://root:hunter2@db/x"],
  ])("a bad %s (%s) names the variable and never echoes the value", (variable, value) => {
    const error = failure({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain(value);
  });
});
