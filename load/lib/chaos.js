import exec from "k6/execution";
import http from "k6/http";

// auth's fault controls (README "Breaking things on purpose"): PUT sets faults with a TTL, so a
// run that dies midway leaves nothing behind for long; DELETE clears them.

function params(token) {
  return {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    tags: { phase: "chaos" },
    timeout: "5s",
  };
}

/**
 * Ends the run at once, with one line, unless auth's /chaos takes `token`: a wrong CHAOS_TOKEN,
 * or chaos off (CHAOS_ENABLED unset answers 404).
 * @param {string} authUrl
 * @param {string} token
 */
export function requireChaosControls(authUrl, token) {
  const res = http.get(`${authUrl}/chaos`, params(token));
  if (res.status === 401) {
    exec.test.abort(`CHAOS_TOKEN is refused by auth at ${authUrl}/chaos: set it to auth's`);
  } else if (res.status === 404) {
    exec.test.abort(
      `auth at ${authUrl} has no /chaos: start it with CHAOS_ENABLED=true and a CHAOS_TOKEN`,
    );
  } else if (res.status !== 200) {
    exec.test.abort(`auth's /chaos at ${authUrl} answered ${res.status || res.error}`);
  }
}

/**
 * Sets auth's faults for `ttlSeconds`; says so when auth refuses.
 * @param {string} authUrl
 * @param {string} token
 * @param {Record<string, unknown>} fault e.g. { unavailable: true } or { latencyMs: 3000 }
 * @param {number} ttlSeconds
 */
export function setFault(authUrl, token, fault, ttlSeconds) {
  const body = JSON.stringify(Object.assign({}, fault, { ttlSeconds }));
  const res = http.put(`${authUrl}/chaos`, body, params(token));
  if (res.status !== 200) console.error(`setting auth's fault ${body} failed: ${res.status}`);
}

/** Clears auth's faults. @param {string} authUrl @param {string} token */
export function clearFaults(authUrl, token) {
  http.del(`${authUrl}/chaos`, null, params(token));
}
