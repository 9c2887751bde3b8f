import { trace } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import type { TodoAction } from "./auth-client.ts";
import type { Authorizer } from "./authorizer.ts";
import { accessTokenOf } from "./bearer-token.ts";

/** Who the request acts for, from auth's decision. */
export interface Principal {
  /** The owner id of every todo this request may touch. */
  subject: string;
  username: string;
  roles: string[];
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `authorize()`: the caller auth allowed. */
    principal: Principal;
  }
}

/** Response header naming the dependency a degraded answer did without. */
export const DEGRADED_HEADER = "X-Degraded";
/** Span attribute with the same value as the header. */
export const DEGRADED_ATTRIBUTE = "tracemesh.degraded";

export interface AuthorizeOptions {
  authorizer: Authorizer;
  action: TodoAction;
  /** The resource asked about. @default () => "todos" */
  resource?: (c: Context) => string;
  /** Whether a recent decision may answer while auth is unavailable (reads only). @default false */
  degradable?: boolean;
}

/**
 * Asks auth whether the bearer token may do `action` on the resource and sets `c.var.principal`.
 * A degraded answer (auth down, a recent decision used) is marked on the response header,
 * the span and in the log, whatever the route answers next.
 */
export function authorize(options: AuthorizeOptions): MiddlewareHandler {
  const { authorizer, action, resource = () => "todos", degradable = false } = options;
  return async function authorizeMiddleware(c, next) {
    const { decision, degraded } = await authorizer.authorize({
      token: accessTokenOf(c),
      action,
      resource: resource(c),
      deadline: c.var.deadline,
      degradable,
    });
    c.set("principal", {
      subject: decision.subject,
      username: decision.username,
      roles: decision.roles,
    });
    if (degraded) {
      // Before next(), like traceresponse (packages/http/src/request-context.ts): the route's
      // response and an error response built by onError both start from it.
      c.header(DEGRADED_HEADER, degraded.dependency);
      trace.getActiveSpan()?.setAttribute(DEGRADED_ATTRIBUTE, degraded.dependency);
      c.var.logger.warn("authorization.degraded", {
        dependency: degraded.dependency,
        action,
        decisionAgeMs: degraded.decisionAgeMs,
      });
    }
    await next();
  };
}
