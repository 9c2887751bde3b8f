import type { LogLine, ServiceProcess } from "@tracemesh/mesh";

/** What the alert's notification carries, as the notifier's delivery line shows it. */
export interface DeliveredAlert {
  /** When the notifier delivered it (its log line's timestamp, epoch ms). */
  at: number;
  status: "firing" | "resolved";
  summary: string;
  runbookUrl: string | null;
  exampleTrace: { traceId: string; url: string } | null;
}

/** What was seen of one alert, from the burst's start; times in epoch ms. */
export interface AlertTimeline {
  name: string;
  service: string;
  burstStartedAt: number;
  pendingAt?: number;
  firingAt?: number;
  firing?: DeliveredAlert;
  /** When Prometheus no longer had it active. */
  inactiveAt?: number;
  resolved?: DeliveredAlert;
  /** Other alerts Prometheus fired meanwhile, as `Name{service="…"}`. */
  othersFiring: string[];
  /** Those of them firing at the last look. */
  othersStillFiring: string[];
}

export interface AlertWatch {
  timeline: AlertTimeline;
  /** Resolves once `done(timeline)` holds, or after `timeoutMs` (then it may not hold). */
  until(done: (timeline: AlertTimeline) => boolean, timeoutMs: number): Promise<AlertTimeline>;
  stop(): void;
}

export interface WatchAlertOptions {
  prometheusUrl: string;
  notifier: ServiceProcess;
  alert: { name: string; service: string };
  burstStartedAt: number;
  /** @default 500 */
  pollMs?: number;
}

interface PrometheusAlert {
  labels: Record<string, string>;
  state: "pending" | "firing";
}

async function activeAlerts(prometheusUrl: string): Promise<PrometheusAlert[] | undefined> {
  try {
    const response = await fetch(`${prometheusUrl}/api/v1/alerts`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json()) as { data?: { alerts?: PrometheusAlert[] } };
    return body.data?.alerts ?? [];
  } catch {
    return undefined;
  }
}

function deliveredAlert(line: LogLine, name: string, service: string): DeliveredAlert | undefined {
  if (line.event !== "notification.delivered" || line.kind !== "alert") return undefined;
  const notification = line.notification as Record<string, unknown> | undefined;
  const labels = (notification?.labels ?? {}) as Record<string, string>;
  if (labels.alertname !== name || labels.service !== service) return undefined;
  return {
    at: Date.parse(String(line.timestamp)),
    status: notification?.status === "resolved" ? "resolved" : "firing",
    summary: String(notification?.summary ?? ""),
    runbookUrl: (notification?.runbookUrl as string | null | undefined) ?? null,
    exampleTrace: (notification?.exampleTrace as DeliveredAlert["exampleTrace"]) ?? null,
  };
}

/**
 * Follows one alert from the burst: pending and firing in Prometheus, the firing notification
 * the notifier delivered, then inactive and the resolved notification. Polls in the background
 * until stopped.
 */
export function watchAlert(options: WatchAlertOptions): AlertWatch {
  const { prometheusUrl, notifier, alert, burstStartedAt, pollMs = 500 } = options;
  const timeline: AlertTimeline = {
    ...alert,
    burstStartedAt,
    othersFiring: [],
    othersStillFiring: [],
  };
  const others = new Set<string>();

  async function poll(): Promise<void> {
    const now = Date.now();
    const alerts = await activeAlerts(prometheusUrl);
    if (alerts) {
      const ours = alerts.find(
        (each) => each.labels.alertname === alert.name && each.labels.service === alert.service,
      );
      if (ours) timeline.pendingAt ??= now;
      if (ours?.state === "firing") timeline.firingAt ??= now;
      if (!ours && timeline.firingAt !== undefined) timeline.inactiveAt ??= now;
      const firing = alerts
        .filter((each) => each !== ours && each.state === "firing")
        .map((each) => `${each.labels.alertname}{service="${each.labels.service ?? ""}"}`);
      for (const each of firing) others.add(each);
      timeline.othersFiring = [...others];
      timeline.othersStillFiring = firing;
    }
    for (const line of notifier.logs()) {
      const delivered = deliveredAlert(line, alert.name, alert.service);
      if (!delivered || delivered.at < burstStartedAt) continue;
      if (delivered.status === "firing") timeline.firing ??= delivered;
      else if (timeline.firing) timeline.resolved ??= delivered;
    }
  }

  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();

  return {
    timeline,
    async until(done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!done(timeline) && Date.now() < deadline && !stopped) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      return timeline;
    },
    stop() {
      stopped = true;
      void loop;
    },
  };
}
