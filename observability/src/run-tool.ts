import { execFile } from "node:child_process";
import { findProgram } from "@tracemesh/mesh";
import { TEST_PATH } from "@tracemesh/testing";

export interface ToolRun {
  code: number;
  output: string;
}

/**
 * Runs one of the machine's Prometheus tools (promtool, amtool) and resolves with its exit code
 * and everything it printed. A tool that is not installed fails the test: CI installs them.
 */
export function runTool(names: string[], args: string[], cwd?: string): Promise<ToolRun> {
  const binary = findProgram(names, TEST_PATH);
  if (!binary) {
    throw new Error(
      `${names[0]} is not installed (Debian: apt-get install prometheus prometheus-alertmanager)`,
    );
  }
  return runProgram(binary, args, { cwd });
}

/** Runs `binary` (60 s at most) and resolves with its exit code and everything it printed. */
export function runProgram(
  binary: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(binary, args, { ...options, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
