import { AppError } from "@tracemesh/errors";
import type { Deadline, DependencyClient } from "@tracemesh/resilience";
import * as v from "valibot";
import { type UserProfile, UserProfileSchema } from "./user-profile.ts";

/** Finds a user's profile at auth; undefined when auth does not know the user. */
export type ProfileLookup = (
  userId: string,
  deadline: Deadline,
) => Promise<UserProfile | undefined>;

export interface ProfileLookupOptions {
  /** The dependency client of auth (its name shows in errors, metrics and spans). */
  client: DependencyClient;
  /** `SERVICE_TOKEN`, sent as a bearer token; undefined sends none (auth then answers 401). */
  serviceToken: string | undefined;
}

/**
 * `GET /v1/users/:id` at auth through the resilience client. A 404 USER_NOT_FOUND is an answer
 * (no such user), not a failure; other 4xx keep their meaning and unavailability is a
 * DependencyError.
 */
export function createProfileLookup(options: ProfileLookupOptions): ProfileLookup {
  const { client, serviceToken } = options;
  const headers: Record<string, string> =
    serviceToken === undefined ? {} : { Authorization: `Bearer ${serviceToken}` };
  return async function findProfile(userId, deadline) {
    try {
      return await client.requestJson({
        method: "GET",
        path: `/v1/users/${encodeURIComponent(userId)}`,
        headers,
        // "No such user" is an answer of this call, not an integration fault.
        meaningfulStatuses: [404],
        deadline,
        // A profile that is not one is auth's failure, counted by its breaker.
        usable: (body) => {
          const parsed = v.safeParse(UserProfileSchema, body);
          return parsed.success ? parsed.output : undefined;
        },
      });
    } catch (error) {
      // Only auth's own answer about the user: any other 404 (a wrong AUTH_URL, a moved route)
      // is an integration fault, retried and dead-lettered, never an event quietly skipped.
      if (error instanceof AppError && error.code === "USER_NOT_FOUND") return undefined;
      throw error;
    }
  };
}
