import http from "k6/http";
import { observeResponse } from "./responses.js";

// Ordinary CRUD, one request an iteration, as the demo users would: create, list, read, update,
// delete in turn; the viewer only lists. A VU is one user's session, and keeps the todos it
// created: another user's todo would be 404.

/** @type {{ id: string, version: number }[]} */
const mine = [];

/**
 * @typedef {"create" | "list" | "read" | "update" | "delete"} RequestKind
 */

/**
 * @typedef {object} Sent
 * @property {RequestKind} kind
 * @property {import("k6/http").RefinedResponse<"text">} res
 */

function send(baseUrl, session, request, phase) {
  const { method, path, body, kind } = request;
  const headers = Object.assign(
    { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" },
    request.headers,
  );
  const name = `${method} ${path.replace(/\/v1\/todos\/[^?]+/, "/v1/todos/:id")}`;
  return http.request(
    method,
    `${baseUrl}${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers,
      tags: { phase, kind, name },
    },
  );
}

/**
 * The `step`-th request of the rotation, on the VU's latest todo.
 * @param {number} step
 * @param {{ id: string, version: number } | undefined} own
 * @param {number} iteration
 * @returns {{ kind: RequestKind, method: string, path: string, body?: unknown, headers?: Record<string, string> }}
 */
function nextRequest(step, own, iteration) {
  if (step === 1) return { kind: "list", method: "GET", path: "/v1/todos?limit=10" };
  if (step === 0 || own === undefined) {
    return {
      kind: "create",
      method: "POST",
      path: "/v1/todos",
      body: { title: `k6 todo ${iteration}` },
    };
  }
  if (step === 2) return { kind: "read", method: "GET", path: `/v1/todos/${own.id}` };
  if (step === 3) {
    return {
      kind: "update",
      method: "PATCH",
      path: `/v1/todos/${own.id}`,
      body: { completed: true, version: own.version },
    };
  }
  // Conditional, as a careful client deletes: only the version it last saw.
  return {
    kind: "delete",
    method: "DELETE",
    path: `/v1/todos/${own.id}`,
    headers: { "If-Match": `"${own.version}"` },
  };
}

/**
 * The k6 scenario of the demo users' CRUD, run by the script's `crud` function: the replay's
 * rate, scaled, for `seconds`.
 * @param {{ requestsPerSecond: number }} crud the replay's `crud` settings
 * @param {number} rateScale
 * @param {number} seconds
 * @param {number} preAllocatedVUs VUs ready at the start; up to five times as many if needed
 */
export function crudScenario(crud, rateScale, seconds, preAllocatedVUs) {
  return {
    executor: "constant-arrival-rate",
    exec: "crud",
    rate: Math.max(1, Math.round(crud.requestsPerSecond * rateScale)),
    timeUnit: "1s",
    duration: `${seconds}s`,
    preAllocatedVUs,
    maxVUs: preAllocatedVUs * 5,
  };
}

/**
 * The session a VU plays: VUs take the demo users in turn, and keep theirs.
 * @param {import("./session.js").Session[]} sessions
 * @param {number} vuId k6/execution's `exec.vu.idInTest`
 */
export function sessionOfVu(sessions, vuId) {
  return sessions[(vuId - 1) % sessions.length];
}

/**
 * One CRUD request of `session`, the `iteration`-th of its VU, tagged with its phase and kind
 * (read or write). Its response goes through the contract check. During an outage a write may
 * answer 503 and a read 200 degraded: both hold the contract.
 * @param {string} baseUrl
 * @param {import("./session.js").Session} session
 * @param {number} iteration
 * @param {string} phase
 * @returns {Sent}
 */
export function crudRequest(baseUrl, session, iteration, phase) {
  const step = session.writes ? iteration % 5 : 1;
  const own = mine[mine.length - 1];
  const request = nextRequest(step, own, iteration);
  const isWrite = request.method !== "GET";
  const res = send(
    baseUrl,
    session,
    Object.assign({}, request, { kind: isWrite ? "write" : "read" }),
    phase,
  );
  if (request.kind === "create" && res.status === 201)
    mine.push({ id: String(res.json("id")), version: Number(res.json("version")) });
  if (request.kind === "update" && res.status === 200) own.version = Number(res.json("version"));
  if (request.kind === "delete" && (res.status === 204 || res.status === 404)) mine.pop();
  observeResponse(res, phase);
  return { kind: request.kind, res };
}
