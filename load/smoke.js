// The demo users, every route once, the error contract checked on each answer: the first thing
// to run against a new deployment. Fails if anything is wrong, and says what.
//
//   k6 run load/smoke.js
//   k6 run -e BASE_URL=https://todo.example.com -e AUTH_URL=https://auth.example.com load/smoke.js

import { check } from "k6";
import http from "k6/http";
import { loadConfig } from "./lib/config.js";
import { traceIdOf } from "./lib/contract.js";
import { observeResponse } from "./lib/responses.js";
import { loginDemoUsers, requireAnswer } from "./lib/session.js";
import { SUMMARY_TREND_STATS, summaryOutputs, withPhaseThresholds } from "./lib/summary.js";

const config = loadConfig(__ENV);
const PHASE = "smoke";

export const options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  vus: 1,
  iterations: 1,
  thresholds: withPhaseThresholds([PHASE], {
    contract_violations: ["count==0"],
    checks: ["rate==1"],
    "server_errors{phase:smoke}": ["rate==0"],
  }),
};

export function setup() {
  requireAnswer("BASE_URL", `${config.baseUrl}/health/ready`);
  return { sessions: loginDemoUsers(config.authUrl) };
}

/** The contract's errorCode of an error response and a space, or "" for any other body. */
function errorCodeOf(res) {
  try {
    const code = JSON.parse(String(res.body)).errorCode;
    return code ? `${code} ` : "";
  } catch (_) {
    return "";
  }
}

/**
 * One request, its response checked against the contract, against the status it must get and,
 * when it got it, against what its body must say (`holds`: each a check of its own); a wrong
 * status or body is logged with its traceId.
 * @param {string} name
 * @param {string} method
 * @param {string} path
 * @param {{ token?: string, body?: unknown, headers?: Record<string, string>, status: number, holds?: Record<string, (res: any) => boolean> }} request
 */
function step(name, method, path, request) {
  const { token, body, status } = request;
  /** @type {Record<string, string>} */
  const headers = Object.assign({}, request.headers);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = http.request(
    method,
    `${config.baseUrl}${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers,
      tags: { phase: PHASE, name },
      responseCallback: http.expectedStatuses(status),
    },
  );
  observeResponse(res, PHASE);
  if (!check(res, { [`${name} → ${status}`]: (r) => r.status === status })) {
    console.error(
      `${name}: expected ${status}, got ${res.status} ${errorCodeOf(res)}(traceId ${traceIdOf(res) || "none"})`,
    );
  } else if (request.holds && !check(res, request.holds)) {
    console.error(
      `${name}: the body is not what it should be: ${res.body} (traceId ${traceIdOf(res) || "none"})`,
    );
  }
  return res;
}

export default function (data) {
  const alice = data.sessions.find((s) => s.username === "alice").token;
  const carol = data.sessions.find((s) => s.username === "carol").token;
  step("GET /health/live", "GET", "/health/live", { status: 200 });
  step("GET /health/ready", "GET", "/health/ready", { status: 200 });
  const created = step("POST /v1/todos", "POST", "/v1/todos", {
    token: alice,
    body: { title: "smoke test" },
    status: 201,
    holds: {
      "the created todo is the one asked for": (r) =>
        r.json("title") === "smoke test" && r.json("completed") === false,
    },
  });
  const id =
    created.status === 201 ? String(created.json("id")) : "00000000-0000-4000-8000-000000000000";
  const version = created.status === 201 ? Number(created.json("version")) : 1;
  step("GET /v1/todos", "GET", "/v1/todos?limit=5", {
    token: alice,
    status: 200,
    // The oldest first: alice's new todo is on this page only while she has fewer than five.
    holds: {
      "the list is a page of todos": (r) => {
        const items = /** @type {{ id: unknown, title: unknown, version: unknown }[]} */ (
          r.json("items")
        );
        const next = r.json("nextCursor");
        return (
          Array.isArray(items) &&
          items.length > 0 &&
          items.every(
            (todo) =>
              typeof todo.id === "string" &&
              typeof todo.title === "string" &&
              typeof todo.version === "number",
          ) &&
          (next === null || typeof next === "string")
        );
      },
    },
  });
  step("GET /v1/todos/:id", "GET", `/v1/todos/${id}`, {
    token: alice,
    status: 200,
    holds: {
      "GET /v1/todos/:id is that todo": (r) =>
        r.json("id") === id && r.json("title") === "smoke test",
    },
  });
  step("PATCH /v1/todos/:id", "PATCH", `/v1/todos/${id}`, {
    token: alice,
    body: { completed: true, version },
    status: 200,
    holds: {
      "PATCH completed it, one version on": (r) =>
        r.json("completed") === true && r.json("version") === version + 1,
    },
  });
  // The contract's errors, each once: auth, validation, stale version, absence, wrong method.
  step("GET /v1/todos without a token", "GET", "/v1/todos", { status: 401 });
  step("POST /v1/todos as a viewer", "POST", "/v1/todos", {
    token: carol,
    body: { title: "no" },
    status: 403,
  });
  step("POST /v1/todos with an empty title", "POST", "/v1/todos", {
    token: alice,
    body: { title: "" },
    status: 400,
  });
  step("PATCH /v1/todos/:id with a stale version", "PATCH", `/v1/todos/${id}`, {
    token: alice,
    body: { completed: false, version },
    status: 409,
  });
  step("GET an unknown route", "GET", "/no-such-route", { status: 404 });
  step("PUT /v1/todos", "PUT", "/v1/todos", { token: alice, body: {}, status: 405 });
  step("DELETE /v1/todos/:id", "DELETE", `/v1/todos/${id}`, {
    token: alice,
    headers: { "If-Match": `"${version + 1}"` },
    status: 204,
  });
  step("GET /v1/todos/:id once deleted", "GET", `/v1/todos/${id}`, { token: alice, status: 404 });
}

export function handleSummary(data) {
  return summaryOutputs(data, config.resultsDir, "smoke", {
    title: `tracemesh smoke test against ${config.baseUrl}`,
    phases: [PHASE],
  });
}
