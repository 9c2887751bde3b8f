/** How `loginTo` sends its request: `fetch`, or an in-process app's `request`. */
export type SendRequest = (url: string, init: RequestInit) => Response | Promise<Response>;

/**
 * An access token from auth's `POST /v1/token`, as one of its demo users: from a running auth
 * at `authUrl`, or through `send` (`app.request` of auth's app, with `authUrl` "").
 */
export async function loginTo(
  authUrl: string,
  username: string,
  send: SendRequest = fetch,
): Promise<string> {
  // The demo users' passwords are public (services/auth/src/users/demo-users.ts, README).
  const response = await send(`${authUrl}/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: `${username}-demo-password` }),
  });
  if (response.status !== 200) throw new Error(`login as ${username}: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
