import { ConfigError } from "@tracemesh/config";
import { describe, expect, test } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  test("defaults follow docs/architecture.md#ports and the queue's topology", () => {
    expect(loadConfig({})).toEqual({
      port: 8082,
      logLevel: "info",
      chaos: undefined,
      natsUrl: "nats://127.0.0.1:4222",
      authUrl: "http://127.0.0.1:8081",
      serviceToken: undefined,
      alertsToken: undefined,
      webhookUrl: undefined,
      webhookTimeouts: { attemptMs: 2000, totalMs: 5000 },
      traces: undefined,
      topology: {
        stream: "TODO_EVENTS",
        subjectPrefix: "todo.events",
        deadLetterStream: "TODO_EVENTS_DLQ",
        deadLetterSubjectPrefix: "todo.dlq",
        consumer: "notifier",
        processedEventsBucket: "notifier_processed_events",
      },
      maxDeliver: 5,
      backoffMs: [1000, 5000, 30000, 60000],
      concurrency: 8,
      messageBudgetMs: 10_000,
      requestBudgetMs: 5_000,
      shutdown: { graceMs: 5000, drainTimeoutMs: 10_000 },
    });
  });

  test("reads every setting from its variable", () => {
    const config = loadConfig({
      PORT: "9000",
      LOG_LEVEL: "debug",
      CHAOS_ENABLED: "true",
      CHAOS_TOKEN: "chaos-token-0123456789",
      NATS_URL: "nats://nats:4222",
      AUTH_URL: "http://auth:8081",
      SERVICE_TOKEN: "service-token-0123456789",
      ALERTS_TOKEN: "alerts-token-0123456789",
      NOTIFY_WEBHOOK_URL: "https://hooks.example.com/tracemesh?team=a",
      NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS: "8000",
      NOTIFY_WEBHOOK_TOTAL_TIMEOUT_MS: "20000",
      TRACE_QUERY_URL: "http://jaeger:16686",
      TRACE_UI_URL: "https://jaeger.example.com",
      TRACE_LOOKUP_TIMEOUT_MS: "750",
      EVENTS_STREAM: "EVENTS",
      EVENTS_SUBJECT_PREFIX: "acme.todo.events",
      DEAD_LETTER_STREAM: "EVENTS_DLQ",
      DEAD_LETTER_SUBJECT_PREFIX: "acme.dlq",
      CONSUMER_NAME: "notifier-2",
      PROCESSED_EVENTS_BUCKET: "processed",
      MAX_DELIVER: "3",
      BACKOFF_MS: "100, 200,400",
      CONSUMER_CONCURRENCY: "4",
      MESSAGE_BUDGET_MS: "2000",
      REQUEST_BUDGET_MS: "1500",
      SHUTDOWN_GRACE_MS: "250",
      SHUTDOWN_DRAIN_MS: "0",
    });
    expect(config).toMatchObject({
      port: 9000,
      logLevel: "debug",
      chaos: { token: "chaos-token-0123456789" },
      natsUrl: "nats://nats:4222",
      authUrl: "http://auth:8081",
      serviceToken: "service-token-0123456789",
      alertsToken: "alerts-token-0123456789",
      webhookUrl: "https://hooks.example.com/tracemesh?team=a",
      webhookTimeouts: { attemptMs: 8000, totalMs: 20_000 },
      traces: {
        queryUrl: "http://jaeger:16686",
        uiUrl: "https://jaeger.example.com",
        lookupTimeoutMs: 750,
      },
      topology: {
        stream: "EVENTS",
        subjectPrefix: "acme.todo.events",
        deadLetterStream: "EVENTS_DLQ",
        deadLetterSubjectPrefix: "acme.dlq",
        consumer: "notifier-2",
        processedEventsBucket: "processed",
      },
      maxDeliver: 3,
      backoffMs: [100, 200, 400],
      concurrency: 4,
      messageBudgetMs: 2000,
      requestBudgetMs: 1500,
      shutdown: { graceMs: 250, drainTimeoutMs: 0 },
    });
  });

  test("trace links default to the query API, which Jaeger and the local sink serve them on", () => {
    expect(loadConfig({ TRACE_QUERY_URL: "http://127.0.0.1:4318" }).traces).toEqual({
      queryUrl: "http://127.0.0.1:4318",
      uiUrl: "http://127.0.0.1:4318",
      lookupTimeoutMs: 2000,
    });
  });

  test("METRICS_PORT is the telemetry preload's: not read here", () => {
    expect(loadConfig({ METRICS_PORT: "9999" })).not.toHaveProperty("metricsPort");
  });

  test("an empty variable means its default", () => {
    const config = loadConfig({ PORT: "", NOTIFY_WEBHOOK_URL: "", BACKOFF_MS: "" });
    expect(config.port).toBe(8082);
    expect(config.webhookUrl).toBeUndefined();
    expect(config.backoffMs).toEqual([1000, 5000, 30000, 60000]);
  });

  test.each([
    [{ PORT: "80a" }, "PORT"],
    [{ DEAD_LETTER_SUBJECT_PREFIX: "todo dlq" }, "DEAD_LETTER_SUBJECT_PREFIX"],
    [{ PROCESSED_EVENTS_BUCKET: "a.b" }, "PROCESSED_EVENTS_BUCKET"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ CHAOS_ENABLED: "yes" }, "CHAOS_ENABLED"],
    [{ CHAOS_ENABLED: "true", CHAOS_TOKEN: "short-token" }, "CHAOS_TOKEN"],
    [{ AUTH_URL: "auth:8081" }, "AUTH_URL"],
    [{ NOTIFY_WEBHOOK_URL: "ftp://files.example.com/drop" }, "NOTIFY_WEBHOOK_URL"],
    [{ SERVICE_TOKEN: "short" }, "SERVICE_TOKEN"],
    [{ ALERTS_TOKEN: "short" }, "ALERTS_TOKEN"],
    [{ EVENTS_STREAM: "todo.events" }, "EVENTS_STREAM"],
    [{ EVENTS_SUBJECT_PREFIX: "todo.>" }, "EVENTS_SUBJECT_PREFIX"],
    [{ CONSUMER_NAME: "a b" }, "CONSUMER_NAME"],
    [{ MAX_DELIVER: "0" }, "MAX_DELIVER"],
    [{ BACKOFF_MS: "1s,5s" }, "BACKOFF_MS"],
    [{ BACKOFF_MS: "0,100" }, "BACKOFF_MS"],
    [{ CONSUMER_CONCURRENCY: "0" }, "CONSUMER_CONCURRENCY"],
    [{ TRACE_QUERY_URL: "jaeger:16686" }, "TRACE_QUERY_URL"],
    [{ TRACE_LOOKUP_TIMEOUT_MS: "60000" }, "TRACE_LOOKUP_TIMEOUT_MS"],
    [{ TRACE_LOOKUP_TIMEOUT_MS: "5000" }, "TRACE_LOOKUP_TIMEOUT_MS"],
    [{ TRACE_LOOKUP_TIMEOUT_MS: "2000", REQUEST_BUDGET_MS: "1500" }, "TRACE_LOOKUP_TIMEOUT_MS"],
    [{ NOTIFY_WEBHOOK_URL: "https://bot:s3cret@hooks.example.com/x" }, "NOTIFY_WEBHOOK_URL"],
    [{ NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS: "0" }, "NOTIFY_WEBHOOK_ATTEMPT_TIMEOUT_MS"],
  ])("%j names %s and not its value", (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    for (const value of Object.values(env)) {
      if (value.length > 4) expect((thrown as ConfigError).message).not.toContain(value);
    }
  });
});
