import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import { afterEach, describe, expect, test } from "vitest";

const SERVICE_DIR = fileURLToPath(new URL("..", import.meta.url));
const CHAOS_TOKEN = "process-test-chaos-token";
const SERVICE_TOKEN = "process-test-service-token";
const children: ChildProcess[] = [];
const sinks: OtlpSink[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(sinks.splice(0).map((sink) => sink.close()));
});

// The preload's Prometheus exporter needs a real port (it refuses 0): borrow a free one.
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function startAuth(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--import", "@tracemesh/telemetry/preload", "src/main.ts"],
    {
      cwd: SERVICE_DIR,
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  async function waitForLine(event: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = lines.find((line) => line.event === event);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`auth exited before logging ${event}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return { child, lines, waitForLine };
}

describe("auth main", () => {
  test("serves with telemetry: chaos faults reach the span, logs carry the trace, SIGTERM exits 0", async () => {
    const sink = await startOtlpSink();
    sinks.push(sink);
    const { child, lines, waitForLine } = startAuth({
      PORT: "0",
      METRICS_PORT: String(await freePort()),
      OTEL_SERVICE_NAME: "auth",
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_BSP_SCHEDULE_DELAY: "50",
      CHAOS_ENABLED: "true",
      CHAOS_TOKEN,
      SERVICE_TOKEN,
    });
    const listening = await waitForLine("server.listening");
    const base = `http://127.0.0.1:${String(listening.port)}`;

    const login = await fetch(`${base}/v1/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "alice", password: "alice-demo-password" }),
    });
    expect(login.status).toBe(200);

    const chaos = await fetch(`${base}/chaos`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${CHAOS_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ unavailable: true, ttlSeconds: 60 }),
    });
    expect(chaos.status).toBe(200);
    const refused = await fetch(`${base}/.well-known/jwks.json`);
    expect(refused.status).toBe(503);
    const { traceId } = (await refused.json()) as { traceId: string };

    const [span] = await sink.waitForSpans((s) => s.traceId === traceId && s.kind === "SERVER");
    expect(span?.serviceName).toBe("auth");
    expect(span?.attributes["chaos.fault"]).toBe("unavailable");
    expect(span?.events.map((event) => event.name)).toContain("chaos.fault");
    const [loginSpan] = await sink.waitForSpans((s) => s.name === "POST /v1/token");
    expect(loginSpan?.attributes["http.route"]).toBe("/v1/token");

    const faultLine = await waitForLine("chaos.fault_injected");
    expect(faultLine).toMatchObject({ service: "auth", traceId, chaos: { fault: "unavailable" } });

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    expect(await exited).toEqual([0, null]);
    expect(lines.map((line) => line.event)).toContain("server.shutdown_completed");
    // Nothing secret in any line.
    expect(JSON.stringify(lines)).not.toMatch(
      /alice-demo-password|process-test-(chaos|service)-token/,
    );
  });

  test.each([
    [{ TOKEN_TTL_SECONDS: "forever" }, "TOKEN_TTL_SECONDS"],
    [{ CHAOS_ENABLED: "true", CHAOS_TOKEN: "short-token" }, "CHAOS_TOKEN"],
  ])(
    "a bad variable (%j): one fatal line naming it, never its value, exit 1",
    async (env, variable) => {
      const { child, lines } = startAuth({ OTEL_SDK_DISABLED: "true", ...env });
      const [code] = await once(child, "exit");
      expect(code).toBe(1);
      expect(lines).toEqual([
        {
          timestamp: expect.any(String),
          level: "fatal",
          service: "auth",
          event: "config.invalid",
          variable,
          issue: expect.stringMatching(new RegExp(`^${variable} `)),
        },
      ]);
      expect(JSON.stringify(lines)).not.toMatch(/forever|short-token/);
    },
  );

  test("CHAOS_ENABLED=true without CHAOS_TOKEN: serves, without fault controls, and says why", async () => {
    const { lines, waitForLine } = startAuth({
      PORT: "0",
      OTEL_SDK_DISABLED: "true",
      CHAOS_ENABLED: "true",
    });
    const listening = await waitForLine("server.listening");
    const base = `http://127.0.0.1:${String(listening.port)}`;
    expect((await fetch(`${base}/chaos`)).status).toBe(404);
    expect((await fetch(`${base}/.well-known/jwks.json`)).status).toBe(200);
    expect(lines.find((line) => line.event === "chaos.controls_unavailable")).toMatchObject({
      level: "warn",
      variable: "CHAOS_TOKEN",
    });
  });

  test("login rate limit: 429 with Retry-After, even for the right password, then served again", async () => {
    const { lines, waitForLine } = startAuth({
      PORT: "0",
      OTEL_SDK_DISABLED: "true",
      // Long enough that two scrypt checks on a slow machine still fit in the window.
      LOGIN_RATE_LIMIT_WINDOW_SECONDS: "2",
      LOGIN_RATE_LIMIT_PER_USERNAME: "2",
      LOGIN_RATE_LIMIT_PER_CLIENT: "100",
    });
    const listening = await waitForLine("server.listening");
    const login = (username: string, password: string) =>
      fetch(`http://127.0.0.1:${String(listening.port)}/v1/token`, {
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
