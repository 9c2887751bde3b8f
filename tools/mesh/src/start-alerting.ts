import { join } from "node:path";
import {
  type AlertmanagerServer,
  findAlertmanager,
  startAlertmanager,
} from "./alertmanager-server.ts";
import { portOrFree } from "./local-port.ts";
import {
  findPrometheus,
  type PrometheusServer,
  type ScrapeTarget,
  startPrometheus,
} from "./prometheus-server.ts";
import type { MeshOptions } from "./start-mesh.ts";

const INSTALL_HINT =
  "install them (Debian: apt-get install prometheus prometheus-alertmanager) to see alerts fire";

/** A mesh's Prometheus and Alertmanager, or why they are not there. */
export interface Alerting {
  prometheus: PrometheusServer | undefined;
  alertmanager: AlertmanagerServer | undefined;
  note: string | undefined;
  targets: ScrapeTarget[];
}

/**
 * Alertmanager, sending to the notifier at `notifierUrl`, then Prometheus scraping the services
 * and both, on the repository's configs: when `options.alerting` asks for them, they are
 * installed and the notifier runs; otherwise the note says why not (an error when required).
 */
export async function startAlerting(
  options: MeshOptions,
  notifierUrl: string,
  notifierRunning: boolean,
): Promise<Alerting> {
  const { alerting = "when-installed", ports, dataDir, searchPath } = options;
  const none = (note: string): Alerting => {
    if (alerting === "required") throw new Error(`Prometheus and Alertmanager: ${note}`);
    return { prometheus: undefined, alertmanager: undefined, note, targets: [] };
  };
  if (alerting === "off") return none("not started (off)");
  if (!notifierRunning) return none("not started: alerts go to the notifier, which needs NATS");
  const prometheusBinary = findPrometheus(searchPath);
  const alertmanagerBinary = findAlertmanager(searchPath);
  if (!prometheusBinary || !alertmanagerBinary) {
    const missing = [
      prometheusBinary ? "" : "prometheus",
      alertmanagerBinary ? "" : "alertmanager",
    ];
    return none(`${missing.filter(Boolean).join(" and ")} not installed: ${INSTALL_HINT}`);
  }
  const alertmanagerPort = await portOrFree(ports.alertmanager);
  const alertmanager = await startAlertmanager({
    binary: alertmanagerBinary,
    dataDir: join(dataDir, "alertmanager"),
    port: alertmanagerPort,
    notifierUrl,
    alertsToken: options.secrets.alertsToken,
  });
  const prometheusPort = await portOrFree(ports.prometheus);
  const targets: ScrapeTarget[] = [
    { role: "service", service: "auth", address: `127.0.0.1:${ports.authMetrics}` },
    { role: "service", service: "todo-api", address: `127.0.0.1:${ports.todoApiMetrics}` },
    { role: "service", service: "notifier", address: `127.0.0.1:${ports.notifierMetrics}` },
    { role: "alertmanager", service: "alertmanager", address: `127.0.0.1:${alertmanagerPort}` },
    { role: "prometheus", service: "prometheus", address: `127.0.0.1:${prometheusPort}` },
  ];
  try {
    const prometheus = await startPrometheus({
      binary: prometheusBinary,
      dataDir: join(dataDir, "prometheus"),
      port: prometheusPort,
      targets,
      withoutRules: options.withoutRules,
    });
    return { prometheus, alertmanager, note: undefined, targets };
  } catch (error) {
    await alertmanager.stop();
    throw error;
  }
}
