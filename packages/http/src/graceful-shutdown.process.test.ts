import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { killAll, startNodeProcess, waitFor } from "@tracemesh/testing";
import { afterEach, describe, expect, test } from "vitest";

// A real process and a real SIGTERM (test-fixtures/graceful-service.ts), under load from
// keep-alive clients behind a load balancer that polls /health/ready, as one in front of a
// replica would: it stops sending a little after the replica stops being ready.

const FIXTURE = fileURLToPath(new URL("./test-fixtures/graceful-service.ts", import.meta.url));
const GRACE_MS = 1_500;
// How long the load balancer goes on sending after it saw readiness fail.
const BALANCER_LAG_MS = 300;

afterEach(() => killAll());

interface Answer {
  status?: number;
  connection?: string;
  body?: string;
  error?: string;
  sentAfterSignal: boolean;
}

function get(agent: Agent, port: number, path: string, signalled: () => boolean): Promise<Answer> {
  const sentAfterSignal = signalled();
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          connection: res.headers.connection,
          body,
          sentAfterSignal,
        }),
      );
    });
    req.on("error", (error) => resolve({ error: error.message, sentAfterSignal }));
    req.end();
  });
}

describe("SIGTERM under load", () => {
  test("not ready at once, served through the grace period with Connection: close, exit 0: no request fails", async () => {
    const service = startNodeProcess([FIXTURE], {
      env: { SHUTDOWN_GRACE_MS: String(GRACE_MS), SHUTDOWN_DRAIN_MS: "5000" },
      name: "graceful-service",
    });
    const port = Number((await service.waitForLine("fixture.listening")).port);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let signalledAt: number | undefined;
    const signalled = () => signalledAt !== undefined;
    let balancerStoppedAt: number | undefined;
    const readiness: Answer[] = [];
    const answers: Answer[] = [];

    // The balancer: polls readiness, stops routing BALANCER_LAG_MS after the first failure.
    const balancer = (async () => {
      while (balancerStoppedAt === undefined) {
        const ready = await get(agent, port, "/health/ready", signalled);
        readiness.push(ready);
        if (ready.status !== 200 && balancerStoppedAt === undefined) {
          setTimeout(() => {
            balancerStoppedAt = Date.now();
          }, BALANCER_LAG_MS);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    // Eight clients on keep-alive connections, each sending its next request once answered.
    const clients = Array.from({ length: 8 }, async () => {
      while (balancerStoppedAt === undefined) {
        answers.push(await get(agent, port, "/work", signalled));
      }
    });

    await waitFor(() => answers.length >= 200, "the load to be under way");
    signalledAt = Date.now();
    service.child.kill("SIGTERM");
    await Promise.all([balancer, ...clients]);
    const [code] = await service.exited;
    const exitedAfterMs = Date.now() - signalledAt;
    agent.destroy();

    expect(code).toBe(0);
    // Zero resets, zero failures: every request the balancer sent was answered 200.
    expect(answers.filter((answer) => answer.error !== undefined)).toEqual([]);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // Requests kept coming after the signal, and were served, each closing its connection.
    const afterSignal = answers.filter((answer) => answer.sentAfterSignal);
    expect(afterSignal.length).toBeGreaterThan(8);
    expect(afterSignal.every((answer) => answer.connection === "close")).toBe(true);
    // Readiness failed at the signal with the contract's 503, before the listener closed.
    const notReady = readiness.find((answer) => answer.status !== 200);
    expect(notReady?.status).toBe(503);
    expect(JSON.parse(notReady?.body ?? "{}")).toMatchObject({
      errorCode: "SERVICE_UNAVAILABLE",
      retryable: true,
      details: [{ type: "shutdown" }],
    });
    // The listener stayed for the grace period, then the process ended promptly.
    expect(exitedAfterMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(service.lines.map((line) => line.event)).toEqual(
      expect.arrayContaining(["server.shutdown_started", "server.shutdown_completed"]),
    );
  }, 30_000);
});
