import { DEFAULT_PORTS as ports } from "@tracemesh/mesh";

/**
 * The ports each part of tracemesh listens on, by docker compose service name
 * (docs/architecture.md#ports). Every way of running uses them: the services' defaults,
 * `pnpm demo` (its DEFAULT_PORTS, which these are built from) and docker compose.
 */
export const STANDARD_PORTS: Record<string, number[]> = {
  "todo-api": [ports.todoApi, ports.todoApiMetrics],
  auth: [ports.auth, ports.authMetrics],
  notifier: [ports.notifier, ports.notifierMetrics],
  nats: [4222],
  postgres: [5432],
  // OTLP/HTTP, then the UI and query API.
  jaeger: [ports.otlp, 16686],
  prometheus: [ports.prometheus],
  alertmanager: [ports.alertmanager],
  grafana: [3000],
};

/**
 * Ports that compose's own wiring uses on the compose network only: Jaeger's health check and
 * spanmetrics (observability/jaeger/config.yaml), NATS's monitoring (its command in compose).
 */
export const INTERNAL_PORTS: Record<string, number[]> = {
  jaeger: [13133, 8889],
  nats: [8222],
};

/** Every port a compose service listens on. */
export function listeningPorts(service: string): number[] {
  return [...(STANDARD_PORTS[service] ?? []), ...(INTERNAL_PORTS[service] ?? [])];
}
