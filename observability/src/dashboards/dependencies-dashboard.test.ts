import { expect, test } from "vitest";
import { readRuleExpressions } from "../rule-expressions.ts";
import { dependenciesDashboard } from "./dependencies-dashboard.ts";
import { dashboardQueries } from "./panel-queries.ts";

const normalized = (expr: string) => expr.replace(/\s+/g, " ").trim();

test("the 503s panel, drawn with DependencyUnavailable's line, charts what that alert reads", async () => {
  const rules = await readRuleExpressions();
  const alert = rules.find((rule) => rule.name === "DependencyUnavailable");
  const [watched, line] = normalized(alert?.expr ?? "").split(" > ");
  const panel = dashboardQueries(dependenciesDashboard(), { rateInterval: "20s" }).find((query) =>
    query.panel.startsWith("503s because of a dependency"),
  );

  expect(normalized(panel?.expr ?? "")).toBe(watched);
  expect(JSON.stringify(dependenciesDashboard())).toContain(`"value":${line}`);
});
