import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboardQueries } from "./dashboards/panel-queries.ts";
import { matchingSeriesCount, rangeSeriesCount, type TimeWindow } from "./prometheus-range.ts";
import { vectorSelectors } from "./promql-selectors.ts";
import type { RuleExpression } from "./rule-expressions.ts";

/** One expression to run, named by where it is, and how to tell it had what it needs. */
export interface CoverageCheck {
  /** "<dashboard> / <panel>" or "<rule file> / <rule>". */
  where: string;
  expr: string;
  /**
   * "data": the expression returns series. "selectors": every vector selector in it matches
   * series, for an alert, whose expression is empty whenever its condition does not hold.
   */
  expect: "data" | "selectors";
}

/** The checks for the panels and annotations of `dashboards` and for the rules. */
export function coverageChecks(
  dashboards: Dashboard[],
  rules: RuleExpression[],
  rateInterval = "1m",
): CoverageCheck[] {
  return [
    ...dashboards.flatMap((dashboard) =>
      dashboardQueries(dashboard, { rateInterval }).map((query) => ({
        where: `${query.dashboard} / ${query.panel}`,
        expr: query.expr,
        expect: "data" as const,
      })),
    ),
    ...rules.map((rule) => ({
      where: `${rule.file} / ${rule.name}`,
      expr: rule.expr,
      expect: rule.kind === "alert" ? ("selectors" as const) : ("data" as const),
    })),
  ];
}

async function failureOf(
  prometheusUrl: string,
  check: CoverageCheck,
  window: TimeWindow,
): Promise<string | undefined> {
  const name = `${check.where}: ${check.expr.replace(/\s+/g, " ")}`;
  try {
    // An alert's expression must still run: a typo is a failure, not an empty result.
    const series = await rangeSeriesCount(prometheusUrl, check.expr, window);
    if (check.expect === "data") return series > 0 ? undefined : `${name} returned no data`;
    const missing: string[] = [];
    for (const selector of vectorSelectors(check.expr)) {
      if ((await matchingSeriesCount(prometheusUrl, selector.text, window)) === 0) {
        missing.push(selector.text.replace(/\s+/g, " "));
      }
    }
    return missing.length === 0 ? undefined : `${name} watches no series for ${missing.join(", ")}`;
  } catch (error) {
    return `${name} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Each check that fails over `window`, as a line naming where it is and why: all, not the first. */
export async function coverageFailures(
  prometheusUrl: string,
  checks: CoverageCheck[],
  window: TimeWindow,
): Promise<string[]> {
  const failures = await Promise.all(
    checks.map((check) => failureOf(prometheusUrl, check, window)),
  );
  return failures.filter((failure) => failure !== undefined);
}
