import { readdirSync, readFileSync } from "node:fs";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { DASHBOARDS_DIR } from "./all-dashboards.ts";

/** A dashboard as committed in grafana/dashboards/: what Grafana provisions. */
export interface CommittedDashboard {
  /** e.g. "services.json" */
  file: string;
  dashboard: Dashboard;
}

/** Every JSON file of grafana/dashboards/, parsed, sorted by file name. */
export function readCommittedDashboards(): CommittedDashboard[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(`${DASHBOARDS_DIR}${file}`, "utf8")) as Dashboard,
    }));
}
