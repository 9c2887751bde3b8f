// Settings of every load script, from `k6 run -e NAME=value` or the environment, with defaults
// for `pnpm demo` on this machine. docker compose's `load` profile sets them for its network.

/**
 * @typedef {object} LoadConfig
 * @property {string} baseUrl todo-api
 * @property {string} authUrl auth: logins and its /chaos controls
 * @property {string} prometheusUrl where the alert must fire
 * @property {string} alertmanagerUrl where the alert must arrive
 * @property {string} chaosToken bearer token of auth's /chaos controls ("" for a script that
 *   uses none)
 * @property {number} timeScale every phase's duration is multiplied by it
 * @property {number} rateScale every phase's rate is multiplied by it
 * @property {string} resultsDir where handleSummary writes its JSON
 */

/** A positive number from `value`, or `fallback` when unset; a bad one ends the run at once. */
function positiveNumber(name, value, fallback) {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!(number > 0)) throw new Error(`${name} must be a positive number, not "${value}"`);
  return number;
}

/** A URL without its trailing slash. */
function url(name, value, fallback) {
  const chosen = value || fallback;
  if (!/^https?:\/\/[^/\s]+/.test(chosen)) throw new Error(`${name} must be an http(s) URL`);
  return chosen.replace(/\/+$/, "");
}

/**
 * Reads the settings once, in the init context.
 * @param {Record<string, string | undefined>} env k6's `__ENV`
 * @param {() => string} [demoChaosToken] reads demo-secrets/chaos-token, for a script that
 *   drives /chaos: called only when CHAOS_TOKEN is unset, and from the script itself, because k6
 *   resolves `open()` paths against the script it runs. A script without it needs no secret
 *   file: it runs from a copy of load/ alone.
 * @returns {LoadConfig}
 */
export function loadConfig(env, demoChaosToken) {
  return {
    baseUrl: url("BASE_URL", env.BASE_URL, "http://127.0.0.1:8080"),
    authUrl: url("AUTH_URL", env.AUTH_URL, "http://127.0.0.1:8081"),
    prometheusUrl: url("PROMETHEUS_URL", env.PROMETHEUS_URL, "http://127.0.0.1:9090"),
    alertmanagerUrl: url("ALERTMANAGER_URL", env.ALERTMANAGER_URL, "http://127.0.0.1:9093"),
    chaosToken: env.CHAOS_TOKEN || (demoChaosToken ? demoChaosToken().trim() : ""),
    timeScale: positiveNumber("TIME_SCALE", env.TIME_SCALE, 1),
    rateScale: positiveNumber("RATE_SCALE", env.RATE_SCALE, 1),
    resultsDir: (env.RESULTS_DIR || "load/results").replace(/\/+$/, ""),
  };
}
