// A dependency outage, replayed: auth made unavailable, then slow, through its /chaos controls,
// while the demo users go on (load/replay.json's `outage`). The verdict: every response held
// the error contract; writes got 503 SERVICE_UNAVAILABLE naming auth, retryable, with
// Retry-After, fast once the breaker was open; reads answered 200 (degraded) or 503 alike;
// writes came back within the bound once auth did; and DependencyUnavailable fired in time.
//
//   k6 run load/outage.js                      # against pnpm demo (CHAOS_TOKEN from demo-secrets/)
//   k6 run -e CHAOS_TOKEN=… -e AUTH_URL=… load/outage.js

import { check, sleep } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Counter, Rate, Trend } from "k6/metrics";
import {
  alertmanagerAlerts,
  awaitAlert,
  requireInactiveAlert,
  verifyAlertScenario,
} from "./lib/alerts.js";
import { clearFaults, requireChaosControls, setFault } from "./lib/chaos.js";
import { loadConfig } from "./lib/config.js";
import { phaseNamed, phaseWithOnsetAt, schedule, totalSeconds } from "./lib/phases.js";
import { readReplay } from "./lib/replay.js";
import { observeResponse } from "./lib/responses.js";
import { loginDemoUsers, requireAnswer } from "./lib/session.js";
import { SUMMARY_TREND_STATS, summaryOutputs, withPhaseThresholds } from "./lib/summary.js";
import { crudRequest, crudScenario, sessionOfVu } from "./lib/todo-traffic.js";

const config = loadConfig(__ENV, () => open("../demo-secrets/chaos-token"));
const replay = readReplay(
  { text: open(__ENV.REPLAY_FILE || "./replay.json"), path: __ENV.REPLAY_FILE },
  "outage",
  {
    phases: ["baseline", "auth-down", "auth-slow", "recovery"],
    fields: {
      "crud.requestsPerSecond": "number",
      "alert.name": "string",
      "alert.service": "string",
      "alert.dependency": "string",
      "alert.firesWithinSeconds": "number",
      recoversWithinSeconds: "number",
    },
  },
);
const phases = schedule(replay.phases, config.timeScale, 1);
const down = phaseNamed(phases, "auth-down");
const recovery = phaseNamed(phases, "recovery");
// The fault is set and the breaker opens in these first seconds of a fault phase.
const ONSET_SECONDS = 3;
// A fault phase no longer than its onset never reaches the steady fault the verdict is about.
phases.forEach((phase, i) => {
  if (phase.fault && phase.seconds <= ONSET_SECONDS) {
    const least = (ONSET_SECONDS + 1) / replay.phases[i].seconds;
    throw new Error(
      `TIME_SCALE=${config.timeScale} leaves the fault phase "${phase.name}" ${phase.seconds} s, no longer than its ${ONSET_SECONDS} s onset: give a TIME_SCALE of at least ${least.toFixed(2)}`,
    );
  }
});
const tagged = phases.flatMap((p) => (p.fault ? [`${p.name}-onset`, p.name] : [p.name]));
const alert = {
  alertname: replay.alert.name,
  service: replay.alert.service,
  dependency: replay.alert.dependency,
};

const recoveryTime = new Trend("recovery_time", true);
const recovered = new Rate("recovered");
const degradedReads = new Counter("degraded_reads");
// Times HttpErrorRatioHigh was seen in Alertmanager during the fault (none leaves its inhibition
// untested, which the summary says), and of those, times it was not held back.
const ratioWatched = new Counter("ratio_alert_watched");
const ratioSeen = new Counter("ratio_alert_seen");
const ratioPaged = new Counter("ratio_alert_paged");

