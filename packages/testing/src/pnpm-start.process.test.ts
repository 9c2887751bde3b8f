import { existsSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { freePort } from "./free-port.ts";
import { killAll, startNodeProcess } from "./node-process.ts";
import { pnpmEntry } from "./pnpm-entry.ts";
import { TEST_HOME } from "./test-env.ts";

// `pnpm start` as `docker stop`, systemd or a terminal's Ctrl-C meet it: the signal goes to the
// pnpm process, which passes it to its child. That child must be the service's node, not a
// shell (node_modules/.bin/node is one) whose own child would never hear of the signal.

const SERVICES_DIR = fileURLToPath(new URL("../../../services/", import.meta.url));

/** The pids of `pid`'s children (Linux). */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => killAll());

describe.each(["auth", "todo-api", "notifier"])("pnpm start in services/%s", (service) => {
  test("runs the service's own node, which gets pnpm's SIGTERM: a graceful exit 0, nothing left running", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "pnpm-start-"));
    const pnpm = startNodeProcess([pnpmEntry(), "--silent", "start"], {
      cwd: `${SERVICES_DIR}${service}`,
      env: {
        HOME: TEST_HOME,
        COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
        PORT: "0",
        METRICS_PORT: String(await freePort()),
        SHUTDOWN_GRACE_MS: "0",
        DATA_DIR: join(dataDir, "todo-api"),
        // Nothing listens there: todo-api and the notifier start without NATS and wait for it.
        NATS_URL: "127.0.0.1:1",
      },
      name: `pnpm start (${service})`,
    });
    await pnpm.waitForLine("server.listening");
    const pnpmPid = pnpm.child.pid ?? -1;
    const [node] = childrenOf(pnpmPid);
    expect(node, "the service under pnpm").toBeDefined();
    expect(readFileSync(`/proc/${node}/cmdline`, "utf8")).toContain("src/main.ts");

    const [code] = await pnpm.stop("SIGTERM");

    expect(code).toBe(0);
    expect(pnpm.lines).toContainEqual(
      expect.objectContaining({ service, event: "server.shutdown_started", signal: "SIGTERM" }),
    );
    expect(pnpm.lines).toContainEqual(
      expect.objectContaining({ event: "server.shutdown_completed" }),
    );
    expect(isRunning(node ?? -1)).toBe(false);
  }, 60_000);
});
