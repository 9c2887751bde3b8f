import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** `observability/`: the configs the tests here check. */
export const OBSERVABILITY_DIR = fileURLToPath(new URL("../", import.meta.url));
export const PROMETHEUS_DIR = `${OBSERVABILITY_DIR}prometheus/`;
export const ALERTMANAGER_CONFIG = `${OBSERVABILITY_DIR}alertmanager/alertmanager.yml`;
/** The repository's root: runbook URLs are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The rule file, e.g. "incident.rules.yml". */
  file: string;
}

export interface RuleTestFile {
  file: string;
  rule_files: string[];
  tests: {
    name: string;
    alert_rule_test?: {
      eval_time: string;
      alertname: string;
      exp_alerts: { exp_labels?: Record<string, string> }[];
    }[];
  }[];
}

/** The files of a folder under prometheus/ whose names end with `suffix`, sorted. */
export async function prometheusFiles(folder: string, suffix: string): Promise<string[]> {
  const files = await readdir(`${PROMETHEUS_DIR}${folder}`);
  return files.filter((file) => file.endsWith(suffix)).sort();
}

/** Every alerting rule of prometheus/rules, with the file it is in. */
export async function readAlertRules(): Promise<AlertRule[]> {
  const rules: AlertRule[] = [];
  for (const file of await prometheusFiles("rules", ".rules.yml")) {
    const parsed = parse(await readFile(`${PROMETHEUS_DIR}rules/${file}`, "utf8")) as {
      groups: { rules: Partial<AlertRule>[] }[];
    };
    for (const group of parsed.groups) {
      for (const rule of group.rules) {
        if (rule.alert) rules.push({ ...rule, file } as AlertRule);
      }
    }
  }
  return rules;
}

/** Every `promtool test rules` file of prometheus/tests. */
export async function readRuleTests(): Promise<RuleTestFile[]> {
  const tests: RuleTestFile[] = [];
  for (const file of await prometheusFiles("tests", ".test.yml")) {
    const parsed = parse(await readFile(`${PROMETHEUS_DIR}tests/${file}`, "utf8")) as RuleTestFile;
    tests.push({ ...parsed, file });
  }
  return tests;
}
