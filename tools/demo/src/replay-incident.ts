export interface ObservedResponse {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

export interface IncidentResult {
  responses: ObservedResponse[];
  /** The first response of the incident route: the one the report follows across signals. */
  failing: ObservedResponse | undefined;
}

export interface ReplayOptions {
  baseUrl: string;
  /** auth's access token, sent as `Authorization: Bearer` with every request: /v1 needs it. */
  accessToken: string;
  /** How many times the incident route is hit between normal requests. @default 10 */
  incidentRequests?: number;
}

async function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<ObservedResponse> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { method, path, status: response.status, headers: response.headers, body: parsed };
}

/**
 * Replays the incident that started tracemesh: ordinary TODO traffic, then `GET /error`, whose
 * division by zero raised the 5xx rate, interleaved with reads that keep working.
 */
export async function replayIncident(options: ReplayOptions): Promise<IncidentResult> {
  const { baseUrl, accessToken, incidentRequests = 10 } = options;
  const headers = { authorization: `Bearer ${accessToken}` };
  const responses: ObservedResponse[] = [];
  const record = async (method: string, path: string, body?: unknown) => {
    const observed = await send(baseUrl, method, path, headers, body);
    responses.push(observed);
    return observed;
  };

  const created: { id: string; version: number }[] = [];
  for (const title of ["Write the postmortem", "Add a 5xx alert", "Replay the incident"]) {
    const response = await record("POST", "/v1/todos", { title });
    const todo = response.body as { id?: string; version?: number };
    if (todo.id && todo.version !== undefined) created.push({ id: todo.id, version: todo.version });
  }
  await record("GET", "/v1/todos?limit=10");
  const [first] = created;
  if (first) {
    await record("GET", `/v1/todos/${first.id}`);
    await record("PATCH", `/v1/todos/${first.id}`, { completed: true, version: first.version });
  }
  let failing: ObservedResponse | undefined;
  for (let i = 0; i < incidentRequests; i++) {
    const observed = await record("GET", "/error");
    failing ??= observed;
    await record("GET", "/v1/todos?limit=5");
  }
  return { responses, failing };
}
