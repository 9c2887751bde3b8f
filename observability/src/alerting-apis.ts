import type { LogLine, Mesh } from "@tracemesh/mesh";

/** An alert as Prometheus's `/api/v1/alerts` lists it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  state: "pending" | "firing";
}

/** An alert as Alertmanager's `/api/v2/alerts` lists it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  status: { state: "active" | "suppressed" | "unprocessed"; inhibitedBy: string[] };
}

/** An alert notification as the notifier delivered it (its log sink's line). */
export interface DeliveredAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  exampleTrace: { traceId: string; url: string } | null;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Prometheus's pending and firing alerts. */
export async function prometheusAlerts(mesh: Mesh): Promise<PrometheusAlert[]> {
  const url = `${mesh.prometheus?.url}/api/v1/alerts`;
  return (await getJson<{ data: { alerts: PrometheusAlert[] } }>(url)).data.alerts;
}

/** The result of an instant PromQL query, one sample per series. */
export async function promQuery(
  mesh: Mesh,
  query: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const url = `${mesh.prometheus?.url}/api/v1/query?query=${encodeURIComponent(query)}`;
  return (await getJson<{ data: { result: [] } }>(url)).data.result;
}

/** The alerts Alertmanager holds, inhibited ones included. */
export function alertmanagerAlerts(mesh: Mesh): Promise<AlertmanagerAlert[]> {
  return getJson(`${mesh.alertmanager?.url}/api/v2/alerts`);
}

/** Every alert notification the notifier has delivered so far. */
export function deliveredAlerts(mesh: Mesh): DeliveredAlert[] {
  const lines: LogLine[] = mesh.services.notifier?.logs() ?? [];
  return lines
    .filter((line) => line.event === "notification.delivered" && line.kind === "alert")
    .map((line) => line.notification as DeliveredAlert);
}

/** Whether `labels` include every label of `wanted`. */
export function hasLabels(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}
