import { fileURLToPath } from "node:url";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { dependenciesDashboard } from "./dependencies-dashboard.ts";
import { incidentDashboard } from "./incident-dashboard.ts";
import { queueDashboard } from "./queue-dashboard.ts";
import { servicesDashboard } from "./services-dashboard.ts";

/** A dashboard and the file Grafana provisions it from. */
export interface DashboardFile {
  /** grafana/dashboards/<name>.json */
  name: string;
  build: () => Dashboard;
}

/** Every dashboard Grafana provisions, in the order its folder lists them. */
export const DASHBOARDS: readonly DashboardFile[] = [
  { name: "services", build: servicesDashboard },
  { name: "incident", build: incidentDashboard },
  { name: "dependencies", build: dependenciesDashboard },
  { name: "queue", build: queueDashboard },
];

/** observability/grafana/dashboards/: mounted where the dashboard provider reads. */
export const DASHBOARDS_DIR = fileURLToPath(new URL("../../grafana/dashboards/", import.meta.url));

/** What regenerates the committed JSON. */
export const DASHBOARDS_COMMAND = "pnpm dashboards";

/** The dashboard as Grafana reads it: JSON, formatted by Biome once written. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
