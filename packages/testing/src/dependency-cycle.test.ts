import { describe, expect, test } from "vitest";
import { findDependencyCycle } from "./dependency-cycle.ts";

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("findDependencyCycle", () => {
  test("a graph without cycles has none, shared dependencies and outside names included", () => {
    expect(
      findDependencyCycle(graph({ a: ["b", "c", "valibot"], b: ["c"], c: [], d: ["a", "c"] })),
    ).toBeUndefined();
  });

  test("names the path that closes a cycle", () => {
    expect(findDependencyCycle(graph({ a: ["b"], b: ["c"], c: ["a"] }))).toEqual([
      "a",
      "b",
      "c",
      "a",
    ]);
  });

  test("finds a cycle away from where the walk starts, and a package depending on itself", () => {
    expect(findDependencyCycle(graph({ a: ["b"], b: ["c"], c: ["b"] }))).toEqual(["b", "c", "b"]);
    expect(findDependencyCycle(graph({ a: ["a"] }))).toEqual(["a", "a"]);
  });
});
