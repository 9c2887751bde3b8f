import exec from "k6/execution";
import http from "k6/http";

// auth's demo users (README "Demo users"): their passwords are public. carol may only read.
const DEMO_USERS = [
  { username: "alice", writes: true },
  { username: "bob", writes: true },
  { username: "carol", writes: false },
];

/**
 * @typedef {object} Session
 * @property {string} username
 * @property {string} token bearer access token
 * @property {boolean} writes whether the user may create, change and delete todos
 */

/**
 * Logs every demo user in through auth's `POST /v1/token`, for `setup()`. A login that fails
 * ends the run at once with one line saying why, rather than a run of 401s.
 * @param {string} authUrl
 * @returns {Session[]}
 */
export function loginDemoUsers(authUrl) {
  return DEMO_USERS.map(({ username, writes }) => {
    const res = http.post(
      `${authUrl}/v1/token`,
      JSON.stringify({ username, password: `${username}-demo-password` }),
      { headers: { "Content-Type": "application/json" }, tags: { phase: "setup" } },
    );
    const token = /** @type {string} */ (res.status === 200 ? res.json("accessToken") : undefined);
    if (typeof token !== "string") {
      const why = res.status === 0 ? res.error : `HTTP ${res.status}`;
      exec.test.abort(`login as ${username} at AUTH_URL ${authUrl} failed: ${why}`);
    }
    return { username, token, writes };
  });
}

/**
 * Ends the run at once, with one line, when `url` does not answer 200: a wrong BASE_URL, say.
 * @param {string} name the setting that holds it, for the message
 * @param {string} url
 */
export function requireAnswer(name, url) {
  const res = http.get(url, { tags: { phase: "setup" }, timeout: "5s" });
  if (res.status !== 200) {
    const why = res.status === 0 ? res.error : `HTTP ${res.status}`;
    exec.test.abort(`${name} does not answer at ${url}: ${why}`);
  }
}