export const options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    crud: crudScenario(replay.crud, config.rateScale, totalSeconds(phases), 20),
    faults: {
      executor: "per-vu-iterations",
      exec: "controlFaults",
      vus: 1,
      iterations: 1,
      maxDuration: `${totalSeconds(phases) + 10}s`,
    },
    alert: verifyAlertScenario(
      down.startSeconds,
      replay.alert.firesWithinSeconds,
      recovery.startSeconds - down.startSeconds,
    ),
    recovery: {
      executor: "per-vu-iterations",
      exec: "measureRecovery",
      vus: 1,
      iterations: 1,
      startTime: `${recovery.startSeconds}s`,
      maxDuration: `${replay.recoversWithinSeconds + 20}s`,
    },
  },
  thresholds: withPhaseThresholds(tagged, {
    contract_violations: ["count==0"],
    checks: ["rate==1"],
    "http_req_failed{phase:baseline,scenario:crud}": ["rate<0.01"],
    "server_errors{phase:baseline}": ["rate<0.01"],
    // The fault is real: writes fail while it lasts.
    "server_errors{phase:auth-down}": ["rate>0.1"],
    "server_errors{phase:auth-slow}": ["rate>0.1"],
    // Once the breaker is open, auth's failure costs a write nothing: its 503 comes at once.
    "http_req_duration{phase:auth-down,kind:write}": ["p(99)<250"],
    // While auth is slow, writes wait for it only until the breaker opens; then only the
    // breaker's trial call does, once every 5 s or so.
    "http_req_duration{phase:auth-slow,kind:write}": ["p(90)<250"],
    alert_fired: ["rate==1"],
    time_to_alert: [`max<=${replay.alert.firesWithinSeconds * 1000}`],
    recovered: ["rate==1"],
    recovery_time: [`max<=${replay.recoversWithinSeconds * 1000}`],
  }),
};

export function setup() {
  requireAnswer("BASE_URL", `${config.baseUrl}/health/ready`);
  requireAnswer("PROMETHEUS_URL", `${config.prometheusUrl}/-/ready`);
  requireAnswer("ALERTMANAGER_URL", `${config.alertmanagerUrl}/-/ready`);
  requireChaosControls(config.authUrl, config.chaosToken);
  requireInactiveAlert(config.prometheusUrl, alert);
  clearFaults(config.authUrl, config.chaosToken);
  return { sessions: loginDemoUsers(config.authUrl) };
}

/** What a write owes its client while auth is away: the dependency's 503, in contract. */
function isAuthUnavailable(res) {
  if (res.status !== 503) return false;
  const body = res.json();
  return (
    body.errorCode === "SERVICE_UNAVAILABLE" &&
    body.retryable === true &&
    /^\d+$/.test(res.headers["Retry-After"] || "") &&
    (body.details || []).some((d) => d.type === "dependency" && d.name === "auth")
  );
}

export function crud(data) {
  const phase = phaseWithOnsetAt(phases, Date.now() - exec.scenario.startTime, ONSET_SECONDS);
  const session = sessionOfVu(data.sessions, exec.vu.idInTest);
  const { kind, res } = crudRequest(config.baseUrl, session, exec.vu.iterationInScenario, phase);
  if (phase !== "auth-down" && phase !== "auth-slow") return;
  if (kind === "create" || kind === "update" || kind === "delete") {
    check(res, {
      "a write while auth is away: 503 SERVICE_UNAVAILABLE naming auth": isAuthUnavailable,
    });
  } else {
    const degraded = res.status === 200 && res.headers["X-Degraded"] === "auth";
    if (degraded) degradedReads.add(1, { phase });
    check(res, {
      "a read while auth is away: 200 degraded, or the same 503": (r) =>
        degraded || isAuthUnavailable(r),
    });
  }
}

export function controlFaults() {
  const started = exec.scenario.startTime;
  for (const phase of phases) {
    const wait = started + phase.startSeconds * 1000 - Date.now();
    if (wait > 0) sleep(wait / 1000);
    if (phase.fault) setFault(config.authUrl, config.chaosToken, phase.fault, phase.seconds);
    else if (phase.name === "recovery") clearFaults(config.authUrl, config.chaosToken);
  }
}

export function verifyAlert() {
  const started = exec.scenario.startTime;
  if (awaitAlert(config, alert, started, replay.alert.firesWithinSeconds) === undefined) return;
  // The outage's 503s raise todo-api's 5xx ratio too, and its page would say the same thing
  // twice: while DependencyUnavailable fires, Alertmanager must hold HttpErrorRatioHigh back.
  // Watched until the fault ends, since the ratio's alert reaches Alertmanager later.
  const faultEndsAt = started + (recovery.startSeconds - down.startSeconds) * 1000;
  const ratio = { alertname: "HttpErrorRatioHigh", service: alert.service };
  ratioWatched.add(1);
  while (Date.now() < faultEndsAt) {
    const seen = alertmanagerAlerts(config.alertmanagerUrl, ratio);
    if (seen.length > 0) {
      ratioSeen.add(1);
      const heldBack = check(seen, {
        "todo-api's HttpErrorRatioHigh held back while DependencyUnavailable fires": (a) =>
          a.every((x) => x.status.state === "suppressed"),
      });
      if (!heldBack) ratioPaged.add(1);
    }
    sleep(1);
  }
}

