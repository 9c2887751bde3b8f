/** Logs in through auth's `POST /v1/token` and returns the access token. */
export async function login(authUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(new URL("/v1/token", authUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json().catch(() => ({}))) as { accessToken?: unknown };
  if (response.status !== 200 || typeof body.accessToken !== "string") {
    throw new Error(`login as ${username} answered ${response.status}`);
  }
  return body.accessToken;
}
