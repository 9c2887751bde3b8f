import type { ReplayPhase, ReplayPlan } from "./replay-plan.ts";

export interface ObservedResponse {
  method: string;
  path: string;
  /** The replay's phase the request was sent in. */
  phase: string;
  status: number;
  headers: Headers;
  body: unknown;
}

export interface IncidentResult {
  responses: ObservedResponse[];
  /** The first response of the incident route: the one the report follows across signals. */
  failing: ObservedResponse | undefined;
  /** When the burst's first GET /error was sent (epoch ms). */
  burstStartedAt: number | undefined;
}

export interface ReplayOptions {
  baseUrl: string;
  /** auth's access token, sent as `Authorization: Bearer` with every request: /v1 needs it. */
  accessToken: string;
  plan: ReplayPlan;
  /** Told as each phase starts. */
  onPhase?: (phase: ReplayPhase) => void;
  /** Ends the replay early: no request is sent once it aborts. */
  signal?: AbortSignal;
}

async function send(
  baseUrl: string,
  request: { method: string; path: string; body?: unknown },
  headers: Record<string, string>,
): Promise<Omit<ObservedResponse, "phase">> {
  const { method, path, body } = request;
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
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
 * Calls `fire` `perSecond` times a second for `seconds`, at a steady pace, without waiting for
 * what it started; stops early when `signal` aborts.
 */
function atRate(
  perSecond: number,
  seconds: number,
  fire: () => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    const total = Math.round(perSecond * seconds);
    let sent = 0;
    const done = () => {
      clearInterval(timer);
      clearTimeout(end);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setInterval(
      () => {
        if (sent >= total) return done();
        fire();
        sent += 1;
      },
      perSecond > 0 ? 1000 / perSecond : seconds * 1000,
    );
    const end = setTimeout(done, seconds * 1000 + 1000);
    if (signal?.aborted) done();
    signal?.addEventListener("abort", done);
  });
}

/**
 * Replays the incident that started tracemesh, as load/replay.json sets it out: ordinary CRUD by
 * alice all along (create, list, read), and in the burst `GET /error`, whose division by zero
 * raised the 5xx rate. Requests arrive at a steady rate, whether or not earlier ones answered.
 */
export async function replayIncident(options: ReplayOptions): Promise<IncidentResult> {
  const { baseUrl, accessToken, plan, onPhase, signal } = options;
  const headers = { authorization: `Bearer ${accessToken}` };
  const responses: ObservedResponse[] = [];
  const inFlight: Promise<void>[] = [];
  const created: string[] = [];
  let sentCrud = 0;
  let burstStartedAt: number | undefined;

  const record = (phase: string, request: { method: string; path: string; body?: unknown }) => {
    const observed = send(baseUrl, request, headers).then(
      (response) => {
        responses.push({ ...response, phase });
        const id = (response.body as { id?: unknown } | undefined)?.id;
        if (request.method === "POST" && typeof id === "string") created.push(id);
      },
      // A request that got no answer at all (refused, timed out) is the report's 0 status.
      () =>
        void responses.push({
          ...request,
          phase,
          status: 0,
          headers: new Headers(),
          body: undefined,
        }),
    );
    inFlight.push(observed);
  };
  const nextCrud = () => {
    sentCrud += 1;
    const latest = created.at(-1);
    if (sentCrud % 3 === 1 || latest === undefined) {
      return { method: "POST", path: "/v1/todos", body: { title: `Replay todo ${sentCrud}` } };
    }
    if (sentCrud % 3 === 2) return { method: "GET", path: "/v1/todos?limit=10" };
    return { method: "GET", path: `/v1/todos/${latest}` };
  };

  for (const phase of plan.phases) {
    if (signal?.aborted) break;
    onPhase?.(phase);
    if (phase.errorsPerSecond > 0) burstStartedAt ??= Date.now();
    const crud = () => record(phase.name, nextCrud());
    const error = () => record(phase.name, { method: "GET", path: "/error" });
    await Promise.all([
      atRate(plan.crud.requestsPerSecond, phase.seconds, crud, signal),
      atRate(phase.errorsPerSecond, phase.seconds, error, signal),
    ]);
  }
  await Promise.all(inFlight);
  const failing = responses.find((response) => response.path === "/error");
  return { responses, failing, burstStartedAt };
}
