import { trace } from "@opentelemetry/api";
import { ForbiddenError, UnauthenticatedError } from "@tracemesh/errors";
import { jsonBody, MAX_BEARER_TOKEN_LENGTH, parseBearerToken, validate } from "@tracemesh/http";
import { Hono } from "hono";
import * as v from "valibot";
import { decide } from "../authorization/policy.ts";
import type { TokenVerifier } from "../tokens/token-verifier.ts";
import type { UserDirectory } from "../users/user-directory.ts";

const AuthorizeRequest = v.object({
  /** The access token, bare or as the client's whole `Bearer <token>` header value. */
  token: v.pipe(v.string(), v.maxLength(MAX_BEARER_TOKEN_LENGTH)),
  /** `<namespace>:<verb>`, e.g. `todos:write`. */
  action: v.pipe(v.string(), v.maxLength(64), v.regex(/^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/)),
  /** `<namespace>` or `<namespace>/<id>`, e.g. `todos/42`. */
  resource: v.pipe(
    v.string(),
    v.maxLength(256),
    v.regex(/^[a-z][a-z0-9-]*(\/[A-Za-z0-9._:-]{1,128})?$/),
  ),
});

export interface AuthorizeRouteDeps {
  users: UserDirectory;
  verifier: TokenVerifier;
}

/**
 * `POST /v1/authorize`: may this token's subject do `action` on `resource`? 200 with the
 * subject on allow, 403 FORBIDDEN on deny, and one neutral 401 AUTH_REQUIRED for every token
 * that does not verify, whatever the reason (the reason is logged, never returned).
 */
export function authorizeRoute(deps: AuthorizeRouteDeps): Hono {
  const { users, verifier } = deps;
  return new Hono().post(
    "/v1/authorize",
    jsonBody({ maxBytes: 16_384 }),
    validate("json", AuthorizeRequest),
    async function authorize(c) {
      const { token, action, resource } = c.req.valid("json");
      const verification = await verifier.verify(parseBearerToken(token) ?? token);
      const user = verification.valid ? users.findById(verification.token.subject) : undefined;
      if (!verification.valid || !user) {
        const reason = verification.valid ? "unknown_subject" : verification.reason;
        c.var.logger.warn("auth.token_rejected", { reason });
        throw new UnauthenticatedError();
      }
      const span = trace.getActiveSpan();
      const decision = decide(user, action, resource);
      span?.setAttribute("auth.decision", decision.allow ? "allow" : "deny");
      if (!decision.allow) {
        c.var.logger.warn("auth.access_denied", {
          subject: user.id,
          action,
          reason: decision.reason,
        });
        throw new ForbiddenError({ details: [{ field: "action", issue: decision.reason }] });
      }
      c.header("Cache-Control", "no-store");
      return c.json({
        allow: true,
        subject: user.id,
        username: user.username,
        roles: user.roles,
        action,
        resource,
        // Until then the decision may be reused, e.g. by todo-api's degraded mode.
        expiresAt: new Date(verification.token.expiresAt * 1000).toISOString(),
      });
    },
  );
}
