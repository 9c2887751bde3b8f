import { appendFileSync, closeSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { logLineReader, openLogFile } from "./log-file.ts";

function scratchFile(): string {
  return join(mkdtempSync(join(tmpdir(), "log-file-")), "logs", "service.log");
}

describe("logLineReader", () => {
  test("reads the lines written so far, and only the new ones on the next call", () => {
    const path = scratchFile();
    closeSync(openLogFile(path));
    const logs = logLineReader(path);
    expect(logs()).toEqual([]);
    appendFileSync(path, '{"event":"service.started"}\n{"event":"http.request","traceId":"ab"}\n');
    expect(logs()).toEqual([
      { event: "service.started" },
      { event: "http.request", traceId: "ab" },
    ]);
    appendFileSync(path, '{"event":"service.stopped"}\n');
    expect(logs().map((line) => line.event)).toEqual([
      "service.started",
      "http.request",
      "service.stopped",
    ]);
  });

  test("keeps a line that is not finished, even mid-character, until its newline comes", () => {
    const path = scratchFile();
    closeSync(openLogFile(path));
    const logs = logLineReader(path);
    const line = Buffer.from('{"event":"todo.delivered","title":"café ☕"}\n');
    const cut = line.indexOf(Buffer.from("☕")) + 1;
    appendFileSync(path, line.subarray(0, cut));
    expect(logs()).toEqual([]);
    appendFileSync(path, line.subarray(cut));
    expect(logs()).toEqual([{ event: "todo.delivered", title: "café ☕" }]);
  });

  test("keeps a line that is not JSON as raw text", () => {
    const path = scratchFile();
    closeSync(openLogFile(path));
    appendFileSync(path, "Debugger listening on ws://127.0.0.1:9229/x\n");
    expect(logLineReader(path)()).toEqual([
      { event: "raw", text: "Debugger listening on ws://127.0.0.1:9229/x" },
    ]);
  });
});

describe("openLogFile", () => {
  test("creates the folder and empties what an earlier run left", () => {
    const path = scratchFile();
    closeSync(openLogFile(path));
    appendFileSync(path, "an earlier run\n");
    closeSync(openLogFile(path));
    expect(readFileSync(path, "utf8")).toBe("");
  });
});