export function measureRecovery(data) {
  const alice = data.sessions[0];
  const started = exec.scenario.startTime;
  const giveUpAt = started + (replay.recoversWithinSeconds + 15) * 1000;
  while (Date.now() < giveUpAt) {
    const res = http.post(`${config.baseUrl}/v1/todos`, JSON.stringify({ title: "recovered?" }), {
      headers: { Authorization: `Bearer ${alice.token}`, "Content-Type": "application/json" },
      tags: { phase: "recovery-probe", name: "POST /v1/todos" },
      responseCallback: http.expectedStatuses(201, 503),
    });
    observeResponse(res, "recovery-probe");
    if (res.status === 201) {
      const seconds = (Date.now() - started) / 1000;
      recoveryTime.add(seconds * 1000);
      recovered.add(seconds <= replay.recoversWithinSeconds);
      deleteProbeTodo(alice, res);
      return;
    }
    sleep(0.2);
  }
  recovered.add(false);
}

/**
 * Deletes the todo that showed writes were back: it is not alice's to keep, and each run would
 * leave one more in her list. Writes have only just come back, so a 503 is tried again; a todo
 * left behind fails the run's checks.
 * @param {{ token: string }} session
 * @param {import("k6/http").RefinedResponse<"text">} created
 */
function deleteProbeTodo(session, created) {
  const url = `${config.baseUrl}/v1/todos/${created.json("id")}`;
  const params = {
    headers: { Authorization: `Bearer ${session.token}`, "If-Match": created.headers.Etag },
    tags: { phase: "recovery-probe", name: "DELETE /v1/todos/:id" },
    responseCallback: http.expectedStatuses(204, 503),
  };
  let res = http.del(url, null, params);
  for (let retries = 0; res.status === 503 && retries < 4; retries++) {
    observeResponse(res, "recovery-probe");
    sleep(0.5);
    res = http.del(url, null, params);
  }
  observeResponse(res, "recovery-probe");
  check(res, { "the recovery probe's todo deleted": (r) => r.status === 204 });
}

export function teardown() {
  clearFaults(config.authUrl, config.chaosToken);
}

/**
 * What the summary says of todo-api's HttpErrorRatioHigh while the fault lasted.
 * @param {(name: string) => Record<string, number>} metric a metric's summary values
 */
function ratioPageVerdict(metric) {
  if (!metric("ratio_alert_watched").count) {
    return "not watched, since DependencyUnavailable did not fire";
  }
  if (metric("ratio_alert_paged").count) return "NOT held back by Alertmanager (a second page)";
  if (metric("ratio_alert_seen").count) return "held back by Alertmanager, as it should be";
  return "not in Alertmanager before auth came back: its inhibition was not put to the test";
}

export function handleSummary(data) {
  const metric = (name) => (data.metrics[name] ? data.metrics[name].values : {});
  const degraded = metric("degraded_reads").count || 0;
  const writesBack = metric("recovery_time");
  const recoveredIn = writesBack.count > 0 ? writesBack.max : undefined;
  return summaryOutputs(data, config.resultsDir, "outage", {
    title: `tracemesh auth outage against ${config.baseUrl}`,
    phases: tagged,
    notes: [
      `degraded reads (200 with X-Degraded: auth): ${degraded}`,
      `writes back after the fault: ${recoveredIn === undefined ? "never" : `${(recoveredIn / 1000).toFixed(1)} s`} (bound ${replay.recoversWithinSeconds} s)`,
      `alert: ${alert.alertname}{service="${alert.service}",dependency="${alert.dependency}"}, allowed ${replay.alert.firesWithinSeconds} s from auth going down`,
      `HttpErrorRatioHigh{service="${alert.service}"} during the fault: ${ratioPageVerdict(metric)}`,
    ],
  });
}
