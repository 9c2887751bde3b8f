import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findProgram } from "@tracemesh/mesh";
import { TEST_K6_BIN, TEST_PATH } from "@tracemesh/testing";

/** load/, where the scripts are and k6 runs from (their default RESULTS_DIR is relative). */
export const LOAD_DIR = fileURLToPath(new URL("../", import.meta.url));

/** The k6 to run: K6_BIN, or `k6` on PATH; undefined when there is none. */
export function findK6(): string | undefined {
  return TEST_K6_BIN ?? findProgram(["k6"], TEST_PATH);
}

export interface K6Run {
  /** k6's exit code: 0 passed, 99 thresholds crossed, 108 aborted by the script. */
  code: number | null;
  /** What it printed: the text summary, the script's own lines. */
  output: string;
  /** The JSON summary handleSummary wrote, when it got that far. */
  summary: K6Summary | undefined;
}

/** The parts of k6's summary data the tests read. */
export interface K6Summary {
  metrics: Record<
    string,
    { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
}

/**
 * Runs `k6 run load/<script>` with `env` (BASE_URL and the like, as `-e`), from the repository's
 * root as `pnpm load:*` does, its JSON summary going to a temporary RESULTS_DIR.
 */
export async function runK6(
  k6: string,
  script: string,
  env: Record<string, string>,
): Promise<K6Run> {
  const resultsDir = await mkdtemp(join(tmpdir(), "tracemesh-k6-"));
  const vars = Object.entries({ ...env, RESULTS_DIR: resultsDir }).flatMap(([k, v]) => [
    "-e",
    `${k}=${v}`,
  ]);
  const child = spawn(k6, ["run", "--no-color", ...vars, join("load", script)], {
    cwd: join(LOAD_DIR, ".."),
    env: { PATH: TEST_PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const name = script.replace(/\.js$/, "");
  const summary = await readFile(join(resultsDir, `${name}-summary.json`), "utf8").then(
    (text) => JSON.parse(text) as K6Summary,
    () => undefined,
  );
  return { code, output, summary };
}

/** A metric's value in the summary, e.g. `summaryValue(run, "contract_violations", "count")`. */
export function summaryValue(run: K6Run, metric: string, stat: string): number | undefined {
  return run.summary?.metrics[metric]?.values[stat];
}
