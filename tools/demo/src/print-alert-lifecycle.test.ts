import { expect, test } from "vitest";
import { printAlertResolution } from "./print-alert-lifecycle.ts";
import type { AlertTimeline } from "./watch-alert.ts";

const burstStartedAt = Date.parse("2026-12-06T10:00:00Z");
const resolved = {
  status: "resolved" as const,
  summary: "todo-api answers 5xx to more than 5 % of requests",
  runbookUrl: "docs/runbooks/http-error-ratio-high.md",
  exampleTrace: null,
};

function printed(timeline: Partial<AlertTimeline>): string[] {
  const lines: string[] = [];
  printAlertResolution(
    {
      name: "HttpErrorRatioHigh",
      service: "todo-api",
      burstStartedAt,
      othersFiring: [],
      othersStillFiring: [],
      ...timeline,
    },
    (text) => lines.push(text.trim()),
  );
  return lines;
}

test("resolved in Prometheus, then the resolved notification, each at its time", () => {
  expect(
    printed({
      inactiveAt: burstStartedAt + 100_000,
      resolved: { ...resolved, at: burstStartedAt + 105_000 },
    }),
  ).toEqual([
    "+100.0 s    resolved in Prometheus",
    "+105.0 s    the resolved notification delivered",
  ]);
});

test("a notification delivered before the poll saw the alert go dates its resolution", () => {
  expect(
    printed({
      inactiveAt: burstStartedAt + 108_500,
      resolved: { ...resolved, at: burstStartedAt + 108_100 },
    }),
  ).toEqual([
    "+108.1 s    resolved in Prometheus",
    "+108.1 s    the resolved notification delivered",
  ]);
});

test("not resolved yet, and the other alerts that fired, those still firing named again", () => {
  expect(
    printed({
      othersFiring: ['ErrorBudgetBurnFast{service="todo-api"}', 'TargetDown{service="auth"}'],
      othersStillFiring: ['ErrorBudgetBurnFast{service="todo-api"}'],
    }),
  ).toEqual([
    "not resolved yet: the notifier will deliver the resolved notification when it is",
    'also fired meanwhile: ErrorBudgetBurnFast{service="todo-api"}, TargetDown{service="auth"}',
    `still firing: ErrorBudgetBurnFast{service="todo-api"} (each resolves on its own rule's windows)`,
  ]);
});
