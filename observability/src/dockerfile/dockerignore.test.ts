import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../config-files.ts";
import { isExcluded, parseDockerignore, readDockerignore } from "./dockerignore.ts";

describe("parseDockerignore and isExcluded, with Docker's rules", () => {
  const rules = parseDockerignore(
    [
      "# a comment",
      "*",
      "!services/",
      "**/node_modules",
      "!services/keep/node_modules",
      "/docs/",
    ].join("\n"),
  );

  test.each([
    ["README.md", true],
    [".git/config", true],
    ["services/auth/src/main.ts", false],
    ["services/auth/node_modules/hono/index.js", true],
    ["services/keep/node_modules/x.js", false],
    ["docs/errors.md", true],
  ])("%s excluded: %s", (path, excluded) => {
    expect(isExcluded(rules, path)).toBe(excluded);
  });

  test("the last matching pattern wins", () => {
    expect(isExcluded(parseDockerignore("!a\na"), "a/b")).toBe(true);
    expect(isExcluded(parseDockerignore("a\n!a"), "a/b")).toBe(false);
  });

  test("`*` stays within one segment; `**` spans any number, none included", () => {
    const star = parseDockerignore("src/*.ts");
    expect(isExcluded(star, "src/a.ts")).toBe(true);
    expect(isExcluded(star, "src/deep/a.ts")).toBe(false);
    const globstar = parseDockerignore("**/*.test.ts");
    expect(isExcluded(globstar, "a.test.ts")).toBe(true);
    expect(isExcluded(globstar, "a/b/c.test.ts")).toBe(true);
  });
});

describe("the repository's .dockerignore", () => {
  const rules = readDockerignore(`${REPO_ROOT}.dockerignore`);

  test.each([
    "demo-secrets/chaos-token",
    "node_modules/.pnpm/x",
    "services/auth/node_modules/hono/package.json",
    "packages/config/src/parse-env.test.ts",
    ".data/demo/logs/auth.log",
    "services/todo-api/.data/todo-api/PG_VERSION",
    "load/incident.js",
    ".git/HEAD",
  ])("leaves out %s", (path) => {
    expect(isExcluded(rules, path)).toBe(true);
  });

  test.each([
    "package.json",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "services/auth/src/main.ts",
    "services/todo-api/src/storage/migrations/0001_create_todos.sql",
    "packages/telemetry/src/preload.ts",
    "packages/telemetry/src/preload-entry.mjs",
  ])("sends %s", (path) => {
    expect(isExcluded(rules, path)).toBe(false);
  });
});
