import { describe, expect, test } from "vitest";
import { findDependencyCycle } from "./dependency-cycle.ts";
import { readWorkspacePackages, workspaceImportsOf } from "./workspace-packages.ts";

// docs/architecture.md#layout-where-each-behaviour-lives: a package has one reason to change,
// says what it needs, and no two packages need each other at run time.

const packages = readWorkspacePackages();
const names = new Set(packages.map((pkg) => pkg.name));

describe("the workspace's packages", () => {
  test("are found: every folder pnpm-workspace.yaml names", () => {
    expect([...names]).toEqual(
      expect.arrayContaining(["@tracemesh/http", "@tracemesh/errors", "@tracemesh/todo-api"]),
    );
  });

  test.each(packages.map((pkg) => [pkg.name, pkg] as const))(
    "%s declares every workspace package its src/ imports",
    (name, pkg) => {
      const declared = new Set([name, ...pkg.dependencies, ...pkg.devDependencies]);
      const undeclared = workspaceImportsOf(pkg)
        .filter(({ imported }) => !declared.has(imported))
        .map(({ imported, file }) => `${file} imports ${imported}`);
      expect(undeclared).toEqual([]);
    },
  );

  test("depend on one another at run time without a cycle", () => {
    const runtime = new Map(
      packages.map((pkg) => [pkg.name, pkg.dependencies.filter((dep) => names.has(dep))]),
    );
    expect(findDependencyCycle(runtime)?.join(" → ")).toBeUndefined();
  });

  // pnpm warns of a cycle through devDependencies at every install, and the production image's
  // build allows no warning (observability/src/dockerfile/production-image.process.test.ts).
  test("nor through their devDependencies", () => {
    const all = new Map(
      packages.map((pkg) => [
        pkg.name,
        [...pkg.dependencies, ...pkg.devDependencies].filter((dep) => names.has(dep)),
      ]),
    );
    expect(findDependencyCycle(all)?.join(" → ")).toBeUndefined();
  });
});
