import {
  type BreakerStateName,
  createDependencyClient,
  type Deadline,
  type DependencyClientOptions,
} from "@tracemesh/resilience";
import * as v from "valibot";

/** The dependency's name in errors (`details[].name`), metrics and logs: never its URL. */
export const AUTH_DEPENDENCY = "auth";

/** What todo-api asks auth about (auth's policy grants them per role). */
export type TodoAction = "todos:read" | "todos:write" | "todos:delete";

/** An allow decision of auth's `POST /v1/authorize`. */
export interface AuthDecision {
  /** The token's subject: the owner of every todo the request touches. */
  subject: string;
  username: string;
  roles: string[];
  action: string;
  resource: string;
  /** When the token expires: no decision about it may be reused past this. */
  expiresAt: Date;
}

export interface AuthorizeRequest {
  token: string;
  action: TodoAction;
  /** `todos` or `todos/<id>`. */
  resource: string;
  deadline: Deadline;
}

export interface AuthClient {
  /**
   * auth's allow decision. @throws the upstream's 401 AUTH_REQUIRED or 403 FORBIDDEN as the
   * AppError it is, or DependencyError (auth) when auth cannot answer in time.
   */
  authorize(request: AuthorizeRequest): Promise<AuthDecision>;
  breakerState(): BreakerStateName;
}

export type AuthClientOptions = Omit<DependencyClientOptions, "name" | "baseUrl"> & {
  url: string;
};

const AllowResponse = v.object({
  allow: v.literal(true),
  subject: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  username: v.string(),
  roles: v.array(v.string()),
  action: v.string(),
  resource: v.string(),
  expiresAt: v.pipe(v.string(), v.isoTimestamp()),
});

/**
 * auth's `POST /v1/authorize` through the resilience client
 * (docs/architecture.md#deadlines-and-resilience): bulkhead, timeouts, retries, breaker, the
 * request's deadline forwarded in X-Request-Timeout-Ms.
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const { url, ...policies } = options;
  const client = createDependencyClient({ ...policies, name: AUTH_DEPENDENCY, baseUrl: url });
  return {
    async authorize({ token, action, resource, deadline }) {
      const decision = await client.requestJson({
        method: "POST",
        path: "/v1/authorize",
        body: { token, action, resource },
        // A decision changes nothing on auth's side: asking twice is as safe as a GET.
        idempotent: true,
        deadline,
        // An answer we cannot use (or one about another question) is no decision at all: auth's
        // failure, counted by its breaker.
        usable(body) {
          const parsed = v.safeParse(AllowResponse, body);
          if (!parsed.success) return undefined;
          const { output } = parsed;
          return output.action === action && output.resource === resource ? output : undefined;
        },
      });
      return { ...decision, expiresAt: new Date(decision.expiresAt) };
    },
    breakerState: client.breakerState,
  };
}
