import type { Builder } from "@grafana/grafana-foundation-sdk/cog";
import {
  type AnnotationQuery,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  type Panel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { jaegerUrlVariable } from "./jaeger-link.ts";

/** What differs between tracemesh's dashboards. */
export interface TracemeshDashboardOptions {
  /** Stable: links and bookmarks to the dashboard outlive its title. */
  uid: string;
  title: string;
  description: string;
  panels: Builder<Panel>[];
  annotations?: Builder<AnnotationQuery>[];
}

/**
 * A dashboard with what all of tracemesh's share: the "tracemesh" tag, the last 30 minutes
 * refreshed every 10 s (the scrapes are 5 s apart), a shared crosshair, the `jaeger_url`
 * variable the trace links use, and panel ids in order.
 */
export function tracemeshDashboard(options: TracemeshDashboardOptions): Dashboard {
  const builder = new DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags(["tracemesh"])
    .time({ from: "now-30m", to: "now" })
    .refresh("10s")
    .timezone("browser")
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(jaegerUrlVariable());
  for (const annotation of options.annotations ?? []) builder.annotation(annotation);
  for (const panel of options.panels) builder.withPanel(panel);
  const dashboard = builder.build();
  // Grafana reads `annotations.list` and adds its built-in one there: never leave it out.
  dashboard.annotations = { list: dashboard.annotations?.list ?? [] };
  // Ids make a panel addressable (viewPanel=…); in order, they stay put while panels are added.
  dashboard.panels?.forEach((panel, index) => {
    panel.id = index + 1;
  });
  return dashboard;
}
