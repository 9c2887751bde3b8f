import { DependencyError } from "@tracemesh/errors";
import { createDeadline } from "@tracemesh/resilience";
import { recordingMeter } from "@tracemesh/testing";
import { expect, test } from "vitest";
import type { AuthClient, AuthDecision } from "./auth-client.ts";
import { createAuthorizer } from "./authorizer.ts";
import { createDecisionCache } from "./decision-cache.ts";

const DECISION: AuthDecision = {
  subject: "alice-id",
  username: "alice",
  roles: ["user"],
  action: "todos:read",
  resource: "todos",
  expiresAt: new Date(Date.now() + 15 * 60_000),
};

/** An auth client that answers with DECISION until `down` is set, then fails as auth would. */
function switchableAuth() {
  const state = { down: false };
  const client: AuthClient = {
    async authorize() {
      if (state.down) throw new DependencyError({ dependency: "auth" });
      return DECISION;
    },
    breakerState: () => "closed",
  };
  return { client, state };
}

const question = (degradable: boolean) => ({
  token: "token-a",
  action: "todos:read" as const,
  resource: "todos",
  deadline: createDeadline(1_000),
  degradable,
});

test("each degraded answer counts once, by dependency and action; answers from auth do not", async () => {
  const { meter, total, measurements } = recordingMeter();
  const auth = switchableAuth();
  const authorizer = createAuthorizer({
    client: auth.client,
    cache: createDecisionCache({ ttlMs: 60_000 }),
    meter,
  });
  await authorizer.authorize(question(true));
  expect(measurements).toEqual([]);

  auth.state.down = true;
  await authorizer.authorize(question(true));
  await authorizer.authorize(question(true));
  // Not degradable: no fallback, so nothing to count.
  await expect(authorizer.authorize(question(false))).rejects.toBeInstanceOf(DependencyError);

  expect(measurements).toEqual([
    {
      name: "tracemesh.authorization.degraded",
      value: 1,
      attributes: { dependency: "auth", action: "todos:read" },
    },
    {
      name: "tracemesh.authorization.degraded",
      value: 1,
      attributes: { dependency: "auth", action: "todos:read" },
    },
  ]);
  auth.state.down = false;
  await authorizer.authorize(question(true));
  expect(total("tracemesh.authorization.degraded")).toBe(2);
});

test("a call the request's own deadline ended is no outage: no fallback, nothing counted", async () => {
  const { meter, measurements } = recordingMeter();
  let deadlineExceeded = false;
  const client: AuthClient = {
    async authorize() {
      if (deadlineExceeded) throw new DependencyError({ dependency: "auth", deadlineExceeded });
      return DECISION;
    },
    breakerState: () => "closed",
  };
  const authorizer = createAuthorizer({
    client,
    cache: createDecisionCache({ ttlMs: 60_000 }),
    meter,
  });
  await authorizer.authorize(question(true));
  deadlineExceeded = true;
  await expect(authorizer.authorize(question(true))).rejects.toMatchObject({
    dependency: "auth",
    deadlineExceeded: true,
  });
  expect(measurements).toEqual([]);
});
