// The incident, replayed: a baseline of ordinary CRUD by the demo users, then the /error burst
// that started tracemesh, then recovery (load/replay.json's `incident`, which pnpm demo replays
// too). The verdict: the error contract held on every response, CRUD kept working, and the
// incident alert fired in Prometheus and reached Alertmanager within its budget.
//
//   k6 run load/incident.js                       # against pnpm demo
//   k6 run -e TIME_SCALE=0.5 load/incident.js     # every phase half as long

import exec from "k6/execution";
import http from "k6/http";
import { awaitAlert, requireInactiveAlert, verifyAlertScenario } from "./lib/alerts.js";
import { loadConfig } from "./lib/config.js";
import { phaseAt, phaseNamed, schedule, totalSeconds } from "./lib/phases.js";
import { readReplay } from "./lib/replay.js";
import { observeResponse } from "./lib/responses.js";
import { loginDemoUsers, requireAnswer } from "./lib/session.js";
import { SUMMARY_TREND_STATS, summaryOutputs, withPhaseThresholds } from "./lib/summary.js";
import { crudRequest, crudScenario, sessionOfVu } from "./lib/todo-traffic.js";

const config = loadConfig(__ENV);
const replay = readReplay(
  { text: open(__ENV.REPLAY_FILE || "./replay.json"), path: __ENV.REPLAY_FILE },
  "incident",
  {
    phases: ["baseline", "burst", "recovery"],
    fields: {
      "crud.requestsPerSecond": "number",
      "alert.name": "string",
      "alert.service": "string",
      "alert.firesWithinSeconds": "number",
    },
  },
);
const phases = schedule(replay.phases, config.timeScale, config.rateScale);
const burst = phaseNamed(phases, "burst");
const alert = { alertname: replay.alert.name, service: replay.alert.service };

export const options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    crud: crudScenario(replay.crud, config.rateScale, totalSeconds(phases), 10),
    burst: {
      executor: "constant-arrival-rate",
      exec: "hitErrorRoute",
      rate: Math.max(1, Math.round(burst.errorsPerSecond)),
      timeUnit: "1s",
      startTime: `${burst.startSeconds}s`,
      duration: `${burst.seconds}s`,
      preAllocatedVUs: 5,
      maxVUs: 20,
    },
    alert: verifyAlertScenario(burst.startSeconds, replay.alert.firesWithinSeconds),
  },
  thresholds: withPhaseThresholds(
    phases.map((p) => p.name),
    Object.assign(
      {
        contract_violations: ["count==0"],
        // The burst is a real incident: its phase answers 5xx, the others almost never.
        "server_errors{phase:burst}": ["rate>0.2"],
        "server_errors{phase:baseline}": ["rate<0.01"],
        "server_errors{phase:recovery}": ["rate<0.01"],
        alert_fired: ["rate==1"],
        time_to_alert: [`max<=${replay.alert.firesWithinSeconds * 1000}`],
      },
      // Ordinary traffic keeps working, whatever /error does: under 1 % of it fails, each phase.
      Object.fromEntries(
        phases.map((p) => [`http_req_failed{phase:${p.name},scenario:crud}`, ["rate<0.01"]]),
      ),
    ),
  ),
};

export function setup() {
  requireAnswer("BASE_URL", `${config.baseUrl}/health/ready`);
  requireIncidentRoute();
  requireAnswer("PROMETHEUS_URL", `${config.prometheusUrl}/-/ready`);
  requireAnswer("ALERTMANAGER_URL", `${config.alertmanagerUrl}/-/ready`);
  // An outage run's DependencyUnavailable keeps firing minutes after it (keep_firing_for), and
  // Alertmanager holds back the service's HttpErrorRatioHigh while it does. Asked first: it
  // outlasts the outage's HttpErrorRatioHigh, so its wait covers both.
  requireInactiveAlert(
    config.prometheusUrl,
    { alertname: "DependencyUnavailable", service: alert.service },
    `it would hold back the ${alert.alertname} page`,
  );
  requireInactiveAlert(config.prometheusUrl, alert);
  return { sessions: loginDemoUsers(config.authUrl) };
}

/** Ends the run at once unless GET /error answers the incident's 500: a run without it replays nothing. */
function requireIncidentRoute() {
  const res = http.get(`${config.baseUrl}/error`, {
    tags: { phase: "setup", name: "GET /error" },
    responseCallback: http.expectedStatuses(500),
    timeout: "5s",
  });
  if (res.status !== 500) {
    const got = res.status === 0 ? res.error : `HTTP ${res.status}`;
    exec.test.abort(
      `GET /error at BASE_URL ${config.baseUrl} answers ${got}, not the incident's 500: todo-api mounts it only with CHAOS_ENABLED=true (pnpm demo sets it)`,
    );
  }
}

export function crud(data) {
  const phase = phaseAt(phases, Date.now() - exec.scenario.startTime);
  const session = sessionOfVu(data.sessions, exec.vu.idInTest);
  crudRequest(config.baseUrl, session, exec.vu.iterationInScenario, phase);
}

export function hitErrorRoute() {
  const res = http.get(`${config.baseUrl}/error`, {
    tags: { phase: "burst", name: "GET /error" },
    // The incident's 500 is the expected answer here: it is not a failure of the load test.
    responseCallback: http.expectedStatuses(500),
  });
  observeResponse(res, "burst");
}

export function verifyAlert() {
  awaitAlert(config, alert, exec.scenario.startTime, replay.alert.firesWithinSeconds);
}

export function handleSummary(data) {
  return summaryOutputs(data, config.resultsDir, "incident", {
    title: `tracemesh incident replay against ${config.baseUrl}`,
    phases: phases.map((p) => p.name),
    notes: [
      `alert: ${alert.alertname}{service="${alert.service}"}, allowed ${replay.alert.firesWithinSeconds} s from the burst's start`,
    ],
  });
}
