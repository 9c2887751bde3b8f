import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { PROMETHEUS } from "./datasources.ts";

/** One PromQL expression of a dashboard, named by where it is. */
export interface DashboardQuery {
  dashboard: string;
  /** The panel's title, or "annotation: <name>". */
  panel: string;
  expr: string;
}

/** What Grafana would put in place of its own variables. */
export interface QuerySubstitutions {
  /** What `$__rate_interval` stands for. @default "1m" */
  rateInterval?: string;
}

function variableDefaults(dashboard: Dashboard): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const variable of dashboard.templating?.list ?? []) {
    const current = variable.current?.value;
    const value = typeof current === "string" ? current : variable.query;
    if (typeof value === "string") defaults.set(variable.name, value);
  }
  return defaults;
}

/** `expr` as Prometheus would get it from Grafana with the variables at their defaults. */
function substitute(expr: string, values: Map<string, string>): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g,
    (whole, braced?: string, bracketed?: string, bare?: string) =>
      values.get(braced ?? bracketed ?? bare ?? "") ?? whole,
  );
}

function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === "row";
}

function exprOf(target: object): string | undefined {
  return "expr" in target && typeof target.expr === "string" ? target.expr : undefined;
}

/**
 * Every PromQL expression of a dashboard: each panel's targets (those of rows' panels too) and
 * each Prometheus annotation, with `$__rate_interval` and the dashboard's variables replaced by
 * what Grafana would send for them.
 */
export function dashboardQueries(
  dashboard: Dashboard,
  substitutions: QuerySubstitutions = {},
): DashboardQuery[] {
  const values = variableDefaults(dashboard);
  values.set("__rate_interval", substitutions.rateInterval ?? "1m");
  const title = dashboard.title ?? dashboard.uid ?? "untitled";
  const queries: DashboardQuery[] = [];
  const panels = (dashboard.panels ?? []).flatMap((panel) =>
    isRow(panel) ? (panel.panels ?? []) : [panel],
  );
  for (const panel of panels) {
    for (const target of panel.targets ?? []) {
      const expr = exprOf(target);
      if (expr)
        queries.push({
          dashboard: title,
          panel: panel.title ?? "",
          expr: substitute(expr, values),
        });
    }
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    const expr = exprOf(annotation);
    if (expr && annotation.datasource?.uid === PROMETHEUS.uid) {
      queries.push({
        dashboard: title,
        panel: `annotation: ${annotation.name}`,
        expr: substitute(expr, values),
      });
    }
  }
  return queries;
}
