import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { TEST_IN_CI, TEST_PATH } from "@tracemesh/testing";
import { expect, test } from "vitest";
import { findK6, LOAD_DIR } from "./run-k6.ts";

// k6 0.49 compiles ES2017 and modules: `?.`, `??`, object spread or a class field in a script
// would stop it before the first request, on any k6 from 0.49 on. `k6 inspect` compiles each
// script and runs its init code (options, open()) without sending anything.

const k6 = findK6();
if (!k6 && !TEST_IN_CI) {
  console.warn(
    "k6 is not installed: k6 inspect of the load scripts is skipped (https://grafana.com/docs/k6/latest/set-up/install-k6/, or K6_BIN)",
  );
}
const scripts = (await readdir(LOAD_DIR)).filter((file) => file.endsWith(".js"));

test("there are load scripts to check", () => {
  expect(scripts.sort()).toEqual(["incident.js", "outage.js", "smoke.js"]);
});

test.skipIf(!k6 && !TEST_IN_CI).each(scripts)(
  "k6 0.49 compiles %s and reads its options",
  async (script) => {
    expect(k6, "no k6 on PATH and no K6_BIN").toBeDefined();
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        k6 ?? "k6",
        ["inspect", join("load", script)],
        { cwd: join(LOAD_DIR, ".."), env: { PATH: TEST_PATH } },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${stderr}${stdout}`)) : resolve(stdout),
      );
    });
    const options = JSON.parse(output) as { thresholds?: Record<string, unknown> };
    expect(Object.keys(options.thresholds ?? {})).toContain("contract_violations");
  },
);
