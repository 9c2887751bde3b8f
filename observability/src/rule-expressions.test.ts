import { expect, test } from "vitest";
import { vectorSelectors } from "./promql-selectors.ts";
import { readRuleExpressions } from "./rule-expressions.ts";

const rules = await readRuleExpressions();

test("every rule of every file is read, recording and alerting, each with a name", () => {
  const files = new Set(rules.map((rule) => rule.file));
  expect([...files]).toContain("incident.rules.yml");
  expect(rules.filter((rule) => rule.kind === "record").length).toBeGreaterThan(0);
  expect(rules.filter((rule) => rule.kind === "alert").length).toBeGreaterThan(0);
  for (const rule of rules) expect(rule.name, rule.file).toMatch(/^[\w:]+$/);
});

test("every rule watches at least one series, and the selectors are the ones it names", () => {
  for (const rule of rules) expect(vectorSelectors(rule.expr), rule.name).not.toEqual([]);
  const metrics = (name: string) =>
    vectorSelectors(rules.find((rule) => rule.name === name)?.expr ?? "").map((s) => s.metric);
  expect(metrics("HttpErrorRatioHigh")).toContain("service:http_server_error_ratio:rate1m");
  expect(metrics("DependencyUnavailable")).toEqual(["tracemesh_errors_total"]);
});
