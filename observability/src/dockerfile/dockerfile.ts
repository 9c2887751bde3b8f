import { readFileSync } from "node:fs";
import { REPO_ROOT } from "../config-files.ts";

/** One instruction: its keyword (upper case), `--flag=value` options, and the rest. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** What follows the keyword and its flags, continuation lines joined. */
  args: string;
}

/** A build stage: `FROM <from> AS <name>` and its instructions. */
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** The ARGs before the first FROM, which FROM lines may use. */
  globalArgs: Instruction[];
  stages: Stage[];
}

/** The repository's Dockerfile. */
export const DOCKERFILE = `${REPO_ROOT}Dockerfile`;

// Logical lines: comments dropped (inside a continuation too, as Docker does), a trailing
// backslash joining a line to the next.
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw) || (raw.trim() === "" && current === "")) continue;
    const continued = /\\\s*$/.test(raw);
    current += `${raw.replace(/\\\s*$/, "")}${continued ? " " : ""}`;
    if (!continued) {
      lines.push(current.trim());
      current = "";
    }
  }
  if (current.trim() !== "") lines.push(current.trim());
  return lines;
}

function parseInstruction(line: string): Instruction {
  const [, keyword = "", rest = ""] = /^(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  const flags: Record<string, string> = {};
  let args = rest;
  for (
    let flag = /^--([\w-]+)=(\S*)\s+/.exec(args);
    flag;
    flag = /^--([\w-]+)=(\S*)\s+/.exec(args)
  ) {
    flags[flag[1] ?? ""] = flag[2] ?? "";
    args = args.slice(flag[0].length);
  }
  return { keyword: keyword.toUpperCase(), flags, args: args.trim() };
}

/** Parses a Dockerfile into its global ARGs and its stages, in order. */
export function parseDockerfile(text: string): Dockerfile {
  const dockerfile: Dockerfile = { globalArgs: [], stages: [] };
  for (const instruction of logicalLines(text).map(parseInstruction)) {
    if (instruction.keyword === "FROM") {
      const [from = "", as, name] = instruction.args.split(/\s+/);
      if (as?.toUpperCase() !== "AS" || !name) throw new Error(`unnamed stage: FROM ${from}`);
      dockerfile.stages.push({ name, from, instructions: [] });
      continue;
    }
    const stage = dockerfile.stages.at(-1);
    if (stage) stage.instructions.push(instruction);
    else if (instruction.keyword === "ARG") dockerfile.globalArgs.push(instruction);
    else throw new Error(`${instruction.keyword} before the first FROM`);
  }
  return dockerfile;
}

/** The repository's Dockerfile, parsed. */
export function readDockerfile(): Dockerfile {
  return parseDockerfile(readFileSync(DOCKERFILE, "utf8"));
}

/** The stage called `name`. */
export function stageNamed(dockerfile: Dockerfile, name: string): Stage {
  const stage = dockerfile.stages.find((each) => each.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
  return stage;
}

/** `$NAME` and `${NAME}` replaced by their values, as Docker does in all but RUN and CMD. */
export function expandVariables(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced?: string, bare?: string) => {
    return values[braced ?? bare ?? ""] ?? "";
  });
}

/** `NAME=value` pairs of an ENV or a `NAME[=default]` ARG, values unquoted. */
export function assignments(args: string): [string, string | undefined][] {
  return [...args.matchAll(/(\w+)(?:=("[^"]*"|\S*))?/g)].map((match) => [
    match[1] ?? "",
    match[2]?.replace(/^"|"$/g, ""),
  ]);
}

/** The JSON array of an exec-form CMD or ENTRYPOINT. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((each) => typeof each === "string")) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed;
}
