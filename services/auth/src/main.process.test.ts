import { type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import {
  killAll,
  loginTo,
  startListeningService,
  startService,
  traceExportEnv,
} from "@tracemesh/testing";
import { afterEach, describe, expect, test } from "vitest";

const CHAOS_TOKEN = "process-test-chaos-token";
const SERVICE_TOKEN = "process-test-service-token";
// Base64 that passes the config's PEM check and decodes to no key: the start fails, not the config.
const NOT_A_KEY = "bm90LWEta2V5LWF0LWFsbA==";
const sinks: OtlpSink[] = [];

afterEach(async () => {
  await killAll();
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

describe("auth main", () => {
  test("serves with telemetry: chaos faults reach the span, logs carry the trace, SIGTERM exits 0", async () => {
    const sink = await startOtlpSink();
    sinks.push(sink);
    const auth = await startListeningService("auth", {
      ...traceExportEnv(sink),
      CHAOS_ENABLED: "true",
      CHAOS_TOKEN,
      SERVICE_TOKEN,
    });
    await loginTo(auth.url, "alice");

    const chaos = await fetch(`${auth.url}/chaos`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${CHAOS_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ unavailable: true, ttlSeconds: 60 }),
    });
    expect(chaos.status).toBe(200);
    const refused = await fetch(`${auth.url}/.well-known/jwks.json`);
    expect(refused.status).toBe(503);
    const { traceId } = (await refused.json()) as { traceId: string };

    const [span] = await sink.waitForSpans((s) => s.traceId === traceId && s.kind === "SERVER");
    expect(span?.serviceName).toBe("auth");
    expect(span?.attributes["chaos.fault"]).toBe("unavailable");
    expect(span?.events.map((event) => event.name)).toContain("chaos.fault");
    const [loginSpan] = await sink.waitForSpans((s) => s.name === "POST /v1/token");
    expect(loginSpan?.attributes["http.route"]).toBe("/v1/token");

    const faultLine = await auth.waitForLine("chaos.fault_injected");
    expect(faultLine).toMatchObject({ service: "auth", traceId, chaos: { fault: "unavailable" } });

    expect(await auth.stop()).toEqual([0, null]);
    expect(auth.lines.map((line) => line.event)).toContain("server.shutdown_completed");
    // Nothing secret in any line.
    expect(JSON.stringify(auth.lines)).not.toMatch(
      /alice-demo-password|process-test-(chaos|service)-token/,
    );
  });

  test.each([
    [{ TOKEN_TTL_SECONDS: "forever" }, "TOKEN_TTL_SECONDS"],
    [{ CHAOS_ENABLED: "true", CHAOS_TOKEN: "short-token" }, "CHAOS_TOKEN"],
  ])(
    "a bad variable (%j): one fatal line naming it, never its value, exit 1",
    async (env, variable) => {
      const auth = startService("auth", { OTEL_SDK_DISABLED: "true", ...env });
      expect(await auth.exited).toEqual([1, null]);
      expect(auth.lines).toEqual([
        {
          timestamp: expect.any(String),
          level: "fatal",
          service: "auth",
          event: "config.invalid",
          variable,
          issue: expect.stringMatching(new RegExp(`^${variable} `)),
        },
      ]);
      expect(JSON.stringify(auth.lines)).not.toMatch(/forever|short-token/);
    },
  );

  test("a JWT_PRIVATE_KEY that is no key: one fatal config line naming it, never its value, exit 1", async () => {
    const notAKey = ["-----BEGIN PRIVATE KEY-----", NOT_A_KEY, "-----END PRIVATE KEY-----"].join(
      "\n",
    );
    const auth = startService("auth", { OTEL_SDK_DISABLED: "true", JWT_PRIVATE_KEY: notAKey });
    expect(await auth.exited).toEqual([1, null]);
    expect(auth.lines).toEqual([
      expect.objectContaining({
        level: "fatal",
        service: "auth",
        event: "config.invalid",
        variable: "JWT_PRIVATE_KEY",
      }),
    ]);
    expect(JSON.stringify(auth.lines)).not.toContain(NOT_A_KEY);
  });

  test("CHAOS_ENABLED=true without CHAOS_TOKEN: serves, without fault controls, and says why", async () => {
    const { lines, url } = await startListeningService("auth", {
      OTEL_SDK_DISABLED: "true",
      CHAOS_ENABLED: "true",
    });
    expect((await fetch(`${url}/chaos`)).status).toBe(404);
    expect((await fetch(`${url}/.well-known/jwks.json`)).status).toBe(200);
    expect(lines.find((line) => line.event === "chaos.controls_unavailable")).toMatchObject({
      level: "warn",
      variable: "CHAOS_TOKEN",
    });
  });

  test("login rate limit: 429 with Retry-After, even for the right password, then served again", async () => {
    const { lines, url } = await startListeningService("auth", {
      OTEL_SDK_DISABLED: "true",
      // Long enough that two scrypt checks on a slow machine still fit in the window.
      LOGIN_RATE_LIMIT_WINDOW_SECONDS: "2",
      LOGIN_RATE_LIMIT_PER_USERNAME: "2",
      LOGIN_RATE_LIMIT_PER_CLIENT: "100",
    });
    const login = (username: string, password: string) =>
      fetch(`${url}/v1/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
    expect((await login("alice", "guess-1")).status).toBe(401);
    expect((await login("alice", "guess-2")).status).toBe(401);
    const limited = await login("alice", "alice-demo-password");
    expect(limited.status).toBe(429);
    const retryAfter = limited.headers.get("Retry-After");
    expect(retryAfter).toMatch(/^[12]$/);
    expect(await limited.json()).toMatchObject({ errorCode: "RATE_LIMITED", retryable: true });
    // Another user is not held back by alice's window.
    expect((await login("bob", "bob-demo-password")).status).toBe(200);

    // Waiting what Retry-After says is enough.
    await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000 + 50));
    const served = await login("alice", "alice-demo-password");
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ accessToken: expect.any(String) });
    expect(lines.find((line) => line.event === "auth.login_throttled")).toMatchObject({
      level: "warn",
      limitedBy: "username",
      cause: "limit",
    });
    expect(JSON.stringify(lines)).not.toMatch(/guess-\d|demo-password/);
  });
});
