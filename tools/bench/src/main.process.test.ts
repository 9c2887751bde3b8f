import { spawn } from "node:child_process";
import { REPO_ROOT } from "@tracemesh/mesh";
import { TEST_HOME, TEST_PATH, waitFor } from "@tracemesh/testing";
import pg from "pg";
import { afterEach, expect, test } from "vitest";

// A role that may create databases, as the bench's own default asks.
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The scratch databases the bench of process `pid` has on the machine's PostgreSQL. */
async function scratchDatabasesOf(pid: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`tracemesh_bench_${pid}_%`],
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

/** Whether any process of group `pid` is still running. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test("Ctrl-C in the middle of a run stops its meshes, drops its scratch databases and exits 130", async () => {
  // `pnpm bench` as a terminal's foreground job: a process group of its own, which Ctrl-C signals.
  const bench = spawn(process.execPath, ["tools/bench/src/main.ts", "--quick"], {
    cwd: REPO_ROOT,
    env: { PATH: TEST_PATH, HOME: TEST_HOME, BENCH_DATABASE_URL: ADMIN_URL },
    detached: true,
  });
  const pid = bench.pid ?? 0;
  let stderr = "";
  bench.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    bench.on("close", (code, signal) => resolve([code, signal])),
  );
  cleanups.push(async () => {
    if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
    // What a failed run left, so that the next run of the suite does not find it.
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    for (const name of await scratchDatabasesOf(pid)) {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await client.end();
  });

  // Both meshes and the bare twin are up once the throughput cells begin.
  await waitFor(
    () => stderr.includes("throughput:") || bench.exitCode !== null,
    "the throughput cells to begin",
    90_000,
    100,
  );
  expect(stderr).toContain("throughput:");
  expect(await scratchDatabasesOf(pid)).toHaveLength(2);

  process.kill(-pid, "SIGINT");

  expect(await exited).toEqual([130, null]);
  expect(stderr).toContain("interrupted: stopping the meshes and dropping the scratch databases");
  expect(stderr).not.toContain("Error");
  expect(await scratchDatabasesOf(pid)).toEqual([]);
  await waitFor(() => !groupAlive(pid), "every process of the bench to end");
}, 150_000);
