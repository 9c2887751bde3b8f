import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
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

/** `k6 inspect` of a script, from the repository's root: its options, or what stopped it. */
function inspect(script: string, env: Record<string, string> = {}) {
  const vars = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
  return new Promise<{ ok: boolean; output: string }>((resolve) => {
    execFile(
      k6 ?? "k6",
      ["inspect", ...vars, join("load", script)],
      { cwd: join(LOAD_DIR, ".."), env: { PATH: TEST_PATH } },
      (error, stdout, stderr) => resolve({ ok: error === null, output: `${stderr}${stdout}` }),
    );
  });
}

test.skipIf(!k6 && !TEST_IN_CI).each(scripts)(
  "k6 0.49 compiles %s and reads its options",
  async (script) => {
    expect(k6, "no k6 on PATH and no K6_BIN").toBeDefined();
    const { ok, output } = await inspect(script);
    expect(ok, output).toBe(true);
    const options = JSON.parse(output) as { thresholds?: Record<string, unknown> };
    expect(Object.keys(options.thresholds ?? {})).toContain("contract_violations");
  },
);

const replay = JSON.parse(await readFile(join(LOAD_DIR, "replay.json"), "utf8"));

test.skipIf(!k6 && !TEST_IN_CI).each([
  ["incident.js", "without its replay", { outage: replay.outage }, 'has no "incident"'],
  [
    "outage.js",
    "without recoversWithinSeconds",
    { outage: { ...replay.outage, recoversWithinSeconds: undefined } },
    '"outage.recoversWithinSeconds" must be a positive number',
  ],
  [
    "incident.js",
    "with a phase of no length",
    { incident: { ...replay.incident, phases: [{ name: "burst" }] } },
    '"incident.phases[0]" needs a name and a positive number of seconds',
  ],
  [
    "outage.js",
    "without a phase it needs",
    { outage: { ...replay.outage, phases: [{ name: "baseline", seconds: 10 }] } },
    '"outage" has no phase "auth-down"',
  ],
  ["outage.js", "that is not JSON", "{", "is not JSON"],
])(
  "k6 stops %s before the run on a REPLAY_FILE %s, saying what is wrong",
  async (script, _file, contents, reason) => {
    expect(k6, "no k6 on PATH and no K6_BIN").toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), "tracemesh-replay-"));
    const file = join(dir, "replay.json");
    await writeFile(file, typeof contents === "string" ? contents : JSON.stringify(contents));
    const { ok, output } = await inspect(script, { REPLAY_FILE: file }).finally(() =>
      rm(dir, { recursive: true, force: true }),
    );
    expect(ok, output).toBe(false);
    // k6 logs the error's message in logfmt, its quotes escaped.
    const said = output.replaceAll('\\"', '"');
    expect(said).toContain(`the replay file ${file} (REPLAY_FILE)`);
    expect(said).toContain(reason);
  },
);
