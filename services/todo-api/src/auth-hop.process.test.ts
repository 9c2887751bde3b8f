import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoUser, importSigningKey } from "@tracemesh/auth/testing";
import { type FlatSpan, type OtlpSink, startOtlpSink } from "@tracemesh/otlp-sink";
import {
  killAll,
  type ListeningService,
  loginTo,
  startListeningService,
  startService,
  traceExportEnv,
} from "@tracemesh/testing";
import { afterEach, expect, test } from "vitest";
import { tokenAttacks } from "./test-tokens.ts";

const CHAOS_TOKEN = "auth-hop-process-chaos-token";
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  await killAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sink, auth, and todo-api asking that auth, all torn down after the test. */
async function startBoth(
  env: { auth?: Record<string, string>; todoApi?: Record<string, string> } = {},
): Promise<{ sink: OtlpSink; auth: ListeningService; api: ListeningService }> {
  const sink = await startOtlpSink();
  cleanups.push(() => sink.close());
  const dataDir = await mkdtemp(join(tmpdir(), "todo-api-auth-hop-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const auth = await startListeningService("auth", { ...traceExportEnv(sink), ...env.auth });
  const api = await startListeningService("todo-api", {
    ...traceExportEnv(sink),
    DATA_DIR: join(dataDir, "db"),
    AUTH_URL: auth.url,
    ...env.todoApi,
  });
  return { sink, auth, api };
}

function traceparent(): { header: string; traceId: string } {
  const traceId = randomBytes(16).toString("hex");
  return { header: `00-${traceId}-${randomBytes(8).toString("hex")}-01`, traceId };
}

async function send(api: ListeningService, path: string, init: RequestInit = {}, token?: string) {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const started = performance.now();
  const response = await fetch(`${api.url}${path}`, { ...init, headers });
  const body = (await response.json()) as Record<string, unknown>;
  return { response, body, elapsed: performance.now() - started };
}

function expectAuthUnavailable({ response, body }: Awaited<ReturnType<typeof send>>) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toMatch(/^[1-9][0-9]*$/);
  expect(body).toMatchObject({
    errorCode: "SERVICE_UNAVAILABLE",
    retryable: true,
    details: [{ type: "dependency", name: "auth" }],
  });
}

test("one trace: todo-api's server span → its client span → auth's server span; both logs carry it", async () => {
  const { sink, auth, api } = await startBoth();
  const token = await loginTo(auth.url, "alice");
  const request = traceparent();
  const { response, body } = await send(
    api,
    "/v1/todos",
    { method: "POST", headers: { traceparent: request.header }, body: '{"title":"one trace"}' },
    token,
  );
  expect(response.status, JSON.stringify(body)).toBe(201);
  expect(response.headers.get("traceresponse")?.split("-")[1]).toBe(request.traceId);

  const [authServer] = await sink.waitForSpans(
    (span) =>
      span.traceId === request.traceId && span.serviceName === "auth" && span.kind === "SERVER",
    10_000,
  );
  const [apiServer] = await sink.waitForSpans(
    (span) =>
      span.traceId === request.traceId && span.serviceName === "todo-api" && span.kind === "SERVER",
    10_000,
  );
  expect(apiServer?.name).toBe("POST /v1/todos");
  expect(authServer).toMatchObject({ name: "POST /v1/authorize" });
  expect(authServer?.attributes["auth.decision"]).toBe("allow");
  const client = sink
    .trace(request.traceId)
    .find((span) => span.spanId === authServer?.parentSpanId);
  expect(client).toMatchObject({
    kind: "CLIENT",
    serviceName: "todo-api",
    parentSpanId: (apiServer as FlatSpan).spanId,
  });

  const apiLine = await api.waitForLine("http.request", (line) => line.traceId === request.traceId);
  expect(apiLine).toMatchObject({ http: { route: "/v1/todos", status: 201 } });
  const authLine = await auth.waitForLine(
    "http.request",
    (line) => line.traceId === request.traceId,
  );
  expect(authLine).toMatchObject({
    service: "auth",
    http: { route: "/v1/authorize", status: 200 },
  });
  expect(JSON.stringify([...api.lines, ...auth.lines])).not.toContain(token);
}, 60_000);

test("auth stopped: reads it allowed are degraded and marked, writes are 503 in budget and store nothing", async () => {
  const { sink, auth, api } = await startBoth({ todoApi: { REQUEST_BUDGET_MS: "1500" } });
  const [alice, bob] = [await loginTo(auth.url, "alice"), await loginTo(auth.url, "bob")];
  await send(api, "/v1/todos", { method: "POST", body: '{"title":"before"}' }, alice);
  const before = await send(api, "/v1/todos", {}, alice);
  expect(before.response.status).toBe(200);

  expect(await auth.stop()).toEqual([0, null]);

  const write = await send(api, "/v1/todos", { method: "POST", body: '{"title":"lost"}' }, alice);
  expectAuthUnavailable(write);
  expect(write.elapsed).toBeLessThan(1_500);
  expectAuthUnavailable(await send(api, "/v1/todos", {}, bob));

  const request = traceparent();
  const read = await send(api, "/v1/todos", { headers: { traceparent: request.header } }, alice);
  expect(read.response.status).toBe(200);
  expect(read.response.headers.get("X-Degraded")).toBe("auth");
  // The same single todo: the refused write stored nothing.
  expect(read.body).toEqual(before.body);
  const [span] = await sink.waitForSpans(
    (s) => s.traceId === request.traceId && s.kind === "SERVER",
    10_000,
  );
  expect(span?.attributes["tracemesh.degraded"]).toBe("auth");
  const marked = await api.waitForLine(
    "authorization.degraded",
    (line) => line.traceId === request.traceId,
  );
  expect(marked).toMatchObject({ level: "warn", dependency: "auth", action: "todos:read" });
}, 60_000);

test("auth slower than the budget: 503 within it, and auth was given less time than todo-api had", async () => {
  const budgetMs = 1_000;
  const { auth, api } = await startBoth({
    auth: { CHAOS_ENABLED: "true", CHAOS_TOKEN },
    todoApi: { REQUEST_BUDGET_MS: String(budgetMs) },
  });
  const token = await loginTo(auth.url, "alice");
  const chaos = await fetch(`${auth.url}/chaos`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${CHAOS_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ latencyMs: 5_000, ttlSeconds: 60 }),
  });
  expect(chaos.status).toBe(200);

  const write = await send(api, "/v1/todos", { method: "POST", body: '{"title":"slow"}' }, token);
  expectAuthUnavailable(write);
  expect(write.elapsed).toBeLessThan(budgetMs + 300);

  // auth's latency fault sleeps only until the deadline auth was given: what todo-api had left.
  const injected = await auth.waitForLine("chaos.fault_injected");
  const { latencyMs, requestedLatencyMs } = injected.chaos as Record<string, number>;
  expect(requestedLatencyMs).toBe(5_000);
  expect(latencyMs).toBeGreaterThan(0);
  expect(latencyMs).toBeLessThan(budgetMs);
}, 60_000);

