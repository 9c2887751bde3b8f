import { type Meter, metrics } from "@opentelemetry/api";
import { AppError, DependencyError } from "@tracemesh/errors";
import type { AuthClient, AuthDecision, AuthorizeRequest } from "./auth-client.ts";
import type { DecisionCache } from "./decision-cache.ts";

export interface AuthorizationRequest extends AuthorizeRequest {
  /**
   * Whether a recent decision may stand in when auth is unavailable: reads only, since a
   * stale "yes" to a write could change data its owner no longer may. @default false
   */
  degradable?: boolean;
}

export interface Authorization {
  decision: AuthDecision;
  /** Set when auth was unavailable and a cached decision answered instead. */
  degraded?: { dependency: string; decisionAgeMs: number };
}

export interface Authorizer {
  /** @throws what auth's client throws, unless a cached decision may answer for it. */
  authorize(request: AuthorizationRequest): Promise<Authorization>;
}

export interface AuthorizerOptions {
  client: AuthClient;
  cache: DecisionCache;
  /** @default Date.now */
  now?: () => number;
  /** @default the global meter provider's "@tracemesh/todo-api" meter */
  meter?: Meter;
}

/**
 * Asks auth every time; remembers the answers to degradable questions, and falls back to
 * them only when auth is unavailable (DependencyError), never when it said 401 or 403 or when
 * the request's own deadline ended the call.
 * Each such degraded answer counts in `tracemesh_authorization_degraded_total`.
 */
export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const { client, cache, now = Date.now } = options;
  const meter = options.meter ?? metrics.getMeter("@tracemesh/todo-api");
  const degradedAnswers = meter.createCounter("tracemesh.authorization.degraded", {
    description:
      "Requests answered on a recent decision because the dependency was unavailable (degraded reads).",
    unit: "{request}",
  });
  return {
    async authorize(request) {
      const { token, action, resource, degradable = false } = request;
      let decision: AuthDecision;
      try {
        decision = await client.authorize(request);
      } catch (error) {
        // Not when the request's own deadline ran out (or its client left): auth is not down,
        // and what little time is left would fail the rest of the request anyway.
        if (error instanceof DependencyError && !error.deadlineExceeded) {
          const cached = degradable ? cache.recall(token, action, resource) : undefined;
          if (cached === undefined) throw error;
          const decisionAgeMs = Math.max(0, now() - cached.decidedAt);
          degradedAnswers.add(1, { dependency: error.dependency, action });
          return {
            decision: cached.decision,
            degraded: { dependency: error.dependency, decisionAgeMs },
          };
        }
        // auth refused this token or action now: an earlier "yes" must not outlive that.
        if (error instanceof AppError) cache.forget(token, action, resource);
        throw error;
      }
      if (degradable) cache.remember(token, decision);
      return { decision };
    },
  };
}
