import { ConfigError } from "@tracemesh/config";
import { describe, expect, test } from "vitest";
import { loadConfig } from "./config.ts";

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  test("defaults follow docs/architecture.md#ports: PGlite in .data/todo-api, chaos off", () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      databaseUrl: undefined,
      dataDir: ".data/todo-api",
      databaseConnectTimeoutMs: 2000,
      databaseStatementTimeoutMs: 5000,
      chaos: undefined,
      natsUrl: "nats://127.0.0.1:4222",
      topology: {
        stream: "TODO_EVENTS",
        subjectPrefix: "todo.events",
        deadLetterStream: "TODO_EVENTS_DLQ",
        deadLetterSubjectPrefix: "todo.dlq",
      },
      requestBodyLimitBytes: 65536,
      requestBudgetMs: 5000,
      shutdown: { graceMs: 5000, drainTimeoutMs: 10_000 },
      auth: {
        url: "http://127.0.0.1:8081",
        timeouts: { attemptMs: 1000, totalMs: 3000 },
        retry: { maxAttempts: 3 },
        breaker: { consecutiveFailures: 5, halfOpenAfterMs: 5000 },
        bulkhead: { limit: 32, queue: 32 },
      },
      decisionCacheTtlSeconds: 60,
      logLevel: "info",
    });
  });

  test("reads every variable", () => {
    const config = loadConfig({
      PORT: "3000",
      DATABASE_URL: "postgresql://app:pw@db:5432/todos",
      DATA_DIR: "memory://",
      CHAOS_ENABLED: "TRUE",
      CHAOS_TOKEN: "chaos-token-for-tests-0123",
      NATS_URL: "nats://nats-1:4222, nats-2:4222",
      EVENTS_STREAM: "EVENTS",
      EVENTS_SUBJECT_PREFIX: "app.events",
      DEAD_LETTER_STREAM: "EVENTS_DLQ",
      DEAD_LETTER_SUBJECT_PREFIX: "app.dlq",
      REQUEST_BODY_LIMIT_BYTES: "1024",
      REQUEST_BUDGET_MS: "2500",
      AUTH_URL: "https://auth.internal:8443",
      AUTH_ATTEMPT_TIMEOUT_MS: "400",
      AUTH_TOTAL_TIMEOUT_MS: "900",
      AUTH_RETRY_MAX_ATTEMPTS: "1",
      AUTH_BREAKER_FAILURES: "2",
      AUTH_BREAKER_HALF_OPEN_MS: "750",
      AUTH_BULKHEAD_LIMIT: "4",
      AUTH_BULKHEAD_QUEUE: "0",
      DECISION_CACHE_TTL_SECONDS: "0",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: "postgresql://app:pw@db:5432/todos",
      dataDir: "memory://",
      chaos: { token: "chaos-token-for-tests-0123" },
      natsUrl: "nats://nats-1:4222, nats-2:4222",
      topology: {
        stream: "EVENTS",
        subjectPrefix: "app.events",
        deadLetterStream: "EVENTS_DLQ",
        deadLetterSubjectPrefix: "app.dlq",
      },
      requestBodyLimitBytes: 1024,
      requestBudgetMs: 2500,
      auth: {
        url: "https://auth.internal:8443",
        timeouts: { attemptMs: 400, totalMs: 900 },
        retry: { maxAttempts: 1 },
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 750 },
        bulkhead: { limit: 4, queue: 0 },
      },
      decisionCacheTtlSeconds: 0,
      logLevel: "debug",
    });
  });

  test("an empty variable counts as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" })).toMatchObject({
      databaseUrl: undefined,
      port: 8080,
    });
  });

  test.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["CHAOS_ENABLED", "yes"],
    ["CHAOS_TOKEN", "short"],
    ["NATS_URL", "http://user:hunter2@nats:4222"],
    ["EVENTS_SUBJECT_PREFIX", "todo.>"],
    ["REQUEST_BODY_LIMIT_BYTES", "-1"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "mysql://root:hunter2@db/x"],
    ["AUTH_URL", "ftp://user:hunter2@auth"],
    ["AUTH_URL", "not a url"],
    ["REQUEST_BUDGET_MS", "50"],
    ["AUTH_BULKHEAD_LIMIT", "none"],
    ["AUTH_BREAKER_FAILURES", "1.5"],
    ["DECISION_CACHE_TTL_SECONDS", "3601"],
  ])("a bad %s (%s) names the variable and never echoes the value", (variable, value) => {
    const error = failure({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain(value);
  });

  test("port 0 lets the system pick one; the message names the variable and the bound", () => {
    expect(loadConfig({ PORT: "0" })).toMatchObject({ port: 0 });
    expect(failure({ PORT: "70000" }).message).toBe("PORT must be at most 65535");
  });

  test("CHAOS_ENABLED=true without CHAOS_TOKEN is chaos without fault controls", () => {
    expect(loadConfig({ CHAOS_ENABLED: "true" }).chaos).toEqual({ token: undefined });
    expect(loadConfig({ CHAOS_TOKEN: "chaos-token-for-tests-0123" }).chaos).toBeUndefined();
  });

  test("a CHAOS_TOKEN shorter than 16 characters names CHAOS_TOKEN, chaos on or off", () => {
    const envs: Record<string, string>[] = [
      { CHAOS_ENABLED: "true", CHAOS_TOKEN: "short-token" },
      { CHAOS_TOKEN: "x" },
    ];
    for (const env of envs) {
      const error = failure(env);
      expect(error.variable).toBe("CHAOS_TOKEN");
      expect(error.message).toBe("CHAOS_TOKEN must be at least 16 characters");
    }
  });
});
