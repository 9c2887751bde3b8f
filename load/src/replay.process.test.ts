import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Mesh, PrometheusServer } from "@tracemesh/mesh";
import { startPrometheusWithout, startTestMesh } from "@tracemesh/mesh/testing";
import { freePort, TEST_IN_CI } from "@tracemesh/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startOutOfContractServer } from "./out-of-contract-server.ts";
import { findK6, LOAD_DIR, runK6, summaryValue } from "./run-k6.ts";

// The real k6 binary runs the load scripts against a whole mesh of processes (the services, a
// private nats-server, the machine's Prometheus and Alertmanager), with their phases shortened,
// one after the other on the same mesh. k6 is not an npm package: CI finds one at ../shared/bin.

const k6 = findK6();
if (!k6 && !TEST_IN_CI) {
  console.warn(
    "k6 is not installed: the load script tests are skipped (https://grafana.com/docs/k6/latest/set-up/install-k6/, or K6_BIN)",
  );
}

// Under CI a missing k6 fails the run instead of skipping the scripts.
if (!k6 && TEST_IN_CI) {
  test("k6 is installed (CI puts ../shared/bin on PATH)", () => {
    expect(k6, "no k6 on PATH and no K6_BIN").toBeDefined();
  });
}

describe.skipIf(!k6)("the load scripts, run by k6 against a live mesh", () => {
  const binary = k6 ?? "k6";
  let mesh: Mesh;
  let env: Record<string, string>;

  beforeAll(async () => {
    mesh = await startTestMesh();
    env = {
      BASE_URL: mesh.urls["todo-api"],
      AUTH_URL: mesh.urls.auth,
      PROMETHEUS_URL: mesh.prometheus?.url ?? "",
      ALERTMANAGER_URL: mesh.alertmanager?.url ?? "",
      CHAOS_TOKEN: mesh.secrets.chaosToken,
    };
  }, 120_000);
  afterAll(() => mesh?.stop());

  async function aliceToken(): Promise<string> {
    const login = await fetch(`${mesh.urls.auth}/v1/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "alice", password: "alice-demo-password" }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    return accessToken;
  }

  async function createTodoAsAlice(title: string): Promise<void> {
    const created = await fetch(`${mesh.urls["todo-api"]}/v1/todos`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${await aliceToken()}`,
      },
      body: JSON.stringify({ title }),
    });
    expect(created.status).toBe(201);
  }

  /** The titles of all of alice's todos, page after page. */
  async function titlesOfAlice(): Promise<string[]> {
    const authorization = `Bearer ${await aliceToken()}`;
    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await fetch(`${mesh.urls["todo-api"]}/v1/todos?limit=100${query}`, {
        headers: { authorization },
      });
      expect(page.status).toBe(200);
      const body = (await page.json()) as { items: { title: string }[]; nextCursor: string | null };
      titles.push(...body.items.map((todo) => todo.title));
      cursor = body.nextCursor;
    } while (cursor !== null);
    return titles;
  }

  test("smoke.js: every route once, in contract", async () => {
    // What a user writes is theirs: a title that reads like a leak is no contract violation.
    await createTodoAsAlice("Fix TypeError: Division by zero on localhost:8080 (ECONNRESET)");
    const run = await runK6(binary, "smoke.js", env);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("tracemesh smoke test against");
    expect(run.output).toContain(": PASS");
    expect(summaryValue(run, "contract_violations", "count") ?? 0).toBe(0);
    expect(summaryValue(run, "checks", "fails")).toBe(0);
    expect(summaryValue(run, "http_reqs{phase:smoke}", "count")).toBeGreaterThanOrEqual(14);
  }, 60_000);

  test("incident.js: the contract holds under load and the incident alert fires within its budget", async () => {
    const run = await runK6(binary, "incident.js", { ...env, TIME_SCALE: "0.4" });
    expect(run.code, run.output).toBe(0);
    expect(summaryValue(run, "contract_violations", "count") ?? 0).toBe(0);
    expect(summaryValue(run, "alert_fired", "rate")).toBe(1);
    expect(summaryValue(run, "time_to_alert", "max")).toBeLessThanOrEqual(30_000);
    expect(summaryValue(run, "server_errors{phase:burst}", "rate")).toBeGreaterThan(0.2);
    expect(summaryValue(run, "http_req_failed{phase:baseline,scenario:crud}", "rate")).toBe(0);
    // A person reads the verdict per phase.
    expect(run.output).toMatch(/baseline +\d+ +0\.0 %/);
    expect(run.output).toMatch(/time to alert: \d+\.\d s/);
  }, 120_000);

  test("outage.js: auth down, then slow: fast 503s naming auth, degraded reads, recovery, the dependency alert", async () => {
    const run = await runK6(binary, "outage.js", { ...env, TIME_SCALE: "0.5" });
    expect(run.code, run.output).toBe(0);
    expect(summaryValue(run, "contract_violations", "count") ?? 0).toBe(0);
    expect(summaryValue(run, "checks", "fails")).toBe(0);
    expect(
      summaryValue(run, "http_req_duration{phase:auth-down,kind:write}", "p(99)"),
    ).toBeLessThan(250);
    expect(summaryValue(run, "alert_fired", "rate")).toBe(1);
    expect(summaryValue(run, "recovered", "rate")).toBe(1);
    expect(run.output).toMatch(/writes back after the fault: \d+\.\d s/);
    // The recovery probe deletes the todo that showed writes were back.
    expect(await titlesOfAlice()).not.toContain("recovered?");
    // Held back whenever Alertmanager had it; with the phases halved it may not get there.
    expect(run.output).toMatch(
      /HttpErrorRatioHigh\{service="todo-api"\} during the fault: (held back by Alertmanager|not in Alertmanager)/,
    );
  }, 120_000);

  test("incident.js right after outage.js: NOT RUN while DependencyUnavailable would hold back its page", async () => {
    // The outage's DependencyUnavailable keeps firing 90 s after its 503s (keep_firing_for).
    const run = await runK6(binary, "incident.js", env);
    expect(run.code).toBe(108);
    expect(run.output).toContain(
      "test aborted: DependencyUnavailable is active already (an earlier run's?), and it would hold back the HttpErrorRatioHigh page",
    );
    expect(run.output).toContain(": NOT RUN");
  }, 60_000);

  describe("the verdict can fail", () => {
    let withoutIncidentRule: PrometheusServer | undefined;
    afterAll(() => withoutIncidentRule?.stop());

    test("incident.js against a Prometheus without the incident rule exits non-zero", async () => {
      withoutIncidentRule = await startPrometheusWithout(mesh, ["incident.rules.yml"]);
      // The same replay with a shorter budget: it cannot fire, so there is no point waiting long.
      const replay = JSON.parse(await readFile(join(LOAD_DIR, "replay.json"), "utf8"));
      replay.incident.alert.firesWithinSeconds = 10;
      const replayFile = join(await mkdtemp(join(tmpdir(), "tracemesh-replay-")), "replay.json");
      await writeFile(replayFile, JSON.stringify(replay));
      const run = await runK6(binary, "incident.js", {
        ...env,
        PROMETHEUS_URL: withoutIncidentRule.url,
        TIME_SCALE: "0.4",
        REPLAY_FILE: replayFile,
      });
      expect(run.code, run.output).toBe(99);
      expect(summaryValue(run, "alert_fired", "rate")).toBe(0);
      // With a link to Prometheus's alerts page that opens, new web UI or classic.
      const page = run.output.match(
        /HttpErrorRatioHigh did not fire within 10 s: see (http:\/\/[^\s"]+)/,
      )?.[1];
      expect(page, run.output).toBeDefined();
      expect((await fetch(page as string)).status).toBe(200);
      expect(run.output).toContain("✗ alert_fired: rate==1");
      // No time for an alert that never fired (k6 says max 0 for a trend without samples).
      expect(run.output).not.toContain("time to alert");
    }, 120_000);

    test("a service that answers out of contract: contract_violations counted, the run fails", async () => {
      const impostor = await startOutOfContractServer();
      try {
        const run = await runK6(binary, "smoke.js", { ...env, BASE_URL: impostor.url });
        expect(run.code, run.output).toBe(99);
        expect(summaryValue(run, "contract_violations", "count")).toBeGreaterThan(10);
        expect(run.output).toMatch(
          /contract violation: POST .* → 500: .*a stack trace in the body/,
        );
        expect(run.output).toContain("✗ contract_violations: count==0");
        // Which step failed, and what came instead.
        expect(run.output).toContain("failed checks:");
        expect(run.output).toContain("✗ POST /v1/todos → 201: 1 of 1 failed");
        expect(run.output).toContain("POST /v1/todos: expected 201, got 500 (traceId none)");
      } finally {
        await impostor.close();
      }
    }, 60_000);

    test("an unreachable BASE_URL ends the run at once: NOT RUN, and k6 says why", async () => {
      const started = Date.now();
      const run = await runK6(binary, "smoke.js", {
        ...env,
        BASE_URL: `http://127.0.0.1:${await freePort()}`,
      });
      expect(run.code).toBe(108);
      expect(run.output).toMatch(
        /test aborted: BASE_URL does not answer at http:\/\/127\.0\.0\.1:\d+\/health\/ready/,
      );
      // No verdict table of zeros and failed thresholds to read as a real failure.
      expect(run.output).toContain("tracemesh smoke test against");
      expect(run.output).toContain(": NOT RUN");
      expect(run.output).not.toContain("failed thresholds");
      expect(Date.now() - started).toBeLessThan(15_000);
    }, 30_000);

    test("a todo-api without GET /error ends incident.js at once: NOT RUN, and k6 says why", async () => {
      const impostor = await startOutOfContractServer();
      try {
        const run = await runK6(binary, "incident.js", { ...env, BASE_URL: impostor.url });
        expect(run.code).toBe(108);
        expect(run.output).toContain(
          `test aborted: GET /error at BASE_URL ${impostor.url} answers HTTP 404, not the incident's 500`,
        );
        expect(run.output).toContain(": NOT RUN");
      } finally {
        await impostor.close();
      }
    }, 30_000);

    test("a wrong CHAOS_TOKEN ends outage.js at once: NOT RUN, and k6 says why", async () => {
      const run = await runK6(binary, "outage.js", {
        ...env,
        CHAOS_TOKEN: "not-the-chaos-token-at-all",
      });
      expect(run.code).toBe(108);
      expect(run.output).toContain("test aborted: CHAOS_TOKEN is refused by auth");
      expect(run.output).toContain(": NOT RUN");
    }, 30_000);
  });
});
