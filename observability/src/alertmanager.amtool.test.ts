import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareLocalAlertmanagerConfig } from "@tracemesh/mesh";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { ALERTMANAGER_CONFIG, PROMETHEUS_DIR, readAlertRules } from "./config-files.ts";
import { runTool } from "./run-tool.ts";

const amtool = (args: string[]) => runTool(["amtool"], args);

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds of a Prometheus duration such as "15s", "3m" or "1m30s". */
function seconds(duration: string | undefined): number {
  const parts = [...(duration ?? "").matchAll(/(\d+)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== duration) {
    throw new Error(`not a Prometheus duration: ${duration}`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit ?? ""] ?? 0), 0);
}

async function localConfig(): Promise<string> {
  return prepareLocalAlertmanagerConfig({
    dataDir: await mkdtemp(join(tmpdir(), "tracemesh-amtool-")),
    notifierUrl: "http://127.0.0.1:18082",
    alertsToken: "alerts-token-for-the-check",
  });
}

describe("the Alertmanager config, checked by amtool", () => {
  test.each([
    ["as docker compose runs it", async () => ALERTMANAGER_CONFIG],
    ["as pnpm demo runs it", localConfig],
  ])("is valid %s", async (_, config) => {
    const run = await amtool(["check-config", await config()]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("SUCCESS");
  });

  test.each([
    ["severity=page", "alertname=HttpErrorRatioHigh", "page"],
    ["severity=ticket", "alertname=OutboxRowsParked", "ticket"],
    // An alert some rule forgot to give a severity still reaches someone: the pager.
    ["alertname=Unlabelled", "service=todo-api", "page"],
  ])("routes %s %s to the %s receiver", async (first, second, receiver) => {
    const run = await amtool([
      "config",
      "routes",
      "test",
      `--config.file=${ALERTMANAGER_CONFIG}`,
      `--verify.receivers=${receiver}`,
      first,
      second,
    ]);
    expect(run.code, run.output).toBe(0);
  });

  test("a route test expecting the wrong receiver fails: amtool's verdict is real", async () => {
    const run = await amtool([
      "config",
      "routes",
      "test",
      `--config.file=${ALERTMANAGER_CONFIG}`,
      "--verify.receivers=ticket",
      "severity=page",
    ]);
    expect(run.code).not.toBe(0);
  });

  test("both receivers send to the notifier with bearer credentials from a file, resolved too, 100 alerts at most", async () => {
    const config = parse(await readFile(ALERTMANAGER_CONFIG, "utf8")) as {
      receivers: { name: string; webhook_configs: Record<string, unknown>[] }[];
      route: { group_by: string[] };
    };
    expect(config.route.group_by).toEqual(["alertname", "service"]);
    for (const receiver of config.receivers) {
      expect(receiver.webhook_configs).toEqual([
        {
          url: "http://notifier:8082/v1/alerts",
          send_resolved: true,
          // A group's payload stays within the notifier's 1 MiB body limit.
          max_alerts: 100,
          http_config: {
            authorization: { type: "Bearer", credentials_file: "secrets/alerts-token" },
          },
        },
      ]);
    }
    expect(await readFile(ALERTMANAGER_CONFIG, "utf8")).not.toMatch(/credentials:/);
  });

  test("DependencyUnavailable's first notification waits until auth's TargetDown, which inhibits the one naming auth, can fire", async () => {
    const config = parse(await readFile(ALERTMANAGER_CONFIG, "utf8")) as {
      route: { routes: { matchers: string[]; group_wait?: string }[] };
    };
    const prometheus = parse(await readFile(`${PROMETHEUS_DIR}prometheus.yml`, "utf8")) as {
      global: { scrape_interval: string; scrape_timeout: string; evaluation_interval: string };
    };
    const rules = await readAlertRules();
    const forOf = (name: string) => seconds(rules.find((rule) => rule.alert === name)?.for);
    const route = config.route.routes.find((r) =>
      r.matchers.includes('alertname="DependencyUnavailable"'),
    );

    // auth fails at 0: TargetDown fires at the latest after a scrape interval and a scrape
    // timeout to see it (a hung auth), its `for`, and an evaluation interval;
    // DependencyUnavailable at the earliest after its `for`.
    const targetDownLatest =
      seconds(prometheus.global.scrape_interval) +
      seconds(prometheus.global.scrape_timeout) +
      forOf("TargetDown") +
      seconds(prometheus.global.evaluation_interval);
    const dependencyEarliest = forOf("DependencyUnavailable");
    expect(dependencyEarliest + seconds(route?.group_wait)).toBeGreaterThanOrEqual(
      targetDownLatest,
    );
  });

  test("every alert the inhibition rules name exists in the Prometheus rules", async () => {
    const text = await readFile(ALERTMANAGER_CONFIG, "utf8");
    const config = parse(text) as {
      inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[];
    };
    const alerts = new Set((await readAlertRules()).map((rule) => rule.alert));
    const named = config.inhibit_rules
      .flatMap((rule) => [...rule.source_matchers, ...rule.target_matchers])
      .flatMap((matcher) => /^alertname=~?"([^"]+)"$/.exec(matcher)?.[1]?.split("|") ?? []);
    expect(named.length).toBeGreaterThan(5);
    for (const name of named) expect(alerts, name).toContain(name);
  });
});
