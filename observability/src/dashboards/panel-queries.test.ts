import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { describe, expect, test } from "vitest";
import { firingAlertsAnnotation } from "./alerts-annotation.ts";
import { grafanaVariable } from "./jaeger-link.ts";
import { dashboardQueries } from "./panel-queries.ts";
import { prometheusTarget } from "./prometheus-target.ts";
import { tracemeshDashboard } from "./tracemesh-dashboard.ts";

describe("dashboardQueries", () => {
  const dashboard = tracemeshDashboard({
    uid: "test",
    title: "Test",
    description: "",
    annotations: [firingAlertsAnnotation()],
    panels: [
      new TimeseriesBuilder()
        .title("Rates")
        .withTarget(prometheusTarget({ expr: "rate(a_total[$__rate_interval])", legend: "" }, 0))
        .withTarget(
          prometheusTarget(
            { expr: `b{url="${grafanaVariable("jaeger_url")}", x="$nope"}`, legend: "" },
            1,
          ),
        ),
    ],
  });

  test("lists each target of each panel and each Prometheus annotation, by title", () => {
    expect(dashboardQueries(dashboard)).toEqual([
      { dashboard: "Test", panel: "Rates", expr: "rate(a_total[1m])" },
      { dashboard: "Test", panel: "Rates", expr: 'b{url="http://localhost:16686", x="$nope"}' },
      {
        dashboard: "Test",
        panel: "annotation: Firing alerts",
        expr: 'ALERTS{alertstate="firing"}',
      },
    ]);
  });

  test("replaces $__rate_interval as asked, and leaves unknown variables for the query to fail on", () => {
    const [rates] = dashboardQueries(dashboard, { rateInterval: "30s" });
    expect(rates?.expr).toBe("rate(a_total[30s])");
  });
});
