import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type AlertRule, REPO_ROOT, readAlertRules, readRuleTests } from "./config-files.ts";

const rules = await readAlertRules();
const ruleTests = await readRuleTests();
const alertTests = ruleTests.flatMap((file) =>
  file.tests.flatMap((each) =>
    (each.alert_rule_test ?? []).map((t) => ({ ...t, file: file.file })),
  ),
);

// kebab-case of the alert's name: HttpErrorRatioHigh → http-error-ratio-high.
const kebab = (name: string) => name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, "-").toLowerCase();

describe.each(rules.map((rule) => [rule.alert, rule] as [string, AlertRule]))(
  "alert %s",
  (_, rule) => {
    test("pages or files a ticket", () => {
      expect(["page", "ticket"]).toContain(rule.labels?.severity);
    });

    test("has a summary, a description with the value, and a runbook in this repository", () => {
      const annotations = rule.annotations ?? {};
      expect(annotations.summary).toBeTruthy();
      expect(annotations.description).toMatch(/\$value/);
      const runbook = annotations.runbook_url ?? "";
      expect(runbook).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      // Its own runbook, or one it shares with its siblings (ErrorBudgetBurnFast and …Slow).
      expect(kebab(rule.alert)).toContain(runbook.slice("docs/runbooks/".length, -".md".length));
      expect(existsSync(`${REPO_ROOT}${runbook}`), `${runbook} is missing`).toBe(true);
      const text = readFileSync(`${REPO_ROOT}${runbook}`, "utf8");
      for (const section of ["## What it means", "## Confirm", "## Mitigate"]) {
        expect(text, `${runbook} lacks "${section}"`).toContain(section);
      }
    });

    test("has a promtool test that fires it, with its service and severity", () => {
      const firing = alertTests.filter(
        (t) => t.alertname === rule.alert && t.exp_alerts.length > 0,
      );
      expect(firing, `no test fires ${rule.alert}`).not.toEqual([]);
      for (const each of firing) {
        for (const alert of each.exp_alerts) {
          expect(alert.exp_labels?.service, each.file).toBeTruthy();
          expect(alert.exp_labels?.severity, each.file).toBe(rule.labels?.severity);
        }
      }
    });

    test("has a promtool test that keeps it silent", () => {
      const silent = alertTests.filter(
        (t) => t.alertname === rule.alert && t.exp_alerts.length === 0,
      );
      expect(silent, `no test keeps ${rule.alert} silent`).not.toEqual([]);
    });
  },
);

test("each test file loads the rule file of its own concern", () => {
  // But one: inhibition.test.yml times the alerts that inhibit others against those they inhibit.
  for (const file of ruleTests.filter((each) => each.file !== "inhibition.test.yml")) {
    const concern = file.file.replace(".test.yml", ".rules.yml");
    expect(file.rule_files).toEqual([`../rules/${concern}`]);
  }
});
