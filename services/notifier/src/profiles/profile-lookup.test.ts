import { AppError, DependencyError } from "@tracemesh/errors";
import { createDeadline, createDependencyClient } from "@tracemesh/resilience";
import { describe, expect, test } from "vitest";
import { createProfileLookup } from "./profile-lookup.ts";

const PROFILE = {
  id: "u-alice",
  username: "alice",
  displayName: "Alice Liddell",
  email: "alice@example.com",
};

function lookup(
  answer: () => Response,
  { serviceToken }: { serviceToken?: string } = { serviceToken: "service-token-0123" },
) {
  const requests: Request[] = [];
  const client = createDependencyClient({
    name: "auth",
    baseUrl: "http://auth.test",
    retry: { maxAttempts: 1 },
    fetch: async (input, init) => {
      requests.push(new Request(input, init));
      return answer();
    },
  });
  return { findProfile: createProfileLookup({ client, serviceToken }), requests };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("profile lookup", () => {
  test("GETs /v1/users/:id with the service token and returns the profile", async () => {
    const { findProfile, requests } = lookup(() => json(200, { ...PROFILE, extra: "ignored" }));
    expect(await findProfile("u-alice", createDeadline(1000))).toEqual(PROFILE);
    const [request] = requests;
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe("http://auth.test/v1/users/u-alice");
    expect(request?.headers.get("authorization")).toBe("Bearer service-token-0123");
    // The remaining budget travels with the call (docs/architecture.md#deadlines-and-resilience).
    expect(Number(request?.headers.get("x-request-timeout-ms"))).toBeGreaterThan(0);
  });

  test("a 404 USER_NOT_FOUND means no such user: undefined, not an error", async () => {
    const { findProfile } = lookup(() =>
      json(404, { errorCode: "USER_NOT_FOUND", message: "The user was not found." }),
    );
    expect(await findProfile("u-gone", createDeadline(1000))).toBeUndefined();
  });

  test("any other 404 (a wrong AUTH_URL) is a failure, so the event is retried, not skipped", async () => {
    for (const body of [{ errorCode: "RESOURCE_NOT_FOUND" }, "<html>Not Found</html>"]) {
      const { findProfile } = lookup(() => json(404, body));
      const failure = await findProfile("u-alice", createDeadline(1000)).catch((error) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).code).toBe("RESOURCE_NOT_FOUND");
    }
  });

  test("a 401 keeps its meaning; without a token none is sent", async () => {
    const { findProfile, requests } = lookup(() => json(401, { errorCode: "AUTH_REQUIRED" }), {});
    const failure = await findProfile("u-alice", createDeadline(1000)).catch((error) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe("AUTH_REQUIRED");
    expect(requests[0]?.headers.has("authorization")).toBe(false);
  });

  test("a 5xx or an answer that is not a profile is DependencyError auth", async () => {
    for (const answer of [() => json(503, {}), () => json(200, { id: "u-alice" })]) {
      const { findProfile } = lookup(answer);
      const failure = await findProfile("u-alice", createDeadline(1000)).catch((error) => error);
      expect(failure).toBeInstanceOf(DependencyError);
      expect((failure as DependencyError).dependency).toBe("auth");
    }
  });
});
