import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { serviceReads } from "../compose/service-variables.ts";
import { REPO_ROOT } from "../config-files.ts";
import {
  assignments,
  execForm,
  expandVariables,
  type Instruction,
  parseDockerfile,
  readDockerfile,
  stageNamed,
} from "./dockerfile.ts";

const SERVICES = ["todo-api", "auth", "notifier"];
const FROM_NODE_IMAGE = /^\$\{NODE_IMAGE\}$/;
const dockerfile = readDockerfile();
const production = dockerfile.stages.at(-1);
const instructions = (keyword: string, list: Instruction[] = production?.instructions ?? []) =>
  list.filter((each) => each.keyword === keyword);
const runs = (stage: string) => instructions("RUN", stageNamed(dockerfile, stage).instructions);

const rootManifest = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, "utf8")) as {
  packageManager: string;
  devDependencies: Record<string, string>;
};

/**
 * What a service's `start` script runs: `node` and its arguments. The script sets the service's
 * variables with `exec env` and names the real node binary (`"$(node -p process.execPath)"`) so
 * that signals reach it; the image sets those variables with ENV and has one node on its PATH.
 */
function startCommand(service: string): string[] {
  const manifest = JSON.parse(
    readFileSync(`${REPO_ROOT}services/${service}/package.json`, "utf8"),
  ) as { scripts: { start: string } };
  const script = manifest.scripts.start;
  const nodeBinary = '"$(node -p process.execPath)"';
  expect(script).toMatch(/^exec env (\w+=\S+\s+)+"\$\(node -p process\.execPath\)" /);
  return [
    "node",
    ...script
      .slice(script.indexOf(nodeBinary) + nodeBinary.length)
      .trim()
      .split(/\s+/),
  ];
}

describe("the Dockerfile", () => {
  test("every stage starts from the Node of the root's `node` devDependency, on Debian slim", () => {
    const [[name, image] = []] = assignments(dockerfile.globalArgs[0]?.args ?? "");
    expect(name).toBe("NODE_IMAGE");
    expect(image).toBe(`node:${rootManifest.devDependencies.node}-bookworm-slim`);
    const earlier: string[] = [];
    for (const stage of dockerfile.stages) {
      const fromNode = FROM_NODE_IMAGE.test(stage.from);
      expect(fromNode || earlier.includes(stage.from), `${stage.name}: ${stage.from}`).toBe(true);
      earlier.push(stage.name);
    }
  });

  test("gets pnpm through corepack, as packageManager pins it (with its hash)", () => {
    expect(rootManifest.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+\+sha512\.[0-9a-f]+$/);
    expect(runs("pnpm").map((each) => each.args)).toEqual(["corepack enable && corepack install"]);
  });

  test("installs production dependencies only, from the lockfile, in a workspace of the service's", () => {
    expect(runs("store").map((each) => each.args)).toEqual(["pnpm fetch --prod"]);
    const install = runs("workspace").find((each) => each.args.startsWith("pnpm install"));
    expect(install?.args).toBe(
      'pnpm install --prod --frozen-lockfile --offline --filter "@tracemesh/$SERVICE..."',
    );
  });

  test("the production stage starts afresh and takes only the built workspace", () => {
    expect(production?.from).toMatch(FROM_NODE_IMAGE);
    const copies = instructions("COPY");
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.flags.from).toBe("workspace");
    expect(instructions("RUN")).toEqual([]);
  });

  test("runs as the image's non-root user", () => {
    expect(instructions("USER").map((each) => each.args)).toEqual(["node"]);
  });

  test("asks /health/ready on the service's PORT for its HEALTHCHECK", () => {
    const [healthcheck] = instructions("HEALTHCHECK");
    expect(healthcheck?.args).toMatch(
      /^CMD node -e ".*'http:\/\/127\.0\.0\.1:' \+ process\.env\.PORT \+ '\/health\/ready'/,
    );
    expect(healthcheck?.flags).toMatchObject({ interval: "10s", "start-period": "30s" });
  });

  test.each(SERVICES)(
    "starts %s as its start script does, telemetry preload included",
    (service) => {
      const [cmd] = instructions("CMD");
      expect(execForm(cmd?.args ?? "[]")).toEqual(startCommand(service));
      expect(startCommand(service)).toContain("@tracemesh/telemetry/preload");
    },
  );

  test.each(SERVICES)("sets only variables %s or its preload reads", (service) => {
    const names = instructions("ENV").flatMap((each) =>
      assignments(each.args).map(([name]) => name),
    );
    expect(names).toEqual(["PORT", "METRICS_PORT", "OTEL_SERVICE_NAME"]);
    for (const name of names) expect(serviceReads(service, name), name).toBe(true);
  });
});

describe("parseDockerfile", () => {
  const parsed = parseDockerfile(
    [
      "# syntax=docker/dockerfile:1",
      "ARG BASE=node:24",
      "FROM $BASE AS one",
      "RUN a \\",
      "  # a comment inside the command",
      "  && b",
      "FROM one AS two",
      "COPY --from=one --chown=node:node /x /y",
      'ENV A=1 B="two words"',
    ].join("\n"),
  );

  test("global ARGs, named stages, continuations joined and their comments dropped", () => {
    expect(parsed.globalArgs.map((each) => each.args)).toEqual(["BASE=node:24"]);
    expect(parsed.stages.map((each) => [each.name, each.from])).toEqual([
      ["one", "$BASE"],
      ["two", "one"],
    ]);
    expect(stageNamed(parsed, "one").instructions[0]?.args).toMatch(/^a\s+&& b$/);
  });

  test("flags, assignments and variables", () => {
    const [copy, env] = stageNamed(parsed, "two").instructions;
    expect(copy?.flags).toEqual({ from: "one", chown: "node:node" });
    expect(copy?.args).toBe("/x /y");
    expect(assignments(env?.args ?? "")).toEqual([
      ["A", "1"],
      ["B", "two words"],
    ]);
    expect(expandVariables("/app/$S/src", { S: "auth" })).toBe("/app/auth/src");
  });
});
