import { Counter } from "k6/metrics";

// The error contract (README "The error contract"), checked on every response under load.
// A violation counts in contract_violations, whose threshold is count==0, and the first ones are
// logged with their traceId so a person can follow them: `pnpm trace <traceId>`.

export const contractViolations = new Counter("contract_violations");

const TRACERESPONSE = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;
// What must never reach a client: a stack frame, the text of an unexpected exception, an
// address of ours.
/** @type {[RegExp, string][]} */
const LEAKS = [
  // JSON writes a line break as the two characters \n: a stack in a JSON string is one too.
  [/(?:\n|\\n)\s+at \S/, "a stack trace"],
  [/\.(?:ts|js):\d+:\d+/, "a source location"],
  [/\b(?:RangeError|TypeError|ReferenceError|SyntaxError)\b|Division by zero/, "exception text"],
  [/ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN/, "a socket error"],
  [/\b(?:127\.0\.0\.1|localhost|0\.0\.0\.0)\b|:\/\/[a-z0-9.-]+:\d{2,5}\b/i, "an address"],
];
// A broken deployment breaks the contract on every response: the first few say what and where,
// the counter says how many.
const LOGGED_AT_MOST = 10;
let violatingResponses = 0;

/**
 * The trace id of a response's W3C `traceresponse` header, if it has a well-formed one.
 * @param {import("k6/http").RefinedResponse<"text">} res
 * @returns {string | undefined}
 */
export function traceIdOf(res) {
  const match = TRACERESPONSE.exec(res.headers.Traceresponse || "");
  return match ? match[1] : undefined;
}

/** The rules of the contract body an error response breaks. */
function errorBodyBreaches(res, body, traceId) {
  let error;
  try {
    error = JSON.parse(body);
  } catch (_) {
    return [`a ${res.status} whose body is not JSON`];
  }
  if (typeof error !== "object" || error === null) return ["an error body that is no object"];
  const breaches = [];
  if (!ERROR_CODE.test(error.errorCode || "")) breaches.push("no UPPER_SNAKE errorCode");
  if (typeof error.message !== "string" || error.message === "") breaches.push("no message");
  if (error.traceId !== traceId) breaches.push("a traceId that is not the traceresponse's");
  if (typeof error.timestamp !== "string") breaches.push("no timestamp");
  if (typeof error.path !== "string" || typeof error.method !== "string") {
    breaches.push("no path or method");
  }
  if (typeof error.retryable !== "boolean") breaches.push("no retryable");
  if (res.status === 429 || res.status === 503) {
    if (!/^\d+$/.test(res.headers["Retry-After"] || "")) {
      breaches.push(`a ${res.status} without Retry-After`);
    }
    if (error.retryable !== true) breaches.push(`a ${res.status} that is not retryable`);
  }
  return breaches;
}

/**
 * What a response owes its client: a W3C traceresponse and an X-Request-Id on every response;
 * for an error, the contract body (errorCode, message, traceId equal to the traceresponse's,
 * timestamp, path, method, retryable, and no stack, exception text or address); for 429 and 503,
 * Retry-After and retryable true. Returns the broken rules (empty when none).
 * @param {import("k6/http").RefinedResponse<"text">} res
 * @returns {string[]}
 */
export function contractBreaches(res) {
  const breaches = [];
  const traceId = traceIdOf(res);
  if (!traceId) breaches.push("no W3C traceresponse header");
  if (!res.headers["X-Request-Id"]) breaches.push("no X-Request-Id header");
  // A success's body holds what users wrote (a todo titled "Fix TypeError on localhost" is
  // theirs to keep): only an error's is ours alone.
  if (res.status < 400) return breaches;
  const body = typeof res.body === "string" ? res.body : "";
  for (const [pattern, what] of LEAKS) {
    if (pattern.test(body)) breaches.push(`${what} in the body`);
  }
  return breaches.concat(errorBodyBreaches(res, body, traceId));
}

/**
 * Checks `res` against the contract; each broken rule counts once in contract_violations
 * (tagged with the phase and the rule), and the first responses that break it are logged, each
 * with its traceId (this VU's first ten, then a line saying the rest are only counted).
 * @param {import("k6/http").RefinedResponse<"text">} res
 * @param {string} phase
 * @returns {boolean} whether the response held the contract
 */
export function checkContract(res, phase) {
  const breaches = contractBreaches(res);
  if (breaches.length === 0) return true;
  for (const rule of breaches) contractViolations.add(1, { phase, rule });
  violatingResponses += 1;
  if (violatingResponses <= LOGGED_AT_MOST) {
    console.warn(
      `contract violation: ${res.request.method} ${res.request.url} → ${res.status}: ${breaches.join("; ")} (traceId ${traceIdOf(res) || "(none)"})`,
    );
  } else if (violatingResponses === LOGGED_AT_MOST + 1) {
    console.warn(
      `contract violation: more than ${LOGGED_AT_MOST} on this VU; the rest are counted in contract_violations by rule, not logged`,
    );
  }
  return false;
}