test("auth's 401 stays 401, and every forged, expired or missing token gets the same neutral body", async () => {
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const { auth, api } = await startBoth({ auth: { JWT_PRIVATE_KEY: pem } });
  const token = await loginTo(auth.url, "alice");
  const attacks = tokenAttacks(
    token,
    { privateKey, kid: (await importSigningKey(pem)).kid },
    demoUser("alice").id,
    demoUser("bob").id,
  );
  const bodies = new Set<string>();
  for (const [name, authorization] of Object.entries(attacks)) {
    const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
    const { response, body } = await send(api, "/v1/todos", { headers });
    expect(response.status, name).toBe(401);
    expect(response.headers.get("WWW-Authenticate"), name).toBe("Bearer");
    const { traceId: _t, timestamp: _s, ...neutral } = body;
    bodies.add(JSON.stringify(neutral));
  }
  expect(bodies.size).toBe(1);
  expect(JSON.parse([...bodies][0] as string)).toMatchObject({ errorCode: "AUTH_REQUIRED" });
  // The signed forgeries did reach auth, which logged why (and only it knows); an unsigned one
  // (alg none) is refused by todo-api already, since auth accepts signed tokens only.
  const reasons = auth.lines
    .filter((line) => line.event === "auth.token_rejected")
    .map((line) => line.reason);
  expect(reasons).toContain("ERR_JWT_EXPIRED");
  expect(reasons.length).toBeGreaterThanOrEqual(3);
  expect((await send(api, "/v1/todos", {}, token)).response.status).toBe(200);
}, 60_000);

test("CHAOS_ENABLED=true without CHAOS_TOKEN: both start; todo-api replays the incident, neither has fault controls", async () => {
  const { auth, api } = await startBoth({
    auth: { CHAOS_ENABLED: "true" },
    todoApi: { CHAOS_ENABLED: "true" },
  });
  const incident = await send(api, "/error");
  expect(incident.response.status).toBe(500);
  expect(incident.body).toMatchObject({ errorCode: "INTERNAL_ERROR" });
  for (const service of [api, auth]) {
    const chaos = await fetch(`${service.url}/chaos`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${CHAOS_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ unavailable: true }),
    });
    expect(chaos.status).toBe(404);
    const warned = await service.waitForLine("chaos.controls_unavailable");
    expect(warned).toMatchObject({ level: "warn", variable: "CHAOS_TOKEN" });
  }
  expect(api.lines.find((line) => line.event === "chaos.enabled")).toMatchObject({
    routes: ["GET /error"],
  });
}, 60_000);

test.each(["todo-api", "auth"] as const)(
  "%s: a CHAOS_TOKEN under 16 characters ends the start-up with one fatal line naming it",
  async (service) => {
    const started = startService(service, {
      OTEL_SDK_DISABLED: "true",
      CHAOS_ENABLED: "true",
      CHAOS_TOKEN: "too-short",
    });
    expect(await started.exited).toEqual([1, null]);
    expect(started.lines).toEqual([
      {
        timestamp: expect.any(String),
        level: "fatal",
        service,
        event: "config.invalid",
        variable: "CHAOS_TOKEN",
        issue: "CHAOS_TOKEN must be at least 16 characters",
      },
    ]);
  },
  30_000,
);
