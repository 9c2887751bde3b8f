/** An access token from a running auth's `POST /v1/token`, as one of its demo users. */
export async function loginTo(authUrl: string, username: string): Promise<string> {
  // The demo users' passwords are public (services/auth/src/users/demo-users.ts, README).
  const response = await fetch(`${authUrl}/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: `${username}-demo-password` }),
  });
  if (response.status !== 200) throw new Error(`login as ${username}: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
