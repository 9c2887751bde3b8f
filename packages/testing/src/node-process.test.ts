import { afterEach, describe, expect, test } from "vitest";
import { killAll, startNodeProcess } from "./node-process.ts";

afterEach(killAll);

// Ready for SIGTERM, writes two lines, then waits for SIGTERM to log a last one and exit 0.
const SCRIPT = `
process.on("SIGTERM", () => {
  console.log(JSON.stringify({ event: "stopping" }));
  process.exit(0);
});
console.log(JSON.stringify({ event: "started", n: 1 }));
console.log("plain text");
setInterval(() => {}, 1000);
`;

describe("startNodeProcess", () => {
  test("collects JSON lines, keeps the others as text, and reads every line before stop resolves", async () => {
    const started = startNodeProcess(["--eval", SCRIPT], { env: {} });
    expect(await started.waitForLine("started", (line) => line.n === 1)).toEqual({
      event: "started",
      n: 1,
    });
    await started.waitForLine("(not json)");
    expect(await started.stop()).toEqual([0, null]);
    expect(started.lines.map((line) => line.event)).toEqual(["started", "(not json)", "stopping"]);
    expect(started.lines[1]).toEqual({ event: "(not json)", text: "plain text" });
  });

  test("waitForLine fails, naming the event and with stderr, once the process ended without it", async () => {
    const failing = startNodeProcess(["--eval", 'console.error("boom"); process.exit(3)'], {
      env: {},
      name: "failing",
    });
    await expect(failing.waitForLine("never")).rejects.toThrow(
      /failing ended \(3\) before logging never:[\s\S]*boom/,
    );
    expect(await failing.exited).toEqual([3, null]);
  });

  test("env is the whole environment, besides PATH", async () => {
    const printed = startNodeProcess(
      ["--eval", "console.log(JSON.stringify({ event: 'env', keys: Object.keys(process.env) }))"],
      { env: { ONLY_THIS: "1" } },
    );
    const line = await printed.waitForLine("env");
    expect((line.keys as string[]).sort()).toEqual(["ONLY_THIS", "PATH"]);
  });

  test("kill and killAll end it with SIGKILL", async () => {
    const first = startNodeProcess(["--eval", "setInterval(() => {}, 1000)"], { env: {} });
    const second = startNodeProcess(["--eval", "setInterval(() => {}, 1000)"], { env: {} });
    expect(await first.kill()).toEqual([null, "SIGKILL"]);
    await killAll();
    expect(await second.exited).toEqual([null, "SIGKILL"]);
  });
});
