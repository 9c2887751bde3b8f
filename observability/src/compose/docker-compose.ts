import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { findProgram } from "@tracemesh/mesh";
import { TEST_PATH } from "@tracemesh/testing";
import { REPO_ROOT } from "../config-files.ts";
import { runProgram, type ToolRun } from "../run-tool.ts";

/** The machine's docker-compose program. A test fails when it is missing: CI installs it. */
export function findDockerCompose(): string {
  const binary = findProgram(["docker-compose"], TEST_PATH);
  if (!binary) {
    throw new Error("docker-compose is not installed (Debian: apt-get install docker-compose)");
  }
  return binary;
}

// HOME: docker-compose reads its client config from there, when there is one.
const run = (command: string, args: string[]) =>
  runProgram(command, args, { cwd: REPO_ROOT, env: { PATH: TEST_PATH, HOME: homedir() } });

/** Runs docker-compose on the repository's docker-compose.yml. */
export function runDockerCompose(args: string[]): Promise<ToolRun> {
  return run(findDockerCompose(), ["--file", "docker-compose.yml", ...args]);
}

/**
 * The Compose specification's JSON schema that the installed docker-compose validates with: it
 * ships inside its Python package, found through the interpreter that runs the program.
 */
export async function composeSpecSchemaPath(): Promise<string> {
  const binary = findDockerCompose();
  const shebang = /^#!(.+)$/m.exec(readFileSync(binary, "utf8").split("\n", 1)[0] ?? "");
  if (!shebang?.[1]) {
    throw new Error(
      `${binary} is not the Python docker-compose (1.x), whose package ships the schema`,
    );
  }
  const [interpreter = "", ...interpreterArgs] = shebang[1].trim().split(/\s+/);
  const found = await run(interpreter, [
    ...interpreterArgs,
    "-c",
    "import compose, os; print(os.path.dirname(compose.__file__))",
  ]);
  if (found.code !== 0) throw new Error(`cannot find docker-compose's package:\n${found.output}`);
  return `${found.output.trim()}/config/compose_spec.json`;
}
