import { execFile } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import { batchedLines } from "./batched-lines.ts";

function recordingTarget() {
  const writes: string[] = [];
  const target = new PassThrough();
  target.on("data", (chunk: Buffer) => writes.push(chunk.toString()));
  return { target, writes };
}

const turnEnded = () => new Promise((resolve) => setImmediate(resolve));

describe("batchedLines", () => {
  test("what one turn of the event loop writes goes out in one write, in order", async () => {
    const { target, writes } = recordingTarget();
    const stream = batchedLines(target);
    stream.write("one\n");
    stream.write("two\n");
    stream.write("three\n");
    expect(writes).toEqual([]);
    await turnEnded();
    await turnEnded();
    expect(writes).toEqual(["one\ntwo\nthree\n"]);
    stream.write("four\n");
    await turnEnded();
    await turnEnded();
    expect(writes).toEqual(["one\ntwo\nthree\n", "four\n"]);
  });

  test("a batch that reaches maxBytes goes out at once", () => {
    const { target } = recordingTarget();
    const written: string[] = [];
    target.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof target.write;
    const stream = batchedLines(target, 10);
    stream.write("12345\n");
    expect(written).toEqual([]);
    stream.write("67890\n");
    expect(written).toEqual(["12345\n67890\n"]);
  });

  test("ending the stream writes what it holds", async () => {
    const { target, writes } = recordingTarget();
    const stream = batchedLines(target);
    stream.end("last\n");
    await new Promise((resolve) => stream.on("finish", resolve));
    await turnEnded();
    expect(writes).toEqual(["last\n"]);
  });

  test("process.exit right after a line loses nothing", async () => {
    const script = [
      `import { createLogger } from ${JSON.stringify(new URL("./create-logger.ts", import.meta.url).href)};`,
      `const logger = createLogger({ service: "s" });`,
      `for (let i = 0; i < 3; i++) logger.error("service.start_failed", { i });`,
      "process.exit(1);",
    ].join("\n");
    const stdout = await new Promise<string>((resolve) => {
      execFile(process.execPath, ["--input-type=module", "-e", script], (_error, out) =>
        resolve(out),
      );
    });
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { i: number });
    expect(lines.map((line) => line.i)).toEqual([0, 1, 2]);
  });
});
