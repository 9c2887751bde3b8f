import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareLocalConfig } from "@tracemesh/mesh";
import { describe, expect, test } from "vitest";
import { PROMETHEUS_DIR, prometheusFiles } from "./config-files.ts";
import { runTool } from "./run-tool.ts";

const promtool = (args: string[], cwd?: string) => runTool(["promtool"], args, cwd);

describe("the Prometheus config and rules, checked by promtool", () => {
  test("the config as docker compose runs it (targets/compose.yml) is valid", async () => {
    const run = await promtool(["check", "config", `${PROMETHEUS_DIR}prometheus.yml`]);
    expect(run.output).toContain("SUCCESS");
    expect(run.code, run.output).toBe(0);
  });

  test("the config as pnpm demo lays it out (links and a local target file) is valid", async () => {
    const config = await prepareLocalConfig({
      dataDir: await mkdtemp(join(tmpdir(), "tracemesh-promtool-")),
      targets: [
        { role: "service", service: "todo-api", address: "127.0.0.1:9464" },
        { role: "alertmanager", service: "alertmanager", address: "127.0.0.1:9093" },
        { role: "prometheus", service: "prometheus", address: "127.0.0.1:9090" },
      ],
    });
    const run = await promtool(["check", "config", config]);
    expect(run.code, run.output).toBe(0);
    // Every rule file is found through the links.
    for (const file of await prometheusFiles("rules", ".rules.yml")) {
      expect(run.output).toContain(file);
    }
  });

  test("every rule file is valid", async () => {
    const files = await prometheusFiles("rules", ".rules.yml");
    const run = await promtool([
      "check",
      "rules",
      ...files.map((f) => `${PROMETHEUS_DIR}rules/${f}`),
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toMatch(/FAILED/);
  });

  test("every rule unit test passes: the alerts fire when they should and stay silent otherwise", async () => {
    const files = await prometheusFiles("tests", ".test.yml");
    const run = await promtool(["test", "rules", ...files], `${PROMETHEUS_DIR}tests`);
    expect(run.code, run.output).toBe(0);
    expect(run.output.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  test("a rule test that expects the wrong thing fails: promtool's verdict is real", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tracemesh-promtool-"));
    await writeFile(
      join(dir, "wrong.test.yml"),
      [
        `rule_files: ["${PROMETHEUS_DIR}rules/targets.rules.yml"]`,
        "evaluation_interval: 5s",
        "tests:",
        "  - interval: 5s",
        "    input_series:",
        `      - series: 'up{service="auth"}'`,
        "        values: '0x20'",
        "    alert_rule_test:",
        "      - eval_time: 1m",
        "        alertname: TargetDown",
        "        exp_alerts: []",
      ].join("\n"),
    );
    const run = await promtool(["test", "rules", "wrong.test.yml"], dir);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("FAILED");
  });
});
